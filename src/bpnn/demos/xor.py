"""Seed 000: a 2-3-1 sigmoid network learns XOR (full batch, MSE)."""

from __future__ import annotations

import numpy as np

from bpnn.core import initializers
from bpnn.core.network import Network
from bpnn.demos._common import (
    _announce,
    _check_hidden,
    _dense_stack,
    _epoch_line,
    _opening,
    _Pictures,
    _result,
    _settings,
)
from bpnn.demos.progress import TrainingProgress
from bpnn.explain.i18n import Translator

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=float)


def run_xor(
    *,
    epochs: int = 5000,
    learning_rate: float = 2.0,
    hidden=(3,),
    activation: str = "sigmoid",
    batch_size: int | None = None,
    seed: int = 0,
    out_dir=None,
    echo=print,
    progress: str = "auto",
    lang: str | None = "en",
) -> dict:
    """Seed 000: a 2-3-1 sigmoid network learns XOR by full-batch gradient descent on the MSE.

    Weights start from a standard normal (seed 000's ``randn``), biases at zero. Seed 000's
    own settings (learning rate 0.1, 1000 epochs) leave the loss on its plateau near 0.125;
    these defaults solve it.
    """
    hidden = _check_hidden(hidden)
    t = Translator(lang)
    pictures = _Pictures(out_dir, echo, t)
    net = Network(
        _dense_stack(2, hidden, 1, activation, "sigmoid", init=initializers.Normal(1.0)), loss="mse", seed=seed
    )
    _announce(echo, t, "000")
    opening = (
        "XOR with a {sizes} network ({activation} hidden, sigmoid output), MSE, {mode}, "
        "learning rate {lr:g}, {epochs} epochs, seed {seed}."
    )
    run = {"batch_size": batch_size, "learning_rate": learning_rate, "epochs": epochs, "seed": seed}
    echo(_opening(t, opening, sizes=(2, *hidden, 1), activation=activation, **run))
    prog = TrainingProgress(epochs, every=100, mode=progress, echo=echo, desc="xor", format_line=_epoch_line(t))
    history = net.fit(
        XOR_X, XOR_Y, epochs=epochs, learning_rate=learning_rate, batch_size=batch_size, seed=seed, callbacks=[prog]
    )
    out = net.predict(XOR_X)[:, 0]
    correct = int(np.sum((out >= 0.5) == (XOR_Y[:, 0] >= 0.5)))
    echo("")
    for x, target, o in zip(XOR_X, XOR_Y[:, 0], out):
        line = "  {a} xor {b} = {target}   network {o:.4f}  " + ("right" if (o >= 0.5) == target else "WRONG")
        echo(t(line, a=int(x[0]), b=int(x[1]), target=int(target), o=o))
    echo(t("{correct}/4 correct, final loss {loss:.6f}", correct=correct, loss=history["loss"][-1]))
    if pictures:
        from bpnn.plots import plot_decision_boundary, plot_history

        pictures.save(
            plot_decision_boundary,
            "decision_boundary",
            net.predict,
            XOR_X,
            XOR_Y[:, 0].astype(int),
            title="XOR: output of the trained network",
            margin=0.25,
        )
        pictures.save(plot_history, "loss", history, title="XOR: loss per epoch")
    settings = _settings(epochs, learning_rate, hidden, activation, batch_size, seed)
    results = {
        "correct": correct,
        "outputs": out.tolist(),
        "final_loss": history["loss"][-1],
        "loss_every_100": prog.log.get("loss", []),
    }
    return _result("xor", "000", settings, results, pictures, net)


# ===================================================================================
# seed 003: 2-2-1 binary classifier
# ===================================================================================
