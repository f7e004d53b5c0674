"""Gradient checking: backpropagation against central finite differences.

For every parameter ``w`` the numerical derivative is the five-point central difference

    (L(w - 2h) - 8 L(w - h) + 8 L(w + h) - L(w + 2h)) / (12 h),

whose truncation error is of order ``h**4``; with ``h = 1e-5`` both it and the
rounding error (about ``1e-16 * L / h``) stay near 1e-11, far below what a wrong
derivative produces. The numerical side runs in ``numpy.longdouble`` (80-bit on
x86-64 Linux, where its rounding error is about 2000 times smaller than float64's);
the analytic side is the real float64 backward pass. The check runs on a float64 copy of the network,
so the network itself is never touched.
"""

from __future__ import annotations

import copy

import numpy as np


def numerical_gradients(net, X, y, eps: float = 1e-5, sample_weight=None) -> list[np.ndarray]:
    """Five-point central-difference gradients of ``net.loss(X, y)``, one array per entry of ``net.params``."""
    netx = _copy_as(net, np.longdouble)
    X, y, sample_weight = netx._check_xy(X, y, sample_weight)
    grads = []
    for p in netx.params:
        g = np.empty_like(p)
        flat_p, flat_g = p.reshape(-1), g.reshape(-1)
        for i in range(flat_p.size):
            old = flat_p[i]
            f = {}
            for k in (-2, -1, 1, 2):
                flat_p[i] = old + k * eps
                f[k] = netx._loss(X, y, sample_weight)
            flat_p[i] = old
            flat_g[i] = (f[-2] - 8.0 * f[-1] + 8.0 * f[1] - f[2]) / (12.0 * eps)
        grads.append(g.astype(np.float64))
    return grads


def gradcheck(net, X, y, eps: float = 1e-5, sample_weight=None, return_details: bool = False):
    """Compare backpropagation's gradients with central finite differences.

    Parameters
    ----------
    net : Network
    X : array of shape (n_samples, n_inputs)
    y : array of shape (n_samples, n_outputs)
    eps : float, default=1e-5
        Finite-difference step ``h``.
    sample_weight : array of shape (n_samples,), optional
    return_details : bool, default=False
        Also return the per-array errors and both gradients.

    Returns
    -------
    float
        The largest relative error over all parameters,
        ``|g_backprop - g_numeric| / max(|g_backprop| + |g_numeric|, floor)``, where
        ``floor`` is 1e-6 times the larger of the loss and the largest
        ``|g_backprop| + |g_numeric|``: entries that are zero up to rounding (behind a
        dead ReLU, say) are compared in absolute terms, where a relative error would
        only measure rounding noise. 1e-8 or smaller means the backward pass is right.
    dict
        With ``return_details=True``: ``{"errors", "analytic", "numeric"}`` as a second value.

    Examples
    --------
    >>> import numpy as np, bpnn
    >>> net = bpnn.Network([bpnn.Dense(3, 4, "tanh"), bpnn.Dense(4, 2, "sigmoid")], seed=0)
    >>> rng = np.random.default_rng(0)
    >>> bpnn.gradcheck(net, rng.normal(size=(5, 3)), rng.uniform(size=(5, 2))) < 1e-7
    True
    """
    net64 = _copy_as(net, np.float64)
    Xc, yc, swc = net64._check_xy(X, y, sample_weight)
    loss = abs(float(net64._forward_backward(Xc, yc, swc, training=False)))
    analytic = [np.array(g, dtype=np.float64) for g in net64.grads]
    numeric = numerical_gradients(net64, Xc, yc, eps, swc)
    sizes = [np.abs(a) + np.abs(n) for a, n in zip(analytic, numeric)]
    scale = max([loss] + [float(s.max()) for s in sizes])
    floor = max(1e-6 * scale, np.finfo(np.float64).tiny)
    errors = [float((np.abs(a - n) / np.maximum(s, floor)).max()) for a, n, s in zip(analytic, numeric, sizes)]
    worst = max(errors, default=0.0)
    if return_details:
        return worst, {"errors": errors, "analytic": analytic, "numeric": numeric}
    return worst


def _copy_as(net, dtype):
    """A deep copy of ``net`` computing in ``dtype`` (the original is never touched)."""
    twin = copy.deepcopy(net)
    twin.dtype = np.dtype(dtype)
    for layer in twin._dense_layers():
        layer.weights = layer.weights.astype(dtype)
        if layer.bias is not None:
            layer.bias = layer.bias.astype(dtype)
    return twin
