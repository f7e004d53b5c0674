"""The layering of src/bpnn: no import cycles, and the import-linter contract catches an upward import.

The contract itself (pyproject.toml, [tool.importlinter]) is run by ``make test``; these tests
check what it cannot: cycles inside one package, lazy imports included (grimp, which
import-linter uses, reads every import statement, also those inside functions), and that the
contract really fails when the engine imports an application.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

grimp = pytest.importorskip("grimp")

ROOT = Path(__file__).resolve().parents[1]


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles_in_bpnn():
    graph = grimp.build_graph("bpnn", cache_dir=None)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for a, b in [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")]:
        graph.add_import(importer=a, imported=b)
    assert _cycles(graph) == [["p.a", "p.b", "p.c"]]


def test_the_engine_imports_no_application():
    graph = grimp.build_graph("bpnn", cache_dir=None)
    engine = [m for m in graph.modules if m.startswith(("bpnn.core", "bpnn.training"))]
    above = ("bpnn.explain", "bpnn.io", "bpnn.plots", "bpnn.estimators", "bpnn.sklearn", "bpnn.tables", "bpnn.demos")
    above += ("bpnn.playground", "bpnn.cli")
    upward = [(m, i) for m in engine for i in graph.find_modules_directly_imported_by(m) if i.startswith(above)]
    assert upward == []


def _lint_imports(tree: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    env = {"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin"}
    return subprocess.run([str(exe), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=300)


def test_the_import_contract_fails_when_the_engine_imports_upwards(tmp_path):
    tree = tmp_path / "repo"
    shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("*.so", "__pycache__", "*.egg-info"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    assert _lint_imports(tree).returncode == 0
    network = tree / "src/bpnn/core/network.py"
    network.write_text(network.read_text() + "\n\ndef _upward():\n    from bpnn.cli import main  # noqa\n")
    broken = _lint_imports(tree)
    assert broken.returncode != 0
    assert "bpnn.core.network -> bpnn.cli" in broken.stdout
