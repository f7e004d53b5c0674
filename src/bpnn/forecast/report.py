"""The forecast report as text, and its plots."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bpnn.explain.i18n import Translator, pad
from bpnn.forecast.workflow import ForecastRun

__all__ = ["format_report", "save_plots"]

_COLUMNS = (("rmse", "RMSE"), ("mae", "MAE"), ("mape", "MAPE %"), ("mase", "MASE"))


#: Each period as the report names it: rows alone, and rows with the first and last time.
_PERIODS = {
    "train": ("train {rows}", "train {rows}, {start} to {end}"),
    "validation": ("validation {rows}", "validation {rows}, {start} to {end}"),
    "test": ("test {rows}", "test {rows}, {start} to {end}"),
}


def _cell(value) -> str:
    return "-" if value is None else f"{value:.4g}"


def _table(rows: dict, t: Translator) -> list[str]:
    names = {name: t.written(name) for name in rows}
    width = max(map(len, names.values())) * (2 if t.lang == "zh" else 1) + 2
    lines = ["  " + "".ljust(width) + "".join(f"{title:>10}" for _, title in _COLUMNS)]
    for name, values in rows.items():
        lines.append("  " + pad(names[name], width) + "".join(f"{_cell(values[key]):>10}" for key, _ in _COLUMNS))
    return lines


def format_report(report: dict, lang: str = "en") -> str:
    """The report a person reads: periods, lags, the error table per horizon, the verdict.

    Parameters
    ----------
    report : dict
        ``fit_forecast(...).report``.
    lang : {"en", "zh"}, default="en"
        The language of the words; the numbers, the series' name and its times are the same.
    """
    t = Translator(lang)
    p = report["periods"]

    def period(name):
        entry = p[name]
        if "from" in entry:
            return t(_PERIODS[name][1], rows=entry["rows"], start=entry["from"], end=entry["to"])
        return t(_PERIODS[name][0], rows=entry["rows"])

    lags = report["lags"]
    shown = f"1..{lags[-1]}" if lags == list(range(1, lags[-1] + 1)) else ", ".join(map(str, lags))
    lines = [
        t(
            "Forecast of {target!r}: {rows} rows in time order ({train}; {validation}; {test}).",
            target=report["target"],
            rows=report["rows"],
            train=period("train"),
            validation=period("validation"),
            test=period("test"),
        ),
        t("Scaling fitted on the training period only; no training window reaches into validation or test."),
    ]
    if report["lags_chosen_by"] == "given":
        lines.append(t("Lags: {lags} (given).", lags=shown))
    else:
        tried = ", ".join(f"{k}: {v:.4g}" for k, v in report["lag_search_validation_rmse"].items())
        lines.append(
            t("Lags: {lags}, chosen by the validation RMSE of each candidate ({tried}).", lags=shown, tried=tried)
        )
    r = report["restarts"]
    if r["n"] > 1:
        losses = ", ".join(f"{v:.4g}" for v in r["validation_losses"])
        lines.append(
            t(
                "Restarts: best of {n} initialisations on validation (#{best}; losses {losses}).",
                n=r["n"],
                best=r["best"] + 1,
                losses=losses,
            )
        )
    for label, table in report["test"].items():
        if label == "one_step":
            lines.append(t("Test period, one step ahead:"))
        else:
            lines.append(
                t("Test period, {horizon} steps ahead ({mode!t}):", horizon=report["horizon"], mode=report["mode"])
            )
        lines += _table(table, t)
    lines += [t("Note: {note!t}.", note=note) for note in report["notes"]]
    lines.append(t.written(report["verdict"]))
    return "\n".join(lines)


def save_plots(run: ForecastRun, directory) -> list[Path]:
    """``forecast.png`` (series, periods shaded, forecasts; baselines dashed),
    ``error_histogram.png`` (one-step errors per period) and ``performance.png``
    (loss per epoch)."""
    from bpnn import plots
    from bpnn.plots.forecast import plot_forecast

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    f, y, split = run.forecasts, run.series.y, run.split
    shown = {"network (validation, one step)": (f["validation"]["t"], f["validation"]["network"])}
    for name, values in f["one_step"].items():
        if name not in ("t", "actual"):
            shown[f"{name} (test, one step)"] = (f["one_step"]["t"], values)
    x = None
    if run.series.times is not None and run.series.time["kind"] == "datetime":
        x = np.array(run.series.times, dtype="datetime64[ns]")
    elif run.series.times is not None:
        x = np.array(run.series.times, dtype=float)
    periods = {name: split.period(name) for name in ("validation", "test")}
    written = [plot_forecast(y, shown, out / "forecast.png", periods=periods, x=x, title=run.series.target)]
    test_errors = f["one_step"]["actual"] - f["one_step"]["network"]
    val_errors = y[f["validation"]["t"]] - f["validation"]["network"]
    written.append(
        plots.plot_error_histogram(
            {"validation": val_errors, "test": test_errors}, out / "error_histogram.png", title="One-step errors"
        )
    )
    curves = {k: run.history[k] for k in ("loss", "val_loss") if k in run.history}
    written.append(plots.plot_performance(curves, out / "performance.png", ylabel="loss (scaled series, mse)"))
    return written
