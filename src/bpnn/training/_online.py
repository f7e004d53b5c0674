"""Online training (one sample per update) on the NumPy path, without the general loop's overhead.

With one sample per update, seed 004's 2-25-50-25-2 network does a few thousand
multiply-adds per sample and some 60 NumPy calls, each a fraction of a microsecond of
work and more of Python. The general loop adds its own layers on top (the batch
generator, ``Network._forward_backward``, ``Dense.forward``/``backward`` with their
training buffers, the optimizer's ``step``), which made the NumPy path about half as
fast as a plain per-sample loop written from the blog. This epoch is that plain loop:
1-D rows, the layers' arrays held in local lists, the update made right after each
layer's delta, nothing else per sample.

It computes exactly what the general loop computes, operation for operation, so the
numbers are the same to the last bit (the tests train both ways and compare with
``array_equal``): the activations' own formulas (sigmoid as ``exp(min(z, 0)) / (1 +
exp(-|z|))``), the loss value of :mod:`bpnn.core.losses` for a batch of one, ``X^T delta``
as an outer product, ``p -= lr * g``. A 1-D row times a matrix (BLAS's gemv) gives the
same bits as the general loop's one-row matrix product.

It runs when numba's compiled epoch does not (numba missing, ``BPNN_FAST=0`` or
``fit(fast=False)``) and the case is the simple one: ``batch_size=1``, plain SGD with a
constant learning rate, no ``sample_weight``, no L2 or L1 penalty, only ``Dense`` layers with
sigmoid, tanh, ReLU or identity activations, and MSE (or binary cross-entropy after a
sigmoid output). Anything else trains in the general loop.
"""

from __future__ import annotations

import numpy as np

from bpnn.core.activations import kernel_of
from bpnn.core.layers import Dense, Layer
from bpnn.core.losses import BinaryCrossEntropy, MeanSquaredError

#: The activations' kernels (their ``kernel`` capability in :data:`bpnn.ACTIVATIONS`) written below.
KERNELS = ("identity", "sigmoid", "tanh", "relu")


def why_not(net, optimizer, batch_size: int, sample_weight=None) -> str | None:
    """The reason this lean loop cannot train the case, or None when it can."""
    if batch_size != 1:
        return f"it trains one sample per update (batch_size=1), not batches of {batch_size}"
    if sample_weight is not None:
        return "it does not take sample_weight"
    if net.alpha or getattr(net, "l1", 0.0):
        return "it does not implement the L2 or L1 penalty"
    # exactly plain SGD: a subclass may change the rule
    if type(optimizer).__dict__.get("_compiled_rule") != "SGD" or optimizer.momentum:
        return f"it implements plain SGD only, not {optimizer!r}"
    if optimizer.global_clipnorm is not None or callable(optimizer.learning_rate):
        return "it takes a constant learning rate and no gradient clipping"
    for i, layer in enumerate(net.layers):
        if type(layer) not in (Dense, Layer):
            return f"layer {i} is a {type(layer).__name__}; only Dense layers are written here"
        if kernel_of(layer.activation) not in KERNELS:
            return f"layer {i}'s activation {layer.activation!r} has no kernel here (it has {', '.join(KERNELS)})"
        if not all(p.flags.c_contiguous for p in layer.params):
            return f"layer {i}'s parameters are not C-contiguous arrays"
    loss, out = type(net.loss_fn), kernel_of(net.layers[-1].activation)
    if not (loss is MeanSquaredError or (loss is BinaryCrossEntropy and out == "sigmoid")):
        return f"the loss {net.loss_fn!r} is not mse (or binary_crossentropy after a sigmoid output)"
    return None


def epoch_runner(net, optimizer, batch_size: int, sample_weight=None):
    """A function ``run(X, y, order, guard) -> (summed loss, samples seen)`` training one
    epoch one sample at a time, or None when the case is not the simple one (see above).

    ``run`` stops after the current sample once ``guard.interrupted`` is set (Ctrl-C).
    """
    if why_not(net, optimizer, batch_size, sample_weight) is not None:
        return None
    layers = net.layers
    n_layers = len(layers)
    bce = type(net.loss_fn) is BinaryCrossEntropy
    # identity output + MSE and sigmoid output + BCE: the loss hands over dL/dz directly
    fused = kernel_of(layers[-1].activation) == "identity" or bce
    eps = np.finfo(net.dtype).eps

    last = n_layers - 1

    # The constants as 0-d arrays of the network's dtype: NumPy converts a Python float
    # on every call (a third of the cost of an operation on a row of 50), and a 0-d array
    # of the same dtype and value gives the same results.
    one, zero, minus_one = (np.array(c, net.dtype) for c in (1.0, 0.0, -1.0))
    dot = np.dot  # a row times a matrix: BLAS's gemv, as the @ of the general loop (same bits, less overhead)
    # Arrays reused from sample to sample (a sample's arrays are dead once its update is made):
    # per sigmoid layer one (2, n_out) block, whose rows -|z| and min(z, 0) go through one
    # call of exp (exp is elementwise: the same bits as two calls), and the layer's output;
    # per layer the outer product of the update.
    blocks = [np.empty((2, layer.n_out), net.dtype) for layer in layers]
    halves = [(block[0], block[1]) for block in blocks]
    outputs = [np.empty(layer.n_out, net.dtype) for layer in layers]
    steps = [np.empty_like(layer.weights) for layer in layers]
    # the layers bottom-up with their arrays for the forward pass, and top-down with the index below
    kinds = [kernel_of(layer.activation) for layer in layers]
    up = [(layer.weights, layer.bias, kinds[l], blocks[l], *halves[l], outputs[l]) for l, layer in enumerate(layers)]
    down = [(l, layers[l].weights, layers[l].bias, kinds[l], steps[l]) for l in range(last, -1, -1)]

    def run(X, y, order, guard):
        lr = optimizer.current_learning_rate()
        lr_ = np.array(lr, net.dtype)  # Python's lr rounded to the dtype, as NumPy rounds it in lr * g
        # MSE: the residuals, kept to compute the samples' losses in one call after the epoch
        residuals = None if bce else np.empty((len(order), y.shape[1]), y.dtype)
        total, seen = 0.0, 0
        for i in order.tolist():
            t = y[i]
            a = X[i]
            acts = [a]
            for W, b, kind, block, e, numerator, out in up:
                z = dot(a, W)
                if b is not None:
                    z += b
                if kind == "sigmoid":
                    # activations.Sigmoid.forward, step for step: exp(min(z, 0)) / (1 + exp(-|z|))
                    np.copysign(z, minus_one, out=e)
                    np.minimum(z, zero, out=numerator)
                    np.exp(block, out=block)
                    e += one
                    a = np.divide(numerator, e, out=out)
                elif kind == "tanh":
                    a = np.tanh(z)
                elif kind == "relu":
                    a = np.maximum(z, zero, out=z)
                else:
                    a = z
                acts.append(a)
            grad = a - t  # MSE: dL/dyhat = (yhat - y) / m; BCE after sigmoid: the fused delta (p - y) / m
            if bce:
                # the loss of a batch of one (losses.BinaryCrossEntropy.value over m = 1)
                q = np.clip(a, eps, 1.0 - eps)
                total += -(t * np.log(q) + (1.0 - t) * np.log1p(-q)).sum() * 1
            else:
                residuals[seen] = grad
            seen += 1
            for l, W, b, kind, step in down:
                a = acts[l + 1]
                if l == last and fused:
                    delta = grad
                elif kind == "sigmoid":
                    delta = np.subtract(one, a)
                    delta *= a
                    delta *= grad
                elif kind == "tanh":
                    delta = np.multiply(a, a)
                    np.subtract(one, delta, out=delta)
                    delta *= grad
                elif kind == "relu":
                    delta = np.multiply(grad, a > zero)
                else:
                    delta = grad.copy()
                if l:
                    grad = dot(W, delta)  # dL/da of the layer below, from W before its update
                np.multiply.outer(acts[l], delta, out=step)  # dL/dW = x^T delta for one row
                step *= lr_
                W -= step
                if b is not None:
                    delta *= lr_
                    b -= delta
            if guard.interrupted:
                break
        optimizer.lr = lr
        optimizer.iterations += seen
        if residuals is not None and seen:
            # each sample's MSE as losses.MeanSquaredError.value computes it for a batch of one,
            # 0.5 * (sum_k r_k**2 / 1), added up in visiting order as the general loop does
            r = residuals[:seen]
            values = 0.5 * (np.einsum("ij,ij->i", r, r) / 1)
            if values.dtype == np.float64:
                total = sum(values.tolist(), 0.0)  # Python floats are IEEE doubles: the same sums
            else:
                for value in values:  # NumPy scalars, so the sums round as the general loop's do
                    total += value * 1
        return total, seen

    return run
