"""Write out a :class:`bpnn.explain.TrainingStep` the way a textbook would.

Every number shown is read from the record; nothing is recomputed here. The same
document is produced in two styles:

* ``"text"`` for a terminal (Unicode symbols: ``w_21^[2]``, ``δ_1^[2]``, ``∂L/∂w``, ``σ``);
* ``"markdown"`` for notes, with LaTeX formulas (``$w^{[2]}_{21}$``) in ``aligned`` blocks.

Notation: the input is layer 0 (``a^[0] = x``); layer ``l`` forms ``z_j^[l] = Σ_i w_ij^[l] a_i^[l-1]
+ b_j^[l]`` and ``a_j^[l] = f(z_j^[l])``; ``w_ij^[l]`` joins neuron ``i`` of layer ``l-1`` to
neuron ``j`` of layer ``l`` (it is ``weights[i-1, j-1]``); ``δ_j^[l] = ∂L/∂z_j^[l]``.

For one sample every formula is written out with its numbers; for a batch each quantity
is shown as one value per sample and the gradients as sums over the samples. Sums with
more than :data:`EXPAND_MAX` terms are shown by their value only.

Examples
--------
>>> import numpy as np, bpnn
>>> from bpnn.explain.render import render
>>> net = bpnn.Network([bpnn.Dense(1, 1, "sigmoid", weights=[[0.5]], use_bias=False)])
>>> print(render(net.explain([[1.0]], [[1.0]]), digits=3).splitlines()[0])
One step of backpropagation, written out
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

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


class _Writer:
    """Builds the blocks of the document from a step record, in one style."""

    def __init__(self, step, style: _Text):
        self.step, self.s = step, style
        self.t = style.t
        self.m = step.n_samples
        self.L = len(step.layers)

    # values: one number for one sample, a tuple of numbers for a batch
    def val(self, column) -> str:
        column = np.asarray(column).ravel()
        return self.s.num(column[0]) if self.m == 1 else self.s.vec(column)

    def blocks(self) -> list:
        return (
            [("title", self.t("One step of backpropagation, written out")), ("facts", self.facts())]
            + self.forward()
            + self.loss()
            + self.backward()
            + self.gradients()
            + self.update()
            + self.check()
        )

    # -- header -------------------------------------------------------------------
    def facts(self) -> list:
        s, st, t = self.s, self.step, self.t
        acts = ", ".join(t("layer {l} {activation}", l=ly.index, activation=ly.activation) for ly in st.layers)
        has_bias = any(ly.bias is not None for ly in st.layers)
        rows = [
            (t("network"), f"{'-'.join(map(str, st.sizes))} ({acts}){'' if has_bias else t(', no biases')}"),
            (t("loss"), _math(s, self.loss_formula()) + f" ({st.loss_name})"),
            (
                t("update"),
                _math(s, f"w {s.arrow} w - {s.eta}{s.mul}{s.d('w')}")
                + ", "
                + _math(s, f"{s.eta} = {st.learning_rate:g}"),
            ),
            (t("samples"), f"{self.m}" + ("" if self.m == 1 else t(" (each quantity shows one value per sample)"))),
            (t("notation"), t("layer 0 is the input: ") + _math(s, f"{s.var('a', 0)} = x")),
            (
                "",
                t("layer l: ")
                + _math(
                    s,
                    f"{s.var('z', 'l', 'j')} = {s.sum('i')}{s.var('w', 'l', 'i', 'j')}{s.mul}"
                    f"{s.var('a', 'l-1', 'i')} + {s.var('b', 'l', 'j')}",
                )
                + ", "
                + _math(s, f"{s.var('a', 'l', 'j')} = f({s.var('z', 'l', 'j')})"),
            ),
            ("", _math(s, s.var("w", "l", "i", "j")) + t(" joins neuron i of layer l-1 to neuron j of layer l")),
            (
                "",
                t("the error of neuron j of layer l is ")
                + _math(s, f"{s.var('delta', 'l', 'j')} = {s.d(s.var('z', 'l', 'j'))}"),
            ),
        ]
        if st.alpha:
            rows.insert(
                2,
                (
                    t("L2 penalty"),
                    _math(s, f"{s.frac(s.alpha, '2m')}{s.mul}{s.sum('')}{s.sq('w')}")
                    + ", "
                    + _math(s, f"{s.alpha} = {st.alpha:g}"),
                ),
            )
        if st.l1:
            rows.insert(
                2,
                (
                    t("L1 penalty"),
                    _math(s, f"{s.frac(s.lam, 'm')}{s.mul}{s.sum('')}|w|") + ", " + _math(s, f"{s.lam} = {st.l1:g}"),
                ),
            )
        rows.append((t("input"), _math(s, f"x = {s.var('a', 0)} = {self.rows(st.X)}")))
        rows.append((t("target"), _math(s, f"y = {self.rows(st.y)}")))
        return rows

    def rows(self, matrix) -> str:
        matrix = np.asarray(matrix)
        if len(matrix) == 1:
            return self.s.vec(matrix[0])
        return (r",\ " if isinstance(self.s, _Markdown) else "; ").join(self.s.vec(r) for r in matrix)

    def loss_formula(self) -> str:
        s, Lx = self.s, self.L
        a, y = s.var("a", Lx, "k"), s.var("y", None, "k")
        name = self.step.loss_name
        if name == "mse":
            core = f"{s.half}{s.sum('k')}{s.sq('(' + a + ' - ' + y + ')')}"
        elif name == "binary_crossentropy":
            core = f"-{s.sum('k')}[{y} {s.log(a)} + (1 - {y}) {s.log('(1 - ' + a + ')')}]"
        elif name == "categorical_crossentropy":
            core = f"-{s.sum('k')}{y} {s.log(a)}"
        else:
            core = f"{name}(y, {s.var('a', Lx)})"
        if self.m > 1:
            core = f"{s.frac('1', 'm')}{s.mul}{s.sum('s')}" + (core if name == "mse" else f"[{core}]")
        return "L = " + core

    # -- forward ------------------------------------------------------------------
    def forward(self) -> list:
        s = self.s
        blocks = [("section", self.t("1. Forward pass"))]
        for ly in self.step.layers:
            head = (
                "Layer {l} (output, {n_in} → {n_out}, {activation})"
                if ly.index == self.L
                else "Layer {l} (hidden, {n_in} → {n_out}, {activation})"
            )
            blocks.append(
                ("subsection", self.t(head, l=ly.index, n_in=ly.n_in, n_out=ly.n_out, activation=ly.activation))
            )
            rows = []
            for j in range(ly.n_out):
                terms = [
                    (
                        s.var("w", ly.index, i + 1, j + 1),
                        s.var("a", ly.index - 1, i + 1),
                        ly.weights[i, j],
                        ly.inputs[:, i],
                    )
                    for i in range(ly.n_in)
                ]
                if ly.n_in <= EXPAND_MAX:
                    sym = " + ".join(f"{w}{s.mul}{a}" for w, a, _, _ in terms)
                else:
                    sym = f"{s.sum('i')}{s.var('w', ly.index, 'i', j + 1)}{s.mul}{s.var('a', ly.index - 1, 'i')}"
                if ly.bias is not None:
                    sym += f" + {s.var('b', ly.index, j + 1)}"
                parts = [sym]
                if self.m == 1 and ly.n_in <= EXPAND_MAX:
                    numeric = " + ".join(f"{s.pnum(w)}{s.mul}{s.pnum(a[0])}" for _, _, w, a in terms)
                    if ly.bias is not None:
                        numeric += f" + {s.pnum(ly.bias[j])}"
                    parts.append(numeric)
                parts.append(self.val(ly.z[:, j]))
                rows.append((s.var("z", ly.index, j + 1), parts))
            for j in range(ly.n_out):
                z = s.var("z", ly.index, j + 1)
                if ly.activation == "softmax":
                    zs = s.var("z", ly.index, "k")
                    sym = (
                        f"exp({z}) / {s.sum('k')}exp({zs})"
                        if not isinstance(s, _Markdown)
                        else rf"\frac{{e^{{{z}}}}}{{{s.sum('k')}e^{{{zs}}}}}"
                    )
                    parts = [sym, self.val(ly.a[:, j])]
                else:
                    parts = [f"{s.act(ly.activation)}({z})"]
                    if self.m == 1:
                        parts.append(f"{s.act(ly.activation)}({s.num(ly.z[0, j])})")
                    parts.append(self.val(ly.a[:, j]))
                rows.append((s.var("a", ly.index, j + 1), parts))
            blocks.append(("equations", rows))
        return blocks

    # -- loss ---------------------------------------------------------------------
    def loss(self) -> list:
        s, st = self.s, self.step
        blocks = [("section", self.t("2. Loss ({name})", name=st.loss_name))]
        parts = [self.loss_formula()[len("L = ") :]]
        a, y, Lx = st.output, st.y, self.L
        if (
            self.m == 1
            and st.loss_name in ("mse", "binary_crossentropy", "categorical_crossentropy")
            and a.shape[1] <= EXPAND_MAX
        ):
            sym_terms, num_terms = [], []
            for k in range(a.shape[1]):
                ak, yk = s.var("a", Lx, k + 1), s.var("y", None, k + 1)
                av, yv = s.num(a[0, k]), s.num(y[0, k])
                if st.loss_name == "mse":
                    sym_terms.append(f"{s.half}{s.sq('(' + ak + ' - ' + yk + ')')}")
                    num_terms.append(f"{s.half}{s.sq('(' + av + ' - ' + yv + ')')}")
                elif st.loss_name == "binary_crossentropy":
                    sym_terms.append(f"[{yk} {s.log(ak)} + (1 - {yk}) {s.log('(1 - ' + ak + ')')}]")
                    num_terms.append(f"[{yv} {s.log(av)} + (1 - {yv}) {s.log('(1 - ' + av + ')')}]")
                elif y[0, k] != 0:
                    sym_terms.append(f"{yk} {s.log(ak)}")
                    num_terms.append(f"{yv} {s.log(av)}")
            sign = "" if st.loss_name == "mse" else "-"
            join = " + " if st.loss_name == "mse" else " - "
            if sym_terms:
                parts = [sign + join.join(sym_terms).lstrip(), sign + join.join(num_terms)]
        if st.alpha:
            # the numbers of the penalty are not written out, so keep only the formula
            parts = [parts[0] + f" + {s.frac(s.alpha, '2m')}{s.mul}{s.sum('')}{s.sq('w')}"]
        if st.l1:
            parts = [parts[0] + f" + {s.frac(s.lam, 'm')}{s.mul}{s.sum('')}|w|"]
        parts.append(s.num(st.loss))
        blocks.append(("equations", [("L", parts)]))
        return blocks

    # -- backward -----------------------------------------------------------------
    def loss_gradient(self, k) -> tuple[str, str | None]:
        """``dL/da_k^[L]``: its formula and, for one sample of mse, its numbers."""
        s, st, Lx = self.s, self.step, self.L
        a, y = s.var("a", Lx, k), s.var("y", None, k)
        per_m = "" if self.m == 1 else "m"
        formulas = {
            "mse": f"({a} - {y})",
            "binary_crossentropy": s.frac(f"{a} - {y}", f"{a}(1 - {a})"),
            "categorical_crossentropy": s.frac(f"-{y}", a),
        }
        f = formulas.get(st.loss_name, s.d(s.var("a", Lx, k)))
        if per_m:
            f = s.frac(f, "m") if st.loss_name in formulas else f
        numeric = None
        if st.loss_name == "mse" and self.m == 1 and not isinstance(k, str):
            numeric = f"({s.num(st.output[0, k - 1])} - {s.num(st.y[0, k - 1])})"
        return f, numeric

    def backward(self) -> list:
        s, st, t = self.s, self.step, self.t
        blocks = [
            (
                "section",
                t("3. Backward pass: ")
                + _math(s, f"{s.var('delta', 'l', 'j')} = {s.d(s.var('z', 'l', 'j'))}")
                + t(", from the output down"),
            )
        ]
        for ly in reversed(st.layers):
            rows = []
            l, name = ly.index, ly.activation
            if ly.index == self.L:
                if ly.fused:
                    why = t(_FUSED_WHY[name]) if name in _FUSED_WHY else ""
                    blocks.append(
                        (
                            "subsection",
                            t("Layer {l} (output): ", l=l)
                            + _math(
                                s,
                                f"{s.var('delta', l, 'j')} = "
                                + (
                                    f"{s.var('a', l, 'j')} - {s.var('y', None, 'j')}"
                                    if self.m == 1
                                    else s.frac(f"{s.var('a', l, 'j')} - {s.var('y', None, 'j')}", "m")
                                ),
                            )
                            + (t(" (the loss and {name} combine: {why})", name=name, why=why) if why else ""),
                        )
                    )
                    for k in range(ly.n_out):
                        parts = [
                            f"{s.var('a', l, k + 1)} - {s.var('y', None, k + 1)}"
                            if self.m == 1
                            else s.frac(f"{s.var('a', l, k + 1)} - {s.var('y', None, k + 1)}", "m")
                        ]
                        if self.m == 1:
                            parts.append(f"{s.num(st.output[0, k])} - {s.num(st.y[0, k])}")
                        parts.append(self.val(ly.delta[:, k]))
                        rows.append((s.var("delta", l, k + 1), parts))
                    blocks.append(("equations", rows))
                    continue
                grad_sym = self.loss_gradient("j")[0]
                rule = (
                    self.softmax_rule(l, "j")
                    if name == "softmax"
                    else f"{s.d(s.var('a', l, 'j'))}{s.mul}{s.act(name)}'({s.var('z', l, 'j')})"
                )
                head = (
                    t("Layer {l} (output): ", l=l)
                    + _math(s, f"{s.var('delta', l, 'j')} = {rule}")
                    + t(", with ")
                    + _math(s, f"{s.d(s.var('a', l, 'j'))} = {grad_sym}")
                )
            else:
                up = l + 1
                head = t("Layer {l} (hidden): ", l=l) + _math(
                    s,
                    f"{s.var('delta', l, 'j')} = ({s.sum('k')}{s.var('w', up, 'j', 'k')}{s.mul}"
                    f"{s.var('delta', up, 'k')}){s.mul}{s.act(name)}'({s.var('z', l, 'j')})",
                )
            if ly.derivative is not None:
                head += ", " + _math(s, f"{s.act(name)}'(z) = {s.act_derivative(name)}")
            blocks.append(("subsection", head))
            for j in range(ly.n_out):
                rows.append((s.var("delta", l, j + 1), self.delta_parts(ly, j)))
            blocks.append(("equations", rows))
        return blocks

    def delta_parts(self, ly, j) -> list[str]:
        """The formula of delta_j^[l] with its numbers (one sample) or its values (a batch)."""
        s, st = self.s, self.step
        l, name = ly.index, ly.activation
        a_sym, a_val = s.var("a", l, j + 1), ly.a[:, j]
        deriv_sym = {"sigmoid": f"{a_sym}(1 - {a_sym})", "tanh": f"(1 - {s.sq(a_sym)})"}.get(
            name, f"{s.act(name)}'({s.var('z', l, j + 1)})"
        )
        deriv_num = None
        if self.m == 1 and ly.derivative is not None:
            deriv_num = {
                "sigmoid": f"{s.pnum(a_val[0])}{s.mul}(1 - {s.pnum(a_val[0])})",
                "tanh": f"(1 - {s.sq(s.pnum(a_val[0]))})",
            }.get(name, s.pnum(ly.derivative[0, j]))
        if ly.index == self.L:
            g_sym, g_num = self.loss_gradient(j + 1)
        else:
            up = st.layers[l]  # the layer above (index l + 1)
            if up.n_out <= EXPAND_MAX:
                g_sym = " + ".join(
                    f"{s.var('w', l + 1, j + 1, k + 1)}{s.mul}{s.var('delta', l + 1, k + 1)}" for k in range(up.n_out)
                )
                g_num = (
                    None
                    if self.m > 1
                    else " + ".join(
                        f"{s.pnum(up.weights[j, k])}{s.mul}{s.pnum(up.delta[0, k])}" for k in range(up.n_out)
                    )
                )
                if up.n_out > 1:
                    g_sym, g_num = f"({g_sym})", None if g_num is None else f"({g_num})"
            else:
                g_sym = f"({s.sum('k')}{s.var('w', l + 1, j + 1, 'k')}{s.mul}{s.var('delta', l + 1, 'k')})"
                g_num = None
        if ly.derivative is None:
            # softmax (not elementwise) or a user activation: the rule and the value
            rule = self.softmax_rule(l, j + 1) if name == "softmax" else f"{g_sym}{s.mul}{s.act(name)}'"
            return [rule, self.val(ly.delta[:, j])]
        parts = [f"{g_sym}{s.mul}{deriv_sym}"]
        if self.m == 1:
            g_num = g_num or s.pnum(ly.grad_a[0, j])
            parts.append(f"{g_num}{s.mul}{deriv_num}")
            parts.append(f"{s.pnum(ly.grad_a[0, j])}{s.mul}{s.pnum(ly.derivative[0, j])}")
            if parts[-1] == parts[-2]:
                parts.pop()
        parts.append(self.val(ly.delta[:, j]))
        return parts

    def softmax_rule(self, l, j) -> str:
        """softmax's Jacobian-vector product: delta_j = a_j (dL/da_j - sum_k dL/da_k a_k)."""
        s = self.s
        return (
            f"{s.var('a', l, j)}{s.mul}({s.d(s.var('a', l, j))} - {s.sum('k')}"
            f"{s.d(s.var('a', l, 'k'))}{s.mul}{s.var('a', l, 'k')})"
        )

    # -- gradients and update -------------------------------------------------------
    def gradients(self) -> list:
        s, st = self.s, self.step
        sum_s = "" if self.m == 1 else s.sum("s")
        penalty = "" if not st.alpha else f" + {s.frac(s.alpha, 'm')}{s.mul}{s.var('w', 'l', 'i', 'j')}"
        if st.l1:
            penalty += f" + {s.frac(s.lam, 'm')}{s.mul}{s.sign}({s.var('w', 'l', 'i', 'j')})"
        head = (
            self.t("4. Gradients: ")
            + _math(
                s,
                f"{s.d(s.var('w', 'l', 'i', 'j'))} = {sum_s}{s.var('a', 'l-1', 'i')}"
                f"{s.mul}{s.var('delta', 'l', 'j')}{penalty}",
            )
            + ", "
            + _math(s, f"{s.d(s.var('b', 'l', 'j'))} = {sum_s}{s.var('delta', 'l', 'j')}")
        )

        def weight_row(ly, i, j, w):
            parts = [
                f"{sum_s}{s.var('a', ly.index - 1, i + 1)}{s.mul}{s.var('delta', ly.index, j + 1)}"
                + (f" + {s.frac(s.alpha, 'm')}{s.mul}{w}" if st.alpha else "")
                + (f" + {s.frac(s.lam, 'm')}{s.mul}{s.sign}({w})" if st.l1 else "")
            ]
            if self.m <= EXPAND_SAMPLES and not st.alpha and not st.l1:
                parts.append(
                    " + ".join(f"{s.pnum(ly.inputs[r, i])}{s.mul}{s.pnum(ly.delta[r, j])}" for r in range(self.m))
                )
            parts.append(s.num(ly.grad_weights[i, j]))
            return (s.d(w), parts)

        def bias_row(ly, j, b):
            parts = [f"{sum_s}{s.var('delta', ly.index, j + 1)}"]
            if 1 < self.m <= EXPAND_SAMPLES:
                parts.append(" + ".join(s.pnum(v) for v in ly.delta[:, j]))
            parts.append(s.num(ly.grad_bias[j]))
            return (s.d(b), parts)

        return [("section", head), *self._per_layer(weight_row, bias_row)]

    def _per_layer(self, weight_row, bias_row) -> list:
        """From the output layer back: a "Layer l" heading and one equation row per weight
        (``weight_row(layer, i, j, name)``) and per bias (``bias_row(layer, j, name)``)."""
        s, blocks = self.s, []
        for ly in reversed(self.step.layers):
            l = ly.index
            blocks.append(("subsection", self.t("Layer {l}", l=l)))
            rows = []
            for j in range(ly.n_out):
                rows += [weight_row(ly, i, j, s.var("w", l, i + 1, j + 1)) for i in range(ly.n_in)]
                if ly.bias is not None:
                    rows.append(bias_row(ly, j, s.var("b", l, j + 1)))
            blocks.append(("equations", rows))
        return blocks

    def update(self) -> list:
        s, st = self.s, self.step
        lr = f"{st.learning_rate:g}"
        blocks = [
            (
                "section",
                self.t("5. Update: ")
                + _math(s, f"w {s.arrow} w - {s.eta}{s.mul}{s.d('w')}")
                + self.t(" with ")
                + _math(s, f"{s.eta} = {lr}"),
            )
        ]

        def weight_row(ly, i, j, w):
            step = f"{s.num(ly.weights[i, j])} - {lr}{s.mul}{s.pnum(ly.grad_weights[i, j])}"
            return (w, [step, s.num(ly.new_weights[i, j])], s.arrow)

        def bias_row(ly, j, b):
            step = f"{s.num(ly.bias[j])} - {lr}{s.mul}{s.pnum(ly.grad_bias[j])}"
            return (b, [step, s.num(ly.new_bias[j])], s.arrow)

        return blocks + self._per_layer(weight_row, bias_row)

    def check(self) -> list:
        st = self.step
        message = (
            "The loss on this batch goes down: {before} before the step, {after} after it."
            if st.loss_after < st.loss
            else "The loss on this batch goes up (the learning rate may be too large): {before} before the step, "
            "{after} after it."
        )
        return [
            ("section", self.t("Check")),
            ("paragraph", self.t(message, before=self.s.num(st.loss), after=self.s.num(st.loss_after))),
        ]


FORMATS = ("text", "markdown")


def render(step, format: str = "text", digits: int = 6, lang: str | None = "en") -> str:
    """The step written out for a reader.

    Parameters
    ----------
    step : bpnn.explain.TrainingStep
        From :meth:`bpnn.Network.explain`.
    format : {"text", "markdown"}, default="text"
        Plain text for a terminal, or Markdown with LaTeX formulas.
    digits : int, default=6
        Decimals of every number.
    lang : {"en", "zh"} or None, default="en"
        The language of the words (the numbers and formulas are the same in both);
        ``None`` follows the locale (:func:`bpnn.explain.i18n.language`).

    Returns
    -------
    str
    """
    if format not in FORMATS:
        raise ValueError(f"The 'format' parameter must be one of {list(FORMATS)}; got {format!r}.")
    if isinstance(digits, bool) or not isinstance(digits, (int, np.integer)) or not 0 <= digits <= 17:
        raise ValueError(f"The 'digits' parameter must be an int from 0 to 17; got {digits!r}.")
    style = (_Text if format == "text" else _Markdown)(int(digits), lang)
    return style.document(_Writer(step, style).blocks())


__all__ = ["render", "FORMATS", "EXPAND_MAX"]
