"""MkDocs hooks of the bpnn site (mkdocs.yml, ``hooks:``).

- **Search per language.** mkdocs-static-i18n builds the English site at the root and the Chinese
  one under ``zh/``, then merges both languages into one search index, so a search on either site
  returns pages of both. After the build this hook splits the index: ``search/search_index.json``
  keeps the English entries, ``zh/search/search_index.json`` the Chinese ones, and the Chinese
  pages are told (their ``__config`` base) to search in ``zh/``. Each index is also written as
  ``search_index.js``, which Material's search reads when the site is opened from disk (``file://``).
- **Notebooks.** Every tutorial is also written to the site as a Jupyter notebook generated from
  the same Markdown (:func:`markdown_to_notebook`): the blocks the site runs at build time
  (```` ```python exec="on" ````) become code cells, everything else Markdown cells. A link at the
  top of the page downloads it.
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
from pathlib import Path
from typing import Any

import nbformat
from mkdocs.plugins import event_priority

try:  # Material's search cuts Chinese into words with jieba; its loading notes are not build news
    import jieba

    jieba.setLogLevel(logging.WARNING)
except ImportError:
    pass

#: the languages built under a folder of their own (mkdocs.yml, plugins: i18n: languages)
OTHER_LANGUAGES = ("zh",)

_FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)(?P<attrs>.*)$")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_CONFIG_BASE = re.compile(r'(<script id="__config" type="application/json">\{"annotate": [^,]*, "base": ")([^"]*)(")')
_H1_END = re.compile(r"</h1>")

_LINK_TEXT = {
    "en": "Download this tutorial as a Jupyter notebook ({file})",
    "zh": "下载本教程的 Jupyter 笔记本({file})",
}
_INTRO = {
    "en": (
        "*This notebook is generated from the tutorial page `{page}` of the bpnn documentation: "
        "its code cells are the blocks the page runs when the site is built. It needs bpnn "
        "installed (see the README).*"
    ),
    "zh": (
        "*本笔记本由 bpnn 文档的教程页 `{page}` 生成:代码单元就是网站构建时运行的那些代码块。"
        "运行前请先安装 bpnn(见 README)。*"
    ),
}


def page_language(dest_uri: str) -> str:
    """The language of a built page, from where it is written (``zh/...`` for Chinese)."""
    first = dest_uri.split("/", 1)[0]
    return first if first in OTHER_LANGUAGES else "en"


# ---------------------------------------------------------------------------------------------
# notebooks


def markdown_to_notebook(text: str, *, language: str = "en", page: str = "") -> nbformat.NotebookNode:
    """A Jupyter notebook from a tutorial's Markdown.

    Python blocks marked ``exec="on"`` (the ones markdown-exec runs at build time) become code
    cells, in order; the rest, fenced examples included, become Markdown cells. A block that
    prints HTML for the page (``html="1"``) ends with ``print(svg)``: in the notebook its last
    line displays that HTML instead of printing the markup.
    """
    cells: list[nbformat.NotebookNode] = []
    prose: list[str] = []
    lines = text.splitlines()
    i = 0

    def flush_prose() -> None:
        body = "\n".join(_plain_markdown(prose)).strip("\n")
        if body.strip():
            cells.append(nbformat.v4.new_markdown_cell(body))
        prose.clear()

    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            prose.append(lines[i])
            i += 1
            continue
        fence = match["fence"]
        end = i + 1
        while end < len(lines) and not lines[end].startswith(fence):
            end += 1
        attrs = dict(_ATTR.findall(match["attrs"]))
        if match["lang"] in ("python", "py") and attrs.get("exec") in ("on", "1", "true"):
            flush_prose()
            code = lines[i + 1 : end]
            if attrs.get("html") in ("1", "true", "on"):
                code = _display_last_print(code)
            cells.append(nbformat.v4.new_code_cell("\n".join(code).strip("\n")))
        else:
            prose.extend(lines[i : end + 1])
        i = end + 1
    flush_prose()
    intro = nbformat.v4.new_markdown_cell(_INTRO[language].format(page=page))
    notebook = nbformat.v4.new_notebook(cells=[intro, *cells])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


_ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)\s*(?P<kind>[\w-]+)(?:\s+"(?P<title>[^"]*)")?\s*$')


def _plain_markdown(lines: list[str]) -> list[str]:
    """MkDocs' admonitions and collapsible blocks (``!!! note "Title"``, ``??? answer``, their
    body indented by four spaces) as quotes, which Jupyter shows: ``> **Title**``."""
    out: list[str] = []
    quoting = False
    blanks = 0
    for line in lines:
        if quoting and not line.strip():
            blanks += 1
            continue
        match = _ADMONITION.match(line)
        if quoting and line.startswith("    ") and not match:
            out += [">"] * blanks + [("> " + line[4:]).rstrip()]
        else:
            out += [""] * blanks
            quoting = False
            if match:
                if out and out[-1].strip():
                    out.append("")
                out += [f"> **{match['title'] or match['kind'].capitalize()}**", ">"]
                quoting = True
            else:
                out.append(line)
        blanks = 0
    return out + [""] * blanks


def _display_last_print(code: list[str]) -> list[str]:
    """``print(X)`` as the block's last statement becomes ``display(HTML(X))``."""
    last = max((k for k, line in enumerate(code) if line.strip()), default=None)
    if last is None or not (code[last].startswith("print(") and code[last].endswith(")")):
        return code
    shown = code[last][len("print(") : -1]
    return [*code[:last], "from IPython.display import HTML, display", "", f"display(HTML({shown}))"]


def _notebook_uri(dest_uri: str) -> str:
    """``tutorials/000-xor/index.html`` -> ``tutorials/000-xor.ipynb``."""
    folder = posixpath.dirname(dest_uri)
    return folder + ".ipynb"


def _is_tutorial(page: Any) -> bool:
    src = page.file.src_uri
    return src.startswith("tutorials/") and not src.endswith(("index.md", "index.zh.md"))


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    if not _is_tutorial(page):
        return html
    language = page_language(page.file.dest_uri)
    href = "../" + posixpath.basename(_notebook_uri(page.file.dest_uri))
    link = (
        f'<p class="bpnn-notebook"><a href="{href}" download>'
        f"{_LINK_TEXT[language].format(file=posixpath.basename(href))}</a></p>"
    )
    # just below the page title, or first when the page has none
    if _H1_END.search(html):
        return _H1_END.sub("</h1>" + link, html, count=1)
    return link + html


def on_post_page(output: str, page: Any, config: Any) -> str:
    language = page_language(page.file.dest_uri)
    if _is_tutorial(page):
        source = Path(page.file.abs_src_path).read_text(encoding="utf-8")
        notebook = markdown_to_notebook(source, language=language, page=page.file.src_uri)
        target = Path(config.site_dir) / _notebook_uri(page.file.dest_uri)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, str(target))
    if language != "en":
        # search (and Material's other site-wide lookups) in this language's own folder
        output = _CONFIG_BASE.sub(
            lambda m: m[1] + posixpath.normpath(posixpath.join(m[2], language)) + "/" + m[3], output, count=1
        )
    return output


# ---------------------------------------------------------------------------------------------
# search per language


def split_search_index(site_dir: Path) -> None:
    """Write one search index per language from the merged one (idempotent)."""
    root = site_dir / "search" / "search_index.json"
    if not root.exists():
        return
    index = json.loads(root.read_text(encoding="utf-8"))
    by_language: dict[str, list[dict[str, Any]]] = {"en": []}
    for language in OTHER_LANGUAGES:
        by_language[language] = []
    for entry in index["docs"]:
        language = page_language(entry["location"])
        if language != "en":
            entry = {**entry, "location": entry["location"][len(language) + 1 :]}
        by_language[language].append(entry)
    if not any(by_language[language] for language in OTHER_LANGUAGES):
        return  # already split
    for language, docs in by_language.items():
        folder = site_dir / "search" if language == "en" else site_dir / language / "search"
        config = {**index["config"], "lang": ["en"] if language == "en" else [language, "en"]}
        payload = json.dumps({"config": config, "docs": docs}, ensure_ascii=False, separators=(",", ":"))
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "search_index.json").write_text(payload, encoding="utf-8")
        (folder / "search_index.js").write_text(f"var __index = {payload};\n", encoding="utf-8")


# after mkdocs-static-i18n's post-build (priority -100), which builds the other languages and
# writes the merged index
@event_priority(-200)
def on_post_build(config: Any) -> None:
    split_search_index(Path(config.site_dir))
