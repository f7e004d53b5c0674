"""Seed 003: a 2-2-1 ReLU/sigmoid classifier with cross-entropy on two blobs."""

from __future__ import annotations

import numpy as np

from bpnn.core import initializers
from bpnn.core.network import Network
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


def binary_data(n_samples: int = 400, random_state: int = 3):
    """Two overlapping Gaussian blobs around (-1, -1) and (1, 1) (std 0.8), split 70/30.

    Returns ``X_train, X_test, y_train, y_test`` with integer labels 0/1.
    """
    from sklearn.datasets import make_blobs
    from sklearn.model_selection import train_test_split

    X, y = make_blobs(
        n_samples=n_samples, centers=[(-1.0, -1.0), (1.0, 1.0)], cluster_std=0.8, random_state=random_state
    )
    return train_test_split(X, y, test_size=0.3, random_state=42)


def run_binary(
    *,
    epochs: int = 10000,
    learning_rate: float = 0.01,
    hidden=(2,),
    activation: str = "relu",
    batch_size: int | None = None,
    seed: int = 0,
    n_samples: int = 400,
    out_dir=None,
    echo=print,
    progress: str = "auto",
    lang: str | None = "en",
) -> dict:
    """Seed 003: 2-2-1, ReLU hidden, sigmoid output, binary cross-entropy, full batch.

    Seed 003's settings: weights ``0.01 * randn``, zero biases, learning rate 0.01, 10000
    iterations, the cost printed every 1000. The data are two overlapping blobs
    (:func:`binary_data`), so about 5% of the points cannot be separated by any line.
    """
    hidden = _check_hidden(hidden)
    t = Translator(lang)
    pictures = _Pictures(out_dir, echo, t)
    X_train, X_test, y_train, y_test = binary_data(n_samples)
    net = Network(
        _dense_stack(2, hidden, 1, activation, "sigmoid", init=initializers.Normal(0.01)),
        loss="binary_crossentropy",
        seed=seed,
    )
    _announce(echo, t, "003")
    echo(
        t(
            "A {sizes} network ({activation} hidden, sigmoid output), binary cross-entropy, on two blobs "
            "({n_train} training and {n_test} test points),",
            sizes="-".join(map(str, (2, *hidden, 1))),
            activation=activation,
            n_train=len(X_train),
            n_test=len(X_test),
        )
    )
    run = {"batch_size": batch_size, "learning_rate": learning_rate, "epochs": epochs, "seed": seed}
    echo(_opening(t, "{mode}, learning rate {lr:g}, {epochs} iterations, seed {seed}.", **run))
    line = "iteration {e:>{w}}/{n}  cost {cost:.6f}"
    prog = _progress(t, epochs, line, {"cost": "loss"}, every=1000, mode=progress, echo=echo, desc="binary")
    history = net.fit(
        X_train,
        y_train[:, None],
        epochs=epochs,
        learning_rate=learning_rate,
        batch_size=batch_size,
        seed=seed,
        callbacks=[prog],
    )
    train_acc = _accuracy(net.predict(X_train), y_train)
    test_acc = _accuracy(net.predict(X_test), y_test)
    echo(
        t(
            "final cost {cost:.6f}, training accuracy {train:.2%}, test accuracy {test:.2%}",
            cost=history["loss"][-1],
            train=train_acc,
            test=test_acc,
        )
    )
    if pictures:
        from bpnn.plots import plot_dataset, plot_decision_boundary, plot_history

        pictures.save(
            plot_dataset,
            "dataset",
            np.vstack([X_train, X_test]),
            np.concatenate([y_train, y_test]),
            title="Seed 003: two-feature binary data",
        )
        pictures.save(
            plot_decision_boundary,
            "decision_boundary",
            net.predict,
            X_test,
            y_test,
            title=f"2-2-1 classifier, test accuracy {test_acc:.1%}",
        )
        pictures.save(plot_history, "cost", history, title="Cost per iteration")
    settings = _settings(epochs, learning_rate, hidden, activation, batch_size, seed, n_samples=n_samples)
    results = {
        "final_cost": history["loss"][-1],
        "train_accuracy": train_acc,
        "test_accuracy": test_acc,
        "cost_every_1000": prog.log.get("loss", []),
    }
    return _result("binary", "003", settings, results, pictures, net)


# ===================================================================================
# seed 004: two moons
# ===================================================================================
