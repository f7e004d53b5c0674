"""The GEMM-only floor: the matrix products one epoch of backprop needs, and nothing else.

Per batch of ``m`` rows and per layer ``(n_in → n_out)``:

* forward            ``A @ W``        (m, n_in) @ (n_in, n_out)
* weight gradient    ``A.T @ delta``  (n_in, m) @ (m, n_out)
* delta to the layer below ``delta @ W.T``  (m, n_out) @ (n_out, n_in), for every layer
  but the first (nobody needs the gradient with respect to the input data).

They run on preallocated arrays of the case's dtype with ``np.matmul(..., out=...)``, the
transposes as views (as any implementation would pass them to BLAS). No activation,
loss, bias, optimizer step, shuffling or batch copy is timed, so no implementation
that does these products with the same BLAS can be faster. For the per-sample case the
"floor" is mostly the cost of calling ``np.matmul`` 11 times per sample; a compiled
path that avoids those calls can go below it.
"""

from __future__ import annotations

import numpy as np


def gemm_shapes(sizes, batch: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Operand shapes ``((m, k), (k, n))`` of the products for one batch of ``batch`` rows."""
    shapes = []
    layers = list(zip(sizes[:-1], sizes[1:]))
    for n_in, n_out in layers:
        shapes.append(((batch, n_in), (n_in, n_out)))
    for index, (n_in, n_out) in enumerate(layers):
        shapes.append(((n_in, batch), (batch, n_out)))
        if index > 0:
            shapes.append(((batch, n_out), (n_out, n_in)))
    return shapes


def epoch_flops(sizes, n_samples: int) -> int:
    """Floating-point operations (2·m·k·n per product) of the GEMMs of one epoch."""
    return sum(2 * m * k * n for (m, k), (_, n) in gemm_shapes(sizes, n_samples))


def _operands(sizes, batch: int, dtype, rng):
    """(a, b, out) triples for one batch; transposed operands are views, like in backprop."""
    ops = []
    layers = list(zip(sizes[:-1], sizes[1:]))
    acts = [rng.standard_normal((batch, n)).astype(dtype) * 0.1 for n in sizes[:-1]]
    deltas = [rng.standard_normal((batch, n)).astype(dtype) * 0.1 for n in sizes[1:]]
    weights = [rng.standard_normal((n_in, n_out)).astype(dtype) * 0.1 for n_in, n_out in layers]
    for A, W, D in zip(acts, weights, deltas):
        ops.append((A, W, np.empty_like(D)))
    for index, (A, W, D) in enumerate(zip(acts, weights, deltas)):
        ops.append((A.T, D, np.empty_like(W)))
        if index > 0:
            ops.append((D, W.T, np.empty_like(A)))
    return ops


def gemm_epoch(sizes, n_samples: int, batch: int, dtype):
    """A function that performs one epoch of GEMMs (full batches, then the remainder)."""
    rng = np.random.default_rng(0)
    full, rest = divmod(n_samples, batch)
    full_ops = _operands(sizes, batch, dtype, rng)
    rest_ops = _operands(sizes, rest, dtype, rng) if rest else []
    matmul = np.matmul

    def epoch():
        for _ in range(full):
            for a, b, out in full_ops:
                matmul(a, b, out=out)
        for a, b, out in rest_ops:
            matmul(a, b, out=out)

    return epoch
