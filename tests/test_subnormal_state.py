"""SGD's momentum and RMSprop keep no lasting subnormal state (as Adam, tests/test_fast_path.py):
on every ZERO_SUBNORMALS_EVERY-th step an entry below the dtype's smallest normal number
becomes +0.0; everything else follows the plain formulas bit for bit."""

import numpy as np
import pytest

import bpnn
from bpnn.training.optimizers import ZERO_SUBNORMALS_EVERY

DTYPES = [np.float32, np.float64]


def _near_tiny(dtype, signed=True):
    """State on both sides of ``tiny``: subnormal already, falling below ``tiny`` after one
    step of decay by 0.9, staying just normal, and 0, -0.0, NaN and normal values; with
    gradients zero where the state is small."""
    tiny = float(np.finfo(dtype).tiny)
    sub = float(np.nextafter(np.zeros(1, dtype), 1)[0])
    state = [4 * sub, 1.05 * tiny, 1.2 * tiny, 2 * tiny, 0.0, np.nan, 0.3, tiny, 0.5 * tiny, 0.01]
    if signed:
        state += [-4 * sub, -1.05 * tiny, -0.0, -0.5 * tiny, -2 * tiny]
    else:
        state += [3 * sub, 1.07 * tiny, 0.0, 0.7 * tiny, 3 * tiny]
    state = np.array(state, dtype)
    grad = np.where(np.abs(state) < 1e-3, 0.0, 0.25).astype(dtype)
    grad[5] = 0.5  # next to the NaN
    param = np.linspace(-1, 1, len(state)).astype(dtype)
    return param, grad, state


def _bits(a):
    return a.view(np.uint8)


def _check_state(got, plain, zeroed, dtype):
    """``got`` is ``plain`` with its subnormal entries replaced by +0.0 (when ``zeroed``)."""
    tiny = np.finfo(dtype).tiny
    below = np.abs(plain) < tiny
    if zeroed:
        assert below.sum() >= 4 and (~below & (plain != 0) & np.isfinite(plain)).sum() >= 3  # both sides
        np.testing.assert_array_equal(_bits(got[below]), np.zeros(below.sum() * got.itemsize, np.uint8))
        np.testing.assert_array_equal(_bits(got[~below]), _bits(plain[~below]))
        assert not ((got != 0) & (np.abs(got) < tiny)).any()
    else:
        assert ((plain != 0) & below).any()  # subnormals were there to keep
        np.testing.assert_array_equal(_bits(got), _bits(plain))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("nesterov", [False, True])
@pytest.mark.parametrize("zeroing_step", [True, False])
def test_momentum_velocity_is_zeroed_below_the_normal_range(dtype, nesterov, zeroing_step):
    p, g, v = _near_tiny(dtype)
    mu, lr = 0.9, 0.01
    opt = bpnn.SGD(lr, momentum=mu, nesterov=nesterov)
    opt.velocity = [v.copy()]
    opt.iterations = ZERO_SUBNORMALS_EVERY - 1 if zeroing_step else 0
    got_p = p.copy()
    with np.errstate(invalid="ignore"):
        opt.step([got_p], [g])
        # the plain rule, written out in the dtype
        plain_v = v * dtype(mu) + g
        v_used = np.where(np.abs(plain_v) < np.finfo(dtype).tiny, dtype(0), plain_v) if zeroing_step else plain_v
        step = (g + dtype(mu) * v_used) if nesterov else v_used
        want_p = p - dtype(lr) * step
    _check_state(opt.velocity[0], plain_v, zeroing_step, dtype)
    np.testing.assert_array_equal(_bits(got_p), _bits(want_p.astype(dtype)))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("zeroing_step", [True, False])
def test_rmsprop_square_average_is_zeroed_below_the_normal_range(dtype, zeroing_step):
    p, g, s = _near_tiny(dtype, signed=False)
    rho, lr, eps = 0.9, 0.001, 1e-8
    opt = bpnn.RMSprop(lr, rho=rho, epsilon=eps)
    opt.square_avg, opt.grad_avg, opt.momentum_buffer = [s.copy()], [np.zeros_like(s)], [np.zeros_like(s)]
    opt.iterations = ZERO_SUBNORMALS_EVERY - 1 if zeroing_step else 0
    got_p = p.copy()
    with np.errstate(invalid="ignore"):
        opt.step([got_p], [g])
        plain_s = s * dtype(rho) + dtype(1 - rho) * g * g
        s_used = np.where(plain_s < np.finfo(dtype).tiny, dtype(0), plain_s) if zeroing_step else plain_s
        want_p = p - dtype(lr) * (g / (np.sqrt(s_used) + dtype(eps)))
    _check_state(opt.square_avg[0], plain_s, zeroing_step, dtype)
    np.testing.assert_array_equal(_bits(got_p), _bits(want_p.astype(dtype)))


@pytest.mark.parametrize("dtype", DTYPES)
def test_centered_rmsprop_with_momentum_zeroes_all_three_states(dtype):
    p, g, a = _near_tiny(dtype)
    _, _, s = _near_tiny(dtype, signed=False)
    s = np.maximum(s, 4 * a * a)  # a valid second moment: s >= a**2 (NaN kept)
    b = a[::-1].copy()
    rho, mom, lr, eps = 0.9, 0.9, 0.001, 1e-8
    opt = bpnn.RMSprop(lr, rho=rho, momentum=mom, epsilon=eps, centered=True)
    opt.square_avg, opt.grad_avg, opt.momentum_buffer = [s.copy()], [a.copy()], [b.copy()]
    opt.iterations = ZERO_SUBNORMALS_EVERY - 1
    tiny = np.finfo(dtype).tiny
    with np.errstate(invalid="ignore"):
        opt.step([p.copy()], [g])
        plain_s = s * dtype(rho) + dtype(1 - rho) * g * g
        plain_a = a * dtype(rho) + dtype(1 - rho) * g
        s_used = np.where(plain_s < tiny, dtype(0), plain_s)
        a_used = np.where(np.abs(plain_a) < tiny, dtype(0), plain_a)
        plain_b = b * dtype(mom) + g / (np.sqrt(s_used - a_used * a_used) + dtype(eps))
    _check_state(opt.square_avg[0], plain_s, True, dtype)
    _check_state(opt.grad_avg[0], plain_a, True, dtype)
    _check_state(opt.momentum_buffer[0], plain_b, True, dtype)


@pytest.mark.parametrize("optimizer", ["momentum", "rmsprop"])
def test_training_with_a_dead_input_leaves_an_exact_zero_state(optimizer):
    """A weight whose gradient stays zero: without the zeroing its state would stop at a
    subnormal value for good (shown with the plain float32 rule); with it, it is 0.0."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 3)).astype(np.float32)
    y = (X[:, :1] * X[:, 1:2] > 0).astype(np.float32)
    net = bpnn.Network(
        [bpnn.Dense(3, 4, "tanh"), bpnn.Dense(4, 1, "sigmoid")], loss="binary_crossentropy", seed=0, dtype=np.float32
    )
    opt = bpnn.SGD(0.01, momentum=0.9) if optimizer == "momentum" else bpnn.RMSprop(0.001)
    net.fit(X, y, epochs=20, batch_size=8, optimizer=opt, seed=0)
    state = opt.velocity if optimizer == "momentum" else opt.square_avg
    row = state[0][0].copy()  # the state of the weights from input 0
    assert (np.abs(row) > 1e-12).all()
    X[:, 0] = 0.0  # input 0 is dead from now on: its weights get zero gradients
    net.fit(X, y, epochs=600, batch_size=8, optimizer=opt, seed=1)
    plain = row
    for _ in range(1200):  # the same 1200 steps of the plain rule, without the zeroing
        plain = plain * np.float32(0.9) + np.float32(0.0)
    tiny = np.finfo(np.float32).tiny
    assert ((plain != 0) & (np.abs(plain) < tiny)).any()  # stuck below the normal range
    np.testing.assert_array_equal(_bits(state[0][0]), np.zeros(16, np.uint8))
