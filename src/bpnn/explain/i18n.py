"""The words of bpnn's text output in English and Chinese; the numbers are never translated.

This module is the one catalogue of the messages a user reads: ``bpnn explain`` and the demos,
and every command's reports, notes, warnings and one-line errors.

A message is its English text, a :meth:`str.format` template (``"Layer {l}"``); the Chinese
catalogue :data:`ZH` maps that text to a Chinese template with the same fields and the same
format specs, so both languages print the same numbers, formatted the same way. A message
missing from the catalogue falls back to English and is remembered in :data:`missing` (the tests
check it stays empty after the demos, ``bpnn explain`` and every command have run in Chinese).

Text that was written in English before the language was known (an error raised deep in a
library, a note in a report) is translated by :meth:`Translator.written`: the text is matched
against the catalogue's templates and its fields are carried over exactly as written. A field
marked ``!t`` (``"argument {option}: {problem!t}"``) is itself a message and is translated too;
the other fields (column names, file names, numbers) are never touched.

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
>>> t.written("argument --lags: expected a whole number >= 1; got '0'")
"参数 --lags：应为不小于 1 的整数，收到的是 '0'"
"""

from __future__ import annotations

import os
import re
import string
import unicodedata
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

    def __call__(self, message: str, /, **fields) -> str:
        template = message
        if self.lang == "zh":
            template = ZH.get(message, message)
            if message not in ZH:
                missing.add(message)
        return _Fill(self).format(template, **fields) if fields else template

    def knows(self, text: str) -> bool:
        """Whether :meth:`written` finds ``text`` (an English message filled in) in the catalogue."""
        return Translator("zh")._find(" ".join(text.split())) is not None

    def written(self, text: str) -> str:
        """``text``, an English message already filled in, in the chosen language.

        The text (its whitespace runs made single spaces) is matched against the catalogue's
        templates, the most specific first; the fields it holds are carried over as written, and
        those marked ``!t`` are translated in turn. Text no template matches stays as it is (and
        is remembered in :data:`missing` when the language is Chinese).

        Parameters
        ----------
        text : str
            An English message, such as an exception's text.

        Returns
        -------
        str
        """
        if self.lang == "en":
            return text
        text = " ".join(text.split())
        if not text:
            return text
        found = self._find(text)
        if found is None:
            missing.add(text)
            return text
        return found

    def _find(self, text: str) -> str | None:
        if text in ZH:
            return ZH[text]
        for pattern, key in _patterns():
            match = pattern.fullmatch(text)
            if match is None:
                continue
            before = set(missing)
            values = {_field_name(name): _Written(value) for name, value in match.groupdict().items()}
            result = _Fill(self).format(ZH[key], **values)
            clean = missing <= before
            missing.intersection_update(before)
            if clean:
                return result
            # a field marked !t held no message of the catalogue: this template cut the text wrongly
        return None

    def __repr__(self) -> str:
        return f"Translator({self.lang!r})"


def width(text: str) -> int:
    """The columns ``text`` takes on a terminal: two for each wide (CJK) character, one for the others."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``columns`` terminal columns, left (``"<"``) or right (``">"``) aligned."""
    fill = " " * max(columns - width(text), 0)
    return text + fill if align == "<" else fill + text


class _Written(str):
    """A field's text taken from a message already written: printed as it is, whatever the spec."""

    def __format__(self, spec: str) -> str:
        return str(self)


class _Fill(string.Formatter):
    """``str.format`` plus the conversion ``!t``: the field is a message, translated as well."""

    def __init__(self, translator: Translator):
        self.translator = translator

    def convert_field(self, value, conversion):
        if conversion == "t":
            return _Written(self.translator.written(str(value)))
        if isinstance(value, _Written):
            return value  # already written with its conversion
        return super().convert_field(value, conversion)


def _field_name(group: str) -> str:
    return group.split("__", 1)[1]


_COMPILED: list[tuple[re.Pattern, str]] = []


def _patterns() -> list[tuple[re.Pattern, str]]:
    """The catalogue's templates that have fields, as regular expressions, the most literal text first."""
    if len(_COMPILED) != sum(1 for key in ZH if "{" in key):
        found: list[tuple[int, re.Pattern, str]] = []
        for key in ZH:
            if "{" not in key:
                continue
            regex: list[str] = []
            seen: list[str] = []
            literal = 0
            for text, name, _spec, _conv in string.Formatter().parse(" ".join(key.split())):
                regex.append(re.escape(text))
                literal += len(text)
                if name is None:
                    continue
                if name in seen:  # the same field twice: the same text twice
                    regex.append(f"(?P=f{seen.index(name)}__{name})")
                else:  # group names must be identifiers: the field's rank makes one
                    seen.append(name)
                    regex.append(f"(?P<f{len(seen) - 1}__{name}>.*?)")
            found.append((literal, re.compile("".join(regex), re.DOTALL), key))
        found.sort(key=lambda item: -item[0])
        _COMPILED[:] = [(pattern, key) for _, pattern, key in found]
    return _COMPILED


#: English message -> Chinese message. The fields ({name}, {value:.6f}) must match exactly.
ZH: dict[str, str] = {
    # -- bpnn explain (explain/render.py) ------------------------------------------------
    "One step of backpropagation, written out": "反向传播的一步，逐项写出",
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
    ", no biases": "，无偏置",
    " (each quantity shows one value per sample)": "（每个量按样本各给一个值）",
    "layer 0 is the input: ": "第 0 层即输入：",
    "layer l: ": "第 l 层：",
    " joins neuron i of layer l-1 to neuron j of layer l": " 连接第 l-1 层的神经元 i 与第 l 层的神经元 j",
    "the error of neuron j of layer l is ": "第 l 层神经元 j 的误差为 ",
    "1. Forward pass": "1. 前向传播",
    "Layer {l} (output, {n_in} → {n_out}, {activation})": "第 {l} 层（输出层，{n_in} → {n_out}，{activation}）",
    "Layer {l} (hidden, {n_in} → {n_out}, {activation})": "第 {l} 层（隐藏层，{n_in} → {n_out}，{activation}）",
    "2. Loss ({name})": "2. 损失（{name}）",
    "3. Backward pass: ": "3. 反向传播：",
    ", from the output down": "，从输出层逐层向输入层",
    "Layer {l} (output): ": "第 {l} 层（输出层）：",
    "Layer {l} (hidden): ": "第 {l} 层（隐藏层）：",
    " (the loss and {name} combine: {why})": "（损失与 {name} 合并：{why}）",
    "the identity's derivative is 1": "恒等函数的导数为 1",
    "σ'(z) = a(1 - a) cancels the cross-entropy's denominator a(1 - a)": (
        "σ'(z) = a(1 - a) 与交叉熵的分母 a(1 - a) 相消"
    ),
    "softmax's Jacobian and -y/a combine to a - y for targets summing to 1": (
        "目标之和为 1 时，softmax 的雅可比矩阵与 -y/a 合并为 a - y"
    ),
    ", with ": "，其中 ",
    "1 if z > 0, else 0": "z > 0 时为 1，否则为 0",
    "1 if z > 0, else the slope": "z > 0 时为 1，否则为斜率",
    "4. Gradients: ": "4. 梯度：",
    "Layer {l}": "第 {l} 层",
    "5. Update: ": "5. 更新：",
    " with ": ",",
    "Check": "检验",
    "The loss on this batch goes down: {before} before the step, {after} after it.": (
        "这批样本的损失下降了：更新前 {before}，更新后 {after}。"
    ),
    "The loss on this batch goes up (the learning rate may be too large): {before} before the step, "
    "{after} after it.": "这批样本的损失上升了（学习率可能过大）：更新前 {before}，更新后 {after}。",
    # -- the demos (demos/seeds.py) ---------------------------------------------------------
    "Seed article {number}: 《{title}》": "原文 {number}：《{title}》",
    "saved {path}": "已保存 {path}",
    "one sample at a time": "每次一个样本",
    "full batch": "全批量",
    "batches of {n}": "每批 {n} 个样本",
    "epoch {e:>{w}}/{n}  loss {value:.6f}": "第 {e:>{w}}/{n} 轮  损失 {value:.6f}",
    # seed 002
    "Its worked example: 2-2-2 sigmoid network, no bias, all weights 1.0,": (
        "文中的手算例子：2-2-2 sigmoid 网络，无偏置，权重全为 1.0，"
    ),
    "x = (0.10, 0.88), target (0.55, 1.0), loss ½Σ(y - o)², learning rate {lr:g}.": (
        "x = (0.10, 0.88)，目标 (0.55, 1.0)，损失 ½Σ(y - o)²，学习率 {lr:g}。"
    ),
    "bpnn's names: w1 = w_11^[1], w2 = w_21^[1], w3 = w_12^[1], w4 = w_22^[1] (input → hidden),": (
        "bpnn 的记号：w1 = w_11^[1]，w2 = w_21^[1]，w3 = w_12^[1]，w4 = w_22^[1]（输入层 → 隐藏层），"
    ),
    "              w5 = w_11^[2], w6 = w_21^[2], w7 = w_12^[2], w8 = w_22^[2] (hidden → output).": (
        "             w5 = w_11^[2]，w6 = w_21^[2]，w7 = w_12^[2]，w8 = w_22^[2]（隐藏层 → 输出层）。"
    ),
    "Iteration 1, in the blog's order (the blog's printed value on the right):": (
        "第 1 次迭代，按原文的顺序（右边是原文打印的值）："
    ),
    "Iteration 1, in the blog's order:": "第 1 次迭代，按原文的顺序：",
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
        "之后的迭代（和原文一样，取第 k 次迭代在更新之前那次前向传播的值）："
    ),
    "loss (correct)": "损失（正确）",
    "outputs (correct)": "输出（正确）",
    "blog lines re-run": "重算原文公式",
    "blog published": "原文发表",
    "Why the blog's later figures differ:": "为什么原文之后的数字不同：",
    "  Its diff_w3/diff_w4 lines give hidden neuron 2 the error δ_o2·w6 + δ_o1·w8; the chain rule gives\n"
    "  δ_o1·w6 + δ_o2·w8 (w6 carries h2 to o1, w8 carries h2 to o2). The two agree while w6 = w8, as in\n"
    "  iteration 1 (all weights 1.0), and part from iteration 2 on, once the update has made w6 ≠ w8.\n"
    "  Its diff_w7/diff_w8 lines also swap h_out_1 and h_out_2; that is harmless only while the two\n"
    "  hidden neurons are equal, which the correct gradient keeps forever (they start equal and\n"
    "  are updated alike), but the w3/w4 slip breaks, so in the blog's run both slips count.": (
        "  原文 diff_w3/diff_w4 两行给隐藏神经元 2 的误差是 δ_o2·w6 + δ_o1·w8;链式法则给出的是\n"
        "  δ_o1·w6 + δ_o2·w8（w6 把 h2 送到 o1，w8 把 h2 送到 o2）。w6 = w8 时两者相等，第 1 次迭代\n"
        "  （权重全为 1.0）正是如此；从第 2 次迭代起，更新使 w6 ≠ w8，两者就分开了。\n"
        "  原文 diff_w7/diff_w8 两行还把 h_out_1 和 h_out_2 弄反了；只有两个隐藏神经元相等时这才无害。\n"
        "  正确的梯度会让它们永远相等（起点相同，更新也相同），但 w3/w4 的错误打破了这一点，\n"
        "  所以在原文的运行里两处错误都起了作用。"
    ),
    "  At iteration 2, the blog's lines against finite differences:": "  第 2 次迭代时，原文公式与有限差分的对比：",
    "    ∂L/∂{w}: blog {blog: .9f}, finite differences {numeric: .9f}": (
        "    ∂L/∂{w}：原文 {blog: .9f}，有限差分 {numeric: .9f}"
    ),
    "  Re-running the blog's lines as written reproduces its published figures:": (
        "  把原文的公式原样重算一遍，得到的正是原文发表的数字："
    ),
    "    loss {loss:.12f} at iteration 1000, outputs {o1:.11f}, {o2:.12f}": (
        "    第 1000 次迭代的损失 {loss:.12f}，输出 {o1:.11f}、{o2:.12f}"
    ),
    "    (published: {loss}, outputs {o1}, {o2});": "    （原文发表：{loss}，输出 {o1}、{o2}）；",
    "  the correct gradient gives loss {loss:.12f}, outputs {o1:.11f}, {o2:.12f}.": (
        "  正确的梯度给出损失 {loss:.12f}，输出 {o1:.11f}、{o2:.12f}。"
    ),
    # seed 000
    "XOR with a {sizes} network ({activation} hidden, sigmoid output), MSE, {mode}, "
    "learning rate {lr:g}, {epochs} epochs, seed {seed}.": (
        "用 {sizes} 网络学异或（隐藏层 {activation}，输出层 sigmoid），均方误差，{mode}，"
        "学习率 {lr:g}，{epochs} 轮，随机种子 {seed}。"
    ),
    "  {a} xor {b} = {target}   network {o:.4f}  right": "  {a} 异或 {b} = {target}   网络 {o:.4f}  对",
    "  {a} xor {b} = {target}   network {o:.4f}  WRONG": "  {a} 异或 {b} = {target}   网络 {o:.4f}  错",
    "{correct}/4 correct, final loss {loss:.6f}": "{correct}/4 正确，最终损失 {loss:.6f}",
    # seed 003
    "A {sizes} network ({activation} hidden, sigmoid output), binary cross-entropy, on two blobs "
    "({n_train} training and {n_test} test points),": (
        "{sizes} 网络（隐藏层 {activation}，输出层 sigmoid），二元交叉熵，两团点的数据"
        "（{n_train} 个训练点，{n_test} 个测试点），"
    ),
    "{mode}, learning rate {lr:g}, {epochs} iterations, seed {seed}.": (
        "{mode}，学习率 {lr:g}，{epochs} 次迭代，随机种子 {seed}。"
    ),
    "iteration {e:>{w}}/{n}  cost {cost:.6f}": "第 {e:>{w}}/{n} 次迭代  代价 {cost:.6f}",
    "final cost {cost:.6f}, training accuracy {train:.2%}, test accuracy {test:.2%}": (
        "最终损失 {cost:.6f}，训练准确率 {train:.2%}，测试准确率 {test:.2%}"
    ),
    # seed 004
    "A {sizes} network ({activation} hidden, sigmoid output), MSE on one-hot targets, on make_moons({n}, noise=0.2)": (
        "{sizes} 网络（隐藏层 {activation}，输出层 sigmoid），对独热目标的均方误差，数据 make_moons({n}, noise=0.2)"
    ),
    "({n_train} training, {n_test} test points), {mode}, learning rate {lr:g}, {epochs} epochs, seed {seed}.": (
        "（{n_train} 个训练点，{n_test} 个测试点），{mode}，学习率 {lr:g}，{epochs} 轮，随机种子 {seed}。"
    ),
    "epoch {e:>{w}}/{n}  MSE {mse:.6f}  test accuracy {test:.2%}": (
        "第 {e:>{w}}/{n} 轮  均方误差 {mse:.6f}  测试准确率 {test:.2%}"
    ),
    "final MSE {mse:.6f}, test accuracy {test:.2%}": "最终均方误差 {mse:.6f}，测试准确率 {test:.2%}",
    # seed 004's related articles
    "Regression of (sin x, 1) for x uniform in [-π, π]: a {sizes} network ({activation} hidden, "
    "identity output), MSE,": (
        "回归 (sin x, 1)，x 在 [-π, π] 上均匀分布：{sizes} 网络（隐藏层 {activation}，输出层恒等），均方误差，"
    ),
    "{n_train} training and {n_test} test points, {mode}, learning rate {lr:g}, {epochs} epochs, seed {seed}.": (
        "{n_train} 个训练点，{n_test} 个测试点，{mode}，学习率 {lr:g}，{epochs} 轮，随机种子 {seed}。"
    ),
    "epoch {e:>{w}}/{n}  loss {loss:.6f}  test RMSE {rmse:.6f}": (
        "第 {e:>{w}}/{n} 轮  损失 {loss:.6f}  测试均方根误差 {rmse:.6f}"
    ),
    "test RMSE {rmse:.6f} (sin x: {sin:.6f}, constant 1: {one:.6f})": (
        "测试均方根误差 {rmse:.6f}（sin x:{sin:.6f}，常数 1:{one:.6f}）"
    ),
    "scikit-learn's 8x8 digits": "scikit-learn 的 8x8 手写数字",
    "MNIST from {path}": "来自 {path} 的 MNIST",
    "Digits: {source}, {n_train} training and {n_test} test images;": (
        "手写数字：{source}，{n_train} 张训练图像，{n_test} 张测试图像；"
    ),
    "a {sizes} network ({activation} hidden, softmax output), categorical cross-entropy, SGD on {mode}, "
    "learning rate {lr:g}, {epochs} epochs, seed {seed}.": (
        "{sizes} 网络（隐藏层 {activation}，输出层 softmax），分类交叉熵，随机梯度下降，{mode}，"
        "学习率 {lr:g}，{epochs} 轮，随机种子 {seed}。"
    ),
    "epoch {e:>{w}}/{n}  loss {loss:.6f}  train accuracy {train:.2%}  test accuracy {test:.2%}": (
        "第 {e:>{w}}/{n} 轮  损失 {loss:.6f}  训练准确率 {train:.2%}  测试准确率 {test:.2%}"
    ),
    "test accuracy {test:.2%} ({wrong} of {n} test images wrong)": (
        "测试准确率 {test:.2%}（{n} 张测试图像中错了 {wrong} 张）"
    ),
    "confusion matrix (rows: true digit, columns: predicted):": "混淆矩阵（行：真实数字，列：预测）：",
    # -- the bpnn command: its one-line errors (cli/lang.py), argparse's own messages ----------
    "bpnn: error: {message!t}": "bpnn：错误：{message!t}",
    "bpnn: error: {message!t} (see '{prog} --help')": "bpnn：错误：{message!t}（参见 '{prog} --help'）",
    "bpnn: error: {command}: {message!t} (see 'bpnn {command} --help')": (
        "bpnn：错误：{command}：{message!t}（参见 'bpnn {command} --help'）"
    ),
    "argument {option}: {problem!t}": "参数 {option}：{problem!t}",
    "the following arguments are required: {names}": "缺少必需的参数：{names}",
    "unrecognized arguments: {names}": "无法识别的参数：{names}",
    "invalid choice: {value} (choose from {choices})": "无效的选项 {value}（可选：{choices}）",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多只能给一个值",
    "expected at least one argument": "至少要给一个值",
    "not allowed with argument {other}": "不能与参数 {other} 同时使用",
    "one of the arguments {names} is required": "参数 {names} 必须给出其中一个",
    "ambiguous option: {option} could match {matches}": "选项 {option} 有歧义，可能是 {matches}",
    "invalid {kind} value: {value}": "无效的 {kind} 值：{value}",
    "interrupted (Ctrl-C)": "已中断（Ctrl-C）",
    "out of memory; try a smaller network or fewer rows": "内存不足；请换个小一些的网络，或减少行数",
    "out of memory; try fewer rows (--chunksize), fewer columns or a smaller --hidden": (
        "内存不足；请减少行数（--chunksize）、减少列数，或把 --hidden 调小"
    ),
    # argument types (cli/argtypes.py, cli/main.py, cli/forecast.py)
    "expected a whole number >= {minimum}; got {text}": "应为不小于 {minimum} 的整数，收到的是 {text}",
    "expected a positive number; got {text}": "应为正数，收到的是 {text}",
    "expected a number > 0; got {text}": "应为大于 0 的数，收到的是 {text}",
    "expected a whole number from 0 to 17; got {text}": "应为 0 到 17 之间的整数，收到的是 {text}",
    "expected comma-separated layer widths >= 1 such as 25,50,25; got {text}": (
        "应为逗号分隔、每个不小于 1 的层宽，例如 25,50,25；收到的是 {text}"
    ),
    "expected one of {names}; got {text}": "应为 {names} 之一，收到的是 {text}",
    "expected a whole number >= 1 or 'full'; got {text}": "应为不小于 1 的整数或 'full'，收到的是 {text}",
    "expected {what!t}; got {text}": "应为{what!t}，收到的是 {text}",
    "expected finite numbers in {what!t}; got {text}": "{what!t}中应全是有限的数，收到的是 {text}",
    "one number, or each layer's weights row by row (w_11,w_12,...,w_21,...) with layers separated by ';'": (
        "一个数，或逐层按行给出的权重（w_11,w_12,...,w_21,...），层与层之间用 ';' 分隔"
    ),
    "one number, or each layer's biases with layers separated by ';'": (
        "一个数，或逐层给出的偏置，层与层之间用 ';' 分隔"
    ),
    "comma-separated inputs, samples separated by ';'": "逗号分隔的输入，样本之间用 ';' 分隔",
    "comma-separated targets, samples separated by ';'": "逗号分隔的目标值，样本之间用 ';' 分隔",
    "expected a port number from 1 to 65535; got {text}": "应为 1 到 65535 之间的端口号，收到的是 {text}",
    "{option} does not apply to this demo; its settings are listed by --help": (
        "{option} 不适用于这个演示；它的设置见 --help"
    ),
    "{flag} {out} is {what!t} this command reads ({path}); writing there would destroy it. "
    "Give {flag} another file name": (
        "{flag} {out} 是本命令要读取的{what!t}（{path}），写到那里会把它毁掉。请给 {flag} 另一个文件名"
    ),
    "the input file": "输入文件",
    "the table to score": "要评分的表格",
    "the data file": "数据文件",
    "the model file": "模型文件",
    # bpnn explain
    "--{what} must give one number or {n} groups separated by ';' (one per layer); got {got} group(s)": (
        "--{what} 应给出一个数，或用 ';' 分隔的 {n} 组（每层一组）；收到的是 {got} 组"
    ),
    "--{what}: layer {l} ({n_in} → {n_out}) needs {n} numbers; got {got}": (
        "--{what}：第 {l} 层（{n_in} → {n_out}）需要 {n} 个数，收到的是 {got} 个"
    ),
    "--{what} must give {width} numbers per sample (samples separated by ';'); got {got}": (
        "--{what} 每个样本应给出 {width} 个数（样本之间用 ';' 分隔），收到的是 {got} 个"
    ),
    "--layers needs at least two widths (inputs and outputs); got {got}": (
        "--layers 至少要有两个层宽（输入和输出），收到的是 {got}"
    ),
    "--activation must give one name or {n} names (one per layer); got {got}": (
        "--activation 应给出一个名称或 {n} 个名称（每层一个），收到的是 {got} 个"
    ),
    "--targets must give one sample per sample of --inputs ({m}); got {got}": (
        "--targets 的样本数应与 --inputs 相同（{m} 个），收到的是 {got} 个"
    ),
    # -- bpnn playground ------------------------------------------------------------------------
    "bpnn playground: {url}  (Ctrl-C to stop)": "bpnn playground：{url}  （按 Ctrl-C 停止）",
    "bpnn playground: listening on {host}: anyone who can reach this computer and has the link "
    "(its token) can use it": (
        "bpnn playground：正在监听 {host}：凡是能连到这台计算机并持有链接（其中的令牌）的人都能使用它"
    ),
    "the playground needs the 'playground' extra ({name} is missing): pip install starlette uvicorn websockets "
    "python-multipart (or, in bpnn's folder, pip install -e '.[playground]')": (
        "playground 需要安装 'playground' 附加依赖（缺少 {name}）：pip install starlette uvicorn websockets "
        "python-multipart（或在 bpnn 的目录下运行 pip install -e '.[playground]'）"
    ),
    "cannot listen on {host}:{port}: {reason}; try another --port": "无法监听 {host}:{port}：{reason}；请换一个 --port",
    # -- bpnn export ------------------------------------------------------------------------------
    "wrote {path}": "已写入 {path}",
    "-o {out} is the model file itself; give another file name": "-o {out} 就是模型文件本身；请换一个文件名",
    # -- bpnn forecast (cli/forecast.py, forecast/report.py, forecast/workflow.py) ---------------
    "Forecast of {target!r}: {rows} rows in time order ({train}; {validation}; {test}).": (
        "{target!r} 的预测：{rows} 行，按时间顺序（{train}；{validation}；{test}）。"
    ),
    "train {rows}, {start} to {end}": "训练期 {rows} 行，{start} 至 {end}",
    "validation {rows}, {start} to {end}": "验证期 {rows} 行，{start} 至 {end}",
    "test {rows}, {start} to {end}": "测试期 {rows} 行，{start} 至 {end}",
    "train {rows}": "训练期 {rows} 行",
    "validation {rows}": "验证期 {rows} 行",
    "test {rows}": "测试期 {rows} 行",
    "train": "训练集",
    "validation": "验证集",
    "test": "测试集",
    "Scaling fitted on the training period only; no training window reaches into validation or test.": (
        "缩放只在训练期上拟合；没有哪个训练窗口伸进验证期或测试期。"
    ),
    "Lags: {lags} (given).": "滞后阶：{lags}（指定）。",
    "Lags: {lags}, chosen by the validation RMSE of each candidate ({tried}).": (
        "滞后阶：{lags}，按各候选在验证期上的 RMSE 选出（{tried}）。"
    ),
    "Restarts: best of {n} initialisations on validation (#{best}; losses {losses}).": (
        "多次初始化：{n} 次初始化中验证期上最好的一次（第 {best} 次；损失 {losses}）。"
    ),
    "Test period, one step ahead:": "测试期，提前一步：",
    "Test period, {horizon} steps ahead ({mode!t}):": "测试期，提前 {horizon} 步（{mode!t}）：",
    "recursive": "递推",
    "direct": "直接",
    "naive": "朴素预测",
    "seasonal naive ({season})": "季节朴素预测 ({season})",
    "AR({k})": "AR({k})",
    "Note: {note!t}.": "注：{note!t}。",
    "MAPE is not reported: the series touches or crosses zero, where percentages mean nothing": (
        "不报告 MAPE：序列碰到或穿过了零，此时百分比没有意义"
    ),
    "{n} missing time step(s) filled ({fill!t})": "补上了 {n} 个缺失的时间步（{fill!t}）",
    "{n} empty cell(s) filled ({fill!t})": "补上了 {n} 个空单元格（{fill!t}）",
    "interpolate": "插值",
    "previous": "沿用前值",
    "The network does not beat the best baseline ({best}) {what!t}: test RMSE {rmse} against {baseline}.": (
        "{what!t}，网络没有胜过最好的基准 {best}：测试 RMSE 为 {rmse}，基准为 {baseline}。"
    ),
    "one step ahead": "提前一步时",
    "at the horizon": "在预测的最后一步上",
    "The network beats every baseline on the test period (RMSE).": "在测试期上，网络胜过了所有基准（按 RMSE）。",
    "Model saved to {path}; continue the series with: bpnn forecast {path} --steps N": (
        "模型已保存到 {path}；接着预测这个序列：bpnn forecast {path} --steps N"
    ),
    "Scored {n} one-step forecasts of {target!r}: RMSE {rmse:.4g}, MAE {mae:.4g} "
    "(naive: RMSE {naive_rmse:.4g}, MAE {naive_mae:.4g}).": (
        "对 {target!r} 的 {n} 个提前一步预测评分：RMSE {rmse:.4g}，MAE {mae:.4g}"
        "（朴素预测：RMSE {naive_rmse:.4g}，MAE {naive_mae:.4g}）。"
    ),
    "give --steps or --score, not both": "--steps 和 --score 只能给一个",
    "--hidden expects comma-separated widths >= 1 such as 10 or 10,5; got {text}": (
        "--hidden 应为逗号分隔、每个不小于 1 的层宽，例如 10 或 10,5；收到的是 {text}"
    ),
    "--test-from without --time takes a 0-based row number; got {text}": (
        "没有 --time 时，--test-from 取从 0 数起的行号；收到的是 {text}"
    ),
    "--test-from expects a date like those of --time {column}; got {text}": (
        "--test-from 应为与 --time {column} 同样格式的日期；收到的是 {text}"
    ),
    "--test-from expects a number like those of --time {column}; got {text}": (
        "--test-from 应为与 --time {column} 同类的数；收到的是 {text}"
    ),
    "--test-from {text} is not inside the series ({first} to {last})": (
        "--test-from {text} 不在序列之内（{first} 至 {last}）"
    ),
    "--seasonal-lag needs --season S": "--seasonal-lag 需要同时给出 --season S",
    "{path} has {rows} rows; scoring needs more than the model's {lags} lag(s)": (
        "{path} 只有 {rows} 行；评分需要的行数要多于模型的滞后阶数 {lags}"
    ),
    "this model also reads the columns {columns}; pass their values as exog": (
        "这个模型还要读取列 {columns}；请把它们的值作为 exog 传入"
    ),
    "this model holds no last window; it cannot continue the series": "这个模型没有保存最后一个窗口，无法接着预测序列",
    "this model reads the columns {columns} too; beyond {k} step(s) it would need their future values, "
    "which the model file does not have. Use --steps {k} or fewer": (
        "这个模型还要读取列 {columns}；超过 {k} 步就需要它们将来的值，而模型文件里没有。请用 --steps {k} 或更小"
    ),
    "this direct model forecasts {n} steps at most; got --steps {steps}": (
        "这个直接预测模型最多预测 {n} 步；收到的是 --steps {steps}"
    ),
    "this direct model forecasts {n} steps; got horizon={horizon}": (
        "这个直接预测模型预测 {n} 步；收到的是 horizon={horizon}"
    ),
    "{source} is damaged: its network takes {n} inputs, its lags give {got}": (
        "{source} 已损坏：其网络有 {n} 个输入，而滞后阶给出 {got} 个"
    ),
    "{source} is damaged: its forecast settings are incomplete ({reason})": (
        "{source} 已损坏：预测设置不完整（{reason}）"
    ),
    "fill must be one of {names}; got {fill}": "fill 应为 {names} 之一，收到的是 {fill}",
    "{name} has no rows": "{name} 没有数据行",
    "{name} has {n} row; a series needs more": "{name} 只有 {n} 行；一个序列需要更多行",
    "{name}: the time {time} appears twice, at {first} and {second} in column {column}; keep one row per time": (
        "{name}：时间 {time} 出现了两次，在列 {column} 的 {first} 和 {second}；每个时间只保留一行"
    ),
    "{name}: the time column {column} is not sorted: {where} ({later}) comes after {earlier}; sort the rows by time": (
        "{name}：时间列 {column} 没有排序：{where}（{later}）排在 {earlier} 之后；请按时间排序各行"
    ),
    "the time column {column} is not on a regular step ({step})": "时间列 {column} 的时间间隔不固定（{step}）",
    "the time column {column} is not on a regular step of {step}": "时间列 {column} 不是以 {step} 为固定间隔",
    "{name} has {n} columns besides the time; name the one to forecast with --target": (
        "{name} 除时间列外还有 {n} 列；请用 --target 指定要预测的那一列"
    ),
    "{name}, {where}: column {column} holds {value}; a series to forecast (and every --exog column) "
    "must hold numbers": ("{name}，{where}：列 {column} 的值是 {value}；要预测的序列（以及每个 --exog 列）必须是数"),
    "{message!t}; fill it with --fill": "{message!t}；请用 --fill 补上",
    "{name}: the first value of a column is missing; {fill!t} filling cannot invent it": (
        "{name}：某列的第一个值缺失；用“{fill!t}”无法凭空补出它"
    ),
    "{name}: the time column {column} has a gap after {where} ({start} to {end}, step {step}); "
    "fill it with --fill interpolate or --fill previous": (
        "{name}：时间列 {column} 在 {where} 之后有缺口（{start} 至 {end}，间隔 {step}）；"
        "请用 --fill interpolate 或 --fill previous 补上"
    ),
    "{name}: the time column {column} holds values that are neither numbers nor dates": (
        "{name}：时间列 {column} 中有既不是数也不是日期的值"
    ),
    "the training period has {rows} rows, which give {windows} windows of {lags} lag(s) and {steps} target(s); "
    "at least {needed} are needed. Use fewer --lags, a shorter --horizon or a longer series": (
        "训练期有 {rows} 行，只能得到 {windows} 个窗口（{lags} 阶滞后、{steps} 个目标值）；至少需要 {needed} 个。"
        "请减少 --lags、缩短 --horizon，或用更长的序列"
    ),
    "the validation period ({rows} rows) holds no window of {steps} step(s); "
    "use a longer series or a shorter --horizon": (
        "验证期（{rows} 行）放不下一个 {steps} 步的窗口；请用更长的序列或更短的 --horizon"
    ),
    "the series has {n} rows; a forecast with training, validation and test periods needs 20 or more": (
        "序列只有 {n} 行；分出训练期、验证期和测试期的预测至少需要 20 行"
    ),
    "--horizon {h} is longer than the {period!t} period ({rows} rows); use a shorter horizon or a longer series": (
        "--horizon {h} 比{period!t}（{rows} 行）还长；请用更小的 --horizon 或更长的序列"
    ),
    "the training period ({rows} rows) is too short for even one lag": "训练期（{rows} 行）太短，连一阶滞后都不够",
    "the test period ({rows} rows) holds no forecast of {h} step(s) after the first {first} values; "
    "use a shorter --horizon or a longer series": (
        "测试期（{rows} 行）在前 {first} 个值之后放不下一个 {h} 步的预测；请用更短的 --horizon 或更长的序列"
    ),
    "horizon must be a whole number >= 1; got {horizon}": "horizon 应为不小于 1 的整数，收到的是 {horizon}",
    "season must be a whole number >= 2; got {season}": "season 应为不小于 2 的整数，收到的是 {season}",
    "y must be a 1-D series; got an array of shape {shape}": "y 应为 1 维序列，收到的是形状为 {shape} 的数组",
    "y must hold finite numbers; value {i} is not": "y 中应全是有限的数，第 {i} 个值不是",
    "exog must have {n} rows of finite numbers; got shape {shape}": ("exog 应有 {n} 行有限的数，收到的形状是 {shape}"),
    # -- reading tables (io/csvdata.py, io/frames.py, io/dates.py) -------------------------------
    "chunksize must be a positive int, got {kind} {chunksize}": "chunksize 应为正整数，收到的是 {kind} {chunksize}",
    "chunksize must be a positive int, got {chunksize}": "chunksize 应为正整数，收到的是 {chunksize}",
    "dropna must be True or False, got {kind} {dropna}": "dropna 应为 True 或 False，收到的是 {kind} {dropna}",
    "columns must be a list of str, got the str {columns}; use [{same}]": (
        "columns 应为 str 的列表，收到的是字符串 {columns}；请写成 [{same}]"
    ),
    "data must have shape (n_rows, {n}) to match {m} columns, got shape {shape}": (
        "data 的形状应为 (n_rows, {n})，与 {m} 列对应，收到的形状是 {shape}"
    ),
    "data must have shape (n_rows, {n}) to match columns, got shape {shape}": (
        "data 的形状应为 (n_rows, {n})，与各列对应，收到的形状是 {shape}"
    ),
    "data must be real numbers or strings, got complex numbers": "data 应为实数或字符串，收到的是复数",
    "{name} is empty; expected a header line with column names": "{name} 是空的；第一行应是列名",
    "{name} has a header line but no data rows": "{name} 只有表头，没有数据行",
    "{name}: column {column} holds {value}, which is too large for {dtype}": (
        "{name}：列 {column} 的值 {value} 超出了 {dtype} 的范围"
    ),
    "sep must be a one-character str such as ',' or ';', got {kind} {sep}": (
        "sep 应为单个字符，例如 ',' 或 ';'，收到的是 {kind} {sep}"
    ),
    "sep must be one character other than a quote or newline, such as ',' or ';', got {sep}": (
        "sep 应为引号和换行以外的单个字符，例如 ',' 或 ';'，收到的是 {sep}"
    ),
    "dtype must be a floating-point dtype such as np.float64 or np.float32, got {dtype}": (
        "dtype 应为浮点类型，例如 np.float64 或 np.float32，收到的是 {dtype}"
    ),
    "dtype must be a floating-point dtype such as np.float64, got {dtype}": (
        "dtype 应为浮点类型，例如 np.float64，收到的是 {dtype}"
    ),
    "decimal (--decimal) must be '.' or ','; got {decimal}": "小数点（--decimal）应为 '.' 或 ','，收到的是 {decimal}",
    "thousands (--thousands) must be one of {choices}; got {thousands}": (
        "千位分隔符（--thousands）应为 {choices} 之一，收到的是 {thousands}"
    ),
    "decimal and thousands must differ; both are {decimal}": "小数点与千位分隔符不能相同；两者都是 {decimal}",
    "comment (--comment) must be one character other than the separator; got {comment}": (
        "注释符（--comment）应为分隔符以外的单个字符，收到的是 {comment}"
    ),
    "skiprows (--skiprows) must be a whole number >= 0; got {skiprows}": (
        "跳过的行数（--skiprows）应为不小于 0 的整数，收到的是 {skiprows}"
    ),
    "{name}, line {line}: longer than {limit} characters without a line break; it is not a CSV table "
    "(or not one bpnn can read line by line)": (
        "{name}，第 {line} 行：超过 {limit} 个字符仍没有换行；它不是 CSV 表格（至少不是 bpnn 能逐行读取的那种）"
    ),
    "{where}: column names must be str, got {kind} {column}": "{where}：列名应为 str，收到的是 {kind} {column}",
    "{where}: column {j} has an empty name": "{where}：第 {j} 列没有列名",
    "{where}: column name {column} appears twice (columns {i} and {j})": (
        "{where}：列名 {column} 出现了两次（第 {i} 列和第 {j} 列）"
    ),
    "{text} has a '.' but the decimal mark is ','": "{text} 里有 '.'，但小数点是 ','",
    "column names must be str, got {kind} {name}": "列名应为 str，收到的是 {kind} {name}",
    "{name}, line {line}: {problem!t}": "{name}，第 {line} 行：{problem!t}",
    "{name}: all {n} data rows have missing values; nothing is left after dropna": (
        "{name}：全部 {n} 个数据行都有缺失值；去掉它们（dropna）之后什么也不剩"
    ),
    "{name}, line {line} (data row {row}): column {column} holds {value}, which is infinite; "
    "only finite numbers can be used": (
        "{name}，第 {line} 行（数据第 {row} 行）：列 {column} 的值 {value} 是无穷大；只能使用有限的数"
    ),
    "{name}: the header {header} reads as a single column, but it contains {label!t}; is the separator {other}? "
    "(pass sep={sep}; --sep {flag} on the command line)": (
        "{name}：表头 {header} 被读成了一列，但其中含有 {label!t}；分隔符是不是 {other}？"
        "（传入 sep={sep}；命令行上用 --sep {flag}）"
    ),
    "encoding (--encoding) must be a text encoding such as utf-8, latin-1 or cp1252; got {encoding}": (
        "编码（--encoding）应为文本编码，例如 utf-8、latin-1 或 cp1252，收到的是 {encoding}"
    ),
    "{name}, line {line}: {header} {advice!t}": "{name}，第 {line} 行：{header} {advice!t}",
    "looks like a comment, not a header line; pass --comment {mark} to skip comment lines, or --skiprows {n} "
    "to skip it": "看起来是注释而不是表头；请加 --comment {mark} 跳过注释行，或加 --skiprows {n} 跳过这一行",
    "looks like a comment, not a header line; pass --comment {mark} to skip comment lines, or --skiprows {n} "
    "to skip the first {m} lines": (
        "看起来是注释而不是表头；请加 --comment {mark} 跳过注释行，或加 --skiprows {n} 跳过前 {m} 行"
    ),
    "{message!t}; pass --impute median, mean or most_frequent to fill missing cells, or --dropna to drop their "
    "rows": "{message!t}；请加 --impute median、mean 或 most_frequent 填补缺失的单元格，或加 --dropna 去掉这些行",
    "commas": "逗号",
    "semicolons": "分号",
    "tabs": "制表符",
    "'|' characters": "'|' 字符",
    "--sheet is only for Excel files (.xlsx); {name} is read as {fmt}": (
        "--sheet 只用于 Excel 文件（.xlsx）；{name} 是按 {fmt} 读取的"
    ),
    "--sep is only for CSV and TSV files; {name} is read as {fmt}": (
        "--sep 只用于 CSV 和 TSV 文件；{name} 是按 {fmt} 读取的"
    ),
    "{options} {verb} only for CSV and TSV files; {name} is read as {fmt}": (
        "{options} 只用于 CSV 和 TSV 文件；{name} 是按 {fmt} 读取的"
    ),
    "{name}: no such file": "{name}：没有这个文件",
    "{name} is a directory, not a {fmt} file": "{name} 是一个目录，不是 {fmt} 文件",
    "{name}, line {line} (data row {row}): column {column} holds {value}: its cells are numbers written "
    "another way; {hint!t}": (
        "{name}，第 {line} 行（数据第 {row} 行）：列 {column} 的值是 {value}：这一列的数是用另一种写法记的；{hint!t}"
    ),
    "{name}: column {column} holds dates or times, which a network cannot use as they are; convert them to "
    "numbers, or leave the column out when training (bpnn train --ignore COL)": (
        "{name}：列 {column} 中是日期或时间，网络不能直接使用；请把它们转换成数，"
        "或在训练时把这一列排除在外（bpnn train --ignore COL）"
    ),
    "{name}, row {row}: column {column} holds {value}, which is infinite; only finite numbers can be used": (
        "{name}，第 {row} 行：列 {column} 的值 {value} 是无穷大；只能使用有限的数"
    ),
    "every column must have the same length; got lengths {lengths}": "每一列的长度应相同，收到的长度是 {lengths}",
    "kinds must give one of {kinds} for every column; missing or unknown for {bad}": (
        "kinds 应为每一列给出 {kinds} 之一；{bad} 缺少或不认识"
    ),
    "reading {ext} files needs the {module} package (bpnn's '{extra}' extra); install it with: pip install {package}": (
        "读取 {ext} 文件需要 {module} 包（bpnn 的 '{extra}' 附加依赖）；安装方法：pip install {package}"
    ),
    "{name} cannot be read as {fmt}: {kind}: {reason}": "{name} 无法按 {fmt} 读取：{kind}：{reason}",
    "{name} has no sheet {sheet}; its sheets are {names}": "{name} 中没有工作表 {sheet}；它的工作表有 {names}",
    "{name} has {n} sheets; sheet {sheet} does not exist": "{name} 有 {n} 个工作表；工作表 {sheet} 不存在",
    "{name}, row {row}: column {column} holds {value}: numbers stored as text with a decimal comma or thousands "
    "separators; store them as numbers in the file, or save it as CSV and {hint!t}": (
        "{name}，第 {row} 行：列 {column} 的值是 {value}：这是以文本存放、带小数逗号或千位分隔符的数；"
        "请在文件里把它们存成数，或另存为 CSV 后{hint!t}"
    ),
    "{name}, row 1: column {j} has an empty name": "{name}，第 1 行：第 {j} 列没有列名",
    "{name}, row {row}: column {column} holds {value}, which is not a number (the column's other cells are numbers)": (
        "{name}，第 {row} 行：列 {column} 的值 {value} 不是数（这一列的其他单元格都是数）"
    ),
    "expected one character; got {text}": "应为单个字符，收到的是 {text}",
    # -- bpnn train, predict, info (cli/tables.py) --------------------------------------------------
    "--out {path} is a directory; give a file name such as {example}": (
        "--out {path} 是一个目录；请给出文件名，例如 {example}"
    ),
    "--out {path}: the folder {folder} does not exist": "--out {path}：目录 {folder} 不存在",
    "{path} holds {what!t}, not a model from 'bpnn train'; it has no feature names or scaling to apply to a table": (
        "{path} 中保存的是{what!t}，不是 'bpnn train' 得到的模型；它没有可用于表格的特征名和缩放"
    ),
    "a bare network": "一个单独的网络",
    "a {kind}": "一个 {kind}",
    "--proba is for classification models; this model does regression": "--proba 只用于分类模型；这个模型做的是回归",
    "--chunksize reads CSV files of numbers only; {options} cannot be used with it": (
        "--chunksize 只读取全是数的 CSV 文件；不能与 {options} 同时使用"
    ),
    "--ignore {columns}: the model needs these feature columns": "--ignore {columns}：模型需要这些特征列",
    "columns {columns} are both --keep and --ignore": "列 {columns} 同时出现在 --keep 和 --ignore 中",
    "{data} lacks the model's feature column{s} {missing} (the model expects {expected})": (
        "{data} 缺少模型的特征列 {missing}（模型需要 {expected}）"
    ),
    "--plot {path} is the model file itself; give another file name": "--plot {path} 就是模型文件本身；请换一个文件名",
    "--plot must name a .png or .svg file; got {path}": "--plot 应为 .png 或 .svg 文件，收到的是 {path}",
    "{source}, {where}: column {name} holds {value}, which is not a number": (
        "{source}，{where}：列 {name} 的值 {value} 不是数"
    ),
    "{data} {problems!t} (the model expects {expected})": "{data} {problems!t}（模型需要 {expected}）",
    "lacks the model's feature column{s} {missing}": "缺少模型的特征列 {missing}",
    "has column{s} {extra} that the model was not trained on (copy it to the output with --keep)": (
        "有模型训练时没有的列 {extra}（用 --keep 可把它复制到输出中）"
    ),
    "{first!t} and {second!t}": "{first!t}，并且{second!t}",
    "{message!t}; the model was trained without --impute, so it cannot fill it in": (
        "{message!t}；模型训练时没有用 --impute，无法补上它"
    ),
    # -- the table workflow (tables/workflow.py, tables/schema.py, tables/prepare.py, io/encoding.py) -----
    "column{s} {spans} cannot be scaled with --scale {scale}: the range overflows double precision; "
    "divide the column by a power of ten first": (
        "列 {spans} 无法用 --scale {scale} 缩放：取值范围超出了双精度浮点数；请先把该列除以十的若干次幂"
    ),
    "--hidden sizes must be positive integers; got {text}": "--hidden 的层宽应为正整数，收到的是 {text}",
    "--split must be three non-negative numbers train,validation,test such as 0.7,0.15,0.15; got {text}": (
        "--split 应为三个非负数 train,validation,test，例如 0.7,0.15,0.15；收到的是 {text}"
    ),
    "--split must give the training set a positive share; got {text}": (
        "--split 给训练集的份额应为正数，收到的是 {text}"
    ),
    "--solver {solver} is not available in this bpnn; choose one of {choices}": (
        "这个 bpnn 中没有 --solver {solver}；请从 {choices} 中选一个"
    ),
    "--task must be auto, classification or regression; got {task}": (
        "--task 应为 auto、classification 或 regression，收到的是 {task}"
    ),
    "too few rows to split: {n} row{s} cannot fill non-empty {sets} sets with --split {shares}; "
    "add rows or use --split 1,0,0": (
        "行数太少，无法划分：用 --split {shares}，{n} 行填不满非空的 {sets} 集；请增加行数或用 --split 1,0,0"
    ),
    "{where}() takes the settings {settings}; got {unknown}.": (
        "{where}() 接受的设置是 {settings}；收到的是 {unknown}。"
    ),
    "give at least one --target column": "请至少用 --target 指定一列",
    "--target names a column twice: {targets}": "--target 把同一列给了两次：{targets}",
    "columns {columns} are both --target and --ignore": "列 {columns} 同时出现在 --target 和 --ignore 中",
    "no feature columns left: every column of {table} is a target or ignored": (
        "没有剩下特征列：{table} 的每一列都是目标或被忽略"
    ),
    "no feature columns left in {table}: every column is a target, ignored, an identifier or constant (see --role)": (
        "{table} 中没有剩下特征列：每一列都是目标、被忽略、标识符或常数（见 --role）"
    ),
    "the {solver} solver works on the whole training set at once; leave out --batch-size": (
        "求解器 {solver} 每次用整个训练集；请去掉 --batch-size"
    ),
    "--hidden must be layer sizes separated by commas, such as 10 or 10,5; got {text}": (
        "--hidden 应为逗号分隔的层宽，例如 10 或 10,5；收到的是 {text}"
    ),
    "--split fractions must add up to 1 (or 100); got {text}, which adds up to {total}": (
        "--split 的份额之和应为 1（或 100）；收到的是 {text}，和为 {total}"
    ),
    "classification takes one target column; got {n}. Train one model per target, or use --task regression": (
        "分类只接受一个目标列，收到的是 {n} 个。请为每个目标各训练一个模型，或改用 --task regression"
    ),
    "classification takes one target column; got {n}": "分类只接受一个目标列，收到的是 {n} 个",
    "classification needs at least 2 classes; the target holds only one value ({value})": (
        "分类至少需要 2 个类别；目标列只有一个值（{value}）"
    ),
    "--task classification: the target holds {n} distinct values in {rows} rows, more classes than the data can "
    "support (at most {most}, with {per_class} rows each on average); if the target is a quantity, "
    "use --task regression": (
        "--task classification：目标列在 {rows} 行中有 {n} 个不同的值，类别多到数据撑不起"
        "（最多 {most} 类，平均每类 {per_class} 行）；如果目标是一个数量，请用 --task regression"
    ),
    "--max-categories must be a whole number of at least 2; got {value}": (
        "--max-categories 应为不小于 2 的整数，收到的是 {value}"
    ),
    "--min-frequency must be a positive whole number; got {value}": "--min-frequency 应为正整数，收到的是 {value}",
    "--role names the target column {column}; a target has no other role": (
        "--role 指定了目标列 {column}；目标列不能有别的角色"
    ),
    "--role {name}={role}: the column holds numbers; its values would be read as text first": (
        "--role {name}={role}：这一列是数；它的值会先被当作文本读取"
    ),
    "the schema is missing its 'columns' list": "schema 缺少 'columns' 列表",
    "--role takes COL=ROLE with ROLE one of {roles}; got {spec}": (
        "--role 的写法是 COL=ROLE，ROLE 为 {roles} 之一；收到的是 {spec}"
    ),
    "--role {name}=number: the column holds text; choose category or text": (
        "--role {name}=number：这一列是文本；请选 category 或 text"
    ),
    "--role {name}=date: the column's cells are not dates in one of the formats bpnn reads "
    "(such as 2007-11-28, 11/28/2007, 28.11.2007)": (
        "--role {name}=date：这一列的单元格不是 bpnn 能读的日期格式（例如 2007-11-28、11/28/2007、28.11.2007）"
    ),
    "schema column {j} needs a name and one of the roles {roles}; got {column}": (
        "schema 的第 {j} 列需要一个名称和 {roles} 中的一个角色；收到的是 {column}"
    ),
    "schema column {name} is a date without a known format and parts": (
        "schema 的列 {name} 是日期，却没有已知的格式和组成部分"
    ),
    "--task regression needs a target of numbers, but it holds text or true/false ({shown}); "
    "use --task classification": (
        "--task regression 需要由数组成的目标列，但它是文本或 true/false（{shown}）；请用 --task classification"
    ),
    "target columns {targets} mix text or true/false with other columns; several targets must all hold numbers "
    "(regression)": ("目标列 {targets} 中文本或 true/false 与其他列混在一起；多个目标列必须全是数（回归）"),
    "too few rows to split: {n} rows gave no {empty} rows with --split {split}; add rows or use --split 1,0,0": (
        "行数太少，无法划分：用 --split {split}，{n} 行分不出 {empty} 行；请增加行数或用 --split 1,0,0"
    ),
    "--chunksize trains on one chunk at a time, which the {solver} solver cannot do (it needs the whole training "
    "set at once); use a mini-batch solver such as sgd or adam, or leave out --chunksize": (
        "--chunksize 每次只用一块数据训练，求解器 {solver} 做不到（它每次需要整个训练集）；"
        "请用 sgd 或 adam 这类小批量求解器，或去掉 --chunksize"
    ),
    "Training diverged: the loss {what!t} at epoch {epoch}.{kept!t} Try a smaller --learning-rate": (
        "训练发散了：损失在第 {epoch} 轮{what!t}。{kept!t}请试试更小的 --learning-rate"
    ),
    "encoder column {name} has date format {fmt}, not one bpnn reads": (
        "编码器的列 {name} 的日期格式为 {fmt}，bpnn 读不了"
    ),
    "encoder column {name} needs distinct calendar parts from {parts}; got {got}": (
        "编码器的列 {name} 需要取自 {parts} 的互不相同的日期部分；收到的是 {got}"
    ),
    "encoder column {name} of kind 'date' cannot have categories": "编码器中类型为 'date' 的列 {name} 不能有类别",
    "encoder column {name} has fill {fill}; expected one finite number per part": (
        "编码器的列 {name} 的填充值为 {fill}；每个部分应为一个有限的数"
    ),
    "column {name} has no values in the training rows to impute from": "列 {name} 在训练行中没有值，无法据此填补",
    "--ordinal takes COL or COL=first,second,...; got {spec}": (
        "--ordinal 的写法是 COL 或 COL=first,second,...；收到的是 {spec}"
    ),
    "--ordinal {spec}: the order must list distinct, non-empty categories": (
        "--ordinal {spec}：顺序中的类别必须互不相同且不为空"
    ),
    "--impute must be one of {choices}; got {impute}": "--impute 应为 {choices} 之一，收到的是 {impute}",
    "--unknown must be error or ignore; got {unknown}": "--unknown 应为 error 或 ignore，收到的是 {unknown}",
    "--ordinal names {names}, which is not a feature column": "--ordinal 指定的 {names} 不是特征列",
    "{frame}: column {name} holds {value}, which is not a date written as the training rows were ({fmt})": (
        "{frame}：列 {name} 的值 {value} 不是按训练行的写法（{fmt}）写的日期"
    ),
    "X must have shape (n_samples, {n}), one column per feature ({names}); got shape {shape}": (
        "X 的形状应为 (n_samples, {n})，每个特征一列（{names}）；收到的形状是 {shape}"
    ),
    "the encoder description is missing its 'columns' list": "编码器的描述缺少 'columns' 列表",
    "the encoder's 'unknown' must be one of {choices}; got {unknown}": (
        "编码器的 'unknown' 应为 {choices} 之一，收到的是 {unknown}"
    ),
    "the encoder's 'impute' must be one of {choices} or null; got {impute}": (
        "编码器的 'impute' 应为 {choices} 之一或 null，收到的是 {impute}"
    ),
    "the encoder has no columns": "编码器没有列",
    "{frame}: column {name} holds {value}, which is not {expected!t}": (
        "{frame}：列 {name} 的值 {value} 不是{expected!t}"
    ),
    "a category seen in training": "训练中出现过的类别",
    "the table lacks the model's feature columns {names}": "表格缺少模型的特征列 {names}",
    "the columns lack the model's features {names}": "这些列缺少模型的特征 {names}",
    "encoder column {j} has a missing or repeated name: {name}": "编码器的第 {j} 列名称缺失或重复：{name}",
    "encoder column {name} has unknown kind {kind} (written by a newer bpnn?)": (
        "编码器的列 {name} 类型 {kind} 未知（是较新版本的 bpnn 写的吗？）"
    ),
    "encoder column {name} has 'infrequent' {value}; only a one-hot column may have it, true or false": (
        "编码器的列 {name} 的 'infrequent' 为 {value}；只有独热编码的列才能有它，且只能是 true 或 false"
    ),
    "encoder column {name} needs a non-empty list of text categories": "编码器的列 {name} 需要一个非空的文本类别列表",
    "encoder column {name} lists a category twice": "编码器的列 {name} 把一个类别列了两次",
    "encoder column {name} fills with {fill}, which is not a category": (
        "编码器的列 {name} 用 {fill} 填充，但它不是一个类别"
    ),
    "--ordinal {name}: the column holds {value}": "--ordinal {name}：这一列的值是 {value}",
    "encoder column {name} of kind {kind} cannot have categories": "编码器中类型为 {kind} 的列 {name} 不能有类别",
    "encoder column {name} has fill {fill}; expected a finite number": (
        "编码器的列 {name} 的填充值为 {fill}；应为一个有限的数"
    ),
    "--ordinal {name}: the column also holds {extra}, which the given order lacks": (
        "--ordinal {name}：这一列还有 {extra}，给出的顺序里没有"
    ),
    # -- bpnn train's report, the scores, bpnn predict and bpnn info -------------------------------
    "{data}: {rows} rows, {n} features -> {targets}": "{data}：{rows} 行，{n} 个特征 -> {targets}",
    "  dropped {n} rows with missing cells (--dropna)": "  去掉了 {n} 个有缺失单元格的行（--dropna）",
    "task     {task!t} ({reason!t})": "任务     {task!t}（{reason!t}）",
    "classification": "分类",
    "regression": "回归",
    "split    train {train}, validation {validation}, test {test} (seed {seed})": (
        "划分     训练集 {train}，验证集 {validation}，测试集 {test}（随机种子 {seed}）"
    ),
    "network  {sizes}, {activation} hidden, solver {solver}, loss {loss}, scaling {scale}": (
        "网络     {sizes}，隐藏层 {activation}，求解器 {solver}，损失 {loss}，缩放 {scale}"
    ),
    "trained  {n} epochs: {stop!t}; kept epoch {best}": "训练     {n} 轮：{stop!t}；保留第 {best} 轮的权重",
    "trained  {n} epochs: {stop!t}": "训练     {n} 轮：{stop!t}",
    "reached {n} epochs; best epoch {best}, then refitted on train + validation rows for {m} epochs": (
        "已达 {n} 轮；最好的是第 {best} 轮，随后在训练集和验证集的行上重新训练了 {m} 轮"
    ),
    "{stop!t}; best epoch {best}, then refitted on train + validation rows for {m} epochs": (
        "{stop!t}；最好的是第 {best} 轮，随后在训练集和验证集的行上重新训练了 {m} 轮"
    ),
    "reached {n} epochs": "已达 {n} 轮",
    "a category not seen in training: {policy!t}": "训练时没见过的类别：{policy!t}",
    "refused (unknown=error)": "拒绝（unknown=error）",
    "encoded as all zeros (unknown=ignore)": "编码为全零（unknown=ignore）",
    "validation loss did not improve for {n} epochs": "验证损失连续 {n} 轮没有改善",
    "interrupted (Ctrl-C) after {n} epochs": "第 {n} 轮后被中断（Ctrl-C）",
    "the solver stopped: {reason!t}": "求解器停止：{reason!t}",
    "note     {note!t}": "注       {note!t}",
    "warning  {note!t}": "警告     {note!t}",
    "plot  {path}": "图  {path}",
    "rows": "行数",
    "R2": "R2",
    "n/a": "无",
    "{split!t}: {rows} rows, accuracy {accuracy}": "{split!t}：{rows} 行，准确率 {accuracy}",
    "class": "类别",
    "precision": "精确率",
    "recall": "召回率",
    "confusion (rows true, columns predicted)": "混淆矩阵（行为真实类别，列为预测类别）",
    "wrote {path}: {rows} rows, column{s} {columns}": "已写入 {path}：{rows} 行，列 {columns}",
    "bpnn model ({task!t}), written by bpnn {version}": "bpnn 模型（{task!t}），由 bpnn {version} 写出",
    "network {sizes} ({activations}), loss {loss}, {n} parameters, {dtype}, {epochs} epochs trained": (
        "网络      {sizes}（{activations}），损失 {loss}，{n} 个参数，{dtype}，已训练 {epochs} 轮"
    ),
    "features {names}": "特征      {names}",
    "targets {names}": "目标      {names}",
    "classes {names}": "类别      {names}",
    "scaling inputs {x}, targets {y}": "缩放      输入 {x}，目标 {y}",
    "scaling inputs {x}": "缩放      输入 {x}",
    "encoding  {text!t}": "编码      {text!t}",
    "missing numbers -> {values}": "缺失的数 -> {values}",
    "{name}: one-hot over {categories}": "{name}：独热编码，类别为 {categories}",
    "{name}: one-hot over {categories}, missing -> {fill}": "{name}：独热编码，类别为 {categories}，缺失 -> {fill}",
    "{name}: date ({fmt}) -> {parts}": "{name}：日期（{fmt}）-> {parts}",
    "{name}: date ({fmt}) -> {parts}, missing -> {fill}": "{name}：日期（{fmt}）-> {parts}，缺失 -> {fill}",
    "{name}: ordinal {order}": "{name}：有序编码 {order}",
    "{name}: ordinal {order}, missing -> {fill}": "{name}：有序编码 {order}，缺失 -> {fill}",
    "imputation {strategy} (training rows)": "填补方式 {strategy}（按训练行计算）",
    "unknown categories: {policy}": "未知类别：{policy}",
    "{names} and infrequent": "{names} 以及 infrequent",
    "settings  {text}": "设置      {text}",
    "bpnn scikit-learn estimator {name} ({state!t})": "bpnn 的 scikit-learn 估计器 {name}（{state!t}）",
    "fitted": "已拟合",
    "not fitted": "未拟合",
    "parameters {parameters}": "参数 {parameters}",
    "network   {network}": "网络      {network}",
    "bpnn network (no table settings)": "bpnn 网络（没有表格设置）",
    "  epochs trained {epochs}": "  已训练 {epochs} 轮",
    # why the task (tables/workflow.py, tables/prepare.py)
    "as asked (--task regression)": "按 --task regression 的要求",
    "as asked (--task classification)": "按 --task classification 的要求",
    "{n} target columns": "{n} 个目标列",
    "the target holds non-integer values": "目标列中有非整数的值",
    "the target holds {many} distinct integers in {rows} rows; classification needs 2, or at most {most} with "
    "{per_class} rows each (use --task to choose)": (
        "目标列在 {rows} 行中有 {many} 个不同的整数；分类需要 2 个，或者至多 {most} 个且每个各有 {per_class} 行"
        "（用 --task 自己选）"
    ),
    "more than {n}": "多于 {n}",
    "the target holds {n} distinct integers in {rows} rows": "目标列在 {rows} 行中有 {n} 个不同的整数",
    "the target holds text: {n} distinct labels": "目标列是文本：{n} 个不同的标签",
    "the target holds true/false: {n} distinct labels": "目标列是真/假值：{n} 个不同的标签",
    # why the solver stopped (training/solvers.py)
    "the gradient norm is below gtol={gtol}": "梯度范数低于 gtol={gtol}",
    "the line search found no step that decreases the loss (at a minimum, to rounding)": (
        "线搜索找不到能让损失下降的一步（在舍入误差以内已到极小点）"
    ),
    "max_fun={n} evaluations of the loss were made": "损失已计算了 max_fun={n} 次",
    "the loss decreased by a relative amount of at most ftol={ftol}": "损失的相对下降量不超过 ftol={ftol}",
    "the loss reached goal={goal}": "损失达到了 goal={goal}",
    "the gradient norm is below min_grad={min_grad}": "梯度范数低于 min_grad={min_grad}",
    "mu exceeded mu_max={mu_max}": "mu 超过了 mu_max={mu_max}",
    # notes and warnings of bpnn train (tables/workflow.py, tables/schema.py, tables/chunked.py)
    "solver {solver}: the network has {n} weights, more than the {most} up to which br is the default "
    "(its step solves a weights x weights system)": (
        "求解器 {solver}：网络有 {n} 个权重，超过了以 br 为默认求解器的上限 {most}"
        "（br 每一步要解一个权重数 x 权重数的方程组）"
    ),
    "{n} inputs and {rows} training rows: with more inputs than rows a network can fit the training rows by chance "
    "and learn nothing that holds (compare the train and validation scores); fewer columns (--ignore, "
    "--role COL=ignored) or more rows help": (
        "{n} 个输入，{rows} 个训练行：输入比行多时，网络可能碰巧拟合了训练行，却没学到站得住的东西"
        "（请比较训练集和验证集上的得分）；减少列（--ignore、--role COL=ignored）或增加行会有帮助"
    ),
    "{n} input is constant in the training rows and carries no information: {names}": (
        "{n} 个输入在训练行中是常数，不带任何信息：{names}"
    ),
    "{n} inputs are constant in the training rows and carry no information: {names}": (
        "{n} 个输入在训练行中是常数，不带任何信息：{names}"
    ),
    "class {names} has fewer rows than the {n} the split needs (one per split); add rows or merge classes": (
        "类别 {names} 的行数少于划分所需的 {n} 行（每个部分一行）；请增加行数或合并类别"
    ),
    "classes {names} have fewer rows than the {n} the split needs (one per split); add rows or merge classes": (
        "类别 {names} 的行数少于划分所需的 {n} 行（每个部分一行）；请增加行数或合并类别"
    ),
    "the {split!t} split lacks class {names}: its scores say nothing about it": (
        "{split!t}中没有类别 {names}：它在这里的得分说明不了什么"
    ),
    "the {split!t} split lacks classes {names}: its scores say nothing about them": (
        "{split!t}中没有类别 {names}：它们在这里的得分说明不了什么"
    ),
    "{n} identifier column dropped (one distinct value per row): {names}": (
        "去掉了 {n} 个标识符列（每行一个不同的值）：{names}"
    ),
    "{n} identifier columns dropped (one distinct value per row): {names}": (
        "去掉了 {n} 个标识符列（每行一个不同的值）：{names}"
    ),
    "{n} constant column dropped (no information): {names}": "去掉了 {n} 个常数列（不带信息）：{names}",
    "{n} constant columns dropped (no information): {names}": "去掉了 {n} 个常数列（不带信息）：{names}",
    "{names} and {n} more": "{names} 等，另有 {n} 个",
    "rows were split by a seeded random draw per row (not stratified): train {train}, validation {validation}, "
    "test {test}": "各行按随机种子逐行随机抽取划分（未分层）：训练集 {train}，验证集 {validation}，测试集 {test}",
    # the schema: each column's role and its reason (tables/schema.py)
    "columns": "列",
    "{names}: {reason!t}": "{names}：{reason!t}",
    "{names}: {reason!t}, dropped": "{names}：{reason!t}，已去掉",
    "number": "数值",
    "category": "类别",
    "text": "文本",
    "date": "日期",
    "identifier": "标识符",
    "constant": "常数",
    "ignored": "忽略",
    "--target": "--target",
    "--ignore": "--ignore",
    "every cell holds {value}": "每个单元格都是 {value}",
    "every cell is empty": "每个单元格都是空的",
    "every cell holds {value} or is empty": "每个单元格要么是 {value}，要么是空的",
    "true/false, as 1 and 0": "真/假值，记为 1 和 0",
    "whole numbers counting the rows ({first}, {second}, ...)": "逐行计数的整数（{first}, {second}, ...）",
    "numbers": "数",
    "codes 0, 1, ... (--ordinal)": "编码为 0, 1, ...（--ordinal）",
    "text with one distinct value per row ({sample}, ...)": "每行一个不同值的文本（{sample}, ...）",
    "{k} categories, more than --max-categories {m}: the {kept} most frequent one-hot, the others as one "
    "'infrequent'": "{k} 个类别，多于 --max-categories {m}：最常见的 {kept} 个做独热编码，其余合为一个 'infrequent'",
    "{k} categories, one-hot": "{k} 个类别，独热编码",
    "dates written {fmt}, as {parts}": "日期，写法为 {fmt}，拆成 {parts}",
    "--role {role}": "--role {role}",
    "numbers (--role)": "数（--role）",
    "{k} categories (--role): the most frequent one-hot, the others 'infrequent'": (
        "{k} 个类别（--role）：最常见的做独热编码，其余归为 'infrequent'"
    ),
    "{k} categories, one-hot (--role)": "{k} 个类别，独热编码（--role）",
    # where a cell is, and the messages put together from pieces (io/frames.py, io/csvdata.py)
    "{name}, line {line} (data row {row})": "{name}，第 {line} 行（数据第 {row} 行）",
    "line {line} (data row {row})": "第 {line} 行（数据第 {row} 行）",
    "{name}, row {row}": "{name}，第 {row} 行",
    "row {row}": "第 {row} 行",
    "{where!t}: column {column} holds {value}, a category the model was not trained on (it knows {known}); "
    "pass --unknown ignore to encode it as none of them": (
        "{where!t}：列 {column} 的值 {value} 是模型训练时没见过的类别（它认识 {known}）；"
        "加 --unknown ignore 可把它编码为不属于其中任何一类"
    ),
    "{where!t}: column {column} is empty, a missing value": "{where!t}：列 {column} 是空的，即缺失值",
    "{where!t}: column {column} holds {mark}, a missing value": "{where!t}：列 {column} 的值是 {mark}，即缺失值",
    "{name}, line {line} (data row {row}): column {column} holds {value}, which is not a number": (
        "{name}，第 {line} 行（数据第 {row} 行）：列 {column} 的值 {value} 不是数"
    ),
    "{name}, line {line} (data row {row}): column {column} holds {value}, which is not a number ({hint!t})": (
        "{name}，第 {line} 行（数据第 {row} 行）：列 {column} 的值 {value} 不是数（{hint!t}）"
    ),
    "pass --thousands , to read numbers written like 1,016,620": "请加 --thousands , 来读取 1,016,620 这种写法的数",
    "pass --decimal , if ',' is the decimal mark (3,14), or --thousands , if it groups thousands": (
        "如果 ',' 是小数点（3,14），请加 --decimal ,；如果它是千位分隔符，请加 --thousands ,"
    ),
    "pass --decimal , to read numbers written with a decimal comma, like 3,14": (
        "请加 --decimal , 来读取用小数逗号写的数，例如 3,14"
    ),
    "pass --decimal , --thousands . to read numbers written like 1.016.620,5": (
        "请加 --decimal , --thousands . 来读取 1.016.620,5 这种写法的数"
    ),
    "pass --thousands ' ' to read numbers written like 1 016 620": "请加 --thousands ' ' 来读取 1 016 620 这种写法的数",
    "pass --thousands ' ' --decimal , to read numbers written like 1 016 620": (
        "请加 --thousands ' ' --decimal , 来读取 1 016 620 这种写法的数"
    ),
    "pass --thousands \"'\" to read numbers written like 1'016'620": (
        "请加 --thousands \"'\" 来读取 1'016'620 这种写法的数"
    ),
    "{message!t}; the header line starts with {mark}: if it is a comment, pass --comment {comment}": (
        "{message!t}；表头行以 {mark} 开头：如果它是注释，请加 --comment {comment}"
    ),
    "column {names} not found in {source} (available: {available})": (
        "{source} 中找不到列 {names}（现有的列：{available}）"
    ),
    "columns {names} not found in {source} (available: {available})": (
        "{source} 中找不到列 {names}（现有的列：{available}）"
    ),
    "column {names} not found (available: {available})": "找不到列 {names}（现有的列：{available}）",
    "columns {names} not found (available: {available})": "找不到列 {names}（现有的列：{available}）",
    "column {names} not found in {source}; did you mean {hint}? (available: {available})": (
        "{source} 中找不到列 {names}；是不是 {hint}？（现有的列：{available}）"
    ),
    "columns {names} not found in {source}; did you mean {hint}? (available: {available})": (
        "{source} 中找不到列 {names}；是不是 {hint}？（现有的列：{available}）"
    ),
    "column {names} not found; did you mean {hint}? (available: {available})": (
        "找不到列 {names}；是不是 {hint}？（现有的列：{available}）"
    ),
    "columns {names} not found; did you mean {hint}? (available: {available})": (
        "找不到列 {names}；是不是 {hint}？（现有的列：{available}）"
    ),
    "{name}, line {line}: expected {n} fields like the header, found {found}": (
        "{name}，第 {line} 行：应与表头一样有 {n} 个字段，实际有 {found} 个"
    ),
    "{name} is not UTF-8 text ({reason}); save it as UTF-8 CSV": (
        "{name} 不是 UTF-8 文本（{reason}）；请另存为 UTF-8 编码的 CSV"
    ),
    "[Errno 2] No such file or directory: {path}": "[Errno 2] 没有那个文件或目录：{path}",
    "[Errno 13] Permission denied: {path}": "[Errno 13] 权限不够：{path}",
    "[Errno 21] Is a directory: {path}": "[Errno 21] 是一个目录：{path}",
    "[Errno 20] Not a directory: {path}": "[Errno 20] 不是目录：{path}",
    "[Errno 17] File exists: {path}": "[Errno 17] 文件已存在：{path}",
    "[Errno 28] No space left on device": "[Errno 28] 设备上没有剩余空间",
    "[Errno 28] No space left on device: {path}": "[Errno 28] 设备上没有剩余空间：{path}",
    "[Errno 30] Read-only file system: {path}": "[Errno 30] 只读文件系统：{path}",
    "note: {data}: column{s} {names} not used by the model, left out (copy a column to the output with --keep)": (
        "注：{data}：模型用不到列 {names}，已略去（用 --keep 可把某列复制到输出中）"
    ),
    # -- model files (io/container.py, io/model.py) ------------------------------------------------
    "{name} is a zip archive but not a bpnn model file (no bpnn metadata)": (
        "{name} 是 zip 压缩包，但不是 bpnn 模型文件（没有 bpnn 元数据）"
    ),
    "{name} is damaged: its format_version {version} is not a positive integer": (
        "{name} 已损坏：它的 format_version {version} 不是正整数"
    ),
    "{name} has model format version {version} (written by bpnn {written_by}), but this bpnn ({this}) reads "
    "format version {most} at most; upgrade bpnn to load it": (
        "{name} 的模型格式版本是 {version}（由 bpnn {written_by} 写出），"
        "而这个 bpnn（{this}）最多只能读取格式版本 {most}；"
        "请升级 bpnn 后再加载"
    ),
    "{name} is damaged: its metadata lacks 'kind', 'arrays' or 'metadata'": (
        "{name} 已损坏：它的元数据缺少 'kind'、'arrays' 或 'metadata'"
    ),
    "{name} holds a {found}, not a {kind}": "{name} 中保存的是 {found}，不是 {kind}",
    "{name} is incomplete: {arrays} {verb} listed in its metadata but missing": (
        "{name} 不完整：{arrays} 列在元数据中，文件里却没有"
    ),
    "{name} holds {member} not listed in its metadata; it was modified or not written by bpnn": (
        "{name} 中有元数据没有列出的 {member}；文件被改动过，或者不是 bpnn 写的"
    ),
    "{name}: its compressed members would inflate to {inflated} bytes, more than the {most} bpnn inflates "
    "(bpnn itself never compresses model files)": (
        "{name}：其中压缩的成员解压后会有 {inflated} 字节，超过了 bpnn 肯解压的 {most} 字节"
        "（bpnn 自己从不压缩模型文件）"
    ),
    "{name} is damaged: its metadata is not a byte string": "{name} 已损坏：它的元数据不是字节串",
    "{name} is not a bpnn model file (its metadata says format {found})": (
        "{name} 不是 bpnn 模型文件（它的元数据说格式是 {found}）"
    ),
    "{name}: {label} holds Python objects (dtype {dtype}); bpnn refuses to load object arrays because "
    "unpickling them could run code": (
        "{name}：{label} 中是 Python 对象（dtype {dtype}）；反序列化它们可能执行代码，所以 bpnn 拒绝加载对象数组"
    ),
    "{name} is damaged: {label} should hold {expected} bytes of data but holds {found}": (
        "{name} 已损坏：{label} 应有 {expected} 字节的数据，实际有 {found} 字节"
    ),
    "{name} is empty (0 bytes), not a bpnn model file": "{name} 是空文件（0 字节），不是 bpnn 模型文件",
    "{name} is not a bpnn model file ({what!t})": "{name} 不是 bpnn 模型文件（{what!t}）",
    "it is a text file, not a zip archive": "它是文本文件，不是 zip 压缩包",
    "it is too short to be a zip archive; it was probably cut short": "它太短，不可能是 zip 压缩包；多半是没传完",
    "it is a single .npy array, not an .npz archive": "它是单个 .npy 数组，不是 .npz 压缩包",
    "it looks like a Python pickle, which bpnn never loads because unpickling can run code": (
        "它看起来是 Python pickle；反序列化可能执行代码，所以 bpnn 从不加载它"
    ),
    "it is gzip-compressed, not a zip archive": "它是 gzip 压缩的，不是 zip 压缩包",
    "it is not a zip archive": "它不是 zip 压缩包",
    "{name} is a NumPy .npz archive but not a bpnn model file (no bpnn metadata; it holds {arrays})": (
        "{name} 是 NumPy 的 .npz 压缩包，但不是 bpnn 模型文件（没有 bpnn 元数据；其中有 {arrays}）"
    ),
    "{name}: its metadata declares {size} bytes, more than the {most} bpnn reads; the file was not written by "
    "bpnn or was modified": (
        "{name}：它的元数据声明有 {size} 字节，超过了 bpnn 肯读取的 {most} 字节；这个文件不是 bpnn 写的，或者被改动过"
    ),
    "{name} is damaged: its metadata is not valid JSON": "{name} 已损坏：它的元数据不是合法的 JSON",
    "{name} is damaged: {label} has an unreadable .npy header": "{name} 已损坏：{label} 的 .npy 文件头无法读取",
    "{name} is damaged: {label} ends after {done} of its {expected} bytes": (
        "{name} 已损坏：{label} 在 {expected} 字节中的第 {done} 字节处就结束了"
    ),
    "{name} is damaged: member {member} declares two different sizes": (
        "{name} 已损坏：成员 {member} 声明了两个不同的大小"
    ),
    "{name} is damaged: {label} fails its CRC-32 checksum": "{name} 已损坏：{label} 未通过 CRC-32 校验",
    "{name} is truncated or damaged: its zip directory is missing or unreadable (was the file cut short while "
    "copying or downloading?)": (
        "{name} 被截断或已损坏：它的 zip 目录缺失或无法读取（是不是复制或下载时文件没传完？）"
    ),
    "{source} holds a {kind}, which this bpnn cannot load (written by a newer bpnn?)": (
        "{source} 中保存的是 {kind}，这个 bpnn 无法加载（是较新版本的 bpnn 写的吗？）"
    ),
    "{source} is damaged: {detail}": "{source} 已损坏：{detail}",
    "{source} holds a scikit-learn estimator; load it with bpnn.load.": (
        "{source} 中保存的是 scikit-learn 估计器；请用 bpnn.load 加载。"
    ),
    "predict_proba is only for classification models; this one does regression.": (
        "predict_proba 只用于分类模型；这个模型做的是回归。"
    ),
    "Object of type {kind} is not JSON serializable": "{kind} 类型的对象无法序列化为 JSON",
    "kind must be a non-empty str such as 'network', got {kind}": (
        "kind 应为非空字符串，例如 'network'，收到的是 {kind}"
    ),
    "arrays must be a dict of name -> ndarray, got {kind}": "arrays 应为“名称 -> ndarray”的字典，收到的是 {kind}",
    "metadata must be a dict, got {kind}": "metadata 应为字典，收到的是 {kind}",
    "metadata keys {keys} are reserved for the file format; rename them": "元数据键 {keys} 是文件格式保留的；请改名",
    "mode must be 'w' or 'wb', got {mode}": "mode 应为 'w' 或 'wb'，收到的是 {mode}",
    "path must name a file, got {path}": "path 应为文件名，收到的是 {path}",
    "array names must be non-empty str not starting with '__bpnn', got {name}": (
        "数组名应为不以 '__bpnn' 开头的非空字符串，收到的是 {name}"
    ),
    "arrays[{name}] must be a plain ndarray, got {kind}": "arrays[{name}] 应为普通的 ndarray，收到的是 {kind}",
    "arrays[{name}] has dtype {dtype}, which holds Python objects; model files store only numeric, bool or "
    "string arrays": "arrays[{name}] 的 dtype 是 {dtype}，其中是 Python 对象；模型文件只存数值、布尔或字符串数组",
    "metadata must be JSON-serializable: {value}": "metadata 应能序列化为 JSON：{value}",
    ".npy version {version} is not supported": "不支持 .npy 版本 {version}",
    # a model file's parts that fail their checks: "{source}: ..." (io/model.py)
    "{source}: {problem!t}": "{source}：{problem!t}",
    "the network description is missing": "缺少网络的描述",
    "the network description's {what}": "网络描述中的 {what}",
    "alpha must be a finite number >= 0; found {alpha}": "alpha 应为不小于 0 的有限数，实际是 {alpha}",
    "unknown network class {name} (written by a newer bpnn?)": "未知的网络类 {name}（是较新版本的 bpnn 写的吗？）",
    "unsupported dtype {dtype}": "不支持的 dtype {dtype}",
    "the network has no layers": "网络没有层",
    "epochs_trained must be a non-negative integer; found {epochs}": "epochs_trained 应为非负整数，实际是 {epochs}",
    "unknown loss {loss} (written by a newer bpnn?)": "未知的损失 {loss}（是较新版本的 bpnn 写的吗？）",
    "array {name} is missing": "缺少数组 {name}",
    "array {name} has shape {shape}, but the architecture needs {needed}": (
        "数组 {name} 的形状是 {shape}，而网络结构需要 {needed}"
    ),
    "array {name} has dtype {dtype}, but the network is {network}": (
        "数组 {name} 的 dtype 是 {dtype}，而网络是 {network}"
    ),
    "array {name} holds NaN or infinite values": "数组 {name} 中有 NaN 或无穷大",
    "feature_names and target_names must be lists of strings": "feature_names 和 target_names 应为字符串列表",
    "history curves {names} are missing": "缺少训练历史曲线 {names}",
    "array 'classes' must be 1-D numbers, booleans or text; found dtype {dtype}": (
        "数组 'classes' 应为 1 维的数、布尔值或文本，实际 dtype 是 {dtype}"
    ),
    "columns {names} are both features and targets": "列 {names} 既是特征又是目标",
    "history must be a list of curve names": "history 应为曲线名称的列表",
    "arrays {names} belong to no split's metrics": "数组 {names} 不属于任何一部分数据的指标",
    "the network description lacks {key}": "网络描述缺少 {key}",
    "layer {i} has unknown class {name} (written by a newer bpnn?)": (
        "第 {i} 层的类 {name} 未知（是较新版本的 bpnn 写的吗？）"
    ),
    "layer {i}'s {what}": "第 {i} 层的 {what}",
    "layer {i} has sizes n_in={n_in}, n_out={n_out}; expected positive integers": (
        "第 {i} 层的大小为 n_in={n_in}，n_out={n_out}；应为正整数"
    ),
    "layer {i} has unknown activation {name} (written by a newer bpnn?)": (
        "第 {i} 层的激活函数 {name} 未知（是较新版本的 bpnn 写的吗？）"
    ),
    "the network cannot be rebuilt: {reason}": "网络无法重建：{reason}",
    "the model description lacks {key}": "模型描述缺少 {key}",
    "the {key} description is damaged": "{key} 的描述已损坏",
    "the model is inconsistent: {reason}": "模型前后不一致：{reason}",
    "{key} must be a non-empty list of non-empty strings": "{key} 应为由非空字符串组成的非空列表",
    "{key} names {names} more than once": "{key} 中 {names} 出现了不止一次",
    "{key} must be a dict; found {kind}": "{key} 应为字典，实际是 {kind}",
    "history curve {key} must be a 1-D float array": "训练历史曲线 {key} 应为 1 维浮点数组",
    "a classification model lacks its class labels": "分类模型缺少类别标签",
    "class labels must be a 1-D array of text, booleans or numbers": "类别标签应为由文本、布尔值或数组成的 1 维数组",
    "class labels must be a 1-D array of finite numbers (or text)": "类别标签应为由有限的数（或文本）组成的 1 维数组",
    "class labels are not distinct": "类别标签有重复",
    "a regression model holds class labels": "回归模型中不应有类别标签",
    "{where} lacks a row count": "{where} 缺少行数",
    "{where}'s accuracy is not a finite number": "{where} 的准确率不是有限的数",
    "{where} lacks a {k} x {k2} confusion matrix of counts": "{where} 缺少 {k} x {k2} 的计数混淆矩阵",
    "layer {i} lacks {key}": "第 {i} 层缺少 {key}",
    "layer {i}'s activation {name} has bad settings: {reason}": "第 {i} 层的激活函数 {name} 设置有误：{reason}",
    "layer {i} cannot be rebuilt: {reason}": "第 {i} 层无法重建：{reason}",
    "the {key} cannot be rebuilt: {reason}": "{key} 无法重建：{reason}",
    "the encoder cannot be rebuilt: {reason}": "编码器无法重建：{reason}",
    "{where}[{key}] must give a score per class {labels}": "{where}[{key}] 应为每个类别 {labels} 各给一个分数",
    "{where}[{key}] holds values that are not finite numbers": "{where}[{key}] 中有不是有限数的值",
    "layer {i} (Dropout) is damaged: {reason}": "第 {i} 层（Dropout）已损坏：{reason}",
    "{where}[{key}] must give a score per target {targets}": "{where}[{key}] 应为每个目标 {targets} 各给一个分数",
    # saving (io/model.py): errors of the Python interface, which the commands never meet
    "Cannot save {where}: its {what} {name} is user-defined. A bpnn model file stores built-in {whats}s by name "
    "({values}) and never stores code; use a built-in one, or save the weights yourself with get_weights().": (
        "无法保存 {where}：它的 {what} {name} 是用户自定义的。bpnn 模型文件只按名称保存内置的 {whats}s（{values}），"
        "从不保存代码；请改用内置的，或用 get_weights() 自己保存权重。"
    ),
    "Cannot save {where}: its {what} {name} holds settings that are not plain numbers or strings: {config}.": (
        "无法保存 {where}：它的 {what} {name} 的设置不是简单的数或字符串：{config}。"
    ),
    "Cannot save {where}: its {what} {name} cannot be rebuilt from {config}.": (
        "无法保存 {where}：它的 {what} {name} 无法由 {config} 重建。"
    ),
    "Expected a bpnn Network; got {kind}.": "应为 bpnn 的 Network，收到的是 {kind}。",
    "Cannot save a {kind}: only Network and NeuralNetwork can be saved.": (
        "无法保存 {kind}：只能保存 Network 和 NeuralNetwork。"
    ),
    "Cannot save a network without layers.": "无法保存没有层的网络。",
    "class labels must be text, booleans or numbers; got dtype {dtype}.": (
        "类别标签应为文本、布尔值或数，收到的 dtype 是 {dtype}。"
    ),
    "the schema must be a dict with a 'columns' list of {{'name', 'role', 'reason'}}.": (
        "schema 应为字典，其中的 'columns' 是由 {{'name', 'role', 'reason'}} 组成的列表。"
    ),
    "the schema lacks the columns {names}.": "schema 缺少列 {names}。",
    "encoder must be a TableEncoder or None; got {kind}.": "encoder 应为 TableEncoder 或 None，收到的是 {kind}。",
    "the encoder's columns {columns} are not the feature_names {names}.": (
        "编码器的列 {columns} 与 feature_names {names} 不一致。"
    ),
    "the encoder makes {n} inputs but the network takes {n_in}.": "编码器产生 {n} 个输入，而网络需要 {n_in} 个。",
    "Cannot save layer {i} ({name}): a bpnn model file stores only the layer classes {classes} and never "
    "stores code.": "无法保存第 {i} 层（{name}）：bpnn 模型文件只保存层类 {classes}，从不保存代码。",
    "The 'task' parameter must be one of {tasks}; got {task}.": "参数 'task' 应为 {tasks} 之一，收到的是 {task}。",
    "x_scaler was fitted on {n} columns but the network takes {n_in} inputs.": (
        "x_scaler 是在 {n} 列上拟合的，而网络需要 {n_in} 个输入。"
    ),
    "bpnn can save a Network, a Model, a BPClassifier or a BPRegressor; got {kind}.": (
        "bpnn 能保存 Network、Model、BPClassifier 或 BPRegressor，收到的是 {kind}。"
    ),
    "Cannot save the network: layer {i}'s {part} hold {n} NaN or infinite values (did training diverge?); "
    "nothing was written.": "无法保存网络：第 {i} 层的 {part} 中有 {n} 个 NaN 或无穷大（训练发散了吗？）；什么也没写。",
    "feature_names has {n} names but the network takes {n_in} inputs.": (
        "feature_names 有 {n} 个名称，而网络需要 {n_in} 个输入。"
    ),
    "target_names has {n} names but the network has {n_out} outputs.": (
        "target_names 有 {n} 个名称，而网络有 {n_out} 个输出。"
    ),
    "a regression model needs a y_scaler fitted on {n} target columns.": (
        "回归模型需要一个在 {n} 个目标列上拟合的 y_scaler。"
    ),
    "a classification model has one target column; got {names}.": "分类模型只有一个目标列，收到的是 {names}。",
    "a classification model needs one class label per network output ({n}); got {classes}.": (
        "分类模型需要为网络的每个输出（{n} 个）各配一个类别标签，收到的是 {classes}。"
    ),
    "Cannot save the model: its {name} holds NaN or infinite values; nothing was written.": (
        "无法保存模型：它的 {name} 中有 NaN 或无穷大；什么也没写。"
    ),
    "Cannot save the model: its settings or metrics are not plain data ({value}).": (
        "无法保存模型：它的设置或指标不是简单数据（{value}）。"
    ),
    # the checks of every parameter (core/checks.py), met through bpnn explain and bpnn train
    "The '{name}' parameter must be an int; got {value} ({kind}).": (
        "参数 '{name}' 应为 int，收到的是 {value}（{kind}）。"
    ),
    "The '{name}' parameter must be >= {minimum}; got {value}.": "参数 '{name}' 应不小于 {minimum}，收到的是 {value}。",
    "The '{name}' parameter must be <= {maximum}; got {value}.": "参数 '{name}' 应不大于 {maximum}，收到的是 {value}。",
    "The '{name}' parameter must be a real number; got {value} ({kind}).": (
        "参数 '{name}' 应为实数，收到的是 {value}（{kind}）。"
    ),
    "The '{name}' parameter must be {range}; got {value}.": "参数 '{name}' 应满足 {range}，收到的是 {value}。",
    "The '{name}' parameter must be one of {names}. Got {value} instead.": (
        "参数 '{name}' 应为 {names} 之一，收到的是 {value}。"
    ),
    "The '{name}' parameter must be one of {names} or an object with forward() and backward(). Got {value} instead.": (
        "参数 '{name}' 应为 {names} 之一，或带有 forward() 和 backward() 的对象，收到的是 {value}。"
    ),
    "The '{name}' parameter must be one of {names} or an object with value() and gradient(). Got {value} instead.": (
        "参数 '{name}' 应为 {names} 之一，或带有 value() 和 gradient() 的对象，收到的是 {value}。"
    ),
    "The '{name}' parameter must be {accepted}. Got {kind} instead.": (
        "参数 '{name}' 应为 {accepted}，收到的是 {kind}。"
    ),
    "'{x}' and '{y}' must have the same number of rows; got {n} and {m}.": (
        "'{x}' 和 '{y}' 的行数应相同，收到的是 {n} 和 {m}。"
    ),
    "{what} needs {needed} of memory, more than the {available} available; {advice}": (
        "{what}需要 {needed} 内存，超过了可用的 {available}；{advice}"
    ),
    # when training diverges (training/loop.py, training/restarts.py, tables/chunked.py)
    "Training diverged: at epoch {epoch} the loss {what!t}. The network keeps the weights it had after epoch "
    "{kept}, {why!t}. Try a smaller learning_rate (it was {lr}).": (
        "训练发散了：第 {epoch} 轮时损失{what!t}。网络保留第 {kept} 轮之后的权重，{why!t}。"
        "请试试更小的学习率 learning_rate（原来是 {lr}）。"
    ),
    "Training diverged: at epoch {epoch} the loss {what!t}. The network keeps the weights it had after epoch "
    "{kept}, {why!t}. Try a smaller learning_rate.": (
        "训练发散了：第 {epoch} 轮时损失{what!t}。网络保留第 {kept} 轮之后的权重，{why!t}。"
        "请试试更小的学习率 learning_rate。"
    ),
    "became {value}": "变成了 {value}",
    "grew to {value}, more than {factor} times its lowest ({lowest})": (
        "增大到 {value}，超过其最低值（{lowest}）的 {factor} 倍"
    ),
    "grew to {value}, more than 1e+06 times its lowest": "增大到 {value}，超过其最低值的 1e+06 倍",
    "became NaN or infinite": "变成了 NaN 或无穷大",
    "its best by {monitor} ({value})": "按 {monitor} 它是最好的（{value}）",
    "whose training loss was the lowest ({value})": "这时的训练损失最低（{value}）",
    "whose loss is finite": "这时的损失是有限的",
    "although its loss is not finite either": "尽管这时的损失也不是有限的",
    "The network keeps the weights of epoch {epoch}, its best by val_loss.": (
        "网络保留第 {epoch} 轮的权重，按 val_loss 它是最好的。"
    ),
    "All {n} restarts diverged; try a smaller learning_rate.": (
        "{n} 次重新开始全部发散；请试试更小的学习率 learning_rate。"
    ),
    "The '{name}' parameter must be one of {names}{alternatives}. Got {value} instead.": (
        "参数 '{name}' 应为 {names}{alternatives} 之一，收到的是 {value}。"
    ),
    "The '{name}' argument must be an array; got None.": "参数 '{name}' 应为数组，收到的是 None。",
    "The '{name}' argument must hold numbers; got an array of dtype {dtype}": (
        "参数 '{name}' 中应是数，收到的是 dtype 为 {dtype} 的数组"
    ),
    "The '{name}' argument must hold numbers; got an array of dtype {dtype} (first value {value})": (
        "参数 '{name}' 中应是数，收到的是 dtype 为 {dtype} 的数组（第一个值是 {value}）"
    ),
    "The '{name}' argument must hold real numbers; got complex dtype {dtype}.": (
        "参数 '{name}' 中应是实数，收到的是复数 dtype {dtype}。"
    ),
    "The '{name}' argument must be a {ndim}-D array of shape {shape}; got shape {got}.": (
        "参数 '{name}' 应为形状 {shape} 的 {ndim} 维数组，收到的形状是 {got}。"
    ),
    "The '{name}' argument must not be empty; got shape {shape}.": "参数 '{name}' 不能为空，收到的形状是 {shape}。",
    "The '{name}' argument must have {n} columns{what}; got {got} (shape {shape}).": (
        "参数 '{name}' 应有 {n} 列{what}，收到的是 {got} 列（形状 {shape}）。"
    ),
    "The '{name}' argument must contain only finite numbers; found {value} at index {index}.": (
        "参数 '{name}' 中应全是有限的数，在下标 {index} 处是 {value}。"
    ),
    "The '{name}' argument is a sparse matrix, which is 2-D; a {ndim}-D array is expected.": (
        "参数 '{name}' 是稀疏矩阵，是 2 维的；这里需要 {ndim} 维数组。"
    ),
    "The '{name}' argument must hold real numbers; got a sparse matrix of dtype {dtype}.": (
        "参数 '{name}' 中应是实数，收到的是 dtype 为 {dtype} 的稀疏矩阵。"
    ),
    "The '{name}' argument must contain only finite numbers; its stored entries include NaN or inf.": (
        "参数 '{name}' 中应全是有限的数；其中存储的元素有 NaN 或 inf。"
    ),
    "explain works on networks of Dense layers; layer {i} is {kind}.": (
        "explain 只适用于由 Dense 层组成的网络；第 {i} 层是 {kind}。"
    ),
    "The 'format' parameter must be one of {names}; got {value}.": (
        "参数 'format' 应为 {names} 之一，收到的是 {value}。"
    ),
    "The 'digits' parameter must be an int from 0 to 17; got {value}.": (
        "参数 'digits' 应为 0 到 17 之间的 int，收到的是 {value}。"
    ),
    "Unknown demo {name}; choose one of {names}.": "没有演示 {name}；请从 {names} 中选一个。",
    # -- bpnn export: to Python and to ONNX (io/export.py, io/onnx.py, io/scaling.py) -----------------
    "dtype must be 'float32' or 'float64'; got {dtype}": "dtype 应为 'float32' 或 'float64'，收到的是 {dtype}",
    "Cannot export a {kind} to ONNX; only minmax, standard and none scaling.": (
        "无法把 {kind} 导出为 ONNX；只支持 minmax、standard 和 none 缩放。"
    ),
    "Cannot export a target scaler {name} to ONNX.": "无法把目标缩放器 {name} 导出为 ONNX。",
    "Cannot export to ONNX: the column {name} holds dates written {fmt}, which the graph cannot read (it reads "
    "{layouts}, with or without a time); train with --role {column}=ignored, or use bpnn predict.": (
        "无法导出为 ONNX：列 {name} 中的日期写法是 {fmt}，计算图读不了（它能读 {layouts}，带不带时间都行）；"
        "请用 --role {column}=ignored 重新训练，或者用 bpnn predict。"
    ),
    "ONNX export needs the onnx package (bpnn's 'onnx' extra); install it with: pip install onnx": (
        "导出 ONNX 需要 onnx 包（bpnn 的 'onnx' 附加依赖）；安装方法：pip install onnx"
    ),
    "Cannot export to ONNX: the feature column {name} would have the name of one of the graph's outputs or "
    "internal values ({names}, bpnn.*); rename the column and train again.": (
        "无法导出为 ONNX：特征列 {name} 会与计算图的某个输出或内部值同名（{names}、bpnn.*）；请给这一列改名后重新训练。"
    ),
    "the ONNX graph failed onnx's checker: {reason}": "ONNX 计算图没有通过 onnx 的检查：{reason}",
    "Cannot export a {kind} to ONNX.": "无法把 {kind} 导出为 ONNX。",
    "Cannot export a {kind}; only minmax, standard and none scaling.": (
        "无法导出 {kind}；只支持 minmax、standard 和 none 缩放。"
    ),
    "The Python export takes numbers only; this model has text columns ({names}). Use --format onnx, which "
    "encodes them.": "导出为 Python 只接受数；这个模型有文本列（{names}）。请用 --format onnx，它会对文本列编码。",
    "export_python takes a bpnn Model or Network; got {kind}.": (
        "export_python 接受 bpnn 的 Model 或 Network，收到的是 {kind}。"
    ),
    "The 'scale' parameter must be one of {names} or None; got {scale}.": (
        "参数 'scale' 应为 {names} 之一或 None，收到的是 {scale}。"
    ),
    "unknown scaler {name}; this bpnn knows {names}": "未知的缩放器 {name}；这个 bpnn 认识 {names}",
    "This {kind} is not fitted yet; call fit(X) first.": "这个 {kind} 还没有拟合；请先调用 fit(X)。",
    "This {kind} is not fitted yet; there is nothing to save.": "这个 {kind} 还没有拟合；没有可保存的东西。",
    "{kind} state lacks {names}.": "{kind} 的状态缺少 {names}。",
    "{kind} state arrays must be 1-D and non-empty; got shape {shape}.": (
        "{kind} 的状态数组应为 1 维且非空，收到的形状是 {shape}。"
    ),
    "{kind} state has a column whose minimum exceeds its maximum.": "{kind} 的状态中有一列的最小值大于最大值。",
    "{kind} state has a negative variance.": "{kind} 的状态中有负的方差。",
    "{kind} state's n_samples_seen_ must be one integer; got {seen}.": (
        "{kind} 状态的 n_samples_seen_ 应为一个整数，收到的是 {seen}。"
    ),
    "{kind} state says it saw {seen} samples; expected >= 1.": "{kind} 的状态说它见过 {seen} 个样本；应不少于 1 个。",
    "The 'feature_range' parameter must be finite with low < high; got {value}.": (
        "参数 'feature_range' 应为有限值且 low < high，收到的是 {value}。"
    ),
    "{kind} state array {name} has shape {shape}; expected {expected}.": (
        "{kind} 的状态数组 {name} 的形状是 {shape}；应为 {expected}。"
    ),
    "{kind} state array {name} holds non-finite values.": "{kind} 的状态数组 {name} 中有非有限的值。",
    "The 'feature_range' parameter must be a pair of numbers (low, high); got {value}.": (
        "参数 'feature_range' 应为一对数 (low, high)，收到的是 {value}。"
    ),
    # bpnn train --chunksize and the schema (tables/chunked.py)
    "--chunksize reads columns of numbers only, and column {name} holds {what!t}: it is {role!t}; leave out "
    "--chunksize to train on it, or write the file without it": (
        "--chunksize 只读取由数组成的列，而列 {name} 中是{what!t}：它是{role!t}；"
        "要用它训练，请去掉 --chunksize，或者写一个不含这一列的文件"
    ),
    "true/false": "真/假值",
    "text such as {sample}": "文本（例如 {sample}）",
    "the target": "目标列",
    "a {role!t} column ({reason!t})": "{role!t}列（{reason!t}）",
    "an {role!t} column ({reason!t})": "{role!t}列（{reason!t}）",
    "no feature columns left in {table}: every column is a target, ignored, an identifier or constant": (
        "{table} 中没有剩下特征列：每一列都是目标、被忽略、标识符或常数"
    ),
    # -- the training loop, its optimizers and solvers (training/*), met through bpnn train --------------
    "The 'optimizer' parameter must be a name (str) or an Optimizer object. Got {kind} instead.": (
        "参数 'optimizer' 应为名称（str）或 Optimizer 对象，收到的是 {kind}。"
    ),
    "The state given to {kind}.set_state lacks {names}.": "传给 {kind}.set_state 的状态缺少 {names}。",
    "The 'nesterov' parameter must be a bool; got {value}.": "参数 'nesterov' 应为 bool，收到的是 {value}。",
    "The 'nesterov' parameter needs momentum > 0; got momentum=0.0.": (
        "参数 'nesterov' 需要 momentum > 0，收到的是 momentum=0.0。"
    ),
    "The {name} optimizer has no learning rate; got learning_rate={value}. Leave learning_rate unset.": (
        "优化器 {name} 没有学习率，收到的是 learning_rate={value}。请不要设置学习率（去掉 --learning-rate）。"
    ),
    "Got both an optimizer object and 'learning_rate'; set the learning rate on the optimizer object instead.": (
        "同时收到了优化器对象和 'learning_rate'；请改在优化器对象上设置学习率。"
    ),
    "The {name} optimizer minimises a sum of squared errors and needs loss='mse'; the network's loss is {got}. "
    "Use optimizer='lbfgs', 'rprop' or 'adam' for other losses.": (
        "优化器 {name} 最小化的是误差平方和，需要 loss='mse'；而网络的损失是 {got}。"
        "其他损失请用 optimizer='lbfgs'、'rprop' 或 'adam'。"
    ),
    "the damped matrix is not positive definite (leading minor {info})": (
        "阻尼后的矩阵不是正定的（第 {info} 个顺序主子式）"
    ),
    "LAPACK ?posv rejected argument {info}": "LAPACK ?posv 拒绝了第 {info} 个参数",
    "{name} needs a network of Dense layers only: it evaluates the network several times per epoch and expects "
    "the same answer each time; got a {kind} layer. Remove it, or use a first-order optimizer such as 'adam'.": (
        "{name} 只适用于全由 Dense 层组成的网络：它每轮要多次计算网络，并要求每次结果相同；"
        "收到的却有 {kind} 层。请去掉它，或改用 'adam' 这样的一阶优化器。"
    ),
    "The 'etas' parameter must be a pair (eta_minus, eta_plus); got {value}.": (
        "参数 'etas' 应为一对数 (eta_minus, eta_plus)，收到的是 {value}。"
    ),
    "The 'step_sizes' parameter must be a pair (step_min, step_max); got {value}.": (
        "参数 'step_sizes' 应为一对数 (step_min, step_max)，收到的是 {value}。"
    ),
    "The 'norm' parameter must be 2 or numpy.inf; got {value}.": "参数 'norm' 应为 2 或 numpy.inf，收到的是 {value}。",
    "The 'damping' parameter must be 'trainlm' or 'nielsen'; got {value}.": (
        "参数 'damping' 应为 'trainlm' 或 'nielsen'，收到的是 {value}。"
    ),
    "The '{name}' optimizer cannot take the L1 penalty (|w| is not smooth); build the network with l1=0 "
    "(got l1={l1}) or use alpha (L2) instead.": (
        "优化器 '{name}' 不能带 L1 惩罚（|w| 不光滑）；请用 l1=0 构建网络（收到的是 l1={l1}），或改用 alpha（L2）。"
    ),
    "The 'br' optimizer estimates the weight decay itself; build the network with alpha=0 (got alpha={alpha}).": (
        "优化器 'br' 自己估计权重衰减；请用 alpha=0 构建网络（收到的是 alpha={alpha}）。"
    ),
    "The {name} optimizer works on the whole training set; use batch_size=None (got {batch_size}).": (
        "优化器 {name} 每次用整个训练集；请用 batch_size=None（收到的是 {batch_size}）。"
    ),
    "The 'fast' parameter must be None, True or False; got {value}.": (
        "参数 'fast' 应为 None、True 或 False，收到的是 {value}。"
    ),
    "The 'metrics' parameter must list names from {names} or callables f(y_true, y_pred). Got {value} instead.": (
        "参数 'metrics' 应列出 {names} 中的名称或可调用对象 f(y_true, y_pred)，收到的是 {value}。"
    ),
    "Each entry of 'metrics' must be a name or a callable; got {kind}.": (
        "'metrics' 的每一项应为名称或可调用对象，收到的是 {kind}。"
    ),
    "'sample_weight' must have one entry per row of X ({n}); got {got}.": (
        "'sample_weight' 应为 X 的每一行（{n} 行）各给一项，收到的是 {got}。"
    ),
    "'sample_weight' must be non-negative with a positive sum.": "'sample_weight' 应为非负数，且总和为正。",
    "Pass either 'validation_data' or 'validation_split' to fit, not both.": (
        "传给 fit 的 'validation_data' 和 'validation_split' 只能有一个。"
    ),
    "'validation_split' needs at least 2 samples; got {n}.": "'validation_split' 至少需要 2 个样本，收到的是 {n}。",
    "The 'batch_size' parameter must be <= the number of samples ({m}); got {batch_size}. Use batch_size=None "
    "for full batch.": ("参数 'batch_size' 应不大于样本数（{m}），收到的是 {batch_size}。全批量请用 batch_size=None。"),
    "The 'validation_data' parameter must be a pair (X_val, y_val).": (
        "参数 'validation_data' 应为一对 (X_val, y_val)。"
    ),
    "fast=True, but the compiled path cannot train this: {reason}.": "fast=True，但编译路径训练不了它：{reason}。",
    "The 'build' argument must be a callable build(seed) -> Network; got {kind}.": (
        "参数 'build' 应为可调用对象 build(seed) -> Network，收到的是 {kind}。"
    ),
}
