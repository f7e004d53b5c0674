"""The compiled training path: one epoch of small-batch gradient descent in one compiled loop.

Why it exists: with one sample per update (seed 004's online mode) a 2-25-50-25-2
network does about 8,000 multiply-adds per sample, a few microseconds of arithmetic,
but the NumPy path spends some 80 NumPy calls on it, about a microsecond of Python
each. Here the whole epoch -- forward, loss, backward and the update, sample after
sample -- is one function compiled by numba, so nothing but arithmetic is left.

It is the same algorithm as the NumPy path, term for term: the activations of
``activations.py`` (written from the output ``a``), the losses of ``losses.py``
(with the same fused output deltas), ``Dense``'s three products, and
``GradientDescent``'s ``w <- w - learning_rate * dL/dw``, over the batches of the same
seeded permutation. Only the order of the additions inside the matrix products
differs, so the two paths agree to rounding (the tests require 1e-12 in float64);
the NumPy path is the reference.

numba is optional (``pip install bpnn[fast]``). :func:`epoch_runner` says when this
path applies; ``fit`` uses it automatically and falls back to NumPy otherwise.
``fit(fast=False)`` or the environment variable ``BPNN_FAST=0`` force the NumPy path.
"""

from __future__ import annotations

import functools
import importlib.util
import os

import numpy as np

from .activations import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from .layers import Dense, Layer
from .losses import BinaryCrossEntropy, CategoricalCrossEntropy, MeanSquaredError
from .optimizers import GradientDescent

#: Largest batch handled here. Beyond it a batch is big enough for BLAS's matrix products
#: to beat one-sample-at-a-time loops, and the NumPy path's per-call overhead no longer matters.
MAX_BATCH = 64
#: Largest layer (n_in * n_out) handled here, for the same reason.
MAX_LAYER = 64 * 64 * 4

# Codes for the compiled loop. Activations: how a(z) and f'(z) from a are computed.
IDENTITY, SIGMOID, TANH, RELU, LEAKY_RELU, SOFTMAX = range(6)
_ACTIVATION_CODES = {Identity: IDENTITY, Sigmoid: SIGMOID, Tanh: TANH, ReLU: RELU,
                     LeakyReLU: LEAKY_RELU, Softmax: SOFTMAX}
# Losses, with the output activations each is compiled for: MSE after any elementwise
# activation (general chain rule), cross-entropies only in their fused pairs.
MSE, BCE_SIGMOID, CCE_SOFTMAX = range(3)


def _loss_code(loss, output_code: int):
    kind = type(loss)
    if kind is MeanSquaredError and output_code != SOFTMAX:
        return MSE
    if kind is BinaryCrossEntropy and output_code == SIGMOID:
        return BCE_SIGMOID
    if kind is CategoricalCrossEntropy and output_code == SOFTMAX:
        return CCE_SOFTMAX
    return None


_BATCH_HOOKS = ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end")


def why_not(net, optimizer, batch_size: int, sample_weight=None, callbacks=()) -> str | None:
    """The reason the compiled path cannot train this, or None when it can."""
    if importlib.util.find_spec("numba") is None:
        return "numba is not installed (pip install 'bpnn[fast]')"
    if os.environ.get("BPNN_FAST", "1").strip().lower() in ("0", "false", "no", "off"):
        return "the environment variable BPNN_FAST turns it off"
    if type(optimizer) is not GradientDescent or any(
            value for key, value in optimizer.get_config().items() if key != "learning_rate"):
        return f"it implements plain gradient descent only, not {optimizer!r}"
    if batch_size > MAX_BATCH:
        return f"batch_size {batch_size} is above {MAX_BATCH}, where NumPy's matrix products are faster"
    if sample_weight is not None:
        return "it does not take sample_weight"
    if net.alpha:
        return "it does not implement the L2 penalty (alpha > 0)"
    for cb in callbacks:
        if any(callable(getattr(cb, hook, None)) for hook in _BATCH_HOOKS):
            return f"the callback {type(cb).__name__} needs to see every batch"
    codes = []
    for i, layer in enumerate(net.layers):
        if type(layer) not in (Dense, Layer):
            return f"layer {i} is a {type(layer).__name__}; only Dense layers are compiled"
        code = _ACTIVATION_CODES.get(type(layer.activation))
        if code is None or (code == SOFTMAX and i != len(net.layers) - 1):
            return f"layer {i}'s activation {layer.activation!r} is not compiled"
        if layer.n_in * layer.n_out > MAX_LAYER:
            return f"layer {i} ({layer.n_in} x {layer.n_out}) is large enough for NumPy's matrix products"
        if not all(p.flags.c_contiguous for p in layer.params):
            return f"layer {i}'s parameters are not C-contiguous arrays"
        codes.append(code)
    if _loss_code(net.loss_fn, codes[-1]) is None:
        return (f"the loss {net.loss_fn!r} after a {net.layers[-1].activation!r} output is not compiled "
                "(compiled: mse after an elementwise activation, binary_crossentropy after sigmoid, "
                "categorical_crossentropy after softmax)")
    return None


def epoch_runner(net, optimizer, batch_size: int, sample_weight=None, callbacks=(), fast=None):
    """A function ``run(X, y, order) -> summed loss`` that trains ``net`` for one epoch, or None.

    ``run`` visits the rows of ``X`` and ``y`` in ``order`` in batches of ``batch_size``,
    updates the network's parameters in place, and returns the sum over batches of the
    batch loss times the batch's size (what the NumPy loop adds up for the history).

    Parameters
    ----------
    fast : bool or None
        None: compiled when possible, else None is returned (use NumPy).
        False: always None. True: compiled, or ValueError saying why not.
    """
    if fast is False:
        return None
    reason = why_not(net, optimizer, batch_size, sample_weight, callbacks)
    if reason is not None:
        if fast:
            raise ValueError(f"fast=True, but the compiled path cannot train this: {reason}.")
        return None
    layers, dtype = net.layers, net.dtype
    codes = np.array([_ACTIVATION_CODES[type(layer.activation)] for layer in layers], dtype=np.int64)
    loss = _loss_code(net.loss_fn, int(codes[-1]))
    slopes = np.array([getattr(layer.activation, "slope", 0.0) for layer in layers], dtype=dtype)
    has_bias = np.array([layer.bias is not None for layer in layers])
    # The compiled loop sees every layer's (W, b) packed in one vector, W row by row and
    # then b (zeros, neither added nor updated, for a layer without bias): one compiled
    # function then serves networks of any depth.
    sizes = np.array([layers[0].n_in] + [layer.n_out for layer in layers], dtype=np.int64)
    offsets = np.cumsum([0] + [layer.n_in * layer.n_out + layer.n_out for layer in layers]).astype(np.int64)
    flat = np.zeros(offsets[-1], dtype)
    grads = np.empty_like(flat)
    acts = np.empty((len(layers), sizes[1:].max()), dtype)
    deltas = np.empty_like(acts)
    _compile()
    # The same rounded constants as the NumPy path: the learning rate and the clipping
    # bounds in the network's dtype.
    lr = dtype.type(optimizer.learning_rate)
    eps, tiny = np.finfo(dtype).eps, np.finfo(dtype).tiny

    def views():
        for l, layer in enumerate(layers):
            w_end = offsets[l] + layer.weights.size
            yield layer.weights, flat[offsets[l]:w_end].reshape(layer.weights.shape)
            if layer.bias is not None:
                yield layer.bias, flat[w_end:offsets[l + 1]]

    def run(X: np.ndarray, y: np.ndarray, order: np.ndarray) -> float:
        for param, packed in views():
            packed[...] = param
        total = _train_epoch(X, y, order, batch_size, flat, grads, sizes, offsets, has_bias, codes, slopes,
                             loss, lr, eps, tiny, acts, deltas)
        for param, packed in views():
            param[...] = packed
        optimizer.iterations += -(-len(order) // batch_size)
        return total

    return run


@functools.cache
def _compile() -> None:
    """Replace the loop functions below by their numba-compiled versions, once.

    Done on first use, not at import, because importing numba takes about half a second.
    Until then they are plain Python, which is also how to read them. Compiled code is
    cached on disk, so only the first run on a machine pays for compiling (seconds).
    ``reassoc`` and ``contract`` let the compiler reorder sums and use fused
    multiply-adds, as BLAS does; NaN and infinity keep their IEEE meaning, so a
    diverging run is still seen as one.
    """
    import numba

    jit = numba.njit(cache=True, nogil=True, fastmath={"reassoc", "contract"})
    for name in ("_activate", "_derivative", "_x_times_W", "_W_times_d", "_add_outer", "_layer",
                 "_forward_sample", "_output_delta", "_train_epoch"):
        globals()[name] = jit(globals()[name])


def _activate(code, slope, z):
    """a = f(z) for one elementwise activation (softmax is done over the whole row)."""
    if code == SIGMOID:
        e = np.exp(-abs(z))
        # as in Sigmoid.forward: exp is only taken of -|z|
        return (1.0 if z >= 0 else e) / (1.0 + e)
    if code == TANH:
        return np.tanh(z)
    if code == RELU:
        return max(z, 0.0)
    if code == LEAKY_RELU:
        return z if z > 0 else slope * z
    return z


def _derivative(code, slope, a):
    """f'(z) written from the output a, as in activations.py."""
    if code == SIGMOID:
        return a * (1.0 - a)
    if code == TANH:
        return 1.0 - a * a
    if code == RELU:
        return 1.0 if a > 0 else 0.0
    if code == LEAKY_RELU:
        return 1.0 if a > 0 else slope
    return 1.0


# -- one sample's linear algebra -------------------------------------------------------
# Each product runs its innermost loop along the longer side of W, so that the
# compiler's vector instructions get runs long enough to pay off: a 25 x 2 output
# layer done row by row would be 25 loops of length 2.
_LONG = 8


def _x_times_W(x, W, out):
    """out = x @ W for one sample x of shape (n_in,); out has shape (n_out,)."""
    n_in, n_out = W.shape
    if n_out >= _LONG:
        out[:] = 0.0
        for k in range(n_in):  # out += x_k * (row k of W)
            xk = x[k]
            for j in range(n_out):
                out[j] += xk * W[k, j]
    else:
        for j in range(n_out):  # out_j = x . (column j of W)
            total = 0.0
            for k in range(n_in):
                total += x[k] * W[k, j]
            out[j] = total


def _W_times_d(W, d, out):
    """out = W @ d for delta d of shape (n_out,): the gradient passed to the layer below."""
    n_in, n_out = W.shape
    if n_out >= _LONG:
        for k in range(n_in):  # out_k = (row k of W) . d
            total = 0.0
            for j in range(n_out):
                total += W[k, j] * d[j]
            out[k] = total
    else:
        out[:] = 0.0
        for j in range(n_out):  # out += d_j * (column j of W)
            dj = d[j]
            for k in range(n_in):
                out[k] += W[k, j] * dj


def _add_outer(W, alpha, x, d):
    """W += alpha * outer(x, d): the update (alpha = -learning_rate) or a gradient sum (alpha = 1)."""
    n_in, n_out = W.shape
    if n_out >= _LONG:
        for k in range(n_in):
            xk = x[k]
            for j in range(n_out):
                W[k, j] += alpha * (xk * d[j])
    else:
        for j in range(n_out):
            dj = d[j]
            for k in range(n_in):
                W[k, j] += alpha * (x[k] * dj)


# -- one sample through the network -------------------------------------------------------
def _layer(params, sizes, offsets, l):
    """Views of layer l's W (n_in, n_out) and b (n_out,) in the packed parameter vector."""
    n_in, n_out = sizes[l], sizes[l + 1]
    w_end = offsets[l] + n_in * n_out
    return params[offsets[l]:w_end].reshape((n_in, n_out)), params[w_end:w_end + n_out]


def _forward_sample(x, params, sizes, offsets, has_bias, codes, slopes, acts):
    """One sample through every layer; acts[l, :n_out] receives layer l's output a = f(x W + b)."""
    inp = x
    for l in range(len(codes)):
        W, b = _layer(params, sizes, offsets, l)
        a = acts[l, :sizes[l + 1]]
        _x_times_W(inp, W, a)
        if has_bias[l]:
            for j in range(a.shape[0]):
                a[j] += b[j]
        if codes[l] == SOFTMAX:
            top = a.max()
            total = 0.0
            for j in range(a.shape[0]):
                a[j] = np.exp(a[j] - top)
                total += a[j]
            for j in range(a.shape[0]):
                a[j] /= total
        else:
            for j in range(a.shape[0]):
                a[j] = _activate(codes[l], slopes[l], a[j])
        inp = a


def _output_delta(a, t, loss, code, slope, scale, eps, tiny, delta):
    """Write dL/dz of the output layer into delta (``scale`` is 1/m for a batch of m); return
    this sample's term of the loss, sum_k l(y_k, a_k)."""
    value = 0.0
    if loss == MSE:
        for j in range(a.shape[0]):
            r = a[j] - t[j]
            value += r * r
            delta[j] = r * scale * _derivative(code, slope, a[j])
        return 0.5 * value
    if loss == BCE_SIGMOID:  # fused: p (1 - p) cancels
        for j in range(a.shape[0]):
            p = min(max(a[j], eps), 1.0 - eps)
            value -= t[j] * np.log(p) + (1.0 - t[j]) * np.log1p(-p)
            delta[j] = (a[j] - t[j]) * scale
        return value
    total = 0.0  # CCE_SOFTMAX, fused: delta = (p * sum(y) - y) / m
    for j in range(a.shape[0]):
        total += t[j]
        value -= t[j] * np.log(max(a[j], tiny))
    for j in range(a.shape[0]):
        delta[j] = (a[j] * total - t[j]) * scale
    return value


def _train_epoch(X, Y, order, batch_size, params, grads, sizes, offsets, has_bias, codes, slopes, loss,
                 lr, eps, tiny, acts, deltas):
    """One epoch of gradient descent over the rows ``order`` names; returns the summed loss.

    ``params`` and ``grads`` hold every layer's (W, b), see :func:`_layer`; ``acts`` and
    ``deltas`` have one row per layer for its output and its dL/dz.
    """
    n_layers = len(codes)
    out = n_layers - 1
    total = 0.0
    for start in range(0, order.shape[0], batch_size):
        stop = min(start + batch_size, order.shape[0])
        m = stop - start
        online = m == 1  # one sample: update straight from its gradient, nothing to sum
        if not online:
            grads[:] = 0.0
        for s in range(start, stop):
            x, t = X[order[s]], Y[order[s]]
            _forward_sample(x, params, sizes, offsets, has_bias, codes, slopes, acts)
            total += _output_delta(acts[out, :sizes[-1]], t, loss, codes[out], slopes[out], 1.0 / m,
                                   eps, tiny, deltas[out, :sizes[-1]])
            for l in range(n_layers - 1, -1, -1):
                W, b = _layer(params, sizes, offsets, l)
                d = deltas[l, :sizes[l + 1]]
                inp = x if l == 0 else acts[l - 1, :sizes[l]]
                if l > 0:  # the layer below's delta, from W before W is updated
                    below = deltas[l - 1, :sizes[l]]
                    _W_times_d(W, d, below)
                    for k in range(below.shape[0]):
                        below[k] *= _derivative(codes[l - 1], slopes[l - 1], inp[k])
                # dL/dW = outer(input, delta), dL/db = delta
                if not online:
                    W, b = _layer(grads, sizes, offsets, l)
                _add_outer(W, -lr if online else 1.0, inp, d)
                if has_bias[l]:
                    for j in range(d.shape[0]):
                        b[j] += -lr * d[j] if online else d[j]
        if not online:
            for i in range(params.shape[0]):
                params[i] += -lr * grads[i]  # a layer without bias has zero gradients there
    # the sum over batches of (batch mean loss) * (batch size), as the NumPy loop adds up
    return total
