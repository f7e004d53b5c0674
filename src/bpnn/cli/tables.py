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

from bpnn.cli.argtypes import (
    add_command,
    add_read_options,
    non_negative_int,
    positive_float,
    positive_int,
    read_options,
    refuse_overwriting_inputs,
)
from bpnn.cli.lang import add_lang_option, current, fail, say, say_lines, usage_line
from bpnn.explain.i18n import pad
from bpnn.io.container import atomic_write, writes_in_place
from bpnn.io.csvdata import DataError, Table, write_csv
from bpnn.io.frames import read_frame

__all__ = ["add_table_commands"]

#: What a command may raise that is the user's to fix, printed as one line.
_USER_ERRORS = (ValueError, TypeError, OSError, FloatingPointError)


def _guarded(command):
    """Run ``command(args)``, turning user errors into one line and status 2."""

    def run(args) -> int:
        try:
            return command(args)
        except KeyboardInterrupt as exc:
            return fail(str(exc) or "interrupted (Ctrl-C)")
        except BrokenPipeError:
            # The reader (e.g. `| head`) went away: stop quietly, as Python's docs advise,
            # pointing stdout at devnull so the final flush does not fail again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 1
        except MemoryError:
            # the up-front estimates refuse what cannot fit; this is for what slips past them
            return fail("out of memory; try fewer rows (--chunksize), fewer columns or a smaller --hidden")
        except _USER_ERRORS as exc:
            return fail(str(exc) or type(exc).__name__)

    run.__name__ = command.__name__
    return run


def _one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Make argparse report bad options as one ``bpnn: error:`` line (status 2), like the commands."""

    def error(message: str):
        print(usage_line(message, parser.prog, command=parser.prog.split()[-1]), file=sys.stderr)
        sys.exit(2)

    parser.error = error  # type: ignore[method-assign]
    return parser


_positive_int, _non_negative_int, _positive_float = positive_int, non_negative_int, positive_float


def _separator(text: str) -> str:
    return "\t" if text in ("\\t", "tab") else text


def add_table_commands(subparsers) -> None:
    """Register ``train``, ``predict``, ``info`` and ``export`` on ``subparsers``
    (from ``parser.add_subparsers()``); each sets ``args.run``, which returns the exit status."""
    train = add_command(subparsers, "train")
    train.add_argument("data", help="table with a header line: .csv, .tsv, .xlsx or .parquet")
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
    train.add_argument(
        "--hidden",
        default=None,
        help="hidden layer sizes, e.g. 10 or 10,5 (default: 10; for classification the mean of the "
        "inputs and classes, from 10 to 50)",
    )
    train.add_argument("--activation", default="tanh", help="hidden activation (default: tanh, MATLAB's tansig)")
    train.add_argument(
        "--solver",
        default=None,
        help="br, lm, adam, sgd, lbfgs, rprop, ... (default: br for regression, adam for "
        "classification, with --chunksize and for networks of more than 2000 weights)",
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
    train.add_argument("--sep", type=_separator, default=None, help="field separator (default: ','; tab for .tsv)")
    add_read_options(train, "stored in the model, so predict reads the same way")
    _add_frame_options(train)
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

    predict = add_command(subparsers, "predict")
    predict.add_argument("model", help="model file from 'bpnn train'")
    predict.add_argument("data", help="table with a header line: .csv, .tsv, .xlsx or .parquet")
    predict.add_argument(
        "-o",
        "--out",
        default=None,
        help="write predictions to this CSV file; '-' or leaving it out: standard output (a FIFO or device is "
        "written in place, a symbolic link's target is replaced)",
    )
    predict.add_argument("--proba", action="store_true", help="add one probability column per class")
    predict.add_argument(
        "--sep",
        type=_separator,
        default=None,
        help="field separator of the input (default: as the model's training data; ','; tab for .tsv)",
    )
    add_read_options(predict, "default: as the model's training data")
    _add_predict_options(predict)
    predict.set_defaults(run=_guarded(_predict))

    info = add_command(subparsers, "info")
    info.add_argument("model")
    info.add_argument("--plot", metavar="FILE", default=None, help="also draw the network into FILE (.png or .svg)")
    info.set_defaults(run=_guarded(_info))

    export = add_command(subparsers, "export")
    export.add_argument("model")
    export.add_argument(
        "--format",
        choices=["python", "onnx"],
        default="python",
        help="python: a NumPy-only .py file; onnx: an ONNX graph for onnxruntime and others (default: python)",
    )
    export.add_argument(
        "-o",
        "--out",
        default="predict_model.py",
        help="file to write (default: predict_model.py; with --format onnx, the model file's name ending in .onnx)",
    )
    export.set_defaults(run=_guarded(_export))

    for parser in (train, predict, info, export):
        add_lang_option(parser)
        _one_line_errors(parser)


# --------------------------------------------------------------------------- #
# train


def _train(args) -> int:
    from bpnn.tables import workflow as tables

    options = dict(
        task=args.task,
        hidden=None if args.hidden is None else tables.parse_hidden(args.hidden),
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
    given = read_options(args)
    if args.chunksize:
        from bpnn.io.csvdata import ReadOptions
        from bpnn.tables.chunked import train_csv_chunks

        _check_chunked(args)
        sep = ("\t" if args.data.lower().endswith(".tsv") else ",") if args.sep is None else args.sep
        written = ReadOptions(**{**given, "sep": sep})
        run = train_csv_chunks(
            args.data,
            args.target,
            args.chunksize,
            sep=sep,
            dropna=args.dropna,
            read=written,
            cache_dir=os.path.dirname(os.path.abspath(args.out)),
            **options,
        )
        n_dropped = None
    else:
        table = read_frame(args.data, sheet=args.sheet, **given)
        run = tables.train_table(table, args.target, **options, **_frame_options(args))
        n_dropped = run.model.settings.get("dropped_rows")
    if given:
        # how the file writes its numbers: bpnn predict reads its tables the same way by default
        run.model.settings["read"] = given
    run.model.save(args.out)
    written = tables.save_plots(run, args.plots) if args.plots else []
    if not args.quiet:
        print(_report(run, args, n_dropped))
        print(say("saved {path}", path=args.out))
        for path in written:
            print(say("plot  {path}", path=path))
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
    lines = [
        say(
            "{data}: {rows} rows, {n} features -> {targets}",
            data=args.data,
            rows=s["rows"],
            n=len(model.feature_names),
            targets=", ".join(model.target_names),
        )
    ]
    if n_dropped:
        lines.append(say("  dropped {n} rows with missing cells (--dropna)", n=n_dropped))
    if run.schema is not None:
        lines += _schema_lines(run.schema.lines())
    lines.append(say("task     {task!t} ({reason!t})", task=model.task, reason=run.reason))
    rows = {k: run.split_rows[k] for k in SPLITS}
    lines.append(
        say("split    train {train}, validation {validation}, test {test} (seed {seed})", **rows, seed=s["seed"])
    )
    lines.append(
        say(
            "network  {sizes}, {activation} hidden, solver {solver}, loss {loss}, scaling {scale}",
            sizes="-".join(map(str, sizes)),
            activation=s["activation"],
            solver=s["solver"],
            loss=net.loss_fn.name,
            scale=s["scale"],
        )
    )
    if run.best_epoch and "refitted" not in run.stop:
        lines.append(
            say(
                "trained  {n} epochs: {stop!t}; kept epoch {best}",
                n=s["epochs_run"],
                stop=run.stop,
                best=run.best_epoch,
            )
        )
    else:
        lines.append(say("trained  {n} epochs: {stop!t}", n=s["epochs_run"], stop=run.stop))
    for note in run.notes:
        if note.startswith("warning: "):
            lines.append(say("warning  {note!t}", note=note[len("warning: ") :]))
        else:
            lines.append(say("note     {note!t}", note=note))
    lines.append("")
    lines += _metrics_table(model)
    return "\n".join(lines)


def _schema_lines(lines: list[str]) -> list[str]:
    """The schema under the heading ``columns``, as in the report and ``bpnn info``; in Chinese,
    each line's role and reason translated, the column names as they are."""
    heading = pad(say("columns"), 9)
    return [(heading if i == 0 else " " * 9) + _schema_line(line) for i, line in enumerate(lines)]


def _schema_line(line: str) -> str:
    """``"number     a, b: numbers"`` in the run's language (its role is padded to 10 characters)."""
    t = current()
    if t.lang == "en":
        return line
    role, rest = line[:10].strip(), line[11:]
    dropped = rest.endswith(", dropped")
    rest = rest[: -len(", dropped")] if dropped else rest
    # the names may hold ": " too: the reason is the longest tail the catalogue knows
    cut = next((i for i in range(len(rest)) if rest.startswith(": ", i) and t.knows(rest[i + 2 :])), None)
    if cut is None:
        return pad(say(role), 10) + " " + t.written(rest)
    names = rest[:cut]
    names = t.written(names) if t.knows(names) else names  # "a, b, c and 44 more"
    message = "{names}: {reason!t}, dropped" if dropped else "{names}: {reason!t}"
    return pad(say(role), 10) + " " + say(message, names=names, reason=rest[cut + 2 :])


def _fmt(value: Any, r2: bool = False) -> str:
    if value is None:
        return say("n/a")
    # R2 near 1 is what good fits give: show its decimals rather than round it to 1.
    return f"{value:.6f}" if r2 else f"{value:.4g}"


def _metrics_table(model) -> list[str]:
    """The scores per split: words in the run's language, padded by the columns they take on a terminal."""
    lines = []
    splits = list(model.metrics)
    if model.task == "regression":
        for target in model.target_names:
            head = [pad(target, 12), pad(say("rows"), 6, ">"), f"{'R2':>11}{'RMSE':>12}{'MAE':>12}"]
            lines.append("".join(head))
            for split in splits:
                m = model.metrics[split]
                # a score left out of the file (it is validated on load) shows as n/a
                r2, rmse, mae = (m.get(key, {}).get(target) for key in ("r2", "rmse", "mae"))
                scores = f"{m['rows']:>6}{_fmt(r2, r2=True):>11}{_fmt(rmse):>12}{_fmt(mae):>12}"
                lines.append("  " + pad(say(split), 10) + scores)
        return lines
    from bpnn.tables.workflow import _label_text

    labels = [_label_text(c) for c in model.classes]
    width = max(9, *(len(label) + 2 for label in labels))
    for split in splits:
        m = model.metrics[split]
        accuracy = m.get("accuracy")
        shown = say("n/a") if accuracy is None else format(accuracy, ".4f")
        lines.append(say("{split!t}: {rows} rows, accuracy {accuracy}", split=split, rows=m["rows"], accuracy=shown))
        words = [pad(say("class"), width), pad(say("precision"), 10, ">"), pad(say("recall"), 8, ">")]
        lines.append("  " + "".join(words) + "   " + say("confusion (rows true, columns predicted)"))
        for i, label in enumerate(labels):
            counts = " ".join(f"{c:>5}" for c in m["confusion_matrix"][i]) if "confusion_matrix" in m else say("n/a")
            precision, recall = (_fmt(m.get(key, {}).get(label)) for key in ("precision", "recall"))
            lines.append(f"  {pad(label, width)}{pad(precision, 10, '>')}{pad(recall, 8, '>')}   {counts}")
    return lines


# --------------------------------------------------------------------------- #
# predict, info, export


def _load_model(path: str, forecast: bool = False):
    """The table model in ``path`` (or, with ``forecast``, a forecast model too); anything else is refused."""
    from bpnn import load
    from bpnn.forecast.model import ForecastModel
    from bpnn.io.model import Model

    obj = load(path)
    if forecast and isinstance(obj, ForecastModel):
        return obj
    if not isinstance(obj, Model):
        what = "a bare network" if type(obj).__name__ in ("Network", "NeuralNetwork") else f"a {type(obj).__name__}"
        raise ValueError(
            f"{path} holds {what}, not a model from 'bpnn train'; it has no feature names or "
            "scaling to apply to a table"
        )
    return obj


def _predict(args) -> int:
    out = None if args.out == "-" else args.out
    refuse_overwriting_inputs(out, "--out", {"the model file": args.model, "the data file": args.data})
    from bpnn.forecast.model import ForecastModel

    model = _load_model(args.model, forecast=True)
    if isinstance(model, ForecastModel):  # a model from `bpnn forecast` scores a new stretch of its series
        from bpnn.cli.forecast import score_stretch

        return score_stretch(model, args.data, out)
    if args.proba and model.task != "classification":
        raise ValueError("--proba is for classification models; this model does regression")
    table = _read_for_model(model, args)
    keep = _check_predict_columns(model, table, args)
    if model.task == "regression":
        columns, values = list(model.target_names), model.predict(table, unknown=args.unknown)
    else:
        from bpnn.tables.workflow import _label_text

        proba = model.predict_proba(table, unknown=args.unknown)
        labels = model.classes[np.argmax(proba, axis=1)]
        columns = [model.target_names[0]]
        values = np.empty((len(labels), 1), dtype=object)
        values[:, 0] = [_label_cell(label) for label in labels]
        if args.proba:
            columns += [f"proba_{_label_text(c)}" for c in model.classes]
            values = np.column_stack([values, proba.astype(object)])
    values = _as_text(values)
    if keep:
        # a kept target column (to compare with) keeps its name; the prediction is then "<name>_predicted"
        columns = keep + [f"{c}_predicted" if c in keep else c for c in columns]
        values = np.column_stack([_kept_cells(table, keep), values]) if len(values) else values
    if args.out and args.out != "-":
        in_place = writes_in_place(args.out)
        write_csv(args.out, columns, values)
        # a FIFO or /dev/stdout may be where the predictions go: the message goes to stderr then
        print(
            say(
                "wrote {path}: {rows} rows, column{s} {columns}",
                path=args.out,
                rows=len(values),
                s="s" if len(columns) > 1 else "",
                columns=", ".join(columns),
            ),
            file=sys.stderr if in_place else sys.stdout,
        )
    else:
        _write_stdout(columns, values)
    return 0


def _as_text(values: np.ndarray) -> np.ndarray:
    """Cells as text: floats by repr (they read back exactly), integers as integers, labels as they are."""
    values = np.asarray(values, dtype=object)
    out = np.empty(values.shape, dtype=object)
    for index, value in np.ndenumerate(values):
        if isinstance(value, (str, np.str_, bool, np.bool_)):
            out[index] = str(value)
        else:
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
    if args.plot:
        _check_plot_target(args.plot, args.model)
    if isinstance(obj, Model):
        # the settings are option names and their values: data, shown as they are after the heading
        described, _, settings = obj.describe().partition("\nsettings  ")
        print("\n".join(say_lines(described.splitlines())))
        if settings:
            first, *rest = settings.splitlines()
            print("\n".join([say("settings  {text}", text=first), *rest]))
        if obj.schema is not None:
            from bpnn.tables.schema import Schema

            print("\n".join(_schema_lines(Schema.from_config(obj.schema).lines())))
        if obj.metrics:
            print()
            print("\n".join(_metrics_table(obj)))
    elif hasattr(obj, "get_params"):  # a scikit-learn estimator
        fitted = hasattr(obj, "network_")
        state = "fitted" if fitted else "not fitted"
        print(say("bpnn scikit-learn estimator {name} ({state!t})", name=type(obj).__name__, state=state))
        print(say("parameters {parameters}", parameters=repr(obj)))
        if fitted:
            print(say("network   {network}", network=repr(obj.network_)))
            for key in ("n_features_in_", "classes_", "n_iter_", "best_loss_", "best_validation_score_"):
                if getattr(obj, key, None) is not None:
                    value = getattr(obj, key)
                    print(f"{key:<23}{value.tolist() if hasattr(value, 'tolist') else value}")
    else:
        print(say("bpnn network (no table settings)"))
        print(repr(obj))
        print(say("  epochs trained {epochs}", epochs=obj.epochs_trained))
    if args.plot:
        from bpnn.plots import network as plot_network

        print(say("plot  {path}", path=plot_network(obj, args.plot)))
    return 0


def _export(args) -> int:
    from bpnn import load
    from bpnn.io.export import export_python

    refuse_overwriting_inputs(args.out, "--out", {"the model file": args.model})
    obj = load(args.model)
    if args.format == "onnx":
        return _export_onnx(obj, args)
    module = os.path.splitext(os.path.basename(args.out))[0]
    code = export_python(obj, source=os.path.basename(args.model), module=module)
    with atomic_write(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(code)
    print(say("wrote {path}", path=args.out))
    return 0


# --------------------------------------------------------------------------- #
# Tables with text, missing cells and other formats; predict --keep; export --format onnx


def _add_frame_options(train: argparse.ArgumentParser) -> None:
    train.add_argument("--sheet", default=None, help="the sheet of an .xlsx file (default: the first)")
    train.add_argument(
        "--impute",
        choices=["median", "mean", "most_frequent"],
        default=None,
        help="fill missing feature cells with this statistic of the training rows (text: the most frequent); "
        "stored in the model",
    )
    train.add_argument(
        "--ordinal",
        action="append",
        default=[],
        metavar="COL[=A,B,..]",
        help="code a text column as 0, 1, ... (in the given order, else sorted) instead of one-hot (repeatable)",
    )
    train.add_argument(
        "--unknown",
        choices=["error", "ignore"],
        default="error",
        help="what a category unseen in training does at predict time: error, or ignore "
        "(all one-hot columns 0, ordinal -1) (default: error)",
    )
    _add_schema_options(train)


def _add_predict_options(predict: argparse.ArgumentParser) -> None:
    predict.add_argument("--sheet", default=None, help="the sheet of an .xlsx file (default: the first)")
    predict.add_argument(
        "--unknown",
        choices=["error", "ignore"],
        default=None,
        help="what a category unseen in training does (default: as the model was trained)",
    )
    predict.add_argument(
        "--keep",
        action="append",
        default=[],
        metavar="COL",
        help="copy this column (e.g. an id) into the predictions, before them (repeatable)",
    )
    predict.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="COL",
        help="a column the model does not use, left out without a note (repeatable; other such columns "
        "are left out with a note)",
    )


def _max_categories() -> int:
    from bpnn.tables.schema import MAX_CATEGORIES

    return MAX_CATEGORIES


def _add_schema_options(train: argparse.ArgumentParser) -> None:
    limit = _max_categories()

    train.add_argument(
        "--max-categories",
        type=_positive_int,
        default=limit,
        metavar="N",
        help="a text column with more distinct values keeps its N-1 most frequent categories and one "
        f"'infrequent' input for the rest (default: {limit})",
    )
    train.add_argument(
        "--min-frequency",
        type=_positive_int,
        default=1,
        metavar="N",
        help="a category seen in fewer than N training rows counts as 'infrequent' (default: 1)",
    )
    train.add_argument(
        "--role",
        action="append",
        default=[],
        metavar="COL=ROLE",
        help="override the role bpnn decides for a column: number, category, text, date, identifier "
        "or ignored (repeatable)",
    )
    train.add_argument(
        "--refit",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="after early stopping, train again for the chosen epochs on train + validation rows "
        "(default: for classification, not for regression)",
    )


def _frame_options(args) -> dict:
    from bpnn.io.encoding import parse_ordinal
    from bpnn.tables.schema import parse_roles

    return dict(
        impute=args.impute,
        ordinal=parse_ordinal(args.ordinal),
        unknown=args.unknown,
        dropna=args.dropna,
        roles=parse_roles(args.role),
        refit=args.refit,
        max_categories=args.max_categories,
        min_frequency=args.min_frequency,
    )


def _check_chunked(args) -> None:
    used = [
        flag
        for flag, value in (
            ("--impute", args.impute),
            ("--ordinal", args.ordinal),
            ("--sheet", args.sheet),
            ("--role", args.role),
            ("--min-frequency", args.min_frequency > 1),
            ("--refit", args.refit),
            ("--max-categories", args.max_categories != _max_categories()),
        )
        if value
    ]
    if used or args.unknown != "error":
        raise ValueError(
            f"--chunksize reads CSV files of numbers only; {', '.join(used) or '--unknown'} cannot be used with it"
        )


def _read_for_model(model, args):
    """The table to predict, read the way the model's training data was (unless the options
    say otherwise) and only in the columns the model and ``--keep`` use: the features are
    selected by name, so a column the model does not know cannot fail to read."""
    from bpnn.io.frames import FORMATS

    fmt = FORMATS.get(os.path.splitext(args.data)[1].lower(), ("csv",))[0]
    stored = model.settings.get("read") if fmt in ("csv", "tsv") else None
    keep = list(dict.fromkeys(args.keep))
    clash = sorted(set(args.ignore) & set(model.feature_names))
    if clash:
        raise ValueError(f"--ignore {', '.join(map(repr, clash))}: the model needs these feature columns")
    clash = sorted(set(args.ignore) & set(keep))
    if clash:
        raise ValueError(f"columns {clash} are both --keep and --ignore")
    table = read_frame(
        args.data, sheet=args.sheet, columns=[*model.feature_names, *keep], **read_options(args, stored or {})
    )
    if keep:
        Table(table.columns + table.skipped, np.empty((0, len(table.columns) + len(table.skipped)))).select(keep)
    known = set(model.target_names) | set(model.settings.get("ignore") or []) | set(args.ignore)
    known |= set(model.schema_columns) - set(model.feature_names)  # columns the schema dropped (identifiers, constants)
    extra = [c for c in table.skipped if c not in known]
    if extra:
        shown = ", ".join(map(repr, extra[:5])) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        print(
            say(
                "note: {data}: column{s} {names} not used by the model, left out "
                "(copy a column to the output with --keep)",
                data=args.data,
                s="s" if len(extra) > 1 else "",
                names=shown,
            ),
            file=sys.stderr,
        )
    return table


def _check_predict_columns(model, table, args) -> list[str]:
    """The --keep columns; a DataError when the table lacks a feature."""
    keep = list(dict.fromkeys(args.keep))
    missing = [c for c in model.feature_names if c not in table.columns]
    if missing:
        raise DataError(
            f"{args.data} lacks the model's feature column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(map(repr, missing))} (the model expects {', '.join(map(repr, model.feature_names))})"
        )
    if model.encoder is None:
        # A model from before encoders, or from numbers only: every feature cell must be a number.
        for name in model.feature_names:
            if table.kinds[name] != "number":
                i = next(i for i, v in enumerate(table.values[name]) if v is not None)
                raise DataError(
                    f"{table.source}, {table.where(i)}: column {name!r} holds {str(table.values[name][i])!r}, "
                    "which is not a number"
                )
            holes = table.missing(name)
            if holes.any():
                raise DataError(
                    table.missing_message(name, int(np.flatnonzero(holes)[0]))
                    + "; the model was trained without --impute, so it cannot fill it in"
                )
    return keep


def _kept_cells(table, keep: list[str]) -> np.ndarray:
    """The --keep columns as text, as they were in the file (numbers by repr, missing cells empty)."""
    out = np.empty((len(table), len(keep)), dtype=object)
    for j, name in enumerate(keep):
        values = table.values[name]
        if table.kinds[name] == "number":
            out[:, j] = [
                "" if np.isnan(v) else (str(int(v)) if float(v).is_integer() else repr(float(v))) for v in values
            ]
        else:
            out[:, j] = ["" if v is None else str(v) for v in values]
    return out.astype(str)


def _label_cell(label) -> object:
    """A predicted label for the output: integers as integers, floats as floats, text and booleans as they are."""
    if isinstance(label, (np.floating, float)) and float(label).is_integer():
        return int(label)
    if isinstance(label, np.generic):
        return label.item()
    return label


def _check_plot_target(path: str, model_path: str) -> None:
    if os.path.abspath(path) == os.path.abspath(model_path):
        raise ValueError(f"--plot {path} is the model file itself; give another file name")
    if os.path.splitext(path)[1].lower() not in (".png", ".svg"):
        raise ValueError(f"--plot must name a .png or .svg file; got {path!r}")


def _export_onnx(obj, args) -> int:
    from bpnn.io.onnx import save_onnx

    out = args.out if args.out != "predict_model.py" else os.path.splitext(args.model)[0] + ".onnx"
    if os.path.abspath(out) == os.path.abspath(args.model):
        raise ValueError(f"-o {out} is the model file itself; give another file name")
    save_onnx(obj, out)
    print(say("wrote {path}", path=out))
    return 0
