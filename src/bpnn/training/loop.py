"""The training loop: batches, epochs, callbacks, history.

``train(net, X, y, ...)`` (also reached as ``Network.fit``) runs epochs of batches.
Each epoch draws one permutation of the rows (when shuffling); each batch's rows are
gathered into a buffer of one batch that is reused, so training never holds a second
copy of the data; each batch goes to the optimizer's ``train_batch``; at the end of
the epoch the history is updated and the callbacks are told. The callbacks,
checkpoint files and the Ctrl-C guard live in :mod:`bpnn.training.callbacks`; the validation
split is drawn here.

When numba is installed and the case is one it compiles (plain gradient descent,
small batches, Dense layers; see :mod:`bpnn.training._fast`), the batches of an epoch run in
one compiled loop instead, over the same permutation and with the same arithmetic.
"""

from __future__ import annotations

import contextlib

import numpy as np

from bpnn.core.checks import check_array, check_float, check_int, check_same_rows, is_sparse
from bpnn.training import _fast, _online
from bpnn.training.callbacks import Callback, InterruptGuard, ModelCheckpoint, PrintProgress  # noqa: F401 (Callback re-exported)
from bpnn.training.optimizers import get_optimizer
from bpnn.training.paths import COMPILED, GENERAL, ONLINE, epoch_path

#: Rows per call of the compiled epoch: small enough that Ctrl-C is seen within a fraction
#: of a second, large enough that copying the weights in and out per call costs little.
_COMPILED_CHUNK_ROWS = 4096


class DivergenceError(FloatingPointError, ValueError):
    """Raised when the training loss becomes NaN or infinite, or grows by orders of magnitude
    (more than :data:`DIVERGENCE_FACTOR` times its lowest value, and above the first epoch's).

    The network keeps the best weights seen: those of the best validation epoch when an
    :class:`~bpnn.EarlyStopping` callback keeps them, else those of the lowest training
    loss; the message names the epoch. The history so far is in the ``history`` attribute.
    A ValueError too, as scikit-learn's estimators raise ValueError when training overflows.
    """

    def __init__(self, message: str, history: History):
        super().__init__(message)
        self.history = history


class History:
    """What ``fit`` returns: one list per logged quantity, one entry per epoch.

    ``history["loss"]`` (or ``history.history["loss"]``) is the training loss of
    every epoch; ``"val_loss"``, ``"accuracy"``, ``"val_accuracy"`` appear when
    validation data and metrics are given. ``epochs`` holds the epoch numbers
    (counting from 1, continuing across calls of ``fit`` on the same network).
    ``path`` is the loop that ran the epochs (``"compiled"``, ``"online"`` or ``"general"``)
    and ``path_reason`` why, as :func:`bpnn.training.paths.epoch_path` decided.
    """

    def __init__(self):
        self.path: str | None = None
        self.path_reason: str | None = None
        self.history: dict[str, list[float]] = {}
        self.epochs: list[int] = []
        self.interrupted = False
        self.stopped_epoch: int | None = None

    def append(self, epoch: int, logs: dict) -> None:
        self.epochs.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))

    def __getitem__(self, key: str) -> list[float]:
        return self.history[key]

    def __contains__(self, key) -> bool:
        return key in self.history

    def keys(self):
        return self.history.keys()

    def __len__(self) -> int:
        return len(self.epochs)

    def __repr__(self) -> str:
        last = {k: round(v[-1], 6) for k, v in self.history.items() if v}
        return f"History(epochs={len(self)}, last={last})"


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction classified correctly: argmax per row, or a 0.5 threshold for one output."""
    if y_pred.shape[1] == 1:
        return float(np.mean((y_pred[:, 0] >= 0.5) == (y_true[:, 0] >= 0.5)))
    return float(np.mean(np.argmax(y_pred, axis=1) == np.argmax(y_true, axis=1)))


METRICS = {"accuracy": accuracy}


def _get_metrics(metrics) -> dict:
    if metrics is None:
        return {}
    if isinstance(metrics, str):
        metrics = [metrics]
    out = {}
    for m in metrics:
        if isinstance(m, str):
            if m not in METRICS:
                raise ValueError(
                    f"The 'metrics' parameter must list names from {sorted(METRICS)} "
                    f"or callables f(y_true, y_pred). Got {m!r} instead."
                )
            out[m] = METRICS[m]
        elif callable(m):
            out[getattr(m, "__name__", "metric")] = m
        else:
            raise TypeError(f"Each entry of 'metrics' must be a name or a callable; got {type(m).__name__}.")
    return out


#: A loss this many times its lowest value so far (and above the first epoch's) means divergence.
DIVERGENCE_FACTOR = 1e6


def _grew_apart(loss: float, best: float, first: float | None) -> bool:
    """Whether ``loss`` has grown by orders of magnitude: more than :data:`DIVERGENCE_FACTOR`
    times the best so far and above the first epoch's loss (so that a loss that had fallen
    to almost nothing and comes back up within the range it started from does not count)."""
    if first is None or not np.isfinite(best):
        return False
    return loss > DIVERGENCE_FACTOR * max(best, first / DIVERGENCE_FACTOR)


def _restore_best(net, best, callbacks, snapshots, X, y, sample_weight) -> tuple[int, str]:
    """Put back the weights to keep after divergence; return their epoch and why they were chosen.

    Those of the best validation epoch when an EarlyStopping callback keeps them, else those
    of the lowest training loss, else (no epoch finished) the newest with a finite loss.
    """
    from bpnn.training.callbacks import EarlyStopping

    for cb in callbacks:
        if isinstance(cb, EarlyStopping) and cb.restore_best_weights and cb.best_weights is not None:
            net.set_weights(cb.best_weights)
            cb.best_weights = None  # on_train_end is not reached; nothing to restore twice
            net.epochs_trained = cb.best_epoch
            return cb.best_epoch, f"its best by {cb.monitor} ({cb.best:.6g})"
    if best[2] is not None:
        net.set_weights(best[2])
        net.epochs_trained = best[1]
        return best[1], f"whose training loss was the lowest ({best[0]:.6g})"
    kept = _restore_last_finite(net, snapshots, X, y, sample_weight)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        loss = float(net._loss(X, y, sample_weight))
    return kept, "whose loss is finite" if np.isfinite(loss) else "although its loss is not finite either"


def _restore_last_finite(net, snapshots, X, y, sample_weight) -> int:
    """Put back the newest snapshot whose loss on the training data is finite; return its epoch."""
    for done, weights in reversed(snapshots):  # noqa: B007 (done is the answer, read after the loop)
        net.set_weights(weights)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if np.isfinite(net._loss(X, y, sample_weight)):
                break
    net.epochs_trained = done
    return done


def _inputs(net, X, name: str):
    return check_array(X, name, net.dtype, n_cols=net.n_inputs, cols_what=" (the first layer's n_in)")


def _targets(net, y, name: str):
    return check_array(y, name, net.dtype, n_cols=net.n_outputs, cols_what=" (the last layer's n_out)")


def _batches(X, y, sample_weight, batch_size: int, order, buffers):
    """Yield ``(X, y, sample_weight)`` batch by batch: views of consecutive rows when
    ``order`` is None, else the rows ``order`` names, gathered into ``buffers``.

    A sparse ``X`` (CSR) gives each batch as a new small CSR matrix of its rows (its
    ``buffers[0]`` is None); one batch of every row is ``X`` itself.
    """
    m = X.shape[0]
    if batch_size == 1 and order is not None and isinstance(X, np.ndarray):
        # one row per update: a view of the row is the same numbers as a gathered copy and
        # costs a slice instead of three np.take calls (this loop is per sample)
        if sample_weight is None:
            for i in order.tolist():
                yield X[i : i + 1], y[i : i + 1], None
        else:
            for i in order.tolist():
                yield X[i : i + 1], y[i : i + 1], sample_weight[i : i + 1]
        return
    for start in range(0, m, batch_size):
        stop = min(start + batch_size, m)
        if order is None and stop - start == m:
            yield X, y, sample_weight
        elif buffers is not None and buffers[0] is None:  # sparse X
            rows = np.arange(start, stop) if order is None else order[start:stop]
            yield (
                X[rows],
                np.take(y, rows, axis=0, out=buffers[1][: stop - start], mode="clip"),
                None
                if sample_weight is None
                else np.take(sample_weight, rows, out=buffers[2][: stop - start], mode="clip"),
            )
        elif order is None:
            yield X[start:stop], y[start:stop], None if sample_weight is None else sample_weight[start:stop]
        else:
            rows, n = order[start:stop], stop - start
            # mode="clip" lets take() write straight into the buffer (the rows are all valid)
            yield (
                np.take(X, rows, axis=0, out=buffers[0][:n], mode="clip"),
                np.take(y, rows, axis=0, out=buffers[1][:n], mode="clip"),
                None if sample_weight is None else np.take(sample_weight, rows, out=buffers[2][:n], mode="clip"),
            )


def _class_labels(y: np.ndarray) -> np.ndarray | None:
    """Class labels when ``y`` looks like classification targets (0/1 column or one-hot rows), else None."""
    if not np.isin(y, (0.0, 1.0)).all():
        return None
    if y.shape[1] == 1:
        return y[:, 0].astype(np.int64)
    if (y.sum(axis=1) == 1.0).all():
        return np.argmax(y, axis=1)
    return None


def validation_split_indices(y, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Sorted row indices of a shuffled validation subset holding ``fraction`` of the rows.

    For classification targets (one 0/1 column, or one-hot rows) the subset is stratified:
    every class gets its share of the validation rows (largest remainders), so a class is
    never left out of one side because the data happen to be sorted by class.

    Parameters
    ----------
    y : ndarray of shape (n_samples, n_outputs)
    fraction : float
        In (0, 1).
    rng : numpy.random.Generator

    Returns
    -------
    ndarray of shape (n_val,)
        ``n_val = round(fraction * n_samples)``, at least 1 and at most ``n_samples - 1``.
    """
    m = len(y)
    n_val = min(max(int(round(fraction * m)), 1), m - 1)
    labels = _class_labels(y)
    if labels is None:
        return np.sort(rng.permutation(m)[:n_val])
    classes, counts = np.unique(labels, return_counts=True)
    quota = n_val * counts / m
    take = np.floor(quota).astype(np.int64)
    # hand the rows still missing to the classes with the largest remainders (ties: smaller class label)
    extra = np.argsort(-(quota - take), kind="stable")[: n_val - take.sum()]
    take[extra] += 1
    chosen = [rng.permutation(np.flatnonzero(labels == c))[:t] for c, t in zip(classes, take)]
    return np.sort(np.concatenate(chosen))


class FitState:
    """What a checkpoint needs from the running loop (``net._fit_state`` during ``fit``)."""

    def __init__(self, rng, history, optimizer, callbacks, start_epoch, val_index):
        self.rng, self.history, self.optimizer = rng, history, optimizer
        self.callbacks, self.start_epoch, self.val_index = callbacks, start_epoch, val_index


@contextlib.contextmanager
def _fitting(net):
    """While training: Ctrl-C only asks the loop to stop after the current batch; afterwards the
    network keeps no reference to the loop's state."""
    with InterruptGuard() as guard:
        try:
            yield guard
        finally:
            net._fit_state = None


def train(
    net,
    X,
    y,
    *,
    epochs: int = 100,
    learning_rate: float | None = None,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed=None,
    optimizer="sgd",
    validation_data=None,
    validation_split=None,
    metrics=None,
    callbacks=None,
    sample_weight=None,
    verbose: int = 0,
    resume_from=None,
    fast: bool | None = None,
) -> History:
    """Train the network ``net`` on ``(X, y)`` by backpropagation and the given optimizer; what
    :meth:`bpnn.Network.fit` does (it presents this signature and these options).

    Parameters
    ----------
    X : array or SciPy sparse matrix of shape (n_samples, n_inputs)
        A sparse ``X`` (any SciPy format, taken as CSR) is never densified: the first
        layer multiplies it by its own sparse products, and batches are CSR matrices of
        their rows (``lm`` and ``br`` excepted: they need a dense copy).
    y : array of shape (n_samples, n_outputs)
        Targets (one-hot rows for several classes); 1-D is accepted for one output.
    epochs : int, default=100
        Passes over the data.
    learning_rate : float, optional
        Step size of the optimizer named by ``optimizer`` (default: the optimizer's own, 0.01 for sgd).
    batch_size : int or None, default=None
        None: full batch (one update per epoch, seeds 000-003); 1: one update per sample
        (seed 004); k: mini-batches of k.
    shuffle : bool, default=True
        Reorder the samples every epoch (seeded by ``seed``) when using batches.
    seed : int or None, default=None
        Seed of the shuffling and of anything else random during training.
    optimizer : str or Optimizer, default="sgd"
        A name of :data:`bpnn.OPTIMIZERS` (``"sgd"``, ``"adam"``, the whole-batch ``"lbfgs"``,
        ``"lm"`` ...; ``sorted(bpnn.OPTIMIZERS)`` lists them) or an optimizer object such as
        ``bpnn.Adam(learning_rate=0.01)``.
    validation_data : (X_val, y_val), optional
        Evaluated after every epoch: ``val_loss`` and ``val_<metric>``.
    validation_split : float in (0, 1), optional
        Hold out this fraction of ``(X, y)`` as validation data instead: shuffled and
        seeded by ``seed``, stratified for classification targets (a 0/1 column or one-hot rows).
    metrics : list of str or callables, optional
        For example ``["accuracy"]``; evaluated on the whole training set after every epoch.
    callbacks : list of Callback, optional
    sample_weight : array of shape (n_samples,), optional
        Per-sample weights; the loss becomes a weighted mean.
    verbose : int, default=0
        Print which epoch path runs (once), then a line every ``verbose`` epochs (0: silent).
    resume_from : str or path, optional
        A checkpoint written by :class:`bpnn.ModelCheckpoint` during an earlier call of
        ``fit`` with the same arguments: training continues from it and ends as that call
        would have ended, bit for bit (``epochs`` counts the epochs of the whole call).
    fast : bool or None, default=None
        Whether the epochs may run in the compiled loop of :mod:`bpnn.training._fast`
        (needs numba): None, whenever it applies; False, never; True, always, or a
        ValueError saying why it cannot. :func:`epoch_path` decides, and ``history.path``
        says which path ran and why. Every path gives the same numbers up to rounding.

    Returns
    -------
    History
        ``history["loss"]`` per epoch, and validation/metric entries when asked;
        ``history.path`` and ``history.path_reason``. Ctrl-C during ``fit`` stops after the
        current batch and returns normally with ``history.interrupted = True`` (a half-done
        epoch is not logged).
    """
    with _fitting(net) as guard:
        X, y = _inputs(net, X, "X"), _targets(net, y, "y")
        check_same_rows(X, y)
        epochs = check_int(epochs, "epochs", minimum=1)
        if sample_weight is not None:
            sample_weight = check_array(sample_weight, "sample_weight", net.dtype, ndim=1)
            if len(sample_weight) != X.shape[0]:
                raise ValueError(
                    f"'sample_weight' must have one entry per row of X ({X.shape[0]}); got {len(sample_weight)}."
                )
            if (sample_weight < 0).any() or sample_weight.sum() <= 0:
                raise ValueError("'sample_weight' must be non-negative with a positive sum.")
        ckpt = None
        if resume_from is not None:
            from bpnn.training.callbacks import load_checkpoint

            ckpt = load_checkpoint(resume_from)
        rng = np.random.default_rng(seed)
        val_index = None
        if validation_split is not None:
            if validation_data is not None:
                raise ValueError("Pass either 'validation_data' or 'validation_split' to fit, not both.")
            fraction = check_float(
                validation_split, "validation_split", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
            )
            if X.shape[0] < 2:
                raise ValueError(f"'validation_split' needs at least 2 samples; got {X.shape[0]}.")
            if ckpt is not None and "val_index" in ckpt["arrays"]:
                val_index = ckpt["arrays"]["val_index"]  # the split of the interrupted run, even if unseeded
            else:
                val_index = validation_split_indices(y, fraction, rng)
            keep = np.ones(X.shape[0], dtype=bool)
            keep[val_index] = False
            keep = np.flatnonzero(keep)  # row numbers: a sparse X takes them, not a boolean mask
            validation_data = (X[val_index], y[val_index])
            X, y = X[keep], y[keep]
            if sample_weight is not None:
                sample_weight = sample_weight[keep]
        m = X.shape[0]
        if batch_size is not None:
            batch_size = check_int(batch_size, "batch_size", minimum=1)
            if batch_size > m:
                raise ValueError(
                    f"The 'batch_size' parameter must be <= the number of samples ({m}); "
                    f"got {batch_size}. Use batch_size=None for full batch."
                )
        bs = m if batch_size is None else batch_size
        opt = get_optimizer(optimizer, learning_rate)
        if getattr(opt, "full_batch", False) and bs != m:
            raise ValueError(
                f"The {type(opt).__name__} optimizer works on the whole training set; "
                f"use batch_size=None (got {batch_size})."
            )
        if callable(getattr(opt, "prepare", None)):
            opt.prepare(net)
        metric_fns = _get_metrics(metrics)
        if validation_data is not None:
            if not (isinstance(validation_data, (tuple, list)) and len(validation_data) == 2):
                raise ValueError("The 'validation_data' parameter must be a pair (X_val, y_val).")
            Xv, yv = (
                _inputs(net, validation_data[0], "validation_data[0]"),
                _targets(net, validation_data[1], "validation_data[1]"),
            )
            check_same_rows(Xv, yv, "validation_data[0]", "validation_data[1]")
        callbacks = list(callbacks or [])
        if verbose:
            callbacks.append(PrintProgress(every=int(verbose), total=epochs, start=net.epochs_trained))
        # checkpoints last, so that they record the other callbacks' state after the epoch
        callbacks = [cb for cb in callbacks if not isinstance(cb, ModelCheckpoint)] + [
            cb for cb in callbacks if isinstance(cb, ModelCheckpoint)
        ]

        if fast not in (None, True, False):
            raise TypeError(f"The 'fast' parameter must be None, True or False; got {fast!r}.")
        sparse = is_sparse(X)
        path, path_reason = epoch_path(net, opt, bs, sample_weight, callbacks, fast, sparse)
        compiled = _fast.epoch_runner(net, opt, bs, sample_weight, callbacks, fast) if path == COMPILED else None
        # without the compiled epoch, one sample per update runs in a lean NumPy loop when it can (same bits)
        online = None if path == COMPILED or sparse else _online.epoch_runner(net, opt, bs, sample_weight)
        if (path == COMPILED and compiled is None) or (path == ONLINE and online is None):
            path, path_reason = GENERAL, f"the {path} loop declined this case"  # (a replaced runner, in tests)
        if verbose:
            print(f"Training path: {path} ({path_reason})")

        # The order the rows are visited in, redrawn every epoch when shuffling; shuffled
        # batches are gathered into these one-batch buffers.
        reorder = shuffle and bs < m
        order = np.arange(m)
        buffers = None
        if reorder or (sparse and bs < m):
            # a sparse X has no buffer: each batch is a small CSR matrix of its own (see _batches)
            buffers = [
                None if a is None or is_sparse(a) else np.empty((bs,) + a.shape[1:], a.dtype)
                for a in (X, y, sample_weight)
            ]

        history = History()
        history.path, history.path_reason = path, path_reason
        snapshots: list[tuple[int, list[np.ndarray]]] = []  # (epochs done, weights), the last two
        # (loss, epochs done, weights) of the lowest epoch loss: what divergence falls back to
        best: tuple[float, int, list[np.ndarray] | None] = (np.inf, net.epochs_trained, None)
        first_loss = None
        net.stop_training = False
        net.optimizer = opt
        state = FitState(rng, history, opt, callbacks, net.epochs_trained, val_index)
        net._fit_state = state
        for cb in callbacks:
            cb.set_network(net)
            cb.on_train_begin({})
        if ckpt is not None:
            from bpnn.training.callbacks import restore_checkpoint

            restore_checkpoint(ckpt, net, state)
        remaining = 0 if net.stop_training else epochs - (net.epochs_trained - state.start_epoch)
        for _ in range(remaining):
            epoch = net.epochs_trained + 1
            for cb in callbacks:
                cb.on_epoch_begin(epoch, {})
            snapshots = snapshots[-1:] + [(epoch - 1, [p.copy() for p in net.params])]
            if reorder:
                order = rng.permutation(m)
            total, seen = 0.0, 0
            with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
                if compiled is not None:
                    # Compiled code never returns to Python, where signal handlers run, so the
                    # epoch goes in chunks of whole batches: a Ctrl-C takes effect at the end of
                    # the chunk (the arithmetic is the same, batch for batch).
                    step = bs * max(1, _COMPILED_CHUNK_ROWS // bs)
                    for start in range(0, m, step):
                        part = order[start : start + step]
                        total += compiled(X, y, part)
                        seen += len(part)
                        if guard.interrupted:
                            break
                elif online is not None:
                    total, seen = online(X, y, order, guard)
                else:
                    for Xb, yb, swb in _batches(X, y, sample_weight, bs, order if reorder else None, buffers):
                        batch_loss = opt.train_batch(net, Xb, yb, swb)
                        total += batch_loss * (Xb.shape[0] if swb is None else float(swb.sum()))
                        seen += Xb.shape[0]
                        if guard.interrupted:
                            break
            if guard.interrupted and seen < m:
                # Ctrl-C mid-epoch: keep the updates made, but do not log a partial epoch
                history.interrupted = True
                break
            epoch_loss = total / (m if sample_weight is None else float(sample_weight.sum()))
            finite = np.isfinite(epoch_loss) and all(np.isfinite(p).all() for p in net.params)
            if finite and first_loss is None:
                first_loss = epoch_loss
            if not finite or _grew_apart(epoch_loss, best[0], first_loss):
                what = (
                    f"became {epoch_loss}"
                    if not finite
                    else f"grew to {epoch_loss:.3g}, more than {DIVERGENCE_FACTOR:.0e} times its lowest ({best[0]:.3g})"
                )
                kept, why = _restore_best(net, best, callbacks, snapshots, X, y, sample_weight)
                lr = getattr(opt, "learning_rate", None)
                raise DivergenceError(
                    f"Training diverged: at epoch {epoch} the loss {what}. The network keeps the "
                    f"weights it had after epoch {kept}, {why}. Try a smaller learning_rate"
                    + (f" (it was {lr})." if lr is not None else "."),
                    history,
                )
            if epoch_loss < best[0]:
                # the weights this epoch started from are the ones whose loss it measured
                best = (epoch_loss, snapshots[-1][0], snapshots[-1][1])
            net.epochs_trained = epoch
            logs = {"loss": epoch_loss}
            if metric_fns:
                pred = net._forward(X)
                for name, fn in metric_fns.items():
                    logs[name] = fn(y, pred)
            if validation_data is not None:
                pred_v = net._forward(Xv)
                logs["val_loss"] = net.loss_fn.value(yv, pred_v) + net._penalty(Xv.shape[0])
                for name, fn in metric_fns.items():
                    logs["val_" + name] = fn(yv, pred_v)
            if callable(getattr(opt, "logs", None)):
                logs.update(opt.logs())
            history.append(epoch, logs)
            for cb in callbacks:
                cb.on_epoch_end(epoch, logs)
            if guard.interrupted:
                history.interrupted = True
                break
            if net.stop_training:
                history.stopped_epoch = epoch
                break
        for cb in callbacks:
            cb.on_train_end({"history": history})
        return history
