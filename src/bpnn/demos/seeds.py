"""The seed experiments, one function each, as ``bpnn demo NAME`` runs them.

Every demo function takes keyword arguments (its hyperparameters, ``out_dir`` for
pictures, ``echo`` for its printed lines and ``progress`` for the training progress
mode) and returns a dict::

    {"demo": name, "seed_document": "004", "settings": {...}, "results": {...},
     "files": [paths of the pictures written], "network": the trained Network}

Everything but ``"network"`` is JSON-ready (``bpnn demo NAME --json`` prints it).

============== ====== ===============================================================
name           seed   what it runs
============== ====== ===============================================================
worked-example 002    2-2-2 sigmoid net by hand: the first iteration number by number
xor            000    2-3-1 sigmoid, MSE, full batch on XOR
binary         003    2-2-1, ReLU hidden, sigmoid output, cross-entropy, full batch
moons          004    2-25-50-25-2 sigmoid, MSE on one-hot targets, one sample at a time
sine           004'   1-10-2 regression of (sin x, 1), identity output
digits         004'   64-64-10 softmax classifier of scikit-learn's 8x8 digits (or MNIST)
============== ====== ===============================================================

Pictures are drawn only when ``out_dir`` is given, through :mod:`bpnn.plots`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bpnn.core import initializers
from bpnn.core.gradcheck import gradcheck, numerical_gradients
from bpnn.core.layers import Dense, Layer
from bpnn.core.network import Network, NeuralNetwork
from bpnn.demos.progress import TrainingProgress
from bpnn.explain.i18n import Translator
from bpnn.training.loop import Callback


def _quiet(_line: str) -> None:
    pass


class _Pictures:
    """Saves plots into ``out_dir`` (if any) and remembers and announces each path."""

    def __init__(self, out_dir, echo, t=None):
        self.dir = None if out_dir is None else Path(out_dir)
        self.echo = echo
        self.t = t or Translator("en")
        self.files: list[str] = []
        if self.dir is not None:
            try:
                self.dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ValueError(f"cannot create the --out folder {str(self.dir)!r}: {exc.strerror}") from None
            if not os.access(self.dir, os.W_OK):
                raise ValueError(f"cannot write to the --out folder {str(self.dir)!r}")

    def __bool__(self) -> bool:
        return self.dir is not None

    def save(self, plot: Callable, name: str, *args, suffixes: Sequence[str] = (".png",), **kwargs) -> None:
        for suffix in suffixes:
            path = plot(*args, path=self.dir / (name + suffix), **kwargs)
            self.files.append(str(path))
            self.echo(self.t("saved {path}", path=path))


def _result(name, seed_document, settings, results, pictures, network) -> dict:
    return {
        "demo": name,
        "seed_document": seed_document,
        "settings": settings,
        "results": results,
        "files": list(pictures.files),
        "network": network,
    }


def _check_hidden(hidden, name: str = "hidden") -> tuple[int, ...]:
    hidden = tuple(hidden)
    if not hidden or not all(isinstance(h, (int, np.integer)) and not isinstance(h, bool) and h >= 1 for h in hidden):
        raise ValueError(f"The '{name}' parameter must be a non-empty list of layer widths >= 1; got {hidden!r}.")
    return tuple(int(h) for h in hidden)


def _dense_stack(n_in, hidden, n_out, activation, output_activation, init=None, layer_class=Dense):
    sizes = [n_in, *hidden, n_out]
    kwargs = {} if init is None else {"init": init}
    return [
        layer_class(a, b, activation if i < len(hidden) else output_activation, **kwargs)
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))
    ]


def _accuracy(scores: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows whose class (argmax, or a 0.5 threshold for one column) equals ``labels``."""
    predicted = (scores[:, 0] >= 0.5).astype(int) if scores.shape[1] == 1 else scores.argmax(axis=1)
    return float(np.mean(predicted == labels))


#: The five seed articles (Chinese blog posts) the demos reproduce, by their titles.
SEED_TITLES = {
    "000": "BP神经网络训练算法源代码是如何实现的?",
    "001": "如何掌握反向传播网络的玩法?",
    "002": "BP神经网络计算过程详解,算一遍弄懂反向传播--Python计算过程",
    "003": "神经网络和反向传播算法快速入门",
    "004": "numpy实现神经网络反向传播算法的步骤",
}


def _announce(echo, t, seed_document: str) -> None:
    """The first line of a demo: which article it reproduces, by its title."""
    echo(t("Seed article {number}: 《{title}》", number=seed_document, title=SEED_TITLES[seed_document]))


def _mode(t, batch_size) -> str:
    """How the samples are fed, in words."""
    if batch_size == 1:
        return t("one sample at a time")
    return t("full batch") if batch_size is None else t("batches of {n}", n=batch_size)


def _opening(t, template: str, *, sizes=(), batch_size=None, learning_rate=None, epochs=None, seed=None, **more):
    """A demo's opening sentence: ``template`` filled with the layer sizes (``2-25-50-25-2``), the
    batching mode, the learning rate, the epochs and the seed, and any ``more`` fields."""
    return t(
        template,
        sizes="-".join(map(str, sizes)),
        mode=_mode(t, batch_size),
        lr=learning_rate,
        epochs=epochs,
        seed=seed,
        **more,
    )


def _progress(t, epochs: int, template: str, fields: dict, **options) -> TrainingProgress:
    """The progress line of a demo: ``template`` with the epoch (``e`` of ``n``, ``w`` wide) and each
    ``fields`` name filled from the logged value it names."""

    def line(e, n, logged):
        return t(template, e=e, w=len(str(n)), n=n, **{name: logged[key] for name, key in fields.items()})

    return TrainingProgress(epochs, format_line=line, **options)


def _settings(epochs, learning_rate, hidden, activation, batch_size, seed, **more) -> dict:
    """The settings a demo reports (its ``settings`` entry)."""
    return {
        "epochs": epochs,
        "learning_rate": learning_rate,
        "hidden": list(hidden),
        "activation": activation,
        "batch_size": batch_size,
        "seed": seed,
        **more,
    }


def _epoch_line(t, name: str = "loss"):
    """A progress line ``epoch e/n  loss x`` in the chosen language."""
    return lambda e, n, f: t("epoch {e:>{w}}/{n}  " + name + " {value:.6f}", e=e, w=len(str(n)), n=n, value=f[name])


# ===================================================================================
# seed 002: the worked example
# ===================================================================================

#: Seed 002's network: x, target, all eight weights 1.0, no bias, learning rate 0.5.
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

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=float)


def run_xor(
    *,
    epochs: int = 5000,
    learning_rate: float = 2.0,
    hidden=(3,),
    activation: str = "sigmoid",
    batch_size: int | None = None,
    seed: int = 0,
    out_dir=None,
    echo=print,
    progress: str = "auto",
    lang: str | None = "en",
) -> dict:
    """Seed 000: a 2-3-1 sigmoid network learns XOR by full-batch gradient descent on the MSE.

    Weights start from a standard normal (seed 000's ``randn``), biases at zero. Seed 000's
    own settings (learning rate 0.1, 1000 epochs) leave the loss on its plateau near 0.125;
    these defaults solve it.
    """
    hidden = _check_hidden(hidden)
    t = Translator(lang)
    pictures = _Pictures(out_dir, echo, t)
    net = Network(
        _dense_stack(2, hidden, 1, activation, "sigmoid", init=initializers.Normal(1.0)), loss="mse", seed=seed
    )
    _announce(echo, t, "000")
    opening = (
        "XOR with a {sizes} network ({activation} hidden, sigmoid output), MSE, {mode}, "
        "learning rate {lr:g}, {epochs} epochs, seed {seed}."
    )
    run = {"batch_size": batch_size, "learning_rate": learning_rate, "epochs": epochs, "seed": seed}
    echo(_opening(t, opening, sizes=(2, *hidden, 1), activation=activation, **run))
    prog = TrainingProgress(epochs, every=100, mode=progress, echo=echo, desc="xor", format_line=_epoch_line(t))
    history = net.fit(
        XOR_X, XOR_Y, epochs=epochs, learning_rate=learning_rate, batch_size=batch_size, seed=seed, callbacks=[prog]
    )
    out = net.predict(XOR_X)[:, 0]
    correct = int(np.sum((out >= 0.5) == (XOR_Y[:, 0] >= 0.5)))
    echo("")
    for x, target, o in zip(XOR_X, XOR_Y[:, 0], out):
        line = "  {a} xor {b} = {target}   network {o:.4f}  " + ("right" if (o >= 0.5) == target else "WRONG")
        echo(t(line, a=int(x[0]), b=int(x[1]), target=int(target), o=o))
    echo(t("{correct}/4 correct, final loss {loss:.6f}", correct=correct, loss=history["loss"][-1]))
    if pictures:
        from bpnn.plots import plot_decision_boundary, plot_history

        pictures.save(
            plot_decision_boundary,
            "decision_boundary",
            net.predict,
            XOR_X,
            XOR_Y[:, 0].astype(int),
            title="XOR: output of the trained network",
            margin=0.25,
        )
        pictures.save(plot_history, "loss", history, title="XOR: loss per epoch")
    settings = _settings(epochs, learning_rate, hidden, activation, batch_size, seed)
    results = {
        "correct": correct,
        "outputs": out.tolist(),
        "final_loss": history["loss"][-1],
        "loss_every_100": prog.log.get("loss", []),
    }
    return _result("xor", "000", settings, results, pictures, net)


# ===================================================================================
# seed 003: 2-2-1 binary classifier
# ===================================================================================


def binary_data(n_samples: int = 400, random_state: int = 3):
    """Two overlapping Gaussian blobs around (-1, -1) and (1, 1) (std 0.8), split 70/30.

    Returns ``X_train, X_test, y_train, y_test`` with integer labels 0/1.
    """
    from sklearn.datasets import make_blobs
    from sklearn.model_selection import train_test_split

    X, y = make_blobs(
        n_samples=n_samples, centers=[(-1.0, -1.0), (1.0, 1.0)], cluster_std=0.8, random_state=random_state
    )
    return train_test_split(X, y, test_size=0.3, random_state=42)


def run_binary(
    *,
    epochs: int = 10000,
    learning_rate: float = 0.01,
    hidden=(2,),
    activation: str = "relu",
    batch_size: int | None = None,
    seed: int = 0,
    n_samples: int = 400,
    out_dir=None,
    echo=print,
    progress: str = "auto",
    lang: str | None = "en",
) -> dict:
    """Seed 003: 2-2-1, ReLU hidden, sigmoid output, binary cross-entropy, full batch.

    Seed 003's settings: weights ``0.01 * randn``, zero biases, learning rate 0.01, 10000
    iterations, the cost printed every 1000. The data are two overlapping blobs
    (:func:`binary_data`), so about 5% of the points cannot be separated by any line.
    """
    hidden = _check_hidden(hidden)
    t = Translator(lang)
    pictures = _Pictures(out_dir, echo, t)
    X_train, X_test, y_train, y_test = binary_data(n_samples)
    net = Network(
        _dense_stack(2, hidden, 1, activation, "sigmoid", init=initializers.Normal(0.01)),
        loss="binary_crossentropy",
        seed=seed,
    )
    _announce(echo, t, "003")
    echo(
        t(
            "A {sizes} network ({activation} hidden, sigmoid output), binary cross-entropy, on two blobs "
            "({n_train} training and {n_test} test points),",
            sizes="-".join(map(str, (2, *hidden, 1))),
            activation=activation,
            n_train=len(X_train),
            n_test=len(X_test),
        )
    )
    run = {"batch_size": batch_size, "learning_rate": learning_rate, "epochs": epochs, "seed": seed}
    echo(_opening(t, "{mode}, learning rate {lr:g}, {epochs} iterations, seed {seed}.", **run))
    line = "iteration {e:>{w}}/{n}  cost {cost:.6f}"
    prog = _progress(t, epochs, line, {"cost": "loss"}, every=1000, mode=progress, echo=echo, desc="binary")
    history = net.fit(
        X_train,
        y_train[:, None],
        epochs=epochs,
        learning_rate=learning_rate,
        batch_size=batch_size,
        seed=seed,
        callbacks=[prog],
    )
    train_acc = _accuracy(net.predict(X_train), y_train)
    test_acc = _accuracy(net.predict(X_test), y_test)
    echo(
        t(
            "final cost {cost:.6f}, training accuracy {train:.2%}, test accuracy {test:.2%}",
            cost=history["loss"][-1],
            train=train_acc,
            test=test_acc,
        )
    )
    if pictures:
        from bpnn.plots import plot_dataset, plot_decision_boundary, plot_history

        pictures.save(
            plot_dataset,
            "dataset",
            np.vstack([X_train, X_test]),
            np.concatenate([y_train, y_test]),
            title="Seed 003: two-feature binary data",
        )
        pictures.save(
            plot_decision_boundary,
            "decision_boundary",
            net.predict,
            X_test,
            y_test,
            title=f"2-2-1 classifier, test accuracy {test_acc:.1%}",
        )
        pictures.save(plot_history, "cost", history, title="Cost per iteration")
    settings = _settings(epochs, learning_rate, hidden, activation, batch_size, seed, n_samples=n_samples)
    results = {
        "final_cost": history["loss"][-1],
        "train_accuracy": train_acc,
        "test_accuracy": test_acc,
        "cost_every_1000": prog.log.get("loss", []),
    }
    return _result("binary", "003", settings, results, pictures, net)


# ===================================================================================
# seed 004: two moons
# ===================================================================================


def moons_data(n_samples: int = 2000):
    """Seed 004's data: ``make_moons(2000, noise=0.2, random_state=100)``, 70/30 split with ``random_state=42``."""
    from sklearn.datasets import make_moons
    from sklearn.model_selection import train_test_split

    X, y = make_moons(n_samples=n_samples, noise=0.2, random_state=100)
    return (X, y, *train_test_split(X, y, test_size=0.3, random_state=42))


def run_moons(
    *,
    epochs: int = 1000,
    learning_rate: float = 0.01,
    hidden=(25, 50, 25),
    activation: str = "sigmoid",
    batch_size: int | None = 1,
    seed: int = 0,
    n_samples: int = 2000,
    every: int = 10,
    out_dir=None,
    echo=print,
    progress: str = "auto",
    lang: str | None = "en",
) -> dict:
    """Seed 004: the 2-25-50-25-2 sigmoid network on two moons, one sample at a time.

    As seed 004: seed 004's initial weights (``randn * sqrt(1/n_out)``, biases in
    [0, 0.1)), MSE against one-hot targets, the training samples visited in order,
    and every ``every`` epochs the MSE ``mean((y_onehot - output)**2)`` over the
    training set and the accuracy on the test set.
    """
    hidden = _check_hidden(hidden)
    t = Translator(lang)
    pictures = _Pictures(out_dir, echo, t)
    X, y, X_train, X_test, y_train, y_test = moons_data(n_samples)
    Y_train = np.eye(2)[y_train]
    net = NeuralNetwork(seed=seed)
    for layer in _dense_stack(2, hidden, 2, activation, "sigmoid", layer_class=Layer):
        net.add_layer(layer)
    _announce(echo, t, "004")
    echo(
        t(
            "A {sizes} network ({activation} hidden, sigmoid output), MSE on one-hot targets, "
            "on make_moons({n}, noise=0.2)",
            sizes="-".join(map(str, (2, *hidden, 2))),
            activation=activation,
            n=n_samples,
        )
    )
    run = {"batch_size": batch_size, "learning_rate": learning_rate, "epochs": epochs, "seed": seed}
    sizes = "({n_train} training, {n_test} test points), {mode}, learning rate {lr:g}, {epochs} epochs, seed {seed}."
    echo(_opening(t, sizes, n_train=len(X_train), n_test=len(X_test), **run))

    def evaluate(epoch, logs):
        mse = float(np.mean(np.square(Y_train - net.predict(X_train))))  # seed 004's printed MSE
        return {"mse": mse, "test_accuracy": _accuracy(net.predict(X_test), y_test)}

    line = "epoch {e:>{w}}/{n}  MSE {mse:.6f}  test accuracy {test:.2%}"
    fields = {"mse": "mse", "test": "test_accuracy"}
    prog = _progress(t, epochs, line, fields, every=every, evaluate=evaluate, mode=progress, echo=echo, desc="moons")
    net.fit(
        X_train,
        Y_train,
        epochs=epochs,
        learning_rate=learning_rate,
        batch_size=batch_size,
        shuffle=False,
        seed=seed,
        callbacks=[prog],
    )
    test_acc = _accuracy(net.predict(X_test), y_test)
    mse = prog.log["mse"][-1]
    echo(t("final MSE {mse:.6f}, test accuracy {test:.2%}", mse=mse, test=test_acc))
    if pictures:
        from bpnn.plots import plot_dataset, plot_decision_boundary, plot_history

        pictures.save(
            plot_dataset,
            "dataset",
            X,
            y,
            suffixes=(".png", ".svg"),
            title="Classification dataset (make_moons, 2000 points)",
        )
        pictures.save(
            plot_decision_boundary,
            "decision_boundary",
            net.predict,
            X_test,
            y_test,
            suffixes=(".png", ".svg"),
            title=f"Decision boundary, test accuracy {test_acc:.1%}",
        )
        pictures.save(
            plot_history,
            "history",
            {"epoch": prog.log["epoch"], "loss": prog.log["mse"], "test_accuracy": prog.log["test_accuracy"]},
            title="MSE (training) and accuracy (test)",
        )
    settings = _settings(epochs, learning_rate, hidden, activation, batch_size, seed, n_samples=n_samples)
    results = {"test_accuracy": test_acc, "final_mse": mse, "log": {k: list(v) for k, v in prog.log.items()}}
    return _result("moons", "004", settings, results, pictures, net)


# ===================================================================================
# seed 004's related article: regression of (sin x, 1)
# ===================================================================================


def sine_data(n_train: int = 10000, n_test: int = 1000, random_state: int = 0):
    """x uniform in [-pi, pi]; targets (sin x, 1). Returns ``X_train, Y_train, X_test, Y_test``."""
    rng = np.random.default_rng(random_state)
    X_train = rng.uniform(-np.pi, np.pi, size=(n_train, 1))
    X_test = rng.uniform(-np.pi, np.pi, size=(n_test, 1))
    target = lambda x: np.hstack([np.sin(x), np.ones_like(x)])  # noqa: E731
    return X_train, target(X_train), X_test, target(X_test)


def run_sine(
    *,
    epochs: int = 100,
    learning_rate: float = 0.1,
    hidden=(10,),
    activation: str = "tanh",
    batch_size: int | None = 32,
    seed: int = 0,
    n_train: int = 10000,
    out_dir=None,
    echo=print,
    progress: str = "auto",
    lang: str | None = "en",
) -> dict:
    """A regression network: one input x in [-pi, pi], two outputs sin(x) and 1, identity output layer."""
    hidden = _check_hidden(hidden)
    t = Translator(lang)
    pictures = _Pictures(out_dir, echo, t)
    X_train, Y_train, X_test, Y_test = sine_data(n_train, random_state=seed)
    net = Network(_dense_stack(1, hidden, 2, activation, "identity"), loss="mse", seed=seed)
    echo(
        t(
            "Regression of (sin x, 1) for x uniform in [-π, π]: a {sizes} network ({activation} hidden, "
            "identity output), MSE,",
            sizes="-".join(map(str, (1, *hidden, 2))),
            activation=activation,
        )
    )
    run = {"batch_size": batch_size, "learning_rate": learning_rate, "epochs": epochs, "seed": seed}
    sizes = "{n_train} training and {n_test} test points, {mode}, learning rate {lr:g}, {epochs} epochs, seed {seed}."
    echo(_opening(t, sizes, n_train=len(X_train), n_test=len(X_test), **run))

    def evaluate(epoch, logs):
        return {"loss": logs["loss"], "test_rmse": float(np.sqrt(np.mean((net.predict(X_test) - Y_test) ** 2)))}

    line = "epoch {e:>{w}}/{n}  loss {loss:.6f}  test RMSE {rmse:.6f}"
    fields = {"loss": "loss", "rmse": "test_rmse"}
    prog = _progress(t, epochs, line, fields, every=10, evaluate=evaluate, mode=progress, echo=echo, desc="sine")
    net.fit(
        X_train, Y_train, epochs=epochs, learning_rate=learning_rate, batch_size=batch_size, seed=seed, callbacks=[prog]
    )
    pred = net.predict(X_test)
    rmse = float(np.sqrt(np.mean((pred - Y_test) ** 2)))
    rmse_each = np.sqrt(np.mean((pred - Y_test) ** 2, axis=0))
    echo(
        t(
            "test RMSE {rmse:.6f} (sin x: {sin:.6f}, constant 1: {one:.6f})",
            rmse=rmse,
            sin=rmse_each[0],
            one=rmse_each[1],
        )
    )
    if pictures:
        from bpnn.plots import plot_fit_1d, plot_history, plot_regression

        grid = np.linspace(-np.pi, np.pi, 400)[:, None]
        pictures.save(
            plot_fit_1d,
            "fit",
            grid,
            np.sin(grid),
            net.predict(grid)[:, 0],
            samples=(X_test[:200, 0], Y_test[:200, 0]),
            title=f"sin x: test RMSE {rmse_each[0]:.4f}",
        )
        pictures.save(plot_regression, "regression", Y_test[:, 0], pred[:, 0], title="sin x: output against target")
        pictures.save(
            plot_history, "history", {"epoch": prog.log["epoch"], "loss": prog.log["loss"]}, title="Training loss"
        )
    settings = _settings(epochs, learning_rate, hidden, activation, batch_size, seed, n_train=n_train)
    results = {
        "test_rmse": rmse,
        "test_rmse_sin": float(rmse_each[0]),
        "test_rmse_one": float(rmse_each[1]),
        "final_loss": prog.log["loss"][-1],
    }
    return _result("sine", "004 (related article)", settings, results, pictures, net)


# ===================================================================================
# seed 004's related article: handwritten digits
# ===================================================================================


def digits_data(data_dir=None, random_state: int = 42):
    """scikit-learn's 8x8 digits (pixels / 16, split 75/25, stratified), or MNIST from ``data_dir``.

    Returns ``X_train, X_test, y_train, y_test, image_shape, source``.
    """
    if data_dir is not None:
        from bpnn.io import load_mnist

        X_train, y_train, X_test, y_test = load_mnist(data_dir)
        for what, labels in (("training", y_train), ("test", y_test)):
            wrong = labels[(labels < 0) | (labels > 9)]
            if wrong.size:
                # a digit is 0..9: anything else would silently widen the network's output
                raise ValueError(
                    f"--data-dir {data_dir}: the {what} labels must be digits 0 to 9; "
                    f"{wrong.size} are not (first: {int(wrong[0])})"
                )
        return X_train, X_test, y_train, y_test, (28, 28), f"MNIST from {data_dir}"
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        digits.data / 16.0, digits.target, test_size=0.25, random_state=random_state, stratify=digits.target
    )
    return X_train, X_test, y_train, y_test, (8, 8), "scikit-learn's 8x8 digits"


def run_digits(
    *,
    epochs: int | None = None,
    learning_rate: float = 0.1,
    hidden=(64,),
    activation: str = "relu",
    batch_size: int | None = 32,
    seed: int = 0,
    data_dir=None,
    out_dir=None,
    echo=print,
    progress: str = "auto",
    lang: str | None = "en",
) -> dict:
    """Softmax + categorical cross-entropy on handwritten digits, plain SGD on mini-batches.

    ``epochs`` defaults to 50 on the 8x8 digits and 10 on MNIST.
    """
    hidden = _check_hidden(hidden)
    t = Translator(lang)
    pictures = _Pictures(out_dir, echo, t)
    X_train, X_test, y_train, y_test, shape, source = digits_data(data_dir)
    if epochs is None:
        epochs = 50 if data_dir is None else 10
    n_classes = int(max(y_train.max(), y_test.max())) + 1
    net = Network(
        _dense_stack(X_train.shape[1], hidden, n_classes, activation, "softmax"),
        loss="categorical_crossentropy",
        seed=seed,
    )
    source_words = t("scikit-learn's 8x8 digits") if data_dir is None else t("MNIST from {path}", path=data_dir)
    echo(
        t(
            "Digits: {source}, {n_train} training and {n_test} test images;",
            source=source_words,
            n_train=len(X_train),
            n_test=len(X_test),
        )
    )
    opening = (
        "a {sizes} network ({activation} hidden, softmax output), categorical cross-entropy, SGD on {mode}, "
        "learning rate {lr:g}, {epochs} epochs, seed {seed}."
    )
    run = {"batch_size": batch_size, "learning_rate": learning_rate, "epochs": epochs, "seed": seed}
    echo(_opening(t, opening, sizes=(X_train.shape[1], *hidden, n_classes), activation=activation, **run))
    Y_train = np.eye(n_classes)[y_train]

    def evaluate(epoch, logs):
        return {
            "loss": logs["loss"],
            "train_accuracy": _accuracy(net.predict(X_train), y_train),
            "test_accuracy": _accuracy(net.predict(X_test), y_test),
        }

    line = "epoch {e:>{w}}/{n}  loss {loss:.6f}  train accuracy {train:.2%}  test accuracy {test:.2%}"
    fields = {"loss": "loss", "train": "train_accuracy", "test": "test_accuracy"}
    every = 5 if data_dir is None else 1
    prog = _progress(t, epochs, line, fields, every=every, evaluate=evaluate, mode=progress, echo=echo, desc="digits")
    net.fit(
        X_train, Y_train, epochs=epochs, learning_rate=learning_rate, batch_size=batch_size, seed=seed, callbacks=[prog]
    )
    from sklearn.metrics import confusion_matrix

    predicted = net.predict(X_test).argmax(axis=1)
    test_acc = float(np.mean(predicted == y_test))
    cm = confusion_matrix(y_test, predicted, labels=list(range(n_classes)))
    echo(
        t(
            "test accuracy {test:.2%} ({wrong} of {n} test images wrong)",
            test=test_acc,
            wrong=int(np.sum(predicted != y_test)),
            n=len(y_test),
        )
    )
    echo(t("confusion matrix (rows: true digit, columns: predicted):"))
    echo("      " + " ".join(f"{j:>4}" for j in range(n_classes)))
    for i, row in enumerate(cm):
        echo(f"  {i:>2}  " + " ".join(f"{v:>4}" for v in row))
    if pictures:
        from bpnn.plots import plot_confusion_matrix, plot_digits, plot_history

        pictures.save(
            plot_confusion_matrix,
            "confusion_matrix",
            cm,
            list(range(n_classes)),
            title="Test confusion matrix",  # plot_confusion_matrix appends the accuracy
        )
        pictures.save(plot_digits, "misclassified", X_test, y_test, predicted, shape=shape)
        pictures.save(
            plot_history,
            "history",
            {k: prog.log[k] for k in ("epoch", "loss", "train_accuracy", "test_accuracy")},
            title="Loss and accuracy",
        )
    settings = _settings(epochs, learning_rate, hidden, activation, batch_size, seed, data=source)
    results = {
        "test_accuracy": test_acc,
        "train_accuracy": prog.log["train_accuracy"][-1],
        "confusion_matrix": cm.tolist(),
        "misclassified": int(np.sum(predicted != y_test)),
    }
    return _result("digits", "004 (related article)", settings, results, pictures, net)


# ===================================================================================
# the table the command line is built from
# ===================================================================================


@dataclass(frozen=True)
class Demo:
    """One demo: its function, its seed document, one line about it, and which overrides it takes."""

    run: Callable[..., dict]
    seed_document: str
    summary: str
    options: tuple = field(default=("epochs", "learning_rate", "hidden", "activation", "batch_size", "seed"))


DEMOS = {
    "worked-example": Demo(
        run_worked_example,
        "002",
        "seed 002's 2-2-2 network by hand: iteration 1 number by number, then 10, 100, 1000",
        ("epochs", "learning_rate"),
    ),
    "xor": Demo(run_xor, "000", "2-3-1 sigmoid network learns XOR (full batch, MSE)"),
    "binary": Demo(run_binary, "003", "2-2-1 ReLU/sigmoid classifier with cross-entropy on two blobs"),
    "moons": Demo(run_moons, "004", "2-25-50-25-2 sigmoid network on make_moons, one sample at a time"),
    "sine": Demo(run_sine, "004'", "1-10-2 regression of (sin x, 1) on [-π, π]"),
    "digits": Demo(run_digits, "004'", "softmax classifier of 8x8 handwritten digits (or MNIST with --data-dir)"),
}


def run_demo(name: str, **kwargs) -> dict:
    """Run the demo called ``name`` (see :data:`DEMOS`) with keyword overrides."""
    if name not in DEMOS:
        raise ValueError(f"Unknown demo {name!r}; choose one of {', '.join(DEMOS)}.")
    return DEMOS[name].run(**kwargs)


__all__ = [
    "DEMOS",
    "Demo",
    "run_demo",
    "run_worked_example",
    "run_xor",
    "run_binary",
    "run_moons",
    "run_sine",
    "run_digits",
    "worked_example_network",
    "blog_lines_gradients",
    "BLOG_ITERATION_1",
    "BLOG_LATER_LOSS",
    "BLOG_OUTPUTS_1000",
    "BLOG_WEIGHTS",
    "SEED_TITLES",
    "moons_data",
    "binary_data",
    "sine_data",
    "digits_data",
]
