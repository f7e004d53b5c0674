"""The first example of docs/sklearn.md runs as written, quietly: no ConvergenceWarning (pytest
turns every warning into an error here) and the accuracy the page promises."""

import contextlib
import io
import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[1] / "docs" / "sklearn.md"


def test_the_usage_example_runs_without_a_warning_and_scores_as_it_says():
    pytest.importorskip("sklearn")
    usage = PAGE.read_text(encoding="utf-8").split("## Usage", 1)[1]
    code = re.search(r"```python\n(.*?)```", usage, re.S)[1]
    assert "# about 0.97" in code
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(PAGE), "exec"), {"__name__": "docs_sklearn"})
    mean, best = out.getvalue().splitlines()[:2]
    assert float(mean) == pytest.approx(0.97, abs=0.015)
    assert "bpclassifier__alpha" in best
