"""The NumPy path's lean online epoch (bpnn.training._online): one sample per update
without the general loop's overhead, giving the general loop's numbers to the last bit."""

import numpy as np
import pytest

import bpnn
from bpnn.training import _online


def _data(n=40, n_out=2, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3)) * 2
    y = np.stack([np.sin(X[:, 0]), X[:, 1] > 0], axis=1)[:, :n_out].astype(float) * 0.8 + 0.1
    return X, y


def _net(hidden, output, loss, dtype=np.float64, n_out=2, seed=3):
    layers = [bpnn.Dense(3, 5, hidden), bpnn.Dense(5, 4, hidden), bpnn.Dense(4, n_out, output)]
    return bpnn.Network(layers, loss=loss, seed=seed, dtype=dtype)


CASES = [
    ("sigmoid", "sigmoid", "mse", 2),
    ("tanh", "identity", "mse", 2),
    ("relu", "sigmoid", "mse", 1),
    ("identity", "tanh", "mse", 2),
    ("tanh", "sigmoid", "binary_crossentropy", 1),
    ("relu", "sigmoid", "binary_crossentropy", 2),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("hidden,output,loss,n_out", CASES)
def test_lean_online_epoch_is_bit_for_bit_the_general_loop(monkeypatch, hidden, output, loss, n_out, dtype):
    X, y = _data(n_out=n_out)
    lean = _net(hidden, output, loss, dtype, n_out)
    h_lean = lean.fit(X, y, epochs=3, batch_size=1, learning_rate=0.05, seed=1, fast=False, validation_split=0.25)
    monkeypatch.setattr(_online, "epoch_runner", lambda *args, **kwargs: None)  # the general loop
    general = _net(hidden, output, loss, dtype, n_out)
    h_general = general.fit(X, y, epochs=3, batch_size=1, learning_rate=0.05, seed=1, fast=False, validation_split=0.25)
    for a, b in zip(lean.params, general.params):
        assert a.dtype == dtype
        np.testing.assert_array_equal(a, b)
    assert h_lean["loss"] == h_general["loss"] and h_lean["val_loss"] == h_general["val_loss"]
    assert lean.optimizer.iterations == general.optimizer.iterations == 3 * 30


def test_lean_online_epoch_matches_a_hand_written_per_sample_loop():
    """Against seed 004's rule written out independently: sigmoid layers, 1/2 squared error,
    per-sample updates of every weight and bias, in the order fit draws."""
    X, y = _data(n=25)
    net = _net("sigmoid", "sigmoid", "mse")
    W = [layer.weights.copy() for layer in net.layers]
    b = [layer.bias.copy() for layer in net.layers]
    history = net.fit(X, y, epochs=2, batch_size=1, learning_rate=0.1, seed=4, fast=False)
    rng = np.random.default_rng(4)
    losses = []
    for _ in range(2):
        total = 0.0
        for i in rng.permutation(len(X)):
            a = [X[i]]
            for Wl, bl in zip(W, b):
                a.append(1.0 / (1.0 + np.exp(-(a[-1] @ Wl + bl))))
            total += 0.5 * np.sum((a[-1] - y[i]) ** 2)
            d = (a[-1] - y[i]) * a[-1] * (1 - a[-1])
            for l in range(len(W) - 1, -1, -1):
                below = (W[l] @ d) * a[l] * (1 - a[l]) if l else None
                W[l] -= 0.1 * np.outer(a[l], d)
                b[l] -= 0.1 * d
                d = below
        losses.append(total / len(X))
    for layer, Wl, bl in zip(net.layers, W, b):
        np.testing.assert_allclose(layer.weights, Wl, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(layer.bias, bl, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(history["loss"], losses, rtol=1e-12)


@pytest.mark.parametrize(
    "change",
    [
        {"batch_size": 2},
        {"optimizer": "momentum"},
        {"optimizer": "adam"},
        {"sample_weight": True},
        {"alpha": 0.1},
        {"l1": 0.1},
        {"output": "softmax"},
        {"learning_rate": bpnn.StepDecay(0.1, 5, 0.5)},
    ],
)
def test_lean_online_epoch_is_used_only_where_it_applies(monkeypatch, change):
    calls = []
    real = _online.epoch_runner

    def spy(*args, **kwargs):
        runner = real(*args, **kwargs)
        calls.append(runner is not None)
        return runner

    monkeypatch.setattr(_online, "epoch_runner", spy)
    X, y = _data(n=12)
    output = change.get("output", "sigmoid")
    loss = "categorical_crossentropy" if output == "softmax" else "mse"
    target = np.eye(2)[(y[:, 1] > 0.5).astype(int)] if output == "softmax" else y
    net = bpnn.Network(
        [bpnn.Dense(3, 4, "tanh"), bpnn.Dense(4, 2, output)],
        loss=loss,
        seed=0,
        alpha=change.get("alpha", 0.0),
        l1=change.get("l1", 0.0),
    )
    kwargs = dict(epochs=2, batch_size=change.get("batch_size", 1), optimizer=change.get("optimizer", "sgd"))
    kwargs["learning_rate"] = change.get("learning_rate", 0.1)
    if change.get("sample_weight"):
        kwargs["sample_weight"] = np.ones(12)
    net.fit(X, target, fast=False, **kwargs)
    assert calls == [False]
    net2 = bpnn.Network([bpnn.Dense(3, 4, "tanh"), bpnn.Dense(4, 2, "sigmoid")], seed=0)
    net2.fit(X, y, epochs=2, batch_size=1, learning_rate=0.1, fast=False)
    assert calls == [False, True]


def test_lean_online_epoch_stops_after_the_sample_during_which_ctrl_c_came():
    X, y = _data(n=10)
    net = _net("sigmoid", "sigmoid", "mse")
    opt = bpnn.SGD(0.1)
    net.optimizer = opt
    run = _online.epoch_runner(net, opt, 1)

    class Guard:
        interrupted = True

    before = [p.copy() for p in net.params]
    total, seen = run(X, y, np.arange(10), Guard())
    assert seen == 1 and opt.iterations == 1
    # the first sample's update alone: the general loop's step on row 0
    twin = _net("sigmoid", "sigmoid", "mse")
    twin.set_weights(before)
    bpnn.SGD(0.1).train_batch(twin, X[:1], y[:1])
    for a, b in zip(net.params, twin.params):
        np.testing.assert_array_equal(a, b)
