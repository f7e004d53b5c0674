"""Seed 002's worked example: a 2-2-2 sigmoid network by hand, iteration 1 number by number."""

from __future__ import annotations

import numpy as np

from bpnn.core.gradcheck import gradcheck, numerical_gradients
from bpnn.core.layers import Dense
from bpnn.core.network import Network
from bpnn.demos._common import (
    _announce,
    _Pictures,
    _result,
)
from bpnn.explain.i18n import Translator
from bpnn.training.loop import Callback

WORKED_X = np.array([[0.10, 0.88]])
WORKED_Y = np.array([[0.55, 1.0]])

#: The first iteration as seed 002 prints it (6 decimals).
BLOG_ITERATION_1 = {
    "h_in_1": 0.980000,
    "h_in_2": 0.980000,
    "h_out_1": 0.727108,
    "h_out_2": 0.727108,
    "o_in_1": 1.454216,
    "o_in_2": 1.454216,
    "o_out_1": 0.810646,
    "o_out_2": 0.810646,
    "lost": 0.051896,
    "diff_w5": 0.029091,
    "diff_w6": 0.029091,
    "diff_w7": -0.021134,
    "diff_w8": -0.021134,
    "diff_w1": 0.000217,
    "diff_w2": 0.001911,
    "diff_w3": 0.000217,
    "diff_w4": 0.001911,
    "update_w5": 0.985455,
    "update_w6": 0.985455,
    "update_w7": 1.010567,
    "update_w8": 1.010567,
    "update_w1": 0.999891,
    "update_w2": 0.999045,
    "update_w3": 0.999891,
    "update_w4": 0.999045,
}

#: The loss seed 002 publishes after 10, 100 and 1000 iterations, and its outputs after 1000.
BLOG_LATER_LOSS = {10: 0.0409254668911, 100: 0.00504936047507, 1000: 0.000467508796192}
BLOG_OUTPUTS_1000 = (0.55002398472, 0.969421952039)

#: The blog's w1..w8 as (layer, row, column) of bpnn's weight matrices: layer l computes
#: a @ W, so W[i, j] joins neuron i below to neuron j above (w_ij in textbook notation).
BLOG_WEIGHTS = {
    "w1": (0, 0, 0),
    "w2": (0, 1, 0),
    "w3": (0, 0, 1),
    "w4": (0, 1, 1),
    "w5": (1, 0, 0),
    "w6": (1, 1, 0),
    "w7": (1, 0, 1),
    "w8": (1, 1, 1),
}


def worked_example_network() -> Network:
    """Seed 002's 2-2-2 sigmoid network: no bias, every weight 1.0, loss 1/2 * sum (y - yhat)^2."""
    return Network(
        [
            Dense(2, 2, "sigmoid", weights=np.ones((2, 2)), use_bias=False),
            Dense(2, 2, "sigmoid", weights=np.ones((2, 2)), use_bias=False),
        ],
        loss="mse",
    )


def blog_lines_gradients(W1: np.ndarray, W2: np.ndarray, x=WORKED_X, y=WORKED_Y) -> tuple[np.ndarray, np.ndarray]:
    """dL/dW1, dL/dW2 as seed 002's ``diff_w1`` .. ``diff_w8`` lines compute them, slips included.

    The correct gradients are ``outer(h, d)`` for the output weights and
    ``outer(x, (W2 @ d) * h * (1 - h))`` for the hidden ones, with ``d = (o - y) o (1 - o)``.
    The blog's lines differ in two places:

    * ``diff_w3``/``diff_w4`` (into hidden neuron 2) use ``d_o2 * w6 + d_o1 * w8`` where the chain
      rule gives ``d_o1 * w6 + d_o2 * w8`` (w6 carries h2 to o1, w8 carries h2 to o2);
    * ``diff_w7``/``diff_w8`` multiply ``d_o2`` by ``h_out_2`` and ``h_out_1``, swapped
      (w7 carries h1 to o2, so its gradient is ``d_o2 * h_out_1``).
    """
    sig = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    h = sig(x[0] @ W1)
    o = sig(h @ W2)
    d = (o - y[0]) * o * (1.0 - o)
    dW2 = np.outer(h, d)
    dW2[:, 1] = d[1] * h[::-1]  # the swapped h in diff_w7, diff_w8
    e = W2 @ d  # hidden errors, correct ...
    e[1] = W2[1, 0] * d[1] + W2[1, 1] * d[0]  # ... but not for hidden neuron 2
    dW1 = np.outer(x[0], e * h * (1.0 - h))
    return dW1, dW2


class _Checkpoints(Callback):
    """At the start of the chosen epochs: the loss, the outputs and a gradient check."""

    def __init__(self, epochs, X, Y):
        self.epochs, self.X, self.Y = set(epochs), X, Y
        self.values: dict[int, dict] = {}

    def on_epoch_begin(self, epoch, logs=None):
        if epoch in self.epochs:
            net = self.network
            self.values[epoch] = {
                "loss": net.loss(self.X, self.Y),
                "outputs": net.predict(self.X)[0].tolist(),
                "gradcheck": gradcheck(net, self.X, self.Y),
            }


def _run_blog_lines(iterations: int, learning_rate: float, checkpoints) -> tuple[list, dict]:
    """Seed 002's loop with its own derivative lines: the loss of every iteration, and
    (loss, outputs) at the checkpoints, each from the iteration's forward pass."""
    net = worked_example_network()
    W = [np.ones((2, 2)), np.ones((2, 2))]
    losses, at = [], {}
    for k in range(1, iterations + 1):
        net.set_weights(W)
        losses.append(net.loss(WORKED_X, WORKED_Y))
        if k in checkpoints:
            at[k] = (losses[-1], net.predict(WORKED_X)[0].tolist())
        for w, g in zip(W, blog_lines_gradients(*W)):
            w -= learning_rate * g
    return losses, at


def _blog_names(step) -> dict:
    """The record of one explained step under the blog's variable names."""
    h, o = step.layers
    names = {
        "h_in_1": h.z[0, 0],
        "h_in_2": h.z[0, 1],
        "h_out_1": h.a[0, 0],
        "h_out_2": h.a[0, 1],
        "o_in_1": o.z[0, 0],
        "o_in_2": o.z[0, 1],
        "o_out_1": o.a[0, 0],
        "o_out_2": o.a[0, 1],
        "lost": step.loss,
    }
    for kind, attr in (("diff", "grad_weights"), ("update", "new_weights")):
        for w in ("w5", "w6", "w7", "w8", "w1", "w2", "w3", "w4"):
            layer, i, j = BLOG_WEIGHTS[w]
            names[f"{kind}_{w}"] = getattr(step.layers[layer], attr)[i, j]
    return {k: float(v) for k, v in names.items()}


#: Why seed 002's figures after iteration 1 are not those of gradient descent (one message, several lines).
WHY_BLOG_DIFFERS = (
    "  Its diff_w3/diff_w4 lines give hidden neuron 2 the error δ_o2·w6 + δ_o1·w8; the chain rule gives\n"
    "  δ_o1·w6 + δ_o2·w8 (w6 carries h2 to o1, w8 carries h2 to o2). The two agree while w6 = w8, as in\n"
    "  iteration 1 (all weights 1.0), and part from iteration 2 on, once the update has made w6 ≠ w8.\n"
    "  Its diff_w7/diff_w8 lines also swap h_out_1 and h_out_2; that is harmless only while the two\n"
    "  hidden neurons are equal, which the correct gradient keeps forever (they start equal and\n"
    "  are updated alike), but the w3/w4 slip breaks, so in the blog's run both slips count."
)


def run_worked_example(
    *,
    epochs: int = 1000,
    learning_rate: float = 0.5,
    out_dir=None,
    echo=print,
    progress: str = "auto",
    lang: str | None = "en",
) -> dict:
    """Seed 002: the first iteration quantity by quantity, then iterations 10, 100, 1000.

    ``epochs`` is the number of iterations (one full-batch update of the single sample each).
    ``progress`` is accepted for a uniform interface; this run is too short to need a bar.
    ``lang`` is the language of the printed words (``"en"``, ``"zh"``, or ``None`` for the locale).
    """
    t = Translator(lang)
    pictures = _Pictures(out_dir, echo, t)
    net = worked_example_network()
    X, Y = WORKED_X, WORKED_Y
    step = net.explain(X, Y, learning_rate)
    ours = _blog_names(step)
    is_blog_rate = learning_rate == 0.5

    _announce(echo, t, "002")
    echo(t("Its worked example: 2-2-2 sigmoid network, no bias, all weights 1.0,"))
    echo(t("x = (0.10, 0.88), target (0.55, 1.0), loss ½Σ(y - o)², learning rate {lr:g}.", lr=learning_rate))
    echo(t("bpnn's names: w1 = w_11^[1], w2 = w_21^[1], w3 = w_12^[1], w4 = w_22^[1] (input → hidden),"))
    echo(t("              w5 = w_11^[2], w6 = w_21^[2], w7 = w_12^[2], w8 = w_22^[2] (hidden → output)."))
    echo("")
    echo(
        t("Iteration 1, in the blog's order (the blog's printed value on the right):")
        if is_blog_rate
        else t("Iteration 1, in the blog's order:")
    )
    matches = 0
    for name, value in ours.items():
        line = f"  {name:<10} = {value: .6f}"
        if is_blog_rate:
            blog = BLOG_ITERATION_1[name]
            ok = f"{value:.6f}" == f"{blog:.6f}"
            matches += ok
            line += t("    blog {blog: .6f}  same" if ok else "    blog {blog: .6f}  DIFFERENT", blog=blog)
        echo(line)
    if is_blog_rate:
        echo(t("  {matches} of {n} quantities agree with the blog to 6 decimals.", matches=matches, n=len(ours)))
    echo(
        t(
            "  (`bpnn explain --layers 2,2,2 --weights 1 --no-bias --inputs 0.1,0.88 --targets 0.55,1` "
            "shows the same step with every formula.)"
        )
    )

    # The values the blog prints for iteration k come from that iteration's forward pass,
    # before its update: for the engine, at the beginning of epoch k.
    checkpoints = sorted({k for k in (1, 10, 100, 1000) if k <= epochs} | {epochs})
    watch = _Checkpoints(checkpoints, X, Y)
    correct_losses = net.fit(X, Y, epochs=epochs, learning_rate=learning_rate, callbacks=[watch])["loss"]
    blog_losses, blog_at = _run_blog_lines(epochs, learning_rate, checkpoints)
    rows = [
        {
            "iteration": k,
            **watch.values[k],
            "blog_lines_loss": blog_at[k][0],
            "blog_lines_outputs": blog_at[k][1],
            "blog_published_loss": BLOG_LATER_LOSS.get(k) if is_blog_rate else None,
        }
        for k in checkpoints
    ]

    echo("")
    echo(
        t("Later iterations (values from the forward pass of iteration k, before its update, as the blog prints them):")
    )
    echo(
        f"  {'k':>5}  {t('loss (correct)'):>15}  {t('outputs (correct)'):>22}  {'gradcheck':>9}  "
        f"{t('blog lines re-run'):>17}  {t('blog published'):>15}"
    )
    for r in rows:
        pub = r["blog_published_loss"]
        echo(
            f"  {r['iteration']:>5}  {r['loss']:>15.10f}  ({r['outputs'][0]:.6f}, {r['outputs'][1]:.6f})  "
            f"{r['gradcheck']:>9.1e}  {r['blog_lines_loss']:>17.10f}  {'' if pub is None else f'{pub:.10f}':>15}"
        )

    # where the blog's gradient first goes wrong: iteration 2, compared with finite differences
    net2 = worked_example_network()
    net2.fit(X, Y, epochs=1, learning_rate=learning_rate)
    W1, W2 = (layer.weights for layer in net2.layers)
    blog_dW1, blog_dW2 = blog_lines_gradients(W1, W2)
    num_dW1, num_dW2 = numerical_gradients(net2, X, Y)
    wrong = {}
    for w, (layer, i, j) in BLOG_WEIGHTS.items():
        blog_g = (blog_dW1, blog_dW2)[layer][i, j]
        num_g = (num_dW1, num_dW2)[layer][i, j]
        if abs(blog_g - num_g) > 1e-9 * max(abs(num_g), 1e-12):
            wrong[w] = (float(blog_g), float(num_g))
    echo("")
    echo(t("Why the blog's later figures differ:"))
    for line in t(WHY_BLOG_DIFFERS).splitlines():
        echo(line)
    if wrong:
        echo(t("  At iteration 2, the blog's lines against finite differences:"))
        for w, (b, n) in wrong.items():
            echo(t("    ∂L/∂{w}: blog {blog: .9f}, finite differences {numeric: .9f}", w=w, blog=b, numeric=n))
    if is_blog_rate and rows and rows[-1]["iteration"] == 1000:
        last = rows[-1]
        echo(t("  Re-running the blog's lines as written reproduces its published figures:"))
        echo(
            t(
                "    loss {loss:.12f} at iteration 1000, outputs {o1:.11f}, {o2:.12f}",
                loss=last["blog_lines_loss"],
                o1=last["blog_lines_outputs"][0],
                o2=last["blog_lines_outputs"][1],
            )
        )
        echo(
            t(
                "    (published: {loss}, outputs {o1}, {o2});",
                loss=BLOG_LATER_LOSS[1000],
                o1=BLOG_OUTPUTS_1000[0],
                o2=BLOG_OUTPUTS_1000[1],
            )
        )
        echo(
            t(
                "  the correct gradient gives loss {loss:.12f}, outputs {o1:.11f}, {o2:.12f}.",
                loss=last["loss"],
                o1=last["outputs"][0],
                o2=last["outputs"][1],
            )
        )

    if pictures:
        from bpnn.plots import plot_history

        pictures.save(
            plot_history,
            "loss",
            {"correct_loss": correct_losses, "blog_loss": blog_losses},
            title="Seed 002: loss per iteration, correct gradient vs the blog's lines",
        )
    settings = {"epochs": epochs, "learning_rate": learning_rate}
    results = {
        "iteration_1": ours,
        "iteration_1_matches_blog": matches if is_blog_rate else None,
        "checkpoints": rows,
        "blog_wrong_at_iteration_2": wrong,
        "final_loss": float(net.loss(X, Y)),
        "final_outputs": net.predict(X)[0].tolist(),
    }
    return _result("worked-example", "002", settings, results, pictures, net)


# ===================================================================================
# seed 000: XOR
# ===================================================================================
