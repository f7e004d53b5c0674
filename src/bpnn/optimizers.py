"""Optimizers: each is one small update rule over (parameter, gradient) pairs.

The training loop hands every batch to ``optimizer.train_batch(net, X, y, sample_weight)``.
First-order optimizers keep the default: one forward and backward pass, then
``step(params, grads)``, which calls ``_update(i, param, grad)`` for every parameter
array (``i`` is its index, for optimizers that keep per-parameter state). Whole-batch
solvers that need more than a gradient (Levenberg-Marquardt, L-BFGS) override
``train_batch`` instead, so the loop never changes.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_float


class Optimizer:
    """Base class.

    Parameters
    ----------
    learning_rate : float, default=0.01
        Step size; must be > 0.
    """

    #: whether the optimizer needs the whole training set in one batch
    full_batch = False

    def __init__(self, learning_rate: float = 0.01):
        self.learning_rate = check_float(learning_rate, "learning_rate", low=0.0, low_inclusive=False)
        self.iterations = 0

    def train_batch(self, net, X: np.ndarray, y: np.ndarray, sample_weight=None) -> float:
        """One update from one batch; returns the batch's loss before the update."""
        loss = net._forward_backward(X, y, sample_weight)
        self.step(net.params, net.grads)
        return loss

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update every array of ``params`` in place from the matching ``grads``."""
        self.iterations += 1
        for i, (p, g) in enumerate(zip(params, grads)):
            self._update(i, p, g)

    def _update(self, i: int, param: np.ndarray, grad: np.ndarray) -> None:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"learning_rate": self.learning_rate}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class GradientDescent(Optimizer):
    """Plain gradient descent: ``w <- w - learning_rate * dL/dw``.

    With ``batch_size=None`` this is full-batch gradient descent (seeds 000, 002,
    003); with ``batch_size=1`` it is the per-sample online rule of seed 004.
    """

    def _update(self, i, param, grad):
        param -= self.learning_rate * grad


OPTIMIZERS = {
    "sgd": GradientDescent,
    "gd": GradientDescent,
}


def get_optimizer(optimizer, learning_rate: float | None = None) -> Optimizer:
    """Return an optimizer from a name (built with ``learning_rate``) or an optimizer object."""
    if isinstance(optimizer, str):
        key = optimizer.lower()
        if key not in OPTIMIZERS:
            raise ValueError(f"The 'optimizer' parameter must be one of {sorted(OPTIMIZERS)} or an "
                             f"Optimizer object. Got {optimizer!r} instead.")
        return OPTIMIZERS[key]() if learning_rate is None else OPTIMIZERS[key](learning_rate=learning_rate)
    if callable(getattr(optimizer, "train_batch", None)):
        if learning_rate is not None:
            raise ValueError("Got both an optimizer object and 'learning_rate'; set the learning rate "
                             "on the optimizer object instead.")
        return optimizer
    raise TypeError("The 'optimizer' parameter must be a name (str) or an Optimizer object. "
                    f"Got {type(optimizer).__name__} instead.")
