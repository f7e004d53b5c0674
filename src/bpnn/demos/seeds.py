"""The seed experiments, as ``bpnn demo NAME`` runs them: one module each
(:mod:`~bpnn.demos.worked_example`, :mod:`~bpnn.demos.xor`, :mod:`~bpnn.demos.binary`,
:mod:`~bpnn.demos.moons`, :mod:`~bpnn.demos.sine`, :mod:`~bpnn.demos.digits`; what they
share is in ``_common``), gathered here in :data:`DEMOS`.

Every demo function takes keyword arguments (its hyperparameters, ``out_dir`` for
pictures, ``echo`` for its printed lines and ``progress`` for the training progress
mode) and returns a dict::

    {"demo": name, "seed_document": "004", "settings": {...}, "results": {...},
     "files": [paths of the pictures written], "network": the trained Network}

Everything but ``"network"`` is JSON-ready (``bpnn demo NAME --json`` prints it).

============== ====== ===============================================================
name           seed   what it runs
============== ====== ===============================================================
worked-example 002    2-2-2 sigmoid net by hand: the first iteration number by number
xor            000    2-3-1 sigmoid, MSE, full batch on XOR
binary         003    2-2-1, ReLU hidden, sigmoid output, cross-entropy, full batch
moons          004    2-25-50-25-2 sigmoid, MSE on one-hot targets, one sample at a time
sine           004'   1-10-2 regression of (sin x, 1), identity output
digits         004'   64-64-10 softmax classifier of scikit-learn's 8x8 digits (or MNIST)
============== ====== ===============================================================

Pictures are drawn only when ``out_dir`` is given, through :mod:`bpnn.plots`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bpnn.demos._common import SEED_TITLES
from bpnn.demos.binary import binary_data, run_binary
from bpnn.demos.digits import digits_data, run_digits
from bpnn.demos.moons import moons_data, run_moons
from bpnn.demos.sine import run_sine, sine_data
from bpnn.demos.worked_example import (
    BLOG_ITERATION_1,
    BLOG_LATER_LOSS,
    BLOG_OUTPUTS_1000,
    BLOG_WEIGHTS,
    WORKED_X,
    WORKED_Y,
    blog_lines_gradients,
    run_worked_example,
    worked_example_network,
)
from bpnn.demos.xor import XOR_X, XOR_Y, run_xor


@dataclass(frozen=True)
class Demo:
    """One demo: its function, its seed document, one line about it, and which overrides it takes."""

    run: Callable[..., dict]
    seed_document: str
    summary: str
    options: tuple = field(default=("epochs", "learning_rate", "hidden", "activation", "batch_size", "seed"))


DEMOS = {
    "worked-example": Demo(
        run_worked_example,
        "002",
        "seed 002's 2-2-2 network by hand: iteration 1 number by number, then 10, 100, 1000",
        ("epochs", "learning_rate"),
    ),
    "xor": Demo(run_xor, "000", "2-3-1 sigmoid network learns XOR (full batch, MSE)"),
    "binary": Demo(run_binary, "003", "2-2-1 ReLU/sigmoid classifier with cross-entropy on two blobs"),
    "moons": Demo(run_moons, "004", "2-25-50-25-2 sigmoid network on make_moons, one sample at a time"),
    "sine": Demo(run_sine, "004'", "1-10-2 regression of (sin x, 1) on [-π, π]"),
    "digits": Demo(run_digits, "004'", "softmax classifier of 8x8 handwritten digits (or MNIST with --data-dir)"),
}


def run_demo(name: str, **kwargs) -> dict:
    """Run the demo called ``name`` (see :data:`DEMOS`) with keyword overrides."""
    if name not in DEMOS:
        raise ValueError(f"Unknown demo {name!r}; choose one of {', '.join(DEMOS)}.")
    return DEMOS[name].run(**kwargs)


__all__ = [
    "DEMOS",
    "Demo",
    "run_demo",
    "run_worked_example",
    "run_xor",
    "run_binary",
    "run_moons",
    "run_sine",
    "run_digits",
    "worked_example_network",
    "blog_lines_gradients",
    "BLOG_ITERATION_1",
    "BLOG_LATER_LOSS",
    "BLOG_OUTPUTS_1000",
    "BLOG_WEIGHTS",
    "SEED_TITLES",
    "WORKED_X",
    "WORKED_Y",
    "XOR_X",
    "XOR_Y",
    "moons_data",
    "binary_data",
    "sine_data",
    "digits_data",
]
