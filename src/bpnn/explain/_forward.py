"""Forward sections: the weighted sums, the activations and the loss, with its gradient."""

from __future__ import annotations

from bpnn.explain._style import (
    EXPAND_MAX,
    _Markdown,
)


class _ForwardSections:
    """The forward sections of :class:`bpnn.explain.render._Writer` (a mixin: it reads the
    step record ``self.step``, the style ``self.s`` and the sizes ``self.m``, ``self.L``)."""

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
