"""Backpropagation against central finite differences, for every activation and loss."""

import itertools
import zlib

import numpy as np
import pytest

import bpnn

# every registered activation a hidden layer may use (the registry's list, so a new one is checked)
HIDDEN = bpnn.ACTIVATIONS.names(hidden=True)
# Output activations each loss is defined for: binary cross-entropy and categorical
# cross-entropy need outputs in (0, 1); MSE takes any output.
OUTPUTS = {
    "mse": [*bpnn.ACTIVATIONS.names(hidden=True), "softmax"],
    "binary_crossentropy": ["sigmoid", "softmax"],
    "categorical_crossentropy": ["softmax", "sigmoid"],
}
CASES = [(h, o, loss) for loss, outs in OUTPUTS.items() for h, o in itertools.product(HIDDEN, outs)]


def random_problem(rng, hidden, output, loss, n_layers, use_bias, n_samples=7):
    widths = [int(w) for w in rng.integers(1, 6, size=n_layers + 1)]
    if output == "softmax" and widths[-1] < 2:
        widths[-1] = 2
    layers = [
        bpnn.Dense(
            widths[i],
            widths[i + 1],
            activation=hidden if i < n_layers - 1 else output,
            init="normal",
            bias_init=bpnn.core.initializers.Normal(0.5),
            use_bias=use_bias,
        )
        for i in range(n_layers)
    ]
    net = bpnn.Network(layers, loss=loss, seed=rng)
    X = rng.normal(size=(n_samples, widths[0]))
    if loss == "categorical_crossentropy":
        y = np.eye(widths[-1])[rng.integers(0, widths[-1], size=n_samples)]
    elif loss == "binary_crossentropy":
        y = rng.integers(0, 2, size=(n_samples, widths[-1])).astype(float)
    else:
        y = rng.normal(size=(n_samples, widths[-1]))
    return net, X, y


@pytest.mark.parametrize("hidden,output,loss", CASES)
def test_backprop_matches_finite_differences(hidden, output, loss):
    rng = np.random.default_rng(zlib.crc32(f"{hidden}-{output}-{loss}".encode()))
    for n_layers in (1, 2, 3, 4):
        for use_bias in (True, False):
            net, X, y = random_problem(rng, hidden, output, loss, n_layers, use_bias)
            err = bpnn.gradcheck(net, X, y)
            if err > 1e-7:
                # the central difference's rounding noise at eps=1e-5 can exceed 1e-7 of a small
                # entry (seen once, on a 4-layer net with a GELU output); a step of 1e-4 trades it
                # for truncation error. A wrong backward pass fails both.
                err = min(err, bpnn.gradcheck(net, X, y, eps=1e-4))
            assert err <= 1e-7, (n_layers, use_bias, err)


def test_gradcheck_detects_a_wrong_gradient():
    """The check itself must be able to fail: corrupt the sigmoid derivative."""

    class WrongSigmoid(bpnn.core.activations.Sigmoid):
        def derivative(self, a):
            return a * (1.0 - a) * 1.01

    rng = np.random.default_rng(0)
    net = bpnn.Network([bpnn.Dense(3, 4, WrongSigmoid()), bpnn.Dense(4, 2, "identity")], seed=0)
    err = bpnn.gradcheck(net, rng.normal(size=(5, 3)), rng.normal(size=(5, 2)))
    assert err > 1e-4


def test_sample_weight_and_l2_gradients():
    rng = np.random.default_rng(1)
    net = bpnn.Network(
        [bpnn.Dense(3, 5, "tanh"), bpnn.Dense(5, 2, "sigmoid")], loss="binary_crossentropy", seed=1, alpha=0.3
    )
    X = rng.normal(size=(9, 3))
    y = rng.integers(0, 2, size=(9, 2)).astype(float)
    w = rng.uniform(0.1, 3.0, size=9)
    assert bpnn.gradcheck(net, X, y, sample_weight=w) <= 1e-7


def test_backward_returns_pairs_with_parameter_shapes():
    net = bpnn.Network([bpnn.Dense(2, 3, "relu"), bpnn.Dense(3, 4, "tanh", use_bias=False), bpnn.Dense(4, 1)], seed=0)
    grads = net.backward(np.ones((5, 2)), np.zeros((5, 1)))
    assert len(grads) == 3
    for layer, (dW, db) in zip(net.layers, grads):
        assert dW.shape == layer.weights.shape
        assert (db is None) == (layer.bias is None)
        if db is not None:
            assert db.shape == layer.bias.shape


def test_backward_makes_no_update():
    net = bpnn.Network([bpnn.Dense(2, 3, "sigmoid"), bpnn.Dense(3, 1, "sigmoid")], seed=0)
    before = net.get_weights()
    net.backward(np.ones((4, 2)), np.zeros((4, 1)))
    for a, b in zip(before, net.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_fused_output_delta_equals_general_chain_rule():
    """The shortcut delta = (yhat - y)/m must equal the loss gradient times the activation's backward."""
    rng = np.random.default_rng(3)
    z = rng.normal(size=(6, 4))
    pairs = [
        ("identity", "mse", rng.normal(size=(6, 4))),
        ("sigmoid", "binary_crossentropy", rng.integers(0, 2, size=(6, 4)).astype(float)),
        ("softmax", "categorical_crossentropy", np.eye(4)[rng.integers(0, 4, size=6)]),
    ]
    for act_name, loss_name, y in pairs:
        act, loss = bpnn.get_activation(act_name), bpnn.get_loss(loss_name)
        a = act.forward(z)
        general = act.backward(a, loss.gradient(y, a))
        fused = loss.fused_delta(y, a, act_name)
        np.testing.assert_allclose(fused, general, rtol=1e-10, atol=1e-12)


def test_activation_derivatives_against_finite_differences():
    z = np.linspace(-4, 4, 41) + 0.013  # avoid ReLU's kink at exactly 0
    h = 1e-6
    for name in bpnn.ACTIVATIONS.names(hidden=True):
        act = bpnn.get_activation(name)
        numeric = (act.forward(z + h) - act.forward(z - h)) / (2 * h)
        # from what the activation says it needs: the output, or z as well
        analytic = bpnn.core.activations.derivative(act, act.forward(z), z)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8, err_msg=name)


def test_sigmoid_does_not_overflow_for_huge_inputs():
    act = bpnn.get_activation("sigmoid")
    z = np.array([-1e4, -1000.0, -40.0, 0.0, 40.0, 1000.0, 1e4])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = act.forward(z)
    assert a[0] == 0.0 and a[-1] == 1.0 and a[3] == 0.5
    np.testing.assert_allclose(a[2], 1 / (1 + np.exp(40.0)), rtol=1e-12)


def test_softmax_is_shift_invariant_and_finite():
    act = bpnn.get_activation("softmax")
    z = np.array([[1000.0, 1001.0, 999.0], [-1e4, 0.0, 1e4]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = act.forward(z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    np.testing.assert_allclose(a[0], act.forward(np.array([[1.0, 2.0, 0.0]]))[0])


def test_cross_entropy_of_saturated_output_is_finite():
    loss = bpnn.get_loss("binary_crossentropy")
    with np.errstate(all="raise"):
        v = loss.value(np.array([[1.0]]), np.array([[0.0]]))
    assert np.isfinite(v) and v > 30
