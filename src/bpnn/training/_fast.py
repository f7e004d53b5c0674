"""The compiled training path: one epoch of gradient descent or Adam in one compiled loop.

Why it exists: with one sample per update (seed 004's online mode) a 2-25-50-25-2
network does about 8,000 multiply-adds per sample, a few microseconds of arithmetic,
but the NumPy path spends some 80 NumPy calls on it, about a microsecond of Python
each; small batches of a small network are much the same. Here the whole epoch --
forward, loss, backward and update, batch after batch -- is one function compiled by
numba, so nothing but arithmetic is left.

It is the NumPy path's algorithm step for step: the activations of ``activations.py``
(derivatives written from the output ``a``), the losses of ``losses.py`` with the
same fused output deltas, ``Dense``'s three products (``A @ W`` forward, ``D @ W.T``
to the layer below, ``A.T @ D`` for dL/dW), the L2 penalty of ``Network(alpha=...)``, and
the update rules of ``optimizers.SGD`` (plain, heavy-ball or Nesterov momentum) and
``optimizers.Adam``, over the batches of the same seeded permutation. Online training
with plain gradient descent does the products of each sample in plain loops, where
calling BLAS would cost more than the arithmetic; a batch of several rows does them
with BLAS. Only the order of some additions differs, so the
two paths agree to rounding (the tests require 1e-12 in float64); the NumPy path is
the reference. Big layers and big batches stay on the NumPy path (see ``MAX_PRODUCT``).

The module also gives ``optimizers.Adam`` a compiled update (:func:`adam_pass`): the
same arithmetic as its NumPy rule, bit for bit, in one pass over memory instead of a
dozen; it pays off on big layers, where the NumPy path trains. It comes from bpnn's small
optional C extension (``_ckernels``, loaded by :mod:`bpnn.core._native`) when that was built
(setup.py; it needs a C compiler at install time), else from numba.

numba is a regular dependency of bpnn; where it is missing (an install without it, or
no wheel for the platform) everything here falls back to the NumPy path. :func:`why_not` says when the compiled
epoch applies; ``fit`` uses it automatically and falls back to NumPy otherwise.
``fit(fast=False)`` forces the NumPy path for the epoch; the environment variable
``BPNN_FAST=0`` turns off every compiled piece, including the Adam step.
"""

from __future__ import annotations

import functools
import importlib.util
import math

import numpy as np

from bpnn.core import _native
from bpnn.core.activations import kernel_of
from bpnn.core.layers import Dense, Layer
from bpnn.core.losses import BinaryCrossEntropy, CategoricalCrossEntropy, MeanSquaredError

# Codes for the compiled loop. Activations: how a(z) and f'(z) from a are computed, one code
# per kernel name (an activation's ``kernel`` capability in bpnn.ACTIVATIONS).
IDENTITY, SIGMOID, TANH, RELU, LEAKY_RELU, SOFTMAX = range(6)
_KERNEL_CODES = {
    "identity": IDENTITY,
    "sigmoid": SIGMOID,
    "tanh": TANH,
    "relu": RELU,
    "leaky_relu": LEAKY_RELU,
    "softmax": SOFTMAX,
}


def _activation_code(activation) -> int | None:
    kernel = kernel_of(activation)
    return None if kernel is None else _KERNEL_CODES.get(kernel)


# Losses, with the output activations each is compiled for: MSE after any elementwise
# activation (general chain rule), cross-entropies only in their fused pairs.
MSE, BCE_SIGMOID, CCE_SOFTMAX = range(3)
# Update rules, with the configuration each accepts (anything else must be off). SGD with
# momentum (heavy ball or Nesterov) is its own code, chosen in epoch_runner.
PLAIN_SGD, ADAM, MOMENTUM_SGD = range(3)
_RULES = {
    "SGD": (PLAIN_SGD, {"learning_rate", "momentum", "nesterov"}),
    "Adam": (ADAM, {"learning_rate", "beta_1", "beta_2", "epsilon"}),
}
#: How often SGD's velocity is cleared of subnormal entries (optimizers.ZERO_SUBNORMALS_EVERY;
#: the same number, written here because the engine's modules do not import optimizers).
ZERO_SUBNORMALS_EVERY = 16
#: Largest product (batch rows x n_in x n_out multiply-adds) trained here. Bigger ones are
#: better left to NumPy: numba calls SciPy's BLAS, which measured twice as slow as NumPy's
#: on a 200 x 784 by 784 x 256 product here with one thread, and much slower with two on
#: 200 x 64 by 64 x 128; and NumPy's per-call overhead no longer dominates anyway.
MAX_PRODUCT = 2**18


def _rule(optimizer):
    """(rule code, accepted configuration) for an optimizer of exactly a compiled class, else None."""
    # Only the exact classes that declare a compiled rule (a subclass may change the rule,
    # so it is not inherited); optimizers.py sets ``_compiled_rule`` on SGD and Adam.
    name = type(optimizer).__dict__.get("_compiled_rule")
    return _RULES.get(name) if name is not None else None


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
    if not _numba_installed():
        return "numba is not installed (it is one of bpnn's dependencies: pip install numba)"
    if not _enabled():
        return "the environment variable BPNN_FAST turns it off"
    rule = _rule(optimizer)
    if rule is None or any(value for key, value in optimizer.get_config().items() if key not in rule[1]):
        return f"it implements SGD (with or without momentum) and Adam only, not {optimizer!r}"
    if callable(optimizer.learning_rate):
        return "it takes a constant learning rate, not a schedule"
    if sample_weight is not None:
        return "it does not take sample_weight"
    if getattr(net, "l1", 0.0):
        return "it does not implement the L1 penalty (l1 > 0)"
    for cb in callbacks:
        if any(callable(getattr(cb, hook, None)) for hook in _BATCH_HOOKS):
            return f"the callback {type(cb).__name__} needs to see every batch"
    codes = []
    for i, layer in enumerate(net.layers):
        if type(layer) not in (Dense, Layer):
            return f"layer {i} is a {type(layer).__name__}; only Dense layers are compiled"
        code = _activation_code(layer.activation)
        if code is None or (code == SOFTMAX and i != len(net.layers) - 1):
            return f"layer {i}'s activation {layer.activation!r} has no compiled kernel"
        if batch_size * layer.n_in * layer.n_out > MAX_PRODUCT:
            return (
                f"layer {i} ({layer.n_in} x {layer.n_out}) with batches of {batch_size} is large enough "
                "for NumPy's matrix products"
            )
        if not all(p.flags.c_contiguous for p in layer.params):
            return f"layer {i}'s parameters are not C-contiguous arrays"
        codes.append(code)
    if _loss_code(net.loss_fn, codes[-1]) is None:
        return (
            f"the loss {net.loss_fn!r} after a {net.layers[-1].activation!r} output is not compiled "
            "(compiled: mse after an elementwise activation, binary_crossentropy after sigmoid, "
            "categorical_crossentropy after softmax)"
        )
    return None


def epoch_runner(net, optimizer, batch_size: int, sample_weight=None, callbacks=(), fast=None):
    """A function ``run(X, y, order) -> summed loss`` that trains ``net`` for one epoch, or None.

    ``run`` visits the rows of ``X`` and ``y`` in ``order`` in batches of ``batch_size``,
    updates the network's parameters (and the optimizer's state) in place, and returns
    the sum over batches of the batch loss times the batch's size (what the NumPy loop
    adds up for the history).

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
    codes = np.array([_activation_code(layer.activation) for layer in layers], dtype=np.int64)
    loss = _loss_code(net.loss_fn, int(codes[-1]))
    rule = _rule(optimizer)[0]
    if rule == PLAIN_SGD and optimizer.momentum:
        rule = MOMENTUM_SGD
    alpha = float(net.alpha)  # the L2 penalty alpha / (2 m) * sum ||W||^2 of a batch of m rows
    slopes = np.array([getattr(layer.activation, "slope", 0.0) for layer in layers], dtype=dtype)
    has_bias = np.array([layer.bias is not None for layer in layers])
    sizes = np.array([layers[0].n_in] + [layer.n_out for layer in layers], dtype=np.int64)
    # The compiled loop sees every layer's (W, b) packed in one vector, W row by row and
    # then b (zeros, neither added nor updated, for a layer without bias); Adam's m and v
    # the same way; and every layer's activations (and deltas) for a batch in another
    # vector: one compiled function then serves networks of any depth. Copying in and
    # out once per epoch costs a few passes over the parameters.
    offsets = np.cumsum([0] + [layer.n_in * layer.n_out + layer.n_out for layer in layers]).astype(np.int64)
    params, grads = np.zeros(offsets[-1], dtype), np.zeros(offsets[-1], dtype)
    moments = np.zeros((2, offsets[-1]), dtype)  # Adam's m and v; SGD's velocity in the first
    rows = np.cumsum([0] + [batch_size * layer.n_out for layer in layers]).astype(np.int64)
    acts, deltas = np.empty(rows[-1], dtype), np.empty(rows[-1], dtype)
    X_batch, y_batch = np.empty((batch_size, sizes[0]), dtype), np.empty((batch_size, sizes[-1]), dtype)
    # the clipping bounds the NumPy path uses, in the network's dtype
    eps, tiny = np.finfo(dtype).eps, np.finfo(dtype).tiny
    if rule == ADAM:
        hyper = np.array([optimizer.beta_1, optimizer.beta_2, optimizer.epsilon])
        if optimizer.m is None:  # as Optimizer.step does before the first update
            optimizer.m = [np.zeros_like(p) for p in net.params]
            optimizer.v = [np.zeros_like(p) for p in net.params]
    elif rule == MOMENTUM_SGD:
        hyper = np.array([optimizer.momentum, float(optimizer.nesterov), 0.0])
        if optimizer.velocity is None:
            optimizer.velocity = [np.zeros_like(p) for p in net.params]
    else:
        hyper = np.zeros(3)
    _compile()

    def places(flat):
        """The view of ``flat`` where each parameter array lives, in ``net.params`` order."""
        for l, layer in enumerate(layers):
            w_end = offsets[l] + layer.weights.size
            yield flat[offsets[l] : w_end].reshape(layer.weights.shape)
            if layer.bias is not None:
                yield flat[w_end : offsets[l + 1]]

    def copy(pairs, into_flat: bool):
        for array, place in pairs:
            if into_flat:
                place[...] = array
            else:
                array[...] = place

    def run(X: np.ndarray, y: np.ndarray, order: np.ndarray) -> float:
        # read every epoch: a callback such as ReduceLROnPlateau may have changed it
        optimizer.lr = optimizer.current_learning_rate()
        lr = dtype.type(optimizer.lr)  # rounded to the dtype, as NumPy does with a Python float
        pairs = list(zip(net.params, places(params)))
        if rule == ADAM:
            pairs += list(zip(optimizer.m, places(moments[0]))) + list(zip(optimizer.v, places(moments[1])))
        elif rule == MOMENTUM_SGD:
            pairs += list(zip(optimizer.velocity, places(moments[0])))
        copy(pairs, into_flat=True)
        if batch_size == 1 and rule == PLAIN_SGD and not alpha:
            total = _online_epoch(
                X, y, order, params, offsets, acts, deltas, rows, sizes, has_bias, codes, slopes, loss, lr, eps, tiny
            )
        else:
            total = _batch_epoch(
                X,
                y,
                order,
                X_batch,
                y_batch,
                params,
                grads,
                moments,
                offsets,
                acts,
                deltas,
                rows,
                sizes,
                has_bias,
                codes,
                slopes,
                loss,
                rule,
                lr,
                hyper,
                optimizer.iterations,
                eps,
                tiny,
                alpha,
            )
        copy(pairs, into_flat=False)
        optimizer.iterations += -(-len(order) // batch_size)
        return total

    return run


@functools.cache
def _numba_installed() -> bool:
    return importlib.util.find_spec("numba") is not None


_enabled = _native.enabled


def adam_scalars(dtype, beta_1, beta_2, epsilon, lr, t) -> np.ndarray | None:
    """The constants of one Adam step for :func:`adam_pass`, or None when the compiled
    update cannot run (neither the C extension nor numba is there, ``BPNN_FAST=0``, or
    ``dtype`` is not a native float32/float64).

    Computed once per step and shared by every parameter array of that step; rounded to
    ``dtype``, as NumPy rounds a Python float next to an array.
    """
    dtype = np.dtype(dtype)
    if dtype.char not in "fd" or not dtype.isnative or not _enabled():
        return None
    if _c_kernel() is None:
        if not _numba_installed():
            return None
        _compile()
    c = math.sqrt(1.0 - beta_2**t)
    return np.array(
        [beta_1, 1.0 - beta_1, beta_2, 1.0 - beta_2, epsilon * c, lr * c / (1.0 - beta_1**t), np.finfo(dtype).tiny],
        dtype=dtype,
    )


def adam_pass(param, grad, m, v, scalars) -> bool:
    """Adam's update of one parameter array in one compiled pass, for ``optimizers.Adam``.

    Bit for bit what ``Adam._update`` computes with NumPy (the same operations in the
    same order and dtype, compiled without fast-math), but one trip through memory
    instead of a dozen. Returns False, having done nothing, when the arrays are not
    contiguous arrays of the dtype of ``scalars`` (from :func:`adam_scalars`).
    """
    dtype = scalars.dtype
    if not (
        param.dtype == grad.dtype == m.dtype == v.dtype == dtype
        and param.flags.c_contiguous
        and grad.flags.c_contiguous
        and m.flags.c_contiguous
        and v.flags.c_contiguous
    ):
        return False
    kernel = _c_kernel()
    if kernel is not None:
        kernel.adam_pass(param, grad, m, v, scalars)
    else:
        _adam_pass(param, grad, m, v, scalars)
    return True


def _c_kernel():
    """bpnn's optional C extension (built by setup.py when a C compiler is there), or None.
    It does what :func:`_adam_pass` does without importing numba, whose import alone costs
    about 125 MB of memory; numba is the fallback."""
    return _native.kernels()


@functools.cache
def _compile() -> None:
    """Replace the loop functions below by their numba-compiled versions, once.

    Done on first use, not at import, because importing numba takes about half a second.
    Until then they are plain Python, which is also how to read them. Compiled code is
    cached on disk, so only the first run on a machine pays for compiling (seconds).
    ``reassoc`` and ``contract`` let the compiler reorder sums and use fused
    multiply-adds, as BLAS does; NaN and infinity keep their IEEE meaning, so a
    diverging run is still seen as one. ``error_model="numpy"`` makes a division by
    zero give inf or NaN, as in NumPy, instead of raising; without it every division
    carries a check that keeps the compiler from vectorising the loop around it.
    """
    import numba

    jit = numba.njit(cache=True, nogil=True, error_model="numpy", fastmath={"reassoc", "contract"})
    for name in _KERNELS:
        globals()[name] = jit(globals()[name])
    # exact IEEE arithmetic, no fast-math: bit for bit the NumPy rule
    globals()["_adam_pass"] = numba.njit(cache=True, nogil=True, error_model="numpy")(_adam_pass)


def _adam_pass(param, grad, moment_1, moment_2, scalars):
    """optimizers.Adam._update, element by element (see :func:`adam_pass`)."""
    beta_1, c_1, beta_2, c_2, eps_hat, alpha_t, tiny = (
        scalars[0],
        scalars[1],
        scalars[2],
        scalars[3],
        scalars[4],
        scalars[5],
        scalars[6],
    )
    # flat views of the (C-contiguous) arrays
    p, g, m, v = param.reshape(-1), grad.reshape(-1), moment_1.reshape(-1), moment_2.reshape(-1)
    for i in range(p.shape[0]):
        m[i] = m[i] * beta_1 + g[i] * c_1
        v[i] = v[i] * beta_2 + g[i] * c_2 * g[i]
        if abs(m[i]) < tiny:  # no subnormal state, as in optimizers.Adam
            m[i] = 0.0
        if v[i] < tiny:  # v >= 0
            v[i] = 0.0
        p[i] -= m[i] / (np.sqrt(v[i]) + eps_hat) * alpha_t


# -- elementwise pieces, as in activations.py and losses.py ----------------------------------
# e**t for t <= 0, written out so that the compiler can vectorise a loop of them. Without
# Intel's SVML library, numba calls libm's exp once per element (about 4.5 ns here), and
# the sigmoids of a small network then cost a third of its epoch. Here: t = k ln 2 + r
# with k an integer and |r| <= ln(2) / 2 (ln 2 split in two parts so that k ln 2 is exact),
# e**r by its Taylor series to r**13 / 13! (truncation below 1e-17), and 2**k made from
# its exponent bits. Within 1.5 units in the last place of NumPy's sigmoid as measured
# (tests/test_fast_path.py allows 4), far inside the 1e-12 agreement with the NumPy path
# that the fit tests ask for.
_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01  # ln 2 rounded to 32 bits: k * _LN2_HI is exact
_LN2_LO = 1.90821492927058770002e-10  # ln 2 - _LN2_HI
_EXP_FLOOR = -708.0  # e**t is a normal float64 down to here; below, 0 (the float is 3e-308)
_C3, _C4, _C5, _C6, _C7, _C8, _C9, _C10, _C11, _C12, _C13 = (1.0 / math.factorial(i) for i in range(3, 14))


def _exp_nonpositive(t):
    """e**t for t <= 0 (or NaN, which gives NaN or 0: the callers keep NaN themselves)."""
    tc = max(t, _EXP_FLOOR)
    k = np.floor(tc * _LOG2E + 0.5)
    r = (tc - k * _LN2_HI) - k * _LN2_LO
    p = _C12 + r * _C13
    p = _C11 + r * p
    p = _C10 + r * p
    p = _C9 + r * p
    p = _C8 + r * p
    p = _C7 + r * p
    p = _C6 + r * p
    p = _C5 + r * p
    p = _C4 + r * p
    p = _C3 + r * p
    p = 0.5 + r * p
    p = 1.0 + r * p
    p = 1.0 + r * p
    two_to_k = np.int64((np.int64(k) + 1023) << 52).view(np.float64)
    return p * two_to_k if t >= _EXP_FLOOR else 0.0


def _sigmoid(z):
    """1 / (1 + e**-z) as Sigmoid.forward computes it (e**-|z| only, so nothing overflows)."""
    e = _exp_nonpositive(-abs(z))
    s = (1.0 if z >= 0 else e) / (1.0 + e)
    return s if z == z else z  # NaN stays NaN, as in NumPy


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


def _activate_all(z, code, slope):
    """z <- f(z) in place for an elementwise activation, over a 1-D array. One loop per
    activation, so that each loop body has no branch on the code and can be vectorised."""
    n = z.shape[0]
    if code == SIGMOID:
        for j in range(n):
            z[j] = _sigmoid(z[j])
    elif code == TANH:
        for j in range(n):
            z[j] = np.tanh(z[j])
    elif code == RELU:
        for j in range(n):
            z[j] = max(z[j], 0.0)
    elif code == LEAKY_RELU:
        for j in range(n):
            x = z[j]
            z[j] = x if x > 0 else slope * x


def _activate_row(z, b, has_bias, code, slope):
    """z <- f(z + b) in place for one sample (softmax needs the whole row)."""
    if has_bias:
        for j in range(z.shape[0]):
            z[j] += b[j]
    if code == SOFTMAX:  # as in Softmax.forward: shift by the max, exp, normalise
        top = z.max()
        total = 0.0
        for j in range(z.shape[0]):
            shifted = z[j] - top
            z[j] = _exp_nonpositive(shifted) if shifted == shifted else shifted
            total += z[j]
        for j in range(z.shape[0]):
            z[j] /= total
    else:
        _activate_all(z, code, slope)


def _output_delta(a, y, loss, code, slope, scale, eps, tiny, delta):
    """For one sample: write dL/dz of the output layer into ``delta`` (``scale`` is 1/m for
    a batch of m) and return the sample's term of the loss, sum over k of l(y_k, a_k)."""
    value = 0.0
    if loss == MSE:
        for j in range(a.shape[0]):
            r = a[j] - y[j]
            value += r * r
            delta[j] = r * scale * _derivative(code, slope, a[j])
        return 0.5 * value
    if loss == BCE_SIGMOID:  # fused: p (1 - p) cancels
        for j in range(a.shape[0]):
            p = min(max(a[j], eps), 1.0 - eps)
            value -= y[j] * np.log(p) + (1.0 - y[j]) * np.log1p(-p)
            delta[j] = (a[j] - y[j]) * scale
        return value
    total = 0.0  # CCE_SOFTMAX, fused: delta = (p * sum(y) - y) / m
    for j in range(a.shape[0]):
        total += y[j]
        value -= y[j] * np.log(max(a[j], tiny))
    for j in range(a.shape[0]):
        delta[j] = (a[j] * total - y[j]) * scale
    return value


def _layer(params, offsets, sizes, l):
    """Views of layer l's W, shape (n_in, n_out), and b in the packed parameter vector."""
    n_in, n_out = sizes[l], sizes[l + 1]
    w_end = offsets[l] + n_in * n_out
    return params[offsets[l] : w_end].reshape((n_in, n_out)), params[w_end : w_end + n_out]


# -- online: one sample per update, products as plain loops ----------------------------------
# For one sample, calling BLAS costs more than the arithmetic. Each loop runs its
# innermost index along the longer side of W, so that the compiler's vector instructions
# get runs long enough to pay off: a 25 x 2 output layer done row by row would be 25
# loops of length 2.
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


def _add_outer(W, alpha, x, d):
    """W += alpha * outer(x, d): one sample's update, alpha = -learning_rate."""
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


def _pass_down_and_update(W, alpha, x, d, below):
    """below = W @ d with W as it was (the gradient for the layer below), and
    W += alpha * outer(x, d) (the update), in one pass over W."""
    n_in, n_out = W.shape
    if n_out >= _LONG:
        for k in range(n_in):
            xk = x[k]
            total = 0.0
            for j in range(n_out):
                w = W[k, j]
                total += w * d[j]
                W[k, j] = w + alpha * (xk * d[j])
            below[k] = total
    else:
        below[:] = 0.0
        for j in range(n_out):
            dj = d[j]
            for k in range(n_in):
                w = W[k, j]
                below[k] += w * dj
                W[k, j] = w + alpha * (x[k] * dj)


def _online_epoch(
    X, Y, order, params, offsets, acts, deltas, rows, sizes, has_bias, codes, slopes, loss, lr, eps, tiny
):
    """One epoch of seed 004's rule: for every sample in ``order``, forward, backward, update.

    ``params`` holds every layer's W and b from ``offsets[l]`` on; ``acts`` and ``deltas``
    hold layer l's output a and dL/dz from ``rows[l]`` on. Returns the summed loss.
    """
    out = len(codes) - 1
    # every layer's views, made once: per sample they would cost more than a small layer's arithmetic
    Ws = [_layer(params, offsets, sizes, l)[0] for l in range(out + 1)]
    bs = [_layer(params, offsets, sizes, l)[1] for l in range(out + 1)]
    A = [acts[rows[l] : rows[l + 1]] for l in range(out + 1)]
    D = [deltas[rows[l] : rows[l + 1]] for l in range(out + 1)]
    total = 0.0
    for i in order:
        x = X[i]
        inp = x
        for l in range(out + 1):  # forward
            a = A[l]
            _x_times_W(inp, Ws[l], a)
            _activate_row(a, bs[l], has_bias[l], codes[l], slopes[l])
            inp = a
        total += _output_delta(inp, Y[i], loss, codes[out], slopes[out], 1.0, eps, tiny, D[out])
        for l in range(out, -1, -1):  # backward, top layer first
            W, b, d = Ws[l], bs[l], D[l]
            a_in = x if l == 0 else A[l - 1]
            if l > 0:  # the layer below's delta, (W @ d) * f'(a_in), from W before its update
                below = D[l - 1]
                _pass_down_and_update(W, -lr, a_in, d, below)
                for k in range(below.shape[0]):
                    below[k] *= _derivative(codes[l - 1], slopes[l - 1], a_in[k])
            else:
                _add_outer(W, -lr, a_in, d)  # dL/dW = outer(a_in, d)
            if has_bias[l]:
                for j in range(d.shape[0]):  # dL/db = d
                    b[j] += -lr * d[j]
    return total


# -- mini-batches: the products by BLAS, as Dense does them ----------------------------------
def _block(flat, start, shape):
    """The C-ordered array of ``shape`` stored in ``flat`` from ``start`` on (a view)."""
    return flat[start : start + shape[0] * shape[1]].reshape(shape)


def _update(params, grads, moments, lo, hi, rule, lr, hyper, t, tiny):
    """One step of the update rule for params[lo:hi] from grads[lo:hi] (t: the step's number, from 1;
    tiny: the dtype's smallest normal number, below which Adam's m and v become zero)."""
    if rule == PLAIN_SGD:
        for i in range(lo, hi):
            params[i] -= lr * grads[i]
        return
    if rule == MOMENTUM_SGD:  # as optimizers.SGD: v = mu * v + g; w -= lr * v, or lr * (g + mu * v)
        mu, nesterov, v = hyper[0], hyper[1] != 0.0, moments[0]
        zeroing = t % ZERO_SUBNORMALS_EVERY == 0
        for i in range(lo, hi):
            g = grads[i]
            v[i] = v[i] * mu + g
            if zeroing and abs(v[i]) < tiny:  # no lasting subnormal velocity, as in optimizers.SGD
                v[i] = 0.0
            params[i] -= lr * (g + mu * v[i] if nesterov else v[i])
        return
    # Adam, as optimizers.Adam computes it: m, v, then w -= m / (sqrt(v) + epsilon * c) * alpha_t
    beta_1, beta_2, epsilon = hyper[0], hyper[1], hyper[2]
    c = math.sqrt(1.0 - beta_2**t)
    eps_hat, alpha_t = epsilon * c, lr * c / (1.0 - beta_1**t)
    m, v = moments[0], moments[1]
    for i in range(lo, hi):
        g = grads[i]
        m[i] = m[i] * beta_1 + (1.0 - beta_1) * g
        v[i] = v[i] * beta_2 + (1.0 - beta_2) * g * g
        if abs(m[i]) < tiny:  # no subnormal state, as in optimizers.Adam
            m[i] = 0.0
        if v[i] < tiny:  # v >= 0
            v[i] = 0.0
        params[i] -= m[i] / (np.sqrt(v[i]) + eps_hat) * alpha_t


def _batch_epoch(
    X,
    Y,
    order,
    X_batch,
    Y_batch,
    params,
    grads,
    moments,
    offsets,
    acts,
    deltas,
    rows,
    sizes,
    has_bias,
    codes,
    slopes,
    loss,
    rule,
    lr,
    hyper,
    steps_done,
    eps,
    tiny,
    alpha,
):
    """One epoch of mini-batch training over the rows ``order`` names.

    ``params``, ``grads`` and ``moments`` (Adam's m and v) hold every layer's W and b
    from ``offsets[l]`` on; ``acts`` and ``deltas`` hold layer l's outputs A and dL/dz D
    for a batch from ``rows[l]`` on. The batch's rows are gathered into ``X_batch`` and
    ``Y_batch``. Returns the sum over batches of (batch mean loss) * (batch size), as the
    NumPy loop adds it up. With ``alpha > 0`` each batch's loss has the L2 penalty
    ``alpha / (2 m) * sum ||W||^2`` (weights before the batch's update) and each dL/dW its
    ``alpha / m * W``, as ``Network`` adds them.
    """
    batch_size, out = X_batch.shape[0], len(codes) - 1
    total = 0.0
    t = steps_done
    for start in range(0, order.shape[0], batch_size):
        m = min(batch_size, order.shape[0] - start)
        t += 1
        Xb, Yb = X_batch[:m], Y_batch[:m]
        for s in range(m):  # gather the batch's rows
            i = order[start + s]
            for j in range(X.shape[1]):
                Xb[s, j] = X[i, j]
            for j in range(Y.shape[1]):
                Yb[s, j] = Y[i, j]
        A = Xb
        for l in range(out + 1):  # forward: A <- f(A @ W + b)
            W, b = _layer(params, offsets, sizes, l)
            Z = _block(acts, rows[l], (m, sizes[l + 1]))
            np.dot(A, W, Z)
            for s in range(m):
                _activate_row(Z[s], b, has_bias[l], codes[l], slopes[l])
            A = Z
        D = _block(deltas, rows[out], (m, sizes[-1]))
        for s in range(m):
            total += _output_delta(A[s], Yb[s], loss, codes[out], slopes[out], 1.0 / m, eps, tiny, D[s])
        if alpha > 0.0:  # the penalty times m, from the weights before this batch's updates
            squares = 0.0
            for l in range(out + 1):
                W = _layer(params, offsets, sizes, l)[0]
                for k in range(W.shape[0]):
                    for j in range(W.shape[1]):
                        squares += W[k, j] * W[k, j]
            total += 0.5 * alpha * squares
        for l in range(out, -1, -1):  # backward, top layer first
            W, b = _layer(params, offsets, sizes, l)
            D = _block(deltas, rows[l], (m, sizes[l + 1]))
            A = Xb if l == 0 else _block(acts, rows[l - 1], (m, sizes[l]))
            if l > 0:  # the layer below's delta, (D @ W.T) * f'(A), from W before its update
                below = _block(deltas, rows[l - 1], (m, sizes[l]))
                np.dot(D, W.T, below)
                for s in range(m):
                    for k in range(sizes[l]):
                        below[s, k] *= _derivative(codes[l - 1], slopes[l - 1], A[s, k])
            G, g_b = _layer(grads, offsets, sizes, l)
            np.dot(A.T, D, G)  # dL/dW
            if alpha > 0.0:  # + alpha / m * W (weights only, never biases)
                decay = alpha / m
                for k in range(G.shape[0]):
                    for j in range(G.shape[1]):
                        G[k, j] += decay * W[k, j]
            w_end = offsets[l + 1]
            if has_bias[l]:
                for j in range(g_b.shape[0]):
                    g = 0.0  # dL/db: the column sum of D
                    for s in range(m):
                        g += D[s, j]
                    g_b[j] = g
            else:
                w_end -= sizes[l + 1]
            _update(params, grads, moments, offsets[l], w_end, rule, lr, hyper, t, tiny)
    return total


_KERNELS = (
    "_exp_nonpositive",
    "_sigmoid",
    "_activate_all",
    "_derivative",
    "_activate_row",
    "_output_delta",
    "_layer",
    "_x_times_W",
    "_add_outer",
    "_pass_down_and_update",
    "_online_epoch",
    "_block",
    "_update",
    "_batch_epoch",
)
