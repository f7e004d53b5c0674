"""Seed 004: a 2-25-50-25-2 sigmoid network on two moons, one sample at a time."""

from __future__ import annotations

import numpy as np

from bpnn.core.layers import Layer
from bpnn.core.network import NeuralNetwork
from bpnn.demos._common import (
    _accuracy,
    _announce,
    _check_hidden,
    _dense_stack,
    _opening,
    _Pictures,
    _progress,
    _result,
    _settings,
)
from bpnn.explain.i18n import Translator


def moons_data(n_samples: int = 2000):
    """Seed 004's data: ``make_moons(2000, noise=0.2, random_state=100)``, 70/30 split with ``random_state=42``."""
    from sklearn.datasets import make_moons
    from sklearn.model_selection import train_test_split

    X, y = make_moons(n_samples=n_samples, noise=0.2, random_state=100)
    return (X, y, *train_test_split(X, y, test_size=0.3, random_state=42))


def run_moons(
    *,
    epochs: int = 1000,
    learning_rate: float = 0.01,
    hidden=(25, 50, 25),
    activation: str = "sigmoid",
    batch_size: int | None = 1,
    seed: int = 0,
    n_samples: int = 2000,
    every: int = 10,
    out_dir=None,
    echo=print,
    progress: str = "auto",
    lang: str | None = "en",
) -> dict:
    """Seed 004: the 2-25-50-25-2 sigmoid network on two moons, one sample at a time.

    As seed 004: seed 004's initial weights (``randn * sqrt(1/n_out)``, biases in
    [0, 0.1)), MSE against one-hot targets, the training samples visited in order,
    and every ``every`` epochs the MSE ``mean((y_onehot - output)**2)`` over the
    training set and the accuracy on the test set.
    """
    hidden = _check_hidden(hidden)
    t = Translator(lang)
    pictures = _Pictures(out_dir, echo, t)
    X, y, X_train, X_test, y_train, y_test = moons_data(n_samples)
    Y_train = np.eye(2)[y_train]
    net = NeuralNetwork(seed=seed)
    for layer in _dense_stack(2, hidden, 2, activation, "sigmoid", layer_class=Layer):
        net.add_layer(layer)
    _announce(echo, t, "004")
    echo(
        t(
            "A {sizes} network ({activation} hidden, sigmoid output), MSE on one-hot targets, "
            "on make_moons({n}, noise=0.2)",
            sizes="-".join(map(str, (2, *hidden, 2))),
            activation=activation,
            n=n_samples,
        )
    )
    run = {"batch_size": batch_size, "learning_rate": learning_rate, "epochs": epochs, "seed": seed}
    sizes = "({n_train} training, {n_test} test points), {mode}, learning rate {lr:g}, {epochs} epochs, seed {seed}."
    echo(_opening(t, sizes, n_train=len(X_train), n_test=len(X_test), **run))

    def evaluate(epoch, logs):
        mse = float(np.mean(np.square(Y_train - net.predict(X_train))))  # seed 004's printed MSE
        return {"mse": mse, "test_accuracy": _accuracy(net.predict(X_test), y_test)}

    line = "epoch {e:>{w}}/{n}  MSE {mse:.6f}  test accuracy {test:.2%}"
    fields = {"mse": "mse", "test": "test_accuracy"}
    prog = _progress(t, epochs, line, fields, every=every, evaluate=evaluate, mode=progress, echo=echo, desc="moons")
    net.fit(
        X_train,
        Y_train,
        epochs=epochs,
        learning_rate=learning_rate,
        batch_size=batch_size,
        shuffle=False,
        seed=seed,
        callbacks=[prog],
    )
    test_acc = _accuracy(net.predict(X_test), y_test)
    mse = prog.log["mse"][-1]
    echo(t("final MSE {mse:.6f}, test accuracy {test:.2%}", mse=mse, test=test_acc))
    if pictures:
        from bpnn.plots import plot_dataset, plot_decision_boundary, plot_history

        pictures.save(
            plot_dataset,
            "dataset",
            X,
            y,
            suffixes=(".png", ".svg"),
            title="Classification dataset (make_moons, 2000 points)",
        )
        pictures.save(
            plot_decision_boundary,
            "decision_boundary",
            net.predict,
            X_test,
            y_test,
            suffixes=(".png", ".svg"),
            title=f"Decision boundary, test accuracy {test_acc:.1%}",
        )
        pictures.save(
            plot_history,
            "history",
            {"epoch": prog.log["epoch"], "loss": prog.log["mse"], "test_accuracy": prog.log["test_accuracy"]},
            title="MSE (training) and accuracy (test)",
        )
    settings = _settings(epochs, learning_rate, hidden, activation, batch_size, seed, n_samples=n_samples)
    results = {"test_accuracy": test_acc, "final_mse": mse, "log": {k: list(v) for k, v in prog.log.items()}}
    return _result("moons", "004", settings, results, pictures, net)


# ===================================================================================
# seed 004's related article: regression of (sin x, 1)
# ===================================================================================
