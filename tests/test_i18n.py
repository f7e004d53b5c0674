"""bpnn explain and the demos in Chinese: the same numbers as in English, every message translated."""

import re

import numpy as np
import pytest

import bpnn
from bpnn.cli.main import main
from bpnn.demos.seeds import DEMOS
from bpnn.explain import i18n
from bpnn.explain.render import render

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def numbers(text: str) -> list[str]:
    """Every number of a text as written, in sorted order (a Chinese sentence may put them in another order)."""
    return sorted(_NUMBER.findall(text))


def run_demo(name: str, lang: str, **kwargs) -> str:
    lines: list[str] = []
    DEMOS[name].run(echo=lines.append, progress="lines", lang=lang, **kwargs)
    return "\n".join(lines)


# small settings: the point is the words, not the training
SMALL = {
    "worked-example": {},
    "xor": {"epochs": 300},
    "binary": {"epochs": 2000},
    "moons": {"epochs": 2, "n_samples": 200, "every": 1},
    "sine": {"epochs": 10, "n_train": 500},
    "digits": {"epochs": 5},
}


@pytest.mark.parametrize("name", list(DEMOS))
def test_demo_in_chinese_has_the_english_numbers(name):
    i18n.missing.clear()
    en, zh = run_demo(name, "en", **SMALL[name]), run_demo(name, "zh", **SMALL[name])
    assert not i18n.missing, sorted(i18n.missing)
    assert numbers(zh) == numbers(en)
    assert len(numbers(en)) > 5
    # translated line by line: no English sentence is left in the Chinese output
    assert len(zh.splitlines()) == len(en.splitlines())
    assert _CJK.search(zh)
    assert not any(_CJK.search(line) for line in en.splitlines() if "《" not in line)  # only the article's title


def test_demos_name_their_article_by_its_title():
    assert run_demo("worked-example", "en").splitlines()[0] == (
        "Seed article 002: 《BP神经网络计算过程详解,算一遍弄懂反向传播--Python计算过程》"
    )
    assert run_demo("xor", "zh", epochs=100).splitlines()[0].startswith("原文 000：《BP神经网络训练算法源代码")


@pytest.mark.parametrize(
    "layers, loss, activation, m",
    [
        ([2, 2, 2], "mse", "sigmoid", 1),
        ([3, 4, 2], "categorical_crossentropy", ["tanh", "softmax"], 2),
        ([2, 3, 1], "binary_crossentropy", ["relu", "sigmoid"], 3),
    ],
)
@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_explain_in_chinese_has_the_english_numbers(layers, loss, activation, m, fmt):
    acts = activation if isinstance(activation, list) else [activation] * (len(layers) - 1)
    net = bpnn.Network(
        [bpnn.Dense(a, b, f) for a, b, f in zip(layers[:-1], layers[1:], acts)], loss=loss, seed=1, alpha=0.0
    )
    rng = np.random.default_rng(2)
    X = rng.uniform(size=(m, layers[0]))
    Y = np.eye(layers[-1])[rng.integers(0, layers[-1], m)] if layers[-1] > 1 else rng.integers(0, 2, (m, 1)) * 1.0
    step = net.explain(X, Y, 0.5)
    i18n.missing.clear()
    en, zh = render(step, fmt, lang="en"), render(step, fmt, lang="zh")
    assert not i18n.missing, sorted(i18n.missing)
    assert numbers(zh) == numbers(en) and len(numbers(en)) > 20
    assert "反向传播的一步" in zh and "反向" not in en


def test_explain_worked_example_in_chinese(capsys):
    args = "explain --layers 2,2,2 --weights 1 --no-bias --inputs 0.1,0.88 --targets 0.55,1 --lang zh".split()
    assert main(args) == 0
    out = capsys.readouterr().out
    # seed 002's first iteration, published to 6 decimals: loss, one gradient, one update
    assert "= 0.051896" in out and "0.029091" in out and "= 0.985455" in out
    assert "1. 前向传播" in out and "5. 更新" in out


def test_the_locale_chooses_the_language(monkeypatch, capsys):
    assert i18n.language(None, {"LANG": "zh_CN.UTF-8"}) == "zh"
    assert i18n.language(None, {"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}) == "en"  # LC_ALL wins, as in gettext
    assert i18n.language(None, {"LC_ALL": "zh_TW"}) == "zh"
    assert i18n.language(None, {}) == "en"
    assert i18n.language("zh", {"LANG": "C"}) == "zh"  # an explicit choice wins
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    assert main(["demo", "worked-example", "--epochs", "1"]) == 0
    assert "第 1 次迭代" in capsys.readouterr().out
    assert main(["demo", "worked-example", "--epochs", "1", "--lang", "en"]) == 0
    assert "Iteration 1" in capsys.readouterr().out


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="'lang' parameter must be one of"):
        i18n.Translator("fr")
    with pytest.raises(SystemExit) as info:
        main(["explain", "--lang", "fr"])
    assert info.value.code == 2


def test_catalogue_fields_match():
    # a Chinese message must use exactly the fields (and format specs) of its English message
    field = re.compile(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}")
    for en, zh in i18n.ZH.items():
        # only English grammar has no place in Chinese: a plural ending ("row{s}"), a verb's number ("{verb}")
        assert sorted(f for f in field.findall(en) if f not in ("{s}", "{verb}")) == sorted(field.findall(zh)), en
        assert numbers(re.sub(field, "", en)) == numbers(re.sub(field, "", zh)), en
