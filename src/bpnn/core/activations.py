"""Activation functions and their derivatives.

Every activation is written as a pair:

* ``forward(z)`` -- the activation ``a = f(z)`` of the pre-activation ``z``;
* ``backward(a, grad_a)`` -- the gradient with respect to ``z`` given the
  gradient with respect to ``a``.

The built-in activations (the classes in :data:`BUILTIN`) also take ``out=``, an
array to write the result into, as NumPy's functions do; ``forward(z, out=z)``
works in place. Training uses it to reuse buffers; the arithmetic is the same.

An activation says what its backward pass needs in ``needs``: ``("a",)``, the output
(the default), ``("z",)``, the pre-activation, or ``("z", "a")``. The layer keeps
exactly that and passes ``z=`` to ``backward`` (and to ``derivative``) only when
``"z"`` is in ``needs``. Where the derivative can be written from the output (for
example ``sigmoid'(z) = a (1 - a)``, ``tanh'(z) = 1 - a**2``, ``softplus'(z) = 1 -
exp(-a)``), it is: the layer then keeps no pre-activation and writes the output over it.
GELU and SiLU need ``z``: their derivative is not a function of their output.

A user-defined activation is any object with ``forward`` and ``backward`` methods
of this shape (subclass :class:`Activation` to get the elementwise ``backward``
from a ``derivative(a)`` method, or ``derivative(a, z)`` with ``needs = ("z",)``);
:func:`bpnn.core.gradcheck` verifies it.

Every built-in activation is registered in :data:`ACTIVATIONS` next to its class, with
what the applications need (see :mod:`bpnn.core.registry`): ``hidden``/``output`` (the
layers it may be used in), ``formula`` (:class:`Formula`, for ``explain``), ``python``
(the source of a NumPy function of the same name, for the Python export), ``onnx`` (a
function ``(graph, z, activation, dtype) -> name`` that adds its ONNX nodes) and
``kernel`` (the name of its compiled kernel in :mod:`bpnn.training._fast`, if any).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from bpnn.core import _native
from bpnn.core.checks import lookup, with_methods
from bpnn.core.registry import Registry


class Formula(NamedTuple):
    """How ``explain`` writes an activation: its symbol and its derivative, as text and LaTeX.

    ``words=True`` when the text of the derivative is a sentence to translate.
    """

    symbol: str
    latex: str
    derivative: str = ""
    derivative_latex: str = ""
    words: bool = False


#: Every activation by name, with its capabilities (see the module docstring).
ACTIVATIONS = Registry(
    "activation",
    {"hidden": True, "output": True, "formula": None, "python": None, "onnx": None, "kernel": None},
)


def needs_z(activation) -> bool:
    """Whether ``activation``'s backward pass needs the pre-activation ``z`` (its ``needs``)."""
    return "z" in getattr(activation, "needs", ("a",))


def derivative(activation, a: np.ndarray, z: np.ndarray | None = None) -> np.ndarray:
    """``f'(z)`` of an elementwise activation, from what it declares it needs."""
    return activation.derivative(a, z) if needs_z(activation) else activation.derivative(a)


def backward(activation, a: np.ndarray, grad_a: np.ndarray, z: np.ndarray | None = None, out=None) -> np.ndarray:
    """``activation.backward`` given the output ``a`` and, when it needs it, the pre-activation ``z``.

    ``out`` is passed only when given (a user-defined activation need not take it).
    """
    kwargs = {} if out is None else {"out": out}
    if needs_z(activation):
        kwargs["z"] = z
    return activation.backward(a, grad_a, **kwargs)


class Activation:
    """Base class: an elementwise activation defined by ``forward`` and ``derivative``.

    Subclasses implement ``forward(z)`` and ``derivative(a)``, the derivative ``f'(z)``
    expressed through the output ``a = f(z)``; or, when it cannot be, set ``needs = ("z",)``
    and implement ``derivative(a, z)``. Activations that are not elementwise (softmax)
    override ``backward`` instead.
    """

    name = "activation"
    #: What ``backward`` needs: ``("a",)`` the output, ``("z",)`` the pre-activation, or both.
    needs: tuple[str, ...] = ("a",)

    def forward(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, a: np.ndarray, z: np.ndarray | None = None) -> np.ndarray:
        raise NotImplementedError

    def backward(
        self, a: np.ndarray, grad_a: np.ndarray, out: np.ndarray | None = None, z: np.ndarray | None = None
    ) -> np.ndarray:
        """Gradient with respect to ``z``: ``grad_a * f'(z)``, with ``f'`` from ``a`` (or ``z``, when
        ``"z"`` is in ``needs``).

        ``out``, if given, receives the result; it must not be ``a``, ``z`` or ``grad_a``.
        """
        return np.multiply(grad_a, derivative(self, a, z), out=out)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


@ACTIVATIONS.register(
    "identity",
    aliases=("linear",),
    formula=Formula("id", r"\operatorname{id}", "1", "1"),
    python="",  # nothing to write: a = z
    onnx=lambda g, z, act, dtype: z,
    kernel="identity",
)
class Identity(Activation):
    """``f(z) = z``; ``f'(z) = 1``."""

    name = "identity"

    def forward(self, z, out=None):
        if out is None or out is z:
            return z
        np.copyto(out, z)
        return out

    def derivative(self, a, z=None):
        return np.ones_like(a)

    def backward(self, a, grad_a, out=None, z=None):
        return self.forward(grad_a, out)


@ACTIVATIONS.register(
    "sigmoid",
    aliases=("logistic",),
    formula=Formula("σ", r"\sigma", "a(1 - a)", "a(1-a)"),
    python='''def sigmoid(z):
    """1 / (1 + exp(-z)), computed without overflow: exp is only taken of -|z|."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)''',
    onnx=lambda g, z, act, dtype: g.node("Sigmoid", [z], "sigmoid"),
    kernel="sigmoid",
)
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

    def derivative(self, a, z=None):
        return a * (1.0 - a)

    def backward(self, a, grad_a, out=None, z=None):
        if out is None:
            return super().backward(a, grad_a)
        # grad_a * (a (1 - a)), built in out: the same products as the generic rule, no temporaries
        np.subtract(1.0, a, out=out)
        out *= a
        out *= grad_a
        return out


@ACTIVATIONS.register(
    "tanh",
    formula=Formula("tanh", r"\tanh", "1 - a²", "1-a^2"),
    python="""def tanh(z):
    return np.tanh(z)""",
    onnx=lambda g, z, act, dtype: g.node("Tanh", [z], "tanh"),
    kernel="tanh",
)
class Tanh(Activation):
    """``f(z) = tanh(z)``; ``f'(z) = 1 - a**2``."""

    name = "tanh"

    def forward(self, z, out=None):
        return np.tanh(z, out=out)

    def derivative(self, a, z=None):
        return 1.0 - a * a

    def backward(self, a, grad_a, out=None, z=None):
        if out is None:
            return super().backward(a, grad_a)
        np.multiply(a, a, out=out)
        np.subtract(1.0, out, out=out)
        out *= grad_a
        return out


@ACTIVATIONS.register(
    "relu",
    formula=Formula("ReLU", r"\operatorname{ReLU}", "1 if z > 0, else 0", r"[z>0]", words=True),
    python="""def relu(z):
    return np.maximum(z, 0.0)""",
    onnx=lambda g, z, act, dtype: g.node("Relu", [z], "relu"),
    kernel="relu",
)
class ReLU(Activation):
    """``f(z) = max(0, z)``; ``f'(z) = 1`` where ``a > 0``, else 0 (0 at ``z = 0``)."""

    name = "relu"

    def forward(self, z, out=None):
        return np.maximum(z, 0.0, out=out)

    def derivative(self, a, z=None):
        return (a > 0).astype(a.dtype)

    def backward(self, a, grad_a, out=None, z=None):
        if out is not None and _native.relu_backward(grad_a, a, out):
            return out  # the line below in one pass of the optional C kernel, to the same numbers
        # the 0/1 mask stays boolean (a quarter of the memory of a float copy)
        return np.multiply(grad_a, a > 0, out=out)


def _onnx_leaky_relu(g, z, slope, dtype):
    # relu(z) + slope * (z - relu(z)): z where z > 0, slope * z elsewhere, exactly. ONNX's LeakyRelu
    # would do, but ONNX Runtime implements it for float only, and a network may compute in double.
    relu = g.node("Relu", [z], "leaky_relu_pos")
    negative = g.node("Sub", [z, relu], "leaky_relu_neg")
    scaled = g.node("Mul", [negative, g.const(np.asarray(slope, dtype))], "leaky_relu_scaled")
    return g.node("Add", [relu, scaled], "leaky_relu")


@ACTIVATIONS.register(
    "leaky_relu",
    formula=Formula(
        "LeakyReLU",
        r"\operatorname{LeakyReLU}",
        "1 if z > 0, else the slope",
        r"1 \text{ if } z>0 \text{ else the slope}",
        words=True,
    ),
    python="""def leaky_relu(z, slope):
    return np.where(z > 0, z, slope * z)""",
    onnx=lambda g, z, act, dtype: _onnx_leaky_relu(g, z, act.slope, dtype),
    kernel="leaky_relu",
)
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

    def derivative(self, a, z=None):
        return np.where(a > 0, 1.0, self.slope).astype(a.dtype)

    def __repr__(self):
        return f"LeakyReLU(slope={self.slope})"


@ACTIVATIONS.register(
    "exp",
    hidden=False,  # the output of a Poisson regression; in a hidden layer it overflows
    formula=Formula("exp", r"\exp", "a", "a"),
    python="""def exp(z):
    return np.exp(z)""",
    onnx=lambda g, z, act, dtype: g.node("Exp", [z], "exp"),
)
class Exp(Activation):
    """``f(z) = exp(z)``; ``f'(z) = a``.

    The output activation of a Poisson regression (the log link): the output is a
    positive rate. A ``z`` above about 709 (88 in float32) overflows to ``inf``, which the
    training loop reports as a divergence.
    """

    name = "exp"

    def forward(self, z, out=None):
        return np.exp(z, out=out)

    def derivative(self, a, z=None):
        return a

    def backward(self, a, grad_a, out=None, z=None):
        return np.multiply(grad_a, a, out=out)


@ACTIVATIONS.register(
    "softmax",
    hidden=False,
    formula=Formula("softmax", r"\operatorname{softmax}"),
    python='''def softmax(z):
    """exp(z) / sum(exp(z)) along each row, shifted by the row maximum so exp cannot overflow."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)''',
    onnx=lambda g, z, act, dtype: g.node("Softmax", [z], "softmax", axis=-1),
    kernel="softmax",
)
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

    def derivative(self, a, z=None):
        raise TypeError("softmax is not elementwise; use Softmax.backward(a, grad_a)")

    def backward(self, a, grad_a, out=None, z=None):
        return np.multiply(a, grad_a - np.sum(grad_a * a, axis=-1, keepdims=True), out=out)


# The normal distribution's CDF, elementwise: NumPy has no erf, so the standard library's
# erfc is applied to each entry (exact to the last bit or so; slower than a ufunc).
_ERFC = np.frompyfunc(math.erfc, 1, 1)
_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    """``Phi(z) = erfc(-z / sqrt 2) / 2`` (erfc: no cancellation for very negative ``z``)."""
    return np.asarray(_ERFC(np.multiply(z, -_SQRT_HALF)), dtype=z.dtype) * z.dtype.type(0.5)


def _onnx_gelu(g, z, act, dtype):
    # z * Phi(z) with Phi(z) = (1 + erf(z / sqrt 2)) / 2. ONNX Runtime implements Erf for float
    # only: a double network's erf is taken in float (its output then agrees to about 1e-7).
    half, root = g.const(np.asarray(0.5, dtype)), g.const(np.asarray(_SQRT_HALF, dtype))
    scaled = g.node("Mul", [z, root], "gelu_scaled")
    if np.dtype(dtype) == np.float32:
        erf = g.node("Erf", [scaled], "gelu_erf")
    else:
        as_float = g.node("Cast", [scaled], "gelu_float", to=1)  # 1: TensorProto.FLOAT
        erf = g.node("Cast", [g.node("Erf", [as_float], "gelu_erf")], "gelu_erf_double", to=11)  # 11: DOUBLE
    one = g.const(np.asarray(1.0, dtype))
    phi = g.node("Mul", [g.node("Add", [erf, one], "gelu_sum"), half], "gelu_cdf")
    return g.node("Mul", [z, phi], "gelu")


@ACTIVATIONS.register(
    "gelu",
    formula=Formula("GELU", r"\operatorname{GELU}", "Φ(z) + z·φ(z)", r"\Phi(z) + z\,\varphi(z)"),
    python='''def gelu(z):
    """z * Phi(z), Phi the standard normal CDF: erfc(-z / sqrt 2) / 2."""
    from math import erfc

    phi = np.frompyfunc(erfc, 1, 1)(-z * np.sqrt(0.5)).astype(z.dtype) * 0.5
    return z * phi''',
    onnx=_onnx_gelu,
)
class GELU(Activation):
    """The Gaussian error linear unit ``f(z) = z Phi(z)``, ``Phi`` the standard normal CDF;
    ``f'(z) = Phi(z) + z phi(z)`` with ``phi`` the normal density.

    Its derivative is not a function of its output (``f`` is not monotonic), so the layer
    keeps ``z`` for the backward pass (``needs = ("z",)``).

    References
    ----------
    D. Hendrycks, K. Gimpel, "Gaussian error linear units (GELUs)", arXiv:1606.08415, 2016.
    """

    name = "gelu"
    needs = ("z",)

    def forward(self, z, out=None):
        return np.multiply(z, _normal_cdf(z), out=out)

    def derivative(self, a, z=None):
        density = np.exp(-0.5 * z * z) * _INV_SQRT_2PI
        return _normal_cdf(z) + z * density


_GELU_C = math.sqrt(2.0 / math.pi)
_GELU_K = 0.044715


def _onnx_gelu_tanh(g, z, act, dtype):
    # z / 2 * (1 + tanh(c (z + k z^3)))
    def const(value):
        return g.const(np.asarray(value, dtype))

    cube = g.node("Mul", [g.node("Mul", [z, z], "gelu_sq"), z], "gelu_cube")
    inner = g.node("Add", [z, g.node("Mul", [cube, const(_GELU_K)], "gelu_kz3")], "gelu_inner")
    t = g.node("Tanh", [g.node("Mul", [inner, const(_GELU_C)], "gelu_u")], "gelu_tanh")
    half = g.node("Mul", [z, const(0.5)], "gelu_half")
    return g.node("Mul", [half, g.node("Add", [t, const(1.0)], "gelu_1pt")], "gelu")


@ACTIVATIONS.register(
    "gelu_tanh",
    formula=Formula(
        "GELU_tanh",
        r"\operatorname{GELU}_{\tanh}",
        "½(1 + t) + ½z(1 - t²)·c(1 + 3kz²), t = tanh(c(z + kz³)), c = √(2/π), k = 0.044715",
        r"\tfrac{1}{2}(1+t) + \tfrac{1}{2}z(1-t^2)\,c\,(1+3kz^2),\ t=\tanh(c(z+kz^3)),\ "
        r"c=\sqrt{2/\pi},\ k=0.044715",
    ),
    python=f'''def gelu_tanh(z):
    """GELU's tanh approximation: z / 2 * (1 + tanh(c (z + k z**3)))."""
    return 0.5 * z * (1.0 + np.tanh({_GELU_C!r} * (z + {_GELU_K!r} * z * z * z)))''',
    onnx=_onnx_gelu_tanh,
)
class GELUTanh(Activation):
    """GELU's tanh approximation ``f(z) = z/2 (1 + tanh(c (z + k z^3)))``, ``c = sqrt(2/pi)``,
    ``k = 0.044715`` (PyTorch's ``gelu(approximate="tanh")``); ``f'`` needs ``z``:
    ``f'(z) = (1 + t)/2 + z/2 (1 - t^2) c (1 + 3 k z^2)`` with ``t = tanh(c (z + k z^3))``.
    """

    name = "gelu_tanh"
    needs = ("z",)

    @staticmethod
    def _t(z):
        return np.tanh(_GELU_C * (z + _GELU_K * (z * z * z)))

    def forward(self, z, out=None):
        t = self._t(z)
        t += 1.0
        t *= 0.5
        return np.multiply(z, t, out=out)

    def derivative(self, a, z=None):
        t = self._t(z)
        return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * _GELU_C * (1.0 + 3.0 * _GELU_K * (z * z))


@ACTIVATIONS.register(
    "silu",
    formula=Formula("SiLU", r"\operatorname{SiLU}", "σ(z)(1 + z(1 - σ(z)))", r"\sigma(z)\,(1+z(1-\sigma(z)))"),
    python='''def silu(z):
    """z * sigmoid(z), the sigmoid computed without overflow (exp only of -|z|)."""
    e = np.exp(-np.abs(z))
    return z * np.where(z >= 0, 1.0, e) / (1.0 + e)''',
    onnx=lambda g, z, act, dtype: g.node("Mul", [z, g.node("Sigmoid", [z], "silu_sigmoid")], "silu"),
)
class SiLU(Activation):
    """The sigmoid-weighted linear unit (swish) ``f(z) = z sigmoid(z)``;
    ``f'(z) = s (1 + z (1 - s))`` with ``s = sigmoid(z)``, which needs ``z``.

    References
    ----------
    S. Elfwing, E. Uchibe, K. Doya, "Sigmoid-weighted linear units for neural network function
    approximation in reinforcement learning", Neural Networks 107, 2018.
    """

    name = "silu"
    needs = ("z",)

    def forward(self, z, out=None):
        return np.multiply(z, Sigmoid().forward(z), out=out)

    def derivative(self, a, z=None):
        s = Sigmoid().forward(z)
        return s * (1.0 + z * (1.0 - s))


def _onnx_softplus(g, z, dtype):
    # relu(z) + log(1 + exp(-|z|)), without overflow; ONNX's Softplus is implemented for float
    # only by ONNX Runtime. (log(1 + e) is 0 where e < 1e-16: an absolute error below 1e-16.)
    tail = g.node("Exp", [g.node("Neg", [g.node("Abs", [z], "softplus_abs")], "softplus_neg")], "softplus_exp")
    tail = g.node("Log", [g.node("Add", [tail, g.const(np.asarray(1.0, dtype))], "softplus_1p")], "softplus_log")
    return g.node("Add", [g.node("Relu", [z], "softplus_relu"), tail], "softplus")


@ACTIVATIONS.register(
    "softplus",
    formula=Formula("softplus", r"\operatorname{softplus}", "1 - e^(-a)", r"1-e^{-a}"),
    python='''def softplus(z):
    """log(1 + exp(z)) without overflow: max(z, 0) + log1p(exp(-|z|))."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))''',
    onnx=lambda g, z, act, dtype: _onnx_softplus(g, z, dtype),
)
class Softplus(Activation):
    """``f(z) = log(1 + exp(z))``, computed as ``max(z, 0) + log1p(exp(-|z|))`` (no overflow);
    ``f'(z) = sigmoid(z) = 1 - exp(-a)``, written from the output (``-expm1(-a)``, accurate for
    small ``a``), so the layer keeps no ``z``.
    """

    name = "softplus"

    def forward(self, z, out=None):
        tail = np.log1p(np.exp(np.copysign(z, -1.0)))  # log1p(exp(-|z|))
        return np.add(np.maximum(z, 0.0), tail, out=out)

    def derivative(self, a, z=None):
        return -np.expm1(-a)


#: The built-in activation classes; their ``forward`` and ``backward`` accept ``out=``.
BUILTIN = (Identity, Sigmoid, Tanh, ReLU, LeakyReLU, Exp, Softmax, GELU, GELUTanh, SiLU, Softplus)


def kernel_of(activation) -> str | None:
    """The ``kernel`` capability of the registry entry whose class is exactly ``type(activation)``
    (a subclass may change the arithmetic, so it has none), or None."""
    name = ACTIVATIONS.name_of(activation)
    return None if name is None else ACTIVATIONS.capability(name, "kernel")


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
