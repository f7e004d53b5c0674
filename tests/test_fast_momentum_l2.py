"""The compiled epoch with SGD's momentum (heavy ball and Nesterov) and the L2 penalty
(``Network(alpha=...)``), which the estimators use by default (``momentum=0.9``,
``alpha=1e-4``): the same training as the NumPy path, to rounding."""

import numpy as np
import pytest

import bpnn
from bpnn.training import _fast

pytest.importorskip("numba")


def _fit(fast, optimizer, alpha, batch_size, dtype=np.float64, epochs=4, n=40):
    rng = np.random.default_rng(7)
    X = rng.normal(size=(n, 3)).astype(dtype)
    y = np.eye(3)[rng.integers(0, 3, n)].astype(dtype)
    net = bpnn.Network(
        [bpnn.Dense(3, 6, "tanh"), bpnn.Dense(6, 5, "relu", use_bias=False), bpnn.Dense(5, 3, "softmax")],
        loss="categorical_crossentropy",
        seed=2,
        alpha=alpha,
        dtype=dtype,
    )
    history = net.fit(X, y, epochs=epochs, batch_size=batch_size, optimizer=optimizer, seed=5, fast=fast)
    return net, history


@pytest.mark.parametrize("momentum,nesterov", [(0.0, False), (0.9, False), (0.8, True)])
@pytest.mark.parametrize("alpha", [0.0, 0.05])
@pytest.mark.parametrize("batch_size", [1, 7, 40])
def test_compiled_momentum_and_l2_equal_the_numpy_path(momentum, nesterov, alpha, batch_size):
    results = []
    for fast in (True, False):
        opt = bpnn.SGD(0.05, momentum=momentum, nesterov=nesterov)
        net, history = _fit(fast, opt, alpha, batch_size)
        state = [] if opt.velocity is None else opt.velocity
        results.append((net.get_weights() + list(state), history["loss"], opt.iterations))
    (w_fast, h_fast, it_fast), (w_ref, h_ref, it_ref) = results
    assert it_fast == it_ref == 4 * -(-40 // batch_size)
    for a, b in zip(w_fast, w_ref):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12 * np.abs(b).max())
    np.testing.assert_allclose(h_fast, h_ref, rtol=1e-12)
    if momentum or alpha:  # the case really differs from plain SGD without a penalty
        plain, _ = _fit(False, bpnn.SGD(0.05), 0.0, batch_size)
        assert not all(np.allclose(a, b, rtol=1e-6) for a, b in zip(w_ref, plain.get_weights()))


def test_compiled_adam_with_l2_equals_the_numpy_path():
    out = []
    for fast in (True, False):
        opt = bpnn.Adam(0.01)
        net, history = _fit(fast, opt, 1e-2, 8)
        out.append((net.get_weights() + opt.m + opt.v, history["loss"]))
    for a, b in zip(out[0][0], out[1][0]):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-12 * np.abs(b).max())
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-12)


def test_the_l2_penalty_is_in_the_compiled_loss_and_gradient():
    """The compiled epoch's reported loss is the data loss plus alpha / (2 m) * sum ||W||^2 with
    the weights before each batch's update: one full batch, so the epoch loss is that of the
    starting weights, computed here by hand."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10, 3)), rng.normal(size=(10, 2))
    net = bpnn.Network([bpnn.Dense(3, 4, "tanh"), bpnn.Dense(4, 2)], seed=0, alpha=0.3)
    W1, b1, W2, b2 = net.get_weights()
    out = np.tanh(X @ W1 + b1) @ W2 + b2
    expected = 0.5 * np.mean(np.sum((out - y) ** 2, axis=1)) + 0.3 / (2 * 10) * (np.sum(W1**2) + np.sum(W2**2))
    history = net.fit(X, y, epochs=1, batch_size=10, learning_rate=0.1, fast=True)
    assert history["loss"][0] == pytest.approx(expected, rel=1e-13)


def test_momentum_velocity_subnormals_are_cleared_on_the_same_steps_as_numpy():
    """A dead input's velocity: both paths end with exact zeros there (the zeroing step is
    every ZERO_SUBNORMALS_EVERY-th, on both paths)."""
    assert _fast.ZERO_SUBNORMALS_EVERY == bpnn.training.optimizers.ZERO_SUBNORMALS_EVERY
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 3)).astype(np.float32)
    y = (X[:, :1] * X[:, 1:2] > 0).astype(np.float32)
    X[:, 0] = 0.0
    for fast in (True, False):
        net = bpnn.Network(
            [bpnn.Dense(3, 4, "tanh"), bpnn.Dense(4, 1, "sigmoid")],
            loss="binary_crossentropy",
            seed=0,
            dtype=np.float32,
        )
        opt = bpnn.SGD(0.01, momentum=0.9)
        opt.velocity = [np.full_like(p, 1e-30) for p in net.params]  # decays below tiny within ~100 steps
        net.fit(X, y, epochs=200, batch_size=8, optimizer=opt, seed=1, fast=fast)
        np.testing.assert_array_equal(opt.velocity[0][0].view(np.uint8), np.zeros(16, np.uint8))
