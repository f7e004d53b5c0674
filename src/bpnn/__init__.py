"""bpnn: neural networks trained by error backpropagation.

The engine (this package's top-level modules) depends on NumPy alone:

>>> import numpy as np, bpnn
>>> net = bpnn.Network([bpnn.Dense(2, 25, activation="sigmoid"),
...                     bpnn.Dense(25, 2, activation="sigmoid")], loss="mse", seed=0)
>>> net.forward(np.zeros((3, 2))).shape
(3, 2)
"""

from .activations import ACTIVATIONS, Activation, get_activation
from .gradcheck import gradcheck, numerical_gradients
from .initializers import INITIALIZERS, Initializer
from .layers import Dense, Dropout, Layer
from .losses import LOSSES, Loss, get_loss
from .network import Network, NeuralNetwork
from .optimizers import OPTIMIZERS, SGD, Adagrad, Adam, AdamW, GradientDescent, Optimizer, RMSprop, get_optimizer
from .schedules import Constant, InverseScaling, StepDecay
from .training import Callback, DivergenceError, History, accuracy
from .callbacks import EarlyStopping, ModelCheckpoint, ReduceLROnPlateau
from .solvers import LBFGS, BayesianRegularization, LevenbergMarquardt, Rprop, jacobian
from .restarts import train_best_of

__version__ = "0.1.0"

# The scikit-learn estimators live in bpnn.sklearn and model files in bpnn.persist; both
# are imported on first use, so that ``import bpnn`` (the engine) never imports
# scikit-learn or the file formats.
_LAZY = {"BPClassifier": "sklearn", "BPRegressor": "sklearn", "load": "persist", "save": "persist", "Model": "persist"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

__all__ = [
    "ACTIVATIONS", "Activation", "BPClassifier", "BPRegressor", "Callback", "Dense", "DivergenceError", "GradientDescent", "History",
    "INITIALIZERS", "Initializer", "LOSSES", "Layer", "Loss", "NeuralNetwork", "Network", "OPTIMIZERS",
    "Optimizer", "accuracy", "get_activation", "get_loss", "get_optimizer", "gradcheck",
    "numerical_gradients", "__version__", "load", "save", "Model",
    # optimizers and schedules
    "SGD", "RMSprop", "Adam", "AdamW", "Adagrad", "Constant", "StepDecay", "InverseScaling",
    "Rprop", "LBFGS", "LevenbergMarquardt", "BayesianRegularization", "jacobian",
    "Dropout", "EarlyStopping", "ModelCheckpoint", "ReduceLROnPlateau", "train_best_of",
]

