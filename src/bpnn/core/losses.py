"""Loss functions: each is its value and its gradient with respect to the network output.

Every loss here is the **mean over samples of a per-sample sum over outputs**,

    L = (1/m) * sum_i l(y_i, yhat_i),       l = sum over the outputs k of one sample,

so one sample of seed 002's worked example gives ``L = 1/2 * sum_k (y_k - yhat_k)**2``
and a batch gives seed 000's ``1/(2m) * sum (y - yhat)**2``. With ``sample_weight``
the mean becomes the weighted mean ``sum_i w_i l_i / sum_i w_i``.

A user-defined loss is any object with ``value(y_true, y_pred, sample_weight=None)``
and ``gradient(y_true, y_pred, sample_weight=None)`` (the gradient of the *mean*
loss with respect to ``y_pred``, so it already carries the ``1/m``);
:func:`bpnn.core.gradcheck` verifies it.
"""

from __future__ import annotations

import numpy as np

from bpnn.core.checks import check_float, lookup, with_methods
from bpnn.core.registry import Registry


def _sample_scale(m: int, sample_weight, dtype) -> np.ndarray | float:
    """The factor each sample's term is multiplied by: 1/m, or w_i / sum(w) as a column."""
    if sample_weight is None:
        return 1.0 / m
    w = np.asarray(sample_weight, dtype=dtype)
    return (w / w.sum())[:, None]


def _mean(per_sample: np.ndarray, sample_weight):
    # A NumPy scalar of the data's dtype, not a Python float, so that a gradient check
    # in extended precision is not rounded to float64 here.
    if sample_weight is None:
        # mean() without its Python wrapper: the same pairwise sum, a few microseconds less
        return np.add.reduce(per_sample) / per_sample.shape[0]
    w = np.asarray(sample_weight, dtype=per_sample.dtype)
    return w @ per_sample / w.sum()


#: Every loss by name (its own, ``cls.name``, the one model files store, and its other spellings);
#: each is registered below its class. Losses declare no capabilities yet.
LOSSES = Registry("loss", {})


class Loss:
    """Base class for losses. Subclasses implement ``value`` and ``gradient``.

    ``fused_delta`` may return the gradient with respect to the output layer's
    *pre-activation* directly, for activation/loss pairs where the chain rule
    collapses to a simple expression; it returns ``None`` otherwise.
    """

    name = "loss"

    def value(self, y_true, y_pred, sample_weight=None) -> float:
        raise NotImplementedError

    def gradient(self, y_true, y_pred, sample_weight=None) -> np.ndarray:
        raise NotImplementedError

    def fused_delta(self, y_true, y_pred, activation_name: str, sample_weight=None):
        return None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


@LOSSES.register("mse", aliases=("mean_squared_error",))
class MeanSquaredError(Loss):
    """``l = 1/2 * sum_k (y_k - yhat_k)**2``;  ``dL/dyhat = (yhat - y) / m``.

    The factor 1/2 makes the gradient the plain error, as in seeds 000 and 002.
    """

    name = "mse"

    def value(self, y_true, y_pred, sample_weight=None):
        r = y_pred - y_true
        return 0.5 * _mean(np.einsum("ij,ij->i", r, r), sample_weight)

    def gradient(self, y_true, y_pred, sample_weight=None):
        return (y_pred - y_true) * _sample_scale(len(y_true), sample_weight, y_pred.dtype)

    def fused_delta(self, y_true, y_pred, activation_name, sample_weight=None):
        # identity output: dL/dz = dL/dyhat
        if activation_name == "identity":
            return self.gradient(y_true, y_pred, sample_weight)
        return None


@LOSSES.register("binary_crossentropy", aliases=("bce",))
class BinaryCrossEntropy(Loss):
    """``l = -sum_k [y_k log p_k + (1 - y_k) log(1 - p_k)]`` for outputs ``p`` in (0, 1).

    ``dL/dp = (p - y) / (p (1 - p)) / m``. Probabilities are clipped to
    ``[eps, 1 - eps]`` inside the logarithms so that a saturated output gives a
    large finite loss, never ``log(0)``.
    """

    name = "binary_crossentropy"

    def _clip(self, p):
        eps = np.finfo(p.dtype).eps
        return np.clip(p, eps, 1.0 - eps)

    def value(self, y_true, y_pred, sample_weight=None):
        p = self._clip(y_pred)
        per = -(y_true * np.log(p) + (1.0 - y_true) * np.log1p(-p)).sum(axis=1)
        return _mean(per, sample_weight)

    def gradient(self, y_true, y_pred, sample_weight=None):
        p = self._clip(y_pred)
        return (p - y_true) / (p * (1.0 - p)) * _sample_scale(len(y_true), sample_weight, y_pred.dtype)

    def fused_delta(self, y_true, y_pred, activation_name, sample_weight=None):
        # sigmoid output: p (1 - p) cancels, dL/dz = (p - y) / m
        if activation_name == "sigmoid":
            return (y_pred - y_true) * _sample_scale(len(y_true), sample_weight, y_pred.dtype)
        return None


@LOSSES.register("categorical_crossentropy", aliases=("cce",))
class CategoricalCrossEntropy(Loss):
    """``l = -sum_k y_k log p_k`` for probability rows ``p`` (softmax output).

    ``dL/dp = -y / p / m``. With a softmax output the chain rule collapses to
    ``dL/dz = (p * sum_k y_k - y) / m``, which is ``(p - y) / m`` for one-hot or
    other targets that sum to one.
    """

    name = "categorical_crossentropy"

    def value(self, y_true, y_pred, sample_weight=None):
        log_p = np.maximum(y_pred, np.finfo(y_pred.dtype).tiny)
        np.log(log_p, out=log_p)
        if sample_weight is None and y_true.shape == log_p.shape:
            # -sum_ik y_ik log p_ik / m as one dot product: no per-sample temporaries
            return -np.vdot(y_true, log_p) / y_true.shape[0]
        return _mean(-np.add.reduce(y_true * log_p, axis=1), sample_weight)

    def gradient(self, y_true, y_pred, sample_weight=None):
        p = np.maximum(y_pred, np.finfo(y_pred.dtype).tiny)
        return -y_true / p * _sample_scale(len(y_true), sample_weight, y_pred.dtype)

    def fused_delta(self, y_true, y_pred, activation_name, sample_weight=None):
        if activation_name == "softmax":
            delta = np.multiply(y_pred, np.add.reduce(y_true, axis=1, keepdims=True))
            delta -= y_true
            delta *= _sample_scale(len(y_true), sample_weight, y_pred.dtype)
            return delta
        return None


@LOSSES.register("mae", aliases=("mean_absolute_error",))
class MeanAbsoluteError(Loss):
    """``l = sum_k |yhat_k - y_k|``;  ``dL/dyhat = sign(yhat - y) / m`` (0 where they are equal).

    Less sensitive to outliers than the MSE. Also an example of a user-defined loss: a
    value and a gradient are all a loss needs (:func:`bpnn.core.gradcheck` verifies them).
    """

    name = "mae"

    def value(self, y_true, y_pred, sample_weight=None):
        return _mean(np.abs(y_pred - y_true).sum(axis=1), sample_weight)

    def gradient(self, y_true, y_pred, sample_weight=None):
        return np.sign(y_pred - y_true) * _sample_scale(len(y_true), sample_weight, y_pred.dtype)


@LOSSES.register("huber")
class Huber(Loss):
    """Quadratic for small errors, linear for large ones: with ``r = yhat - y``,

        l = sum_k  r_k**2 / 2                     if |r_k| <= delta
                   delta * (|r_k| - delta / 2)    otherwise

    ``dL/dyhat = clip(r, -delta, delta) / m``. With ``delta`` large it is the MSE loss.

    Parameters
    ----------
    delta : float, default=1.0
        Where the quadratic part ends, > 0.

    References
    ----------
    P. J. Huber, "Robust estimation of a location parameter", Ann. Math. Statist. 35(1), 1964.
    """

    name = "huber"

    def __init__(self, delta: float = 1.0):
        self.delta = check_float(delta, "delta", low=0.0, low_inclusive=False)

    def value(self, y_true, y_pred, sample_weight=None):
        a = np.abs(y_pred - y_true)
        per = np.where(a <= self.delta, 0.5 * a * a, self.delta * (a - 0.5 * self.delta)).sum(axis=1)
        return _mean(per, sample_weight)

    def gradient(self, y_true, y_pred, sample_weight=None):
        r = np.clip(y_pred - y_true, -self.delta, self.delta)
        return r * _sample_scale(len(y_true), sample_weight, y_pred.dtype)

    def __repr__(self):
        return f"Huber(delta={self.delta})"


@LOSSES.register("poisson")
class PoissonDeviance(Loss):
    """Half the Poisson deviance, for counts or rates ``y >= 0`` and predicted rates ``mu > 0``:

        l = sum_k  y_k log(y_k / mu_k) - y_k + mu_k        (y log y = 0 at y = 0)

    ``dL/dmu = (1 - y / mu) / m``. With an ``exp`` output ``mu = exp(z)`` the chain rule
    collapses to ``dL/dz = (mu - y) / m``. ``l`` is 0 for a perfect prediction; it is the
    negative Poisson log-likelihood up to terms that depend on ``y`` only, so minimising it
    is maximum-likelihood Poisson regression (scikit-learn's ``loss="poisson"``).
    """

    name = "poisson"

    def value(self, y_true, y_pred, sample_weight=None):
        mu = np.maximum(y_pred, np.finfo(y_pred.dtype).tiny)
        positive = y_true > 0
        ratio = np.divide(y_true, mu, out=np.ones_like(mu), where=positive)
        per = (y_true * np.log(ratio) - y_true + mu).sum(axis=1)
        return _mean(per, sample_weight)

    def gradient(self, y_true, y_pred, sample_weight=None):
        mu = np.maximum(y_pred, np.finfo(y_pred.dtype).tiny)
        return (1.0 - y_true / mu) * _sample_scale(len(y_true), sample_weight, y_pred.dtype)

    def fused_delta(self, y_true, y_pred, activation_name, sample_weight=None):
        if activation_name == "exp":
            return (y_pred - y_true) * _sample_scale(len(y_true), sample_weight, y_pred.dtype)
        return None


def get_loss(loss) -> Loss:
    """Return a loss object from a name or a user-defined object.

    Parameters
    ----------
    loss : str or object with ``value`` and ``gradient``
        One of ``sorted(LOSSES)``, or a user-defined loss.
    """
    if isinstance(loss, str):
        return lookup(LOSSES, loss, "loss", " or an object with value() and gradient()")()
    return with_methods(
        loss, ("value", "gradient"), "loss", "a name (str) or an object with value() and gradient() methods"
    )
