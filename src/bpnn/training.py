"""The training loop: batches, epochs, callbacks, history.

``train(net, X, y, ...)`` (also reached as ``Network.fit``) runs epochs of batches.
Each epoch draws one permutation of the rows (when shuffling); each batch's rows are
gathered into a buffer of one batch that is reused, so training never holds a second
copy of the data; each batch goes to the optimizer's ``train_batch``; at the end of
the epoch the history is updated and the callbacks are told.

When numba is installed and the case is one it compiles (plain gradient descent,
small batches, Dense layers; see :mod:`bpnn._fast`), the batches of an epoch run in
one compiled loop instead, over the same permutation and with the same arithmetic.
"""

from __future__ import annotations

import numpy as np

from . import _fast
from ._validation import check_array, check_int, check_same_rows
from .optimizers import get_optimizer


class DivergenceError(FloatingPointError):
    """Raised when the training loss becomes NaN or infinite.

    The network keeps the weights of the last epoch whose loss was finite; the
    history up to that epoch is in the ``history`` attribute.
    """

    def __init__(self, message: str, history: "History"):
        super().__init__(message)
        self.history = history


class History:
    """What ``fit`` returns: one list per logged quantity, one entry per epoch.

    ``history["loss"]`` (or ``history.history["loss"]``) is the training loss of
    every epoch; ``"val_loss"``, ``"accuracy"``, ``"val_accuracy"`` appear when
    validation data and metrics are given. ``epochs`` holds the epoch numbers
    (counting from 1, continuing across calls of ``fit`` on the same network).
    """

    def __init__(self):
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


class Callback:
    """Base class for callbacks (Keras-like names).

    The loop calls ``set_network(net)``, then ``on_train_begin(logs)``,
    ``on_epoch_begin(epoch, logs)``, ``on_epoch_end(epoch, logs)`` and
    ``on_train_end(logs)``. Setting ``net.stop_training = True`` ends training
    after the current epoch.
    """

    network = None

    def set_network(self, net) -> None:
        self.network = net

    def on_train_begin(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass


class PrintProgress(Callback):
    """Print one line every ``every`` epochs (and at the last epoch)."""

    def __init__(self, every: int = 100, total: int | None = None):
        self.every, self.total = every, total

    def on_epoch_end(self, epoch, logs=None):
        if epoch % self.every == 0 or epoch == self.total:
            parts = "  ".join(f"{k} {v:.6f}" for k, v in (logs or {}).items())
            print(f"epoch {epoch}" + (f"/{self.total}" if self.total else "") + f"  {parts}", flush=True)


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
                raise ValueError(f"The 'metrics' parameter must list names from {sorted(METRICS)} "
                                 f"or callables f(y_true, y_pred). Got {m!r} instead.")
            out[m] = METRICS[m]
        elif callable(m):
            out[getattr(m, "__name__", "metric")] = m
        else:
            raise TypeError(f"Each entry of 'metrics' must be a name or a callable; got {type(m).__name__}.")
    return out


def _restore_last_finite(net, snapshots, X, y, sample_weight) -> int:
    """Put back the newest snapshot whose loss on the training data is finite; return its epoch."""
    for done, weights in reversed(snapshots):
        net.set_weights(weights)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if np.isfinite(net._loss(X, y, sample_weight)):
                break
    net.epochs_trained = done
    return done


def _batches(X, y, sample_weight, batch_size: int, order, buffers):
    """Yield ``(X, y, sample_weight)`` batch by batch: views of consecutive rows when
    ``order`` is None, else the rows ``order`` names, gathered into ``buffers``."""
    for start in range(0, len(X), batch_size):
        stop = min(start + batch_size, len(X))
        if order is None:
            yield X[start:stop], y[start:stop], None if sample_weight is None else sample_weight[start:stop]
        else:
            rows = order[start:stop]
            # mode="clip" lets take() write straight into the buffer (the rows are all valid)
            yield tuple(None if a is None else np.take(a, rows, axis=0, out=buf[:stop - start], mode="clip")
                        for a, buf in zip((X, y, sample_weight), buffers))


def train(net, X, y, *, epochs: int = 100, learning_rate: float | None = None, batch_size: int | None = None,
          shuffle: bool = True, seed=None, optimizer="sgd", validation_data=None, metrics=None,
          callbacks=None, sample_weight=None, verbose: int = 0, fast: bool | None = None) -> History:
    """Train ``net`` on ``(X, y)``; see :meth:`bpnn.Network.fit` for the arguments."""
    X = check_array(X, "X", net.dtype, n_cols=net.n_inputs, cols_what=" (the first layer's n_in)")
    y = check_array(y, "y", net.dtype, n_cols=net.n_outputs, cols_what=" (the last layer's n_out)")
    check_same_rows(X, y)
    m = X.shape[0]
    epochs = check_int(epochs, "epochs", minimum=1)
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", minimum=1)
        if batch_size > m:
            raise ValueError(f"The 'batch_size' parameter must be <= the number of samples ({m}); "
                             f"got {batch_size}. Use batch_size=None for full batch.")
    bs = m if batch_size is None else batch_size
    if sample_weight is not None:
        sample_weight = check_array(sample_weight, "sample_weight", net.dtype, ndim=1)
        if len(sample_weight) != m:
            raise ValueError(f"'sample_weight' must have one entry per row of X ({m}); got {len(sample_weight)}.")
        if (sample_weight < 0).any() or sample_weight.sum() <= 0:
            raise ValueError("'sample_weight' must be non-negative with a positive sum.")
    opt = get_optimizer(optimizer, learning_rate)
    if getattr(opt, "full_batch", False) and bs != m:
        raise ValueError(f"The {type(opt).__name__} optimizer works on the whole training set; "
                         f"use batch_size=None (got {batch_size}).")
    metric_fns = _get_metrics(metrics)
    if validation_data is not None:
        if not (isinstance(validation_data, (tuple, list)) and len(validation_data) == 2):
            raise ValueError("The 'validation_data' parameter must be a pair (X_val, y_val).")
        Xv = check_array(validation_data[0], "validation_data[0]", net.dtype, n_cols=net.n_inputs,
                         cols_what=" (the first layer's n_in)")
        yv = check_array(validation_data[1], "validation_data[1]", net.dtype, n_cols=net.n_outputs,
                         cols_what=" (the last layer's n_out)")
        check_same_rows(Xv, yv, "validation_data[0]", "validation_data[1]")
    rng = np.random.default_rng(seed)
    callbacks = list(callbacks or [])
    if verbose:
        callbacks.append(PrintProgress(every=int(verbose), total=net.epochs_trained + epochs))

    if fast not in (None, True, False):
        raise TypeError(f"The 'fast' parameter must be None, True or False; got {fast!r}.")
    compiled = _fast.epoch_runner(net, opt, bs, sample_weight, callbacks, fast)

    # The order the rows are visited in, redrawn every epoch when shuffling; shuffled
    # batches are gathered into these one-batch buffers.
    reorder = shuffle and bs < m
    order = np.arange(m)
    buffers = None
    if reorder:
        buffers = [None if a is None else np.empty((bs,) + a.shape[1:], a.dtype) for a in (X, y, sample_weight)]

    history = History()
    snapshots: list[tuple[int, list[np.ndarray]]] = []  # (epochs done, weights), the last two
    net.stop_training = False
    for cb in callbacks:
        cb.set_network(net)
        cb.on_train_begin({})
    for _ in range(epochs):
        epoch = net.epochs_trained + 1
        for cb in callbacks:
            cb.on_epoch_begin(epoch, {})
        snapshots = snapshots[-1:] + [(epoch - 1, [p.copy() for p in net.params])]
        if reorder:
            order = rng.permutation(m)
        total = 0.0
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            if compiled is not None:
                total = compiled(X, y, order)
            else:
                for Xb, yb, swb in _batches(X, y, sample_weight, bs, order if reorder else None, buffers):
                    batch_loss = opt.train_batch(net, Xb, yb, swb)
                    total += batch_loss * (len(Xb) if swb is None else float(swb.sum()))
        epoch_loss = total / (m if sample_weight is None else float(sample_weight.sum()))
        if not np.isfinite(epoch_loss) or not all(np.isfinite(p).all() for p in net.params):
            kept = _restore_last_finite(net, snapshots, X, y, sample_weight)
            lr = getattr(opt, "learning_rate", None)
            raise DivergenceError(
                f"Training diverged: the loss became {epoch_loss} at epoch {epoch}. The network keeps the "
                f"weights it had after epoch {kept}, whose loss is finite. Try a smaller learning_rate"
                + (f" (it was {lr})." if lr is not None else "."), history)
        net.epochs_trained = epoch
        logs = {"loss": epoch_loss}
        if metric_fns:
            pred = net._forward(X)
            for name, fn in metric_fns.items():
                logs[name] = fn(y, pred)
        if validation_data is not None:
            pred_v = net._forward(Xv)
            logs["val_loss"] = net.loss_fn.value(yv, pred_v) + net._penalty(len(Xv))
            for name, fn in metric_fns.items():
                logs["val_" + name] = fn(yv, pred_v)
        history.append(epoch, logs)
        for cb in callbacks:
            cb.on_epoch_end(epoch, logs)
        if net.stop_training:
            history.stopped_epoch = epoch
            break
    for cb in callbacks:
        cb.on_train_end({"history": history})
    net.optimizer = opt
    return history
