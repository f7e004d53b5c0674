"""Saving and loading networks and table models: one safe file, never any code.

A model file is a :mod:`bpnn.io.container`: NumPy arrays (weights, biases, scaler
statistics, class labels, loss curves) plus a JSON document that says how to rebuild
the object around them (layer classes and sizes, activation and loss *names*, dtype,
feature names, settings, metrics). Loading reads numbers and names only; it never
unpickles, and a class named in the file is only ever looked up in a fixed list of
bpnn's own (and scikit-learn's two scalers), so opening a model file from someone
else cannot run code. The flip side: only what bpnn can name can be
saved. A user-defined activation, loss or layer is refused at save time with an
error that names it.

Saving is atomic (a temporary file renamed over the target), and every problem
with a file on loading is a :class:`~bpnn.io.ModelFileError` with a one-line
message.

>>> import numpy as np, bpnn, tempfile, pathlib
>>> net = bpnn.Network([bpnn.Dense(3, 4, "tanh"), bpnn.Dense(4, 1)], seed=0)
>>> path = pathlib.Path(tempfile.mkdtemp()) / "net.bpnn"
>>> net.save(path)
>>> X = np.ones((2, 3))
>>> bool((bpnn.load(path).predict(X) == net.predict(X)).all())
True
"""

from __future__ import annotations

import json
import numbers
import os
from typing import Any

import numpy as np

from bpnn.core.activations import ACTIVATIONS
from bpnn.core.layers import Dense, Dropout, Layer
from bpnn.core.losses import LOSSES
from bpnn.core.network import Network, NeuralNetwork
from bpnn.io.container import ModelFileError, load_container, save_container
from bpnn.io.encoding import TableEncoder
from bpnn.io.scaling import Scaler, scaler_from_state

__all__ = ["Model", "load", "save", "save_network", "network_to_parts", "network_from_parts"]

KIND_NETWORK = "network"
KIND_MODEL = "model"

_NETWORK_CLASSES = {"Network": Network, "NeuralNetwork": NeuralNetwork}
TASKS = ("regression", "classification")


# --------------------------------------------------------------------------- #
# Networks


def _layer_classes() -> dict[str, type]:
    return {"Dense": Dense, "Layer": Layer, "Dropout": Dropout}


def _named_config(obj: Any, table: dict[str, type], what: str, where: str) -> dict:
    """``{"name": ..., "config": {...}}`` for a built-in activation or loss, or a clear error.

    The object must be exactly one of the classes in ``table`` (not a subclass, whose
    overridden methods a file could not carry), and rebuilding it from its plain
    attributes must give the same attributes back.
    """
    cls = type(obj)
    names = [name for name, c in table.items() if c is cls]
    if not names:
        raise ValueError(
            f"Cannot save {where}: its {what} {cls.__name__} is user-defined. A bpnn model file "
            f"stores built-in {what}s by name ({', '.join(sorted(set(c.name for c in table.values())))}) "
            "and never stores code; use a built-in one, or save the weights yourself with get_weights()."
        )
    name = getattr(obj, "name", names[0])
    name = name if table.get(name) is cls else names[0]
    config = {k: v for k, v in vars(obj).items() if not k.startswith("_")}
    if not all(isinstance(v, (bool, numbers.Real, str)) for v in config.values()):
        raise ValueError(
            f"Cannot save {where}: its {what} {cls.__name__} holds settings that are not "
            f"plain numbers or strings: {config!r}."
        )
    rebuilt = {k: v for k, v in vars(cls(**config)).items() if not k.startswith("_")}
    if rebuilt != config:
        raise ValueError(f"Cannot save {where}: its {what} {cls.__name__} cannot be rebuilt from {config!r}.")
    return {"name": name, "config": config}


def network_to_parts(net: Network, prefix: str = "") -> tuple[dict[str, np.ndarray], dict]:
    """Split a network into arrays and a JSON-ready description (see :func:`network_from_parts`).

    Parameters
    ----------
    net : Network
    prefix : str, default=""
        Put in front of every array name, so that several networks fit in one file.

    Returns
    -------
    arrays : dict of str to ndarray
        ``"<prefix>layer<i>.weights"`` of shape (n_in, n_out) and ``"<prefix>layer<i>.bias"``
        of shape (n_out,) for every layer with parameters.
    config : dict
        The network's class, layers, loss, dtype, ``alpha`` and ``epochs_trained``.

    Raises
    ------
    ValueError
        If a layer, activation or loss is user-defined (it could not be rebuilt
        without running code), or the network has no layers.
    """
    if not isinstance(net, Network):
        raise TypeError(f"Expected a bpnn Network; got {type(net).__name__}.")
    if type(net).__name__ not in _NETWORK_CLASSES or _NETWORK_CLASSES[type(net).__name__] is not type(net):
        raise ValueError(f"Cannot save a {type(net).__name__}: only Network and NeuralNetwork can be saved.")
    if not net.layers:
        raise ValueError("Cannot save a network without layers.")
    layer_classes = _layer_classes()
    arrays: dict[str, np.ndarray] = {}
    layers = []
    for i, layer in enumerate(net.layers):
        cls_name = type(layer).__name__
        if layer_classes.get(cls_name) is not type(layer):
            raise ValueError(
                f"Cannot save layer {i} ({cls_name}): a bpnn model file stores only the layer classes "
                f"{sorted(layer_classes)} and never stores code."
            )
        if cls_name == "Dropout":
            # The generator's state too, so that training after loading draws the same masks.
            rng = getattr(layer, "rng", None)
            state = rng.bit_generator.state if rng is not None else None
            layers.append({"class": cls_name, "rate": float(layer.rate), "seed": layer.seed, "rng_state": state})
            continue
        act = _named_config(layer.activation, ACTIVATIONS, "activation", f"layer {i}")
        layers.append(
            {
                "class": cls_name,
                "n_in": layer.n_in,
                "n_out": layer.n_out,
                "activation": act["name"],
                "activation_config": act["config"],
                "use_bias": layer.bias is not None,
            }
        )
        arrays[f"{prefix}layer{i}.weights"] = layer.weights
        if layer.bias is not None:
            arrays[f"{prefix}layer{i}.bias"] = layer.bias
    loss = _named_config(net.loss_fn, LOSSES, "loss", "the network")
    config = {
        "class": type(net).__name__,
        "layers": layers,
        "loss": loss["name"],
        "loss_config": loss["config"],
        "dtype": net.dtype.name,
        "alpha": net.alpha,
        "l1": float(getattr(net, "l1", 0.0)),
        "epochs_trained": int(net.epochs_trained),
    }
    return arrays, config


def network_from_parts(
    arrays: dict[str, np.ndarray], config: Any, prefix: str = "", source: str = "the model file"
) -> Network:
    """Rebuild a network from :func:`network_to_parts` output, checking everything.

    Raises
    ------
    ModelFileError
        If the description is incomplete or unknown, or an array is missing or has
        the wrong shape or dtype; the message names ``source``.
    """

    def bad(message: str) -> ModelFileError:
        return ModelFileError(f"{source}: {message}")

    if not isinstance(config, dict):
        raise bad("the network description is missing")
    for key in ("class", "layers", "loss", "dtype", "alpha", "epochs_trained"):
        if key not in config:
            raise bad(f"the network description lacks {key!r}")
    cls = _NETWORK_CLASSES.get(config["class"])
    if cls is None:
        raise bad(f"unknown network class {config['class']!r} (written by a newer bpnn?)")
    if config["dtype"] not in ("float32", "float64"):
        raise bad(f"unsupported dtype {config['dtype']!r}")
    dtype = np.dtype(config["dtype"])
    if not isinstance(config["layers"], list) or not config["layers"]:
        raise bad("the network has no layers")
    epochs = config["epochs_trained"]
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
        raise bad(f"epochs_trained must be a non-negative integer; found {epochs!r}")

    layer_classes = _layer_classes()
    layers = []
    for i, spec in enumerate(config["layers"]):
        if not isinstance(spec, dict) or spec.get("class") not in layer_classes:
            found = spec.get("class") if isinstance(spec, dict) else spec
            raise bad(f"layer {i} has unknown class {found!r} (written by a newer bpnn?)")
        if spec["class"] == "Dropout":
            try:
                layer = layer_classes["Dropout"](spec["rate"], spec.get("seed"))
                if spec.get("rng_state") is not None:
                    layer.rng = np.random.default_rng()
                    layer.rng.bit_generator.state = spec["rng_state"]
            except (KeyError, TypeError, ValueError) as exc:
                raise bad(f"layer {i} (Dropout) is damaged: {exc}") from None
            layers.append(layer)
            continue
        for key in ("n_in", "n_out", "activation", "use_bias"):
            if key not in spec:
                raise bad(f"layer {i} lacks {key!r}")
        n_in, n_out = spec["n_in"], spec["n_out"]
        if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in (n_in, n_out)):
            raise bad(f"layer {i} has sizes n_in={n_in!r}, n_out={n_out!r}; expected positive integers")
        act_cls = ACTIVATIONS.get(spec["activation"]) if isinstance(spec["activation"], str) else None
        if act_cls is None:
            raise bad(f"layer {i} has unknown activation {spec['activation']!r} (written by a newer bpnn?)")
        try:
            activation = act_cls(**spec.get("activation_config", {}))
        except (TypeError, ValueError) as exc:
            raise bad(f"layer {i}'s activation {spec['activation']!r} has bad settings: {exc}") from None
        weights = _array(arrays, f"{prefix}layer{i}.weights", (n_in, n_out), dtype, bad)
        bias = _array(arrays, f"{prefix}layer{i}.bias", (n_out,), dtype, bad) if spec["use_bias"] else False
        try:
            layers.append(layer_classes[spec["class"]](n_in, n_out, activation=activation, weights=weights, bias=bias))
        except (TypeError, ValueError) as exc:
            raise bad(f"layer {i} cannot be rebuilt: {exc}") from None

    loss_cls = LOSSES.get(config["loss"]) if isinstance(config["loss"], str) else None
    if loss_cls is None:
        raise bad(f"unknown loss {config['loss']!r} (written by a newer bpnn?)")
    try:
        loss = loss_cls(**config.get("loss_config", {}))
        net = cls(layers, loss=loss, dtype=dtype, alpha=config["alpha"], l1=config.get("l1", 0.0))
    except (TypeError, ValueError) as exc:
        raise bad(f"the network cannot be rebuilt: {exc}") from None
    net.epochs_trained = epochs
    return net


def _array(arrays: dict, name: str, shape: tuple, dtype: np.dtype, bad) -> np.ndarray:
    if name not in arrays:
        raise bad(f"array {name!r} is missing")
    value = arrays[name]
    if value.shape != shape:
        raise bad(f"array {name!r} has shape {value.shape}, but the architecture needs {shape}")
    if value.dtype != dtype:
        raise bad(f"array {name!r} has dtype {value.dtype}, but the network is {dtype.name}")
    if not np.isfinite(value).all():
        raise bad(f"array {name!r} holds NaN or infinite values")
    return value


def save_network(net: Network, path) -> None:
    """Save ``net`` (architecture, loss, dtype, alpha, weights, epochs trained) to ``path``, atomically."""
    arrays, config = network_to_parts(net)
    save_container(path, arrays, {"network": config}, kind=KIND_NETWORK)


# --------------------------------------------------------------------------- #
# Table models


class Model:
    """A network with everything needed to apply it to a table: what ``bpnn train`` saves.

    ``predict`` takes raw feature columns in the order of ``feature_names``, scales
    them as in training, runs the network and returns targets in their original
    units (regression) or class labels (classification).

    Parameters
    ----------
    network : Network
        Trained on scaled inputs; for classification its output has one column per class.
    x_scaler : Scaler
        Fitted on the training inputs.
    y_scaler : Scaler or None
        Fitted on the training targets (regression); None for classification.
    feature_names : list of str
        The input columns, in the network's input order.
    target_names : list of str
        The target columns (one for classification).
    task : {"regression", "classification"}
    classes : array of shape (n_classes,), optional
        Class labels, in the order of the network's outputs (classification only).
    settings : dict, optional
        How it was trained (solver, split, seed, ...), JSON-ready.
    metrics : dict, optional
        Scores per split, JSON-ready.
    history : dict of str to list of float, optional
        Per-epoch curves (``loss``, ``val_loss``, ``test_loss``, ...).
    encoder : TableEncoder, optional
        Turns the feature columns (text, true/false, missing cells) into the numbers
        ``x_scaler`` was fitted on; None when the features are numbers used as they are.
        Class labels may then be text, integers, booleans or floats: they come back as given.

    Attributes
    ----------
    bpnn_version : str
        The bpnn version that created (or, after loading, saved) the model.
    """

    def __init__(
        self,
        network: Network,
        x_scaler: Scaler,
        y_scaler: Scaler | None,
        feature_names,
        target_names,
        task: str,
        classes=None,
        settings: dict | None = None,
        metrics: dict | None = None,
        history: dict | None = None,
        encoder: TableEncoder | None = None,
    ):
        from bpnn.io.container import _bpnn_version

        self.network = network
        self.x_scaler = x_scaler
        self.y_scaler = y_scaler
        self.feature_names = [str(n) for n in feature_names]
        self.target_names = [str(n) for n in target_names]
        self.task = task
        self.classes = None if classes is None else _as_labels(classes)
        self.encoder = encoder
        self.settings = dict(settings or {})
        self.metrics = dict(metrics or {})
        self.history = {k: [float(v) for v in vals] for k, vals in (history or {}).items()}
        self.bpnn_version = _bpnn_version()
        self._check()

    def _check(self) -> None:
        if self.task not in TASKS:
            raise ValueError(f"The 'task' parameter must be one of {TASKS}; got {self.task!r}.")
        n_in, n_out = self.network.n_inputs, self.network.n_outputs
        if self.encoder is not None:
            _check_encoder(self.encoder, self.feature_names, n_in)
        elif len(self.feature_names) != n_in:
            raise ValueError(f"feature_names has {len(self.feature_names)} names but the network takes {n_in} inputs.")
        if self.x_scaler.n_features_in_ != n_in:
            raise ValueError(
                f"x_scaler was fitted on {self.x_scaler.n_features_in_} columns but the network takes {n_in} inputs."
            )
        if self.task == "regression":
            if len(self.target_names) != n_out:
                raise ValueError(
                    f"target_names has {len(self.target_names)} names but the network has {n_out} outputs."
                )
            if self.y_scaler is None or self.y_scaler.n_features_in_ != n_out:
                raise ValueError(f"a regression model needs a y_scaler fitted on {n_out} target columns.")
        else:
            if len(self.target_names) != 1:
                raise ValueError(f"a classification model has one target column; got {self.target_names}.")
            if self.classes is None or self.classes.ndim != 1 or len(self.classes) != n_out or n_out < 2:
                raise ValueError(
                    f"a classification model needs one class label per network output ({n_out}); got {self.classes!r}."
                )

    @property
    def n_features(self) -> int:
        return len(self.feature_names)

    def encode(self, X, unknown: str | None = None) -> np.ndarray:
        """The feature columns as the numbers the network's scaler takes (the encoder applied, if any)."""
        if self.encoder is not None:
            return self.encoder.transform(X, unknown=unknown)
        if hasattr(X, "kinds"):  # a Frame of numbers, for a model without an encoder
            return np.column_stack([np.asarray(X.values[n], dtype=np.float64) for n in self.feature_names])
        if hasattr(X, "columns") and hasattr(X, "to_numpy"):  # a pandas DataFrame
            return X[self.feature_names].to_numpy(dtype=np.float64)
        return X

    def _outputs(self, X, unknown: str | None = None) -> np.ndarray:
        Z = self.x_scaler.transform(self.encode(X, unknown))
        return self.network.predict(Z.astype(self.network.dtype, copy=False))

    def predict(self, X, unknown: str | None = None) -> np.ndarray:
        """Predictions for raw features ``X`` of shape (n_samples, n_features).

        With an encoder, ``X`` may also be a pandas DataFrame, a dict of columns or a
        :class:`~bpnn.io.frames.Frame` (text cells, missing cells), and ``unknown``
        ("error" or "ignore") overrides what an unseen category does.

        Returns
        -------
        ndarray of shape (n_samples, n_targets) for regression, in the targets' units,
        or of shape (n_samples,) holding class labels for classification (the labels
        as trained: text stays text, integers stay integers).
        """
        out = self._outputs(X, unknown)
        if self.task == "regression":
            return self.y_scaler.inverse_transform(out)
        return self.classes[np.argmax(out, axis=1)]

    def predict_proba(self, X, unknown: str | None = None) -> np.ndarray:
        """Class probabilities of shape (n_samples, n_classes), columns in the order of ``classes``."""
        if self.task != "classification":
            raise ValueError("predict_proba is only for classification models; this one does regression.")
        return np.asarray(self._outputs(X, unknown), dtype=np.float64)

    # -- files ------------------------------------------------------------------------
    def save(self, path) -> None:
        """Write the model to ``path`` atomically (see :mod:`bpnn.io.model`)."""
        arrays, net_config = network_to_parts(self.network, prefix="network.")
        scalers = {}
        for key, scaler in (("x_scaler", self.x_scaler), ("y_scaler", self.y_scaler)):
            if scaler is None:
                scalers[key] = None
                continue
            scalers[key] = {"name": scaler.name, "config": scaler.get_config()}
            arrays.update({f"{key}.{k}": v for k, v in scaler.get_state().items()})
        if self.classes is not None:
            arrays["classes"] = self.classes
        for key, values in self.history.items():
            arrays[f"history.{key}"] = np.asarray(values, dtype=np.float64)
        metadata = {
            "network": net_config,
            **scalers,
            "feature_names": self.feature_names,
            "target_names": self.target_names,
            "task": self.task,
            "settings": self.settings,
            "metrics": self.metrics,
            "history": list(self.history),
        }
        if self.encoder is not None:
            metadata["encoder"] = self.encoder.get_config()
        try:
            json.dumps(metadata)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Cannot save the model: its settings or metrics are not plain data ({exc}).") from None
        save_container(path, arrays, metadata, kind=KIND_MODEL)

    @classmethod
    def load(cls, path) -> Model:
        """Read a model written by :meth:`save`; raises ModelFileError for anything wrong."""
        arrays, meta = load_container(path, kind=KIND_MODEL)
        return _model_from_parts(arrays, meta, os.fspath(path))

    def describe(self) -> str:
        """A few lines on the architecture, the data and how it was trained (``bpnn info``)."""
        return _describe(self)

    def __repr__(self) -> str:
        sizes = [self.network.n_inputs] + [layer.n_out for layer in self.network._dense_layers()]
        return (
            f"Model(task={self.task!r}, sizes={'-'.join(map(str, sizes))}, "
            f"features={self.feature_names!r}, targets={self.target_names!r})"
        )


def _model_from_parts(arrays: dict, meta: dict, source: str) -> Model:
    def bad(message: str) -> ModelFileError:
        return ModelFileError(f"{source}: {message}")

    for key in ("network", "x_scaler", "y_scaler", "feature_names", "target_names", "task"):
        if key not in meta:
            raise bad(f"the model description lacks {key!r}")
    net = network_from_parts(arrays, meta["network"], "network.", source)
    scalers = {}
    for key in ("x_scaler", "y_scaler"):
        spec = meta[key]
        if spec is None:
            scalers[key] = None
            continue
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise bad(f"the {key} description is damaged")
        state = {k[len(key) + 1 :]: v for k, v in arrays.items() if k.startswith(key + ".")}
        try:
            scalers[key] = scaler_from_state(spec["name"], spec.get("config", {}), state)
        except (TypeError, ValueError) as exc:
            raise bad(f"the {key} cannot be rebuilt: {exc}") from None
    names_ok = all(
        isinstance(meta[k], list) and all(isinstance(n, str) for n in meta[k])
        for k in ("feature_names", "target_names")
    )
    if not names_ok:
        raise bad("feature_names and target_names must be lists of strings")
    history_keys = meta.get("history", [])
    missing = [k for k in history_keys if f"history.{k}" not in arrays]
    if missing:
        raise bad(f"history curves {missing} are missing")
    encoder = None
    if meta.get("encoder") is not None:
        try:
            encoder = TableEncoder.from_config(meta["encoder"])
        except (TypeError, ValueError, KeyError) as exc:
            raise bad(f"the encoder cannot be rebuilt: {exc}") from None
    classes = arrays.get("classes")
    if classes is not None and (classes.ndim != 1 or classes.dtype.kind not in "biufU"):
        raise bad(f"array 'classes' must be 1-D numbers, booleans or text; found dtype {classes.dtype}")
    try:
        model = Model(
            net,
            scalers["x_scaler"],
            scalers["y_scaler"],
            meta["feature_names"],
            meta["target_names"],
            meta["task"],
            classes=classes,
            settings=meta.get("settings"),
            metrics=meta.get("metrics"),
            history={k: arrays[f"history.{k}"].tolist() for k in history_keys},
            encoder=encoder,
        )
    except (TypeError, ValueError) as exc:
        raise bad(f"the model is inconsistent: {exc}") from None
    model.bpnn_version = meta.get("bpnn_version", "unknown")
    return model


def _describe(model: Model) -> str:
    net = model.network
    dense = net._dense_layers()
    sizes = [net.n_inputs] + [layer.n_out for layer in dense]
    acts = [getattr(layer.activation, "name", "?") for layer in dense]
    lines = [
        f"bpnn model ({model.task}), written by bpnn {model.bpnn_version}",
        f"network   {'-'.join(map(str, sizes))} ({', '.join(acts)}), loss {getattr(net.loss_fn, 'name', '?')}, "
        f"{net.n_params} parameters, {net.dtype.name}, {net.epochs_trained} epochs trained",
        f"features  {', '.join(model.feature_names)}",
        f"targets   {', '.join(model.target_names)}",
    ]
    if model.classes is not None:
        lines.append(f"classes   {', '.join(_label_text(c) for c in model.classes)}")
    lines.append(
        f"scaling   inputs {model.x_scaler.name}"
        + (f", targets {model.y_scaler.name}" if model.y_scaler is not None else "")
    )
    if model.encoder is not None:
        described = model.encoder.describe()
        if described:
            lines.append("encoding  " + described[0])
            lines += ["          " + text for text in described[1:]]
    shown = [f"{k} {_plain(v)}" for k, v in model.settings.items() if v not in (None, [], "")]
    if shown:
        lines.append("settings  " + shown[0])
        lines += ["          " + text for text in shown[1:]]
    return "\n".join(lines)


def _label_text(value: Any) -> str:
    """A class label as text: ``setosa``, ``3`` (also for 3.0), ``0.5``, ``True``."""
    if isinstance(value, (str, np.str_)):
        return str(value)
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _as_labels(classes) -> np.ndarray:
    """Class labels as a 1-D array of their own kind: text (``<U``), bool, integers or floats."""
    array = np.asarray(classes)
    if array.dtype.kind in "OSU":
        if array.dtype.kind == "O" and all(isinstance(v, (bool, np.bool_)) for v in array.ravel()):
            return array.astype(bool)
        return array.astype(str)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"class labels must be text, booleans or numbers; got dtype {array.dtype}.")
    return array if array.dtype.kind in "bf" else array.astype(np.int64)


def _check_encoder(encoder: TableEncoder, feature_names: list[str], n_in: int) -> None:
    if not isinstance(encoder, TableEncoder):
        raise TypeError(f"encoder must be a TableEncoder or None; got {type(encoder).__name__}.")
    if encoder.feature_names != feature_names:
        raise ValueError(f"the encoder's columns {encoder.feature_names} are not the feature_names {feature_names}.")
    if encoder.n_outputs != n_in:
        raise ValueError(f"the encoder makes {encoder.n_outputs} inputs but the network takes {n_in}.")


def _plain(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return ",".join(_plain(v) for v in value)
    return str(value)


KIND_ESTIMATOR = "estimator"  # written and read by bpnn.estimators.files

# --------------------------------------------------------------------------- #
# One entry point


def save(obj, path) -> None:
    """Save a :class:`~bpnn.Network` or a :class:`Model` to ``path``, atomically.

    (``bpnn.save`` also takes ``BPClassifier`` / ``BPRegressor``, which save themselves.)
    """
    if isinstance(obj, Model):
        obj.save(path)
    elif isinstance(obj, Network):
        save_network(obj, path)
    else:
        raise TypeError(f"bpnn can save a Network, a Model, a BPClassifier or a BPRegressor; got {type(obj).__name__}.")


def load(path, estimator_loader=None):
    """Load whatever a bpnn model file holds: a :class:`~bpnn.Network`, a :class:`Model`, or
    (given ``estimator_loader``, as ``bpnn.load`` gives it) a ``BPClassifier`` / ``BPRegressor``.

    Loading reads numbers and names only and never runs code from the file.

    Parameters
    ----------
    path : str or path-like
    estimator_loader : callable, optional
        ``f(arrays, metadata, source)`` that rebuilds an estimator; the estimators package
        supplies it (this package does not import the estimators).

    Raises
    ------
    ModelFileError
        If the file is missing, truncated, corrupted, not a bpnn file, from a newer
        format version, or inconsistent (an array missing or of the wrong shape).
    """
    arrays, meta = load_container(path)
    source = os.fspath(path)
    if meta["kind"] == KIND_NETWORK:
        return network_from_parts(arrays, meta.get("network"), "", source)
    if meta["kind"] == KIND_MODEL:
        return _model_from_parts(arrays, meta, source)
    if meta["kind"] == KIND_ESTIMATOR:
        if estimator_loader is None:
            raise ModelFileError(f"{source} holds a scikit-learn estimator; load it with bpnn.load.")
        return estimator_loader(arrays, meta, source)
    raise ModelFileError(f"{source} holds a {meta['kind']!r}, which this bpnn cannot load (written by a newer bpnn?)")
