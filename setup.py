"""Build hook for bpnn's one optional C extension; everything else is in pyproject.toml.

``bpnn._cadam`` is Adam's update in one pass (see src/bpnn/_cadam.c). It is optional: when
no C compiler is available the build skips it with a warning, and bpnn uses numba (if
installed) or NumPy for that update instead.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension(
    "bpnn._cadam", ["src/bpnn/_cadam.c"], optional=True,
    # no fused multiply-adds and no fast-math: bit for bit NumPy's rounding; errno is unused
    extra_compile_args=["-O3", "-ffp-contract=off", "-fno-math-errno"],
)])
