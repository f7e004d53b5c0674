"""Weight initializers.

An initializer is called as ``init(shape, rng, dtype)`` with ``shape = (n_in, n_out)``
for weights or ``(n_out,)`` for biases, a :class:`numpy.random.Generator` and a
dtype, and returns a new array. Randomness only ever comes from the ``rng``
passed in, never from NumPy's global state.
"""

from __future__ import annotations

import numpy as np

from bpnn.core.checks import lookup
from bpnn.core.registry import Registry


def _fans(shape) -> tuple[int, int]:
    if len(shape) == 2:
        return shape[0], shape[1]
    return shape[0], shape[0]


#: Every initializer by name, each registered below its class (no capabilities yet).
INITIALIZERS = Registry("initializer", {})


class Initializer:
    """Base class; subclasses implement ``__call__(shape, rng, dtype)``."""

    def __call__(self, shape, rng: np.random.Generator, dtype=np.float64) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


@INITIALIZERS.register("constant")
class Constant(Initializer):
    """Every entry equal to ``value`` (seed 002 starts from all weights = 1.0)."""

    def __init__(self, value: float = 0.0):
        self.value = float(value)

    def __call__(self, shape, rng, dtype=np.float64):
        return np.full(shape, self.value, dtype=dtype)


@INITIALIZERS.register("zeros")
class Zeros(Constant):
    def __init__(self):
        super().__init__(0.0)


@INITIALIZERS.register("ones")
class Ones(Constant):
    def __init__(self):
        super().__init__(1.0)


@INITIALIZERS.register("normal")
class Normal(Initializer):
    """Normal entries with mean 0 and standard deviation ``std``.

    ``std=None`` gives ``sqrt(1 / n_out)``, the scale seed 004 uses
    (``randn(n_in, n_out) * sqrt(1 / n_out)``).
    """

    def __init__(self, std: float | None = None):
        if std is not None and not std > 0:
            raise ValueError(f"The 'std' parameter of Normal must be > 0. Got {std!r} instead.")
        self.std = std

    def __call__(self, shape, rng, dtype=np.float64):
        std = self.std if self.std is not None else np.sqrt(1.0 / _fans(shape)[1])
        return (rng.standard_normal(shape) * std).astype(dtype, copy=False)


@INITIALIZERS.register("uniform")
class Uniform(Initializer):
    """Uniform entries in ``[low, high)`` (seed 004's biases: ``[0, 0.1)``)."""

    def __init__(self, low: float = -0.05, high: float = 0.05):
        if not high > low:
            raise ValueError(f"Uniform needs high > low. Got low={low!r}, high={high!r} instead.")
        self.low, self.high = float(low), float(high)

    def __call__(self, shape, rng, dtype=np.float64):
        return rng.uniform(self.low, self.high, size=shape).astype(dtype, copy=False)


@INITIALIZERS.register("xavier", aliases=("glorot", "glorot_uniform"))
class GlorotUniform(Initializer):
    """Glorot & Bengio (2010): uniform in ``±sqrt(6 / (n_in + n_out))``; suits sigmoid and tanh."""

    def __call__(self, shape, rng, dtype=np.float64):
        fan_in, fan_out = _fans(shape)
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape).astype(dtype, copy=False)


@INITIALIZERS.register("xavier_normal", aliases=("glorot_normal",))
class GlorotNormal(Initializer):
    """Glorot & Bengio (2010), normal form: std ``sqrt(2 / (n_in + n_out))``."""

    def __call__(self, shape, rng, dtype=np.float64):
        fan_in, fan_out = _fans(shape)
        return (rng.standard_normal(shape) * np.sqrt(2.0 / (fan_in + fan_out))).astype(dtype, copy=False)


@INITIALIZERS.register("he", aliases=("he_normal",))
class HeNormal(Initializer):
    """He et al. (2015): normal with std ``sqrt(2 / n_in)``; suits ReLU."""

    def __call__(self, shape, rng, dtype=np.float64):
        return (rng.standard_normal(shape) * np.sqrt(2.0 / _fans(shape)[0])).astype(dtype, copy=False)


@INITIALIZERS.register("he_uniform")
class HeUniform(Initializer):
    """He et al. (2015), uniform form: ``±sqrt(6 / n_in)``."""

    def __call__(self, shape, rng, dtype=np.float64):
        limit = np.sqrt(6.0 / _fans(shape)[0])
        return rng.uniform(-limit, limit, size=shape).astype(dtype, copy=False)


def get_initializer(init, argument: str = "init") -> Initializer:
    """Return an initializer from a name, a number (constant) or a callable."""
    if isinstance(init, str):
        return lookup(INITIALIZERS, init, argument, ", a number or a callable(shape, rng, dtype)")()
    if isinstance(init, (int, float)) and not isinstance(init, bool):
        return Constant(init)
    if callable(init):
        return init
    raise TypeError(
        f"The '{argument}' parameter must be a name (str), a number or a callable(shape, rng, dtype). "
        f"Got {type(init).__name__} instead."
    )
