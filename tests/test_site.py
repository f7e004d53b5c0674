"""The built documentation site: nothing loaded from another host, one search per language,
every tutorial as a notebook generated from its page and run here, and tables that fit.

The site is built once for the whole run (tests/site_build.py). The browser tests drive Debian's
Chromium through Playwright (no download) and skip without it, unless BPNN_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from site_build import ROOT, built_site

TUTORIALS = ["000-xor", "001-chain-rule", "002-worked-example", "003-classifier", "004-moons"]
LANGUAGES = {"en": "", "zh": "zh/"}
CJK = re.compile(r"[\u4e00-\u9fff]")
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def site() -> Path:
    return built_site()


# ---------------------------------------------------------------------------------------------
# no other host


def _is_foreign(url: str) -> bool:
    url = html.unescape(url.strip())
    return url.startswith("//") or bool(re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I)) and not url.startswith("file:")


# attributes that make a browser fetch something as the page loads (links <a href> are not fetched)
_LOADING = [
    re.compile(r"<(?:script|img|iframe|source|audio|video|track|embed|input)\b[^>]*?\ssrc=[\"']([^\"']+)", re.I),
    re.compile(r"<(?:img|source)\b[^>]*?\ssrcset=[\"']([^\"']+)", re.I),
    re.compile(r"<object\b[^>]*?\sdata=[\"']([^\"']+)", re.I),
    re.compile(r"<video\b[^>]*?\sposter=[\"']([^\"']+)", re.I),
    re.compile(r"<(?:image|use|feImage)\b[^>]*?\s(?:xlink:)?href=[\"']([^\"']+)", re.I),
]
_LINK = re.compile(r"<link\b([^>]*)>", re.I)
_CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')]+)|@import\s+(?:url\()?\s*[\"']([^\"']+)", re.I)
_JS_LOAD = re.compile(r"""(?:importScripts|import)\s*\(\s*[`"'](https?:)?//""")


def foreign_resources(site: Path) -> list[str]:
    """Every resource of the built site that a browser would fetch from another host."""
    found = []
    for path in sorted(site.rglob("*")):
        if path.suffix == ".html":
            text = path.read_text(encoding="utf-8")
            urls = [m for pattern in _LOADING for m in pattern.findall(text)]
            for attrs in _LINK.findall(text):
                rel = re.search(r"\srel=[\"']([^\"']+)", attrs)
                href = re.search(r"\shref=[\"']([^\"']+)", attrs)
                if href and rel and not {"alternate", "canonical", "next", "prev", "author"} & set(rel[1].split()):
                    urls.append(href[1])
            urls += [a or b for a, b in _CSS_URL.findall(" ".join(re.findall(r"style=[\"']([^\"']*)", text)))]
            urls += [a or b for a, b in _CSS_URL.findall(" ".join(re.findall(r"<style\b.*?</style>", text, re.S)))]
        elif path.suffix == ".css":
            urls = [a or b for a, b in _CSS_URL.findall(path.read_text(encoding="utf-8"))]
        elif path.suffix == ".js" and "search_index" not in path.name:
            text = path.read_text(encoding="utf-8", errors="replace")
            urls = [m.group(0) for m in _JS_LOAD.finditer(text)]
            urls = ["//" if u else u for u in urls]
        else:
            continue
        found += [f"{path.relative_to(site)}: {u}" for u in urls if _is_foreign(u) or u == "//"]
    return found


def test_the_scan_finds_what_a_page_would_load_from_elsewhere(tmp_path):
    (tmp_path / "a.html").write_text(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<link rel="alternate" href="https://example.org/zh/">'
        '<script src="https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js"></script>'
        '<a href="https://numba.pydata.org/">a link is not a load</a><img src="local.png">',
        encoding="utf-8",
    )
    (tmp_path / "b.css").write_text('@import "https://cdn.example.com/x.css"; a{background:url(ok.png)}')
    assert foreign_resources(tmp_path) == [
        "a.html: https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js",
        "a.html: https://fonts.googleapis.com/css?family=Roboto",
        "b.css: https://cdn.example.com/x.css",
    ]


def test_no_page_loads_anything_from_another_host(site):
    assert foreign_resources(site) == []
    css = (site / "stylesheets" / "bpnn.css").read_text(encoding="utf-8")
    # the font stack names the common CJK fonts of each system
    for font in ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei"):
        assert font in css, font


# ---------------------------------------------------------------------------------------------
# search per language


def _index(site: Path, lang: str) -> dict:
    return json.loads((site / LANGUAGES[lang] / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_each_language_searches_its_own_pages(site):
    english, chinese = _index(site, "en"), _index(site, "zh")
    assert english["docs"] and chinese["docs"]
    for entry in english["docs"]:
        assert not entry["location"].startswith("zh/"), entry["location"]
        assert not CJK.search(entry["title"]), entry["title"]
    for entry in chinese["docs"]:
        page = entry["location"].split("#")[0]
        assert (site / "zh" / page / "index.html").exists() or (site / "zh" / page).exists(), page
    # every Chinese tutorial is found in the Chinese index by its Chinese title, and not in the English one
    titled = {e["location"]: e["title"] for e in chinese["docs"]}
    for name in TUTORIALS:
        title = titled[f"tutorials/{name}/"]
        assert CJK.search(title), title
    # the Chinese pages look for their index in zh/, the English ones at the root
    page = (site / "zh" / "tutorials" / "000-xor" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'"base": "\.\./\.\./\.\./zh/"', page)
    page = (site / "tutorials" / "000-xor" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'"base": "\.\./\.\."', page)
    # and file:// readers get the same index as a script
    for lang in LANGUAGES:
        script = (site / LANGUAGES[lang] / "search" / "search_index.js").read_text(encoding="utf-8")
        assert json.loads(script.removeprefix("var __index = ").rstrip().rstrip(";")) == _index(site, lang)


# ---------------------------------------------------------------------------------------------
# notebooks


def _exec_blocks(markdown: str) -> list[str]:
    """The Python blocks markdown-exec runs, read here independently of the site's generator."""
    blocks = re.findall(r'^```python [^\n]*exec="on"[^\n]*\n(.*?)^```$', markdown, re.S | re.M)
    return [b.strip("\n") for b in blocks]


def _generator():
    import importlib.util

    spec = importlib.util.spec_from_file_location("bpnn_site_hooks", ROOT / "docs" / "hooks" / "bpnn_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generator_turns_run_blocks_into_cells_and_admonitions_into_quotes():
    page = "\n".join(
        [
            "# Title",
            "",
            "```python",
            "shown_only = 1",
            "```",
            "",
            '```python exec="on" source="above" result="text" session="s"',
            "print(2 + 2)",
            "```",
            "",
            '!!! note "练习"',
            "    Try it.",
            "",
            "After.",
            "",
            '```python exec="on" html="1" session="s"',
            "svg = '<svg></svg>'",
            "print(svg)",
            "```",
        ]
    )
    cells = _generator().markdown_to_notebook(page, language="zh", page="tutorials/x.zh.md").cells
    assert [c.cell_type for c in cells] == ["markdown", "markdown", "code", "markdown", "code"]
    assert "tutorials/x.zh.md" in cells[0].source
    assert "```python\nshown_only = 1\n```" in cells[1].source  # a block the page does not run stays text
    assert cells[2].source == "print(2 + 2)"
    assert cells[3].source == "> **练习**\n>\n> Try it.\n\nAfter."
    assert cells[4].source.splitlines()[-1] == "display(HTML(svg))"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_tutorial_is_a_notebook_made_from_its_page(site, lang):
    import nbformat

    for name in TUTORIALS:
        suffix = ".zh.md" if lang == "zh" else ".md"
        source = (ROOT / "docs" / "tutorials" / f"{name}{suffix}").read_text(encoding="utf-8")
        notebook = nbformat.read(site / LANGUAGES[lang] / "tutorials" / f"{name}.ipynb", as_version=4)
        nbformat.validate(notebook)
        code = [c.source for c in notebook.cells if c.cell_type == "code"]
        blocks = _exec_blocks(source)
        assert len(code) == len(blocks) > 0, name
        for cell, block in zip(code, blocks):
            if "display(HTML(" in cell:  # a block that prints an SVG for the page displays it instead
                assert cell.splitlines()[0] == block.splitlines()[0], name
            else:
                assert cell == block, name
        prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
        assert source.splitlines()[0] in prose  # the page's title
        # the page links its notebook at the top
        page = (site / LANGUAGES[lang] / "tutorials" / name / "index.html").read_text(encoding="utf-8")
        link = re.search(r'<p class="bpnn-notebook"><a href="([^"]+)" download>([^<]+)</a>', page)
        assert link and link[1] == f"../{name}.ipynb", name
        assert ("Jupyter 笔记本" if lang == "zh" else "Jupyter notebook") in link[2]
        assert page.index("bpnn-notebook") < page.index("<h2")


@pytest.fixture(scope="module")
def executed(site, tmp_path_factory) -> dict:
    """Every tutorial notebook of both languages, run by a Jupyter kernel: two at a time."""
    import asyncio

    import nbformat
    from nbclient import NotebookClient

    folder = tmp_path_factory.mktemp("notebooks")
    notebooks = {
        (lang, name): nbformat.read(site / LANGUAGES[lang] / "tutorials" / f"{name}.ipynb", as_version=4)
        for lang in LANGUAGES
        for name in TUTORIALS
    }

    async def run_all() -> None:
        slots = asyncio.Semaphore(2)

        async def run(notebook) -> None:
            async with slots:
                client = NotebookClient(
                    notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
                )
                await client.async_execute()

        await asyncio.gather(*(run(notebook) for notebook in notebooks.values()))

    asyncio.run(run_all())
    return notebooks


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_notebooks_run(executed, lang):
    for name in TUTORIALS:
        notebook = executed[lang, name]
        outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"], name
        text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
        assert "Traceback" not in text and text.strip(), name
        if any("display(HTML(" in c.source for c in notebook.cells if c.cell_type == "code"):
            shown = [o for o in outputs if o.output_type == "display_data" and "text/html" in o.data]
            assert shown and "<svg" in shown[0].data["text/html"], name


# ---------------------------------------------------------------------------------------------
# in Chromium


def _browser_missing() -> str | None:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def served(site) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture(scope="module")
def browser_page(served):
    why = _browser_missing()
    if why is not None:
        if os.environ.get("BPNN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"BPNN_REQUIRE_BROWSER=1 but the browser tests cannot run: {why}")
        pytest.skip(why)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.set_default_timeout(20_000)
        yield page, requested
        browser.close()


def _search(page, base: str, path: str, query: str) -> list[tuple[str, str]]:
    page.goto(f"{base}/{path}")
    box = page.locator("input.md-search__input")
    box.click(force=True)
    box.fill(query)
    # Material reads the query on keyup; text put in by an input method (Chinese) fires none
    box.press("End")
    page.wait_for_function("document.querySelectorAll('.md-search-result__item').length > 0")
    return page.locator(".md-search-result__item > a").evaluate_all(
        "els => els.map(e => [e.getAttribute('href'), e.innerText])"
    )


def test_in_chromium_pages_load_only_from_the_site_and_search_in_their_language(browser_page, served):
    page, requested = browser_page
    english = _search(page, served, "tutorials/000-xor/", "XOR")
    chinese = _search(page, served, "zh/tutorials/000-xor/", "异或")
    assert english and chinese
    for href, _title in english:
        assert not urlparse(href).path.startswith("/zh/"), href
    assert any(CJK.search(title) for _href, title in chinese)
    for href, _title in chinese:
        assert urlparse(href).path.startswith("/zh/"), href
    for href, _title in _search(page, served, "zh/", "反向传播"):
        assert urlparse(href).path.startswith("/zh/"), href
    assert {urlparse(url).netloc for url in requested} == {urlparse(served).netloc}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_in_chromium_the_w1_w8_table_fits_its_column(browser_page, served, lang):
    page, _ = browser_page
    page.goto(f"{served}/{LANGUAGES[lang]}tutorials/002-worked-example/")
    boxes = page.evaluate(
        """() => {
            const article = document.querySelector('article').getBoundingClientRect();
            return [...document.querySelectorAll('article table')]
                .filter(t => t.innerText.includes('w8'))
                .map(t => [t.getBoundingClientRect().right, article.right, t.scrollWidth, t.clientWidth]);
        }"""
    )
    assert boxes
    for right, column, scroll_width, client_width in boxes:
        assert right <= column + 0.5
        assert scroll_width <= client_width  # no scroll bar needed at a desktop width
