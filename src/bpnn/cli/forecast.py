"""``bpnn forecast``: train and report from a table, continue a saved series, or score a new stretch.

    bpnn forecast TABLE [--target COL] [--time COL] [--fill interpolate|previous] [--lags K]
                  [--horizon H] [--direct] [--exog COL ...] [--season S] [--seasonal-lag]
                  [--test-from TIME] [--restarts N] [--plots DIR] [--json] [-o model.bpnn]
    bpnn forecast model.bpnn --steps N [-o forecast.csv]
    bpnn forecast model.bpnn --score NEW_TABLE [-o scored.csv]

Errors are ``ValueError``s with one-line messages; the ``bpnn`` command prints them and exits 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

import numpy as np

from bpnn.cli.lang import add_lang_option, current, say
from bpnn.forecast.series import FILLS, read_series

__all__ = ["add_forecast_parser", "run"]

SUMMARY = "forecast a series: leak-free training, report against naive, seasonal-naive and AR(K)"
DESCRIPTION = (
    "Train a network on the lagged values of a series (a table's column; .csv, .tsv, .xlsx or .parquet) "
    "split by time into training, validation and test periods, with the scaling fitted on the training "
    "period only, and report its test errors one step and --horizon steps ahead beside the naive, "
    "seasonal-naive and AR(K) forecasts. With a model file: --steps N continues the series after its last "
    "observation, --score TABLE scores the model one step ahead on a new stretch."
)


def _whole(minimum: int):
    def parse(text: str) -> int:
        if not (text.strip().lstrip("-").isdigit() and int(text) >= minimum):
            raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}; got {text!r}")
        return int(text)

    return parse


def add_forecast_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``forecast`` to the ``bpnn`` command's subparsers."""
    p = subparsers.add_parser("forecast", help=SUMMARY, description=DESCRIPTION)
    p.add_argument("source", metavar="TABLE|MODEL", help="a table to train on, or a model file with --steps/--score")
    p.add_argument("--target", help="the column to forecast (optional when the table has one column)")
    p.add_argument("--time", metavar="COL", help="the time column: numbers or dates at a regular step")
    p.add_argument("--fill", choices=FILLS, help="fill gaps in the time column and empty cells (default: refuse)")
    p.add_argument("--lags", type=_whole(1), metavar="K", help="inputs y[t-1..t-K] (default: chosen on validation)")
    p.add_argument("--horizon", type=_whole(1), default=1, metavar="H", help="steps ahead reported (default: 1)")
    p.add_argument("--direct", action="store_true", help="H outputs at once instead of feeding forecasts back")
    p.add_argument("--exog", action="append", default=[], metavar="COL", help="another input column (repeatable)")
    p.add_argument("--season", type=_whole(2), metavar="S", help="season length: seasonal-naive baseline, MASE")
    p.add_argument("--seasonal-lag", action="store_true", help="also give the network the value one season ago")
    p.add_argument("--test-from", metavar="TIME", help="first time (or 0-based row) of the test period")
    p.add_argument("--restarts", type=_whole(1), default=1, metavar="N", help="best of N initialisations (default 1)")
    p.add_argument("--hidden", default="10", help="hidden layer widths, e.g. 10 or 10,5 (default: 10)")
    p.add_argument("--epochs", type=_whole(1), default=1000, help="maximum epochs of Rprop (default: 1000)")
    p.add_argument("--seed", type=_whole(0), default=0, help="seed of the initial weights (default: 0)")
    p.add_argument("--sheet", default=None, help="the sheet of an Excel file (default: the first)")
    p.add_argument("--plots", metavar="DIR", help="save forecast.png, error_histogram.png, performance.png in DIR")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--steps", type=_whole(1), metavar="N", help="with a model file: continue the series N steps")
    p.add_argument("--score", metavar="TABLE", help="with a model file: score one-step forecasts on a new stretch")
    p.add_argument("-o", "--out", help="model file to write (training), or CSV of the forecasts (--steps/--score)")
    add_lang_option(p)
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    from bpnn.cli.argtypes import refuse_overwriting_inputs

    inputs = {"the input file": args.source, "the table to score": args.score}
    refuse_overwriting_inputs(args.out, "--out", inputs)
    if args.steps is not None and args.score is not None:
        raise ValueError("give --steps or --score, not both")
    if args.steps is not None or args.score is not None:
        return _with_model(args)
    return _train(args)


def _hidden(text: str) -> tuple[int, ...]:
    parts = [p.strip() for p in text.split(",")]
    if not all(p.isdigit() and int(p) >= 1 for p in parts):
        raise ValueError(f"--hidden expects comma-separated widths >= 1 such as 10 or 10,5; got {text!r}")
    return tuple(int(p) for p in parts)


def _test_index(series, text: str | None) -> int | None:
    if text is None:
        return None
    if series.times is None:
        if not text.isdigit():
            raise ValueError(f"--test-from without --time takes a 0-based row number; got {text!r}")
        return int(text)
    if series.time["kind"] == "datetime":
        import pandas as pd

        try:
            when = np.datetime64(pd.Timestamp(text).to_datetime64(), "ns")
        except ValueError:
            raise ValueError(
                f"--test-from expects a date like those of --time {series.time['column']!r}; got {text!r}"
            ) from None
        stamps = np.array(series.times, dtype="datetime64[ns]")
    else:
        try:
            when = float(text)
        except ValueError:
            raise ValueError(
                f"--test-from expects a number like those of --time {series.time['column']!r}; got {text!r}"
            ) from None
        stamps = np.array(series.times, dtype=float)
    index = int(np.searchsorted(stamps, when))
    if not 0 < index < len(stamps):
        raise ValueError(f"--test-from {text} is not inside the series ({series.times[0]} to {series.times[-1]})")
    return index


def _train(args) -> int:
    from bpnn.forecast.report import format_report, save_plots
    from bpnn.forecast.workflow import fit_forecast

    hidden = _hidden(args.hidden)
    if args.seasonal_lag and args.season is None:
        raise ValueError("--seasonal-lag needs --season S")
    series = read_series(args.source, args.target, time=args.time, exog=args.exog, fill=args.fill, sheet=args.sheet)
    run = fit_forecast(
        series,
        lags=args.lags,
        horizon=args.horizon,
        direct=args.direct,
        season=args.season,
        seasonal_lag=args.seasonal_lag,
        test_from=_test_index(series, args.test_from),
        hidden=hidden,
        restarts=args.restarts,
        epochs=args.epochs,
        seed=args.seed,
    )
    report = dict(run.report)
    if args.out:
        run.model.save(args.out)
        report["model_file"] = args.out
    if args.plots:
        report["plots"] = [str(p) for p in save_plots(run, args.plots)]
    if args.json:
        print(json.dumps(report, indent=2, default=float))
    else:
        print(format_report(report, current().lang))
        if args.out:
            print(say("Model saved to {path}; continue the series with: bpnn forecast {path} --steps N", path=args.out))
    return 0


def _write_rows(header: list[str], rows: list[list], out: str | None) -> None:
    if out is None:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return
    from bpnn.io.container import atomic_write

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    with atomic_write(out, "w", encoding="utf-8", newline="") as f:
        f.write(buffer.getvalue())


def _with_model(args) -> int:
    from bpnn.forecast.model import ForecastModel

    model = ForecastModel.load(args.source)
    time_name = model.time["column"] or "step"
    if args.steps is not None:
        values = model.continue_series(args.steps)
        times = model.future_times(args.steps)
        _write_rows([time_name, "forecast"], [[t, repr(float(v))] for t, v in zip(times, values)], args.out)
        return 0
    return _score(model, args, time_name)


def _score(model, args, time_name: str) -> int:
    """One-step forecasts of a new stretch: the model's last window leads in when the stretch
    continues the series, otherwise its first rows serve as the window."""
    from bpnn.forecast.baselines import metrics, naive

    new = read_series(args.score, model.target, time=model.time["column"], exog=model.exog, fill=args.fill)
    # the series' times are kept as text ("2014-03-01", "1005"), as the model file names the next one
    follows = new.times is not None and str(model.future_times(1)[0]) == new.times[0]
    if follows and model.last_window is not None:
        hist = model.last_window.reshape(model.first, -1)
        y = np.concatenate([hist[:, 0], new.y])
        exog = np.concatenate([hist[:, 1:], new.exog]) if model.exog else None
        lead = model.first
    else:
        y, exog, lead = new.y, new.exog, 0
    origins = np.arange(max(model.first, lead), len(y))
    if len(origins) == 0:
        raise ValueError(f"{args.score} has {len(new)} rows; scoring needs more than the model's {model.first} lag(s)")
    predicted = model.forecast(y, origins, 1, exog)[:, 0]
    actual = y[origins]
    scale = float(np.mean(np.abs(np.diff(y)))) or 1.0
    net = metrics(actual, predicted, scale, percent=False)
    base = metrics(actual, naive(y, origins, 1)[:, 0], scale, percent=False)
    times = [new.times[i] for i in origins - lead] if new.times is not None else [int(i) for i in origins - lead]
    rows = [[t, repr(float(a)), repr(float(p))] for t, a, p in zip(times, actual, predicted)]
    if args.out:
        _write_rows([time_name, "actual", "forecast"], rows, args.out)
    summary = {"rows_scored": len(origins), "network": net, "naive": base}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(
            say(
                "Scored {n} one-step forecasts of {target!r}: RMSE {rmse:.4g}, MAE {mae:.4g} "
                "(naive: RMSE {naive_rmse:.4g}, MAE {naive_mae:.4g}).",
                n=len(origins),
                target=model.target,
                rmse=net["rmse"],
                mae=net["mae"],
                naive_rmse=base["rmse"],
                naive_mae=base["mae"],
            ),
            # `bpnn predict` writes the rows to standard output: the summary goes beside them
            file=sys.stderr if getattr(args, "rows_to_stdout", False) else sys.stdout,
        )
        if not args.out:
            _write_rows([time_name, "actual", "forecast"], rows, None)
    return 0


def score_stretch(model, table: str, out: str | None) -> int:
    """``bpnn predict FORECAST_MODEL TABLE``: the one-step forecasts of a new stretch, as
    ``bpnn forecast MODEL --score TABLE`` gives them (the CSV rows on standard output, or in ``out``)."""
    args = argparse.Namespace(score=table, out=out, json=False, fill=None, rows_to_stdout=True)
    return _score(model, args, model.time["column"] or "step")
