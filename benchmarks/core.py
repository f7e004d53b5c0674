"""What every runner shares: the training specification, the result of one run, and
the helpers for timing and scoring.

A runner is a function ``runner(data, spec) -> Run``. It builds an untrained model,
trains it as ``spec`` says and times the whole training (model construction included,
prediction excluded), so every implementation pays for the same things. If the
implementation cannot do what ``spec`` asks (library not installed, feature not written
yet) the runner raises :class:`NotAvailable` and the table says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .data import Data


class NotAvailable(Exception):
    """The implementation cannot run this case; the message says why."""


@dataclass(frozen=True)
class Spec:
    """One training run: architecture, loss, optimizer and schedule.

    Attributes
    ----------
    sizes : tuple of int
        Layer widths from input to output, e.g. ``(2, 25, 50, 25, 2)``.
    activation : {"sigmoid", "relu", "tanh"}
        Activation of every hidden layer.
    output : {"sigmoid", "softmax", "identity"}
        Activation of the output layer.
    loss : {"mse", "cross_entropy"}
    optimizer : {"sgd", "adam", "lbfgs", "lm"}
    learning_rate : float
    batch_size : int or None
        ``None`` means full batch (second-order methods).
    epochs : int
        Passes over the training data per timed run. For time-to-target cases, the
        budget cap of the search.
    dtype : str
        ``"float32"`` or ``"float64"``; the data and every implementation use it.
    seed : int
    target_mse : float or None
        Time-to-target cases only: the test MSE to reach.
    seeds : tuple of int
        Time-to-target cases only: the initial weights to try; the time reported is the
        median over these seeds (one draw of the initial weights decides the number of
        iterations as much as the method does).
    """

    sizes: tuple[int, ...]
    activation: str
    output: str
    loss: str
    optimizer: str
    learning_rate: float
    batch_size: int | None
    epochs: int
    dtype: str
    seed: int = 0
    target_mse: float | None = None
    seeds: tuple[int, ...] = (0,)

    def replace(self, **changes) -> Spec:
        return replace(self, **changes)

    def describe(self) -> str:
        arch = "-".join(str(s) for s in self.sizes)
        batch = "full batch" if self.batch_size is None else f"batch {self.batch_size}"
        lr = "" if self.optimizer in ("lbfgs", "lm") else f" lr {self.learning_rate:g}"
        return f"{arch} {self.activation}/{self.output}, {self.loss}, {self.optimizer}{lr}, {batch}, {self.dtype}"


@dataclass
class Run:
    """Result of one timed training run.

    ``epoch_seconds`` has one entry per epoch (per iteration for full-batch methods)
    and sums to the wall time of the run; implementations timed as a whole report
    ``total / epochs`` for every epoch.
    """

    epoch_seconds: list[float]
    metric: float
    info: dict = field(default_factory=dict)

    @classmethod
    def whole(cls, seconds: float, epochs: int, metric: float, **info) -> Run:
        return cls([seconds / epochs] * epochs, float(metric), info)


def accuracy(scores: np.ndarray, y: np.ndarray) -> float:
    """Fraction of rows whose largest score is the true class."""
    return float(np.mean(np.argmax(scores, axis=1) == y))


def mse(prediction: np.ndarray, Y: np.ndarray) -> float:
    """Mean over all entries of the squared error."""
    return float(np.mean((np.asarray(prediction, dtype=np.float64).reshape(Y.shape) - Y) ** 2))


def score(data: Data, predict: Callable[[np.ndarray], np.ndarray]) -> float:
    """Test accuracy for classification, test MSE for regression."""
    out = predict(data.X_test)
    return accuracy(out, data.y_test) if data.is_classification else mse(out, data.Y_test)


def stopwatch(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def time_to_target(
    fit: Callable[[int], tuple[float, float, int]], target: float, start: int = 8, cap: int = 20_000
) -> Run:
    """Time a full-batch method until it reaches ``target`` test MSE.

    Methods with no per-iteration callback (scipy's L-BFGS inside scikit-learn) are
    timed by budget: ``fit(budget)`` trains a fresh model for at most ``budget``
    iterations and returns ``(seconds, test_mse, iterations_used)``. The budget is
    doubled until the target is met, then bisected to the smallest budget that meets
    it; the run at that budget is the one reported. Deterministic fits (fixed seeds)
    make this well defined.
    """
    low, budget = 0, start
    while True:
        seconds, err, iters = fit(budget)
        if err <= target or budget >= cap:
            break
        low, budget = budget, min(2 * budget, cap)
    if err > target:
        return Run.whole(seconds, max(iters, 1), err, reached=False, iterations=iters)
    high = budget
    while high - low > max(1, high // 50):  # 2 % resolution is finer than timing noise
        mid = (low + high) // 2
        if fit(mid)[1] <= target:
            high = mid
        else:
            low = mid
    seconds, err, iters = fit(high)  # timed again, after the search has warmed everything
    return Run.whole(seconds, max(iters, 1), err, reached=True, iterations=iters)


def time_to_target_over_seeds(
    fit_for_seed: Callable[[int], Callable[[int], tuple[float, float, int]]], spec: Spec
) -> Run:
    """:func:`time_to_target` for each of ``spec.seeds``; the median seconds and iterations.

    ``fit_for_seed(seed)`` returns the ``fit(budget)`` of that seed. The metric reported is
    the worst test MSE of the seeds' timed runs, and ``reached`` holds only if every seed
    reached the target.
    """
    runs = [time_to_target(fit_for_seed(seed), spec.target_mse, cap=spec.epochs) for seed in spec.seeds]
    seconds = [sum(run.epoch_seconds) for run in runs]
    iterations = [run.info["iterations"] for run in runs]
    median_seconds = float(np.median(seconds))
    median_iterations = int(np.median(iterations))
    return Run.whole(
        median_seconds,
        max(median_iterations, 1),
        max(run.metric for run in runs),
        reached=all(run.info["reached"] for run in runs),
        iterations=median_iterations,
        seeds=list(spec.seeds),
        seed_seconds=seconds,
        seed_iterations=iterations,
    )
