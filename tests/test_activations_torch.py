"""The activations whose derivative needs z (GELU, its tanh form, SiLU) and softplus, against PyTorch.

Forward values and input gradients are compared with ``torch.nn.functional`` in float64,
over ordinary and extreme inputs; then one training step of a network made of them is
compared with the same network in PyTorch (the training path keeps z in its own buffers).
"""

import numpy as np
import pytest

import bpnn
from bpnn.core.activations import backward

torch = pytest.importorskip("torch")
F = torch.nn.functional

TORCH = {
    "gelu": lambda t: F.gelu(t),
    "gelu_tanh": lambda t: F.gelu(t, approximate="tanh"),
    "silu": F.silu,
    # torch switches to z itself above its threshold (20 by default); 50 is where that is exact in float64
    "softplus": lambda t: F.softplus(t, threshold=50.0),
}
Z = np.concatenate([np.linspace(-8, 8, 161), [-700.0, -40.0, -1e-12, 0.0, 1e-12, 40.0, 700.0]])


@pytest.mark.parametrize("name", sorted(TORCH))
def test_forward_and_backward_match_torch(name):
    act = bpnn.get_activation(name)
    rng = np.random.default_rng(0)
    z = np.concatenate([Z, rng.normal(scale=3.0, size=200)])[None, :]
    grad_a = rng.normal(size=z.shape)
    a = act.forward(z.copy())
    delta = backward(act, a, grad_a, z)
    t = torch.tensor(z, dtype=torch.float64, requires_grad=True)
    out = TORCH[name](t)
    out.backward(torch.tensor(grad_a))
    # Tiny values agree in absolute terms only: for z << 0, PyTorch's exact GELU forms
    # 1 + erf(z / sqrt 2), which cancels (bpnn's erfc form does not), and in the tanh form both
    # form 1 + tanh(u), where an ulp of difference in tanh (PyTorch's is vectorized) is magnified
    np.testing.assert_allclose(a, out.detach().numpy(), rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(delta, t.grad.numpy(), rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("name", sorted(TORCH))
def test_a_training_step_matches_torch(name):
    """Dense layers of the activation, MSE, one step of SGD: the new weights match PyTorch's."""
    rng = np.random.default_rng(1)
    sizes = [3, 6, 5, 2]
    weights = [(rng.normal(size=(i, o)), rng.normal(size=o)) for i, o in zip(sizes[:-1], sizes[1:])]
    layers = [
        bpnn.Dense(i, o, activation=name if k < 2 else None, weights=W, bias=b)
        for k, ((W, b), i, o) in enumerate(zip(weights, sizes[:-1], sizes[1:]))
    ]
    net = bpnn.Network(layers, loss="mse")
    X, y = rng.normal(size=(8, 3)) * 2, rng.normal(size=(8, 2))
    net.fit(X, y, epochs=1, learning_rate=0.1, shuffle=False, fast=False)

    params = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for pair in weights for p in pair]
    a = torch.tensor(X)
    for k in range(3):
        a = a @ params[2 * k] + params[2 * k + 1]
        if k < 2:
            a = TORCH[name](a)
    loss = 0.5 * ((a - torch.tensor(y)) ** 2).sum() / len(X)  # bpnn's mse: mean over samples of 1/2 sum
    loss.backward()
    expected = [(p - 0.1 * p.grad).detach().numpy() for p in params]
    for got, want in zip(net.params, expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_z_is_kept_only_when_the_activation_needs_it():
    X = np.ones((4, 2))
    for name, kept in (("gelu", True), ("silu", True), ("softplus", False), ("tanh", False)):
        layer = bpnn.Dense(2, 3, name).build(np.random.default_rng(0))
        layer.forward(X, training=True)
        assert (layer.pre_activation is not None) == kept, name
        if kept:
            np.testing.assert_allclose(layer.pre_activation, X @ layer.weights + layer.bias)
