"""Callbacks: code the training loop calls at the start and end of training and of every epoch.

The vocabulary is Keras's: ``on_train_begin(logs)``, ``on_epoch_begin(epoch, logs)``,
``on_epoch_end(epoch, logs)``, ``on_train_end(logs)``; ``logs`` holds the epoch's
``loss``, ``val_loss`` and metrics. A callback reaches the network as ``self.network``
and stops training by setting ``self.network.stop_training = True``.

Here: :class:`PrintProgress`, :class:`EarlyStopping`, :class:`ReduceLROnPlateau`,
:class:`ModelCheckpoint` (with :func:`save_checkpoint` / :func:`load_checkpoint`, which
``fit(..., resume_from=path)`` uses), and the Ctrl-C handling of ``fit``.

A callback whose state must survive a checkpoint defines ``get_state()`` and
``set_state(state)``; a state is a dict of numbers, strings, None, and lists of arrays.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import threading

import numpy as np

from bpnn.core.checks import check_float, check_int


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
    """Print one line every ``every`` epochs (and at the last epoch).

    Epochs count within this call of ``fit`` (``epoch 20/100`` for the 20th of the 100
    asked for); when the network had been trained before (``start`` epochs), the line
    adds the count in all: ``epoch 20/100 (30 in all)``.
    """

    def __init__(self, every: int = 100, total: int | None = None, start: int = 0):
        self.every, self.total, self.start = every, total, start

    def on_epoch_end(self, epoch, logs=None):
        done = epoch - self.start
        if done % self.every == 0 or done == self.total:
            parts = "  ".join(f"{k} {v:.6g}" for k, v in (logs or {}).items())
            counted = f"epoch {done}" + (f"/{self.total}" if self.total else "")
            if self.start:
                counted += f" ({epoch} in all)"
            print(f"{counted}  {parts}", flush=True)


def _check_loss_monitor(monitor, who: str) -> str:
    if not isinstance(monitor, str) or not monitor.endswith("loss"):
        raise ValueError(
            f"The 'monitor' parameter of {who} must name a loss, where lower is better "
            f"('val_loss' or 'loss'); got {monitor!r}."
        )
    return monitor


def _monitored(logs, monitor: str, who: str) -> float:
    if monitor not in (logs or {}):
        hint = " Pass validation_data or validation_split to fit, or monitor='loss'." if monitor == "val_loss" else ""
        raise ValueError(
            f"{who} monitors {monitor!r}, which the epoch's logs do not have (they have {sorted(logs or {})}).{hint}"
        )
    return float(logs[monitor])


class EarlyStopping(Callback):
    """Stop when the monitored loss has not improved for ``patience`` epochs; keep the best weights.

    An epoch improves when its loss is below the best so far by more than ``min_delta``.
    With ``restore_best_weights=True`` the network ends with the weights of its best epoch,
    whether training stopped early, ran all its epochs, or was interrupted (MATLAB's
    validation stop does the same; Keras's ``EarlyStopping`` defaults to keeping the last
    weights).

    Parameters
    ----------
    monitor : str, default="val_loss"
        A loss in the epoch logs: ``"val_loss"`` (needs validation data) or ``"loss"``.
    min_delta : float, default=0.0
        Smallest decrease counted as an improvement, >= 0.
    patience : int, default=0
        Epochs without improvement before stopping, >= 0 (MATLAB's ``max_fail`` is 6).
    restore_best_weights : bool, default=True

    Attributes
    ----------
    best : float
        The best monitored value.
    best_epoch : int or None
        The epoch that reached it (counting as ``history.epochs`` does).
    stopped_epoch : int or None
        The epoch after which training stopped, or None if it did not stop early.
    """

    def __init__(
        self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0, restore_best_weights: bool = True
    ):
        self.monitor = _check_loss_monitor(monitor, "EarlyStopping")
        self.min_delta = check_float(min_delta, "min_delta", low=0.0)
        self.patience = check_int(patience, "patience", minimum=0)
        self.restore_best_weights = bool(restore_best_weights)
        self.on_train_begin()

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.best = np.inf
        self.best_epoch = None
        self.best_weights = None
        self.stopped_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        current = _monitored(logs, self.monitor, "EarlyStopping")
        if current < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = current, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.network.get_weights()
            return
        self.wait += 1
        if self.wait >= max(self.patience, 1):  # patience=0 also stops at the first failure, as in Keras
            self.stopped_epoch = epoch
            self.network.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.network.set_weights(self.best_weights)

    def get_state(self) -> dict:
        return {
            "wait": self.wait,
            "best": float(self.best),
            "best_epoch": self.best_epoch,
            "stopped_epoch": self.stopped_epoch,
            "best_weights": None if self.best_weights is None else [w.copy() for w in self.best_weights],
        }

    def set_state(self, state: dict) -> None:
        self.wait, self.best = int(state["wait"]), float(state["best"])
        self.best_epoch, self.stopped_epoch = state["best_epoch"], state["stopped_epoch"]
        weights = state["best_weights"]
        self.best_weights = None if weights is None else [np.array(w, copy=True) for w in weights]

    def __repr__(self):
        return (
            f"EarlyStopping(monitor={self.monitor!r}, min_delta={self.min_delta}, patience={self.patience}, "
            f"restore_best_weights={self.restore_best_weights})"
        )


class ReduceLROnPlateau(Callback):
    """Multiply the optimizer's learning rate by ``factor`` when the monitored loss stops improving.

    After ``patience`` epochs without an improvement larger than ``min_delta``, the learning
    rate becomes ``max(learning_rate * factor, min_lr)``; then ``cooldown`` epochs pass before
    counting again. The optimizer must have a numeric ``learning_rate`` (not a schedule).

    Parameters
    ----------
    monitor : str, default="val_loss"
    factor : float, default=0.1
        In (0, 1).
    patience : int, default=10
        >= 0.
    min_delta : float, default=1e-4
        >= 0.
    cooldown : int, default=0
        >= 0.
    min_lr : float, default=0.0
        >= 0.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ):
        self.monitor = _check_loss_monitor(monitor, "ReduceLROnPlateau")
        self.factor = check_float(factor, "factor", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
        self.patience = check_int(patience, "patience", minimum=0)
        self.min_delta = check_float(min_delta, "min_delta", low=0.0)
        self.cooldown = check_int(cooldown, "cooldown", minimum=0)
        self.min_lr = check_float(min_lr, "min_lr", low=0.0)
        self.on_train_begin()

    def on_train_begin(self, logs=None):
        self.wait, self.best, self.cooldown_counter = 0, np.inf, 0

    def on_epoch_end(self, epoch, logs=None):
        current = _monitored(logs, self.monitor, "ReduceLROnPlateau")
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if current < self.best - self.min_delta:
            self.best, self.wait = current, 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            if self.wait >= self.patience:
                opt = self.network.optimizer
                lr = getattr(opt, "learning_rate", None)
                if not isinstance(lr, float):
                    raise TypeError(
                        f"ReduceLROnPlateau needs an optimizer with a numeric learning_rate; "
                        f"{opt!r} has learning_rate={lr!r}."
                    )
                opt.learning_rate = max(lr * self.factor, self.min_lr)
                self.wait, self.cooldown_counter = 0, self.cooldown

    def get_state(self) -> dict:
        return {"wait": self.wait, "best": float(self.best), "cooldown_counter": self.cooldown_counter}

    def set_state(self, state: dict) -> None:
        self.wait, self.best = int(state["wait"]), float(state["best"])
        self.cooldown_counter = int(state["cooldown_counter"])


class ModelCheckpoint(Callback):
    """Write a training checkpoint every ``every`` epochs, for ``fit(..., resume_from=path)``.

    A checkpoint holds the weights, the optimizer's state, the random generators' states
    (shuffling and dropout), the history so far and the state of the other callbacks, so
    that resuming from it continues exactly as training would have without the stop.
    It is one ``.npz`` file (arrays, plus the rest as JSON; no pickle), written atomically:
    a crash mid-write leaves the previous checkpoint intact. The loop runs this callback
    after the other callbacks of each epoch, so the checkpoint sees their final state.

    Parameters
    ----------
    filepath : str or path
        Where to write; ``{epoch}`` in it is replaced by the epoch number (``"ckpt-{epoch:04d}.npz"``).
    every : int, default=1
        Write after every ``every``-th epoch (epochs count as in ``history.epochs``).
    """

    def __init__(self, filepath, every: int = 1):
        self.filepath = os.fspath(filepath)
        self.every = check_int(every, "every", minimum=1)
        self.last_path = None

    def on_epoch_end(self, epoch, logs=None):
        if epoch % self.every == 0:
            self.last_path = self.filepath.format(epoch=epoch)
            save_checkpoint(self.last_path, self.network, self.network._fit_state)


# -- checkpoint files ----------------------------------------------------------------------------
CHECKPOINT_FORMAT = "bpnn-checkpoint/1"


def _to_json(value):
    """Numbers, strings, None, dicts and lists as JSON-able values; NumPy scalars and arrays as plain ones."""
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(v) for v in value]
    if isinstance(value, np.ndarray):  # e.g. the key of an MT19937 generator's state
        return {"__ndarray__": value.tolist(), "dtype": value.dtype.str}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _from_json(value):
    if isinstance(value, dict):
        if "__ndarray__" in value:
            return np.asarray(value["__ndarray__"], dtype=np.dtype(value["dtype"]))
        return {k: _from_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def _pack_state(prefix: str, state: dict, arrays: dict) -> dict:
    """Split ``state`` into JSON (returned) and arrays (added to ``arrays`` as ``prefix.name.i``)."""
    out = {}
    for name, value in state.items():
        if isinstance(value, list) and value and all(isinstance(a, np.ndarray) for a in value):
            for i, a in enumerate(value):
                arrays[f"{prefix}.{name}.{i}"] = a
            out[name] = {"__arrays__": len(value)}
        else:
            out[name] = _to_json(value)
    return out


def _unpack_state(prefix: str, packed: dict, arrays) -> dict:
    state = {}
    for name, value in packed.items():
        if isinstance(value, dict) and "__arrays__" in value:
            state[name] = [arrays[f"{prefix}.{name}.{i}"] for i in range(value["__arrays__"])]
        else:
            state[name] = _from_json(value)
    return state


def _layer_rngs(net) -> dict:
    """The random generators layers own (dropout masks), by layer index."""
    return {
        str(i): layer.rng
        for i, layer in enumerate(net.layers)
        if isinstance(getattr(layer, "rng", None), np.random.Generator)
    }


def _write_atomically(path: str, arrays: dict) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".bpnn-ckpt-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def save_checkpoint(path, net, fit_state) -> None:
    """Write everything ``fit(..., resume_from=path)`` needs to continue bit for bit.

    ``fit_state`` is the loop's ``net._fit_state`` (set during ``fit``); use
    :class:`ModelCheckpoint` rather than calling this directly.
    """
    path = os.fspath(path)
    arrays = {f"param.{i}": p for i, p in enumerate(net.params)}
    opt = fit_state.optimizer
    callbacks = []
    for j, cb in enumerate(fit_state.callbacks):
        if callable(getattr(cb, "get_state", None)):
            callbacks.append(
                {"index": j, "class": type(cb).__name__, "state": _pack_state(f"callback{j}", cb.get_state(), arrays)}
            )
    if fit_state.val_index is not None:
        arrays["val_index"] = fit_state.val_index
    history = fit_state.history
    meta = {
        "format": CHECKPOINT_FORMAT,
        "dtype": net.dtype.name,
        "param_shapes": [list(p.shape) for p in net.params],
        "epochs_trained": net.epochs_trained,
        "fit_start_epoch": fit_state.start_epoch,
        "stop_training": bool(net.stop_training),
        "optimizer": {"class": type(opt).__name__, "state": _pack_state("optimizer", opt.get_state(), arrays)},
        "shuffle_rng": _to_json(fit_state.rng.bit_generator.state),
        "network_rng": _to_json(net._rng.bit_generator.state),
        "layer_rngs": {i: _to_json(g.bit_generator.state) for i, g in _layer_rngs(net).items()},
        "history": {"history": history.history, "epochs": history.epochs, "stopped_epoch": history.stopped_epoch},
        "callbacks": callbacks,
    }
    arrays["meta"] = np.array(json.dumps(meta))
    _write_atomically(path, arrays)


def load_checkpoint(path) -> dict:
    """Read a checkpoint written by :func:`save_checkpoint`: ``{"meta": dict, "arrays": dict}``."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"The 'resume_from' checkpoint {path!r} does not exist.")
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        meta = json.loads(str(arrays.pop("meta")))
    except Exception as exc:  # a truncated or foreign file
        raise ValueError(f"The 'resume_from' file {path!r} is not a bpnn checkpoint ({exc}).") from None
    if not isinstance(meta, dict) or meta.get("format") != CHECKPOINT_FORMAT:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise ValueError(
            f"The 'resume_from' file {path!r} is not a bpnn checkpoint of format "
            f"{CHECKPOINT_FORMAT!r} (found {found!r})."
        )
    problem = _checkpoint_problem(meta, arrays)
    if problem is not None:
        raise ValueError(f"The 'resume_from' checkpoint {path!r} is damaged: {problem}.")
    return {"meta": meta, "arrays": arrays}


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _checkpoint_problem(meta: dict, arrays: dict) -> str | None:
    """What is wrong with a checkpoint's fields, or None: every key, its type, the parameters'
    shapes and finiteness, as strictly as ``bpnn.load`` checks a model file."""
    kinds = {
        "dtype": str,
        "param_shapes": list,
        "epochs_trained": int,
        "fit_start_epoch": int,
        "stop_training": bool,
        "optimizer": dict,
        "shuffle_rng": dict,
        "network_rng": dict,
        "layer_rngs": dict,
        "history": dict,
        "callbacks": list,
    }
    for key, kind in kinds.items():
        if key not in meta:
            return f"it lacks {key!r}"
        if not isinstance(meta[key], kind) or (kind is int and not _is_count(meta[key])):
            return f"{key!r} should be a {kind.__name__}, found {meta[key]!r:.60}"
    if meta["dtype"] not in ("float32", "float64"):
        return f"its dtype {meta['dtype']!r} is not float32 or float64"
    shapes = meta["param_shapes"]
    if not all(isinstance(s, list) and all(_is_count(n) for n in s) for s in shapes):
        return f"'param_shapes' should be lists of sizes, found {shapes!r:.60}"
    for i, shape in enumerate(shapes):
        name = f"param.{i}"
        if name not in arrays:
            return f"parameter array {name!r} is missing"
        value = arrays[name]
        if list(value.shape) != shape or value.dtype.name != meta["dtype"]:
            return f"parameter array {name!r} is {value.dtype.name} {list(value.shape)}, not {meta['dtype']} {shape}"
        if not np.isfinite(value).all():
            return f"parameter array {name!r} holds NaN or infinite values"
    opt = meta["optimizer"]
    if not isinstance(opt.get("class"), str) or not isinstance(opt.get("state"), dict):
        return "its optimizer entry lacks 'class' or 'state'"
    history = meta["history"]
    if not isinstance(history.get("history"), dict) or not isinstance(history.get("epochs"), list):
        return "its history lacks 'history' or 'epochs'"
    if not all(isinstance(c, dict) and {"index", "class", "state"} <= set(c) for c in meta["callbacks"]):
        return "a callback entry lacks 'index', 'class' or 'state'"
    return None


def restore_checkpoint(ckpt: dict, net, fit_state) -> None:
    """Put a loaded checkpoint's weights and states into ``net`` and the loop's ``fit_state``."""
    meta, arrays = ckpt["meta"], ckpt["arrays"]
    shapes = [list(p.shape) for p in net.params]
    if shapes != meta["param_shapes"] or net.dtype.name != meta["dtype"]:
        raise ValueError(
            f"The 'resume_from' checkpoint holds parameters of shapes {meta['param_shapes']} "
            f"({meta['dtype']}); this network has {shapes} ({net.dtype.name}). Build the same "
            "network as the one that was trained."
        )
    opt = fit_state.optimizer
    if type(opt).__name__ != meta["optimizer"]["class"]:
        raise ValueError(
            f"The 'resume_from' checkpoint was written by a {meta['optimizer']['class']} optimizer; "
            f"fit got {type(opt).__name__}. Pass the same optimizer."
        )
    stateful = [(j, cb) for j, cb in enumerate(fit_state.callbacks) if callable(getattr(cb, "get_state", None))]
    saved = meta["callbacks"]
    if [type(cb).__name__ for _, cb in stateful] != [c["class"] for c in saved]:
        raise ValueError(
            "The 'resume_from' checkpoint holds the state of the callbacks "
            f"{[c['class'] for c in saved]}; fit got {[type(cb).__name__ for _, cb in stateful]}. "
            "Pass the same callbacks, in the same order."
        )
    weights = net.get_weights()
    try:
        # check on copies first where one can; a damaged state then leaves the network as it was
        states = (
            _unpack_state("optimizer", meta["optimizer"]["state"], arrays),
            [_unpack_state(f"callback{c['index']}", c["state"], arrays) for c in saved],
        )
        type(fit_state.rng.bit_generator)().state = _from_json(meta["shuffle_rng"])
        type(net._rng.bit_generator)().state = _from_json(meta["network_rng"])
        rngs = _layer_rngs(net)
        if sorted(meta["layer_rngs"]) != sorted(rngs):
            raise ValueError(f"it holds dropout generators for layers {sorted(meta['layer_rngs'])}, not {sorted(rngs)}")
        net.set_weights([arrays[f"param.{i}"] for i in range(len(shapes))])
        opt.set_state(states[0])
        for (_, cb), state in zip(stateful, states[1]):
            cb.set_state(state)
        fit_state.rng.bit_generator.state = _from_json(meta["shuffle_rng"])
        net._rng.bit_generator.state = _from_json(meta["network_rng"])
        for i, state in meta["layer_rngs"].items():
            rngs[i].bit_generator.state = _from_json(state)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        net.set_weights(weights)
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise ValueError(f"The 'resume_from' checkpoint is damaged: {detail.rstrip('.')}.") from None
    history = fit_state.history
    history.history = {k: list(v) for k, v in meta["history"]["history"].items()}
    history.epochs = list(meta["history"]["epochs"])
    history.stopped_epoch = meta["history"]["stopped_epoch"]
    net.epochs_trained = meta["epochs_trained"]
    net.stop_training = meta["stop_training"]
    if net.stop_training and history.stopped_epoch is None:
        # written by the epoch that asked to stop, before the loop recorded it
        history.stopped_epoch = net.epochs_trained
    fit_state.start_epoch = meta["fit_start_epoch"]
    if "val_index" in arrays:
        fit_state.val_index = arrays["val_index"]


# -- Ctrl-C ----------------------------------------------------------------------------------------
class InterruptGuard:
    """Context manager used by ``fit``: the first Ctrl-C (SIGINT) only sets ``interrupted``.

    The loop checks the flag after every batch (every chunk of batches on the compiled
    path) and stops cleanly; a second Ctrl-C raises ``KeyboardInterrupt`` at once. The
    handler is installed only in the main thread (the only one where Python allows it)
    and the previous handler is put back on exit.

    Python runs a signal handler only between bytecodes, so two Ctrl-C pressed while
    compiled code runs reach it as one call. To tell them apart, the guard counts the
    signals themselves: it gives :func:`signal.set_wakeup_fd` a pipe, into which the C
    level writes one byte per signal received, and the handler reads the count from it.
    """

    def __init__(self):
        self.interrupted = False
        self._previous = None
        self._installed = False
        self._pipe: tuple[int, int] | None = None
        self._previous_fd = -1

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGINT)
            if previous is not None:  # None: installed outside Python, and could not be put back
                signal.signal(signal.SIGINT, self._handle)
                self._previous, self._installed = previous, True
                self._count_signals()
        return self

    def _count_signals(self) -> None:
        try:
            read, write = os.pipe()
        except OSError:
            return
        os.set_blocking(read, False)
        os.set_blocking(write, False)
        try:
            previous = signal.set_wakeup_fd(write, warn_on_full_buffer=False)
        except (ValueError, OSError):
            previous = None
        if previous is None or previous != -1:
            # someone else (an asyncio loop) owns the wakeup fd: give it back, count by calls
            if previous is not None:
                signal.set_wakeup_fd(previous)
            os.close(read)
            os.close(write)
            return
        self._pipe, self._previous_fd = (read, write), previous

    def _pending(self) -> int:
        """How many SIGINTs arrived since the last call (1 when they cannot be counted)."""
        if self._pipe is None:
            return 1
        try:
            data = os.read(self._pipe[0], 4096)
        except (BlockingIOError, OSError):
            return 1
        return max(1, data.count(bytes([signal.SIGINT])))

    def _handle(self, signum, frame):
        if self.interrupted or self._pending() >= 2:
            self.interrupted = True
            raise KeyboardInterrupt
        self.interrupted = True
        print(
            "bpnn: interrupted; stopping after the current batch (Ctrl-C again to stop at once)",
            file=sys.stderr,
            flush=True,
        )

    def __exit__(self, *exc):
        if self._installed:
            if self._pipe is not None:
                signal.set_wakeup_fd(self._previous_fd)
                for fd in self._pipe:
                    os.close(fd)
                self._pipe = None
            signal.signal(signal.SIGINT, self._previous)
            self._installed = False
        return False
