"""bpnn: neural networks trained by error backpropagation.

The package is layered; every import points down:

* :mod:`bpnn.core` -- activations, losses, initializers, layers, ``Network``, gradcheck (NumPy only);
* :mod:`bpnn.training` -- the loop, optimizers, schedules, callbacks, solvers, the compiled path;
* applications above the engine: :mod:`bpnn.explain`, :mod:`bpnn.io` (files, scaling, export),
  :mod:`bpnn.plots`, :mod:`bpnn.estimators` (scikit-learn), :mod:`bpnn.tables`, :mod:`bpnn.demos`,
  :mod:`bpnn.cli`.

This module is where they meet: it imports the engine and the small applications that
supply ``Network.fit``, ``Network.explain`` and ``Network.save``; scikit-learn's
estimators are imported on first use, so that ``import bpnn`` stays light.

>>> import numpy as np, bpnn
>>> net = bpnn.Network([bpnn.Dense(2, 25, activation="sigmoid"),
...                     bpnn.Dense(25, 2, activation="sigmoid")], loss="mse", seed=0)
>>> net.forward(np.zeros((3, 2))).shape
(3, 2)
"""

# the engine's modules stay reachable as before, e.g. bpnn.optimizers.Adam, bpnn.losses.Huber
from bpnn.core import (  # noqa: F401
    ACTIVATIONS,
    INITIALIZERS,
    LOSSES,
    Activation,
    Dense,
    Dropout,
    Initializer,
    Layer,
    Loss,
    Network,
    NeuralNetwork,
    activations,
    get_activation,
    get_loss,
    gradcheck,
    initializers,
    layers,
    losses,
    network,
    numerical_gradients,
)
from bpnn.core.network import register_method
from bpnn.training import (  # noqa: F401
    LBFGS,
    OPTIMIZERS,
    SGD,
    Adagrad,
    Adam,
    AdamW,
    BayesianRegularization,
    Callback,
    Constant,
    DivergenceError,
    EarlyStopping,
    GradientDescent,
    History,
    InverseScaling,
    LevenbergMarquardt,
    Lion,
    ModelCheckpoint,
    Optimizer,
    ReduceLROnPlateau,
    RMSprop,
    Rprop,
    StepDecay,
    accuracy,
    callbacks,
    get_optimizer,
    jacobian,
    optimizers,
    schedules,
    solvers,
    train_best_of,
)
from bpnn.training.loop import train as _train

# Network.fit, .explain and .save are done above the core; they are wired in here, the one
# module that sees every layer. The file formats and explain are imported on first use.
register_method("fit", _train)


def _explain(net, X, y, learning_rate):
    from bpnn.explain.step import explain_step

    return explain_step(net, X, y, learning_rate)


def _save_network(net, path):
    from bpnn.io.model import save_network

    save_network(net, path)


register_method("explain", _explain)
register_method("save", _save_network)


# Jupyter's rich display: a network shows its layers and picture, a history its loss curves.
# The HTML and the pictures are made by bpnn.plots (imported on first display), so that the
# engine never imports matplotlib.
def _network_html(net) -> str:
    from bpnn.plots.notebook import network_html

    return network_html(net)


def _history_html(history) -> str:
    from bpnn.plots.notebook import history_html

    return history_html(history)


Network._repr_html_ = _network_html  # type: ignore[attr-defined]
History._repr_html_ = _history_html  # type: ignore[attr-defined]

__version__ = "0.1.0"


def save(obj, path) -> None:
    """Save a :class:`Network`, a table :class:`Model` or a ``BPClassifier`` / ``BPRegressor``
    to ``path``, atomically (a bpnn model file: NumPy arrays and JSON, no pickle)."""
    from bpnn.io.model import save as save_file

    if type(obj).__name__ in ("BPClassifier", "BPRegressor") and type(obj).__module__ == "bpnn.estimators.mlp":
        obj.save(path)
    else:
        save_file(obj, path)


def load(path):
    """Load whatever a bpnn model file holds: a :class:`Network`, a table :class:`Model`, a
    ``BPClassifier`` / ``BPRegressor``, or a forecast model. Never runs code from the file.

    Raises
    ------
    bpnn.io.ModelFileError
        If the file is missing, damaged, not a bpnn file or inconsistent (one-line message).
    """
    from bpnn.io.model import load as load_file

    return load_file(path, estimator_loader=_load_estimator, loaders={"forecast": _load_forecast})


def _load_forecast(arrays, metadata, source):
    from bpnn.forecast.model import ForecastModel

    return ForecastModel.from_parts(arrays, metadata, source)


def _load_estimator(arrays, metadata, source):
    from bpnn.estimators import load_estimator  # scikit-learn only when a file holds an estimator

    return load_estimator(arrays, metadata, source)


# The scikit-learn estimators (scikit-learn takes a while to import) and the table Model are imported
# on first use.
_LAZY = {"BPClassifier": "bpnn.estimators", "BPRegressor": "bpnn.estimators", "Model": "bpnn.io.model"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "ACTIVATIONS",
    "Activation",
    "BPClassifier",
    "BPRegressor",
    "Callback",
    "Dense",
    "DivergenceError",
    "GradientDescent",
    "History",
    "INITIALIZERS",
    "Initializer",
    "LOSSES",
    "Layer",
    "Loss",
    "NeuralNetwork",
    "Network",
    "OPTIMIZERS",
    "Optimizer",
    "accuracy",
    "get_activation",
    "get_loss",
    "get_optimizer",
    "gradcheck",
    "numerical_gradients",
    "__version__",
    "load",
    "save",
    "Model",
    # optimizers and schedules
    "SGD",
    "RMSprop",
    "Adam",
    "AdamW",
    "Adagrad",
    "Lion",
    "Constant",
    "StepDecay",
    "InverseScaling",
    "Rprop",
    "LBFGS",
    "LevenbergMarquardt",
    "BayesianRegularization",
    "jacobian",
    "Dropout",
    "EarlyStopping",
    "ModelCheckpoint",
    "ReduceLROnPlateau",
    "train_best_of",
]
