"""The language of the ``bpnn`` command's words, chosen once per run: ``--lang``, else the locale.

Every command prints through :func:`say` (a message of the catalogue in
:mod:`bpnn.explain.i18n`, filled in) and fails through :func:`error_line`, so a Chinese run
and an English run print the same numbers, column names and labels, in other words.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bpnn.explain.i18n import LANGUAGES, Translator

__all__ = ["add_lang_option", "choose", "current", "error_line", "fail", "say", "say_lines", "usage_line"]

LANG_HELP = "language of the printed words: en or zh; the numbers are the same (default: the locale, LC_ALL/LANG)"

_chosen = [Translator("en")]


def add_lang_option(parser: argparse.ArgumentParser) -> None:
    """Give ``parser`` the option ``--lang en|zh``."""
    parser.add_argument("--lang", choices=list(LANGUAGES), default=None, help=LANG_HELP)


def choose(argv: Sequence[str] | None) -> Translator:
    """The run's translator, from ``--lang`` in ``argv`` (read before argparse, whose own
    errors are translated too) or else the locale; it stays the current one until the next call."""
    args = list(sys.argv[1:] if argv is None else argv)
    lang = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(args):
            value = args[i + 1]
        if value in LANGUAGES:
            lang = value
    _chosen[0] = Translator(lang)
    return _chosen[0]


def current() -> Translator:
    """The translator :func:`choose` picked (English before it is called)."""
    return _chosen[0]


def say(message: str, /, **fields) -> str:
    """``message`` (an English template of the catalogue) in the run's language, filled in."""
    return _chosen[0](message, **fields)


def say_lines(lines: list[str]) -> list[str]:
    """Report lines written in English below the command line (``bpnn info``'s description of a
    model), in the run's language.

    A line is translated by the catalogue template its text matches (see
    :meth:`~bpnn.explain.i18n.Translator.written`), keeping its indentation. An indented line
    that no template matches is data continued from the line above (a setting, an encoding) and
    is kept as it is; so are empty lines.
    """
    t = _chosen[0]
    if t.lang == "en":
        return list(lines)
    out = []
    for line in lines:
        text = line.lstrip()
        indent = line[: len(line) - len(text)]
        if not text:
            out.append(line)
        elif indent and not t.knows(text):
            out.append(line)
        else:
            out.append(indent + t.written(text))
    return out


def error_line(text: str) -> str:
    """The one line ``bpnn: error: ...`` for an English error text, in the run's language
    (the text's line breaks and runs of spaces made single spaces)."""
    return say("bpnn: error: {message!t}", message=" ".join(text.split()))


def usage_line(message: str, prog: str, command: str | None = None) -> str:
    """The one line for argparse's ``message`` about the command line of ``prog``, in the run's language."""
    if command is None:
        return say("bpnn: error: {message!t} (see '{prog} --help')", message=message, prog=prog)
    return say("bpnn: error: {command}: {message!t} (see 'bpnn {command} --help')", command=command, message=message)


def fail(text: str) -> int:
    """Print :func:`error_line` on standard error; return the exit status 2."""
    print(error_line(text), file=sys.stderr)
    return 2
