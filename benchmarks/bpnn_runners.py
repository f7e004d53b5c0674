"""bpnn's runners, one per case (``RUNNERS``), each ``runner(data, spec) -> Run``.

They use bpnn's public API only::

    net = bpnn.Network([bpnn.Dense(2, 25, activation="sigmoid"), ...],
                       loss="mse", seed=0, dtype=np.float64)
    history = net.fit(X, Y, epochs=E, learning_rate=lr, batch_size=32,
                      shuffle=True, seed=0, optimizer="sgd")
    net.predict(X)

Whatever the engine cannot do yet (an optimizer by name such as ``adam`` or ``lm``) is
found by a tiny probe fit and reported as "n/a (not implemented yet: ...)" instead of
crashing the run. The names bpnn uses for activations and losses are mapped in one
place below. bpnn's ``"mse"`` is ½ Σ_k (ŷ_k − y_k)² averaged over the batch: per sample
the same gradient as the reference loop, and with two outputs the same as PyTorch's
``MSELoss`` (mean over all entries).
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import numpy as np

from .core import NotAvailable, Run, Spec, score, stopwatch, time_to_target_over_seeds
from .data import Data

ACTIVATION = {"sigmoid": "sigmoid", "relu": "relu", "tanh": "tanh", "softmax": "softmax", "identity": "identity"}
LOSS = {"mse": "mse", "cross_entropy": "categorical_crossentropy"}


def import_bpnn():
    """Import the bpnn of *this checkout* (``src/`` next to ``benchmarks/``), falling back
    to an installed one; raise NotAvailable if there is no engine yet."""
    src = Path(__file__).resolve().parents[1] / "src"
    if (src / "bpnn").is_dir() and str(src) not in sys.path:
        sys.path.insert(0, str(src))
    try:
        import bpnn
    except ImportError as exc:
        raise NotAvailable(f"bpnn is not importable ({exc})") from None
    if not hasattr(bpnn, "Network") or not hasattr(bpnn, "Dense"):
        raise NotAvailable("engine not in this checkout yet (no bpnn.Network)")
    return bpnn


def build(bpnn, spec: Spec):
    """An untrained bpnn network for ``spec``."""
    pairs = list(zip(spec.sizes[:-1], spec.sizes[1:]))
    layers = [
        bpnn.Dense(n_in, n_out, activation=ACTIVATION[spec.output if i == len(pairs) - 1 else spec.activation])
        for i, (n_in, n_out) in enumerate(pairs)
    ]
    return bpnn.Network(layers, loss=LOSS[spec.loss], seed=spec.seed, dtype=np.dtype(spec.dtype))


def fit_kwargs(spec: Spec, epochs: int | None = None) -> dict:
    """Keyword arguments of ``Network.fit`` for ``spec`` (``batch_size=None``: full batch)."""
    kwargs = dict(
        epochs=spec.epochs if epochs is None else epochs,
        batch_size=spec.batch_size,
        shuffle=True,
        seed=spec.seed,
        optimizer=spec.optimizer,
    )
    if spec.optimizer not in ("lbfgs", "lm"):  # second-order methods choose their own steps
        kwargs["learning_rate"] = spec.learning_rate
    return kwargs


@functools.cache
def probe(spec: Spec) -> None:
    """Fit a few random rows for one epoch; turn "not written yet" errors into NotAvailable."""
    bpnn = import_bpnn()
    rng = np.random.default_rng(0)
    n = max(4, spec.batch_size or 0)  # bpnn refuses a batch larger than the data
    X = rng.random((n, spec.sizes[0])).astype(spec.dtype)
    Y = np.eye(spec.sizes[-1], dtype=spec.dtype)[np.arange(n) % spec.sizes[-1]]
    try:
        build(bpnn, spec).fit(X, Y, **fit_kwargs(spec, epochs=1))
    except (TypeError, ValueError, KeyError, NotImplementedError, AttributeError) as exc:
        raise NotAvailable(f"not implemented yet ({type(exc).__name__}: {exc})") from None


def train(data: Data, spec: Spec) -> Run:
    """Build and fit for ``spec.epochs`` epochs; time both, score on the test set."""
    probe(spec)
    bpnn = import_bpnn()
    kwargs = fit_kwargs(spec)

    def run():
        net = build(bpnn, spec)
        net.fit(data.X_train, data.Y_train, **kwargs)
        return net

    seconds, net = stopwatch(run)
    return Run.whole(seconds, spec.epochs, score(data, net.predict))


def second_order(data: Data, spec: Spec) -> Run:
    """The ``lm`` (Levenberg–Marquardt) optimizer, with its defaults: time to ``spec.target_mse``.

    ``fit`` with ``optimizer="lm"`` and ``batch_size=None`` (full batch) runs at most the
    budget of epochs, one LM iteration each; ``len(history)`` is the iterations used. The
    median over ``spec.seeds`` is reported (see ``core.time_to_target_over_seeds``).
    """
    probe(spec)
    bpnn = import_bpnn()

    def fit_for_seed(seed: int):
        seeded = spec.replace(seed=seed)

        def fit(budget: int):
            def run():
                net = build(bpnn, seeded)
                history = net.fit(data.X_train, data.Y_train, **fit_kwargs(seeded, epochs=budget))
                return net, history

            seconds, (net, history) = stopwatch(run)
            return seconds, score(data, net.predict), len(history)

        return fit

    return time_to_target_over_seeds(fit_for_seed, spec)


def numpy_only(runner):
    """``runner`` with bpnn's compiled pieces turned off (``BPNN_FAST=0``), as without numba."""

    @functools.wraps(runner)
    def wrapped(data: Data, spec: Spec) -> Run:
        before = os.environ.get("BPNN_FAST")
        os.environ["BPNN_FAST"] = "0"
        try:
            return runner(data, spec)
        finally:
            if before is None:
                del os.environ["BPNN_FAST"]
            else:
                os.environ["BPNN_FAST"] = before

    return wrapped


RUNNERS = {
    "online": train,
    "small-minibatch": train,
    "mnist-sized": train,
    "digits": train,
    "second-order": second_order,
}
