"""Backward sections: every delta, layer by layer, with the rule that forms it."""

from __future__ import annotations

from bpnn.explain._style import (
    _FUSED_WHY,
    EXPAND_MAX,
    _math,
)


class _BackwardSections:
    """The backward sections of :class:`bpnn.explain.render._Writer` (a mixin: it reads the
    step record ``self.step``, the style ``self.s`` and the sizes ``self.m``, ``self.L``)."""

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
