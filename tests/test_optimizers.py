"""First-order optimizers: the published update rules by hand, PyTorch's trajectories, schedules,
clipping, and clear errors for bad settings."""

import math

import numpy as np
import pytest

import bpnn

try:
    import torch
except ImportError:  # the comparisons with torch.optim are skipped, not the file
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")


# -- the first three updates against the published rules, element by element ------------------
# A separable quadratic: every scalar parameter w has gradient a * w + c, with its own a and c,
# so a rule applied to the wrong element or with state shared between arrays shows up.
A = [np.array([[1.0, 2.0], [0.5, 3.0]]), np.array([1.5, 0.25])]
C = [np.array([[0.1, -0.2], [0.3, 0.0]]), np.array([-0.5, 0.2])]
W0 = [np.array([[1.0, -1.0], [0.5, 2.0]]), np.array([0.3, -0.7])]


def run_three(opt):
    params = [w.copy() for w in W0]
    out = []
    for _ in range(3):
        grads = [a * p + c for a, p, c in zip(A, params, C)]
        opt.step(params, grads)
        out.append([p.copy() for p in params])
    return out


def by_hand(rule, ndim_of_array=(2, 1)):
    """Apply ``rule(w, g, state, t, is_matrix) -> w`` to every scalar separately, in plain floats."""
    out = [[np.empty_like(w) for w in W0] for _ in range(3)]
    for k, (w0, a, c) in enumerate(zip(W0, A, C)):
        for idx in np.ndindex(w0.shape):
            w, state = float(w0[idx]), {}
            for t in range(1, 4):
                g = float(a[idx]) * w + float(c[idx])
                w = rule(w, g, state, t, ndim_of_array[k] > 1)
                out[t - 1][k][idx] = w
    return out


def assert_same(got, want):
    for step_got, step_want in zip(got, want):
        for g, w in zip(step_got, step_want):
            np.testing.assert_allclose(g, w, rtol=1e-13, atol=1e-15)


def test_plain_sgd_by_hand_numbers():
    # w' = w - 0.1 (a w + c) for the scalar with a = 1, c = 0.1 starting at 1:
    # 1 - 0.1 * 1.1 = 0.89;  0.89 - 0.1 * 0.99 = 0.791;  0.791 - 0.1 * 0.891 = 0.7019
    got = run_three(bpnn.SGD(learning_rate=0.1))
    assert [step[0][0, 0] for step in got] == pytest.approx([0.89, 0.791, 0.7019], rel=1e-14)


def test_momentum_by_hand_numbers():
    # v = 0.9 v + g; w = w - 0.1 v, with g = w + 0.1 and w = 1:
    # g = 1.1, v = 1.1, w = 0.89;  g = 0.99, v = 1.98, w = 0.692;  g = 0.792, v = 2.574, w = 0.4346
    got = run_three(bpnn.SGD(learning_rate=0.1, momentum=0.9))
    assert [step[0][0, 0] for step in got] == pytest.approx([0.89, 0.692, 0.4346], rel=1e-14)


def test_nesterov_by_hand_numbers():
    # v = 0.9 v + g; w = w - 0.1 (g + 0.9 v), with g = w + 0.1 and w = 1:
    # g = 1.1, v = 1.1, w = 1 - 0.1 * 2.09 = 0.791
    # g = 0.891, v = 1.881, w = 0.791 - 0.1 * (0.891 + 1.6929) = 0.53261
    # g = 0.63261, v = 2.32551, w = 0.53261 - 0.1 * (0.63261 + 2.092959) = 0.2600531
    got = run_three(bpnn.SGD(learning_rate=0.1, momentum=0.9, nesterov=True))
    assert [step[0][0, 0] for step in got] == pytest.approx([0.791, 0.53261, 0.2600531], rel=1e-13)


def test_sgd_momentum_nesterov_follow_the_rules():
    def rule(mu, nesterov):
        def f(w, g, s, t, _):
            s["v"] = mu * s.get("v", 0.0) + g
            return w - 0.05 * ((g + mu * s["v"]) if nesterov else s["v"])

        return f

    assert_same(run_three(bpnn.SGD(0.05)), by_hand(rule(0.0, False)))
    assert_same(run_three(bpnn.SGD(0.05, momentum=0.8)), by_hand(rule(0.8, False)))
    assert_same(run_three(bpnn.SGD(0.05, momentum=0.8, nesterov=True)), by_hand(rule(0.8, True)))


def test_adam_follows_algorithm_1_of_the_paper():
    lr, b1, b2, eps = 0.01, 0.8, 0.95, 1e-6

    def rule(w, g, s, t, _):
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g * g
        m_hat = s["m"] / (1 - b1**t)
        v_hat = s["v"] / (1 - b2**t)
        return w - lr * m_hat / (math.sqrt(v_hat) + eps)

    assert_same(run_three(bpnn.Adam(lr, beta_1=b1, beta_2=b2, epsilon=eps)), by_hand(rule))


def test_adam_first_step_is_the_learning_rate_times_the_sign():
    # with epsilon = 0 the bias-corrected first step is lr * g / |g|, whatever the gradient
    got = run_three(bpnn.Adam(0.01, epsilon=0.0))[0]
    for g0, w0, a, c in zip(got, W0, A, C):
        np.testing.assert_allclose(g0, w0 - 0.01 * np.sign(a * w0 + c), rtol=1e-15)


def test_adamw_decays_weights_not_biases():
    lr, wd = 0.01, 0.1

    def rule(w, g, s, t, is_matrix):
        if is_matrix:
            w = w * (1 - lr * wd)
        s["m"] = 0.9 * s.get("m", 0.0) + 0.1 * g
        s["v"] = 0.999 * s.get("v", 0.0) + 0.001 * g * g
        return w - lr * (s["m"] / (1 - 0.9**t)) / (math.sqrt(s["v"] / (1 - 0.999**t)) + 1e-8)

    assert_same(run_three(bpnn.AdamW(lr, weight_decay=wd)), by_hand(rule))


@pytest.mark.parametrize("centered", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_rmsprop_follows_the_rule(centered, momentum):
    lr, rho, eps = 0.01, 0.9, 1e-8

    def rule(w, g, s, t, _):
        s["s"] = rho * s.get("s", 0.0) + (1 - rho) * g * g
        if centered:
            s["a"] = rho * s.get("a", 0.0) + (1 - rho) * g
            d = math.sqrt(s["s"] - s["a"] ** 2) + eps
        else:
            d = math.sqrt(s["s"]) + eps
        if momentum:
            s["b"] = momentum * s.get("b", 0.0) + g / d
            return w - lr * s["b"]
        return w - lr * g / d

    assert_same(run_three(bpnn.RMSprop(lr, rho=rho, momentum=momentum, centered=centered)), by_hand(rule))


def test_adagrad_follows_the_rule():
    lr, init = 0.1, 0.2

    def rule(w, g, s, t, _):
        s["s"] = s.get("s", init) + g * g
        return w - lr * g / (math.sqrt(s["s"]) + 1e-10)

    assert_same(run_three(bpnn.Adagrad(lr, initial_accumulator_value=init)), by_hand(rule))


def test_adagrad_first_step_by_hand_numbers():
    # s = 0 + 1.1**2, w = 1 - 0.1 * 1.1 / 1.1 = 0.9 (epsilon 0)
    got = run_three(bpnn.Adagrad(0.1, epsilon=0.0))
    assert got[0][0][0, 0] == pytest.approx(0.9, rel=1e-15)


def test_rprop_by_hand_numbers():
    # initial step 1, with g = w + 0.1 from w = 1:
    # g = 1.1 (no previous sign): w = 1 - 1 = 0;  g = 0.1, same sign: step 1.2, w = -1.2;
    # g = -1.1, sign change: step 0.6 and no move this time (iRprop-)
    got = run_three(bpnn.Rprop(learning_rate=1.0))
    assert [step[0][0, 0] for step in got] == pytest.approx([0.0, -1.2, -1.2], abs=1e-15)


def test_rprop_follows_irprop_minus():
    eta_minus, eta_plus, step_min, step_max = 0.5, 1.2, 1e-6, 1.3

    def rule(w, g, s, t, _):
        prev, step = s.get("prev", 0.0), s.get("step", 1.0)
        if g * prev > 0:
            step = min(step * eta_plus, step_max)
        elif g * prev < 0:
            step = max(step * eta_minus, step_min)
            g = 0.0
        s["prev"], s["step"] = g, step
        return w - math.copysign(step, g) if g else w

    assert_same(run_three(bpnn.Rprop(1.0, step_sizes=(step_min, step_max))), by_hand(rule))


# -- schedules and clipping ---------------------------------------------------------------------
def test_schedules_by_hand():
    step = bpnn.StepDecay(0.1, decay_steps=3, decay_rate=0.5)
    assert [step(t) for t in range(7)] == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025])
    inv = bpnn.InverseScaling(0.2, power_t=0.5)
    assert [inv(t) for t in range(4)] == pytest.approx([0.2, 0.2 / math.sqrt(2), 0.2 / math.sqrt(3), 0.1])
    assert bpnn.Constant(0.3)(1000) == 0.3


def test_a_schedule_sets_each_step_size():
    # with a step-decay schedule, plain SGD's updates shrink exactly as the schedule says
    params = [np.array([1.0])]
    opt = bpnn.SGD(learning_rate=bpnn.StepDecay(0.1, decay_steps=2, decay_rate=0.1))
    moves = []
    for _ in range(4):
        before = params[0][0]
        opt.step(params, [np.array([1.0])])
        moves.append(before - params[0][0])
    assert moves == pytest.approx([0.1, 0.1, 0.01, 0.01], rel=1e-12)


def test_global_clipnorm_scales_all_gradients_together():
    params = [np.zeros(2), np.zeros(1)]
    grads = [np.array([3.0, 0.0]), np.array([4.0])]  # joint norm 5
    bpnn.SGD(1.0, global_clipnorm=1.0).step(params, grads)
    np.testing.assert_allclose(np.concatenate(params), [-0.6, 0.0, -0.8], rtol=1e-15)
    params = [np.zeros(2), np.zeros(1)]
    bpnn.SGD(1.0, global_clipnorm=10.0).step(params, grads)  # below the limit: untouched
    np.testing.assert_array_equal(np.concatenate(params), [-3.0, 0.0, -4.0])


# -- bad settings ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: bpnn.SGD(momentum=-0.1), r"'momentum' parameter must be in \[0.0, 1.0\); got -0.1"),
        (lambda: bpnn.SGD(learning_rate=0.0), r"'learning_rate' parameter must be > 0.0; got 0.0"),
        (lambda: bpnn.SGD(learning_rate=-1), r"'learning_rate' parameter must be > 0.0; got -1.0"),
        (lambda: bpnn.SGD(nesterov=True), r"'nesterov' parameter needs momentum > 0"),
        (lambda: bpnn.Adam(beta_1=1.0), r"'beta_1' parameter must be in \[0.0, 1.0\); got 1.0"),
        (lambda: bpnn.Adam(beta_2=-0.5), r"'beta_2' parameter must be in \[0.0, 1.0\); got -0.5"),
        (lambda: bpnn.Adam(epsilon=-1e-8), r"'epsilon' parameter must be >= 0.0"),
        (lambda: bpnn.AdamW(weight_decay=-0.1), r"'weight_decay' parameter must be >= 0.0"),
        (lambda: bpnn.RMSprop(rho=1.5), r"'rho' parameter must be in \[0.0, 1.0\); got 1.5"),
        (lambda: bpnn.Adagrad(initial_accumulator_value=-1), r"'initial_accumulator_value' parameter must be >= 0"),
        (lambda: bpnn.SGD(global_clipnorm=0), r"'global_clipnorm' parameter must be > 0.0"),
        (lambda: bpnn.StepDecay(0.1, decay_steps=0), r"'decay_steps' parameter must be >= 1; got 0"),
        (lambda: bpnn.StepDecay(0.1, 10, decay_rate=2.0), r"'decay_rate' parameter must be in \(0.0, 1.0\]"),
    ],
)
def test_bad_settings_name_the_argument(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_types_name_the_argument():
    with pytest.raises(TypeError, match=r"'momentum' parameter must be a real number; got '0.9' \(str\)"):
        bpnn.SGD(momentum="0.9")
    with pytest.raises(TypeError, match=r"'nesterov' parameter must be a bool; got 'yes'"):
        bpnn.SGD(momentum=0.9, nesterov="yes")


def test_names_build_the_documented_optimizers():
    assert repr(bpnn.get_optimizer("momentum")) == "SGD(learning_rate=0.01, momentum=0.9, nesterov=False)"
    assert bpnn.get_optimizer("nesterov").nesterov
    assert isinstance(bpnn.get_optimizer("adam", 0.1), bpnn.Adam)
    assert bpnn.get_optimizer("adam", 0.1).learning_rate == 0.1
    for name in ("sgd", "gd", "rmsprop", "adam", "adamw", "adagrad"):
        assert isinstance(bpnn.get_optimizer(name), bpnn.Optimizer)


def test_state_round_trip_is_exact():
    opt = bpnn.Adam(0.01)
    run_three(opt)
    twin = bpnn.Adam(0.01)
    twin.set_state(opt.get_state())
    params_a, params_b = [w.copy() for w in W0], [w.copy() for w in W0]
    grads = [a * p + c for a, p, c in zip(A, params_a, C)]
    opt.step(params_a, grads)
    twin.step(params_b, grads)
    for a, b in zip(params_a, params_b):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match=r"lacks \['m', 'v'\]"):
        bpnn.Adam().set_state({"iterations": 1})


# -- 20-step trajectories against torch.optim, in float64 -----------------------------------------
def make_problem(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(12, 3))
    y = np.column_stack([np.sin(X[:, 0]), X[:, 1] * X[:, 2]])
    return X, y


def small_net(alpha=0.0):
    return bpnn.Network([bpnn.Dense(3, 5, "tanh"), bpnn.Dense(5, 2)], loss="mse", seed=1, alpha=alpha)


def torch_trajectory(make_torch_opt, steps=20, alpha=0.0):
    """Train a PyTorch twin of ``small_net`` full batch; return its weights after every step."""
    X, y = make_problem()
    W1, b1, W2, b2 = (torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in small_net().get_weights())
    Xt, yt = torch.tensor(X), torch.tensor(y)
    opt = make_torch_opt([W1, W2], [b1, b2])
    out = []
    for _ in range(steps):
        opt.zero_grad()
        pred = torch.tanh(Xt @ W1 + b1) @ W2 + b2
        loss = 0.5 * ((pred - yt) ** 2).sum(dim=1).mean()
        loss = loss + alpha / (2 * len(X)) * ((W1**2).sum() + (W2**2).sum())
        loss.backward()
        opt.step()
        out.append([t.detach().numpy().copy() for t in (W1, b1, W2, b2)])
    return out


def bpnn_trajectory(opt, steps=20, alpha=0.0):
    X, y = make_problem()
    net = small_net(alpha)
    out = []
    for _ in range(steps):
        net.fit(X, y, epochs=1, optimizer=opt)  # the same object keeps its state across calls
        out.append(net.get_weights())
    return out


TORCH_CASES = {
    "sgd": (lambda: bpnn.SGD(0.1), lambda w, b: torch.optim.SGD(w + b, lr=0.1)),
    "momentum": (lambda: bpnn.SGD(0.1, momentum=0.9), lambda w, b: torch.optim.SGD(w + b, lr=0.1, momentum=0.9)),
    "nesterov": (
        lambda: bpnn.SGD(0.1, momentum=0.9, nesterov=True),
        lambda w, b: torch.optim.SGD(w + b, lr=0.1, momentum=0.9, nesterov=True),
    ),
    "rmsprop": (
        lambda: bpnn.RMSprop(0.01, rho=0.9),
        lambda w, b: torch.optim.RMSprop(w + b, lr=0.01, alpha=0.9, eps=1e-8),
    ),
    "rmsprop-centered-momentum": (
        lambda: bpnn.RMSprop(0.01, rho=0.8, momentum=0.5, centered=True),
        lambda w, b: torch.optim.RMSprop(w + b, lr=0.01, alpha=0.8, eps=1e-8, momentum=0.5, centered=True),
    ),
    "adam": (lambda: bpnn.Adam(0.05), lambda w, b: torch.optim.Adam(w + b, lr=0.05, eps=1e-8)),
    "adamw": (
        lambda: bpnn.AdamW(0.05, weight_decay=0.1),
        lambda w, b: torch.optim.AdamW(
            [{"params": w, "weight_decay": 0.1}, {"params": b, "weight_decay": 0.0}], lr=0.05, eps=1e-8
        ),
    ),
    "adagrad": (lambda: bpnn.Adagrad(0.1), lambda w, b: torch.optim.Adagrad(w + b, lr=0.1)),
    "rprop": (lambda: bpnn.Rprop(0.05), lambda w, b: torch.optim.Rprop(w + b, lr=0.05)),
}


@needs_torch
@pytest.mark.parametrize("name", sorted(TORCH_CASES))
def test_twenty_steps_match_torch_optim(name):
    ours, theirs = TORCH_CASES[name]
    got, want = bpnn_trajectory(ours()), torch_trajectory(theirs)
    for step, (g_step, w_step) in enumerate(zip(got, want)):
        for g, w in zip(g_step, w_step):
            np.testing.assert_allclose(g, w, rtol=0, atol=1e-10, err_msg=f"{name}, step {step + 1}")
    # and the trajectory really moved
    assert max(np.abs(g - w0).max() for g, w0 in zip(got[-1], small_net().get_weights())) > 1e-3


@needs_torch
def test_l2_penalty_matches_torch_with_the_penalty_in_its_loss():
    got = bpnn_trajectory(bpnn.SGD(0.1, momentum=0.9), alpha=0.5)
    want = torch_trajectory(lambda w, b: torch.optim.SGD(w + b, lr=0.1, momentum=0.9), alpha=0.5)
    for g, w in zip(got[-1], want[-1]):
        np.testing.assert_allclose(g, w, rtol=0, atol=1e-10)


@needs_torch
def test_clipping_and_schedule_match_torch():
    X, y = make_problem()
    got = bpnn_trajectory(bpnn.Adam(bpnn.StepDecay(0.05, decay_steps=5, decay_rate=0.5), global_clipnorm=0.5))
    W1, b1, W2, b2 = (torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in small_net().get_weights())
    params = [W1, b1, W2, b2]
    opt = torch.optim.Adam(params, lr=0.05, eps=1e-8)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=5, gamma=0.5)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    clipped = 0
    for _ in range(20):
        opt.zero_grad()
        loss = 0.5 * (((torch.tanh(Xt @ W1 + b1) @ W2 + b2) - yt) ** 2).sum(dim=1).mean()
        loss.backward()
        norm = torch.sqrt(sum((p.grad**2).sum() for p in params))
        clipped += bool(norm > 0.5)
        if norm > 0.5:  # tf.clip_by_global_norm's rule (torch's clip_grad_norm_ adds 1e-6 to the norm)
            for p in params:
                p.grad *= 0.5 / norm
        opt.step()
        sched.step()
    assert clipped >= 5  # the clipping was exercised
    for g, w in zip(got[-1], params):
        np.testing.assert_allclose(g, w.detach().numpy(), rtol=0, atol=1e-10)


def test_lion_follows_its_published_rule():
    """Lion (Chen et al. 2023) against the rule written out here step by step, on a quadratic."""
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    A = A @ A.T + np.eye(4)
    b = rng.normal(size=4)
    w = rng.normal(size=4)
    w_ref, m = w.copy(), np.zeros(4)
    opt = bpnn.get_optimizer("lion", 0.01)
    opt.beta_1, opt.beta_2 = 0.8, 0.95
    for _ in range(30):
        opt.step([w], [A @ w - b])
        g = A @ w_ref - b
        w_ref = w_ref - 0.01 * np.sign(0.8 * m + 0.2 * g)
        m = 0.95 * m + 0.05 * g
        np.testing.assert_array_equal(w, w_ref)
    assert np.linalg.norm(A @ w - b) < np.linalg.norm(A @ rng.normal(size=4) - b)


def test_lion_reaches_the_estimator_with_its_betas():
    est = bpnn.BPClassifier(solver="lion", beta_1=0.5, beta_2=0.9, learning_rate_init=0.003)
    opt = est._make_optimizer()
    assert (type(opt).__name__, opt.beta_1, opt.beta_2, opt.learning_rate) == ("Lion", 0.5, 0.9, 0.003)
