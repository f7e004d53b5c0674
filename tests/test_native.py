"""bpnn's optional C kernels (bpnn.core._native, src/bpnn/_ckernels.c) against the NumPy code
they replace, which is the reference: bit for bit, on the awkward values too (NaN, ±inf,
-0.0) and on sizes that leave a tail after the vector loop."""

import shutil

import numpy as np
import pytest

import bpnn
from bpnn.core import _native

HAS_COMPILER = shutil.which("cc") is not None or shutil.which("gcc") is not None
needs_kernels = pytest.mark.skipif(_native.kernels() is None, reason="the C extension is not built here")
SIZES = [(1, 1), (3, 7), (17, 33), (200, 256), (5, 1003)]
DTYPES = [np.float32, np.float64]


def bits(a: np.ndarray) -> np.ndarray:
    """The array's bytes as integers: equal bits, not just equal values (-0.0 is not 0.0)."""
    return a.view(np.uint32 if a.dtype == np.float32 else np.uint64)


def awkward(rng, shape, dtype) -> np.ndarray:
    """Normal numbers with some NaN, ±inf, ±0.0 and tiny (subnormal) values mixed in."""
    z = rng.normal(size=shape)
    specials = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-310, -1e-310, 1e-45, -1e-45])
    mask = rng.random(shape) < 0.2
    z[mask] = rng.choice(specials, size=mask.sum())
    return z.astype(dtype)


def test_c_extension_is_built_where_a_compiler_is():
    """setup.py builds bpnn.core._ckernels as an optional extension; on a machine with a C compiler
    (this one, in CI) it must have been built, or training silently runs without it."""
    if not HAS_COMPILER:
        pytest.skip("no C compiler here")
    assert _native.kernels() is not None


@needs_kernels
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SIZES)
def test_bias_relu_is_bit_for_bit_numpy(dtype, shape):
    rng = np.random.default_rng(shape[0] * 1000 + shape[1])
    z, bias = awkward(rng, shape, dtype), awkward(rng, shape[1], dtype)
    expected = z.copy()
    with np.errstate(invalid="ignore"):  # inf + -inf in the reference
        expected += bias
        np.maximum(expected, 0, out=expected)
        assert _native.bias_relu(z, bias)
    np.testing.assert_array_equal(bits(z), bits(expected))


@needs_kernels
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SIZES)
def test_relu_backward_is_bit_for_bit_numpy(dtype, shape):
    rng = np.random.default_rng(shape[0] + shape[1])
    grad, a = awkward(rng, shape, dtype), awkward(rng, shape, dtype)
    out = np.full(shape, 7, dtype)
    with np.errstate(invalid="ignore"):  # inf * 0 in the reference
        expected = np.multiply(grad, a > 0)
    assert _native.relu_backward(grad, a, out)
    np.testing.assert_array_equal(bits(out), bits(expected))


@needs_kernels
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [1, 7, 37, 1003])
def test_adam_pass_is_bit_for_bit_the_numpy_rule(dtype, n):
    """Adam's C loop against optimizers.Adam's NumPy rule on sizes with vector tails."""
    rng = np.random.default_rng(n)
    start = [
        rng.normal(size=n).astype(dtype),
        rng.normal(size=n).astype(dtype),
        (rng.normal(size=n) * 0.1).astype(dtype),
        rng.uniform(0, 0.1, size=n).astype(dtype),
    ]
    lr, b1, b2, eps, t = 0.01, 0.9, 0.999, 1e-8, 4
    ref = [a.copy() for a in start]
    opt = bpnn.training.optimizers.Adam(learning_rate=lr, beta_1=b1, beta_2=b2, epsilon=eps)
    opt.m, opt.v, opt.iterations, opt.lr = [ref[2]], [ref[3]], t, lr
    opt._fast_key, opt._fast_scalars = (t, lr, np.dtype(dtype)), None  # force the NumPy rule
    opt._update(0, ref[0], ref[1])
    c = np.sqrt(1 - b2**t)
    scalars = np.array([b1, 1 - b1, b2, 1 - b2, eps * c, lr * c / (1 - b1**t), np.finfo(dtype).tiny], dtype=dtype)
    got = [a.copy() for a in start]
    _native.kernels().adam_pass(got[0], got[1], got[2], got[3], scalars)
    for a, b in zip(got, ref):
        np.testing.assert_array_equal(bits(a), bits(b))


@needs_kernels
def test_wrappers_decline_what_the_kernels_cannot_take():
    """The Python wrappers return False (the caller then runs NumPy) instead of calling C
    on arrays it cannot read as plain C-contiguous floats of one dtype."""
    z = np.ones((4, 3))
    assert not _native.bias_relu(z, np.ones(3, np.float32))  # mixed dtypes
    assert not _native.bias_relu(z, np.ones(4))  # bias does not fit the rows
    assert not _native.bias_relu(np.ones((3, 4))[:, :3], np.ones(3))  # a strided view
    assert not _native.bias_relu(np.ones((4, 3), np.int64), np.ones(3, np.int64))  # not floats
    assert not _native.bias_relu(np.ones((4, 3), ">f8"), np.ones(3, ">f8"))  # not native byte order
    frozen = np.ones((4, 3))
    frozen.flags.writeable = False
    assert not _native.bias_relu(frozen, np.ones(3))
    assert not _native.relu_backward(np.ones(3), np.ones(4), np.ones(3))
    assert not _native.relu_backward(np.ones(3), np.ones(3), np.ones(3, np.float32))
    assert not _native.relu_backward(np.ones((3, 2))[:, 0], np.ones(3), np.ones(3))
    assert np.array_equal(z, np.ones((4, 3)))  # nothing was touched


@needs_kernels
def test_the_kernels_themselves_refuse_bad_arrays_with_clear_errors():
    k = _native.kernels()
    with pytest.raises(TypeError, match="adam_pass: every array must have the dtype of the first; 'grad'"):
        k.adam_pass(np.zeros(3), np.zeros(3, np.float32), np.zeros(3), np.zeros(3), np.zeros(7))
    with pytest.raises(ValueError, match="same size"):
        k.adam_pass(np.zeros(3), np.zeros(4), np.zeros(3), np.zeros(3), np.zeros(7))
    with pytest.raises(TypeError, match="'param' must be a C-contiguous, writable float array"):
        k.adam_pass(np.zeros((3, 2))[:, 0], np.zeros(3), np.zeros(3), np.zeros(3), np.zeros(7))
    with pytest.raises(ValueError, match="7 numbers"):
        k.adam_pass(np.zeros(3), np.zeros(3), np.zeros(3), np.zeros(3), np.zeros(6))
    same = np.zeros(3)
    with pytest.raises(ValueError, match="different arrays"):
        k.adam_pass(np.zeros(3), np.zeros(3), same, same, np.zeros(7))
    with pytest.raises(TypeError, match="bias_relu: 'z' must be float32 or float64, not format 'l'"):
        k.bias_relu(np.zeros(3, np.int64), np.zeros(3))
    with pytest.raises(ValueError, match="one entry per column of 'z'"):
        k.bias_relu(np.zeros((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match=r"one entry per column of 'z' \(got 1-D and 1-D\)"):
        k.bias_relu(np.zeros(6), np.zeros(6))
    with pytest.raises(ValueError, match="one entry per column of 'z'"):
        k.bias_relu(np.zeros((2, 3)), np.zeros((1, 3)))
    with pytest.raises(ValueError, match="'grad', 'a' and 'out' must have the same size"):
        k.relu_backward(np.zeros(3), np.zeros(3), np.zeros(2))
    with pytest.raises(TypeError, match="'out' must be a C-contiguous, writable"):
        k.relu_backward(np.zeros(3), np.zeros(3), b"abc")


@needs_kernels
def test_switched_off_by_bpnn_fast_0(monkeypatch):
    monkeypatch.setenv("BPNN_FAST", "0")
    z = -np.ones((2, 3))
    assert not _native.bias_relu(z, np.zeros(3))
    assert not _native.relu_backward(np.ones(3), np.ones(3), np.empty(3))
    assert np.all(z == -1)


@needs_kernels
@pytest.mark.parametrize("dtype", DTYPES)
def test_training_with_the_kernels_gives_the_numpy_path_bits(monkeypatch, dtype):
    """A ReLU network trained with the kernels (and the compiled Adam step) and with
    BPNN_FAST=0 (NumPy only) from the same weights: the same weights and losses, to the bit.
    fast=False keeps numba's whole-epoch loop out, so the layers' NumPy path runs either way."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 6)).astype(dtype)
    y = np.eye(3, dtype=dtype)[rng.integers(0, 3, 90)]
    calls = {"bias_relu": 0, "relu_backward": 0}
    for name in calls:
        real = getattr(_native, name)

        def counted(*args, _real=real, _name=name):
            done = _real(*args)
            calls[_name] += done
            return done

        monkeypatch.setattr(_native, name, counted)
    results = []
    for switch in ("1", "0"):
        monkeypatch.setenv("BPNN_FAST", switch)
        net = bpnn.Network(
            [bpnn.Dense(6, 16, "relu"), bpnn.Dense(16, 8, "relu"), bpnn.Dense(8, 3, "softmax")],
            loss="categorical_crossentropy",
            seed=1,
            dtype=dtype,
        )
        history = net.fit(X, y, epochs=4, batch_size=16, optimizer="adam", learning_rate=0.01, seed=2, fast=False)
        # 4 epochs x 6 batches x 2 ReLU layers through each kernel; none with BPNN_FAST=0
        assert calls == ({"bias_relu": 48, "relu_backward": 48} if switch == "1" else calls)
        results.append((net.get_weights(), history["loss"], net.predict(X)))
        if switch == "1":
            assert calls == {"bias_relu": 50, "relu_backward": 48}  # predict: forward only
            frozen = dict(calls)
        else:
            assert calls == frozen
    (w1, h1, p1), (w0, h0, p0) = results
    assert h1 == h0
    for a, b in zip(w1 + [p1], w0 + [p0]):
        np.testing.assert_array_equal(bits(a), bits(b))
