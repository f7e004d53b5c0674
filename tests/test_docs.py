"""The documentation site builds with --strict (broken links, stale API references and failing
tutorial code fail), in English and Chinese, and the Chinese tutorial of seed article 002 shows
every quantity the article prints, with its value."""

import html
import re
from pathlib import Path

import pytest

from bpnn.demos.seeds import BLOG_ITERATION_1, BLOG_LATER_LOSS, BLOG_OUTPUTS_1000, SEED_TITLES
from site_build import built_site

ROOT = Path(__file__).resolve().parents[1]
TUTORIALS = ["000-xor", "001-chain-rule", "002-worked-example", "003-classifier", "004-moons"]


@pytest.fixture(scope="module")
def site():
    return built_site()


def page_text(site: Path, page: str) -> str:
    """The visible text of a built page (tags removed, entities decoded)."""
    raw = (site / page / "index.html").read_text(encoding="utf-8")
    raw = re.sub(r"<svg.*?</svg>", "", raw, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_every_tutorial_is_built_executed_and_names_its_article(site, lang):
    for name in TUTORIALS:
        text = page_text(site, f"{lang}tutorials/{name}")
        assert f"《{SEED_TITLES[name[:3]]}》" in text, name
        assert "Traceback" not in text, name
        # each page says what the article got right and wrong; the Chinese pages are translations
        assert ("原文做对了什么" if lang else "What the article gets right") in text, name
        assert ("原文错在哪里" if lang else "What it gets wrong") in text, name


def test_chinese_tutorial_002_has_every_quantity_of_the_article(site):
    text = page_text(site, "zh/tutorials/002-worked-example")
    # the setting
    for needle in ("0.10、0.88", "0.55、1", "全为 1.0", "0.5", "y=wx"):
        assert needle in text, needle
    # the 25 quantities of iteration 1, under the article's names, the article's value and bpnn's
    for name, value in BLOG_ITERATION_1.items():
        row = re.search(rf"{name}\s+[^\n]*?\s+(-?\d\.\d{{6}})\s+(-?\d\.\d{{6}})\s+✓", text)
        assert row, name
        assert row.group(1) == row.group(2) == f"{value:.6f}", name
    assert "25 个量中有 25 个一致" in text
    # the values it prints with more digits, and its later figures
    for published in ("0.0518956728931", "0.81064649903", *map(repr, BLOG_LATER_LOSS.values())):
        assert published in text, published
    for published in BLOG_OUTPUTS_1000:
        assert repr(published) in text, published
    # the two slips, shown at iteration 2 against finite differences
    assert "∂L/∂w3" in text and "∂L/∂w4" in text and "diff_w7" in text


def test_api_reference_is_generated(site):
    for module in ("core", "training", "explain", "io", "plots", "estimators"):
        text = page_text(site, f"api/{module}")
        assert f"bpnn.{module}" in text
    assert "BPClassifier" in page_text(site, "api/estimators") and "Network" in page_text(site, "api/core")
