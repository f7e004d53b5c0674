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

import html
import json
import math
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
        for part in ("weights", "bias"):
            values = getattr(layer, part)
            if values is not None and not np.isfinite(values).all():
                # a file must never hold what load() refuses; the old file stays as it was
                raise ValueError(
                    f"Cannot save the network: layer {i}'s {part} hold {int(np.sum(~np.isfinite(values)))} NaN or "
                    "infinite values (did training diverge?); nothing was written."
                )
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
    wrong = _wrong_types(
        config,
        {"class": str, "loss": str, "dtype": str, "layers": list, "loss_config": dict, "alpha": (int, float)},
    )
    if wrong:
        raise bad(f"the network description's {wrong}")
    alpha = config["alpha"]
    if isinstance(alpha, bool) or not math.isfinite(alpha) or alpha < 0:
        raise bad(f"alpha must be a finite number >= 0; found {alpha!r}")
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
        if not isinstance(spec, dict) or not isinstance(spec.get("class"), str) or spec["class"] not in layer_classes:
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
        wrong = _wrong_types(spec, {"activation": str, "use_bias": bool, "activation_config": dict})
        if wrong:
            raise bad(f"layer {i}'s {wrong}")
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


def _wrong_types(spec: dict, kinds: dict) -> str | None:
    """``"<key> should be a <type>, found <value>"`` for the first key of ``spec`` (if present)
    whose value is not of its type in ``kinds``, else None: the schema of a description."""
    for key, kind in kinds.items():
        if key in spec and not isinstance(spec[key], kind):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            return f"{key!r} should be a {names}, found {spec[key]!r:.40}"
    return None


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
    schema : dict, optional
        Every column's role in the training table and why (``Schema.get_config()`` of
        :mod:`bpnn.tables.schema`): ``{"columns": [{"name", "role", "reason"}, ...], ...}``.
        The columns it names (dropped ones included) may be present when predicting.

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
        schema: dict | None = None,
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
        self.schema = schema
        self.settings = dict(settings or {})
        self.metrics = dict(metrics or {})
        self.history = {k: [float(v) for v in vals] for k, vals in (history or {}).items()}
        self.bpnn_version = _bpnn_version()
        self._check()

    def _check(self) -> None:
        if self.task not in TASKS:
            raise ValueError(f"The 'task' parameter must be one of {TASKS}; got {self.task!r}.")
        n_in, n_out = self.network.n_inputs, self.network.n_outputs
        if self.schema is not None:
            _check_schema(self.schema, self.feature_names + self.target_names)
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

    @property
    def schema_columns(self) -> list[str]:
        """Every column of the training table (features, targets and the dropped ones), by the schema."""
        return [c["name"] for c in (self.schema or {}).get("columns", [])]

    def encode(self, X, unknown: str | None = None) -> np.ndarray:
        """The feature columns as the numbers the network's scaler takes (the encoder applied, if any)."""
        dataframe = hasattr(X, "columns") and hasattr(X, "to_numpy")
        if dataframe:  # a pandas DataFrame is matched by name: refuse other names first
            self._check_names([str(c) for c in X.columns])
        if self.encoder is not None:
            return self.encoder.transform(X, unknown=unknown)
        if hasattr(X, "kinds"):  # a Frame of numbers, for a model without an encoder
            return np.column_stack([np.asarray(X.values[n], dtype=np.float64) for n in self.feature_names])
        if dataframe:
            return X[self.feature_names].to_numpy(dtype=np.float64)
        return X

    def _outputs(self, X, unknown: str | None = None) -> np.ndarray:
        Z = self.x_scaler.transform(self.encode(X, unknown))
        return self.network.predict(Z.astype(self.network.dtype, copy=False))

    def _check_names(self, names: list[str]) -> None:
        """Refuse a DataFrame whose columns are not the model's features (targets and ignored
        columns may be there too), as ``bpnn predict`` does for a CSV file's columns."""
        allowed = set(self.target_names) | set(self.settings.get("ignore") or []) | set(self.schema_columns)
        missing = [c for c in self.feature_names if c not in names]
        extra = [c for c in names if c not in self.feature_names and c not in allowed]
        if missing or extra or len(set(names)) != len(names):
            raise ValueError(
                f"The 'X' DataFrame's columns {names} do not match the model's features {self.feature_names}"
                + (f" (missing {missing})" if missing else "")
                + (f" (not features: {extra})" if extra else "")
                + "; pass a DataFrame with those column names (in any order), or an array in that order."
            )

    def predict(self, X, unknown: str | None = None) -> np.ndarray:
        """Predictions for raw features ``X`` of shape (n_samples, n_features).

        With an encoder, ``X`` may also be a pandas DataFrame, a dict of columns or a
        :class:`~bpnn.io.frames.Frame` (text cells, missing cells), and ``unknown``
        ("error" or "ignore") overrides what an unseen category does.
        A pandas DataFrame is matched by column name (in any order); one whose columns
        are not the model's features is refused. A plain array is taken in the order of
        ``feature_names``.

        Returns
        -------
        ndarray of shape (n_samples, n_targets) for regression, in the targets' units,
        or of shape (n_samples,) holding class labels for classification (the labels
        as trained: text stays text; whole numbers come back as integers).
        """
        out = self._outputs(X, unknown)
        if self.task == "regression":
            return self.y_scaler.inverse_transform(out)
        labels = self.classes[np.argmax(out, axis=1)]
        if labels.dtype.kind == "f":  # labels of an older file, stored as floats
            c = self.classes
            if np.all(c == np.round(c)) and np.abs(c).max() < 2**53:
                return labels.astype(np.int64)
        return labels

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
        for name, values in arrays.items():
            if not name.startswith("network.") and values.dtype.kind == "f" and not np.isfinite(values).all():
                raise ValueError(
                    f"Cannot save the model: its {name} holds NaN or infinite values; nothing was written."
                )
        for key, values in self.history.items():
            arrays[f"history.{key}"] = np.asarray(values, dtype=np.float64)
        # Confusion matrices grow with the square of the classes: arrays, never JSON.
        metrics = {split: dict(m) if isinstance(m, dict) else m for split, m in self.metrics.items()}
        for split, m in metrics.items():
            if isinstance(m, dict) and "confusion_matrix" in m:
                arrays[f"metrics.{split}.confusion_matrix"] = np.asarray(m.pop("confusion_matrix"), dtype=np.int64)
        metadata = {
            "network": net_config,
            **scalers,
            "feature_names": self.feature_names,
            "target_names": self.target_names,
            "task": self.task,
            "settings": self.settings,
            "metrics": metrics,
            "history": list(self.history),
        }
        if self.encoder is not None:
            metadata["encoder"] = self.encoder.get_config()
        if self.schema is not None:
            metadata["schema"] = self.schema
        try:
            json.dumps(metadata)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Cannot save the model: its settings or metrics are not plain data ({exc}).") from None
        save_container(path, arrays, metadata, kind=KIND_MODEL)

    @classmethod
    def load(cls, path) -> Model:
        """Read a model written by :meth:`save`; raises ModelFileError for anything wrong."""
        arrays, meta = load_container(path, kind=KIND_MODEL)
        return _from_parts(arrays, meta, os.fspath(path), None)

    def describe(self) -> str:
        """A few lines on the architecture, the data and how it was trained (``bpnn info``)."""
        return _describe(self)

    def __repr__(self) -> str:
        sizes = [self.network.n_inputs] + [layer.n_out for layer in self.network._dense_layers()]
        return (
            f"Model(task={self.task!r}, sizes={'-'.join(map(str, sizes))}, "
            f"features={self.feature_names!r}, targets={self.target_names!r})"
        )

    def _repr_html_(self) -> str:
        """Jupyter shows the model as two tables: what :meth:`describe` says, and the metrics per split."""
        return _model_html(self)


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
    _check_table_fields(meta, arrays, bad)
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
            metrics=_metrics_with_arrays(meta.get("metrics") or {}, arrays),
            history={k: arrays[f"history.{k}"].tolist() for k in history_keys},
            encoder=encoder,
            schema=meta.get("schema"),
        )
    except (TypeError, ValueError) as exc:
        raise bad(f"the model is inconsistent: {exc}") from None
    model.bpnn_version = meta.get("bpnn_version", "unknown")
    return model


def _metrics_with_arrays(metrics: dict, arrays: dict) -> dict:
    """The metrics with each split's confusion matrix put back from its array."""
    out = {split: dict(m) for split, m in metrics.items()}
    for split, m in out.items():
        name = f"metrics.{split}.confusion_matrix"
        if name in arrays:
            m["confusion_matrix"] = arrays[name].tolist()
    return out


def _is_number(value, allow_none: bool = False) -> bool:
    if value is None:
        return allow_none
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)


def _check_table_fields(meta: dict, arrays: dict, bad) -> None:
    """Validate a table model's fields against what ``bpnn train`` writes (the schema):
    names unique and non-empty, the task known, class labels finite and distinct, the
    settings a dict, every split's metrics complete, typed and sized for its classes or
    targets, every array of the expected kind. Raises ``bad(message)``."""
    features, targets = meta["feature_names"], meta["target_names"]
    for key, names in (("feature_names", features), ("target_names", targets)):
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
            raise bad(f"{key} must be a non-empty list of non-empty strings")
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            raise bad(f"{key} names {dup} more than once")
    both = sorted(set(features) & set(targets))
    if both:
        raise bad(f"columns {both} are both features and targets")
    task = meta["task"]
    if task not in TASKS:
        return  # Model() names the bad task
    for key in ("settings", "metrics"):
        if meta.get(key) is not None and not isinstance(meta[key], dict):
            raise bad(f"{key} must be a dict; found {type(meta[key]).__name__}")
    history = meta.get("history", [])
    if not isinstance(history, list) or not all(isinstance(k, str) for k in history):
        raise bad("history must be a list of curve names")
    for key in history:
        curve = arrays[f"history.{key}"]
        if curve.ndim != 1 or curve.dtype.kind != "f":
            raise bad(f"history curve {key!r} must be a 1-D float array")
    labels = None
    classes = arrays.get("classes")
    if task == "classification":
        if classes is None:
            raise bad("a classification model lacks its class labels")
        if classes.ndim != 1 or classes.dtype.kind not in "biufU":
            raise bad("class labels must be a 1-D array of text, booleans or numbers")
        if classes.dtype.kind == "f" and not np.isfinite(classes).all():
            raise bad("class labels must be a 1-D array of finite numbers (or text)")
        if len(np.unique(classes)) != len(classes):
            raise bad("class labels are not distinct")
        labels = [_label_text(c) for c in classes]
    elif classes is not None:
        raise bad("a regression model holds class labels")
    expected = {f"metrics.{split}.confusion_matrix" for split in meta.get("metrics") or {}}
    for split, m in (meta.get("metrics") or {}).items():
        where = f"metrics[{split!r}]"
        if not isinstance(m, dict) or not _is_count(m.get("rows")):
            raise bad(f"{where} lacks a row count")
        if task == "regression":
            for key in ("r2", "rmse", "mae"):
                scores = m.get(key, dict.fromkeys(targets))  # a score may be left out, not mistyped
                if not isinstance(scores, dict) or sorted(scores) != sorted(targets):
                    raise bad(f"{where}[{key!r}] must give a score per target {targets}")
                if not all(_is_number(v, allow_none=True) for v in scores.values()):
                    raise bad(f"{where}[{key!r}] holds values that are not finite numbers")
            continue
        if not _is_number(m.get("accuracy"), allow_none=True):
            raise bad(f"{where}'s accuracy is not a finite number")
        for key in ("precision", "recall"):
            scores = m.get(key, dict.fromkeys(labels, 0.0))
            if not isinstance(scores, dict) or sorted(scores) != sorted(labels):
                raise bad(f"{where}[{key!r}] must give a score per class {labels}")
            if not all(_is_number(v) for v in scores.values()):
                raise bad(f"{where}[{key!r}] holds values that are not finite numbers")
        name = f"metrics.{split}.confusion_matrix"
        cm = arrays.get(name, m.get("confusion_matrix"))
        if cm is None:
            continue
        try:
            cm = np.asarray(cm, dtype=np.float64)
        except (TypeError, ValueError):
            cm = np.zeros(0)
        k = len(labels)
        if cm.shape != (k, k) or not np.isfinite(cm).all() or (cm < 0).any() or (cm != np.round(cm)).any():
            raise bad(f"{where} lacks a {k} x {k} confusion matrix of counts")
    stray = [a for a in arrays if a.startswith("metrics.") and a not in expected]
    if stray:
        raise bad(f"arrays {stray} belong to no split's metrics")


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


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
    # the settings as `bpnn train` took them; `unknown error` alone would read as a failure
    shown = [
        f"{k} {_plain(v)}" if k != "unknown" else f"unknown={_plain(v)} (a category not seen in training)"
        for k, v in model.settings.items()
        if v not in (None, [], "")
    ]
    if shown:
        lines.append("settings  " + shown[0])
        lines += ["          " + text for text in shown[1:]]
    return "\n".join(lines)


def _model_html(model: Model) -> str:
    """:meth:`Model.describe` as a table of (what, value) rows, then one row of metrics per split."""
    lines = _describe(model).splitlines()
    rows, label = [], ""
    for line in lines[1:]:
        label = line[:10].strip() or label
        rows.append(f"<tr><th>{html.escape(label)}</th><td>{html.escape(line[10:].strip())}</td></tr>")
    parts = [f'<div class="bpnn-model"><p>{html.escape(lines[0])}</p><table>{"".join(rows)}</table>']
    splits = {split: values for split, values in model.metrics.items() if isinstance(values, dict)}
    names = list(dict.fromkeys(k for v in splits.values() for k, x in v.items() if isinstance(x, (int, float))))
    if names:
        head = "".join(f"<th>{html.escape(n)}</th>" for n in ["split", *names])
        body = []
        for split, values in splits.items():
            cells = [f"{values[n]:.6g}" if isinstance(values.get(n), (int, float)) else "" for n in names]
            body.append(f"<tr><td>{html.escape(split)}</td>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    parts.append("</div>")
    return "\n".join(parts)


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


def _check_schema(schema: Any, names: list[str]) -> None:
    columns = schema.get("columns") if isinstance(schema, dict) else None
    if not isinstance(columns, list) or not all(
        isinstance(c, dict) and isinstance(c.get("name"), str) for c in columns
    ):
        raise ValueError("the schema must be a dict with a 'columns' list of {'name', 'role', 'reason'}.")
    lacking = [n for n in names if n not in {c["name"] for c in columns}]
    if lacking:
        raise ValueError(f"the schema lacks the columns {lacking}.")


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


def load(path, estimator_loader=None, loaders=None):
    """Load whatever a bpnn model file holds: a :class:`~bpnn.Network`, a :class:`Model`, or
    (given ``estimator_loader``, as ``bpnn.load`` gives it) a ``BPClassifier`` / ``BPRegressor``,
    or any other kind a loader is given for (a forecast model).

    Loading reads numbers and names only and never runs code from the file.

    Parameters
    ----------
    path : str or path-like
    estimator_loader : callable, optional
        ``f(arrays, metadata, source)`` that rebuilds an estimator; the estimators package
        supplies it (this package does not import the estimators).
    loaders : dict, optional
        Kind -> ``f(arrays, metadata, source)`` for the kinds of files that applications above
        this package write (``{"forecast": ForecastModel.from_parts}``, as ``bpnn.load`` gives it).

    Raises
    ------
    ModelFileError
        If the file is missing, truncated, corrupted, not a bpnn file, from a newer
        format version, or inconsistent (an array missing or of the wrong shape).
    """
    arrays, meta = load_container(path)
    source = os.fspath(path)
    try:
        if meta["kind"] in (loaders or {}):
            return loaders[meta["kind"]](arrays, meta, source)
        return _from_parts(arrays, meta, source, estimator_loader)
    except ModelFileError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError) as exc:
        # The checks above name what they find; this is the net under them, so that an
        # edited file never escapes as anything but a one-line ModelFileError.
        detail = " ".join(str(exc).split()) or type(exc).__name__
        raise ModelFileError(f"{source} is damaged: {detail}") from None


def _from_parts(arrays: dict, meta: dict, source: str, estimator_loader):
    if meta["kind"] == KIND_NETWORK:
        return network_from_parts(arrays, meta.get("network"), "", source)
    if meta["kind"] == KIND_MODEL:
        return _model_from_parts(arrays, meta, source)
    if meta["kind"] == KIND_ESTIMATOR:
        if estimator_loader is None:
            raise ModelFileError(f"{source} holds a scikit-learn estimator; load it with bpnn.load.")
        return estimator_loader(arrays, meta, source)
    raise ModelFileError(f"{source} holds a {meta['kind']!r}, which this bpnn cannot load (written by a newer bpnn?)")
