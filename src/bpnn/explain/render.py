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

import numpy as np

from bpnn.explain._backward import _BackwardSections
from bpnn.explain._forward import _ForwardSections
from bpnn.explain._style import (  # noqa: F401 (EXPAND_MAX and EXPAND_SAMPLES are documented here)
    EXPAND_MAX,
    EXPAND_SAMPLES,
    _Markdown,
    _math,
    _Text,
)
from bpnn.explain._update import _UpdateSections


class _Writer(_ForwardSections, _BackwardSections, _UpdateSections):
    """Builds the blocks of the document from a step record, in one style; each section's
    methods are in a module of their own (``_forward``, ``_backward``, ``_update``)."""

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
