"""The engine's core: what a network *is* and how its gradient is computed.

Activations (function and derivative), losses (value and gradient), initializers, the
``Dense`` and ``Dropout`` layers, :class:`Network` (forward, backward, predict),
``gradcheck`` against finite differences, and the input checks. Imports NumPy only
(and the optional C kernels in ``_ckernels.c``); nothing here knows about training
loops, files or the command line.
"""

from bpnn.core.activations import ACTIVATIONS, Activation, get_activation
from bpnn.core.gradcheck import gradcheck, numerical_gradients
from bpnn.core.initializers import INITIALIZERS, Initializer
from bpnn.core.layers import Dense, Dropout, Layer
from bpnn.core.losses import LOSSES, Loss, get_loss
from bpnn.core.network import Network, NeuralNetwork

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "get_activation",
    "gradcheck",
    "numerical_gradients",
    "INITIALIZERS",
    "Initializer",
    "Dense",
    "Dropout",
    "Layer",
    "LOSSES",
    "Loss",
    "get_loss",
    "Network",
    "NeuralNetwork",
]
