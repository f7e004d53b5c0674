"""The engine's training half: how a network's weights are changed.

The loop (``loop.py``: epochs, batches, callbacks, history), the optimizers as small
update rules, learning-rate schedules, callbacks (early stopping, checkpoints), the
whole-batch solvers (Rprop, L-BFGS, Levenberg-Marquardt, Bayesian regularization),
restarts, and the compiled path (``_fast.py``, numba). Imports :mod:`bpnn.core` and
NumPy; importing it makes ``Network.fit`` available.
"""

from bpnn.training.callbacks import EarlyStopping, ModelCheckpoint, ReduceLROnPlateau
from bpnn.training.loop import Callback, DivergenceError, History, accuracy
from bpnn.training.optimizers import (
    OPTIMIZERS,
    SGD,
    Adagrad,
    Adam,
    AdamW,
    GradientDescent,
    Lion,
    Optimizer,
    RMSprop,
    get_optimizer,
)
from bpnn.training.restarts import train_best_of
from bpnn.training.schedules import Constant, InverseScaling, StepDecay
from bpnn.training.solvers import LBFGS, BayesianRegularization, LevenbergMarquardt, Rprop, jacobian

__all__ = [
    "EarlyStopping",
    "ModelCheckpoint",
    "ReduceLROnPlateau",
    "Callback",
    "DivergenceError",
    "History",
    "accuracy",
    "OPTIMIZERS",
    "SGD",
    "Adagrad",
    "Lion",
    "Adam",
    "AdamW",
    "GradientDescent",
    "Optimizer",
    "RMSprop",
    "get_optimizer",
    "train_best_of",
    "Constant",
    "InverseScaling",
    "StepDecay",
    "LBFGS",
    "BayesianRegularization",
    "LevenbergMarquardt",
    "Rprop",
    "jacobian",
]
