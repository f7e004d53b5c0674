"""The words of bpnn's text output in English and Chinese; the numbers are never translated.

A message is its English text, a :meth:`str.format` template (``"Layer {l}"``); the Chinese
catalogue maps that text to a Chinese template with the same fields and the same format specs,
so both languages print the same numbers, formatted the same way. A message missing from the
catalogue falls back to English and is remembered in :data:`missing` (the tests check it stays
empty after every demo and ``bpnn explain`` have run in Chinese).

The language is ``"en"`` or ``"zh"``; :func:`language` picks it from an explicit choice, or
else from the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, the first one set, as gettext
reads them): a locale starting with ``zh`` means Chinese.

Examples
--------
>>> from bpnn.explain.i18n import Translator
>>> t = Translator("zh")
>>> t("Layer {l}", l=2)
'第 2 层'
>>> Translator("en")("Layer {l}", l=2)
'Layer 2'
"""

from __future__ import annotations

import os
from collections.abc import Mapping

LANGUAGES = ("en", "zh")

#: English messages the Chinese catalogue lacked when they were asked for (for the tests).
missing: set[str] = set()


def language(lang: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language to write in: ``lang`` if given, else the locale's (``"zh"`` or ``"en"``).

    Parameters
    ----------
    lang : {"en", "zh"} or None, default=None
        An explicit choice; ``None`` reads the locale from ``environ``.
    environ : mapping, optional
        The environment to read the locale from; default ``os.environ``.

    Returns
    -------
    str
        ``"en"`` or ``"zh"``.
    """
    if lang is not None:
        if lang not in LANGUAGES:
            raise ValueError(f"The 'lang' parameter must be one of {list(LANGUAGES)}; got {lang!r}.")
        return lang
    env = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


class Translator:
    """Turns an English message template into the chosen language and fills in its fields.

    Parameters
    ----------
    lang : {"en", "zh"} or None, default=None
        ``None`` follows the locale (see :func:`language`).
    """

    def __init__(self, lang: str | None = None):
        self.lang = language(lang)

    def __call__(self, message: str, **fields) -> str:
        template = message
        if self.lang == "zh":
            template = ZH.get(message, message)
            if message not in ZH:
                missing.add(message)
        return template.format(**fields) if fields else template

    def __repr__(self) -> str:
        return f"Translator({self.lang!r})"


#: English message -> Chinese message. The fields ({name}, {value:.6f}) must match exactly.
ZH: dict[str, str] = {
    # -- bpnn explain (explain/render.py) ------------------------------------------------
    "One step of backpropagation, written out": "反向传播的一步,逐项写出",
    "network": "网络",
    "loss": "损失",
    "update": "更新",
    "samples": "样本",
    "notation": "记号",
    "input": "输入",
    "target": "目标",
    "L2 penalty": "L2 惩罚",
    "L1 penalty": "L1 惩罚",
    "layer {l} {activation}": "第 {l} 层 {activation}",
    ", no biases": ",无偏置",
    " (each quantity shows one value per sample)": "(每个量按样本各给一个值)",
    "layer 0 is the input: ": "第 0 层即输入:",
    "layer l: ": "第 l 层:",
    " joins neuron i of layer l-1 to neuron j of layer l": " 连接第 l-1 层的神经元 i 与第 l 层的神经元 j",
    "the error of neuron j of layer l is ": "第 l 层神经元 j 的误差为 ",
    "1. Forward pass": "1. 前向传播",
    "Layer {l} (output, {n_in} → {n_out}, {activation})": "第 {l} 层(输出层,{n_in} → {n_out},{activation})",
    "Layer {l} (hidden, {n_in} → {n_out}, {activation})": "第 {l} 层(隐藏层,{n_in} → {n_out},{activation})",
    "2. Loss ({name})": "2. 损失({name})",
    "3. Backward pass: ": "3. 反向传播:",
    ", from the output down": ",从输出层往下",
    "Layer {l} (output): ": "第 {l} 层(输出层):",
    "Layer {l} (hidden): ": "第 {l} 层(隐藏层):",
    " (the loss and {name} combine: {why})": "(损失与 {name} 合并:{why})",
    "the identity's derivative is 1": "恒等函数的导数为 1",
    "σ'(z) = a(1 - a) cancels the cross-entropy's denominator a(1 - a)": (
        "σ'(z) = a(1 - a) 与交叉熵的分母 a(1 - a) 相消"
    ),
    "softmax's Jacobian and -y/a combine to a - y for targets summing to 1": (
        "目标之和为 1 时,softmax 的雅可比矩阵与 -y/a 合并为 a - y"
    ),
    ", with ": ",其中 ",
    "1 if z > 0, else 0": "z > 0 时为 1,否则为 0",
    "1 if z > 0, else the slope": "z > 0 时为 1,否则为斜率",
    "4. Gradients: ": "4. 梯度:",
    "Layer {l}": "第 {l} 层",
    "5. Update: ": "5. 更新:",
    " with ": ",",
    "Check": "检验",
    "The loss on this batch goes down: {before} before the step, {after} after it.": (
        "这批样本的损失下降了:更新前 {before},更新后 {after}。"
    ),
    "The loss on this batch goes up (the learning rate may be too large): {before} before the step, "
    "{after} after it.": "这批样本的损失上升了(学习率可能过大):更新前 {before},更新后 {after}。",
    # -- the demos (demos/seeds.py) ---------------------------------------------------------
    "Seed article {number}: 《{title}》": "种子文章 {number}:《{title}》",
    "saved {path}": "已保存 {path}",
    "one sample at a time": "每次一个样本",
    "full batch": "全批量",
    "batches of {n}": "每批 {n} 个样本",
    "epoch {e:>{w}}/{n}  loss {value:.6f}": "第 {e:>{w}}/{n} 轮  损失 {value:.6f}",
    # seed 002
    "Its worked example: 2-2-2 sigmoid network, no bias, all weights 1.0,": (
        "文中的手算例子:2-2-2 sigmoid 网络,无偏置,权重全为 1.0,"
    ),
    "x = (0.10, 0.88), target (0.55, 1.0), loss ½Σ(y - o)², learning rate {lr:g}.": (
        "x = (0.10, 0.88),目标 (0.55, 1.0),损失 ½Σ(y - o)²,学习率 {lr:g}。"
    ),
    "bpnn's names: w1 = w_11^[1], w2 = w_21^[1], w3 = w_12^[1], w4 = w_22^[1] (input → hidden),": (
        "bpnn 的记号:w1 = w_11^[1],w2 = w_21^[1],w3 = w_12^[1],w4 = w_22^[1](输入层 → 隐藏层),"
    ),
    "              w5 = w_11^[2], w6 = w_21^[2], w7 = w_12^[2], w8 = w_22^[2] (hidden → output).": (
        "             w5 = w_11^[2],w6 = w_21^[2],w7 = w_12^[2],w8 = w_22^[2](隐藏层 → 输出层)。"
    ),
    "Iteration 1, in the blog's order (the blog's printed value on the right):": (
        "第 1 次迭代,按原文的顺序(右边是原文打印的值):"
    ),
    "Iteration 1, in the blog's order:": "第 1 次迭代,按原文的顺序:",
    "    blog {blog: .6f}  same": "    原文 {blog: .6f}  相同",
    "    blog {blog: .6f}  DIFFERENT": "    原文 {blog: .6f}  不同",
    "  {matches} of {n} quantities agree with the blog to 6 decimals.": (
        "  {n} 个量中有 {matches} 个与原文在 6 位小数上一致。"
    ),
    "  (`bpnn explain --layers 2,2,2 --weights 1 --no-bias --inputs 0.1,0.88 --targets 0.55,1` "
    "shows the same step with every formula.)": (
        "  (`bpnn explain --layers 2,2,2 --weights 1 --no-bias --inputs 0.1,0.88 --targets 0.55,1 --lang zh` "
        "把同一步连同每个公式写出来。)"
    ),
    "Later iterations (values from the forward pass of iteration k, before its update, as the blog prints them):": (
        "之后的迭代(和原文一样,取第 k 次迭代在更新之前那次前向传播的值):"
    ),
    "loss (correct)": "损失(正确)",
    "outputs (correct)": "输出(正确)",
    "blog lines re-run": "重算原文公式",
    "blog published": "原文发表",
    "Why the blog's later figures differ:": "为什么原文之后的数字不同:",
    "  Its diff_w3/diff_w4 lines give hidden neuron 2 the error δ_o2·w6 + δ_o1·w8; the chain rule gives\n"
    "  δ_o1·w6 + δ_o2·w8 (w6 carries h2 to o1, w8 carries h2 to o2). The two agree while w6 = w8, as in\n"
    "  iteration 1 (all weights 1.0), and part from iteration 2 on, once the update has made w6 ≠ w8.\n"
    "  Its diff_w7/diff_w8 lines also swap h_out_1 and h_out_2; that is harmless only while the two\n"
    "  hidden neurons are equal, which the correct gradient keeps forever (they start equal and\n"
    "  are updated alike), but the w3/w4 slip breaks, so in the blog's run both slips count.": (
        "  原文 diff_w3/diff_w4 两行给隐藏神经元 2 的误差是 δ_o2·w6 + δ_o1·w8;链式法则给出的是\n"
        "  δ_o1·w6 + δ_o2·w8(w6 把 h2 送到 o1,w8 把 h2 送到 o2)。w6 = w8 时两者相等,第 1 次迭代\n"
        "  (权重全为 1.0)正是如此;从第 2 次迭代起,更新使 w6 ≠ w8,两者就分开了。\n"
        "  原文 diff_w7/diff_w8 两行还把 h_out_1 和 h_out_2 弄反了;只有两个隐藏神经元相等时这才无害。\n"
        "  正确的梯度会让它们永远相等(起点相同,更新也相同),但 w3/w4 的错误打破了这一点,\n"
        "  所以在原文的运行里两处错误都起了作用。"
    ),
    "  At iteration 2, the blog's lines against finite differences:": "  第 2 次迭代时,原文公式与有限差分的对比:",
    "    ∂L/∂{w}: blog {blog: .9f}, finite differences {numeric: .9f}": (
        "    ∂L/∂{w}:原文 {blog: .9f},有限差分 {numeric: .9f}"
    ),
    "  Re-running the blog's lines as written reproduces its published figures:": (
        "  把原文的公式原样重算一遍,得到的正是原文发表的数字:"
    ),
    "    loss {loss:.12f} at iteration 1000, outputs {o1:.11f}, {o2:.12f}": (
        "    第 1000 次迭代的损失 {loss:.12f},输出 {o1:.11f}、{o2:.12f}"
    ),
    "    (published: {loss}, outputs {o1}, {o2});": "    (原文发表:{loss},输出 {o1}、{o2});",
    "  the correct gradient gives loss {loss:.12f}, outputs {o1:.11f}, {o2:.12f}.": (
        "  正确的梯度给出损失 {loss:.12f},输出 {o1:.11f}、{o2:.12f}。"
    ),
    # seed 000
    "XOR with a {sizes} network ({activation} hidden, sigmoid output), MSE, {mode}, "
    "learning rate {lr:g}, {epochs} epochs, seed {seed}.": (
        "用 {sizes} 网络学异或(隐藏层 {activation},输出层 sigmoid),均方误差,{mode},"
        "学习率 {lr:g},{epochs} 轮,随机种子 {seed}。"
    ),
    "  {a} xor {b} = {target}   network {o:.4f}  right": "  {a} 异或 {b} = {target}   网络 {o:.4f}  对",
    "  {a} xor {b} = {target}   network {o:.4f}  WRONG": "  {a} 异或 {b} = {target}   网络 {o:.4f}  错",
    "{correct}/4 correct, final loss {loss:.6f}": "{correct}/4 正确,最终损失 {loss:.6f}",
    # seed 003
    "A {sizes} network ({activation} hidden, sigmoid output), binary cross-entropy, on two blobs "
    "({n_train} training and {n_test} test points),": (
        "{sizes} 网络(隐藏层 {activation},输出层 sigmoid),二元交叉熵,两团点的数据"
        "({n_train} 个训练点,{n_test} 个测试点),"
    ),
    "{mode}, learning rate {lr:g}, {epochs} iterations, seed {seed}.": (
        "{mode},学习率 {lr:g},{epochs} 次迭代,随机种子 {seed}。"
    ),
    "iteration {e:>{w}}/{n}  cost {cost:.6f}": "第 {e:>{w}}/{n} 次迭代  代价 {cost:.6f}",
    "final cost {cost:.6f}, training accuracy {train:.2%}, test accuracy {test:.2%}": (
        "最终代价 {cost:.6f},训练准确率 {train:.2%},测试准确率 {test:.2%}"
    ),
    # seed 004
    "A {sizes} network ({activation} hidden, sigmoid output), MSE on one-hot targets, on make_moons({n}, noise=0.2)": (
        "{sizes} 网络(隐藏层 {activation},输出层 sigmoid),对独热目标的均方误差,数据 make_moons({n}, noise=0.2)"
    ),
    "({n_train} training, {n_test} test points), {mode}, learning rate {lr:g}, {epochs} epochs, seed {seed}.": (
        "({n_train} 个训练点,{n_test} 个测试点),{mode},学习率 {lr:g},{epochs} 轮,随机种子 {seed}。"
    ),
    "epoch {e:>{w}}/{n}  MSE {mse:.6f}  test accuracy {test:.2%}": (
        "第 {e:>{w}}/{n} 轮  均方误差 {mse:.6f}  测试准确率 {test:.2%}"
    ),
    "final MSE {mse:.6f}, test accuracy {test:.2%}": "最终均方误差 {mse:.6f},测试准确率 {test:.2%}",
    # seed 004's related articles
    "Regression of (sin x, 1) for x uniform in [-π, π]: a {sizes} network ({activation} hidden, "
    "identity output), MSE,": (
        "回归 (sin x, 1),x 在 [-π, π] 上均匀分布:{sizes} 网络(隐藏层 {activation},输出层恒等),均方误差,"
    ),
    "{n_train} training and {n_test} test points, {mode}, learning rate {lr:g}, {epochs} epochs, seed {seed}.": (
        "{n_train} 个训练点,{n_test} 个测试点,{mode},学习率 {lr:g},{epochs} 轮,随机种子 {seed}。"
    ),
    "epoch {e:>{w}}/{n}  loss {loss:.6f}  test RMSE {rmse:.6f}": (
        "第 {e:>{w}}/{n} 轮  损失 {loss:.6f}  测试均方根误差 {rmse:.6f}"
    ),
    "test RMSE {rmse:.6f} (sin x: {sin:.6f}, constant 1: {one:.6f})": (
        "测试均方根误差 {rmse:.6f}(sin x:{sin:.6f},常数 1:{one:.6f})"
    ),
    "scikit-learn's 8x8 digits": "scikit-learn 的 8x8 手写数字",
    "MNIST from {path}": "来自 {path} 的 MNIST",
    "Digits: {source}, {n_train} training and {n_test} test images;": (
        "手写数字:{source},{n_train} 张训练图像,{n_test} 张测试图像;"
    ),
    "a {sizes} network ({activation} hidden, softmax output), categorical cross-entropy, SGD on {mode}, "
    "learning rate {lr:g}, {epochs} epochs, seed {seed}.": (
        "{sizes} 网络(隐藏层 {activation},输出层 softmax),分类交叉熵,随机梯度下降,{mode},"
        "学习率 {lr:g},{epochs} 轮,随机种子 {seed}。"
    ),
    "epoch {e:>{w}}/{n}  loss {loss:.6f}  train accuracy {train:.2%}  test accuracy {test:.2%}": (
        "第 {e:>{w}}/{n} 轮  损失 {loss:.6f}  训练准确率 {train:.2%}  测试准确率 {test:.2%}"
    ),
    "test accuracy {test:.2%} ({wrong} of {n} test images wrong)": (
        "测试准确率 {test:.2%}({n} 张测试图像中错了 {wrong} 张)"
    ),
    "confusion matrix (rows: true digit, columns: predicted):": "混淆矩阵(行:真实数字,列:预测):",
}
