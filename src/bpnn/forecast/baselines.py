"""What a network must beat: the naive and seasonal-naive forecasts and a linear AR(K) model,
and the error measures the report compares them with.

Every forecast here is made at a set of *origins*: for origin ``t`` the forecaster knows
``y[:t]`` and predicts ``y[t], ..., y[t+H-1]``. The functions return an array of shape
``(len(origins), H)``.
"""

from __future__ import annotations

import numpy as np

from bpnn.forecast.windows import lag_matrix, recursive_forecast

__all__ = ["naive", "seasonal_naive", "ARModel", "metrics", "crosses_zero"]


def naive(y, origins, horizon: int) -> np.ndarray:
    """Tomorrow = today: every step ahead is the last value known, ``y[t-1]``."""
    y = np.asarray(y, dtype=np.float64)
    last = y[np.asarray(origins) - 1]
    return np.repeat(last[:, None], horizon, axis=1)


def seasonal_naive(y, origins, horizon: int, season: int) -> np.ndarray:
    """The value one season ago: step ``h`` (0-based) is ``y[t+h-S*(h//S+1)]``, the latest
    known value of the same phase of the season."""
    y = np.asarray(y, dtype=np.float64)
    t = np.asarray(origins)[:, None]
    h = np.arange(horizon)[None, :]
    return y[t + h - season * (h // season + 1)]


class ARModel:
    """A linear autoregression ``y[t] = c + a_1 y[t-1] + ... + a_K y[t-K]``, fitted by least squares.

    Parameters
    ----------
    order : int
        K, the number of lags.

    Attributes
    ----------
    coef_ : ndarray of shape (K + 1,)
        ``[c, a_1, ..., a_K]``.
    """

    def __init__(self, order: int):
        self.order = int(order)

    def fit(self, y, targets) -> ARModel:
        """Fit on the windows whose targets are ``targets`` (times, 0-based) of ``y``."""
        X, Y, _ = lag_matrix(y, self.order, targets=targets)
        design = np.column_stack([np.ones(len(X)), X])
        self.coef_ = np.linalg.lstsq(design, Y[:, 0], rcond=None)[0]
        return self

    def predict(self, X) -> np.ndarray:
        """One step from windows ``X`` of shape (n, K) (columns ``y[t-1], ..., y[t-K]``)."""
        return (self.coef_[0] + np.asarray(X) @ self.coef_[1:])[:, None]

    def forecast(self, y, origins, horizon: int) -> np.ndarray:
        """Recursive forecasts: each step's prediction becomes the next step's first lag."""
        return recursive_forecast(self.predict, y, origins, horizon, self.order)


def crosses_zero(y) -> bool:
    """Whether a series touches or crosses zero, where percentage errors mean nothing."""
    y = np.asarray(y, dtype=np.float64)
    return bool(y.min() <= 0 <= y.max())


def metrics(actual, predicted, scale: float, *, percent: bool = True) -> dict[str, float | None]:
    """RMSE, MAE, MAPE (in %, None when ``percent`` is False) and MASE (MAE / ``scale``).

    ``scale`` is the mean absolute error of the one-step naive (or seasonal-naive)
    forecast over the training period, as in Hyndman and Koehler's MASE.
    """
    a = np.asarray(actual, dtype=np.float64)
    e = a - np.asarray(predicted, dtype=np.float64)
    mae = float(np.mean(np.abs(e)))
    return {
        "rmse": float(np.sqrt(np.mean(e**2))),
        "mae": mae,
        "mape": float(100 * np.mean(np.abs(e / a))) if percent else None,
        "mase": mae / scale if scale > 0 else None,
    }
