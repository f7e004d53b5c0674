"""The compiled training path (bpnn.training._fast) against the NumPy path, which is the reference.

Every fit here is run twice from the same initial weights, once with ``fast=True``
(numba) and once with ``fast=False`` (NumPy); weights and loss history must agree to
1e-12 in float64. The dispatch rules are tested too: what is not compiled falls back
to NumPy silently, or raises with the reason under ``fast=True``.
"""

import copy
import zlib

import numpy as np
import pytest

import bpnn
from bpnn.training import _fast

numba = pytest.importorskip("numba")

HIDDEN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu"]
# (output activation, loss) pairs the compiled loop implements
OUTPUTS = [
    ("sigmoid", "mse"),
    ("identity", "mse"),
    ("tanh", "mse"),
    ("relu", "mse"),
    ("leaky_relu", "mse"),
    ("sigmoid", "binary_crossentropy"),
    ("softmax", "categorical_crossentropy"),
]


def targets(rng, loss, n, width):
    if loss == "categorical_crossentropy":
        return np.eye(width)[rng.integers(0, width, size=n)]
    if loss == "binary_crossentropy":
        return rng.integers(0, 2, size=(n, width)).astype(float)
    return rng.uniform(-1, 1, size=(n, width))


def twin_fits(make_net, X, y, dtype=np.float64, **fit_kw):
    """Fit two identical networks, compiled and NumPy; return [(weights, history), ...] in that order."""
    out = []
    for fast in (True, False):
        net = make_net()
        history = net.fit(X, y, fast=fast, **fit_kw)
        assert all(p.dtype == dtype for p in net.params)
        out.append((net.get_weights(), history["loss"]))
    return out


def assert_agree(compiled, reference, rtol):
    (w_fast, h_fast), (w_ref, h_ref) = compiled, reference
    for a, b in zip(w_fast, w_ref):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * np.abs(b).max())
    np.testing.assert_allclose(h_fast, h_ref, rtol=rtol)


@pytest.mark.parametrize("output,loss", OUTPUTS)
def test_compiled_path_equals_numpy_path_in_float64(output, loss):
    rng = np.random.default_rng(zlib.crc32(f"{output}-{loss}".encode()))
    for trial in range(4):
        depth = trial + 1
        widths = [int(w) for w in rng.integers(2, 9, size=depth + 1)]
        hidden = [HIDDEN[i] for i in rng.integers(0, len(HIDDEN), size=depth - 1)]
        # the output layer keeps a (positive) bias, so that a ReLU output starts alive
        use_bias = [bool(b) for b in rng.integers(0, 2, size=depth - 1)] + [True]
        X = rng.normal(size=(23, widths[0]))
        y = targets(rng, loss, 23, widths[-1])
        batch_size = [1, 3, 7, 23][trial]
        seed = int(rng.integers(1000))

        def make_net():
            acts = hidden + [output]
            return bpnn.Network(
                [
                    bpnn.Dense(
                        widths[i],
                        widths[i + 1],
                        acts[i],
                        use_bias=use_bias[i],
                        bias_init=bpnn.core.initializers.Uniform(0.05, 0.5),
                    )
                    for i in range(depth)
                ],
                loss=loss,
                seed=seed,
            )

        fast, ref = twin_fits(
            make_net, X, y, epochs=4, learning_rate=0.05, batch_size=batch_size, shuffle=trial % 2 == 0, seed=seed
        )
        assert_agree(fast, ref, rtol=1e-12)
        # the check can fail: training moved the weights well beyond the tolerance
        assert not all(np.allclose(a, b, rtol=1e-6) for a, b in zip(fast[0], make_net().get_weights()))


def test_seed004_online_case_agrees():
    """Seed 004's network (2-25-50-25-2 sigmoid, MSE, one sample per update), on fewer samples."""
    from sklearn.datasets import make_moons

    X, labels = make_moons(200, noise=0.2, random_state=100)
    Y = np.eye(2)[labels]

    def make_net():
        net = bpnn.NeuralNetwork(seed=0)
        for n_in, n_out in [(2, 25), (25, 50), (50, 25), (25, 2)]:
            net.add_layer(bpnn.Layer(n_in, n_out, "sigmoid"))
        return net

    fast, ref = twin_fits(make_net, X, Y, epochs=3, learning_rate=0.5, batch_size=1, seed=4)
    assert_agree(fast, ref, rtol=1e-12)


@pytest.mark.parametrize("batch_size", [1, 5, 40])
def test_compiled_adam_equals_numpy_adam(batch_size):
    """Weights, history and the optimizer's state (m, v, step count) after the same training."""
    rng = np.random.default_rng(batch_size)
    X = rng.normal(size=(40, 4))
    y = targets(rng, "categorical_crossentropy", 40, 3)
    out = []
    for fast in (True, False):
        net = bpnn.Network(
            [bpnn.Dense(4, 6, "relu"), bpnn.Dense(6, 5, "tanh", use_bias=False), bpnn.Dense(5, 3, "softmax")],
            loss="categorical_crossentropy",
            seed=1,
        )
        opt = bpnn.training.optimizers.Adam(learning_rate=0.02, beta_1=0.8, beta_2=0.99, epsilon=1e-7)
        history = net.fit(X, y, epochs=3, batch_size=batch_size, optimizer=opt, seed=3, fast=fast)
        out.append((net.get_weights() + opt.m + opt.v, history["loss"]))
        assert opt.iterations == 3 * -(-40 // batch_size)
    assert_agree(out[0], out[1], rtol=1e-12)


def test_learning_rate_changed_by_a_callback_is_seen_by_the_compiled_loop():
    rng = np.random.default_rng(8)
    X, y = rng.normal(size=(30, 2)), rng.uniform(size=(30, 1))
    out, rates = [], []
    for fast in (True, False):
        net = bpnn.Network([bpnn.Dense(2, 5, "tanh"), bpnn.Dense(5, 1, "sigmoid")], seed=0)
        opt = bpnn.training.optimizers.SGD(learning_rate=3.0)
        shrink = bpnn.training.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_delta=10.0)
        history = net.fit(X, y, epochs=4, batch_size=6, optimizer=opt, callbacks=[shrink], seed=0, fast=fast)
        out.append((net.get_weights(), history["loss"]))
        rates.append(opt.learning_rate)
    assert rates[0] == rates[1] < 3.0
    assert_agree(out[0], out[1], rtol=1e-12)


def _adam_inputs(dtype, n=1000, seed=7):
    rng = np.random.default_rng(seed)
    param, grad = rng.normal(size=n).astype(dtype), rng.normal(size=n).astype(dtype)
    m, v = (rng.normal(size=n) * 0.1).astype(dtype), rng.uniform(0, 0.1, size=n).astype(dtype)
    return [param, grad, m, v]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_c_and_numba_adam_kernels_are_bit_for_bit_the_numpy_rule(dtype):
    """The optional C extension and the numba kernel against optimizers.Adam's NumPy rule,
    on the same arrays and the constants of step 3."""
    from bpnn.training import _fast

    if _fast._c_kernel() is None and not _fast._numba_installed():
        pytest.skip("neither the C extension nor numba is available")
    hyper = dict(lr=0.01, b1=0.9, b2=0.999, eps=1e-8, t=3)
    ref = _numpy_adam_step(_adam_inputs(dtype), dtype, **hyper)
    scalars = _adam_constants(dtype, **hyper)
    for kernel in _compiled_adam_kernels():
        got = _adam_inputs(dtype)
        kernel(got[0], got[1], got[2], got[3], scalars)
        for a, b in zip(got, ref):
            np.testing.assert_array_equal(a, b)


def _numpy_adam_step(arrays, dtype, lr, b1, b2, eps, t):
    """``[param, grad, m, v]`` after one step of optimizers.Adam's NumPy rule (step ``t``,
    with BPNN_FAST=0 semantics: a fresh Adam whose state is set by hand), in place."""
    opt = bpnn.training.optimizers.Adam(learning_rate=lr, beta_1=b1, beta_2=b2, epsilon=eps)
    opt.m, opt.v, opt.iterations, opt.lr = [arrays[2]], [arrays[3]], t, lr
    opt._fast_key, opt._fast_scalars = (t, lr, np.dtype(dtype)), None  # no compiled step
    with np.errstate(invalid="ignore"):  # NaN in the state of some inputs
        opt._update(0, arrays[0], arrays[1])
    return arrays


def _adam_constants(dtype, lr, b1, b2, eps, t):
    """The compiled kernels' constants of step ``t``, written out here from the paper's
    order of the step (not taken from _fast.adam_scalars)."""
    c = np.sqrt(1 - b2**t)
    return np.array([b1, 1 - b1, b2, 1 - b2, eps * c, lr * c / (1 - b1**t), np.finfo(dtype).tiny], dtype=dtype)


def _compiled_adam_kernels():
    """Adam's compiled passes available here: the C extension's, then numba's."""
    from bpnn.training import _fast

    kernels = []
    if _fast._c_kernel() is not None:
        kernels.append(_fast._c_kernel().adam_pass)
    if _fast._numba_installed():
        _fast._compile()
        kernels.append(_fast._adam_pass)
    return kernels


def _near_tiny(dtype):
    """Adam state and gradients around the dtype's smallest normal number ``tiny``: state
    that is subnormal already, that becomes subnormal after one step (``beta_1 = 0.9``
    shrinks it below ``tiny``), that stays just normal, and NaN, -0.0, 0 and normal values."""
    tiny = float(np.finfo(dtype).tiny)
    sub = float(np.nextafter(np.zeros(1, dtype), 1)[0])  # the smallest subnormal
    m = np.array(
        [4 * sub, -4 * sub, 1.05 * tiny, -1.05 * tiny, 1.2 * tiny, 2 * tiny, 0.0, -0.0, np.nan, 0.3, tiny, -0.5 * tiny],
        dtype,
    )
    v = np.array(
        [4 * sub, 0.5 * tiny, 1.05 * tiny, 1.2 * tiny, 0.0, 2 * tiny, 0.0, 0.0, 0.1, 0.01, tiny, 0.5 * tiny], dtype
    )
    g = np.array([0, 0, 0, 0, 0, 0, 0, 0, 0.5, -0.2, 0, 0], dtype)
    p = np.linspace(-1, 1, len(m)).astype(dtype)
    return [p, g, m, v]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_adam_sets_subnormal_state_to_zero_in_every_kernel(dtype):
    """m and v never keep a subnormal entry: below the smallest normal number they become
    +0.0 -- in optimizers.Adam's NumPy rule, the C extension and the numba kernel alike,
    bit for bit -- while normal entries (and NaN) follow the plain formulas."""
    hyper = dict(lr=0.01, b1=0.9, b2=0.999, eps=1e-8, t=5)
    b1, b2 = hyper["b1"], hyper["b2"]
    tiny = np.finfo(dtype).tiny
    start = _near_tiny(dtype)
    # the plain formulas in the dtype, without the zeroing
    plain_m = start[2] * dtype(b1) + start[1] * dtype(1 - b1)
    plain_v = start[3] * dtype(b2) + start[1] * dtype(1 - b2) * start[1]
    below_m, below_v = np.abs(plain_m) < tiny, np.abs(plain_v) < tiny
    assert below_m.sum() >= 5 and (~below_m & np.isfinite(plain_m) & (plain_m != 0)).sum() >= 3  # both sides
    ref = _numpy_adam_step([a.copy() for a in start], dtype, **hyper)
    m, v = ref[2], ref[3]
    np.testing.assert_array_equal(m[below_m].view(np.uint8), np.zeros(below_m.sum() * m.itemsize, np.uint8))
    np.testing.assert_array_equal(v[below_v].view(np.uint8), np.zeros(below_v.sum() * v.itemsize, np.uint8))
    np.testing.assert_array_equal(m[~below_m], plain_m[~below_m])
    np.testing.assert_array_equal(v[~below_v], plain_v[~below_v])
    assert not ((m != 0) & (np.abs(m) < tiny)).any() and not ((v != 0) & (np.abs(v) < tiny)).any()
    kernels = _compiled_adam_kernels()
    assert kernels  # numba at least: this file is skipped without it
    scalars = _adam_constants(dtype, **hyper)
    for kernel in kernels:
        got = [a.copy() for a in start]
        kernel(got[0], got[1], got[2], got[3], scalars)
        for a, b in zip(got, ref):
            np.testing.assert_array_equal(a.view(np.uint8), b.view(np.uint8))


def test_a_subnormal_moment_would_stay_forever_without_the_zeroing():
    """Why the zeroing exists: in float32, 0.9 times four subnormal units rounds back to four
    units, so a weight whose gradient stays zero keeps a subnormal m for good."""
    stuck = np.float32(4) * np.nextafter(np.float32(0), np.float32(1))
    assert stuck * np.float32(0.9) + np.float32(0) * np.float32(0.1) == stuck
    opt = bpnn.Adam(0.01)
    params = [np.ones(3, np.float32)]
    opt.step(params, [np.ones(3, np.float32)])  # creates the state
    opt.m[0][:] = stuck
    opt.step(params, [np.zeros(3, np.float32)])
    assert (opt.m[0] == 0).all()


@pytest.mark.parametrize("kernel", ["c", "numba"])
def test_adam_uses_the_c_extension_or_numba_and_changes_nothing(monkeypatch, kernel):
    """The dispatch in optimizers.Adam: with the C extension, or without it (numba then),
    an Adam run gives the same bits as with BPNN_FAST=0."""
    from bpnn.training import _fast

    if kernel == "c" and _fast._c_kernel() is None:
        pytest.skip("the C extension is not built here")
    if kernel == "numba":
        if not _fast._numba_installed():
            pytest.skip("numba is not installed")
        monkeypatch.setattr(_fast, "_c_kernel", lambda: None)
    calls = []
    real_pass = _fast.adam_pass
    monkeypatch.setattr(_fast, "adam_pass", lambda *a: calls.append(1) or real_pass(*a))
    results = []
    for switch in ("1", "0"):
        monkeypatch.setenv("BPNN_FAST", switch)
        params = [p.copy() for p in _adam_inputs(np.float32, n=300, seed=3)[:2]]
        opt = bpnn.training.optimizers.Adam(learning_rate=0.01)
        for step in range(4):
            opt.step(params, [np.cos(p * (step + 1)) for p in params])
        results.append(params + opt.m + opt.v)
    assert len(calls) == 8  # 4 steps x 2 arrays through the compiled pass, none with BPNN_FAST=0
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_compiled_adam_step_is_bit_for_bit_the_numpy_rule(monkeypatch):
    """optimizers.Adam takes one compiled pass when numba is there; it must change nothing."""
    rng = np.random.default_rng(4)
    results = []
    for switch in ("1", "0"):
        monkeypatch.setenv("BPNN_FAST", switch)
        for dtype in (np.float32, np.float64):
            params = [rng.normal(size=(7, 5)).astype(dtype), rng.normal(size=5).astype(dtype)]
            opt = bpnn.training.optimizers.Adam(learning_rate=0.01)
            for step in range(5):
                opt.step(params, [np.sin(p * (step + 1)) for p in params])
            results.append(params + opt.m + opt.v)
        rng = np.random.default_rng(4)
    for a, b in zip(results[:2], results[2:]):
        for x, y in zip(a, b):
            assert x.dtype == y.dtype
            np.testing.assert_array_equal(x, y)


def test_compiled_path_keeps_float32_and_agrees_to_float32_rounding():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(30, 3)).astype(np.float32)
    y = targets(rng, "categorical_crossentropy", 30, 3).astype(np.float32)

    def make_net():
        return bpnn.Network(
            [bpnn.Dense(3, 6, "tanh"), bpnn.Dense(6, 3, "softmax")],
            loss="categorical_crossentropy",
            seed=2,
            dtype=np.float32,
        )

    fast, ref = twin_fits(make_net, X, y, dtype=np.float32, epochs=3, learning_rate=0.1, batch_size=4, seed=0)
    assert_agree(fast, ref, rtol=1e-4)


def test_compiled_online_update_matches_a_hand_written_loop():
    """An independent check of the compiled loop: seed 004's rule written out by hand,
    with sigmoid written as 1 / (1 + exp(-z)), visiting the rows in the permutation fit draws."""
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(9, 2)), rng.uniform(size=(9, 2))
    net = bpnn.Network([bpnn.Dense(2, 4, "sigmoid"), bpnn.Dense(4, 2, "sigmoid")], seed=3)
    W1, b1, W2, b2 = net.get_weights()
    s = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    order_rng = np.random.default_rng(7)  # fit(seed=7) draws one permutation per epoch from this
    for _ in range(3):
        for i in order_rng.permutation(9):
            h = s(X[i] @ W1 + b1)
            o = s(h @ W2 + b2)
            d2 = (o - y[i]) * o * (1 - o)
            d1 = (W2 @ d2) * h * (1 - h)
            W2, b2 = W2 - 0.4 * np.outer(h, d2), b2 - 0.4 * d2
            W1, b1 = W1 - 0.4 * np.outer(X[i], d1), b1 - 0.4 * d1
    net.fit(X, y, epochs=3, learning_rate=0.4, batch_size=1, seed=7, fast=True)
    for got, want in zip(net.get_weights(), [W1, b1, W2, b2]):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_fit_uses_the_compiled_loops_by_default(monkeypatch):
    calls = []
    _fast._compile()
    for name in ("_online_epoch", "_batch_epoch"):

        def spy(*args, _name=name, _compiled=getattr(_fast, name)):
            calls.append(_name)
            return _compiled(*args)

        monkeypatch.setattr(_fast, name, spy)
    X, y = np.ones((10, 2)), np.zeros((10, 1))
    net = bpnn.Network([bpnn.Dense(2, 3, "tanh"), bpnn.Dense(3, 1)], seed=0)
    net.fit(X, y, epochs=2, batch_size=5)
    net.fit(X, y, epochs=1, batch_size=1)
    assert calls == ["_batch_epoch", "_batch_epoch", "_online_epoch"]
    net.fit(X, y, epochs=2, batch_size=5, fast=False)
    monkeypatch.setenv("BPNN_FAST", "0")
    net.fit(X, y, epochs=2, batch_size=5)
    assert len(calls) == 3


class Subclassed(bpnn.training.optimizers.SGD):
    """A subclass is a different optimizer as far as the compiled path knows."""


class BatchWatcher(bpnn.Callback):
    def on_batch_end(self, batch, logs=None):
        pass


class Cube(bpnn.Activation):
    name = "cube"

    def forward(self, z):
        return z**3

    def derivative(self, a):
        return 3 * np.cbrt(a) ** 2


@pytest.mark.parametrize(
    "change,reason",
    [
        (dict(sample_weight=np.linspace(1, 2, 12)), "sample_weight"),
        (dict(optimizer=Subclassed(0.1), learning_rate=None), "SGD \\(with or without momentum\\) and Adam only"),
        (dict(optimizer=bpnn.training.optimizers.Adam(global_clipnorm=1.0), learning_rate=None), "global_clipnorm"),
        (dict(optimizer="rmsprop"), "RMSprop"),
        (
            dict(
                optimizer=bpnn.training.optimizers.SGD(bpnn.training.schedules.StepDecay(0.1, 2, 0.5)),
                learning_rate=None,
            ),
            "schedule",
        ),
        (dict(callbacks=[BatchWatcher()]), "BatchWatcher"),
        (dict(output="softmax"), "mse"),
        (dict(output="tanh", loss="binary_crossentropy"), "binary_crossentropy"),
        (dict(hidden=Cube()), "Cube"),
        (dict(width=_fast.MAX_PRODUCT // (3 * 4) + 1), "large enough"),
    ],
)
def test_what_is_not_compiled_falls_back_or_says_why(change, reason):
    n = change.pop("n", 12)
    alpha = change.pop("alpha", 0.0)
    output, loss = change.pop("output", "sigmoid"), change.pop("loss", "mse")
    hidden, width = change.pop("hidden", "tanh"), change.pop("width", 4)
    kw = dict(epochs=2, learning_rate=0.1, batch_size=4, seed=0)
    kw.update(change)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(n, 3)), targets(rng, loss, n, 2)

    def make_net():
        return bpnn.Network(
            [bpnn.Dense(3, width, hidden), bpnn.Dense(width, 2, output)], loss=loss, seed=0, alpha=alpha
        )

    with pytest.raises(ValueError, match="fast=True, but the compiled path cannot train this: .*" + reason):
        make_net().fit(X, y, fast=True, **kw)
    auto, numpy_path = make_net(), make_net()
    optimizer = kw.get("optimizer")
    if isinstance(optimizer, bpnn.Optimizer):  # a fresh copy for each fit
        kw["optimizer"] = copy.deepcopy(optimizer)
    auto.fit(X, y, **kw)
    if isinstance(optimizer, bpnn.Optimizer):
        kw["optimizer"] = copy.deepcopy(optimizer)
    numpy_path.fit(X, y, fast=False, **kw)
    for a, b in zip(auto.get_weights(), numpy_path.get_weights()):
        np.testing.assert_array_equal(a, b)  # the fallback is the NumPy path itself


def test_missing_numba_and_the_environment_switch_are_reported(monkeypatch):
    net = bpnn.Network([bpnn.Dense(2, 2, "sigmoid")], seed=0)
    X, y = np.ones((4, 2)), np.zeros((4, 2))
    monkeypatch.setenv("BPNN_FAST", "off")
    with pytest.raises(ValueError, match="BPNN_FAST"):
        net.fit(X, y, batch_size=1, fast=True)
    monkeypatch.delenv("BPNN_FAST")
    monkeypatch.setattr(_fast, "_numba_installed", lambda: False)
    with pytest.raises(ValueError, match=r"numba is not installed \(it is one of bpnn's dependencies"):
        net.fit(X, y, batch_size=1, fast=True)
    net.fit(X, y, batch_size=1)  # and without fast=True it quietly trains with NumPy


def test_fast_must_be_a_bool_or_none():
    net = bpnn.Network([bpnn.Dense(2, 1)], seed=0)
    with pytest.raises(TypeError, match=r"'fast' parameter must be None, True or False; got 'yes'"):
        net.fit(np.ones((3, 2)), np.ones((3, 1)), fast="yes")


def test_divergence_is_caught_the_same_way_on_both_paths():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3)) * 10
    y = rng.normal(size=(20, 1)) * 100
    messages, kept = [], []
    for fast in (True, False):
        net = bpnn.Network([bpnn.Dense(3, 8, "relu"), bpnn.Dense(8, 1)], seed=0)
        with pytest.raises(bpnn.DivergenceError) as info:
            net.fit(X, y, epochs=50, learning_rate=5.0, batch_size=4, seed=0, fast=fast)
        assert all(np.isfinite(p).all() for p in net.params)
        messages.append(str(info.value).split(":")[1].split(".")[0])  # "the loss became ... at epoch N"
        kept.append(net.epochs_trained)
    assert kept[0] == kept[1]
    assert messages[0].split("at epoch")[1] == messages[1].split("at epoch")[1]


def test_training_reuses_layer_buffers_but_predict_returns_fresh_arrays():
    """The NumPy path's bookkeeping: a training step writes into buffers kept per batch
    size; outside training every result is a new array the caller may keep."""
    import pickle

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    net = bpnn.Network([bpnn.Dense(3, 4, "tanh"), bpnn.Dense(4, 2)], seed=0)
    net._forward_backward(X, y)
    first = (net.layers[0].output, net.layers[0].grad_weights)
    net._forward_backward(X * 2, y)
    assert net.layers[0].output is first[0] and net.layers[0].grad_weights is first[1]
    np.testing.assert_allclose(first[0], np.tanh(2 * X @ net.layers[0].weights + net.layers[0].bias))
    p1 = net.predict(X)
    p1_copy = p1.copy()
    p2 = net.predict(X * 3)
    assert p1 is not p2
    np.testing.assert_array_equal(p1, p1_copy)
    (g1, _), _ = net.backward(X, y)
    g1_copy = g1.copy()
    net.backward(X * 3, y)
    np.testing.assert_array_equal(g1, g1_copy)
    restored = pickle.loads(pickle.dumps(net.layers[0]))
    assert restored._buffers == {} and net.layers[0]._buffers
    np.testing.assert_array_equal(restored.weights, net.layers[0].weights)


@pytest.mark.parametrize("fast", [True, False])
def test_training_with_a_dead_input_leaves_no_subnormal_adam_state(fast):
    """A weight whose gradient has been zero for hundreds of steps: its m shrinks by 0.9 a
    step and would stop at a subnormal value for good (the float32 arithmetic below shows
    it); the compiled epoch and the NumPy path both leave an exact zero instead."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 3)).astype(np.float32)
    y = (X[:, :1] * X[:, 1:2] > 0).astype(np.float32)
    net = bpnn.Network(
        [bpnn.Dense(3, 4, "tanh"), bpnn.Dense(4, 1, "sigmoid")], loss="binary_crossentropy", seed=0, dtype=np.float32
    )
    opt = bpnn.Adam(0.01)
    net.fit(X, y, epochs=20, batch_size=8, optimizer=opt, seed=0, fast=fast)
    m_row = opt.m[0][0].copy()  # m of the weights from input 0, nonzero after training on it
    assert (np.abs(m_row) > 1e-6).all()
    X[:, 0] = 0.0  # input 0 is dead from now on: its weights get zero gradients
    net.fit(X, y, epochs=500, batch_size=8, optimizer=opt, seed=1, fast=fast)
    tiny = np.finfo(np.float32).tiny
    plain = m_row
    for _ in range(1000):  # the same 1000 steps of m's rule without the zeroing
        plain = plain * np.float32(0.9) + np.float32(0.0) * np.float32(0.1)
    assert ((plain != 0) & (np.abs(plain) < tiny)).any()  # stuck below the normal range
    np.testing.assert_array_equal(opt.m[0][0], np.zeros(4, np.float32))
    for state in opt.m + opt.v:
        assert not ((state != 0) & (np.abs(state) < tiny)).any()


def test_compiled_exp_sigmoid_and_softmax_agree_with_numpy_over_the_whole_range():
    """The compiled loops compute e**t by hand (so that loops of sigmoids vectorise); against
    NumPy's exp and bpnn's NumPy Sigmoid/Softmax it must stay within a few units in the last
    place everywhere, saturate like them, and keep NaN and infinities' meaning."""
    _fast._compile()
    rng = np.random.default_rng(0)
    ulps = 4 * np.finfo(float).eps
    # exp itself, every t <= 0: within 4 ulp down to its floor (e**-708), 0 below (< 3.1e-308)
    t = np.concatenate([-np.abs(rng.standard_normal(3000)) * 50, -np.linspace(0, 800, 3001), [-0.0, -1e-300]])
    got = np.array([_fast._exp_nonpositive(v) for v in t])
    above = t >= -708.0
    np.testing.assert_allclose(got[above], np.exp(t[above]), rtol=ulps, atol=0)
    assert np.all(got[~above] == 0.0) and np.all(np.exp(t[~above]) < 3.1e-308)
    # sigmoid over a whole array, as the loops call it
    z = np.concatenate(
        [rng.standard_normal(200_000) * 20, np.linspace(-800, 800, 160_001), [np.nan, np.inf, -np.inf, 0.0, -0.0]]
    )
    want = bpnn.core.activations.Sigmoid().forward(z.copy())
    a = z.copy()
    _fast._activate_all(a, _fast.SIGMOID, 0.0)
    assert np.array_equal(np.isnan(a), np.isnan(want)) and np.isnan(a[-5])
    assert a[-4] == 1.0 and a[-3] == 0.0 and a[-2] == a[-1] == 0.5
    normal = z >= -708.0
    np.testing.assert_allclose(a[normal], want[normal], rtol=ulps, atol=0)
    assert np.all(a[z < -708.0] == 0.0)
    # softmax rows, including huge logits and an infinite one, against the NumPy layer
    logits = np.vstack([rng.standard_normal(10) * s for s in (1, 30, 300, 3000)] + [[np.inf] + [0.0] * 9])
    with np.errstate(invalid="ignore"):  # inf - inf in the last row: NaN, as in the compiled loop
        want = bpnn.core.activations.Softmax().forward(logits.copy())
    for row, want_row in zip(logits.copy(), want):
        _fast._activate_row(row, np.zeros(10), False, _fast.SOFTMAX, 0.0)
        np.testing.assert_allclose(row, want_row, rtol=2 * ulps, atol=1e-300)
        assert np.array_equal(np.isnan(row), np.isnan(want_row))
