"""docs/benchmarks.md is rewritten by `python -m benchmarks --write-docs`; the dated records
written by hand below its marker survive the rewrite."""

from pathlib import Path

from benchmarks import report

ROOT = Path(__file__).resolve().parents[1]


def test_the_hand_written_part_is_kept(tmp_path):
    page = tmp_path / "benchmarks.md"
    assert report.kept_sections(page) == ""  # no page yet
    page.write_text("# Benchmarks\n\ngenerated\n", encoding="utf-8")
    assert report.kept_sections(page) == ""  # no marker
    tail = f"{report.KEPT_MARKER}\n\n## Earlier records\n\n29 November 2026: 20.1×\n"
    page.write_text("# Benchmarks\n\nold report\n\n" + tail, encoding="utf-8")
    assert report.kept_sections(page) == "\n" + tail


def test_the_docs_page_has_its_records_below_the_marker():
    text = (ROOT / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert text.count(report.KEPT_MARKER) == 1
    kept = report.kept_sections(ROOT / "docs" / "benchmarks.md")
    assert "## Earlier records" in kept and "29 November 2026" in kept
