"""How ``explain``'s document is written: the plain-text and Markdown styles (symbols,
numbers, layout) and the formulas of the activations, shared by the sections."""

from __future__ import annotations

import re
import unicodedata

from bpnn.core.activations import ACTIVATIONS
from bpnn.explain.i18n import Translator

#: Longest sum written out term by term; longer sums show only their value.
EXPAND_MAX = 4

#: Samples up to which a gradient's sum over samples is written out term by term.
EXPAND_SAMPLES = 3

_TEXT_WIDTH = 100

# one symbol (a_j^[2], m, α) or one number: needs no parentheses as a numerator or denominator
_SIMPLE = re.compile(r"[^\W\d]\w*(\^\[[^\]]*\])?|\d+(\.\d+)?")


def _formula(name: str):
    """The activation's :class:`~bpnn.core.activations.Formula` from its registry entry, or None."""
    return ACTIVATIONS.capability(name, "formula") if name in ACTIVATIONS else None


_FUSED_WHY = {
    "identity": "the identity's derivative is 1",
    "sigmoid": "σ'(z) = a(1 - a) cancels the cross-entropy's denominator a(1 - a)",
    "softmax": "softmax's Jacobian and -y/a combine to a - y for targets summing to 1",
}


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class _Text:
    """Plain-text symbols and layout."""

    mul = "·"
    half = "½"
    eta = "η"
    alpha = "α"
    lam = "λ"  # the L1 penalty's rate
    sign = "sign"
    arrow = "←"

    def __init__(self, digits: int, lang: str | None = "en"):
        self.digits = digits
        self.t = Translator(lang)

    # -- symbols ------------------------------------------------------------------
    @staticmethod
    def _sub(idx) -> str:
        idx = [str(i) for i in idx]
        return "".join(idx) if all(len(i) == 1 for i in idx) else ",".join(idx)

    def var(self, name: str, layer=None, *idx) -> str:
        name = {"delta": "δ"}.get(name, name)
        s = name + (f"_{self._sub(idx)}" if idx else "")
        return s + (f"^[{layer}]" if layer is not None else "")

    def d(self, of: str) -> str:
        return f"∂L/∂{of}"

    def act(self, name: str) -> str:
        formula = _formula(name)
        return formula.symbol if formula else name

    def act_derivative(self, name: str) -> str:
        formula = _formula(name)
        if not (formula and formula.derivative):
            return f"{name}'(z)"
        return self.t(formula.derivative) if formula.words else formula.derivative

    def sq(self, x: str) -> str:
        return f"{x}²"

    def sum(self, over: str) -> str:
        return f"Σ_{over} " if over else "Σ "

    @staticmethod
    def _group(x: str) -> str:
        """``x`` as one factor: parenthesized unless it is a single symbol or number."""
        return x if _SIMPLE.fullmatch(x) else f"({x})"

    def frac(self, top: str, bottom: str) -> str:
        return f"{self._group(top)}/{self._group(bottom)}"

    def log(self, x: str) -> str:
        return f"log {x}" if " " not in x else (f"log{x}" if x.startswith("(") else f"log({x})")

    def num(self, v) -> str:
        s = f"{float(v):.{self.digits}f}"
        return s[1:] if s.startswith("-") and float(s) == 0 else s  # no "-0.000000"

    def pnum(self, v) -> str:
        """A number as a factor: negative numbers in parentheses."""
        s = self.num(v)
        return f"({s})" if s.startswith("-") else s

    def vec(self, values) -> str:
        return "(" + ", ".join(self.num(v) for v in values) + ")"

    # -- blocks -------------------------------------------------------------------
    def document(self, blocks) -> str:
        out = []
        for kind, *rest in blocks:
            getattr(self, "_" + kind)(out, *rest)
        return "\n".join(out).rstrip() + "\n"

    def _title(self, out, text):
        out += [text, "=" * _width(text)]

    def _facts(self, out, rows):
        width = max(_width(k) for k, _ in rows)
        out += [f"  {k}{' ' * (width - _width(k))}  {v}" for k, v in rows]

    def _section(self, out, text):
        out += ["", text]

    def _subsection(self, out, text):
        out.append(f"  {text}")

    def _paragraph(self, out, text):
        out.append(f"  {text}")

    def _equations(self, out, rows):
        for lhs, parts, *op in rows:
            indent = "    "
            line = f"{indent}{lhs} {op[0] if op else '='} {parts[0]}"
            pad = indent + " " * len(lhs) + " = "
            for part in parts[1:]:
                if len(line) + 3 + len(part) > _TEXT_WIDTH:
                    out.append(line)
                    line = pad + part
                else:
                    line += " = " + part
            out.append(line)


class _Markdown(_Text):
    """Markdown with LaTeX formulas."""

    mul = r" \cdot "
    half = r"\tfrac{1}{2}"
    eta = r"\eta"
    alpha = r"\alpha"
    lam = r"\lambda"
    sign = r"\operatorname{sign}"
    arrow = r"\leftarrow"

    def var(self, name: str, layer=None, *idx) -> str:
        name = {"delta": r"\delta"}.get(name, name)
        sup = f"^{{[{layer}]}}" if layer is not None else ""
        sub = f"_{{{self._sub(idx)}}}" if idx else ""
        return name + sup + sub

    def d(self, of: str) -> str:
        return rf"\frac{{\partial L}}{{\partial {of}}}"

    def act(self, name: str) -> str:
        formula = _formula(name)
        return formula.latex if formula else rf"\operatorname{{{name}}}"

    def act_derivative(self, name: str) -> str:
        formula = _formula(name)
        return formula.derivative_latex if formula and formula.derivative_latex else rf"\operatorname{{{name}}}'(z)"

    def sq(self, x: str) -> str:
        return f"{x}^2"

    def sum(self, over: str) -> str:
        return rf"\sum_{{{over}}} " if over else r"\sum "

    def frac(self, top: str, bottom: str) -> str:
        return rf"\frac{{{top}}}{{{bottom}}}"

    def log(self, x: str) -> str:
        return rf"\log {x}" if " " not in x else (rf"\log{x}" if x.startswith("(") else rf"\log({x})")

    def vec(self, values) -> str:
        return r"\left(" + r",\ ".join(self.num(v) for v in values) + r"\right)"

    def _title(self, out, text):
        out += [f"## {text}", ""]

    def _facts(self, out, rows):
        out += ["| | |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]

    def _section(self, out, text):
        out += ([] if out and out[-1] == "" else [""]) + [f"### {text}", ""]

    def _subsection(self, out, text):
        out += [f"**{text}**", ""]

    def _paragraph(self, out, text):
        out += [text, ""]

    def _equations(self, out, rows):
        lines = []
        for lhs, parts, *op in rows:
            # symbols on the first line, their numbers on the second
            first = f"{lhs} &{op[0] if op else '='} {parts[0]}"
            if len(parts) <= 2:
                lines.append(first + "".join(f" = {p}" for p in parts[1:]))
            else:
                lines += [first, "&= " + " = ".join(parts[1:])]
        out += ["$$", r"\begin{aligned}", (r" \\" + "\n").join(lines), r"\end{aligned}", "$$", ""]


def _math(style, s: str) -> str:
    """A formula inside running text: as is in text, between dollars in Markdown."""
    return f"${s}$" if isinstance(style, _Markdown) else s
