"""Learning-rate schedules: the step size as a function of the number of updates made.

A schedule is any callable ``schedule(step) -> float``, where ``step`` counts the updates
already made (0 for the first). Pass it where a learning rate goes,
``bpnn.Adam(learning_rate=bpnn.StepDecay(0.01, decay_steps=100))``, as in Keras. With
full-batch training one update is one epoch; with mini-batches, ``step`` counts batches.

Reducing the step when the validation loss stops improving depends on the loss, not on
the step count, so it is a callback: :class:`bpnn.training.callbacks.ReduceLROnPlateau`.
"""

from __future__ import annotations

import math

from bpnn.core.checks import check_float, check_int


class LearningRateSchedule:
    """Base class: subclasses implement ``__call__(step)`` and ``get_config()``."""

    def __call__(self, step: int) -> float:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class Constant(LearningRateSchedule):
    """``lr(step) = learning_rate``, the same as passing the number itself."""

    def __init__(self, learning_rate: float):
        self.learning_rate = check_float(learning_rate, "learning_rate", low=0.0, low_inclusive=False)

    def __call__(self, step):
        return self.learning_rate

    def get_config(self):
        return {"learning_rate": self.learning_rate}


class StepDecay(LearningRateSchedule):
    """``lr(step) = initial_learning_rate * decay_rate ** floor(step / decay_steps)``.

    Parameters
    ----------
    initial_learning_rate : float
        > 0.
    decay_steps : int
        Updates between two reductions, >= 1.
    decay_rate : float, default=0.5
        Factor applied at each reduction, in (0, 1].
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float = 0.5):
        self.initial_learning_rate = check_float(
            initial_learning_rate, "initial_learning_rate", low=0.0, low_inclusive=False
        )
        self.decay_steps = check_int(decay_steps, "decay_steps", minimum=1)
        self.decay_rate = check_float(decay_rate, "decay_rate", low=0.0, high=1.0, low_inclusive=False)

    def __call__(self, step):
        return self.initial_learning_rate * self.decay_rate ** (step // self.decay_steps)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
        }


class InverseScaling(LearningRateSchedule):
    """``lr(step) = initial_learning_rate / (step + 1) ** power_t``.

    scikit-learn's ``learning_rate="invscaling"``, except that ``step`` counts updates here
    (scikit-learn counts samples).

    Parameters
    ----------
    initial_learning_rate : float
        > 0.
    power_t : float, default=0.5
        >= 0.
    """

    def __init__(self, initial_learning_rate: float, power_t: float = 0.5):
        self.initial_learning_rate = check_float(
            initial_learning_rate, "initial_learning_rate", low=0.0, low_inclusive=False
        )
        self.power_t = check_float(power_t, "power_t", low=0.0)

    def __call__(self, step):
        return self.initial_learning_rate / math.pow(step + 1, self.power_t)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate, "power_t": self.power_t}
