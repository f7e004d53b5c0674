"""Every page of the Chinese site is written in Chinese, in the glossary's terms, and the
tutorials keep their promises: the index's reading order is the order of its own list, and
every tutorial ends with exercises whose answers ran when the site was built.

The site is built once per test session (the ``site`` fixture of tests/conftest.py)."""

import html
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]+")
# below this share of Chinese (CJK characters against CJK characters plus Latin words) a page
# is "mostly Latin"; the Chinese pages measure well above it, an English page near 0
MIN_CHINESE_SHARE = 0.5
# words the glossary replaces (误差项, 学习率, 损失, 原文 ...); the glossary itself names them
DRIFT = ("种子文章", "记账方式", "代价函数", "步长")
TUTORIALS = ["000-xor", "001-chain-rule", "002-worked-example", "003-classifier", "004-moons"]
NEW_PAGES = ["tutorials/shapes", "tutorials/batches", "tutorials/troubleshooting", "glossary"]


def prose(page_html: str) -> str:
    """The prose of a built page: its article, without code, program output, figures or scripts."""
    match = re.search(r'<article class="md-content__inner[^"]*">(.*?)</article>', page_html, re.S)
    body = match.group(1) if match else page_html
    for tag in ("pre", "code", "svg", "script", "style"):
        body = re.sub(rf"<{tag}\b.*?</{tag}>", " ", body, flags=re.S)
    body = re.sub(r'<a class="headerlink".*?</a>', " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def chinese_share(text: str) -> float:
    """CJK characters / (CJK characters + Latin words): 1 for pure Chinese, 0 for English."""
    cjk = len(CJK.findall(text))
    latin = len(LATIN_WORD.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0


def chinese_pages(site: Path) -> list[Path]:
    """Every page of the Chinese site but the generated API reference."""
    pages = sorted((site / "zh").rglob("index.html"))
    return [p for p in pages if "api" not in p.relative_to(site / "zh").parts[:-1]]


def test_the_measure_tells_chinese_from_english():
    english = "<article class='md-content__inner md-typeset'><p>The network learns XOR in 892 epochs.</p></article>"
    chinese = "<article class='md-content__inner md-typeset'><p>网络在第 892 轮学会了异或。</p></article>"
    code = "<pre><code>for epoch in range(1000): net.fit(X, y)</code></pre>"
    assert chinese_share(prose(english.replace("'", '"'))) == 0
    assert chinese_share(prose(chinese.replace("'", '"'))) == 1
    # code and program output are not prose: a Chinese page full of code is still Chinese
    assert chinese_share(prose(chinese.replace("'", '"').replace("</p>", "</p>" + code * 20))) == 1
    # a Chinese page that leaves a paragraph of English untranslated drops below the bar
    mixed = chinese.replace("</p>", "</p><p>" + "Every number on this page is computed at build. " * 3 + "</p>")
    assert chinese_share(prose(mixed.replace("'", '"'))) < MIN_CHINESE_SHARE


def test_every_page_has_a_chinese_source():
    """A page without a .zh.md falls back to English on the Chinese site: none may."""
    missing = []
    for page in DOCS.rglob("*.md"):
        if page.name.endswith(".zh.md"):
            continue
        if not page.with_name(page.name[: -len(".md")] + ".zh.md").exists():
            missing.append(str(page.relative_to(DOCS)))
    assert not missing, missing


def test_no_chinese_page_is_mostly_latin(site):
    pages = chinese_pages(site)
    assert len(pages) >= 15, [str(p) for p in pages]
    shares = {str(p.relative_to(site)): chinese_share(prose(p.read_text(encoding="utf-8"))) for p in pages}
    latin = {page: round(share, 2) for page, share in shares.items() if share < MIN_CHINESE_SHARE}
    assert not latin, latin


def test_the_chinese_api_pages_say_in_chinese_that_the_docstrings_are_english(site):
    index = prose((site / "zh" / "api" / "index.html").read_text(encoding="utf-8"))
    assert chinese_share(index) >= MIN_CHINESE_SHARE
    for module in ("core", "training", "explain", "io", "plots", "estimators"):
        text = prose((site / "zh" / "api" / module / "index.html").read_text(encoding="utf-8"))
        assert "英文" in text and f"bpnn.{module}" in text, module


def test_chinese_prose_uses_the_glossary_terms(site):
    offenders = {}
    for page in chinese_pages(site):
        name = str(page.relative_to(site))
        if "glossary" in name:
            continue
        text = prose(page.read_text(encoding="utf-8"))
        found = [word for word in DRIFT if word in text]
        if found:
            offenders[name] = found
    assert not offenders, offenders


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_every_tutorial_ends_with_exercises_answered_at_build(site, lang):
    for name in [f"tutorials/{t}" for t in TUTORIALS] + NEW_PAGES[:2]:
        raw = (site / f"{lang}{name}" / "index.html").read_text(encoding="utf-8")
        heading = "练习" if lang else "Exercise"
        assert re.search(rf"<h2[^>]*>{heading}", raw), name
        answers = raw[raw.index("由 bpnn 核对" if lang else "checked by bpnn") :]
        # the answer block ran: its output is on the page, and no traceback is
        assert "<pre" in answers and "Traceback" not in raw, name


@pytest.mark.parametrize("lang", ["", "zh/"])
def test_the_new_pages_are_built_and_linked_from_the_index(site, lang):
    index = (site / lang / "index.html").read_text(encoding="utf-8")
    for name in NEW_PAGES + ["playground"]:
        assert (site / f"{lang}{name}" / "index.html").exists(), name
        assert f'href="{name}/"' in index, name


@pytest.mark.parametrize("source", ["index.md", "index.zh.md"])
def test_the_index_list_follows_the_order_it_recommends(source):
    text = (DOCS / source).read_text(encoding="utf-8")
    order = re.findall(r"\]\(tutorials/(\d{3})-", text)
    assert order[:5] == ["001", "002", "000", "003", "004"]
    # and the sentence recommending it names the same order
    recommended = re.search(r"(001)[^\n]*?(002)[^\n]*?(000)[^\n]*?(003)[^\n]*?(004)", text.replace("\n", " "))
    assert recommended


def test_chinese_figures_have_chinese_labels():
    """Every figure a Chinese tutorial draws passes Chinese titles or labels to matplotlib."""
    for page in sorted((DOCS / "tutorials").glob("*.zh.md")):
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r'```python exec="on" html="1"[^\n]*\n(.*?)```', text, re.S):
            labels = re.findall(r'(?:title|xlabel|ylabel|label)=f?"([^"]*)"', block)
            labels += re.findall(r'draw_step\(step, "([^"]*)"\)', block)
            assert labels and all(CJK.search(label) or "{" in label for label in labels), (page.name, labels)


NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def table_numbers(text: str) -> list[str]:
    """Every number in the rows of a page's Markdown tables, in order."""
    rows = [line for line in text.splitlines() if line.startswith("|") and not set(line) <= set("|-: ")]
    return [number for row in rows for number in NUMBER.findall(row)]


@pytest.mark.parametrize("name", ["demos", "optimizers", "sklearn", "playground", "reliability", "tables"])
def test_chinese_guides_show_the_english_pages_numbers(name):
    """A translated table keeps every number of the English one, in the same order: the two cannot drift apart
    unnoticed when the English page is updated (benchmarks and performance read theirs at build)."""
    english = table_numbers((DOCS / f"{name}.md").read_text(encoding="utf-8"))
    chinese = table_numbers((DOCS / f"{name}.zh.md").read_text(encoding="utf-8"))
    assert chinese == english
