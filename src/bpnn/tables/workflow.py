"""Training a network on a table: the workflow behind ``bpnn train data.csv --target COL``.

The steps are MATLAB's ``fitnet``/``patternnet`` workflow, written out, and the data
passes each once, in order: read -> schema -> split -> encode -> scale -> train ->
report -> save.

1. decide every column's role once (:func:`bpnn.tables.schema.decide_schema`: target,
   number, category, text, date, or dropped as an identifier, constant or ignored),
   and choose the task (:func:`detect_task`): classification when the single target
   holds few distinct integers or labels, otherwise regression;
2. split the rows into train / validation / test (:func:`split_indices`), seeded, and
   stratified by class for classification (:func:`class_notes` warns about classes too
   small to reach every split);
3. encode the feature columns (:class:`~bpnn.io.encoding.TableEncoder`, fitted on the
   training rows as the schema says), then scale inputs (and regression targets) with
   statistics of the training rows only (:mod:`bpnn.io.scaling`, min-max to [-1, 1] by
   default, like ``mapminmax``);
4. train with early stopping on the validation loss (:class:`~bpnn.EarlyStopping`: stop
   after ``patience`` epochs without a new best, MATLAB's ``max_fail``, and keep the
   best epoch's weights), recording what MATLAB's plots show (:class:`TrainingRecord`);
5. score every split in the original units (:func:`split_metrics`) and draw the usual
   plots (:func:`save_plots`). The model keeps the schema, the encoder and the scalers,
   so that prediction and export replay them.

:func:`train_table` does it for a table in memory; :func:`bpnn.tables.chunked.train_csv_chunks`
does it for a CSV file read chunk by chunk, never holding the whole file.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bpnn.core.layers import Dense
from bpnn.core.network import Network
from bpnn.io.csvdata import Table
from bpnn.io.encoding import TableEncoder
from bpnn.io.frames import Frame
from bpnn.io.model import Model, _as_labels
from bpnn.io.model import _label_text as _model_label_text
from bpnn.io.scaling import get_scaler
from bpnn.tables.prepare import as_frame, frame_targets
from bpnn.tables.schema import MAX_CATEGORIES, Schema, decide_schema, shorten
from bpnn.training.callbacks import Callback, EarlyStopping
from bpnn.training.optimizers import OPTIMIZERS, get_optimizer

SPLITS = ("train", "validation", "test")
#: Solvers that need a sum-of-squares loss (their step uses the Jacobian of the errors).
SUM_OF_SQUARES_SOLVERS = ("lm", "br")
#: The default regression solver, ``br`` (like ``lm``), solves a weights x weights system every
#: step: fine for the few hundred weights MATLAB recommends ``trainlm`` for, slow (its cube)
#: and large (its square) beyond. Above this many weights (a 2000-column table with 10 hidden
#: units has 20,011) the default is ``adam``.
LM_MAX_WEIGHTS = 2000
#: The auto rule's limits: at most this many classes, and at least this many rows per class.
AUTO_MAX_CLASSES = 20
AUTO_ROWS_PER_CLASS = 20
#: What ``--task classification`` accepts: at most this many classes, with at least this many
#: rows per class on average (fewer cannot be split into train / validation / test and learnt).
MAX_CLASSES = 1000
MIN_ROWS_PER_CLASS = 5
#: The default hidden layer: 10 neurons (``fitnet``'s and ``patternnet``'s), and for
#: classification the mean of the numbers of inputs and classes when that is more, at most
#: :data:`MAX_DEFAULT_HIDDEN` (see :func:`default_hidden`).
DEFAULT_HIDDEN = 10
MAX_DEFAULT_HIDDEN = 50


# --------------------------------------------------------------------------- #
# Settings


def default_hidden(n_inputs: int, n_outputs: int, task: str) -> tuple[int, ...]:
    """The hidden layer sizes when ``--hidden`` is not given: one layer of
    :data:`DEFAULT_HIDDEN` neurons; for classification, the mean of the inputs and the
    classes (the old rule of thumb of a hidden layer between the input and output sizes),
    at least :data:`DEFAULT_HIDDEN` and at most :data:`MAX_DEFAULT_HIDDEN`.

    Chosen by measurement (``python -m benchmarks.tables_defaults``): on digits (61 inputs once
    its constant pixels are dropped, 10 classes: 36 neurons) accuracy 0.965 with 10 neurons and
    0.974 with 36 over seeds 0-2 (scikit-learn's pipeline, 100 neurons: 0.977), 0.970 and 0.978
    over seeds 0-4, where every size from 25 to 50 scored 0.977 to 0.986; breast cancer (16
    neurons) 0.969 either way; iris, wine and the example tables keep 10. Regression keeps 10
    (on the regression tables measured the rule would give 10 too): its default solver ``br``
    solves a weights x weights system every step, whose cost grows with the cube of the weights.

    Examples
    --------
    >>> default_hidden(64, 10, "classification"), default_hidden(4, 3, "classification")
    ((37,), (10,))
    """
    if task != "classification":
        return (DEFAULT_HIDDEN,)
    mean = (n_inputs + n_outputs + 1) // 2  # rounded up
    return (min(MAX_DEFAULT_HIDDEN, max(DEFAULT_HIDDEN, mean)),)


def parse_hidden(text: str) -> tuple[int, ...]:
    """``"10"`` -> (10,), ``"10,5"`` -> (10, 5): the sizes of the hidden layers."""
    try:
        sizes = tuple(int(part) for part in str(text).split(","))
    except ValueError:
        raise ValueError(
            f"--hidden must be layer sizes separated by commas, such as 10 or 10,5; got {text!r}"
        ) from None
    if not sizes or min(sizes) < 1:
        raise ValueError(f"--hidden sizes must be positive integers; got {text!r}")
    return sizes


def parse_split(text: str) -> tuple[float, float, float]:
    """``"0.7,0.15,0.15"`` (or percentages ``"70,15,15"``) -> train, validation, test fractions."""
    try:
        parts = [float(part) for part in str(text).split(",")]
    except ValueError:
        parts = []
    if len(parts) != 3 or not all(math.isfinite(p) and p >= 0 for p in parts):
        raise ValueError(
            f"--split must be three non-negative numbers train,validation,test such as 0.7,0.15,0.15; got {text!r}"
        )
    total = sum(parts)
    if abs(total - 100) < 1e-6:
        parts = [p / 100 for p in parts]
    elif abs(total - 1) > 1e-6:
        raise ValueError(f"--split fractions must add up to 1 (or 100); got {text!r}, which adds up to {total:g}")
    if parts[0] <= 0:
        raise ValueError(f"--split must give the training set a positive share; got {text!r}")
    return parts[0], parts[1], parts[2]


def check_solver(solver: str | None, task: str, mini_batch: bool = False, n_weights: int = 0) -> str:
    """The solver name to use: ``solver`` if this bpnn has it, else a clear error.

    ``None`` picks the default: ``br`` for regression (MATLAB's ``trainbr``: Levenberg-
    Marquardt steps on the error plus a weight penalty whose size is re-estimated every
    epoch), ``adam`` for classification, whenever training goes chunk by chunk
    (``mini_batch``) and for networks of more than :data:`LM_MAX_WEIGHTS` weights
    (``n_weights``); ``sgd`` where those are missing.

    ``br`` replaced ``lm`` (``trainlm``, ``fitnet``'s default) as the regression default by
    measurement (``python -m benchmarks.tables_defaults``): on the penguins' body mass
    R² 0.88 against 0.82 with ``lm`` (scikit-learn's pipeline: 0.88), on scikit-learn's
    diabetes 0.54 against 0.43, and the same on the example tables.
    """
    if solver is None:
        second_order = task == "regression" and not mini_batch and n_weights <= LM_MAX_WEIGHTS
        preferred = ("br", "lm", "adam", "sgd") if second_order else ("adam", "sgd")
        return next(name for name in preferred if name in OPTIMIZERS)
    key = str(solver).lower()
    if key not in OPTIMIZERS:
        raise ValueError(
            f"--solver {solver!r} is not available in this bpnn; choose one of {', '.join(sorted(OPTIMIZERS))}"
        )
    return key


def detect_task(Y: np.ndarray, requested: str = "auto") -> tuple[str, str]:
    """Decide between regression and classification; return ``(task, reason)``.

    The automatic rule: **classification** when there is exactly one target column,
    every value in it is a whole number, it takes between 2 and 20 distinct values,
    and there are at least 20 rows per distinct value on average (2 distinct values
    always count); otherwise **regression**. ``--task`` overrides it.

    Parameters
    ----------
    Y : ndarray of shape (n_samples, n_targets)
    requested : {"auto", "classification", "regression"}
    """
    column = Y[:, 0]
    if column.dtype.kind not in "iuf":  # text or true/false labels
        from bpnn.tables.prepare import decide_label_task

        return decide_label_task(requested, Y.shape[1], np.unique(column).tolist())
    return decide_task(
        requested, Y.shape[0], Y.shape[1], np.unique(column).tolist(), bool(np.all(column == np.round(column)))
    )


def decide_task(requested: str, n_rows: int, n_targets: int, distinct: list, integer: bool) -> tuple[str, str]:
    """:func:`detect_task` from a summary of the first target column, which a streaming
    pass can keep: its distinct values (all of them, or the first 21 or more) and
    whether they are all whole numbers."""
    if requested not in ("auto", "classification", "regression"):
        raise ValueError(f"--task must be auto, classification or regression; got {requested!r}")
    if requested == "regression":
        return "regression", "as asked (--task regression)"
    k = len(distinct)
    if requested == "classification":
        if n_targets != 1:
            raise ValueError(
                f"classification takes one target column; got {n_targets}. "
                "Train one model per target, or use --task regression"
            )
        if k < 2:
            raise ValueError(
                f"classification needs at least 2 classes; the target holds only one value ({_label_text(distinct[0])})"
            )
        if k > MAX_CLASSES or k * MIN_ROWS_PER_CLASS > n_rows:
            many = f"more than {MAX_CLASSES:,}" if k > MAX_CLASSES else f"{k:,}"
            raise ValueError(
                f"--task classification: the target holds {many} distinct values in {n_rows:,} rows, more "
                f"classes than the data can support (at most {MAX_CLASSES:,}, with {MIN_ROWS_PER_CLASS} rows "
                "each on average); if the target is a quantity, use --task regression"
            )
        return "classification", "as asked (--task classification)"
    if n_targets != 1:
        return "regression", f"{n_targets} target columns"
    if not integer:
        return "regression", "the target holds non-integer values"
    if k < 2 or k > AUTO_MAX_CLASSES or (k > 2 and k * AUTO_ROWS_PER_CLASS > n_rows):
        many = f"more than {AUTO_MAX_CLASSES}" if k > AUTO_MAX_CLASSES else str(k)
        return "regression", (
            f"the target holds {many} distinct integers in {n_rows} rows; classification "
            f"needs 2, or at most {AUTO_MAX_CLASSES} with {AUTO_ROWS_PER_CLASS} rows each "
            "(use --task to choose)"
        )
    return "classification", f"the target holds {k} distinct integers in {n_rows} rows"


def split_indices(n: int, fractions, seed=None, labels=None) -> dict[str, np.ndarray]:
    """Seeded random train / validation / test row indices.

    Parameters
    ----------
    n : int
        Number of rows.
    fractions : (float, float, float)
        Train, validation and test shares, adding up to 1. Each split whose share is
        positive gets at least one row.
    seed : int or None
    labels : array of shape (n,), optional
        Class labels: the split is then stratified, each class divided in the same
        proportions (``round(n_c * share)`` rows of class ``c`` to validation and test).

    Returns
    -------
    dict of str to ndarray
        ``{"train": ..., "validation": ..., "test": ...}``, disjoint, covering ``range(n)``.

    Raises
    ------
    ValueError
        When there are too few rows to give every split with a positive share a row
        and keep at least one training row.
    """
    f_train, f_val, f_test = fractions
    rng = np.random.default_rng(seed)
    groups = [np.arange(n)] if labels is None else [np.flatnonzero(labels == c) for c in np.unique(labels)]
    parts: dict[str, list] = {name: [] for name in SPLITS}
    for group in groups:
        group = rng.permutation(group)
        n_val, n_test = round(len(group) * f_val), round(len(group) * f_test)
        n_val = min(n_val, len(group))
        n_test = min(n_test, len(group) - n_val)
        parts["validation"].append(group[:n_val])
        parts["test"].append(group[n_val : n_val + n_test])
        parts["train"].append(group[n_val + n_test :])
    out = {name: np.concatenate(chunks) if chunks else np.empty(0, dtype=np.intp) for name, chunks in parts.items()}
    # Small sets can round a positive share to nothing: move one row there from train.
    for name, share in (("validation", f_val), ("test", f_test)):
        if share > 0 and len(out[name]) == 0 and len(out["train"]) > 1:
            out[name], out["train"] = out["train"][-1:], out["train"][:-1]
    needed = [name for name, share in zip(SPLITS, fractions) if share > 0 and len(out[name]) == 0]
    if needed or len(out["train"]) == 0:
        shares = ",".join(f"{f:g}" for f in fractions)
        raise ValueError(
            f"too few rows to split: {n} row{'s' if n != 1 else ''} cannot fill non-empty "
            f"{'/'.join(name for name, share in zip(SPLITS, fractions) if share > 0)} sets with --split {shares}; "
            "add rows or use --split 1,0,0"
        )
    return out


# --------------------------------------------------------------------------- #
# Training


class TrainingRecord(Callback):
    """The per-epoch quantities of MATLAB's plots that the training history lacks.

    After every epoch it appends to :attr:`curves` the loss on the test rows
    (``test_loss``), the norm of the loss gradient on the training rows
    (``gradient``) and the number of validation checks failed since the last new
    lowest validation loss (``val_fail``, read from the :class:`~bpnn.EarlyStopping`
    callback, which must come before this one). The loss, validation loss and a
    solver's own values (``mu``, ``gamma``) are in the history already.

    Parameters
    ----------
    test_data : (X, y), optional
        Scaled test inputs and encoded targets.
    train_data : (X, y), optional
        Scaled training data, for the gradient norm.
    early_stopping : EarlyStopping, optional
    """

    def __init__(self, test_data=None, train_data=None, early_stopping=None):
        self.test_data, self.train_data, self.early_stopping = test_data, train_data, early_stopping
        self.curves: dict[str, list[float]] = {"test_loss": [], "gradient": [], "val_fail": []}

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        net = self.network
        test = logs.get("test_loss")
        if test is None and self.test_data is not None:
            test = net.loss(*self.test_data)
        gradient = logs.get("gradient")
        if gradient is None and self.train_data is not None:
            gradient = math.sqrt(
                sum(float(np.vdot(g, g)) for pair in net.backward(*self.train_data) for g in pair if g is not None)
            )
        fails = None if self.early_stopping is None else self.early_stopping.wait
        for key, value in (("test_loss", test), ("gradient", gradient), ("val_fail", fails)):
            self.curves[key].append(math.nan if value is None else float(value))


def _curves(history: dict, record: TrainingRecord) -> dict[str, list[float]]:
    """Every per-epoch curve that holds at least one number."""
    both = {**{k: list(v) for k, v in history.items()}, **record.curves}
    return {k: v for k, v in both.items() if v and not all(math.isnan(x) for x in v)}


def make_network(n_in: int, hidden, n_out: int, task: str, activation: str, solver: str, seed) -> Network:
    """The network for a table: ``hidden`` layers of ``activation``, then a linear output
    (regression) or a softmax over the classes (classification; with ``lm``/``br``,
    which need a sum-of-squares loss, the softmax is trained with MSE)."""
    sizes = [n_in, *hidden]
    layers = [Dense(a, b, activation=activation) for a, b in zip(sizes[:-1], sizes[1:])]
    if task == "regression":
        layers.append(Dense(sizes[-1], n_out))
        loss = "mse"
    else:
        layers.append(Dense(sizes[-1], n_out, activation="softmax"))
        loss = "mse" if solver in SUM_OF_SQUARES_SOLVERS else "categorical_crossentropy"
    return Network(layers, loss=loss, seed=seed)


@dataclass
class TrainingRun:
    """What :func:`train_table` and :func:`train_csv_chunks` return.

    Attributes
    ----------
    model : Model
        The trained model, with settings, metrics and curves filled in.
    reason : str
        Why the task was chosen.
    stop : str
        Why training stopped.
    best_epoch : int or None
        The epoch whose weights were kept (lowest validation loss).
    split_rows : dict of str to int
    predictions : dict of str to (y_true, y_pred, proba)
        Per split, in original units (labels for classification), for the plots; in
        chunked training only the first rows of each split.
    notes : list of str
        Things worth telling the user (dropped columns, classes the split lacks, ...);
        warnings start with ``"warning: "``.
    schema : Schema or None
        Every column's role.
    rows : dict of str to ndarray
        Per split, the 0-based data rows of the file it holds (with ``train_table``).
    """

    model: Model
    reason: str
    stop: str
    best_epoch: int | None
    split_rows: dict
    predictions: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    schema: Schema | None = None
    rows: dict = field(default_factory=dict)


def _settings(**kwargs) -> dict:
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in kwargs.items()}


def run_settings(source, rows: int, task: str, solver: str, optimizer, chosen: dict) -> dict:
    """What a model file records of how it was trained: the data, the task, the solver, its
    learning rate and the ``chosen`` settings of :func:`train_table` (tuples as lists)."""
    learning_rate = getattr(optimizer, "learning_rate", None)
    return _settings(source=source, rows=rows, task=task, solver=solver, learning_rate=learning_rate, **chosen)


#: The settings :func:`bpnn.tables.chunked.train_csv_chunks` shares with :func:`train_table`.
SHARED_SETTINGS = ("task", "hidden", "solver", "activation", "scale", "split", "seed", "epochs", "patience",
                   "batch_size", "learning_rate", "ignore")  # fmt: skip


def shared_settings(given: dict, where: str) -> dict:
    """``given`` (a subset of :data:`SHARED_SETTINGS`) completed with :func:`train_table`'s defaults;
    a TypeError naming ``where`` and the settings it takes for any other keyword."""
    unknown = sorted(set(given) - set(SHARED_SETTINGS))
    if unknown:
        raise TypeError(f"{where}() takes the settings {', '.join(SHARED_SETTINGS)}; got {', '.join(unknown)}.")
    defaults = inspect.signature(train_table).parameters
    return {name: given.get(name, defaults[name].default) for name in SHARED_SETTINGS}


def _encode(Y: np.ndarray, task: str, classes) -> np.ndarray:
    """Targets as the network sees them before scaling: one-hot rows for classification."""
    if task == "regression":
        return Y
    return (Y[:, :1] == classes[None, :]).astype(np.float64)


def check_scaled(Z: np.ndarray, X: np.ndarray, names, scale: str, scaler=None) -> None:
    """Raise ValueError naming the columns whose scaled values or scaling statistics are not
    finite: their range (max - min, or the variance) overflows, as for a column spanning
    -1.7e308 to 1.7e308."""
    stats = [] if scaler is None else [np.atleast_1d(v) for v in scaler.get_state().values() if np.ndim(v) == 1]
    bad = [j for j in range(Z.shape[1]) if not np.isfinite(Z[:, j]).all() or not all(np.isfinite(v[j]) for v in stats)]
    if not bad:
        return
    spans = ", ".join(f"{names[j]!r} ({X[:, j].min():.3g} to {X[:, j].max():.3g})" for j in bad[:5])
    raise ValueError(
        f"column{'s' if len(bad) > 1 else ''} {spans} cannot be scaled with --scale {scale}: the range overflows "
        "double precision; divide the column by a power of ten first"
    )


def _check_columns(table: Table, targets, ignore) -> list[str]:
    if not targets:
        raise ValueError("give at least one --target column")
    if len(set(targets)) != len(targets):
        raise ValueError(f"--target names a column twice: {list(targets)}")
    # DataError naming any that are missing
    (table.check_columns if isinstance(table, Frame) else table.select)(list(targets) + list(ignore))
    clash = set(targets) & set(ignore)
    if clash:
        raise ValueError(f"columns {sorted(clash)} are both --target and --ignore")
    features = [c for c in table.columns if c not in targets and c not in ignore]
    if not features:
        raise ValueError(
            f"no feature columns left: every column of {table.source or 'the table'} is a target or ignored"
        )
    return features


def _constant_notes(X: np.ndarray, names) -> list[str]:
    """One short note on the inputs that are constant in the training rows: a count and the first few."""
    constant = [name for name, column in zip(names, X.T) if np.ptp(column) == 0]
    if not constant:
        return []
    many = len(constant) > 1
    return [
        f"{len(constant)} input{'s' if many else ''} {'are' if many else 'is'} constant in the training rows "
        f"and carr{'y' if many else 'ies'} no information: {shorten(constant, quote=True)}"
    ]


def wide_notes(n_inputs: int, n_train: int) -> list[str]:
    """A warning when the network has more inputs than training rows: it can then fit the
    training rows by chance, and early stopping often keeps an early epoch near chance."""
    if n_inputs <= n_train:
        return []
    return [
        f"warning: {n_inputs:,} inputs and {n_train:,} training rows: with more inputs than rows a network can fit "
        "the training rows by chance and learn nothing that holds (compare the train and validation scores); "
        "fewer columns (--ignore, --role COL=ignored) or more rows help"
    ]


def class_notes(labels: np.ndarray, parts: dict, fractions) -> list[str]:
    """Warnings about classes too small for the split, and the classes each split lacks.

    A class needs a row in each split with a positive share; with fewer rows, the stratified
    split (``round(rows * share)`` of each class per split) leaves some split without it,
    and that split's scores say nothing about the class.
    """
    needed = sum(1 for f in fractions if f > 0)
    names, counts = np.unique(labels, return_counts=True)
    out = []
    small = [(n, c) for n, c in zip(names, counts) if c < needed]
    if small:
        listed = shorten([f"{_label_text(n)!r} ({c} row{'s' if c > 1 else ''})" for n, c in small])
        out.append(
            f"warning: class{'es' if len(small) > 1 else ''} {listed} {'have' if len(small) > 1 else 'has'} "
            f"fewer rows than the {needed} the split needs (one per split); add rows or merge classes"
        )
    for split in ("test", "validation"):
        idx = parts.get(split, ())
        if len(idx) == 0:
            continue
        lacking = [n for n in names if not np.any(labels[idx] == n)]
        if lacking:
            listed = shorten([_label_text(n) for n in lacking], quote=True)
            out.append(
                f"warning: the {split} split lacks class{'es' if len(lacking) > 1 else ''} {listed}: "
                f"its scores say nothing about {'them' if len(lacking) > 1 else 'it'}"
            )
    return out


def train_table(
    table: Table,
    targets,
    *,
    task: str = "auto",
    hidden=None,
    solver: str | None = None,
    activation: str = "tanh",
    scale: str = "minmax",
    split=(0.7, 0.15, 0.15),
    seed=0,
    epochs: int = 1000,
    patience: int = 6,
    batch_size: int | None = None,
    learning_rate: float | None = None,
    ignore=(),
    impute: str | None = None,
    ordinal=None,
    unknown: str = "error",
    dropna: bool = False,
    refit: bool | None = None,
    roles=None,
    max_categories: int = MAX_CATEGORIES,
    min_frequency: int = 1,
) -> TrainingRun:
    """Train a network on a table held in memory (see the module docstring).

    Parameters
    ----------
    table : Table or Frame
        From :func:`bpnn.io.read_csv` (numbers only) or :func:`bpnn.io.frames.read_frame`
        (text, true/false and missing cells; the last four parameters are for it).
    targets : list of str
        Target columns; every other column (except ``ignore``) is a feature.
    task : {"auto", "classification", "regression"}, default="auto"
    hidden : tuple of int or None, default=None
        The hidden layer sizes; None: :func:`default_hidden` (10, and for classification the
        mean of the inputs and classes, from 10 to 50).
    solver : str or None, default=None
        A name from ``bpnn.OPTIMIZERS``; None picks :func:`check_solver`'s default.
    activation : str, default="tanh"
        Of the hidden layers (MATLAB's ``tansig``).
    scale : {"minmax", "standard", "none"}, default="minmax"
        For the inputs and, in regression, the targets.
    split : (float, float, float), default=(0.7, 0.15, 0.15)
    seed : int, default=0
        Seeds the split, the initial weights and the shuffling.
    epochs : int, default=1000
    patience : int, default=6
        Early stopping: epochs without a new best validation loss.
    batch_size : int or None, default=None
        None: the whole training set for full-batch solvers (lm, br, lbfgs, rprop),
        else mini-batches of 32.
    learning_rate : float or None, default=None
        None: the solver's default.
    ignore : list of str, default=()
        Columns that are neither features nor targets (ids, dates).
    impute : {"median", "mean", "most_frequent"} or None, default=None
        Fill missing feature cells with this statistic of the training rows (text
        columns: the most frequent category); None: a missing cell is an error.
    ordinal : dict of str to list of str or None, optional
        Text columns to code as 0, 1, ... instead of one-hot (see :func:`bpnn.io.encoding.parse_ordinal`).
    unknown : {"error", "ignore"}, default="error"
        What a category unseen in training does when the model predicts.
    dropna : bool, default=False
        Drop rows with a missing target cell (and, without ``impute``, a missing feature cell).
    refit : bool or None, default=None
        After early stopping has chosen the epochs, train a new network (same seed) for
        that many epochs on the training and validation rows together, and keep it (its
        validation scores are then not held out). None: for classification, not for
        regression. Chosen by measurement (``python -m benchmarks.tables_defaults``): for
        classification with ``adam`` it scored as well or better on every table (digits
        0.958 -> 0.965, breast cancer 0.965 -> 0.969); for regression with ``br``, whose
        penalty already curbs overfitting, a little worse (penguins 0.881 -> 0.874).
    roles : dict of str to str, optional
        Overrides of the schema's decisions (``--role COL=ROLE``, see :mod:`bpnn.tables.schema`).
    max_categories : int, default=20
        A text column with more distinct values keeps its ``max_categories - 1`` most frequent
        categories and folds the rest into one ``infrequent`` input.
    min_frequency : int, default=1
        A category seen in fewer training rows is folded into ``infrequent`` too.

    Returns
    -------
    TrainingRun
    """
    targets, ignore = list(targets), list(ignore)
    frame = as_frame(table)
    _check_columns(frame, targets, ignore)
    # read -> schema: every column's role, decided once
    schema = decide_schema(
        frame, targets, ignore=ignore, ordinal=ordinal, roles=roles, max_categories=max_categories,
        min_frequency=min_frequency,
    )  # fmt: skip
    features = schema.features
    if not features:
        raise ValueError(
            f"no feature columns left in {table.source or 'the table'}: every column is a target, ignored, "
            "an identifier or constant (see --role)"
        )
    frame, Y = frame_targets(frame, features, targets, impute=impute, dropna=dropna)
    task, reason = detect_task(Y, task)
    classes = None
    if task == "classification":
        Y = Y.copy()
        Y[:, 0] = _as_labels(Y[:, 0]) if Y.dtype.kind == "O" else Y[:, 0]
        classes = _as_labels(np.unique(Y[:, 0]))
        if classes.dtype.kind == "f" and np.all(classes == np.round(classes)):
            classes = classes.astype(np.int64)  # whole numbers come back as integers
    if Y.dtype.kind == "O" and task == "regression":
        Y = Y.astype(np.float64)
    # -> split
    labels = Y[:, 0] if task == "classification" else None
    parts = split_indices(len(Y), split, seed, labels=labels)
    tr = parts["train"]
    notes = schema.notes() + ([] if labels is None else class_notes(labels, parts, split))
    # -> encode (categories, calendar parts, fill values of the training rows)
    encoder = TableEncoder.fit(
        frame, features, tr, impute=impute, ordinal=ordinal, unknown=unknown, roles=schema.encoder_roles(),
        max_categories=schema.max_categories, min_frequency=schema.min_frequency,
    )  # fmt: skip
    X = encoder.transform(frame)
    n_out = len(targets) if classes is None else len(classes)
    hidden = default_hidden(X.shape[1], n_out, task) if hidden is None else tuple(hidden)
    sizes = [X.shape[1], *hidden, n_out]
    n_weights = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    chosen_solver, solver = solver, check_solver(solver, task, n_weights=n_weights)
    if chosen_solver is None and task == "regression" and solver not in SUM_OF_SQUARES_SOLVERS:
        notes.append(f"solver {solver}: the network has {n_weights:,} weights, more than the {LM_MAX_WEIGHTS:,} "
                     "up to which br is the default (its step solves a weights x weights system)")  # fmt: skip
    notes += wide_notes(X.shape[1], len(tr))
    # -> scale
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is checked, per column, below
        x_scaler = get_scaler(scale).fit(X[tr])
        y_scaler = get_scaler(scale).fit(Y[tr]) if task == "regression" else None
        T = _encode(Y, task, classes)
        Z = x_scaler.transform(X)
        Tz = y_scaler.transform(T) if y_scaler is not None else T
    check_scaled(Z, X, encoder.encoded_names, scale, x_scaler)
    check_scaled(Tz, Y, targets, scale, y_scaler)
    data = {name: (Z[idx], Tz[idx]) for name, idx in parts.items() if len(idx)}
    # -> train
    net = make_network(X.shape[1], hidden, T.shape[1], task, activation, solver, seed)
    opt = get_optimizer(solver, learning_rate)
    full_batch = getattr(opt, "full_batch", False)
    if full_batch and batch_size is not None:
        raise ValueError(f"the {solver!r} solver works on the whole training set at once; leave out --batch-size")
    bs = None if full_batch else min(batch_size or 32, len(tr))
    if bs is not None and bs >= len(tr):
        bs = None
    stopper = EarlyStopping("val_loss", patience=patience, restore_best_weights=True) if "validation" in data else None
    record = TrainingRecord(test_data=data.get("test"), train_data=data["train"], early_stopping=stopper)
    history = net.fit(
        *data["train"],
        epochs=epochs,
        batch_size=bs,
        seed=seed,
        optimizer=opt,
        validation_data=data.get("validation"),
        callbacks=[c for c in (stopper, record) if c],
        fast=None if _worth_compiling(len(tr), bs, epochs) else False,
    )
    check_trained(history)
    # -> report
    curves = _curves(history.history, record)
    stop = _stop_reason(history.interrupted, stopper, opt, len(curves["loss"]), epochs, patience)
    best_epoch = None if stopper is None else stopper.best_epoch
    if refit is None:
        refit = task == "classification"
    if refit and best_epoch and not history.interrupted:
        # the epochs early stopping chose, again from the start, on train + validation rows
        both = np.concatenate([parts["train"], parts["validation"]])
        net = make_network(X.shape[1], hidden, T.shape[1], task, activation, solver, seed)
        net.fit(Z[both], Tz[both], epochs=best_epoch, batch_size=bs, seed=seed,
                optimizer=get_optimizer(solver, learning_rate), fast=False)  # fmt: skip
        stop += f"; best epoch {best_epoch}, then refitted on train + validation rows for {best_epoch} epochs"
    chosen = dict(hidden=hidden, activation=activation, scale=scale, split=split, seed=seed, epochs=epochs)
    chosen.update(patience=patience, ignore=ignore, batch_size=bs or "full", refit=refit)
    settings = run_settings(table.source, len(X), task, solver, opt, chosen)
    settings.update(best_epoch=best_epoch, epochs_run=len(curves["loss"]), stop=stop)
    settings.update(_settings(impute=impute, dropped_rows=frame.n_dropped, **_encoding_settings(encoder)))
    model = Model(
        net,
        x_scaler,
        y_scaler,
        features,
        targets,
        task,
        classes=classes,
        settings=settings,
        history=curves,
        encoder=encoder,
        schema=schema.get_config(),
    )
    predictions = {name: _predict_rows(model, frame.take(idx), Y[idx]) for name, idx in parts.items() if len(idx)}
    for name, (truth, pred, _) in predictions.items():
        model.metrics[name] = split_metrics(model, truth, pred)
    return TrainingRun(
        model,
        reason,
        stop,
        best_epoch,
        {k: len(v) for k, v in parts.items()},
        predictions,
        notes + _constant_notes(X[tr], encoder.encoded_names),
        schema,
        {name: np.asarray(frame.positions)[idx] - 1 for name, idx in parts.items()},
    )


def check_trained(history) -> None:
    """Raise KeyboardInterrupt when Ctrl-C came before the first epoch ended: there is no
    trained network to save (the command then says so and leaves any old model file alone)."""
    if history.interrupted and len(history) == 0:
        raise KeyboardInterrupt("interrupted (Ctrl-C) before the first epoch ended; nothing was saved")


def _predict_rows(model: Model, X: np.ndarray, Y: np.ndarray) -> tuple:
    """``(truth, prediction, probabilities)`` for raw rows: labels and class probabilities
    for classification (probabilities None for regression), targets in their units."""
    if model.task == "regression":
        return Y, model.predict(X), None
    proba = model.predict_proba(X)
    truth = Y[:, 0] if Y.dtype.kind != "O" else _as_labels(Y[:, 0])
    return truth, model.classes[np.argmax(proba, axis=1)], proba


def _encoding_settings(encoder) -> dict:
    kinds = {c["name"]: c["kind"] for c in encoder.columns}
    return {
        "onehot": [n for n, k in kinds.items() if k == "onehot"],
        "ordinal": [n for n, k in kinds.items() if k == "ordinal"],
        "unknown": encoder.unknown,
    }


def _stop_reason(interrupted: bool, stopper, opt, epochs_run: int, epochs: int, patience: int) -> str:
    if interrupted:
        return f"interrupted (Ctrl-C) after {epochs_run} epochs"
    if stopper is not None and stopper.stopped_epoch is not None:
        return f"validation loss did not improve for {patience} epochs"
    if getattr(opt, "stop_reason", None):
        return f"the solver stopped: {opt.stop_reason}"
    return f"reached {epochs} epochs"


# --------------------------------------------------------------------------- #
# Scores


#: Batches (at most ``epochs`` times the batches per epoch) from which a table is trained by
#: numba's compiled epoch when it applies. Loading numba and its cached code costs about
#: 0.45 s per process, more than a small table's whole training on the NumPy path (the
#: 240-row example: 0.33 s for the whole ``bpnn train`` call with NumPy, 0.70-0.81 s with
#: numba); the compiled epoch saves some 50 us per small batch, so it pays from about 10,000.
COMPILE_FROM_BATCHES = 20_000


def _worth_compiling(rows: int, batch_size: int | None, epochs: int) -> bool:
    per_epoch = 1 if batch_size is None else -(-rows // batch_size)
    return epochs * per_epoch >= COMPILE_FROM_BATCHES


def split_metrics(model: Model, y_true: np.ndarray, y_pred: np.ndarray) -> dict:
    """Scores of one split in original units, JSON-ready.

    Regression: ``rows`` and, per target, ``r2`` (None with fewer than 2 rows), ``rmse``
    and ``mae``. Classification: ``rows``, ``accuracy``, per-class ``precision`` and
    ``recall`` (0 where a class is never predicted / absent) and the ``confusion_matrix``
    (rows: true classes, columns: predicted, in the order of ``model.classes``).

    The definitions are :mod:`sklearn.metrics`' (``r2_score`` with its ``force_finite``
    rule for constant targets, ``precision_recall_fscore_support(zero_division=0)``,
    ``confusion_matrix`` over ``labels``; the tests compare with it), written here in a
    few NumPy lines because importing scikit-learn took about 0.65 s, half of a
    ``bpnn train`` call on a small table.
    """
    n = len(y_true)
    if model.task == "regression":
        out: dict[str, Any] = {"rows": n, "r2": {}, "rmse": {}, "mae": {}}
        for j, name in enumerate(model.target_names):
            t, p = np.asarray(y_true[:, j], np.float64), np.asarray(y_pred[:, j], np.float64)
            err = t - p
            out["r2"][name] = _r2(t, err) if n >= 2 else None
            out["rmse"][name] = float(math.sqrt(np.mean(err * err)))
            out["mae"][name] = float(np.mean(np.abs(err)))
        return out
    labels = np.asarray(model.classes)
    # row i, column j: how many rows of true class labels[i] were predicted as labels[j]
    true_idx, pred_idx = _label_index(labels, y_true), _label_index(labels, y_pred)
    both = (true_idx >= 0) & (pred_idx >= 0)
    k = len(labels)
    confusion = np.bincount(true_idx[both] * k + pred_idx[both], minlength=k * k).reshape(k, k)
    hits = np.diag(confusion).astype(np.float64)
    predicted, actual = confusion.sum(axis=0), confusion.sum(axis=1)
    precision = np.divide(hits, predicted, out=np.zeros(k), where=predicted > 0)
    recall = np.divide(hits, actual, out=np.zeros(k), where=actual > 0)
    names = [_label_text(c) for c in labels]
    return {
        "rows": n,
        "accuracy": float(np.mean(np.asarray(y_true) == np.asarray(y_pred))) if n else 0.0,
        "precision": dict(zip(names, map(float, precision))),
        "recall": dict(zip(names, map(float, recall))),
        "confusion_matrix": confusion.tolist(),
    }


def _r2(t: np.ndarray, err: np.ndarray) -> float:
    """The coefficient of determination, 1 - SS_res / SS_tot; for a constant target
    (SS_tot = 0) 1.0 when the predictions are exact, else 0.0 (scikit-learn's rule)."""
    ss_res = float(np.dot(err, err))
    dev = t - t.mean()
    ss_tot = float(np.dot(dev, dev))
    if ss_tot == 0.0:
        return 1.0 if ss_res == 0.0 else 0.0
    return 1.0 - ss_res / ss_tot


def _label_index(labels: np.ndarray, values) -> np.ndarray:
    """The position of each value in ``labels``, -1 for a value that is not one of them."""
    values = np.asarray(values).ravel()
    order = np.argsort(labels, kind="stable")
    pos = np.searchsorted(labels[order], values)
    pos = np.minimum(pos, len(labels) - 1)
    found = labels[order][pos] == values
    return np.where(found, order[pos], -1)


def _label_text(value) -> str:
    return _model_label_text(value)


# --------------------------------------------------------------------------- #
# Plots


def save_plots(run: TrainingRun, directory) -> list[Path]:
    """Draw the plots of a training run into ``directory`` (created if needed).

    Always ``performance.png`` (train / validation / test loss per epoch, best epoch
    circled) and ``training_state.png`` (gradient norm, ``mu`` when the solver has
    one, validation checks). Regression adds ``regression.png`` (predicted against
    actual per split, with R; one file per target when there are several:
    ``regression_<target>.png``) and ``error_histogram.png``; classification adds
    ``confusion_<split>.png`` per split and ``roc.png`` (test split, or the whole
    data when the test split lacks a class).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    from bpnn import plots

    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    model, written = run.model, []
    curves = model.history
    perf = {key: curves[key] for key in ("loss", "val_loss", "test_loss") if key in curves}
    if perf:
        written.append(
            plots.plot_performance(perf, out / "performance.png", best_epoch=run.best_epoch, ylabel=loss_label(model))
        )
    state = {key: curves[key] for key in ("gradient", "mu", "gamma", "val_fail") if key in curves}
    if state:
        written.append(plots.plot_training_state(state, out / "training_state.png"))
    preds = run.predictions
    if model.task == "regression":
        for j, name in enumerate(model.target_names):
            file = "regression.png" if len(model.target_names) == 1 else f"regression_{_safe(name)}.png"
            pairs = {split: (t[:, j], p[:, j]) for split, (t, p, _) in preds.items()}
            written.append(plots.plot_regression_splits(pairs, out / file, title=name))
        errors = {split: t - p for split, (t, p, _) in preds.items()}
        written.append(
            plots.plot_error_histogram(errors, out / "error_histogram.png", title="Error histogram (target - output)")
        )
        return written
    labels = [_label_text(c) for c in model.classes]
    for split in preds:
        cm = model.metrics[split]["confusion_matrix"]
        written.append(
            plots.plot_confusion_matrix(cm, labels, out / f"confusion_{split}.png", title=f"Confusion matrix ({split})")
        )
    order = [s for s in ("test", "validation", "train") if s in preds]
    for split in order + ["all"]:
        if split == "all":
            truth = np.concatenate([preds[s][0] for s in order])
            proba = np.concatenate([preds[s][2] for s in order])
        else:
            truth, _, proba = preds[split]
        if len(np.unique(truth)) == len(model.classes):
            truth_text = np.array([_label_text(c) for c in truth])
            written.append(plots.plot_roc(truth_text, proba, labels, out / "roc.png", title=f"ROC ({split})"))
            break
    return written


def loss_label(model: Model) -> str:
    """What the training loss of a table model measures, for a plot's axis: bpnn's ``mse``
    is half the squared error, summed over outputs and averaged over rows, and a regression
    model computes it on scaled targets, not in the targets' units."""
    name = model.network.loss_fn.name
    if name != "mse":
        return f"loss ({name})"
    if model.task == "classification":
        where = "one-hot targets"
    elif model.y_scaler is not None and model.y_scaler.name != "none":
        where = f"targets scaled by {model.y_scaler.name}"
    else:
        where = "targets in their units"
    return f"loss: ½ squared error, {where} (mse)"


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
