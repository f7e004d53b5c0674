"""One playground session (one browser tab): settings, data, a bpnn ``Network`` and its pictures.

Everything the page shows is computed here with the real engine: the network is a
:class:`bpnn.Network` trained one epoch at a time by :meth:`bpnn.Network.fit` with the chosen bpnn
optimizer, the decision surface is its ``predict`` over a grid, and a click on a neuron or a weight
is answered by :func:`bpnn.explain.step.explain_step` and :func:`bpnn.explain.render.render`, the
code behind ``bpnn explain``.

Settings arrive from the page as plain JSON and are checked by :func:`validate_settings`; every
problem is a :class:`SettingsError` naming the setting, what was expected and what came.
"""

from __future__ import annotations

import base64
import copy
import math
import os
import re
import tempfile
from dataclasses import asdict, dataclass

import numpy as np

from bpnn.core.activations import ACTIVATIONS
from bpnn.core.layers import Dense, Dropout
from bpnn.core.network import Network
from bpnn.playground.datasets import (
    CLASSIFICATION,
    DATASETS,
    FEATURE_CODE,
    FEATURES,
    REGRESSION,
    features,
    split,
)
from bpnn.training.loop import DivergenceError
from bpnn.training.optimizers import OPTIMIZERS

# -- limits (the page says them when one is passed) ------------------------------------------
MAX_LAYERS = 6
MAX_NEURONS = 50  # seed 004's 25-50-25 network fits
MAX_POINTS = 2000
MIN_POINTS = 20
MAX_LEARNING_RATE = 10.0
MAX_REG_RATE = 10.0
MAX_CLASSES = 4  # the page has a colour for each
MAX_DROPOUT = 0.9
MAX_EDIT = 100.0  # a weight or bias typed into the page
MAX_LM_PARAMS = 400  # LM solves a (parameters x parameters) system every epoch
MAX_UPLOAD_BYTES = 2_000_000
MAX_UPLOAD_ROWS = 5000
F32_MAX = float(np.finfo(np.float32).max)  # the pictures go to the page in float32
GRID = 100  # the decision surface is GRID x GRID
THUMB = 24  # each neuron's small heat map is THUMB x THUMB

# the engine's registries, read at every use: a registered activation or optimizer appears here
HIDDEN_ACTIVATIONS = ACTIVATIONS.view(hidden=True)
OPTIMIZER_NAMES = OPTIMIZERS.view()
REGULARIZATIONS = ("none", "l1", "l2")
INITS = ("random", "zero")  # "zero": every weight and bias starts at 0 (TensorFlow Playground's initZero)
PROBLEMS = (CLASSIFICATION, REGRESSION)
UPLOAD = "upload"


class SettingsError(ValueError):
    """A setting the page sent is not acceptable; ``field`` names it (as in the URL)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Settings:
    """Everything that defines a run; the page keeps it in the URL under these names."""

    dataset: str = "circle"
    problem: str = CLASSIFICATION
    noise: int = 0  # percent, 0..50
    train: int = 50  # percent of the points used for training, 10..90
    points: int = 500
    seed: int = 0
    features: tuple = ("x1", "x2")
    hidden: tuple = (4, 2)
    activation: str = "tanh"
    lr: float = 0.03
    batch: int = 10
    optimizer: str = "sgd"
    reg: str = "none"
    rate: float = 0.0
    # the columns of an uploaded CSV file: two features and the target
    ux: str = ""
    uy: str = ""
    ut: str = ""
    # per hidden layer: its activation and its dropout rate (after validation, one per layer)
    acts: tuple = ()
    dropout: tuple = ()
    init: str = "random"

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("features", "hidden", "acts", "dropout"):
            d[key] = list(getattr(self, key))
        return d


def shown(raw, limit: int = 60) -> str:
    """``repr(raw)`` for a message, cut to about ``limit`` characters (a value may be huge)."""
    if isinstance(raw, int) and abs(raw) >= 10**limit:  # (str() of a huge int is itself refused)
        digits = int((abs(raw).bit_length() - 1) * math.log10(2)) + 1
        return f"a number of {digits + (abs(raw) >= 10**digits)} digits"
    text = repr(raw)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _number(raw, name: str, what: str, low: float, high: float, integer: bool, low_open: bool = False):
    expected = f"{what} {'above' if low_open else 'from'} {low:g} {'up to' if low_open else 'to'} {high:g}"
    refused = SettingsError(name, f"{name}: expected {expected}; got {shown(raw)}")
    if isinstance(raw, bool) or (isinstance(raw, str) and len(raw) > 40):
        raise refused
    if isinstance(raw, int) and not low <= raw <= high:
        raise refused  # checked as an integer: float() of a huge one overflows
    try:
        value = float(raw)
    except (TypeError, ValueError, OverflowError):
        raise refused from None
    if not math.isfinite(value) or value > high or value < low or (low_open and value == low):
        raise refused
    if integer:
        if value != int(value):
            raise refused
        return int(value)
    return value


def _choice(raw, name: str, choices) -> str:
    if not isinstance(raw, str) or raw not in choices:
        raise SettingsError(name, f"{name}: expected one of {', '.join(choices)}; got {shown(raw)}")
    return raw


def validate_settings(raw: dict, upload_columns=None, base: Settings | None = None) -> Settings:
    """Check settings sent by the page and return them as :class:`Settings`.

    Parameters
    ----------
    raw : dict
        Any subset of the :class:`Settings` fields (the rest come from ``base``).
    upload_columns : list of str, optional
        The columns of the CSV file uploaded in this session (needed for ``dataset="upload"``).
    base : Settings, optional
        The settings ``raw`` changes; the defaults if None.

    Raises
    ------
    SettingsError
        For an unknown name or a bad value; the message names the setting, what was expected and what came.
    """
    if not isinstance(raw, dict):
        raise SettingsError("settings", f"settings: expected an object of named settings; got {type(raw).__name__}")
    base = base or Settings()
    known = set(Settings.__dataclass_fields__)
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SettingsError(unknown[0][:40], f"{unknown[0][:40]}: not a setting (known: {', '.join(sorted(known))})")
    s = base.to_dict() | raw
    out: dict = {}
    out["dataset"] = _choice(s["dataset"], "dataset", (*DATASETS, UPLOAD))
    out["problem"] = _choice(s["problem"], "problem", PROBLEMS)
    if out["dataset"] != UPLOAD and DATASETS[out["dataset"]].kind != out["problem"]:
        raise SettingsError(
            "problem",
            f"problem: the dataset {out['dataset']!r} is for {DATASETS[out['dataset']].kind}; got {out['problem']!r}",
        )
    out["noise"] = _number(s["noise"], "noise", "a whole percentage", 0, 50, True)
    out["train"] = _number(s["train"], "train", "a whole percentage", 10, 90, True)
    out["points"] = _number(s["points"], "points", "a whole number of points", MIN_POINTS, MAX_POINTS, True)
    out["seed"] = _number(s["seed"], "seed", "a whole number", 0, 2**31 - 1, True)
    feats = s["features"]
    if isinstance(feats, str):
        feats = [f for f in feats.split(",") if f]
    if not isinstance(feats, (list, tuple)) or not feats or not all(isinstance(f, str) for f in feats):
        raise SettingsError("features", f"features: expected at least one of {', '.join(FEATURES)}; got {shown(feats)}")
    for f in feats:
        _choice(f, "features", tuple(FEATURES))
    if len(set(feats)) != len(feats):
        raise SettingsError("features", f"features: each feature at most once; got {shown(list(feats))}")
    out["features"] = tuple(f for f in FEATURES if f in feats)  # the page's order
    hidden = s["hidden"]
    if isinstance(hidden, str):
        hidden = [h for h in hidden.split(",") if h != ""]
    if not isinstance(hidden, (list, tuple)) or len(hidden) > MAX_LAYERS:
        raise SettingsError(
            "hidden", f"hidden: expected at most {MAX_LAYERS} hidden layers (network size limit); got {shown(hidden)}"
        )
    out["hidden"] = tuple(
        _number(h, "hidden", f"neurons per layer (network size limit {MAX_NEURONS})", 1, MAX_NEURONS, True)
        for h in hidden
    )
    out["activation"] = _choice(s["activation"], "activation", HIDDEN_ACTIVATIONS)
    out["lr"] = _number(s["lr"], "lr", "a learning rate", 0, MAX_LEARNING_RATE, False, low_open=True)
    out["batch"] = _number(s["batch"], "batch", "a batch size", 1, MAX_POINTS, True)
    out["optimizer"] = _choice(s["optimizer"], "optimizer", OPTIMIZER_NAMES)
    out["reg"] = _choice(s["reg"], "reg", REGULARIZATIONS)
    out["rate"] = _number(s["rate"], "rate", "a regularization rate", 0, MAX_REG_RATE, False)
    for key in ("ux", "uy", "ut"):
        if not isinstance(s[key], str):
            raise SettingsError(key, f"{key}: expected a column name; got {shown(s[key])}")
        out[key] = s[key]
    if out["dataset"] == UPLOAD:
        if not upload_columns:
            raise SettingsError("dataset", "dataset: 'upload' needs a CSV file; upload one first")
        for key, what in (("ux", "first feature"), ("uy", "second feature"), ("ut", "target")):
            if out[key] not in upload_columns:
                raise SettingsError(
                    key,
                    f"{key}: the {what} must be a column of the uploaded file ({', '.join(upload_columns)}); "
                    f"got {shown(out[key])}",
                )
        if len({out["ux"], out["uy"], out["ut"]}) != 3:
            raise SettingsError("ut", "ut: the two features and the target must be three different columns")
    if out["optimizer"] in ("lm", "br") and out["reg"] == "l1":
        raise SettingsError(
            "reg",
            f"reg: the {out['optimizer']!r} optimizer cannot take L1 (|w| is not smooth); choose none or l2; got 'l1'",
        )
    if out["optimizer"] == "br" and out["reg"] != "none":
        raise SettingsError(
            "reg", f"reg: the 'br' optimizer sets its own weight decay; choose none; got {out['reg']!r}"
        )
    out.update(_validate_layers(s, out, "acts" not in raw and "activation" in raw))
    return Settings(**out)


def _per_layer(raw, name: str) -> list:
    if isinstance(raw, str):
        raw = [v for v in raw.split(",") if v != ""]
    if not isinstance(raw, (list, tuple)):
        raise SettingsError(name, f"{name}: expected one value per hidden layer; got {shown(raw)}")
    return list(raw)


def _validate_layers(s: dict, out: dict, all_layers: bool) -> dict:
    """The per-layer settings: ``acts`` and ``dropout`` get one entry per hidden layer (a layer added
    without one takes ``activation`` and no dropout; entries of removed layers are dropped), and ``init``.
    ``all_layers``: ``activation`` was set alone, for every layer."""
    n = len(out["hidden"])
    acts = [] if all_layers else [_choice(a, "acts", HIDDEN_ACTIVATIONS) for a in _per_layer(s["acts"], "acts")]
    acts = (acts + [out["activation"]] * n)[:n]
    rates = [
        _number(r, "dropout", "a dropout rate", 0, MAX_DROPOUT, False) for r in _per_layer(s["dropout"], "dropout")
    ]
    rates = (rates + [0.0] * n)[:n]
    if any(rates) and out["optimizer"] in _FULL_BATCH:
        raise SettingsError(
            "dropout",
            f"dropout: the {out['optimizer']!r} optimizer evaluates the network several times per step and needs "
            f"the same answer each time; choose a first-order optimizer (sgd, adam, ...) or no dropout; got {rates}",
        )
    return {"acts": tuple(acts), "dropout": tuple(rates), "init": _choice(s["init"], "init", INITS)}


def _b64(array) -> str:
    # a picture in float32: values beyond its range are drawn at its largest (see Session.diverge_if_undrawable)
    values = np.clip(np.nan_to_num(np.asarray(array, dtype=np.float64)), -F32_MAX, F32_MAX)
    return base64.b64encode(values.astype(np.float32).tobytes()).decode("ascii")


def symbol(name: str, layer, *index) -> str:
    """A quantity as :mod:`bpnn.explain.render` writes it in text, e.g. ``w_21^[2]``, ``δ_1^[1]``."""
    idx = [str(i) for i in index]
    sub = "".join(idx) if all(len(i) == 1 for i in idx) else ",".join(idx)
    return f"{name}_{sub}^[{layer}]"


class Session:
    """One tab's run: the data, the network, its optimizer, and what the page draws.

    Parameters
    ----------
    settings : Settings, optional
    grid : int, default=GRID
        Cells per side of the decision surface.
    """

    def __init__(self, settings: Settings | None = None, grid: int = GRID):
        self.grid = grid
        self.upload: dict | None = None  # {"name", "columns", "data"} of an uploaded CSV file
        self.settings = settings or Settings()
        self.message = ""
        self._make_data()
        self.reset()

    # -- building ------------------------------------------------------------------------
    def apply(self, raw: dict) -> None:
        """Validate new settings and rebuild the data (if they changed it) and the network."""
        columns = None if self.upload is None else self.upload["columns"]
        new = validate_settings(raw, columns, base=self.settings)
        old = self.settings
        self.settings = new
        data_keys = ("dataset", "problem", "noise", "train", "points", "seed", "ux", "uy", "ut")
        try:
            if any(getattr(old, k) != getattr(new, k) for k in data_keys) or not hasattr(self, "P_train"):
                self._make_data()
            self.reset()
        except SettingsError:
            self.settings = old
            self._make_data()
            self.reset()
            raise

    def _make_data(self) -> None:
        s = self.settings
        rng = np.random.default_rng([s.seed, 1])
        if s.dataset == UPLOAD:
            data = self.upload["table"].select([s.ux, s.uy, s.ut]).astype(np.float64)
            # the features are scaled to [-1, 1] (min-max), so that any units train with the same
            # learning rates; a regression target too
            for c in range(3 if s.problem == REGRESSION else 2):
                lo, hi = data[:, c].min(), data[:, c].max()
                data[:, c] = 0.0 if hi == lo else 2.0 * (data[:, c] - lo) / (hi - lo) - 1.0
            P, y = data[:, :2], data[:, 2]
            extent = (-1.1, 1.1, -1.1, 1.1)
            classes = 2
            if s.problem == CLASSIFICATION:
                values, labels = np.unique(y, return_inverse=True)
                if not 2 <= len(values) <= MAX_CLASSES:
                    raise SettingsError(
                        "ut",
                        f"ut: classification needs a target with 2 to {MAX_CLASSES} values (the classes); column "
                        f"{s.ut!r} has {len(values)} (choose regression, or another column)",
                    )
                y, classes = labels.astype(float), len(values)  # class k: the k-th smallest value
            n = len(P)
        else:
            d = DATASETS[s.dataset]
            n = d.fixed_size or s.points
            P, y = d.make(n, s.noise / 100.0, rng)
            extent, classes = d.extent, d.classes
        if s.dataset == "xor4":
            train_idx = test_idx = np.arange(4)  # four points: the test set is the training set
        else:
            train_idx, test_idx = split(n, s.train / 100.0, rng)
        self.extent = tuple(float(e) for e in extent)
        self.classes = classes if s.problem == CLASSIFICATION else 0
        self.P_train, self.y_train = P[train_idx], y[train_idx]
        self.P_test, self.y_test = P[test_idx], y[test_idx]
        xmin, xmax, ymin, ymax = self.extent
        g = self.grid
        # row 0 of the picture is the top (largest x2)
        xs, ys = np.linspace(xmin, xmax, g), np.linspace(ymax, ymin, g)
        self.P_grid = np.column_stack([np.tile(xs, g), np.repeat(ys, g)])
        t = THUMB
        xs, ys = np.linspace(xmin, xmax, t), np.linspace(ymax, ymin, t)
        self.P_thumb = np.column_stack([np.tile(xs, t), np.repeat(ys, t)])

    def _loss_name(self) -> tuple[str, str]:
        """The output activation and the loss."""
        s = self.settings
        if s.problem == REGRESSION:
            return "identity", "mse"
        # LM and BR solve least squares: the classifier's output is fitted by squared error
        least_squares = s.optimizer in ("lm", "br")
        if self.classes > 2:
            return "softmax", ("mse" if least_squares else "categorical_crossentropy")
        return "sigmoid", ("mse" if least_squares else "binary_crossentropy")

    def network_spec(self) -> dict:
        """The network the settings describe: layer sizes, activations, dropout after each hidden layer."""
        s = self.settings
        out_act, loss = self._loss_name()
        sizes = [len(s.features), *s.hidden, self.classes if self.classes > 2 else 1]
        n = len(s.hidden)  # settings not from validate_settings may lack the per-layer lists
        return {
            "sizes": sizes,
            "activations": [*(list(s.acts) + [s.activation] * n)[:n], out_act],
            "dropout": (list(s.dropout) + [0.0] * n)[:n],
            "loss": loss,
            "alpha": s.rate if s.reg == "l2" else 0.0,
            "l1": s.rate if s.reg == "l1" else 0.0,
            "init": s.init,
        }

    def targets(self, y: np.ndarray) -> np.ndarray:
        """The network's targets for labels or values ``y``: one column, or one-hot rows for more than two classes."""
        if self.classes > 2:
            return np.eye(self.classes)[y.astype(int)]
        return y[:, None]

    def reset(self) -> None:
        """A fresh network from the seed (the same initial weights every time), epoch 0."""
        s, spec = self.settings, self.network_spec()
        net = build_network(spec, s.seed)
        if s.optimizer == "lm" and net.n_params > MAX_LM_PARAMS:
            raise SettingsError(
                "optimizer",
                f"optimizer: Levenberg-Marquardt is for small networks (at most {MAX_LM_PARAMS} weights "
                f"and biases); this one has {net.n_params}",
            )
        self.net = net
        self.optimizer = _make_optimizer(s.optimizer, s.lr)
        self.X_train = features(self.P_train, s.features)
        self.X_test = features(self.P_test, s.features)
        self.X_grid = features(self.P_grid, s.features)
        self.X_thumb = features(self.P_thumb, s.features)
        self.epoch = 0
        self.edits: list[tuple] = []  # (epoch, layer, from, neuron, value) of each weight set by hand
        self.history: list[tuple[int, float, float]] = []
        self.previous_weights = net.get_weights()
        self.message = self.batch_note()
        self.diverged = False
        self.history.append((0, *self.losses()))

    # -- training ------------------------------------------------------------------------
    def batch_size(self) -> int | None:
        s = self.settings
        return None if s.optimizer in _FULL_BATCH or s.batch >= len(self.P_train) else s.batch

    def batch_note(self) -> str:
        """What the page says when the batch size is more than the training points (each batch is then
        all of them): a dataset chosen from the menu (the seed's four XOR points) keeps the batch size set
        for the others, and trains."""
        s, n = self.settings, len(self.P_train)
        if s.batch <= n or s.optimizer in _FULL_BATCH:
            return ""
        return f"batch: {s.batch} is more than the {n} training points; each batch is all {n} of them"

    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` epochs, each one call of ``Network.fit`` (seeded by the run's seed and the epoch)."""
        if self.diverged:
            return
        y = self.targets(self.y_train)
        for _ in range(epochs):
            self.previous_weights = self.net.get_weights()
            try:
                self.net.fit(
                    self.X_train,
                    y,
                    epochs=1,
                    batch_size=self.batch_size(),
                    optimizer=self.optimizer,
                    seed=[self.settings.seed, self.epoch],
                    fast=False,
                )
            except DivergenceError as exc:
                self.diverged = True
                self.message = str(exc)
                return
            self.epoch += 1
            self.history.append((self.epoch, *self.losses()))

    def losses(self) -> tuple[float, float]:
        """The data loss (no penalty) on the training and on the test points."""
        net = self.net
        with np.errstate(all="ignore"):
            train = float(net.loss_fn.value(self.targets(self.y_train), net.predict(self.X_train)))
            test = float(net.loss_fn.value(self.targets(self.y_test), net.predict(self.X_test)))
        return train, test

    def accuracies(self) -> list[float] | None:
        """The share of training and of test points classified right (None for regression)."""
        if not self.classes:
            return None
        with np.errstate(all="ignore"):
            return [
                float(np.mean(self.classify(X) == y))
                for X, y in ((self.X_train, self.y_train), (self.X_test, self.y_test))
            ]

    def classify(self, X: np.ndarray) -> np.ndarray:
        """The predicted class of each row of ``X``: the largest softmax output, or the sigmoid output >= 0.5."""
        out = self.net.predict(X)
        return np.argmax(out, axis=1) if out.shape[1] > 1 else (out[:, 0] >= 0.5).astype(int)

    def edit(self, layer, neuron, source, value) -> None:
        """Set one weight (``source`` -> ``neuron`` into ``layer``) or, with ``source`` None, one bias, to ``value``.

        Numbered as in :meth:`explain`. The training goes on from the edited network; the losses of
        the current epoch are those of the edited network.
        """
        dense = self.net._dense_layers()
        layer = _index(layer, "layer", 1, len(dense))
        target = dense[layer - 1]
        neuron = _index(neuron, "neuron", 1, target.n_out)
        value = _number(value, "value", "a weight", -MAX_EDIT, MAX_EDIT, False)
        if source is None:
            target.bias[neuron - 1] = value
        else:
            source = _index(source, "from", 1, target.n_in)
            target.weights[source - 1, neuron - 1] = value
        self.edits.append((self.epoch, layer, source, neuron, value))
        self.history[-1] = (self.epoch, *self.losses())

    # -- what the page draws -------------------------------------------------------------
    def _activations(self, X) -> list[np.ndarray]:
        # what each neuron outputs at test time (dropout layers pass everything through then)
        acts = [X]
        for layer in self.net._dense_layers():
            acts.append(layer.forward(acts[-1]))
        return acts

    def frame(self) -> dict:
        """The numbers of one picture: losses, the decision surface, every neuron's heat map, the weights."""
        net = self.net
        with np.errstate(all="ignore"):
            out = net.predict(self.X_grid)  # (cells, classes) for more than two classes, else (cells, 1)
            thumbs = self._activations(self.X_thumb)
        self.diverge_if_undrawable([out, *thumbs])
        layers = net._dense_layers()
        epoch, train, test = self.history[-1]
        return {
            "type": "frame",
            "epoch": epoch,
            "train_loss": train,
            "test_loss": test,
            "output": _b64(out),
            "neurons": [[_b64(a[:, j]) for j in range(a.shape[1])] for a in thumbs],
            "weights": [layer.weights.tolist() for layer in layers],
            "biases": [layer.bias.tolist() for layer in layers],
            "accuracy": self.accuracies(),
            "message": self.message,
        }

    def diverge_if_undrawable(self, arrays) -> None:
        """Stop the run with the divergence message when the network's values on the plane are no longer
        numbers a picture can hold (infinite, NaN, or beyond float32) although the loss was still finite."""
        if self.diverged:
            return
        worst = max(float(np.max(np.abs(np.nan_to_num(a, nan=np.inf)), initial=0.0)) for a in arrays)
        if worst <= F32_MAX:
            return
        self.diverged = True
        lr = getattr(self.optimizer, "learning_rate", None)
        self.message = (
            f"Training diverged: at epoch {self.epoch} the network's values on the plane grew beyond "
            f"{F32_MAX:.3g}, too large to draw. Try a smaller learning_rate"
            + (f" (it was {lr})." if isinstance(lr, float) else ".")
        )

    def state(self) -> dict:
        """Everything but the frames: settings, points, sizes, the loss curve so far."""
        s = self.settings
        return {
            "type": "state",
            "settings": s.to_dict(),
            "extent": self.extent,
            "grid": self.grid,
            "thumb": THUMB,
            "train": {"x": self.P_train.tolist(), "y": self.y_train.tolist()},
            "test": {"x": self.P_test.tolist(), "y": self.y_test.tolist()},
            "sizes": self.network_spec()["sizes"],
            "classes": self.classes,
            "loss": self.network_spec()["loss"],
            "history": self.history,
            "upload": self.upload_info(),
            "full_batch": s.optimizer in _FULL_BATCH,
        }

    # -- explain -------------------------------------------------------------------------
    def explain(self, layer: int, neuron: int | None = None, source: int | None = None, sample: int = 0) -> dict:
        """The numbers of one neuron (``layer``, ``neuron``) or one weight (``source`` -> ``neuron`` into
        ``layer``) for one training sample in the current step, as ``bpnn explain`` writes them.

        ``layer`` counts the first hidden layer as 1; neurons count from 1; ``source`` is the neuron of
        layer ``layer - 1`` (an input feature for ``layer = 1``).
        """
        from bpnn.explain.render import render
        from bpnn.explain.step import explain_step

        dense = self.net._dense_layers()
        layer = _index(layer, "layer", 1, len(dense))
        n_out = dense[layer - 1].n_out
        neuron = _index(neuron, "neuron", 1, n_out)
        if source is not None:
            source = _index(source, "from", 1, dense[layer - 1].n_in)
        sample = _index(sample, "sample", 0, len(self.X_train) - 1)
        lr = self.settings.lr
        y = self.targets(self.y_train[sample : sample + 1])
        step = explain_step(_test_time(self.net), self.X_train[sample : sample + 1], y, lr)
        text = render(step, "text", digits=6)
        rec = step.layers[layer - 1]
        j = neuron - 1
        values = {"z": float(rec.z[0, j]), "a": float(rec.a[0, j]), "delta": float(rec.delta[0, j])}
        if layer == len(dense) and self.classes > 2:
            values["target"] = float(y[0, j])  # this output's entry of the one-hot target
        dropout = self.settings.dropout
        if layer <= len(dropout) and dropout[layer - 1]:
            values["dropout"] = dropout[layer - 1]
        layer_now = dense[layer - 1]
        if source is None:
            targets = [
                symbol("z", layer, neuron),
                symbol("a", layer, neuron),
                symbol("δ", layer, neuron),
                "∂L/∂" + symbol("b", layer, neuron),
                symbol("b", layer, neuron),
            ]
            values.update(
                {
                    "bias": float(rec.bias[j]),
                    "gradient": float(rec.grad_bias[j]),
                    "update": float(rec.new_bias[j] - rec.bias[j]),
                    "new": float(rec.new_bias[j]),
                    "last_change": float(layer_now.bias[j] - self.previous_weights[2 * (layer - 1) + 1][j]),
                }
            )
        else:
            i = source - 1
            targets = [
                symbol("a", layer - 1, source) if layer > 1 else None,
                symbol("δ", layer, neuron),
                "∂L/∂" + symbol("w", layer, source, neuron),
                symbol("w", layer, source, neuron),
            ]
            values.update(
                {
                    "input": float(rec.inputs[0, i]),
                    "weight": float(rec.weights[i, j]),
                    "gradient": float(rec.grad_weights[i, j]),
                    "update": float(rec.new_weights[i, j] - rec.weights[i, j]),
                    "new": float(rec.new_weights[i, j]),
                    "last_change": float(layer_now.weights[i, j] - self.previous_weights[2 * (layer - 1)][i, j]),
                }
            )
        return {
            "type": "explain",
            "layer": layer,
            "neuron": neuron,
            "from": source,
            "sample": sample,
            "point": self.P_train[sample].tolist(),
            "target": float(self.y_train[sample]),
            "classes": self.classes,
            "dropout": list(self.settings.dropout),
            "learning_rate": lr,
            "optimizer": self.settings.optimizer,
            "values": values,
            "lines": _select_lines(text, [t for t in targets if t]),
            "rule": learning_rule(self.optimizer),
            "trace": text,
        }

    # -- upload ---------------------------------------------------------------------------
    def load_csv(self, name: str, content: bytes) -> dict:
        """Read an uploaded CSV file as ``bpnn train`` reads a table: its reader (the checks and
        messages) and its schema (:func:`bpnn.tables.schema.decide_schema`), which decides every
        column's role. Identifiers and constant columns are dropped, with the schema's reason in
        the returned ``notes``; a column of another role than numbers (dates, categories, free
        text) is refused with the schema's reason; the number columns are offered."""
        from bpnn.io.frames import read_frame

        if len(content) > MAX_UPLOAD_BYTES:
            raise SettingsError(
                "upload", f"upload: the file is {len(content):,} bytes; the limit is {MAX_UPLOAD_BYTES:,} bytes"
            )
        safe = upload_name(name)
        with tempfile.TemporaryDirectory(prefix="bpnn-playground-") as tmp:
            path = os.path.join(tmp, "upload.csv")  # the name the browser sent never reaches the disk
            with open(path, "wb") as f:
                f.write(content)
            try:
                frame = read_frame(path)
                table, notes = _upload_table(frame, safe)
            except ValueError as exc:  # DataError: one line naming the file, the line, the column
                raise SettingsError("upload", str(exc).replace(path, safe)) from None
        if len(table) > MAX_UPLOAD_ROWS:
            raise SettingsError("upload", f"upload: {safe} has {len(table):,} rows; the limit is {MAX_UPLOAD_ROWS:,}")
        if len(table) < 4:
            raise SettingsError("upload", f"upload: {safe} has {len(table)} rows; at least 4 are needed")
        self.upload = {"name": safe, "columns": list(table.columns), "table": table, "notes": notes}
        if self.settings.dataset == UPLOAD:
            # the run was on the previous file: back to the default data until columns are chosen
            self.settings = Settings()
            self._make_data()
            self.reset()
        return self.upload_info()

    def upload_info(self) -> dict | None:
        """What the page shows of the uploaded file: its name, the columns offered, the rows, the notes."""
        if self.upload is None:
            return None
        u = self.upload
        return {"name": u["name"], "columns": u["columns"], "rows": len(u["table"]), "notes": u["notes"]}

    # -- export ---------------------------------------------------------------------------
    def export_model(self) -> bytes:
        """The network as a ``.bpnn`` model file (inputs: the chosen features of a point)."""
        with tempfile.TemporaryDirectory(prefix="bpnn-playground-") as tmp:
            path = os.path.join(tmp, "playground.bpnn")
            self.net.save(path)
            with open(path, "rb") as f:
                return f.read()

    def export_predict(self) -> str:
        """A standalone NumPy file with ``predict`` (``bpnn export``'s) and ``predict_points`` for raw points."""
        from bpnn.io.export import export_python

        s = self.settings
        code = export_python(self.net, source=f"the bpnn playground ({s.dataset}, epoch {self.epoch})")
        names = [FEATURES[f][1] for f in s.features]
        extra = (
            "\n\n# -- added by the bpnn playground: the network's inputs are features of a point (x1, x2) --\n"
            f"POINT_FEATURES = {names!r}\n\n\n"
            "def point_features(P):\n"
            '    """The network\'s inputs for points P of shape (n, 2): the columns POINT_FEATURES."""\n'
            "    P = np.asarray(P, dtype=np.float64).reshape(-1, 2)\n"
            f"    return np.column_stack([{', '.join(FEATURE_CODE[f] for f in s.features)}])\n\n\n"
            "def predict_points(P):\n"
            '    """The network\'s output for points P of shape (n, 2)."""\n'
            "    return predict(point_features(P))\n"
        )
        marker = '\nif __name__ == "__main__":'
        if marker in code:
            head, tail = code.split(marker, 1)
            return head.rstrip("\n") + "\n" + extra + "\n" + marker + tail
        return code + extra

    def export_script(self) -> str:
        """A Python script that repeats this run with bpnn and ends with the same weights."""
        return script(self)


_FULL_BATCH = OPTIMIZERS.view(full_batch=True)
MAX_NAME = 100  # characters of an uploaded file's name kept to show it


def _upload_table(frame, safe: str):
    """The number columns of an uploaded ``frame`` as the schema decides them, as a Table, and
    one note per dropped column (the schema's reason); a ValueError for a column the
    playground cannot take (any role but number, identifier and constant) or an empty cell."""
    from bpnn.io.csvdata import Table
    from bpnn.tables.schema import decide_schema

    schema = decide_schema(frame, [])
    for column in schema.columns:
        if column.role not in ("number", "identifier", "constant"):
            raise ValueError(
                f"upload: {safe}: column {column.name!r} is a {column.role} column ({column.reason}); the playground "
                "takes columns of numbers: remove it from the file (bpnn train reads it)"
            )
    notes = [" ".join(line.split()) for line in schema.lines() if line.endswith(", dropped")]
    numbers = schema.names("number")
    if len(numbers) < 3:
        also = f" ({'; '.join(notes)})" if notes else ""
        raise ValueError(
            f"upload: {safe} has {len(numbers)} column(s) of numbers{also}; "
            "the playground needs two features and a target"
        )
    for name in numbers:
        holes = frame.missing(name)
        if holes.any():
            raise ValueError(
                frame.missing_message(name, int(np.flatnonzero(holes)[0]))
                + "; the playground needs every cell of its columns filled"
            )
    data = np.column_stack([np.asarray(frame.values[name], dtype=np.float64) for name in numbers])
    return Table(numbers, data, source=safe), notes


def upload_name(name) -> str:
    """The name an uploaded file is shown by: the last part of the name the browser sent, its
    printable characters, at most ``MAX_NAME`` of them (the extension kept); ``upload.csv`` when
    nothing is left of it, or only ``.`` or ``..``."""
    base = re.split(r"[\\/]", name if isinstance(name, str) else "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if base in ("", ".", ".."):
        return "upload.csv"
    if len(base) > MAX_NAME:
        stem, dot, ext = base.rpartition(".")
        ext = ext if dot and stem and len(ext) <= 10 else ""
        base = base[: MAX_NAME - len(ext) - 4] + "..." + (f".{ext}" if ext else "")
    return base


def build_network(spec: dict, seed: int) -> Network:
    """The network of :meth:`Session.network_spec`: Dense layers, a Dropout layer after each hidden
    layer with a rate above 0, the weights drawn from ``seed`` in layer order (or all 0 for ``init="zero"``)."""
    sizes, acts, rates = spec["sizes"], spec["activations"], spec["dropout"]
    layers: list = []
    for i in range(len(sizes) - 1):
        layers.append(Dense(sizes[i], sizes[i + 1], acts[i]))
        if i < len(rates) and rates[i] > 0:
            layers.append(Dropout(rates[i]))
    net = Network(layers, loss=spec["loss"], seed=seed, alpha=spec["alpha"], l1=spec["l1"])
    if spec["init"] == "zero":
        net.set_weights([np.zeros_like(p) for p in net.params])
    return net


def _test_time(net: Network) -> Network:
    """``net`` as it predicts: its Dense layers alone (a Dropout layer passes everything through at test time)."""
    if all(isinstance(layer, Dense) for layer in net.layers):
        return net
    twin = copy.copy(net)
    twin.layers = net._dense_layers()
    return twin


def _make_optimizer(name: str, lr: float):
    factory = OPTIMIZERS[name]
    if getattr(factory, "uses_learning_rate", True):
        return factory(learning_rate=lr)
    return factory()


def learning_rule(optimizer) -> str:
    """The optimizer's update rule as its own docstring states it, and its settings."""
    import inspect

    doc = (inspect.getdoc(type(optimizer)) or type(optimizer).__name__).split("\nParameters\n")[0]
    text = "\n\n".join(doc.split("\n\n")[:3]).replace("``", "")
    config = optimizer.get_config() if callable(getattr(optimizer, "get_config", None)) else {}
    settings = ", ".join(f"{k}={v!r}" for k, v in config.items())
    return f"{text}\n\n{type(optimizer).__name__}({settings})"


def _index(value, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise SettingsError(name, f"{name}: expected a whole number from {low} to {high}; got {shown(value)}")
    return value


def _select_lines(text: str, symbols: list[str]) -> list[str]:
    """The equation lines of a ``bpnn explain`` text that define ``symbols`` (with their wrapped parts)."""
    out, keep = [], False
    for line in text.splitlines():
        stripped = line.strip()
        starts = any(stripped.startswith(sym + " =") or stripped.startswith(sym + " ←") for sym in symbols)
        if starts:
            out.append(line)
            keep = True
        elif keep and line.startswith("     ") and stripped.startswith("="):
            out.append(line)  # a formula wrapped onto the next line
        else:
            keep = False
    return out


def _literal(values) -> str:
    return "[" + ", ".join(repr(float(v)) for v in np.ravel(values)) + "]"


def script(session: Session) -> str:
    """The source of a script that rebuilds the session's data and network and trains it as the page did."""
    s, spec = session.settings, session.network_spec()
    sizes, acts, rates = spec["sizes"], spec["activations"], spec["dropout"]
    layers = ",\n    ".join(
        f"bpnn.Dense({sizes[i]}, {sizes[i + 1]}, {acts[i]!r})"
        + (f", bpnn.Dropout({rates[i]!r})" if i < len(rates) and rates[i] > 0 else "")
        for i in range(len(sizes) - 1)
    )
    zero = "net.set_weights([np.zeros_like(p) for p in net.params])  # every weight and bias starts at 0\n"
    if session.classes > 2:
        labels = "(the class of each point, one-hot)"
        targets = f"np.eye({session.classes})[np.array({{}}, dtype=int)]"
    else:
        labels = ""
        targets = "np.array({}).reshape(-1, 1)"
    factory = OPTIMIZERS[s.optimizer]
    opt = (
        f"bpnn.get_optimizer({s.optimizer!r}, learning_rate={s.lr!r})"
        if getattr(factory, "uses_learning_rate", True)
        else f"bpnn.get_optimizer({s.optimizer!r})"
    )
    bs = session.batch_size()
    feats = ", ".join(FEATURE_CODE[f] for f in s.features)
    return f'''"""Repeat a bpnn playground run with bpnn: the same data, network, optimizer and epochs.

Settings: {s.to_dict()!r}
The network's inputs are {[FEATURES[f][1] for f in s.features]!r} of each point (x1, x2).
Run: python this_file.py [model.bpnn]  (prints the losses; saves the trained network if a path is given)
"""

import sys

import numpy as np

import bpnn

# The points as the playground drew them (uploaded columns are already scaled to [-1, 1]).
P_TRAIN = np.array({_literal(session.P_train)}).reshape(-1, 2)
# The targets {labels}
Y_TRAIN = {targets.format(_literal(session.y_train))}
P_TEST = np.array({_literal(session.P_test)}).reshape(-1, 2)
Y_TEST = {targets.format(_literal(session.y_test))}
EPOCHS = {session.epoch}
SEED = {s.seed}
# weights and biases set by hand in the page: (epoch, layer, from or None for a bias, neuron, value)
EDITS = {session.edits!r}


def features(P):
    return np.column_stack([{feats}])


# The initial weights come from the seed, drawn layer by layer as the playground draws them.
net = bpnn.Network([
    {layers},
], loss={spec["loss"]!r}, seed=SEED, alpha={spec["alpha"]!r}, l1={spec["l1"]!r})
{zero if spec["init"] == "zero" else ""}optimizer = {opt}
dense = [layer for layer in net.layers if isinstance(layer, bpnn.Dense)]
X, X_test = features(P_TRAIN), features(P_TEST)
for epoch in range(EPOCHS + 1):
    for when, layer, source, neuron, value in EDITS:
        if when == epoch and source is None:
            dense[layer - 1].bias[neuron - 1] = value
        elif when == epoch:
            dense[layer - 1].weights[source - 1, neuron - 1] = value
    if epoch < EPOCHS:
        # one epoch per call, its shuffling seeded by (SEED, epoch), as the page trains
        net.fit(X, Y_TRAIN, epochs=1, batch_size={bs!r}, optimizer=optimizer, seed=[SEED, epoch], fast=False)

print(f"epoch {{EPOCHS}}: training loss {{net.loss_fn.value(Y_TRAIN, net.predict(X)):.6f}}, "
      f"test loss {{net.loss_fn.value(Y_TEST, net.predict(X_test)):.6f}}")
if len(sys.argv) > 1:
    net.save(sys.argv[1])
'''


# Presets: each seed experiment, and a setting known to learn every dataset. "epochs" is how many
# epochs it needs: tests/test_playground.py trains each one that long and checks that the test
# accuracy (classification) or R^2 (regression) reaches "min_score" (0.9 when not given).
def _preset(name, dataset, problem, hidden, activation, optimizer, lr, batch, epochs, *, min_score=None, **more):
    """One preset: its settings (the playground's defaults for features, regularization and
    anything not given) and the epochs after which tests/test_playground*.py expect it to score."""
    settings = {
        "dataset": dataset,
        "problem": problem,
        "features": ["x1", "x2"],
        "hidden": hidden,
        "activation": activation,
        "optimizer": optimizer,
        "lr": lr,
        "batch": batch,
        "reg": "none",
        "rate": 0.0,
    }
    settings.update(more)
    preset = {"settings": settings, "epochs": epochs}
    if min_score is not None:
        preset["min_score"] = min_score
    return name, preset


# name, dataset, problem, hidden layers, activation, optimizer, learning rate, batch size, epochs, other settings
PRESETS: dict[str, dict] = dict(
    [
        _preset("seed000-xor", "xor4", CLASSIFICATION, [3], "sigmoid", "sgd", 3.0, 4, 2000),
        _preset("seed003-binary", "gauss", CLASSIFICATION, [2], "relu", "sgd", 0.1, 250, 200, noise=10),
        _preset(
            "seed004-moons",
            "moons",
            CLASSIFICATION,
            [25, 50, 25],
            "sigmoid",
            "sgd",
            0.01,
            1,
            60,
            noise=20,
            points=1000,
            train=70,
            min_score=0.8,
        ),
        _preset("seed004-sine", "sine", REGRESSION, [10], "tanh", "sgd", 0.1, 32, 200, noise=0, features=["x1"]),
        _preset("good-circle", "circle", CLASSIFICATION, [6], "tanh", "adam", 0.03, 10, 60),
        _preset("good-xor", "xor", CLASSIFICATION, [4], "tanh", "adam", 0.03, 10, 60, features=["x1", "x2", "x1x2"]),
        _preset("good-gauss", "gauss", CLASSIFICATION, [], "tanh", "sgd", 0.03, 10, 30),
        _preset(
            "good-spiral",
            "spiral",
            CLASSIFICATION,
            [8, 8, 6],
            "tanh",
            "adam",
            0.01,
            10,
            400,
            features=["x1", "x2", "sinx1", "sinx2"],
        ),
        _preset(
            "good-spiral3",
            "spiral3",
            CLASSIFICATION,
            [12, 8],
            "tanh",
            "adam",
            0.03,
            10,
            150,
            features=["x1", "x2", "sinx1", "sinx2"],
        ),
        _preset("good-blobs4", "blobs4", CLASSIFICATION, [4], "tanh", "adam", 0.03, 10, 30),
        _preset(
            "dropout-moons",
            "moons",
            CLASSIFICATION,
            [16, 8],
            "tanh",
            "adam",
            0.01,
            10,
            100,
            noise=10,
            acts=["relu", "tanh"],
            dropout=[0.2, 0.0],
        ),
        _preset(
            "good-moons", "moons", CLASSIFICATION, [8, 8], "relu", "adam", 0.01, 10, 100, noise=10, reg="l2", rate=0.001
        ),
        _preset("good-xor4-lm", "xor4", CLASSIFICATION, [3], "tanh", "lm", 0.03, 4, 50),
        _preset("good-plane", "plane", REGRESSION, [], "tanh", "sgd", 0.01, 10, 30, noise=0),
        _preset(
            "good-multigauss", "multigauss", REGRESSION, [8, 8], "tanh", "adam", 0.03, 10, 300, noise=0, min_score=0.7
        ),
        _preset("good-sine", "sine", REGRESSION, [10], "tanh", "adam", 0.03, 10, 100, noise=0, features=["x1"]),
    ]
)


def catalog() -> dict:
    """What the page's menus offer: datasets (name -> kind) and their classes, optimizers, activations,
    features, initializations, presets, limits."""
    return {
        "datasets": {name: d.kind for name, d in DATASETS.items()},
        "classes": {name: d.classes for name, d in DATASETS.items() if d.kind == CLASSIFICATION},
        "inits": list(INITS),
        "optimizers": list(OPTIMIZER_NAMES),
        "activations": list(HIDDEN_ACTIVATIONS),
        "features": {name: label for name, (_, label) in FEATURES.items()},
        # whole settings (the defaults where a preset says nothing), so that a preset is the same run
        # whatever was on the page before
        "presets": {name: validate_settings(p["settings"]).to_dict() for name, p in PRESETS.items()},
        "limits": {
            "layers": MAX_LAYERS,
            "neurons": MAX_NEURONS,
            "points": MAX_POINTS,
            "upload_bytes": MAX_UPLOAD_BYTES,
            "dropout": MAX_DROPOUT,
            "edit": MAX_EDIT,
        },
    }


__all__ = ["PRESETS", "catalog", "Session", "Settings", "SettingsError", "validate_settings", "script", "symbol"]
