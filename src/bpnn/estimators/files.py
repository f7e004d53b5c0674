"""Saving and loading :class:`BPClassifier` / :class:`BPRegressor` in bpnn's model file.

The file is the same container as a network's (:mod:`bpnn.io.container`, kind
``"estimator"``); what is specific to estimators -- turning their attributes into JSON
plus named arrays and back, refusing anything that is not numbers, strings, arrays,
networks or a short list of bpnn's and scikit-learn's classes -- lives here, beside the
estimators, so that the file-format package never imports them.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from bpnn.core.network import Network
from bpnn.io.container import ModelFileError, save_container
from bpnn.io.model import KIND_ESTIMATOR, network_from_parts, network_to_parts

_ESTIMATOR_CLASSES = ("BPClassifier", "BPRegressor")
# Modules whose classes may be rebuilt from a file: bpnn's own optimizers and scalers and
# scikit-learn's scalers. A file names a class; only these are looked up, never imported
# by a name taken from the file.
_OBJECT_MODULES = ("bpnn.training.optimizers", "bpnn.training.solvers", "bpnn.training.schedules", "bpnn.io.scaling")
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
        raise ValueError(
            f"Cannot save {self.owner}: {path} holds a {cls.__module__}.{cls.__name__}, which a "
            "bpnn model file cannot store (it stores numbers, strings, arrays, networks, and "
            "bpnn's or scikit-learn's scalers and optimizers)."
        )

    def _array(self, value: np.ndarray, path: str):
        node = {"__array__": path}
        if value.dtype.hasobject:
            if not all(isinstance(v, str) for v in value.flat):
                raise ValueError(
                    f"Cannot save {self.owner}: {path} is an object array holding values other than strings."
                )
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
    if cls.__name__ not in _ESTIMATOR_CLASSES or cls.__module__ != "bpnn.estimators.mlp":
        raise TypeError(f"save_estimator takes a BPClassifier or BPRegressor; got {cls.__name__}.")
    encoder = _Encoder(cls.__name__)
    params = est.get_params(deep=False)
    skip = set(params) | (set(_DERIVED) if hasattr(est, "network_") else set())
    state = {k: v for k, v in vars(est).items() if k not in skip}
    metadata = {
        "class": cls.__name__,
        "params": encoder.encode(params, "params"),
        "state": encoder.encode(state, "state"),
    }
    save_container(path, encoder.arrays, metadata, kind=KIND_ESTIMATOR)


def estimator_from_parts(arrays: dict, meta: dict, source: str, classes: dict[str, type]):
    """Rebuild the estimator a model file describes; ``classes`` maps the class names to the classes."""

    def bad(message: str) -> ModelFileError:
        return ModelFileError(f"{source}: {message}")

    name = meta.get("class")
    if name not in _ESTIMATOR_CLASSES:
        raise bad(f"unknown estimator class {name!r} (written by a newer bpnn?)")
    for key in ("params", "state"):
        if not isinstance(meta.get(key), dict):
            raise bad(f"the estimator description lacks {key!r}")
    cls = classes[name]
    try:
        params = _decode(meta["params"], arrays, source)
        state = _decode(meta["state"], arrays, source)
    except ModelFileError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        # a tag whose value has the wrong type ({"__tuple__": 5}, {"__object__": "x"}, ...)
        raise bad(
            f"the estimator description is damaged ({' '.join(str(exc).split()) or type(exc).__name__})"
        ) from None
    if not isinstance(params, dict) or not isinstance(state, dict):
        raise bad("the estimator description is damaged")
    try:
        est = cls(**params)
        est._validate_params()  # scikit-learn's own check of every hyperparameter's type and range
    except (TypeError, ValueError) as exc:
        raise bad(f"the hyperparameters do not fit this bpnn's {name}: {' '.join(str(exc).split())}") from None
    problem = _fitted_state_problem(state)
    if problem is not None:
        raise bad(f"the fitted estimator is damaged: {problem}")
    est.__dict__.update(state)
    if hasattr(est, "network_") and callable(getattr(est, "_expose_weights", None)):
        est._expose_weights()
    return est


def _fitted_state_problem(state: dict) -> str | None:
    """What is wrong with a fitted estimator's attributes, or None: the network's widths agree
    with ``n_features_in_`` and the classes, labels are distinct and finite, names unique."""
    if "network_" not in state:
        return None
    net = state["network_"]
    if not isinstance(net, Network):
        return "network_ is not a network"
    n_in = state.get("n_features_in_")
    if not isinstance(n_in, int) or isinstance(n_in, bool) or n_in != net.n_inputs:
        return f"n_features_in_ is {n_in!r}, but the network takes {net.n_inputs} inputs"
    names = state.get("feature_names_in_")
    if names is not None:
        if not isinstance(names, np.ndarray) or names.shape != (n_in,) or not all(isinstance(n, str) for n in names):
            return f"feature_names_in_ must hold {n_in} names"
        if len(set(names.tolist())) != n_in:
            return "feature_names_in_ names a column twice"
    if "classes_" in state:
        classes = state["classes_"]
        if not isinstance(classes, np.ndarray) or classes.ndim != 1 or len(classes) < 2:
            return "classes_ must be an array of at least 2 labels"
        if classes.dtype.kind == "f" and not np.isfinite(classes).all():
            return "classes_ holds NaN or infinite labels"
        if len(np.unique(classes)) != len(classes):
            return "classes_ holds a label twice"
        outputs = 1 if len(classes) == 2 and net.n_outputs == 1 else len(classes)
        if net.n_outputs != outputs:
            return f"classes_ has {len(classes)} labels, but the network has {net.n_outputs} outputs"
    return None
