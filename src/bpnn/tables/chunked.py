"""Training on a CSV file read chunk by chunk: ``bpnn train --chunksize N``.

The workflow of :mod:`bpnn.tables` for files larger than memory. No pass over the
file ever holds more than one chunk in memory. The text is parsed once, into a binary
cache of the feature and target columns (:class:`BinaryCache`, a memory-mapped file in a
temporary folder next to the model, deleted afterwards); every later pass reads that
cache chunk by chunk: a first pass gathers the class labels and the scaling statistics
of the training rows; each epoch is one pass of mini-batch updates plus one pass for the
validation and test losses; a last pass adds up the scores (:class:`MetricAccumulator`, the streaming twin of
:func:`bpnn.tables.split_metrics`, tested against it).

The columns' roles are decided by the same :func:`~bpnn.tables.schema.decide_schema` as in
memory, on the first :data:`SCHEMA_ROWS` rows (or the first chunk, if larger), and stored
in the model. A column the schema drops there (constant, or whole numbers counting the
rows) is cached too and checked over the whole file: one that changes or stops counting
further down is a number column after all, as the whole file in memory would have it. A
column of text (a date, categories, free text, a text identifier, or text labels) is
refused, naming the column and its role: chunked training reads numbers only.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from typing import Any

import numpy as np

from bpnn.io.csvdata import DataError, ReadOptions, Table, iter_csv_chunks, read_csv_header
from bpnn.io.frames import Frame, read_frame
from bpnn.io.model import Model
from bpnn.io.scaling import get_scaler
from bpnn.tables.schema import Column, Schema, decide_schema
from bpnn.tables.workflow import (
    AUTO_MAX_CLASSES,
    MAX_CLASSES,
    SHARED_SETTINGS,
    SPLITS,
    TrainingRecord,
    TrainingRun,
    _check_columns,
    _constant_notes,
    _curves,
    _encode,
    _label_text,
    _predict_rows,
    _stop_reason,
    _worth_compiling,
    check_scaled,
    check_solver,
    check_trained,
    decide_task,
    default_hidden,
    make_network,
    run_settings,
    shared_settings,
)
from bpnn.training import _fast
from bpnn.training.callbacks import EarlyStopping, InterruptGuard
from bpnn.training.loop import DivergenceError, History, _grew_apart
from bpnn.training.optimizers import get_optimizer

__all__ = ["MetricAccumulator", "train_csv_chunks"]

#: The plots show at most this many rows of each split.
PLOT_ROWS = 5000
#: The losses and the gradient of an epoch are added up over blocks of about this many
#: bytes of cached inputs (or one chunk, if larger): memory stays bounded, and a few large
#: matrix products cost less than many small ones.
EVAL_BLOCK_BYTES = 1 << 25
#: The schema is decided on the first this many rows (or the first chunk, if larger); the
#: columns it drops are then checked over the whole file.
SCHEMA_ROWS = 10_000


def _chunks_with_split(path, chunksize, sep, dropna, features, targets, split, seed, read=None):
    """Yield ``(X, Y, codes)`` per chunk; ``codes`` 0/1/2 put each row in train/validation/test.

    The codes come from one seeded stream of uniform numbers drawn chunk after chunk,
    which is the same stream whatever the chunk size, so every pass over the file
    puts every row in the same split.
    """
    rng = np.random.default_rng(seed)
    cuts = np.array([split[0], split[0] + split[1]])
    for chunk in iter_csv_chunks(path, chunksize, sep=sep, dropna=dropna, options=read):
        u = rng.random(len(chunk))
        yield chunk.select(features), chunk.select(targets), np.searchsorted(cuts, u, side="right")


class BinaryCache:
    """The numbers of a CSV file, parsed once into a binary file that every later pass reads.

    Vowpal Wabbit's cache, in NumPy: the first pass parses the CSV chunk by chunk and
    appends each chunk's feature and target columns, as float64 rows, to ``data.f64`` in
    a temporary folder (``cache_dir``, next to the model being written); the passes that
    need the numbers as they are (scaling statistics, scores) map that file
    (:class:`numpy.memmap`) and cut it into the same chunks. Once the scalers are known,
    :meth:`write_scaled` stores what the network sees, one file per split, so an epoch
    reads binary numbers ready to use instead of parsing and scaling text. The folder is
    deleted when the ``with`` block ends, whether training finished, failed or was
    interrupted.

    Parameters
    ----------
    path : str
        The CSV file.
    chunksize : int
    read : ReadOptions
    dropna : bool
    features, targets : list of str
    cache_dir : str or None
        Where the temporary folder goes; None: the system's temporary folder.
    extra : list of str
        Columns cached besides the features and targets (to check them); :attr:`features` may
        then be set to any of the cached columns, which :meth:`chunks` yields as X.
    """

    def __init__(
        self, path, chunksize: int, read: ReadOptions, dropna: bool, features, targets, cache_dir=None, extra=()
    ):
        self.path, self.chunksize, self.read, self.dropna = path, chunksize, read, dropna
        self.features, self.targets = list(features), list(targets)
        # what the file holds, in this order: the features given here, the extra columns, the targets
        self._cached = self.features + list(extra)
        self.cache_dir = cache_dir
        self.lengths: list[int] = []
        self.data: np.ndarray | None = None
        self._folder: tempfile.TemporaryDirectory | None = None
        self._scaled = [None, None, None]

    def __enter__(self) -> BinaryCache:
        self._folder = tempfile.TemporaryDirectory(prefix=".bpnn-cache-", dir=self.cache_dir)
        try:
            file = os.path.join(self._folder.name, "data.f64")
            columns = self._cached + self.targets
            with open(file, "wb") as out:
                for chunk in iter_csv_chunks(self.path, self.chunksize, dropna=self.dropna, options=self.read):
                    np.ascontiguousarray(chunk.select(columns), dtype=np.float64).tofile(out)
                    self.lengths.append(len(chunk))
            shape = (sum(self.lengths), len(columns))
            self.data = np.memmap(file, dtype=np.float64, mode="r", shape=shape) if shape[0] else np.empty(shape)
        except BaseException:
            self._folder.cleanup()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.data = None  # unmapped before the folder goes
        self._scaled = [None, None, None]
        if self._folder is not None:
            self._folder.cleanup()

    def write_scaled(self, split, seed, scaled) -> None:
        """Cache, per split, what the network sees: ``scaled(X, Y) -> (Z, T)`` of every chunk's
        rows of that split, so that an epoch neither parses nor scales anything."""
        assert self._folder is not None, "use BinaryCache in a with block"
        self.scaled_lengths: list[list[int]] = [[], [], []]
        self._scaled: list[np.ndarray | None] = [None, None, None]
        files = [os.path.join(self._folder.name, f"scaled{code}.f64") for code in range(3)]
        width = None
        with contextlib.ExitStack() as stack:
            outs = [stack.enter_context(open(file, "wb")) for file in files]
            for X, Y, codes in self.chunks(split, seed):
                for code in range(3):
                    rows = np.flatnonzero(codes == code)
                    self.scaled_lengths[code].append(len(rows))
                    if len(rows):
                        Z, T = scaled(X[rows], Y[rows])
                        self._n_inputs, width = Z.shape[1], Z.shape[1] + T.shape[1]
                        np.hstack([Z, T]).astype(np.float64).tofile(outs[code])
        for code, file in enumerate(files):
            n = sum(self.scaled_lengths[code])
            if n:
                self._scaled[code] = np.memmap(file, dtype=np.float64, mode="r", shape=(n, width))

    def scaled_chunks(self, code: int, dtype, block_bytes: int = 0):
        """``(Z, T)`` per chunk that has rows of split ``code`` (0 train, 1 validation, 2 test),
        as :meth:`write_scaled` stored them; Z of ``dtype``, both C-contiguous. With
        ``block_bytes``, consecutive chunks are joined into blocks of about that size (for
        passes that only add up, where a few large products beat many small ones)."""
        if self._scaled[code] is None:
            return
        data = self._scaled[code]
        lengths = [n for n in self.scaled_lengths[code] if n]
        if block_bytes:
            step = max(max(lengths), block_bytes // (8 * data.shape[1]))  # type: ignore[union-attr]
            lengths = [min(step, len(data) - start) for start in range(0, len(data), step)]  # type: ignore[arg-type]
        start = 0
        for length in lengths:
            block = data[start : start + length]  # type: ignore[index]
            start += length
            yield np.array(block[:, : self._n_inputs], dtype=dtype), np.array(block[:, self._n_inputs :])

    def chunks(self, split, seed):
        """``(X, Y, codes)`` per chunk, as :func:`_chunks_with_split` yields them from the CSV file;
        X holds the columns of :attr:`features`."""
        rng = np.random.default_rng(seed)
        cuts = np.array([split[0], split[0] + split[1]])
        cached = self._cached
        x = [cached.index(c) for c in self.features]
        start = 0
        for length in self.lengths:
            block = np.array(self.data[start : start + length])  # type: ignore[index]
            start += length
            u = rng.random(length)
            yield block[:, x], block[:, len(cached) :], np.searchsorted(cuts, u, side="right")

    def columns(self, names):
        """The cached columns ``names`` (features or ``extra``), chunk by chunk."""
        idx = [self._cached.index(c) for c in names]
        start = 0
        for length in self.lengths:
            yield np.array(self.data[start : start + length, idx])
            start += length


def train_csv_chunks(
    path,
    targets,
    chunksize: int,
    *,
    sep: str = ",",
    dropna: bool = False,
    read: ReadOptions | None = None,
    cache_dir=None,
    **settings,
) -> TrainingRun:
    """Train on a CSV file without loading it (see the module docstring).

    Like :func:`train_table`, with these differences, all because no pass sees the
    whole file at once:

    * a first pass reads the column names, the class labels and the scaling
      statistics of the training rows (:meth:`~bpnn.io.scaling.Scaler.partial_fit`);
    * rows go to train / validation / test by a seeded random draw per row, so the
      split sizes are close to, not exactly, the asked shares, and are not stratified;
    * every epoch is one training pass, in mini-batches within each chunk (the
      rows of a chunk are shuffled), plus one pass that computes the validation
      and test losses and the training gradient at the epoch's final weights; so
      only solvers that work batch by batch (``sgd``, ``adam``, ...) can be used;
    * the scores are accumulated over a last pass; the plots show at most
      :data:`PLOT_ROWS` rows per split.

    Parameters
    ----------
    path : str or path-like
    targets : list of str
    chunksize : int
        Rows read at a time.
    sep, dropna
        As in :func:`bpnn.io.read_csv`.
    read : ReadOptions, optional
        How the file writes its numbers (its ``sep`` replaces ``sep``).
    cache_dir : str or path-like, optional
        Where the binary cache of the file's numbers goes while training (see
        :class:`BinaryCache`); None: the system's temporary folder.
    **settings
        ``task``, ``hidden``, ``solver``, ``activation``, ``scale``, ``split``, ``seed``, ``epochs``,
        ``patience``, ``batch_size``, ``learning_rate``, ``ignore``: as in :func:`train_table`, with
        its defaults.
    """
    s = shared_settings(settings, "train_csv_chunks")
    targets, ignore = list(targets), list(s["ignore"])
    s["ignore"] = ignore
    name = os.fspath(path)
    read = ReadOptions(sep=sep) if read is None else read
    header, header_line = read_csv_header(name, read)
    _check_columns(Table(header, np.empty((0, len(header))), source=name), targets, ignore)
    # read -> schema, on the first rows; the columns it drops are checked over the whole file below
    head = read_head(name, read, header_line, max(chunksize, SCHEMA_ROWS), cache_dir)
    schema = decide_schema(head, targets, ignore=ignore)
    refuse_text(schema, head)
    dropped = [c.name for c in schema.columns if c.role in ("constant", "identifier")]
    with BinaryCache(name, chunksize, read, dropna, schema.features, targets, cache_dir, dropped) as cache:
        schema = confirm_schema(schema, cache, head)
        if not schema.features:
            raise ValueError(
                f"no feature columns left in {name}: every column is a target, ignored, an identifier or constant"
            )
        cache.features = schema.features
        return _train_from_cache(cache, name, targets, schema, s)


def read_head(name: str, read: ReadOptions, header_line: int, rows: int, cache_dir=None) -> Frame:
    """The first ``rows`` data rows of the CSV file ``name`` as a :class:`Frame`, typed as
    :func:`bpnn.io.frames.read_frame` types a whole file (text, numbers, empty cells): the
    lines up to there are copied to a temporary file that ``read_frame`` reads."""
    with open(name, "rb") as f:
        lines = [line for _, line in zip(range(header_line + rows), f)]
    with tempfile.TemporaryDirectory(prefix=".bpnn-head-", dir=cache_dir) as folder:
        copy = os.path.join(folder, "head.csv")
        with open(copy, "wb") as out:
            out.writelines(lines)
        try:
            frame = read_frame(copy, **{**read.given(), "sep": read.sep})
        except DataError as exc:
            raise DataError(str(exc).replace(copy, name)) from None
    frame.source = name
    return frame


def refuse_text(schema: Schema, head: Frame) -> None:
    """A ValueError naming the first column that holds anything but numbers, with its role."""
    for column in schema.columns:
        kind = head.kinds[column.name]
        if kind == "number":
            continue
        present = head.values[column.name][~head.missing(column.name)]
        sample = str(present[0]) if len(present) else ""
        what = "true/false" if kind == "bool" else f"text such as {sample!r}"
        article = "an" if column.role[0] in "aeiou" else "a"
        role = "the target" if column.role == "target" else f"{article} {column.role} column ({column.reason})"
        raise ValueError(
            f"--chunksize reads columns of numbers only, and column {column.name!r} holds {what}: it is {role}; "
            "leave out --chunksize to train on it, or write the file without it"
        )


def confirm_schema(schema: Schema, cache: BinaryCache, head: Frame) -> Schema:
    """``schema`` with every constant or row-counting column checked over the whole cached file:
    one that changes, or stops counting, further down is a number column, as :func:`decide_schema`
    decides on the whole table."""
    columns = []
    for column in schema.columns:
        if column.role in ("constant", "identifier") and not _holds(cache, column, head):
            column = Column(column.name, "number", "numbers")
        columns.append(column)
    return Schema(columns, schema.max_categories, schema.min_frequency)


def _holds(cache: BinaryCache, column: Column, head: Frame) -> bool:
    """Whether the whole file keeps what the first rows showed of ``column``: one value (or
    empty cells), or whole numbers counting the rows."""
    if column.reason.startswith("--role"):
        return True
    first = head.values[column.name][0]
    row = 0
    for block in cache.columns([column.name]):
        values = block[:, 0]
        if column.role == "constant":
            present = values[~np.isnan(values)]
            if len(present) and (np.isnan(first) or not np.all(present == first)):
                return False
        elif not np.array_equal(values, first + np.arange(row, row + len(values), dtype=np.float64)):
            return False
        row += len(values)
    return True


def _train_from_cache(cache: BinaryCache, name: str, targets, schema: Schema, s: dict) -> TrainingRun:
    """:func:`train_csv_chunks` once the file is in ``cache``."""
    features = schema.features
    task, hidden, solver, activation, scale, split = (s[k] for k in SHARED_SETTINGS[:6])
    seed, epochs, patience, batch_size, learning_rate, ignore = (s[k] for k in SHARED_SETTINGS[6:])
    chunksize = cache.chunksize

    # Pass 1: split sizes, scaling statistics of the training rows, target values.
    x_scaler, y_scaler = get_scaler(scale), get_scaler(scale)
    counts = np.zeros(3, dtype=np.int64)
    distinct: set = set()
    integer = True
    for X, Y, codes in cache.chunks(split, seed):
        counts += np.bincount(codes, minlength=3)
        train = codes == 0
        if train.any():
            with np.errstate(over="ignore", invalid="ignore"):  # checked per column by scaled()
                x_scaler.partial_fit(X[train])
                y_scaler.partial_fit(Y[train])
        # auto needs to know "more than 20", classification "more than MAX_CLASSES"
        if len(distinct) <= (MAX_CLASSES if task == "classification" else AUTO_MAX_CLASSES):
            distinct.update(np.unique(Y[:, 0]).tolist())
        integer = integer and bool(np.all(Y[:, 0] == np.round(Y[:, 0])))
    n = int(counts.sum())
    empty = [s for s, share, c in zip(SPLITS, split, counts) if share > 0 and c == 0]
    if empty:
        raise ValueError(
            f"too few rows to split: {n} rows gave no {' or '.join(empty)} rows with --split "
            f"{','.join(f'{f:g}' for f in split)}; add rows or use --split 1,0,0"
        )
    task, reason = decide_task(task, n, len(targets), sorted(distinct), integer)
    solver = check_solver(solver, task, mini_batch=True)
    classes = np.array(sorted(distinct), dtype=np.float64) if task == "classification" else None
    if classes is not None and np.all(classes == np.round(classes)):
        classes = classes.astype(np.int64)  # whole numbers come back as integers, as in train_table
    if task == "classification":
        y_scaler = None

    n_out = len(targets) if classes is None else len(classes)
    hidden = default_hidden(len(features), n_out, task) if hidden is None else tuple(hidden)
    net = make_network(len(features), hidden, n_out, task, activation, solver, seed)
    opt = get_optimizer(solver, learning_rate)
    if getattr(opt, "full_batch", False):
        raise ValueError(
            f"--chunksize trains on one chunk at a time, which the {solver!r} solver cannot do "
            "(it needs the whole training set at once); use a mini-batch solver such as sgd or "
            "adam, or leave out --chunksize"
        )
    bs = batch_size or 32

    def scaled(X, Y):
        T = _encode(Y, task, classes)
        with np.errstate(over="ignore", invalid="ignore"):
            Z, Tz = x_scaler.transform(X), (T if y_scaler is None else y_scaler.transform(T))
        check_scaled(Z, X, features, scale, x_scaler)
        check_scaled(Tz, T, targets, scale, y_scaler)
        return Z.astype(net.dtype), Tz

    cache.write_scaled(split, seed, scaled)
    if callable(getattr(opt, "prepare", None)):
        opt.prepare(net)
    # numba's compiled epoch where train_table would use it (the same arithmetic, batch for batch)
    worth = _worth_compiling(int(counts[0]), bs, epochs)
    compiled = _fast.epoch_runner(net, opt, bs, None, (), None if worth else False)
    stopper = EarlyStopping("val_loss", patience=patience, restore_best_weights=True) if counts[1] else None
    record = TrainingRecord(early_stopping=stopper)
    callbacks = [c for c in (stopper, record) if c]
    for cb in callbacks:
        cb.set_network(net)
        cb.on_train_begin({})
    history = History()
    net.stop_training, net.optimizer = False, opt
    shuffle = np.random.default_rng([seed, 1])
    n_train, n_val, n_test = (int(c) for c in counts)
    with InterruptGuard() as guard:
        for epoch in range(net.epochs_trained + 1, net.epochs_trained + epochs + 1):
            total = 0.0
            for Z, T in cache.scaled_chunks(0, net.dtype):
                if guard.interrupted:
                    continue
                order = shuffle.permutation(len(Z))
                with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
                    if compiled is not None:
                        total += float(compiled(Z, T, order))
                        continue
                    for start in range(0, len(Z), bs):
                        b = order[start : start + bs]
                        total += float(opt.train_batch(net, Z[b], T[b])) * len(b)
            if guard.interrupted:
                history.interrupted = True
                break
            logs = {"loss": total / n_train}
            logs.update(_evaluate_chunks(net, cache, (n_train, n_val, n_test)))
            losses = history.history.get("loss", [])
            first_loss = losses[0] if losses else logs["loss"]
            lowest = min(losses, default=math.inf)
            grew = _grew_apart(logs["loss"], lowest, first_loss)
            if grew or not all(math.isfinite(v) for v in logs.values()):
                kept = ""
                if stopper is not None and stopper.best_weights is not None:
                    net.set_weights(stopper.best_weights)  # the best validation epoch, as fit keeps
                    net.epochs_trained, stopper.best_weights = stopper.best_epoch, None
                    kept = f" The network keeps the weights of epoch {stopper.best_epoch}, its best by val_loss."
                what = (
                    f"grew to {logs['loss']:.3g}, more than 1e+06 times its lowest"
                    if grew
                    else "became NaN or infinite"
                )
                raise DivergenceError(
                    f"Training diverged: the loss {what} at epoch {epoch}.{kept} Try a smaller --learning-rate",
                    history,
                )
            if callable(getattr(opt, "logs", None)):
                logs.update(opt.logs())
            net.epochs_trained = epoch
            history.append(epoch, {k: v for k, v in logs.items() if k not in ("test_loss", "gradient")})
            for cb in callbacks:
                cb.on_epoch_end(epoch, logs)
            if net.stop_training:
                break
    for cb in callbacks:
        cb.on_train_end({"history": history})

    check_trained(history)
    curves = _curves(history.history, record)
    stop = _stop_reason(history.interrupted, stopper, opt, len(curves.get("loss", [])), epochs, patience)
    best_epoch = None if stopper is None else stopper.best_epoch
    chosen = dict(hidden=hidden, activation=activation, scale=scale, split=split, seed=seed, epochs=epochs)
    chosen.update(patience=patience, batch_size=bs, ignore=ignore, chunksize=chunksize)
    record = run_settings(name, n, task, solver, opt, chosen)
    record.update(best_epoch=best_epoch, epochs_run=len(curves.get("loss", [])), stop=stop)
    model = Model(
        net, x_scaler, y_scaler, features, targets, task, classes=classes, settings=record, history=curves,
        schema=schema.get_config(),
    )  # fmt: skip

    # Last pass: scores, and the first rows of each split for the plots.
    scores = {s: MetricAccumulator(model) for s, c in zip(SPLITS, counts) if c}
    kept: dict = {s: [] for s in scores}
    for X, Y, codes in cache.chunks(split, seed):
        for code, s in enumerate(SPLITS):
            rows = np.flatnonzero(codes == code)
            if not len(rows):
                continue
            truth, pred, proba = _predict_rows(model, X[rows], Y[rows])
            scores[s].add(truth, pred)
            have = sum(len(part[0]) for part in kept[s])
            if have < PLOT_ROWS:
                room = PLOT_ROWS - have
                kept[s].append((truth[:room], pred[:room], None if proba is None else proba[:room]))
    for s, acc in scores.items():
        model.metrics[s] = acc.result()
    predictions = {s: _stack(parts) for s, parts in kept.items()}
    notes = schema.notes() + _constant_notes(np.vstack([x_scaler.data_min_, x_scaler.data_max_]), features)
    notes.append(
        "rows were split by a seeded random draw per row (not stratified): "
        + ", ".join(f"{s} {c}" for s, c in zip(SPLITS, counts))
    )
    return TrainingRun(
        model, reason, stop, best_epoch, dict(zip(SPLITS, map(int, counts))), predictions, notes, schema
    )  # fmt: skip


def _stack(parts: list) -> tuple:
    """Join per-chunk ``(truth, pred, proba)`` triples; proba stays None for regression."""
    truth, pred, proba = zip(*parts)
    return (np.concatenate(truth), np.concatenate(pred), None if proba[0] is None else np.concatenate(proba))


def _evaluate_chunks(net, cache: BinaryCache, counts) -> dict:
    """Validation and test loss, and the norm of the training gradient, at the current weights."""
    n_train, n_val, n_test = counts
    sums = np.zeros(3)
    grad = [np.zeros_like(p) for p in net.params]
    for code in (1, 2):
        for Z, T in cache.scaled_chunks(code, net.dtype, EVAL_BLOCK_BYTES):
            sums[code] += float(net.loss_fn.value(T, net.predict(Z))) * len(Z)
    for Z, T in cache.scaled_chunks(0, net.dtype, EVAL_BLOCK_BYTES):
        net._forward_backward(Z, T, training=False)
        # Each chunk's gradient is a mean over its rows plus alpha/m * W; weigh the
        # means by the row counts, and add the L2 part once, below.
        for g, part in zip(grad, [g for layer in net._dense_layers() for g in layer.grads]):
            g += part * len(Z)
    out = {}
    if n_val:
        out["val_loss"] = sums[1] / n_val + float(net._penalty(n_val))
    if n_test:
        out["test_loss"] = sums[2] / n_test + float(net._penalty(n_test))
    if net.alpha:
        i = 0
        for layer in net._dense_layers():
            grad[i] += net.alpha * layer.weights
            i += len(layer.params)
    out["gradient"] = math.sqrt(sum(float(np.vdot(g, g)) for g in grad)) / n_train
    return out


class MetricAccumulator:
    """The scores of :func:`split_metrics`, added up over chunks of rows.

    Regression keeps, per target, the row count, the sums of squared and absolute
    errors and the sum and sum of squares of the targets shifted by the training
    mean (the shift keeps the variance exact when the mean is large); classification
    keeps the confusion matrix, from which accuracy, precision and recall follow.
    """

    def __init__(self, model: Model):
        self.model = model
        self.n = 0
        if model.task == "regression":
            k = len(model.target_names)
            if hasattr(model.y_scaler, "mean_"):
                self.shift = model.y_scaler.mean_.copy()
            else:
                self.shift = (model.y_scaler.data_min_ + model.y_scaler.data_max_) / 2
            self.sse, self.sae, self.s1, self.s2 = (np.zeros(k) for _ in range(4))
        else:
            self.cm = np.zeros((len(model.classes), len(model.classes)), dtype=np.int64)

    def add(self, y_true: np.ndarray, y_pred: np.ndarray) -> None:
        self.n += len(y_true)
        if self.model.task == "regression":
            err = y_true - y_pred
            d = y_true - self.shift
            self.sse += (err**2).sum(axis=0)
            self.sae += np.abs(err).sum(axis=0)
            self.s1 += d.sum(axis=0)
            self.s2 += (d**2).sum(axis=0)
        else:
            classes = self.model.classes
            np.add.at(self.cm, (np.searchsorted(classes, y_true), np.searchsorted(classes, y_pred)), 1)

    def result(self) -> dict:
        n, model = self.n, self.model
        if model.task == "regression":
            sst = self.s2 - self.s1**2 / n
            out: dict[str, Any] = {"rows": n, "r2": {}, "rmse": {}, "mae": {}}
            for j, name in enumerate(model.target_names):
                if n < 2:
                    r2 = None
                elif sst[j] > 0:
                    r2 = float(1 - self.sse[j] / sst[j])
                else:  # constant targets: scikit-learn's convention
                    r2 = 1.0 if self.sse[j] == 0 else 0.0
                out["r2"][name] = r2
                out["rmse"][name] = float(math.sqrt(self.sse[j] / n))
                out["mae"][name] = float(self.sae[j] / n)
            return out
        cm = self.cm
        names = [_label_text(c) for c in model.classes]
        hit = np.diag(cm).astype(np.float64)
        predicted, actual = cm.sum(axis=0), cm.sum(axis=1)
        precision = np.divide(hit, predicted, out=np.zeros_like(hit), where=predicted > 0)
        recall = np.divide(hit, actual, out=np.zeros_like(hit), where=actual > 0)
        return {
            "rows": n,
            "accuracy": float(hit.sum() / n),
            "precision": dict(zip(names, map(float, precision))),
            "recall": dict(zip(names, map(float, recall))),
            "confusion_matrix": cm.tolist(),
        }
