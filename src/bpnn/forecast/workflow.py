"""Train a forecaster the leak-free way and compare it with what it must beat.

One straight line: split the series by time -> fit the scaling on the training period ->
build the windows of each period -> (choose the lags on the validation period) -> train,
keeping the best of the restarts on validation -> forecast the test period one step and
``H`` steps ahead -> the same for the naive, seasonal-naive and AR(K) forecasts -> report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bpnn.core import Dense, Network
from bpnn.forecast.baselines import ARModel, crosses_zero, metrics, naive, seasonal_naive
from bpnn.forecast.model import ForecastModel
from bpnn.forecast.series import Series, series_from_arrays
from bpnn.forecast.windows import Split, check_lags, chronological_split, lag_matrix, window_rows
from bpnn.io.scaling import MinMaxScaler
from bpnn.training import EarlyStopping, train_best_of

__all__ = ["ForecastRun", "fit_forecast", "LAG_CANDIDATES"]

#: The lag counts tried when none is given (those the training period can hold), plus the season.
LAG_CANDIDATES = (1, 2, 3, 4, 6, 8, 12)


@dataclass
class ForecastRun:
    """What :func:`fit_forecast` returns: the model, the split, the report and what the plots draw."""

    model: ForecastModel
    series: Series
    split: Split
    report: dict
    history: dict
    forecasts: dict = field(default_factory=dict)


def _windows_needed(n_inputs: int) -> int:
    return max(10, 2 * n_inputs)


def _scaled(series: Series, split: Split):
    """Scalers fitted on the training period only, and the scaled series."""
    train = slice(0, split.validation)
    y_scaler = MinMaxScaler().fit(series.y[train, None])
    z = y_scaler.transform(series.y[:, None])[:, 0]
    x_scaler, e = None, None
    if series.exog is not None:
        x_scaler = MinMaxScaler().fit(series.exog[train])
        e = x_scaler.transform(series.exog)
    return y_scaler, x_scaler, z, e


def _lags_for(k: int, season: int | None, seasonal_lag: bool) -> tuple[int, ...]:
    lags = tuple(range(1, k + 1))
    return lags + ((season,) if seasonal_lag and season and season > k else ())


def _train(series, split, lags, steps, scaled, *, hidden, restarts, epochs, seed, patience):
    """Train on the training windows, keep the best of ``restarts`` on the validation windows."""
    y_scaler, x_scaler, z, e = scaled
    first = max(lags)
    n_inputs = len(lags) * (1 + (0 if e is None else e.shape[1]))
    rows = window_rows(split, "train", first, steps)
    if len(rows) < _windows_needed(n_inputs):
        raise ValueError(
            f"the training period has {split.validation} rows, which give {max(len(rows), 0)} windows of "
            f"{first} lag(s) and {steps} target(s); at least {_windows_needed(n_inputs)} are needed. "
            "Use fewer --lags, a shorter --horizon or a longer series"
        )
    X, Y, _ = lag_matrix(z, lags, exog=e, steps=steps, targets=rows)
    v_rows = window_rows(split, "validation", first, steps)
    if len(v_rows) == 0:
        raise ValueError(
            f"the validation period ({split.test - split.validation} rows) holds no window of {steps} step(s); "
            "use a longer series or a shorter --horizon"
        )
    Xv, Yv, _ = lag_matrix(z, lags, exog=e, steps=steps, targets=v_rows)

    def build(s):
        sizes = [n_inputs, *hidden]
        layers = [Dense(a, b, activation="tanh") for a, b in zip(sizes[:-1], sizes[1:])]
        return Network([*layers, Dense(sizes[-1], steps)], loss="mse", seed=s)

    best = train_best_of(
        restarts,
        build,
        X,
        Y,
        seed=seed,
        validation_data=(Xv, Yv),
        epochs=epochs,
        optimizer="rprop",
        callbacks=[EarlyStopping(patience=patience)],
    )
    model = ForecastModel(
        best.network,
        lags,
        y_scaler,
        x_scaler,
        target=series.target,
        exog=series.exog_names,
        time=dict(series.time),
    )
    return model, best


def _validation_rmse(model: ForecastModel, series: Series, split: Split, horizon: int) -> float:
    origins = window_rows(split, "validation", model.first, horizon)
    pred = model.forecast(series.y, origins, horizon, series.exog)
    actual = series.y[origins[:, None] + np.arange(horizon)[None, :]]
    return float(np.sqrt(np.mean((actual - pred) ** 2)))


def fit_forecast(
    y,
    *,
    exog=None,
    lags=None,
    horizon: int = 1,
    direct: bool = False,
    season: int | None = None,
    seasonal_lag: bool = False,
    fractions=(0.7, 0.15, 0.15),
    test_from: int | None = None,
    hidden=(10,),
    restarts: int = 1,
    epochs: int = 1000,
    patience: int = 50,
    seed=0,
) -> ForecastRun:
    """Train a network to forecast a series, leak-free, and report it against the baselines.

    Parameters
    ----------
    y : array-like of shape (n,) or Series
        The series in time order at a regular step (a NumPy array, a pandas Series, or a
        :class:`~bpnn.forecast.series.Series` read by :func:`~bpnn.forecast.read_series`).
    exog : array-like of shape (n, n_exog), optional
        Other columns whose lagged values are inputs (ignored when ``y`` is a Series).
    lags : int or sequence of int, optional
        ``K`` for the lags ``1..K``, or a list of lags. None: chosen among
        :data:`LAG_CANDIDATES` (and the season) by the validation error.
    horizon : int, default=1
        Steps ahead ``H`` reported besides one step.
    direct : bool, default=False
        False: one output, forecasts ``H`` steps by feeding predictions back (closed loop).
        True: ``H`` outputs, every step forecast at once from the observed window.
    season : int, optional
        Length of the season: enables the seasonal-naive baseline and a seasonal MASE.
    seasonal_lag : bool, default=False
        Also give the network the value one season ago (with ``season``).
    fractions : (train, validation, test), default=(0.7, 0.15, 0.15)
    test_from : int, optional
        Index where the test period begins.
    hidden : tuple of int, default=(10,)
        Widths of the tanh hidden layers.
    restarts : int, default=1
        Keep the best of this many initialisations on the validation period.
    epochs, patience : int
        At most ``epochs`` of Rprop, stopping ``patience`` epochs after the best validation loss.
    seed : int, default=0

    Returns
    -------
    ForecastRun
    """
    series = y if isinstance(y, Series) else series_from_arrays(y, exog)
    n = len(series)
    horizon = int(horizon)
    if horizon < 1:
        raise ValueError(f"horizon must be a whole number >= 1; got {horizon}")
    if season is not None and (int(season) != season or season < 2):
        raise ValueError(f"season must be a whole number >= 2; got {season!r}")
    if n < 20:
        raise ValueError(
            f"the series has {n} rows; a forecast with training, validation and test periods needs 20 or more"
        )
    split = chronological_split(n, fractions, test_from)
    sizes = split.sizes()
    for period in ("test", "validation"):
        if sizes[period] < horizon:
            raise ValueError(
                f"--horizon {horizon} is longer than the {period} period ({sizes[period]} rows); "
                "use a shorter horizon or a longer series"
            )
    steps = horizon if direct else 1
    scaled = _scaled(series, split)
    settings = dict(hidden=tuple(hidden), epochs=epochs, seed=seed, patience=patience)
    search: dict[int, float] = {}
    if lags is None:
        candidates = sorted({*LAG_CANDIDATES, *([season] if season else [])})
        for k in candidates:
            k_lags = _lags_for(k, season, seasonal_lag)
            n_inputs = len(k_lags) * (1 + len(series.exog_names))
            if len(window_rows(split, "train", max(k_lags), steps)) < _windows_needed(n_inputs):
                continue
            trial, _ = _train(series, split, k_lags, steps, scaled, restarts=1, **settings)
            search[k] = _validation_rmse(trial, series, split, horizon)
        if not search:
            raise ValueError(f"the training period ({sizes['train']} rows) is too short for even one lag")
        lags = _lags_for(min(search, key=search.__getitem__), season, seasonal_lag)
    else:
        lags = check_lags(lags)
        if seasonal_lag and season:
            lags = tuple(sorted({*lags, season}))
    model, best = _train(series, split, lags, steps, scaled, restarts=restarts, **settings)
    model.season = season
    observed = series.y if series.exog is None else np.column_stack([series.y, series.exog])
    model.last_window = observed[-model.first :].copy()
    report, forecasts = _evaluate(model, series, split, horizon, season)
    report.update(
        {
            "lags": list(lags),
            "lags_chosen_by": "validation search" if search else "given",
            "lag_search_validation_rmse": {str(k): v for k, v in search.items()},
            "mode": "direct" if direct else "recursive",
            "restarts": {"n": restarts, "best": best.index, "validation_losses": best.scores},
            "epochs_run": len(best.history.history.get("loss", [])),
            "notes": list(series.notes),
        }
    )
    report["notes"] += forecasts.pop("notes")
    return ForecastRun(model, series, split, report, dict(best.history.history), forecasts)


def _evaluate(model: ForecastModel, series: Series, split: Split, horizon: int, season: int | None):
    y = series.y
    first = max(model.first, season or 0)
    # K of AR(K): the run of lags 1, 2, ..., K at the start of the network's lags
    ar_order = next((k for k in range(1, len(model.lags) + 1) if model.lags[k - 1] != k), len(model.lags) + 1) - 1
    ar_order = max(ar_order, 1)
    ar = ARModel(ar_order).fit(y, window_rows(split, "train", ar_order))
    m = season or 1
    train_y = y[: split.validation]
    scale = float(np.mean(np.abs(train_y[m:] - train_y[:-m])))
    percent = not crosses_zero(y)
    notes = (
        [] if percent else ["MAPE is not reported: the series touches or crosses zero, where percentages mean nothing"]
    )

    def methods(origins, h):
        out = {"network": model.forecast(y, origins, h, series.exog), "naive": naive(y, origins, h)}
        if season:
            out[f"seasonal naive ({season})"] = seasonal_naive(y, origins, h, season)
        out[f"AR({ar_order})"] = ar.forecast(y, origins, h)
        return out

    report: dict[str, Any] = {
        "target": series.target,
        "rows": len(series),
        "periods": _periods(series, split),
        "horizon": horizon,
        "season": season,
        "test": {},
    }
    forecasts: dict = {"notes": notes}
    for label, h in (("one_step", 1), ("h_step", horizon)):
        if label == "h_step" and horizon == 1:
            continue
        origins = window_rows(split, "test", first, h)
        if len(origins) == 0:
            raise ValueError(
                f"the test period ({split.n - split.test} rows) holds no forecast of {h} step(s) after the first "
                f"{first} values; use a shorter --horizon or a longer series"
            )
        actual = y[origins + h - 1]
        preds = {name: p[:, h - 1] for name, p in methods(origins, h).items()}
        report["test"][label] = {name: metrics(actual, p, scale, percent=percent) for name, p in preds.items()}
        forecasts[label] = {"t": origins + h - 1, "actual": actual, **preds}
    # the network's one-step forecasts over the validation period, for the plot
    v_origins = window_rows(split, "validation", first, 1)
    forecasts["validation"] = {"t": v_origins, "network": model.forecast(y, v_origins, 1, series.exog)[:, 0]}
    report["verdict"], report["network_beats_best_baseline"], report["best_baseline"] = _verdict(report["test"])
    return report, forecasts


def _verdict(test: dict) -> tuple[str, bool, str]:
    beaten, best_names = [], []
    for label, table in test.items():
        baselines = {k: v["rmse"] for k, v in table.items() if k != "network"}
        best = min(baselines, key=baselines.__getitem__)
        best_names.append(best)
        beaten.append(table["network"]["rmse"] < baselines[best])
        what = "one step ahead" if label == "one_step" else "at the horizon"
        if not beaten[-1]:
            return (
                f"The network does not beat the best baseline ({best}) {what}: test RMSE "
                f"{table['network']['rmse']:.4g} against {baselines[best]:.4g}.",
                False,
                best,
            )
    return "The network beats every baseline on the test period (RMSE).", True, best_names[0]


def _periods(series: Series, split: Split) -> dict:
    out = {}
    for name in ("train", "validation", "test"):
        a, b = split.period(name)
        entry: dict = {"rows": b - a, "start": a, "stop": b}
        if series.times is not None:
            entry["from"], entry["to"] = series.times[a], series.times[b - 1]
        out[name] = entry
    return out
