"""What users read speaks to them: no issue numbers, no work sessions, no names of internal
benchmark runs, no folder of one developer's machine in the README, the docs, the Makefile,
CONTRIBUTING.md or the sources' comments and docstrings."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ["README.md", "CONTRIBUTING.md", "Makefile", "mkdocs.yml"]
SUFFIXES = {".py", ".md", ".js", ".css", ".html", ".yml", ".c", ".txt"}

PATTERNS = {
    "an issue number": re.compile(r"\bissues? #?\d+|\bissue-\d+|\b(?:GH|gh)-\d+", re.I),
    "a work session": re.compile(
        r"\b(?:this|that|previous|earlier|later|next|another|each|every) (?:work )?session\b|\bsession's machine",
        re.I,
    ),
    "a benchmark run's letter name": re.compile(r"\bruns? [A-H]\b(?![-.])|\bruns [A-H](?:,| and) [A-H]\b"),
    "the machine the project was built on": re.compile(r"\b(?:this|our|the) shared VM\b|\bon this VM\b", re.I),
    "an absolute path of one machine": re.compile(r"(?<![\w.~])/(?:opt|root|home|Users|work|mnt|srv)/\w", re.I),
}
# the playground's "session" is a browser tab's state, a word of its interface
ALLOWED = {"a work session": ("src/bpnn/playground/", "docs/playground")}


def scanned_files() -> list[Path]:
    files = [ROOT / name for name in SCANNED]
    for folder in ("src", "docs"):
        files += [p for p in sorted((ROOT / folder).rglob("*")) if p.suffix in SUFFIXES and p.is_file()]
    return files


def findings(text: str, where: str) -> list[str]:
    found = []
    for what, pattern in PATTERNS.items():
        if where.startswith(ALLOWED.get(what, ())) and ALLOWED.get(what):
            continue
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append(f"{where}:{line}: {what}: {match.group(0)!r}")
    return found


@pytest.mark.parametrize(
    "text",
    [
        "The latest full run (run F, 29 November) against the targets of issue 6:",
        "flip between runs on this shared VM",
        "bpnn 0.1.0 from /work/main/src/bpnn",
        "Later changes (this session), each measured",
        "TORCH_WHEELS ?= /opt/wheels",
        "In runs A, C and D, bpnn's",
    ],
)
def test_the_scan_finds_what_it_looks_for(text):
    assert findings(text, "README.md")


@pytest.mark.parametrize(
    "text",
    ["each browser tab has its own session", "run 10 of 29 November", "python -m http.server -d site", "runs a test"],
)
def test_the_scan_passes_plain_words(text):
    assert findings(text, "src/bpnn/playground/server.py" if "session" in text else "README.md") == []


def test_nothing_users_read_names_internal_matters():
    found = []
    for path in scanned_files():
        found += findings(path.read_text(encoding="utf-8", errors="replace"), path.relative_to(ROOT).as_posix())
    assert found == [], "\n".join(found)
