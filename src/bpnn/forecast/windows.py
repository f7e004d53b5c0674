"""Sliding windows over a series, and the chronological split that keeps the future out.

A window is what a forecaster knows just before time ``t``: the values ``y[t-1]``,
``y[t-2]``, ... at the chosen lags (and the same lags of each other input column); its
target is ``y[t]`` (or ``y[t], ..., y[t+H-1]`` for a direct forecast of ``H`` steps).

The split is by time: the first part of the series trains, the next one validates, the
last one tests. A training window lies wholly inside the training period, inputs and
targets; a validation or test window has its targets inside its own period and takes its
inputs from the observations before them, which is what a forecaster has at that moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Split", "lag_matrix", "chronological_split", "check_lags", "window_rows", "recursive_forecast"]


def check_lags(lags, name: str = "lags") -> tuple[int, ...]:
    """``lags`` as a sorted tuple of distinct whole numbers >= 1; an int ``K`` means ``1..K``."""
    if isinstance(lags, (int, np.integer)) and not isinstance(lags, bool):
        if lags < 1:
            raise ValueError(f"{name} must be a whole number >= 1 or a list of them; got {lags!r}")
        return tuple(range(1, int(lags) + 1))
    try:
        values = [int(v) for v in lags]
        ok = all(int(v) == v and not isinstance(v, bool) for v in lags)
    except (TypeError, ValueError):
        ok, values = False, []
    if not ok or not values or min(values) < 1:
        raise ValueError(f"{name} must be a whole number >= 1 or a list of them; got {lags!r}")
    return tuple(sorted(set(values)))


def lag_matrix(y, lags, *, exog=None, exog_lags=None, steps: int = 1, targets=None):
    """The lagged inputs and the targets of every window of a series.

    Parameters
    ----------
    y : array-like of shape (n,)
        The series.
    lags : int or sequence of int
        Which past values are inputs: ``K`` means ``y[t-1], ..., y[t-K]``; a list such as
        ``[1, 2, 12]`` takes exactly those.
    exog : array-like of shape (n, n_exog), optional
        Other columns observed at the same times; their lagged values are inputs too.
    exog_lags : int or sequence of int, optional
        Lags of the exogenous columns (default: ``lags``).
    steps : int, default=1
        Targets per window: ``y[t], ..., y[t+steps-1]`` (``steps > 1`` for a direct forecast).
    targets : array-like of int, optional
        The times ``t`` (0-based) whose windows to build; default every ``t`` with all its
        lags and targets inside the series.

    Returns
    -------
    X : ndarray of shape (n_windows, len(lags) + n_exog * len(exog_lags))
        Columns ``y[t-l]`` for each lag ``l`` in order, then for each exogenous column its lags.
    Y : ndarray of shape (n_windows, steps)
    t : ndarray of int of shape (n_windows,)
        The time of each window's first target.

    Examples
    --------
    >>> X, Y, t = lag_matrix([1.0, 2.0, 3.0, 4.0, 5.0], 2)
    >>> X.tolist(), Y.ravel().tolist(), t.tolist()
    ([[2.0, 1.0], [3.0, 2.0], [4.0, 3.0]], [3.0, 4.0, 5.0], [2, 3, 4])
    """
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"y must be a 1-D series; got an array of shape {y.shape}")
    lags = check_lags(lags)
    n = len(y)
    if exog is not None:
        exog = np.asarray(exog, dtype=np.float64)
        exog = exog.reshape(-1, 1) if exog.ndim == 1 else exog
        if exog.shape[0] != n:
            raise ValueError(f"exog must have one row per value of y ({n}); got {exog.shape[0]} rows")
        exog_lags = lags if exog_lags is None else check_lags(exog_lags, "exog_lags")
    first = max(lags + (tuple(exog_lags) if exog is not None else ()))
    if targets is None:
        targets = np.arange(first, n - steps + 1)
    t = np.asarray(targets, dtype=np.int64)
    if t.size and (t.min() < first or t.max() + steps > n):
        raise ValueError(f"every target time must be in [{first}, {n - steps}]; got {t.min()}..{t.max()}")
    columns = [y[t - lag] for lag in lags]
    if exog is not None:
        columns += [exog[t - lag, j] for j in range(exog.shape[1]) for lag in exog_lags]
    X = np.stack(columns, axis=1) if t.size else np.empty((0, len(columns)))
    Y = np.stack([y[t + h] for h in range(steps)], axis=1) if t.size else np.empty((0, steps))
    return X, Y, t


@dataclass(frozen=True)
class Split:
    """Where the periods of a series begin: ``train`` is ``[0, validation)``, validation
    ``[validation, test)``, test ``[test, n)``."""

    n: int
    validation: int
    test: int

    def period(self, name: str) -> tuple[int, int]:
        """``(start, stop)`` of ``"train"``, ``"validation"`` or ``"test"``."""
        return {"train": (0, self.validation), "validation": (self.validation, self.test), "test": (self.test, self.n)}[
            name
        ]

    def sizes(self) -> dict[str, int]:
        return {name: b - a for name in ("train", "validation", "test") for a, b in [self.period(name)]}


def chronological_split(n: int, fractions: Sequence[float] = (0.7, 0.15, 0.15), test_from: int | None = None) -> Split:
    """Cut ``n`` time steps into training, validation and test periods, in that order.

    Parameters
    ----------
    n : int
        Length of the series.
    fractions : (train, validation, test), default=(0.7, 0.15, 0.15)
        Shares of the series; they must add up to 1.
    test_from : int, optional
        The index where the test period begins (overrides the test fraction); the
        validation period is then the share ``validation / (train + validation)`` of what
        comes before it.

    Examples
    --------
    >>> chronological_split(100)
    Split(n=100, validation=70, test=85)
    """
    if len(fractions) != 3 or any(not np.isfinite(f) or f < 0 for f in fractions) or abs(sum(fractions) - 1) > 1e-9:
        raise ValueError(
            f"fractions must be three shares >= 0 adding up to 1 (train, validation, test); got {fractions}"
        )
    train, val, _ = fractions
    if test_from is None:
        test = n - int(round(n * fractions[2]))
    else:
        if not 0 < test_from < n:
            raise ValueError(f"the test period must start inside the series (rows 1 to {n - 1}); got row {test_from}")
        test = int(test_from)
    validation = test - int(round(test * val / (train + val))) if train + val > 0 else test
    return Split(n, validation, test)


def window_rows(split: Split, period: str, first: int, steps: int = 1) -> np.ndarray:
    """The target times ``t`` of the windows of one period.

    A training window keeps inputs and targets inside the training period; a validation or
    test window keeps its ``steps`` targets inside its period (its inputs are earlier
    observations). ``first`` is the largest lag.
    """
    start, stop = split.period(period)
    return np.arange(max(start, first), stop - steps + 1)


def recursive_forecast(predict, y, origins, horizon: int, lags, *, exog=None, exog_lags=None) -> np.ndarray:
    """Closed-loop forecasts ``horizon`` steps ahead from each origin.

    For origin ``t`` the first window holds the observations before ``t``; each prediction
    then takes the place of the value it predicts in the next windows (as a NARX network in
    closed loop). Exogenous columns, when given, are taken as observed.

    Parameters
    ----------
    predict : callable
        ``predict(X) -> array of shape (n, 1 or more)``; the first column is the next value.
    y : array-like of shape (n,)
        The series; only values before each origin are read.
    origins : array-like of int
        Times of the first forecast step.
    horizon : int
        Steps ahead.
    lags, exog, exog_lags
        As in :func:`lag_matrix`.

    Returns
    -------
    ndarray of shape (len(origins), horizon)
    """
    y = np.asarray(y, dtype=np.float64)
    lags = check_lags(lags)
    origins = np.asarray(origins, dtype=np.int64)
    if exog is not None:
        exog = np.asarray(exog, dtype=np.float64)
        exog = exog.reshape(-1, 1) if exog.ndim == 1 else exog
        exog_lags = lags if exog_lags is None else check_lags(exog_lags, "exog_lags")
    first = max(lags)
    buffer = np.empty((len(origins), first + horizon))
    buffer[:, :first] = y[origins[:, None] - first + np.arange(first)[None, :]]
    for h in range(horizon):
        columns = [buffer[:, first + h - lag] for lag in lags]
        if exog is not None:
            columns += [exog[origins + h - lag, j] for j in range(exog.shape[1]) for lag in exog_lags]
        X = np.stack(columns, axis=1)
        buffer[:, first + h] = np.asarray(predict(X)).reshape(len(origins), -1)[:, 0]
    return buffer[:, first:]
