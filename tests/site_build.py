"""The documentation site, built once per test run and shared by the tests that read it.

``mkdocs build --strict`` runs every tutorial and takes about a minute: tests/test_docs.py and
tests/test_site.py both call :func:`built_site`, which builds into a temporary folder the first
time and returns the same folder afterwards.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@functools.cache
def built_site() -> Path:
    """The folder of a fresh ``mkdocs build --strict`` of this checkout (asserts that it passed)."""
    out = Path(tempfile.mkdtemp(prefix="bpnn-site-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    # not -q: it hides warnings from --strict, which would then pass a build with broken references
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out
