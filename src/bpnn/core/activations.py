"""Activation functions and their derivatives.

Every activation is written as a pair:

* ``forward(z)`` -- the activation ``a = f(z)`` of the pre-activation ``z``;
* ``backward(a, grad_a)`` -- the gradient with respect to ``z`` given the
  gradient with respect to ``a``.

The built-in activations (the classes in :data:`BUILTIN`) also take ``out=``, an
array to write the result into, as NumPy's functions do; ``forward(z, out=z)``
works in place. Training uses it to reuse buffers; the arithmetic is the same.

The derivatives are written from the layer's *output* ``a`` (for example
``sigmoid'(z) = a (1 - a)`` and ``tanh'(z) = 1 - a**2``), so a layer only has to
remember its output, not its pre-activation.

A user-defined activation is any object with ``forward`` and ``backward`` methods
of this shape (subclass :class:`Activation` to get the elementwise ``backward``
from a ``derivative(a)`` method); :func:`bpnn.core.gradcheck` verifies it.
"""

from __future__ import annotations

import numpy as np

from bpnn.core import _native
from bpnn.core.checks import lookup, with_methods


class Activation:
    """Base class: an elementwise activation defined by ``forward`` and ``derivative``.

    Subclasses implement ``forward(z)`` and ``derivative(a)`` (the derivative
    ``f'(z)`` expressed through the output ``a = f(z)``). Activations that are
    not elementwise (softmax) override ``backward`` instead.
    """

    name = "activation"

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, a: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, a: np.ndarray, grad_a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Gradient with respect to ``z``: ``grad_a * f'(z)``, with ``f'`` written from ``a``.

        ``out``, if given, receives the result; it must not be ``a`` or ``grad_a``.
        """
        return np.multiply(grad_a, self.derivative(a), out=out)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Identity(Activation):
    """``f(z) = z``; ``f'(z) = 1``."""

    name = "identity"

    def forward(self, z, out=None):
        if out is None or out is z:
            return z
        np.copyto(out, z)
        return out

    def derivative(self, a):
        return np.ones_like(a)

    def backward(self, a, grad_a, out=None):
        return self.forward(grad_a, out)


class Sigmoid(Activation):
    """The logistic function ``f(z) = 1 / (1 + exp(-z))``; ``f'(z) = a (1 - a)``.

    Computed without overflow for any finite ``z``: ``exp`` is only ever taken of
    ``-|z|``, which is at most 0.
    """

    name = "sigmoid"

    def forward(self, z, out=None):
        # z >= 0: 1 / (1 + e^{-z});  z < 0: e^{z} / (1 + e^{z}); both use e = e^{-|z|}.
        # The numerator, 1 or e, is exp(min(z, 0)): exp of the same number as e where z < 0,
        # exp(0) = 1 elsewhere (NaN stays NaN). Two cheap calls instead of a comparison and
        # np.where, with the same bits; it matters when the layer is one row (online training).
        e = np.exp(np.copysign(z, -1.0))  # -|z| in one call
        numerator = np.exp(np.minimum(z, 0.0))
        e += 1.0
        return np.divide(numerator, e, out=out)

    def derivative(self, a):
        return a * (1.0 - a)

    def backward(self, a, grad_a, out=None):
        if out is None:
            return super().backward(a, grad_a)
        # grad_a * (a (1 - a)), built in out: the same products as the generic rule, no temporaries
        np.subtract(1.0, a, out=out)
        out *= a
        out *= grad_a
        return out


class Tanh(Activation):
    """``f(z) = tanh(z)``; ``f'(z) = 1 - a**2``."""

    name = "tanh"

    def forward(self, z, out=None):
        return np.tanh(z, out=out)

    def derivative(self, a):
        return 1.0 - a * a

    def backward(self, a, grad_a, out=None):
        if out is None:
            return super().backward(a, grad_a)
        np.multiply(a, a, out=out)
        np.subtract(1.0, out, out=out)
        out *= grad_a
        return out


class ReLU(Activation):
    """``f(z) = max(0, z)``; ``f'(z) = 1`` where ``a > 0``, else 0 (0 at ``z = 0``)."""

    name = "relu"

    def forward(self, z, out=None):
        return np.maximum(z, 0.0, out=out)

    def derivative(self, a):
        return (a > 0).astype(a.dtype)

    def backward(self, a, grad_a, out=None):
        if out is not None and _native.relu_backward(grad_a, a, out):
            return out  # the line below in one pass of the optional C kernel, to the same numbers
        # the 0/1 mask stays boolean (a quarter of the memory of a float copy)
        return np.multiply(grad_a, a > 0, out=out)


class LeakyReLU(Activation):
    """``f(z) = z`` for ``z > 0`` and ``slope * z`` otherwise; ``f'`` is 1 or ``slope``.

    Because ``slope > 0`` keeps the sign, the derivative can be read off ``a``.

    Parameters
    ----------
    slope : float, default=0.01
        Slope for negative inputs; must be in (0, 1).
    """

    name = "leaky_relu"

    def __init__(self, slope: float = 0.01):
        if not (isinstance(slope, (int, float)) and 0.0 < slope < 1.0):
            raise ValueError(f"The 'slope' parameter of LeakyReLU must be a float in (0, 1). Got {slope!r} instead.")
        self.slope = float(slope)

    def forward(self, z, out=None):
        if out is None:
            return np.where(z > 0, z, self.slope * z)
        if out is not z:
            np.copyto(out, z)
        return np.multiply(out, self.slope, out=out, where=z <= 0)

    def derivative(self, a):
        return np.where(a > 0, 1.0, self.slope).astype(a.dtype)

    def __repr__(self):
        return f"LeakyReLU(slope={self.slope})"


class Exp(Activation):
    """``f(z) = exp(z)``; ``f'(z) = a``.

    The output activation of a Poisson regression (the log link): the output is a
    positive rate. A ``z`` above about 709 (88 in float32) overflows to ``inf``, which the
    training loop reports as a divergence.
    """

    name = "exp"

    def forward(self, z, out=None):
        return np.exp(z, out=out)

    def derivative(self, a):
        return a

    def backward(self, a, grad_a, out=None):
        return np.multiply(grad_a, a, out=out)


class Softmax(Activation):
    """``f(z)_k = exp(z_k) / sum_j exp(z_j)`` over the last axis.

    Not elementwise: its Jacobian is ``diag(a) - a a^T``, so the backward pass is
    the Jacobian-vector product ``a * (g - sum(g * a))`` rather than a product with
    a derivative. Only allowed in the output layer.
    """

    name = "softmax"

    def forward(self, z, out=None):
        # (the reductions called directly: z.max() and e.sum() add a Python wrapper each)
        e = np.subtract(z, np.maximum.reduce(z, axis=-1, keepdims=True), out=out)  # exp never overflows
        np.exp(e, out=e)
        e /= np.add.reduce(e, axis=-1, keepdims=True)
        return e

    def derivative(self, a):
        raise TypeError("softmax is not elementwise; use Softmax.backward(a, grad_a)")

    def backward(self, a, grad_a, out=None):
        return np.multiply(a, grad_a - np.sum(grad_a * a, axis=-1, keepdims=True), out=out)


#: The built-in activation classes; their ``forward`` and ``backward`` accept ``out=``.
BUILTIN = (Identity, Sigmoid, Tanh, ReLU, LeakyReLU, Exp, Softmax)

ACTIVATIONS = {
    "identity": Identity,
    "linear": Identity,
    "sigmoid": Sigmoid,
    "logistic": Sigmoid,
    "tanh": Tanh,
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "exp": Exp,
    "softmax": Softmax,
}


def get_activation(activation) -> Activation:
    """Return an activation object from a name, ``None`` (identity) or an object.

    Parameters
    ----------
    activation : str, None or object with ``forward`` and ``backward``
        One of ``sorted(ACTIVATIONS)``, or a user-defined activation.
    """
    if activation is None:
        return Identity()
    if isinstance(activation, str):
        return lookup(ACTIVATIONS, activation, "activation", " or an object with forward() and backward()")()
    return with_methods(
        activation,
        ("forward", "backward"),
        "activation",
        "a name (str), None or an object with forward() and backward() methods",
    )
