"""scikit-learn's own MLP test-suite, run against bpnn's estimators.

The test reads ``sklearn/neural_network/tests/test_mlp.py`` from the *installed*
scikit-learn (so it follows scikit-learn's releases; nothing is vendored), changes only the
import of ``MLPClassifier`` / ``MLPRegressor`` so that those names are bpnn's
``BPClassifier`` / ``BPRegressor``, writes the result to a temporary directory and runs it
with pytest in a child process, with scikit-learn's own ``conftest.py`` loaded as a plugin
(it supplies fixtures such as ``global_random_seed``).

Every test of that file must pass except the few listed in :data:`EXCLUDED`, which test a
private helper of scikit-learn's MLP or the exact wording of one of its messages; each
entry says why, and for each the behaviour behind it is tested in
``tests/test_sklearn.py`` with bpnn's own wording.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

sklearn = pytest.importorskip("sklearn")

# Test functions of test_mlp.py that are not run, and why. Keep this list short: anything
# else that fails is a difference from MLP to fix (or to document in docs/sklearn.md).
EXCLUDED = {
    # calls MLP's private MLPClassifier._loss_grad_lbfgs to compare its gradient with finite
    # differences; bpnn's gradients are checked the same way by bpnn.core.gradcheck
    # (tests/test_gradients.py) and against PyTorch
    "test_gradient": "private helper _loss_grad_lbfgs",
    # matches MLP's sentence "Solver produced non-finite parameter weights. The input data may
    # contain large values and need to be preprocessed."; bpnn raises a ValueError subclass
    # with its own message (test_sklearn.py::test_overflow_raises_a_value_error)
    "test_nonfinite_params": "exact wording of MLP's overflow message",
    # matches MLP's sentence "warm_start can only be used where `y` has the same classes as in
    # the previous call to fit. Previously got [0 1 2], `y` has ..."; bpnn raises a ValueError
    # with its own message (test_sklearn.py::test_warm_start_with_other_classes_raises)
    "test_warm_start": "exact wording of MLP's warm_start message",
}

_IMPORT = re.compile(r"^from sklearn\.neural_network import (\([^)]*\)|[^\n]*)$", re.MULTILINE)
_BPNN_NAMES = {"MLPClassifier": "BPClassifier", "MLPRegressor": "BPRegressor"}

_CONFTEST = '''\
"""Written by tests/test_sklearn_mlp_port.py: deselects the excluded tests."""

EXCLUDED = {excluded!r}


def pytest_collection_modifyitems(config, items):
    kept = [item for item in items if item.originalname not in EXCLUDED]
    dropped = [item for item in items if item.originalname in EXCLUDED]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = kept
'''


def sklearn_mlp_tests() -> Path:
    """The path of the installed scikit-learn's ``test_mlp.py`` (skip if the wheel has no tests)."""
    path = Path(sklearn.__file__).parent / "neural_network" / "tests" / "test_mlp.py"
    if not path.is_file():
        pytest.skip(f"the installed scikit-learn {sklearn.__version__} does not ship its tests ({path} is missing)")
    return path


def port(source: str) -> str:
    """``source`` with its import of MLPClassifier/MLPRegressor pointed at bpnn; nothing else changes."""
    matches = list(_IMPORT.finditer(source))
    if len(matches) != 1:
        raise AssertionError(
            f"expected one 'from sklearn.neural_network import ...' line in scikit-learn's test_mlp.py, "
            f"found {len(matches)}: scikit-learn changed how the test imports the estimators"
        )
    match = matches[0]
    names = [name.strip() for name in match.group(1).strip("()").replace("\n", " ").split(",") if name.strip()]
    if not set(_BPNN_NAMES) <= set(names):
        raise AssertionError(f"the import line no longer names both MLP estimators: {match.group(0)!r}")
    lines = []
    others = [name for name in names if name not in _BPNN_NAMES]
    if others:
        lines.append(f"from sklearn.neural_network import {', '.join(others)}")
    lines.append(
        "from bpnn.estimators.mlp import "
        + ", ".join(f"{bpnn_name} as {name}" for name, bpnn_name in _BPNN_NAMES.items())
    )
    return source[: match.start()] + "\n".join(lines) + source[match.end() :]


def test_port_changes_only_the_import_line():
    source = sklearn_mlp_tests().read_text()
    ported = port(source)
    assert "from bpnn.estimators.mlp import BPClassifier as MLPClassifier, BPRegressor as MLPRegressor" in ported
    assert "from sklearn.neural_network import" not in ported
    removed = set(source.splitlines()) - set(ported.splitlines())
    assert len(removed) == 1 and next(iter(removed)).startswith("from sklearn.neural_network import")
    added = set(ported.splitlines()) - set(source.splitlines())
    assert all(line.startswith(("from bpnn.", "from sklearn.neural_network import")) for line in added)


def test_excluded_tests_exist_in_sklearns_file():
    # an exclusion for a test scikit-learn has dropped or renamed would hide nothing: remove it
    names = set(re.findall(r"^def (test_\w+)\(", sklearn_mlp_tests().read_text(), re.MULTILINE))
    assert set(EXCLUDED) <= names, sorted(set(EXCLUDED) - names)


def test_sklearn_mlp_suite_passes_on_bpnn(tmp_path):
    source = sklearn_mlp_tests().read_text()
    (tmp_path / "test_mlp_on_bpnn.py").write_text(port(source))
    (tmp_path / "conftest.py").write_text(_CONFTEST.format(excluded=sorted(EXCLUDED)))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # the rootdir: neither bpnn's settings nor any others
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "sklearn.conftest",  # scikit-learn's fixtures (global_random_seed, ...), as in its own runs
            "-p",
            "no:cacheprovider",
            "-rfE",
            "test_mlp_on_bpnn.py",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    report = textwrap.indent(result.stdout[-12000:] + result.stderr[-3000:], "  ")
    assert result.returncode == 0, f"scikit-learn {sklearn.__version__}'s test_mlp.py on bpnn: {summary}\n{report}"
    assert " passed" in summary and "deselected" in summary, summary
