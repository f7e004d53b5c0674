"""How close to its GEMM floor can an MNIST-sized training epoch get on this machine?

``python -m benchmarks.lower_bound`` times, interleaved in one process:

* the GEMM-only floor of ``floor.py`` (the products alone, operands in cache);
* the two memory passes every shuffled Adam epoch adds: gathering the batches' rows
  (``np.take`` into a reused buffer) and Adam's update in bpnn's C kernel;
* a training epoch written with no framework at all: preallocated buffers, the same
  products, bias + ReLU, ReLU's backward and Adam in bpnn's C kernels, softmax and
  cross-entropy's delta in NumPy;
* ``bpnn.Network.fit`` for one epoch of the same case.

It is what docs/performance.md quotes for the "Network within 1.25x of its floor" target of
issue 16: the floor plus the gather and Adam's pass alone, and the framework-free epoch, are
the least an epoch can take here. Needs the C extension (``pip install -e .`` with a compiler).
"""

from __future__ import annotations

import sys
import time

import numpy as np

from . import bpnn_runners, cases, data, floor

SIZES = (784, 256, 128, 10)
BATCH = 200


def _median_ms(times) -> str:
    return f"{np.median(times) * 1e3:.0f} ms"


class Minimal:
    """One epoch of the MNIST-sized case with no framework (see the module's docstring)."""

    def __init__(self, X, Y, kernels, seed=0):
        self.X, self.Y, self.k = X, Y, kernels
        self.rng = np.random.default_rng(seed)
        pairs = list(zip(SIZES[:-1], SIZES[1:]))
        self.W = [(self.rng.standard_normal(p) * np.sqrt(2 / p[0])).astype(np.float32) for p in pairs]
        self.b = [np.zeros(n, np.float32) for n in SIZES[1:]]
        self.params = [p for pair in zip(self.W, self.b) for p in pair]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.xb = np.empty((BATCH, SIZES[0]), np.float32)
        self.yb = np.empty((BATCH, SIZES[-1]), np.float32)
        self.a = [np.empty((BATCH, n), np.float32) for n in SIZES[1:]]
        self.d = [np.empty((BATCH, n), np.float32) for n in SIZES[1:]]
        self.dx = [np.empty((BATCH, n), np.float32) for n in SIZES[:-1]]
        self.ones = np.ones(BATCH, np.float32)
        self.t = 0

    def epoch(self) -> None:
        order = self.rng.permutation(len(self.X))
        for start in range(0, len(self.X) - BATCH + 1, BATCH):
            self.gradients(order[start : start + BATCH])
            self.t += 1
            self.adam(self.t)

    def gradients(self, rows) -> None:
        """Forward and backward on the rows ``rows`` (BATCH of them): dL/dW and dL/db of the
        batch's mean cross-entropy into ``self.grads``, in ``self.params`` order."""
        k, a, d = self.k, self.a, self.d
        np.take(self.X, rows, axis=0, out=self.xb, mode="clip")
        np.take(self.Y, rows, axis=0, out=self.yb, mode="clip")
        inp = self.xb
        for l in range(3):
            np.matmul(inp, self.W[l], out=a[l])
            if l < 2:
                k.bias_relu(a[l], self.b[l])
            else:  # softmax
                a[l] += self.b[l]
                a[l] -= a[l].max(axis=1, keepdims=True)
                np.exp(a[l], out=a[l])
                a[l] /= a[l].sum(axis=1, keepdims=True)
            inp = a[l]
        np.subtract(a[2], self.yb, out=d[2])  # softmax + cross-entropy, fused
        d[2] *= 1.0 / BATCH
        for l in (2, 1, 0):
            below = self.xb if l == 0 else a[l - 1]
            np.matmul(below.T, d[l], out=self.grads[2 * l])
            np.matmul(self.ones, d[l], out=self.grads[2 * l + 1])
            if l > 0:
                np.matmul(d[l], self.W[l].T, out=self.dx[l])
                k.relu_backward(self.dx[l], a[l - 1], d[l - 1])

    def adam(self, t: int) -> None:
        """Adam's update of every parameter array, as step ``t`` (from 1)."""
        from bpnn.training._fast import adam_scalars  # the constants optimizers.Adam passes to the kernel

        scalars = adam_scalars(np.float32, 0.9, 0.999, 1e-8, 1e-3, t)
        for p, g, m, v in zip(self.params, self.grads, self.m, self.v):
            self.k.adam_pass(p, g, m, v, scalars)


def main(repeats: int = 5) -> None:
    bpnn = bpnn_runners.import_bpnn()
    from bpnn.core import _native

    kernels = _native.kernels()
    if kernels is None or not _native.enabled():
        sys.exit("bpnn's C extension is not built here (pip install -e . with a C compiler), or BPNN_FAST=0")
    case = data.mnist_like()
    X, Y = case.X_train, case.Y_train.astype(np.float32)
    minimal = Minimal(X, Y, kernels)
    gemm = floor.gemm_epoch(SIZES, len(X), BATCH, np.float32)
    gather_buffer = np.empty((BATCH, SIZES[0]), np.float32)
    rng = np.random.default_rng(1)

    def gather():
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH):
            np.take(X, order[start : start + BATCH], axis=0, out=gather_buffer, mode="clip")

    def adam_steps():
        for t in range(1, len(X) // BATCH + 1):
            minimal.adam(t)

    net = bpnn_runners.build(bpnn, cases.MNIST)
    kwargs = bpnn_runners.fit_kwargs(cases.MNIST, epochs=1)

    def network_epoch():
        net.fit(X, case.Y_train, **kwargs)

    parts = {
        "GEMM floor": gemm,
        "batch gather": gather,
        "Adam's pass (C kernel)": adam_steps,
        "framework-free epoch": minimal.epoch,
        "bpnn.Network.fit, 1 epoch": network_epoch,  # with fit's own checks of X and y
    }
    times: dict[str, list[float]] = {name: [] for name in parts}
    for run in parts.values():  # warm-up
        run()
    for _ in range(repeats):
        for name, run in parts.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    floor_s = np.median(times["GEMM floor"])
    print(f"MNIST-sized epoch (60000x784 float32, 784-256-128-10, Adam, batch {BATCH}), medians of {repeats}:")
    for name, ts in times.items():
        print(f"  {name:<30} {_median_ms(ts):>8}  {np.median(ts) / floor_s:5.2f}x the floor")
    least = floor_s + np.median(times["batch gather"]) + np.median(times["Adam's pass (C kernel)"])
    print(f"  {'floor + gather + Adam (sum)':<30} {least * 1e3:5.0f} ms  {least / floor_s:5.2f}x the floor")


if __name__ == "__main__":
    main()
