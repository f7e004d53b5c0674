"""``bpnn train``, ``bpnn predict``, ``bpnn info`` and ``bpnn export``: networks for CSV tables.

:func:`add_table_commands` registers the four commands on the main parser's
subparsers. Each command prints one line ``bpnn: error: ...`` to stderr and returns
2 for anything a user can get wrong (bad options, bad CSV files, bad model files),
never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

import numpy as np

from bpnn.cli.argtypes import non_negative_int, positive_float, positive_int, refuse_overwriting_inputs
from bpnn.io.container import atomic_write
from bpnn.io.csvdata import DataError, read_csv, write_csv

__all__ = ["add_table_commands"]

#: What a command may raise that is the user's to fix, printed as one line.
_USER_ERRORS = (ValueError, TypeError, OSError, FloatingPointError)


def _fail(message: str) -> int:
    print(f"bpnn: error: {message}", file=sys.stderr)
    return 2


def _guarded(command):
    """Run ``command(args)``, turning user errors into one line and status 2."""

    def run(args) -> int:
        try:
            return command(args)
        except KeyboardInterrupt as exc:
            return _fail(str(exc) or "interrupted (Ctrl-C)")
        except BrokenPipeError:
            # The reader (e.g. `| head`) went away: stop quietly, as Python's docs advise,
            # pointing stdout at devnull so the final flush does not fail again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 1
        except MemoryError:
            # the up-front estimates refuse what cannot fit; this is for what slips past them
            return _fail("out of memory; try fewer rows (--chunksize), fewer columns or a smaller --hidden")
        except _USER_ERRORS as exc:
            text = " ".join(str(exc).split()) or type(exc).__name__
            return _fail(text)

    run.__name__ = command.__name__
    return run


def _one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Make argparse report bad options as one ``bpnn: error:`` line (status 2), like the commands."""

    def error(message: str):
        print(
            f"bpnn: error: {parser.prog.split()[-1]}: {message} (see 'bpnn {parser.prog.split()[-1]} --help')",
            file=sys.stderr,
        )
        sys.exit(2)

    parser.error = error  # type: ignore[method-assign]
    return parser


_positive_int, _non_negative_int, _positive_float = positive_int, non_negative_int, positive_float


def _separator(text: str) -> str:
    return "\t" if text in ("\\t", "tab") else text


def add_table_commands(subparsers) -> None:
    """Register ``train``, ``predict``, ``info`` and ``export`` on ``subparsers``
    (from ``parser.add_subparsers()``); each sets ``args.run``, which returns the exit status."""
    train = subparsers.add_parser(
        "train",
        help="train a network on a CSV table and save it",
        description="Train a network on a CSV file with a header line: scale, split train/validation/test, "
        "train with early stopping, report, save the model (and plots).",
    )
    train.add_argument("data", help="CSV file with a header line; numbers only")
    train.add_argument(
        "--target",
        action="append",
        required=True,
        metavar="COL",
        help="target column (repeat for several regression targets)",
    )
    train.add_argument(
        "--task",
        choices=["auto", "classification", "regression"],
        default="auto",
        help="auto: classification when the one target holds 2..20 distinct integers with "
        ">= 20 rows each (2 always count), else regression (default: auto)",
    )
    train.add_argument("--hidden", default="10", help="hidden layer sizes, e.g. 10 or 10,5 (default: 10)")
    train.add_argument("--activation", default="tanh", help="hidden activation (default: tanh, MATLAB's tansig)")
    train.add_argument(
        "--solver",
        default=None,
        help="lm, br, adam, sgd, lbfgs, rprop, ... (default: lm for regression, adam for "
        "classification and with --chunksize)",
    )
    train.add_argument(
        "--scale",
        choices=["minmax", "standard", "none"],
        default="minmax",
        help="input (and regression target) scaling; minmax maps to [-1, 1] like MATLAB's mapminmax (default: minmax)",
    )
    train.add_argument(
        "--split", default="0.7,0.15,0.15", help="train,validation,test fractions (default: 0.7,0.15,0.15)"
    )
    train.add_argument(
        "--seed", type=_non_negative_int, default=0, help="seed of the split, weights and shuffling (default: 0)"
    )
    train.add_argument("--epochs", type=_positive_int, default=1000, help="maximum epochs (default: 1000)")
    train.add_argument(
        "--patience",
        type=_positive_int,
        default=6,
        help="stop after this many epochs without a better validation loss (MATLAB's max_fail; default: 6)",
    )
    train.add_argument(
        "--batch-size",
        type=_positive_int,
        default=None,
        help="mini-batch size (default: whole training set for lm/br/lbfgs/rprop, else 32)",
    )
    train.add_argument(
        "--learning-rate",
        type=_positive_float,
        default=None,
        help="step size of first-order solvers (default: the solver's)",
    )
    train.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="COL",
        help="column that is neither feature nor target, e.g. an id (repeatable)",
    )
    train.add_argument("--dropna", action="store_true", help="drop rows with missing cells instead of failing")
    train.add_argument("--sep", type=_separator, default=",", help="field separator (default: ','; '\\t' for tab)")
    train.add_argument(
        "--chunksize",
        type=_positive_int,
        default=None,
        help="read the file this many rows at a time and train without loading it whole",
    )
    train.add_argument("--out", "-o", default="model.bpnn", help="model file to write (default: model.bpnn)")
    train.add_argument("--plots", metavar="DIR", default=None, help="also save the plots as PNG files in DIR")
    train.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    train.set_defaults(run=_guarded(_train))

    predict = subparsers.add_parser(
        "predict",
        help="apply a saved model to a CSV table",
        description="Apply a model saved by 'bpnn train' to a CSV file with the same feature columns "
        "(in any order; target columns may be present and are ignored).",
    )
    predict.add_argument("model", help="model file from 'bpnn train'")
    predict.add_argument("data", help="CSV file with a header line")
    predict.add_argument("-o", "--out", default=None, help="write predictions to this CSV file (default: stdout)")
    predict.add_argument("--proba", action="store_true", help="add one probability column per class")
    predict.add_argument("--sep", type=_separator, default=",", help="field separator of the input (default: ',')")
    predict.set_defaults(run=_guarded(_predict))

    info = subparsers.add_parser(
        "info",
        help="describe a saved model",
        description="Print a model's architecture, settings, metrics and features.",
    )
    info.add_argument("model")
    info.set_defaults(run=_guarded(_info))

    export = subparsers.add_parser(
        "export",
        help="write a model as a standalone Python file (NumPy only)",
        description="Write a saved model as a standalone, readable Python file that needs only NumPy "
        "(the counterpart of MATLAB's genFunction).",
    )
    export.add_argument("model")
    export.add_argument("--format", choices=["python"], default="python", help="output format (default: python)")
    export.add_argument("-o", "--out", default="predict_model.py", help="file to write (default: predict_model.py)")
    export.set_defaults(run=_guarded(_export))

    for parser in (train, predict, info, export):
        _one_line_errors(parser)


# --------------------------------------------------------------------------- #
# train


def _train(args) -> int:
    from bpnn.tables import workflow as tables

    options = dict(
        task=args.task,
        hidden=tables.parse_hidden(args.hidden),
        solver=args.solver,
        activation=args.activation,
        scale=args.scale,
        split=tables.parse_split(args.split),
        seed=args.seed,
        epochs=args.epochs,
        patience=args.patience,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        ignore=args.ignore,
    )
    refuse_overwriting_inputs(args.out, "--out", {"the data file": args.data})
    _check_writable(args.out)
    if args.chunksize:
        from bpnn.tables.chunked import train_csv_chunks

        run = train_csv_chunks(args.data, args.target, args.chunksize, sep=args.sep, dropna=args.dropna, **options)
        n_dropped = None
    else:
        table = read_csv(args.data, sep=args.sep, dropna=args.dropna)
        run = tables.train_table(table, args.target, **options)
        n_dropped = table.n_dropped
    run.model.save(args.out)
    written = tables.save_plots(run, args.plots) if args.plots else []
    if not args.quiet:
        print(_report(run, args, n_dropped))
        print(f"saved {args.out}")
        for path in written:
            print(f"plot  {path}")
    return 0


def _check_writable(path: str) -> None:
    """Fail before training, not after, when the model cannot be written there."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ValueError(f"--out {path} is a directory; give a file name such as {os.path.join(path, 'model.bpnn')}")
    if not os.path.isdir(folder):
        raise ValueError(f"--out {path}: the folder {folder} does not exist")


def _report(run, args, n_dropped) -> str:
    from bpnn.tables.workflow import SPLITS

    model = run.model
    s = model.settings
    net = model.network
    sizes = [net.n_inputs] + [layer.n_out for layer in net._dense_layers()]
    lines = [f"{args.data}: {s['rows']} rows, {len(model.feature_names)} features -> {', '.join(model.target_names)}"]
    if n_dropped:
        lines.append(f"  dropped {n_dropped} rows with missing cells (--dropna)")
    lines.append(f"task     {model.task} ({run.reason})")
    lines.append("split    " + ", ".join(f"{k} {run.split_rows[k]}" for k in SPLITS) + f" (seed {s['seed']})")
    lines.append(
        f"network  {'-'.join(map(str, sizes))}, {s['activation']} hidden, solver {s['solver']}, "
        f"loss {net.loss_fn.name}, scaling {s['scale']}"
    )
    best = f"; kept epoch {run.best_epoch}" if run.best_epoch else ""
    lines.append(f"trained  {s['epochs_run']} epochs: {run.stop}{best}")
    for note in run.notes:
        lines.append(f"note     {note}")
    lines.append("")
    lines += _metrics_table(model)
    return "\n".join(lines)


def _fmt(value: Any, r2: bool = False) -> str:
    if value is None:
        return "n/a"
    # R2 near 1 is what good fits give: show its decimals rather than round it to 1.
    return f"{value:.6f}" if r2 else f"{value:.4g}"


def _metrics_table(model) -> list[str]:
    lines = []
    splits = list(model.metrics)
    if model.task == "regression":
        for target in model.target_names:
            lines.append(f"{target:<12}{'rows':>6}{'R2':>11}{'RMSE':>12}{'MAE':>12}")
            for split in splits:
                m = model.metrics[split]
                # a score left out of the file (it is validated on load) shows as n/a
                r2, rmse, mae = (m.get(key, {}).get(target) for key in ("r2", "rmse", "mae"))
                lines.append(f"  {split:<10}{m['rows']:>6}{_fmt(r2, r2=True):>11}{_fmt(rmse):>12}{_fmt(mae):>12}")
        return lines
    from bpnn.tables.workflow import _label_text

    labels = [_label_text(c) for c in model.classes]
    width = max(9, *(len(label) + 2 for label in labels))
    for split in splits:
        m = model.metrics[split]
        accuracy = m.get("accuracy")
        lines.append(f"{split}: {m['rows']} rows, accuracy {'n/a' if accuracy is None else format(accuracy, '.4f')}")
        lines.append(f"  {'class':<{width}}{'precision':>10}{'recall':>8}   confusion (rows true, columns predicted)")
        for i, label in enumerate(labels):
            counts = " ".join(f"{c:>5}" for c in m["confusion_matrix"][i]) if "confusion_matrix" in m else "n/a"
            precision, recall = (_fmt(m.get(key, {}).get(label)) for key in ("precision", "recall"))
            lines.append(f"  {label:<{width}}{precision:>10}{recall:>8}   {counts}")
    return lines


# --------------------------------------------------------------------------- #
# predict, info, export


def _load_model(path: str):
    from bpnn import load
    from bpnn.io.model import Model

    obj = load(path)
    if not isinstance(obj, Model):
        what = "a bare network" if type(obj).__name__ in ("Network", "NeuralNetwork") else f"a {type(obj).__name__}"
        raise ValueError(
            f"{path} holds {what}, not a model from 'bpnn train'; it has no feature names or "
            "scaling to apply to a table"
        )
    return obj


def _predict(args) -> int:
    refuse_overwriting_inputs(args.out, "--out", {"the model file": args.model, "the data file": args.data})
    model = _load_model(args.model)
    if args.proba and model.task != "classification":
        raise ValueError("--proba is for classification models; this model does regression")
    table = read_csv(args.data, sep=args.sep)
    allowed = set(model.target_names) | set(model.settings.get("ignore", []))
    missing = [c for c in model.feature_names if c not in table.columns]
    extra = [c for c in table.columns if c not in model.feature_names and c not in allowed]
    if missing or extra:
        parts = []
        if missing:
            parts.append(
                f"lacks the model's feature column{'s' if len(missing) > 1 else ''} {', '.join(map(repr, missing))}"
            )
        if extra:
            parts.append(
                f"has column{'s' if len(extra) > 1 else ''} {', '.join(map(repr, extra))} "
                "that the model was not trained on"
            )
        raise DataError(
            f"{args.data} {' and '.join(parts)} (the model expects {', '.join(map(repr, model.feature_names))})"
        )
    X = table.select(model.feature_names)
    if model.task == "regression":
        columns, values = list(model.target_names), model.predict(X)
    else:
        proba = model.predict_proba(X)
        labels = model.classes[np.argmax(proba, axis=1)]
        integral = bool(np.all(model.classes == np.round(model.classes)))
        columns = [model.target_names[0]]
        values = labels.astype(np.int64).astype(object)[:, None] if integral else labels[:, None]
        if args.proba:
            from bpnn.tables.workflow import _label_text

            columns += [f"proba_{_label_text(c)}" for c in model.classes]
            values = np.column_stack([values.astype(object), proba.astype(object)])
        values = np.asarray(values, dtype=object)
    if args.out:
        write_csv(args.out, columns, _as_text(values))
        print(f"wrote {args.out}: {len(values)} rows, column{'s' if len(columns) > 1 else ''} {', '.join(columns)}")
    else:
        _write_stdout(columns, _as_text(values))
    return 0


def _as_text(values: np.ndarray) -> np.ndarray:
    """Cells as text: floats by repr (they read back exactly), integers as integers."""
    values = np.asarray(values, dtype=object)
    out = np.empty(values.shape, dtype=object)
    for index, value in np.ndenumerate(values):
        out[index] = str(value) if isinstance(value, (int, np.integer)) else repr(float(value))
    return out.astype(str)


def _write_stdout(columns, values) -> None:
    import csv

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(values.tolist())


def _info(args) -> int:
    from bpnn import load
    from bpnn.io.model import Model

    obj = load(args.model)
    if isinstance(obj, Model):
        print(obj.describe())
        if obj.metrics:
            print()
            print("\n".join(_metrics_table(obj)))
    elif hasattr(obj, "get_params"):  # a scikit-learn estimator
        fitted = hasattr(obj, "network_")
        print(f"bpnn scikit-learn estimator {type(obj).__name__} ({'fitted' if fitted else 'not fitted'})")
        print(f"parameters {obj!r}")
        if fitted:
            print(f"network   {obj.network_!r}")
            for key in ("n_features_in_", "classes_", "n_iter_", "best_loss_", "best_validation_score_"):
                if getattr(obj, key, None) is not None:
                    value = getattr(obj, key)
                    print(f"{key:<23}{value.tolist() if hasattr(value, 'tolist') else value}")
    else:
        print(f"bpnn network (no table settings)\n{obj!r}\n  epochs trained {obj.epochs_trained}")
    return 0


def _export(args) -> int:
    from bpnn import load
    from bpnn.io.export import export_python

    refuse_overwriting_inputs(args.out, "--out", {"the model file": args.model})
    obj = load(args.model)
    module = os.path.splitext(os.path.basename(args.out))[0]
    code = export_python(obj, source=os.path.basename(args.model), module=module)
    with atomic_write(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(code)
    print(f"wrote {args.out}")
    return 0
