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

from .activations import ACTIVATIONS
from .io.container import ModelFileError, load_container, save_container
from .layers import Dense, Dropout, Layer
from .losses import LOSSES
from .network import Network, NeuralNetwork
from .scaling import Scaler, scaler_from_state

__all__ = ["Model", "load", "save", "save_estimator", "save_network", "network_to_parts", "network_from_parts"]

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
        raise ValueError(f"Cannot save {where}: its {what} {cls.__name__} holds settings that are not "
                         f"plain numbers or strings: {config!r}.")
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
        layers.append({"class": cls_name, "n_in": layer.n_in, "n_out": layer.n_out,
                       "activation": act["name"], "activation_config": act["config"],
                       "use_bias": layer.bias is not None})
        arrays[f"{prefix}layer{i}.weights"] = layer.weights
        if layer.bias is not None:
            arrays[f"{prefix}layer{i}.bias"] = layer.bias
    loss = _named_config(net.loss_fn, LOSSES, "loss", "the network")
    config = {"class": type(net).__name__, "layers": layers, "loss": loss["name"],
              "loss_config": loss["config"], "dtype": net.dtype.name, "alpha": net.alpha,
              "epochs_trained": int(net.epochs_trained)}
    return arrays, config


def network_from_parts(arrays: dict[str, np.ndarray], config: Any, prefix: str = "",
                       source: str = "the model file") -> Network:
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
            layers.append(layer_classes[spec["class"]](n_in, n_out, activation=activation,
                                                       weights=weights, bias=bias))
        except (TypeError, ValueError) as exc:
            raise bad(f"layer {i} cannot be rebuilt: {exc}") from None

    loss_cls = LOSSES.get(config["loss"]) if isinstance(config["loss"], str) else None
    if loss_cls is None:
        raise bad(f"unknown loss {config['loss']!r} (written by a newer bpnn?)")
    try:
        loss = loss_cls(**config.get("loss_config", {}))
        net = cls(layers, loss=loss, dtype=dtype, alpha=config["alpha"])
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

    Attributes
    ----------
    bpnn_version : str
        The bpnn version that created (or, after loading, saved) the model.
    """

    def __init__(self, network: Network, x_scaler: Scaler, y_scaler: Scaler | None, feature_names,
                 target_names, task: str, classes=None, settings: dict | None = None,
                 metrics: dict | None = None, history: dict | None = None):
        from .io.container import _bpnn_version

        self.network = network
        self.x_scaler = x_scaler
        self.y_scaler = y_scaler
        self.feature_names = [str(n) for n in feature_names]
        self.target_names = [str(n) for n in target_names]
        self.task = task
        self.classes = None if classes is None else np.asarray(classes, dtype=np.float64)
        self.settings = dict(settings or {})
        self.metrics = dict(metrics or {})
        self.history = {k: [float(v) for v in vals] for k, vals in (history or {}).items()}
        self.bpnn_version = _bpnn_version()
        self._check()

    def _check(self) -> None:
        if self.task not in TASKS:
            raise ValueError(f"The 'task' parameter must be one of {TASKS}; got {self.task!r}.")
        n_in, n_out = self.network.n_inputs, self.network.n_outputs
        if len(self.feature_names) != n_in:
            raise ValueError(f"feature_names has {len(self.feature_names)} names but the network "
                             f"takes {n_in} inputs.")
        if self.x_scaler.n_features_in_ != n_in:
            raise ValueError(f"x_scaler was fitted on {self.x_scaler.n_features_in_} columns but the "
                             f"network takes {n_in} inputs.")
        if self.task == "regression":
            if len(self.target_names) != n_out:
                raise ValueError(f"target_names has {len(self.target_names)} names but the network "
                                 f"has {n_out} outputs.")
            if self.y_scaler is None or self.y_scaler.n_features_in_ != n_out:
                raise ValueError(f"a regression model needs a y_scaler fitted on {n_out} target columns.")
        else:
            if len(self.target_names) != 1:
                raise ValueError(f"a classification model has one target column; got {self.target_names}.")
            if self.classes is None or self.classes.ndim != 1 or len(self.classes) != n_out or n_out < 2:
                raise ValueError(f"a classification model needs one class label per network output "
                                 f"({n_out}); got {self.classes!r}.")

    @property
    def n_features(self) -> int:
        return len(self.feature_names)

    def _outputs(self, X) -> np.ndarray:
        Z = self.x_scaler.transform(X)
        return self.network.predict(Z.astype(self.network.dtype, copy=False))

    def predict(self, X) -> np.ndarray:
        """Predictions for raw features ``X`` of shape (n_samples, n_features).

        Returns
        -------
        ndarray of shape (n_samples, n_targets) for regression, in the targets' units,
        or of shape (n_samples,) holding class labels for classification.
        """
        out = self._outputs(X)
        if self.task == "regression":
            return self.y_scaler.inverse_transform(out)
        return self.classes[np.argmax(out, axis=1)]

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities of shape (n_samples, n_classes), columns in the order of ``classes``."""
        if self.task != "classification":
            raise ValueError("predict_proba is only for classification models; this one does regression.")
        return np.asarray(self._outputs(X), dtype=np.float64)

    # -- files ------------------------------------------------------------------------
    def save(self, path) -> None:
        """Write the model to ``path`` atomically (see :mod:`bpnn.persist`)."""
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
        metadata = {"network": net_config, **scalers, "feature_names": self.feature_names,
                    "target_names": self.target_names, "task": self.task,
                    "settings": self.settings, "metrics": self.metrics, "history": list(self.history)}
        try:
            json.dumps(metadata)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Cannot save the model: its settings or metrics are not plain data ({exc}).") from None
        save_container(path, arrays, metadata, kind=KIND_MODEL)

    @classmethod
    def load(cls, path) -> "Model":
        """Read a model written by :meth:`save`; raises ModelFileError for anything wrong."""
        arrays, meta = load_container(path, kind=KIND_MODEL)
        return _model_from_parts(arrays, meta, os.fspath(path))

    def describe(self) -> str:
        """A few lines on the architecture, the data and how it was trained (``bpnn info``)."""
        return _describe(self)

    def __repr__(self) -> str:
        sizes = [self.network.n_inputs] + [layer.n_out for layer in self.network._dense_layers()]
        return (f"Model(task={self.task!r}, sizes={'-'.join(map(str, sizes))}, "
                f"features={self.feature_names!r}, targets={self.target_names!r})")


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
        state = {k[len(key) + 1:]: v for k, v in arrays.items() if k.startswith(key + ".")}
        try:
            scalers[key] = scaler_from_state(spec["name"], spec.get("config", {}), state)
        except (TypeError, ValueError) as exc:
            raise bad(f"the {key} cannot be rebuilt: {exc}") from None
    names_ok = all(isinstance(meta[k], list) and all(isinstance(n, str) for n in meta[k])
                   for k in ("feature_names", "target_names"))
    if not names_ok:
        raise bad("feature_names and target_names must be lists of strings")
    history_keys = meta.get("history", [])
    missing = [k for k in history_keys if f"history.{k}" not in arrays]
    if missing:
        raise bad(f"history curves {missing} are missing")
    try:
        model = Model(net, scalers["x_scaler"], scalers["y_scaler"], meta["feature_names"],
                      meta["target_names"], meta["task"], classes=arrays.get("classes"),
                      settings=meta.get("settings"), metrics=meta.get("metrics"),
                      history={k: arrays[f"history.{k}"].tolist() for k in history_keys})
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
    lines.append(f"scaling   inputs {model.x_scaler.name}"
                 + (f", targets {model.y_scaler.name}" if model.y_scaler is not None else ""))
    shown = [f"{k} {_plain(v)}" for k, v in model.settings.items() if v not in (None, [], "")]
    if shown:
        lines.append("settings  " + shown[0])
        lines += ["          " + text for text in shown[1:]]
    return "\n".join(lines)


def _label_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _plain(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list):
        return ",".join(_plain(v) for v in value)
    return str(value)


# --------------------------------------------------------------------------- #
# scikit-learn estimators

KIND_ESTIMATOR = "estimator"
_ESTIMATOR_CLASSES = ("BPClassifier", "BPRegressor")
# Modules whose classes may be rebuilt from a file: bpnn's own optimizers and scalers and
# scikit-learn's scalers. A file names a class; only these are looked up, never imported
# by a name taken from the file.
_OBJECT_MODULES = ("bpnn.optimizers", "bpnn.solvers", "bpnn.schedules", "bpnn.scaling")
_SKLEARN_OBJECTS = ("MinMaxScaler", "StandardScaler")
# Rebuilt from network_ after loading (they are views of its arrays), so not stored twice.
_DERIVED = ("coefs_", "intercepts_")


def _object_class(module: str, name: str):
    """The class ``module.name`` if it is one bpnn may rebuild, else None."""
    import importlib

    if module in _OBJECT_MODULES:
        cls = getattr(importlib.import_module(module), name, None)
    elif module.startswith("sklearn.preprocessing") and name in _SKLEARN_OBJECTS:
        cls = getattr(importlib.import_module("sklearn.preprocessing"), name, None)
    else:
        return None
    return cls if isinstance(cls, type) else None


class _Encoder:
    """Turn an estimator's attributes into JSON plus named arrays, refusing anything else.

    Every value that is not a JSON scalar is tagged (``{"__array__": name}``,
    ``{"__tuple__": [...]}``, ...), so decoding gives back the same types: tuples stay
    tuples, object arrays of strings stay object arrays, a network is a network.
    """

    def __init__(self, owner: str):
        self.owner = owner
        self.arrays: dict[str, np.ndarray] = {}

    def encode(self, value: Any, path: str):
        if value is None or isinstance(value, (bool, str)):
            return value
        if isinstance(value, (numbers.Integral, np.bool_)) and not isinstance(value, np.ndarray):
            return bool(value) if isinstance(value, np.bool_) else int(value)
        if isinstance(value, numbers.Real):
            return float(value)
        if isinstance(value, np.ndarray):
            return self._array(value, path)
        if isinstance(value, (list, tuple)):
            items = [self.encode(v, f"{path}[{i}]") for i, v in enumerate(value)]
            return {"__tuple__": items} if isinstance(value, tuple) else {"__list__": items}
        if isinstance(value, dict):
            if not all(isinstance(k, str) for k in value):
                raise ValueError(f"Cannot save {self.owner}: {path} is a dict with keys that are not strings.")
            return {"__dict__": {k: self.encode(v, f"{path}.{k}") for k, v in value.items()}}
        if isinstance(value, Network):
            arrays, config = network_to_parts(value, prefix=f"{path}.")
            self.arrays.update(arrays)
            return {"__network__": config, "prefix": f"{path}."}
        if isinstance(value, np.random.RandomState):
            return {"__random_state__": self.encode(list(value.get_state()), path)}
        cls = type(value)
        if _object_class(cls.__module__, cls.__name__) is cls:
            # caches (an optimizer's _transient attributes) are not state and are not saved
            state = {k: v for k, v in vars(value).items() if k not in getattr(cls, "_transient", ())}
            return {"__object__": [cls.__module__, cls.__name__], "state": self.encode(state, path)}
        raise ValueError(f"Cannot save {self.owner}: {path} holds a {cls.__module__}.{cls.__name__}, which a "
                         "bpnn model file cannot store (it stores numbers, strings, arrays, networks, and "
                         "bpnn's or scikit-learn's scalers and optimizers).")

    def _array(self, value: np.ndarray, path: str):
        node = {"__array__": path}
        if value.dtype.hasobject:
            if not all(isinstance(v, str) for v in value.flat):
                raise ValueError(f"Cannot save {self.owner}: {path} is an object array holding values other "
                                 "than strings.")
            value = value.astype(str)
            node["object"] = True
        self.arrays[path] = value
        return node


def _decode(node: Any, arrays: dict, source: str):
    def bad(message: str) -> ModelFileError:
        return ModelFileError(f"{source}: {message}")

    if isinstance(node, list):
        raise bad("the estimator description is damaged (an untagged list)")
    if not isinstance(node, dict):
        return node
    if "__array__" in node:
        if node["__array__"] not in arrays:
            raise bad(f"array {node['__array__']!r} is missing")
        value = arrays[node["__array__"]]
        return value.astype(object) if node.get("object") else value
    if "__tuple__" in node:
        return tuple(_decode(v, arrays, source) for v in node["__tuple__"])
    if "__list__" in node:
        return [_decode(v, arrays, source) for v in node["__list__"]]
    if "__dict__" in node:
        return {k: _decode(v, arrays, source) for k, v in node["__dict__"].items()}
    if "__network__" in node:
        return network_from_parts(arrays, node["__network__"], node.get("prefix", ""), source)
    if "__random_state__" in node:
        rs = np.random.RandomState()
        rs.set_state(tuple(_decode(node["__random_state__"], arrays, source)))
        return rs
    if "__object__" in node:
        module, name = node["__object__"]
        cls = _object_class(module, name)
        if cls is None:
            raise bad(f"holds an object of class {module}.{name}, which bpnn does not rebuild from files")
        obj = cls.__new__(cls)
        obj.__dict__.update(_decode(node["state"], arrays, source))
        for name in getattr(cls, "_transient", ()):
            obj.__dict__.setdefault(name, None)
        return obj
    raise bad(f"has a value bpnn cannot read: {sorted(node)}")


def save_estimator(est, path) -> None:
    """Save a fitted or unfitted :class:`~bpnn.BPClassifier` / :class:`~bpnn.BPRegressor`.

    Stores the hyperparameters (``get_params``), every fitted attribute (``classes_``,
    ``feature_names_in_``, the target scaler, ``loss_curve_``, ...), the network and
    the optimizer's state, so that the loaded estimator predicts bit-identically and
    ``partial_fit`` / ``warm_start`` continue exactly where the saved one stopped.

    Raises
    ------
    ValueError
        If an attribute holds something a model file cannot store (a user-defined
        activation, a callable, ...); the message names the attribute.
    """
    cls = type(est)
    if cls.__name__ not in _ESTIMATOR_CLASSES or cls.__module__ != "bpnn.sklearn":
        raise TypeError(f"save_estimator takes a BPClassifier or BPRegressor; got {cls.__name__}.")
    encoder = _Encoder(cls.__name__)
    params = est.get_params(deep=False)
    skip = set(params) | (set(_DERIVED) if hasattr(est, "network_") else set())
    state = {k: v for k, v in vars(est).items() if k not in skip}
    metadata = {"class": cls.__name__, "params": encoder.encode(params, "params"),
                "state": encoder.encode(state, "state")}
    save_container(path, encoder.arrays, metadata, kind=KIND_ESTIMATOR)


def _estimator_from_parts(arrays: dict, meta: dict, source: str):
    def bad(message: str) -> ModelFileError:
        return ModelFileError(f"{source}: {message}")

    name = meta.get("class")
    if name not in _ESTIMATOR_CLASSES:
        raise bad(f"unknown estimator class {name!r} (written by a newer bpnn?)")
    for key in ("params", "state"):
        if not isinstance(meta.get(key), dict):
            raise bad(f"the estimator description lacks {key!r}")
    from . import sklearn as bpnn_sklearn

    cls = getattr(bpnn_sklearn, name)
    params = _decode(meta["params"], arrays, source)
    state = _decode(meta["state"], arrays, source)
    if not isinstance(params, dict) or not isinstance(state, dict):
        raise bad("the estimator description is damaged")
    try:
        est = cls(**params)
    except TypeError as exc:
        raise bad(f"the hyperparameters do not fit this bpnn's {name}: {exc}") from None
    est.__dict__.update(state)
    if hasattr(est, "network_") and callable(getattr(est, "_expose_weights", None)):
        est._expose_weights()
    return est


# --------------------------------------------------------------------------- #
# One entry point


def save(obj, path) -> None:
    """Save a :class:`~bpnn.Network`, a :class:`Model` or a ``BPClassifier`` / ``BPRegressor``
    to ``path``, atomically."""
    if isinstance(obj, Model):
        obj.save(path)
    elif isinstance(obj, Network):
        save_network(obj, path)
    elif type(obj).__name__ in _ESTIMATOR_CLASSES and type(obj).__module__ == "bpnn.sklearn":
        save_estimator(obj, path)
    else:
        raise TypeError(f"bpnn can save a Network, a Model, a BPClassifier or a BPRegressor; "
                        f"got {type(obj).__name__}.")


def load(path):
    """Load whatever a bpnn model file holds: a :class:`~bpnn.Network`, a :class:`Model`, or a
    ``BPClassifier`` / ``BPRegressor``.

    Loading reads numbers and names only and never runs code from the file.

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
        return _estimator_from_parts(arrays, meta, source)
    raise ModelFileError(f"{source} holds a {meta['kind']!r}, which this bpnn cannot load "
                         "(written by a newer bpnn?)")
