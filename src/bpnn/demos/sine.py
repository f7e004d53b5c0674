"""Seed 004': a 1-10-2 regression of (sin x, 1) on [-pi, pi]."""

from __future__ import annotations

import numpy as np

from bpnn.core.network import Network
from bpnn.demos._common import (
    _check_hidden,
    _dense_stack,
    _opening,
    _Pictures,
    _progress,
    _result,
    _settings,
)
from bpnn.explain.i18n import Translator


def sine_data(n_train: int = 10000, n_test: int = 1000, random_state: int = 0):
    """x uniform in [-pi, pi]; targets (sin x, 1). Returns ``X_train, Y_train, X_test, Y_test``."""
    rng = np.random.default_rng(random_state)
    X_train = rng.uniform(-np.pi, np.pi, size=(n_train, 1))
    X_test = rng.uniform(-np.pi, np.pi, size=(n_test, 1))
    target = lambda x: np.hstack([np.sin(x), np.ones_like(x)])  # noqa: E731
    return X_train, target(X_train), X_test, target(X_test)


def run_sine(
    *,
    epochs: int = 100,
    learning_rate: float = 0.1,
    hidden=(10,),
    activation: str = "tanh",
    batch_size: int | None = 32,
    seed: int = 0,
    n_train: int = 10000,
    out_dir=None,
    echo=print,
    progress: str = "auto",
    lang: str | None = "en",
) -> dict:
    """A regression network: one input x in [-pi, pi], two outputs sin(x) and 1, identity output layer."""
    hidden = _check_hidden(hidden)
    t = Translator(lang)
    pictures = _Pictures(out_dir, echo, t)
    X_train, Y_train, X_test, Y_test = sine_data(n_train, random_state=seed)
    net = Network(_dense_stack(1, hidden, 2, activation, "identity"), loss="mse", seed=seed)
    echo(
        t(
            "Regression of (sin x, 1) for x uniform in [-π, π]: a {sizes} network ({activation} hidden, "
            "identity output), MSE,",
            sizes="-".join(map(str, (1, *hidden, 2))),
            activation=activation,
        )
    )
    run = {"batch_size": batch_size, "learning_rate": learning_rate, "epochs": epochs, "seed": seed}
    sizes = "{n_train} training and {n_test} test points, {mode}, learning rate {lr:g}, {epochs} epochs, seed {seed}."
    echo(_opening(t, sizes, n_train=len(X_train), n_test=len(X_test), **run))

    def evaluate(epoch, logs):
        return {"loss": logs["loss"], "test_rmse": float(np.sqrt(np.mean((net.predict(X_test) - Y_test) ** 2)))}

    line = "epoch {e:>{w}}/{n}  loss {loss:.6f}  test RMSE {rmse:.6f}"
    fields = {"loss": "loss", "rmse": "test_rmse"}
    prog = _progress(t, epochs, line, fields, every=10, evaluate=evaluate, mode=progress, echo=echo, desc="sine")
    net.fit(
        X_train, Y_train, epochs=epochs, learning_rate=learning_rate, batch_size=batch_size, seed=seed, callbacks=[prog]
    )
    pred = net.predict(X_test)
    rmse = float(np.sqrt(np.mean((pred - Y_test) ** 2)))
    rmse_each = np.sqrt(np.mean((pred - Y_test) ** 2, axis=0))
    echo(
        t(
            "test RMSE {rmse:.6f} (sin x: {sin:.6f}, constant 1: {one:.6f})",
            rmse=rmse,
            sin=rmse_each[0],
            one=rmse_each[1],
        )
    )
    if pictures:
        from bpnn.plots import plot_fit_1d, plot_history, plot_regression

        grid = np.linspace(-np.pi, np.pi, 400)[:, None]
        pictures.save(
            plot_fit_1d,
            "fit",
            grid,
            np.sin(grid),
            net.predict(grid)[:, 0],
            samples=(X_test[:200, 0], Y_test[:200, 0]),
            title=f"sin x: test RMSE {rmse_each[0]:.4f}",
        )
        pictures.save(plot_regression, "regression", Y_test[:, 0], pred[:, 0], title="sin x: output against target")
        pictures.save(
            plot_history, "history", {"epoch": prog.log["epoch"], "loss": prog.log["loss"]}, title="Training loss"
        )
    settings = _settings(epochs, learning_rate, hidden, activation, batch_size, seed, n_train=n_train)
    results = {
        "test_rmse": rmse,
        "test_rmse_sin": float(rmse_each[0]),
        "test_rmse_one": float(rmse_each[1]),
        "final_loss": prog.log["loss"][-1],
    }
    return _result("sine", "004 (related article)", settings, results, pictures, net)


# ===================================================================================
# seed 004's related article: handwritten digits
# ===================================================================================
