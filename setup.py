"""Build hook for bpnn's one optional C extension; everything else is in pyproject.toml.

``bpnn.core._ckernels`` holds three loops of a training step in C: Adam's update, bias + ReLU
and ReLU's backward (see src/bpnn/core/_ckernels.c and src/bpnn/_native.py). It is optional:
when no C compiler is available the build skips it with a warning, and bpnn computes the
same numbers with NumPy (or, for Adam, numba if installed).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "bpnn.core._ckernels",
            ["src/bpnn/core/_ckernels.c"],
            optional=True,
            # no fused multiply-adds and no fast-math: bit for bit NumPy's rounding; errno is unused
            extra_compile_args=["-O3", "-ffp-contract=off", "-fno-math-errno"],
        )
    ]
)
