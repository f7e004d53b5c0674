"""Forecast a series with a network trained by backpropagation, leak-free, against baselines.

* :func:`fit_forecast` - split by time, scale on the training period, choose the lags on
  validation, train (best of restarts), and report the test errors beside the naive,
  seasonal-naive and AR(K) forecasts.
* :func:`lag_matrix`, :func:`chronological_split`, :func:`recursive_forecast` - the pieces.
* :class:`ForecastModel` - the trained forecaster and its model file (``continue_series``).
* :func:`read_series` - a series from a ``.csv``/``.tsv``/``.xlsx``/``.parquet`` table.

Examples
--------
>>> import numpy as np
>>> from bpnn.forecast import fit_forecast
>>> t = np.arange(120)
>>> run = fit_forecast(10 + np.sin(2 * np.pi * t / 12), lags=12, season=12, epochs=200)
>>> sorted(run.report["test"]["one_step"])
['AR(12)', 'naive', 'network', 'seasonal naive (12)']
"""

from bpnn.forecast.baselines import ARModel, metrics, naive, seasonal_naive
from bpnn.forecast.model import ForecastModel
from bpnn.forecast.series import Series, read_series, series_from_arrays
from bpnn.forecast.windows import Split, chronological_split, lag_matrix, recursive_forecast
from bpnn.forecast.workflow import ForecastRun, fit_forecast

__all__ = [
    "ARModel",
    "ForecastModel",
    "ForecastRun",
    "Series",
    "Split",
    "chronological_split",
    "fit_forecast",
    "lag_matrix",
    "metrics",
    "naive",
    "read_series",
    "recursive_forecast",
    "seasonal_naive",
    "series_from_arrays",
]
