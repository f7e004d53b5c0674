"""Update sections: the gradients, the gradient-descent step and the check that the loss went down."""

from __future__ import annotations

from bpnn.explain._style import (
    EXPAND_SAMPLES,
    _math,
)


class _UpdateSections:
    """The update sections of :class:`bpnn.explain.render._Writer` (a mixin: it reads the
    step record ``self.step``, the style ``self.s`` and the sizes ``self.m``, ``self.L``)."""

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
