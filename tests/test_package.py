"""The package as a user meets it: the engine imports NumPy only, the docstring examples run."""

import doctest
import importlib
import subprocess
import sys

import pytest


def test_engine_imports_numpy_only():
    code = (
        "import sys, bpnn\n"
        "heavy = [m for m in ('scipy', 'sklearn', 'matplotlib', 'tqdm', 'joblib', 'torch', 'numba')\n"
        "         if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("module", ["bpnn", "bpnn.core.layers", "bpnn.core.network", "bpnn.core.gradcheck"])
def test_docstring_examples_run(module):
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_readme_example_runs():
    import pathlib
    import re

    text = (pathlib.Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    # the README's Python example that builds and trains a network
    block = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "net.fit(" in b)
    namespace = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - our own README
    pred = namespace["net"].predict(namespace["X"]).ravel()
    assert ((pred > 0.5) == namespace["y"].ravel().astype(bool)).all()
