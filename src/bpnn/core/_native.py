"""bpnn's optional C kernels (``_ckernels.c``), with the checks that make them safe to call.

Three loops of a training step that NumPy does in two or more passes over memory, done
here in one: Adam's update (used by :mod:`bpnn.training._fast`), a Dense layer's bias plus ReLU
(``layers.Dense.forward``) and ReLU's backward (``activations.ReLU.backward``). Each
computes bit for bit what the NumPy code next to its call computes (the same IEEE
operations in the same order; the C is compiled without fused multiply-adds or
fast-math), so the NumPy code is both the fallback and the reference in the tests.

The extension is built by ``pip install`` when a C compiler is there (``setup.py``); without
it, or with the environment variable ``BPNN_FAST=0``, every function here returns False
having done nothing and the caller runs its NumPy code.
"""

from __future__ import annotations

import functools
import importlib
import os

import numpy as np


def enabled() -> bool:
    """False when the environment variable ``BPNN_FAST`` turns compiled code off (0, false, no, off)."""
    switch = os.environ.get("BPNN_FAST")
    return switch is None or switch.strip().lower() not in ("0", "false", "no", "off")


@functools.cache
def kernels():
    """The C extension module ``bpnn.core._ckernels``, or None when it was not built."""
    # by name: the extension has no Python source for the import graph (tests/test_architecture.py) to read
    try:
        return importlib.import_module("bpnn.core._ckernels")
    except ImportError:
        return None


def _native_float(a: np.ndarray) -> bool:
    return a.dtype.char in "fd" and a.dtype.isnative


def bias_relu(z: np.ndarray, bias: np.ndarray) -> bool:
    """``z = max(z + bias, 0)`` in place, ``bias`` added to every row of the 2-D ``z``.

    The same numbers as ``z += bias; np.maximum(z, 0, out=z)`` (NaN stays NaN), in one
    pass. Returns False, having done nothing, when the kernel is not there or the arrays
    are not C-contiguous float arrays of one dtype with ``bias.shape == (z.shape[1],)``.
    """
    k = kernels()
    if (
        k is None
        or z.ndim != 2
        or bias.shape != z.shape[1:]
        or z.dtype != bias.dtype
        or not _native_float(z)
        or not (z.flags.c_contiguous and z.flags.writeable and bias.flags.c_contiguous)
        or not enabled()
    ):
        return False
    k.bias_relu(z, bias)
    return True


def relu_backward(grad: np.ndarray, a: np.ndarray, out: np.ndarray) -> bool:
    """``out = grad * (a > 0)``: ReLU's delta from its output ``a``, in one pass.

    The same numbers as ``np.multiply(grad, a > 0, out=out)`` (NaN in ``grad`` stays NaN).
    Returns False, having done nothing, when the kernel is not there or the arrays are not
    C-contiguous float arrays of one shape and dtype (``out`` writable).
    """
    k = kernels()
    if (
        k is None
        or not (grad.shape == a.shape == out.shape and grad.dtype == a.dtype == out.dtype)
        or not _native_float(out)
        or not (grad.flags.c_contiguous and a.flags.c_contiguous and out.flags.c_contiguous and out.flags.writeable)
        or not enabled()
    ):
        return False
    k.relu_backward(grad, a, out)
    return True
