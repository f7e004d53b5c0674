"""Every ``bpnn`` command in Chinese: the same numbers as in English, every message from the one catalogue.

The catalogue is ``bpnn.explain.i18n.ZH``. The tests run each command in both languages and compare
the numbers of the two outputs; they walk the sources for the messages the commands print or raise
and check that each has its Chinese entry; and they run bad inputs in Chinese, which must fail with
one Chinese line and status 2.
"""

import ast
import os
import re
import socket
import string
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bpnn.explain import i18n
from cli_helpers import run

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "bpnn"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def numbers(text: str) -> list[str]:
    """Every number of a text as written, sorted (a Chinese sentence may put them in another order)."""
    return sorted(_NUMBER.findall(text))


def both(capsys, *argv):
    """Run ``bpnn ARGV`` in English and in Chinese; both must succeed. Returns the two outputs."""
    i18n.missing.clear()
    code_en, en, err_en = run(capsys, *argv, "--lang", "en")
    code_zh, zh, err_zh = run(capsys, *argv, "--lang", "zh")
    assert code_en == 0 and code_zh == 0, (err_en, err_zh)
    assert not i18n.missing, sorted(i18n.missing)
    return en, zh


#: English words a Chinese report has no business holding (file and column names here hold none of them)
_ENGLISH = re.compile(r"\b(the|rows|epochs|with|of|holds|and|not|period|ahead)\b")


def same_numbers_in_chinese(en: str, zh: str, at_least: int = 1) -> None:
    assert numbers(zh) == numbers(en), (en, zh)
    assert len(numbers(en)) >= at_least
    assert _CJK.search(zh) and not _CJK.search(en)


def no_english_left(zh: str) -> None:
    """No line of a Chinese report reads as English (a template matched wrongly would leave some)."""
    left = [line for line in zh.splitlines() if _ENGLISH.search(re.sub(r"\S*/\S*", "", line))]  # paths aside
    assert not left, left


def chinese_error(capsys, *argv) -> str:
    """Run a command that must fail, in Chinese: status 2, one line, Chinese words, no traceback."""
    i18n.missing.clear()
    code, out, err = run(capsys, *argv, "--lang", "zh")
    assert code == 2, (out, err)
    assert err.startswith("bpnn：错误：") and err.count("\n") == 1 and "Traceback" not in err, err
    assert not i18n.missing, sorted(i18n.missing)
    # the English line says the same thing with the same numbers
    code, _, err_en = run(capsys, *argv, "--lang", "en")
    assert code == 2 and err_en.startswith("bpnn: error: ") and err_en.count("\n") == 1
    assert numbers(err) == numbers(err_en), (err, err_en)
    return err.strip()


# -- the catalogue is the one source: every message a command prints or raises has its Chinese --------

#: The modules whose messages reach a user of the commands this catalogue covers.
COVERED = [
    "cli/main.py",
    "cli/argtypes.py",
    "cli/forecast.py",
    "cli/tables.py",
    "forecast/report.py",
    "forecast/workflow.py",
    "forecast/series.py",
    "forecast/model.py",
    "playground/server.py",
    "tables/workflow.py",
    "tables/schema.py",
    "tables/prepare.py",
    "tables/chunked.py",
    "io/csvdata.py",
    "io/frames.py",
    "io/encoding.py",
    "io/dates.py",
    "io/container.py",
    "io/model.py",
    "explain/step.py",
    "explain/render.py",
    "demos/seeds.py",
    "core/checks.py",
    "io/onnx.py",
    "io/export.py",
    "io/scaling.py",
    "training/optimizers.py",
    "training/solvers.py",
    "training/loop.py",
    "training/restarts.py",
]


def _shape(node) -> str | None:
    """A message in the source as a template with every field written ``{}``; None when not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _shape(node.left), _shape(node.right)
        return None if left is None or right is None else left + right
    return None


def _key_shape(key: str) -> str:
    return "".join(text + ("{}" if name is not None else "") for text, name, _, _ in string.Formatter().parse(key))


def _normal(text: str) -> str:
    return " ".join(text.split())


def messages_in_source(path: Path):
    """(line, kind, template) for every message raised as an error, or passed to the translator."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
            name = ast.unparse(node.exc.func)
            if name.endswith(("Error", "DataError")) and name not in ("KeyError", "AssertionError"):
                shape = _shape(node.exc.args[0])
                if shape is not None and " " in shape.strip():  # a sentence, not a key such as 'type'
                    yield node.lineno, "raise", shape
        elif isinstance(node, ast.Call) and node.args:
            name = ast.unparse(node.func)
            if name in ("say", "t", "self.t") or name.endswith(".say"):
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    yield node.lineno, "say", first.value


def test_every_message_of_the_commands_has_its_chinese():
    keys = {_normal(_key_shape(k)) for k in i18n.ZH}
    lacking, found = [], 0
    for relative in COVERED:
        for line, kind, template in messages_in_source(SRC / relative):
            found += 1
            shape = _normal(template if kind == "raise" else _key_shape(template))
            if kind == "say" and template not in i18n.ZH:
                lacking.append(f"{relative}:{line}: {template!r} (not a key of the catalogue)")
            elif shape not in keys:
                lacking.append(f"{relative}:{line}: {template!r}")
    assert found > 80
    assert not lacking, "\n".join(lacking)


def test_catalogue_templates_read_back_the_english_text():
    # an English message filled in is found again by its template, and its fields carried over unchanged
    t = i18n.Translator("zh")
    i18n.missing.clear()
    text = (
        "--out m.bpnn is the data file this command reads (m.bpnn); writing there would destroy it. "
        "Give --out another file name"
    )
    assert (
        t.written(text)
        == "--out m.bpnn 是本命令要读取的数据文件（m.bpnn），写到那里会把它毁掉。请给 --out 另一个文件名"
    )
    assert t.written("argument --lags: expected a whole number >= 1; got '0'") == (
        "参数 --lags：应为不小于 1 的整数，收到的是 '0'"
    )
    assert t.written("m.bpnn: the model description lacks 'task'") == "m.bpnn：模型描述缺少 'task'"
    assert not i18n.missing
    # text no template matches stays as it is, and is remembered
    assert t.written("something new went wrong") == "something new went wrong"
    assert "something new went wrong" in i18n.missing
    assert (
        i18n.Translator("en").written("argument --lags: expected one argument")
        == "argument --lags: expected one argument"
    )
    i18n.missing.clear()


def test_an_error_is_one_line_in_both_languages():
    from bpnn.cli import lang

    try:
        for code in ("zh", "en"):
            lang.choose(["--lang", code])
            line = lang.error_line("interrupted\n  (Ctrl-C)")
            assert line in ("bpnn: error: interrupted (Ctrl-C)", "bpnn：错误：已中断（Ctrl-C）")
    finally:
        lang.choose(["--lang", "en"])


def test_padding_counts_wide_characters_twice():
    assert i18n.width("网络") == 4 and i18n.width("AR(6)") == 5
    assert i18n.pad("网络", 6) == "网络  " and i18n.pad("ab", 4, ">") == "  ab"


# -- forecast --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def series_csv(tmp_path_factory):
    folder = tmp_path_factory.mktemp("series")
    rng = np.random.default_rng(0)
    t = np.arange(96)
    y = 10 + 3 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 0.3, t.size)
    path = folder / "sales.csv"
    path.write_text("month,sales\n" + "".join(f"{a},{float(b)!r}\n" for a, b in zip(t, y)), encoding="utf-8")
    return path


def test_forecast_in_chinese_carries_the_english_numbers(capsys, series_csv, tmp_path):
    model = tmp_path / "model.bpnn"
    argv = ["forecast", series_csv, "--target", "sales", "--time", "month", "--season", "12", "--horizon", "3"]
    en, zh = both(capsys, *argv, "--epochs", "30", "--restarts", "2", "-o", model)
    same_numbers_in_chinese(en, zh, at_least=60)
    no_english_left(zh)
    assert "测试期，提前一步：" in zh and "RMSE" in zh and "季节朴素预测 (12)" in zh
    assert len(zh.splitlines()) == len(en.splitlines())

    en, zh = both(capsys, "forecast", model, "--steps", "3")
    assert zh == en and zh.startswith("month,forecast\n")  # a CSV: data, the same in both languages

    en, zh = both(capsys, "forecast", model, "--score", series_csv)
    head_en, *rows_en = en.splitlines()
    head_zh, *rows_zh = zh.splitlines()
    same_numbers_in_chinese(head_en, head_zh, at_least=5)
    assert rows_zh == rows_en  # the CSV rows and their column names are data, the same in both

    # bpnn predict with a forecast model: the same rows on standard output, the summary in Chinese beside them
    code, rows, summary = run(capsys, "predict", model, series_csv, "--lang", "zh")
    assert code == 0 and rows.splitlines() == rows_zh and summary.startswith("对 'sales' 的") and "RMSE" in summary


def test_forecast_errors_in_chinese(capsys, series_csv, tmp_path):
    assert "--steps 和 --score 只能给一个" in chinese_error(
        capsys, "forecast", series_csv, "--steps", "2", "--score", series_csv
    )
    assert "除时间列外还有 2 列" in chinese_error(capsys, "forecast", series_csv)
    assert "应为不小于 1 的整数，收到的是 '0'" in chinese_error(capsys, "forecast", series_csv, "--lags", "0")
    assert "无效的选项 'x'" in chinese_error(capsys, "forecast", series_csv, "--fill", "x")
    assert "需要同时给出 --season S" in chinese_error(
        capsys, "forecast", series_csv, "--target", "sales", "--seasonal-lag"
    )
    assert "不在序列之内" in chinese_error(
        capsys, "forecast", series_csv, "--target", "sales", "--time", "month", "--test-from", "500"
    )


# -- train, predict, info ---------------------------------------------------------------------------------

DATA = ROOT / "examples" / "data"


@pytest.mark.parametrize(
    "table, options",
    [
        ("fruit.csv", ["--target", "fruit", "--impute", "median", "--ignore", "id"]),
        ("regression.csv", ["--target", "period_s"]),
    ],
)
def test_train_predict_info_in_chinese_carry_the_english_numbers(capsys, tmp_path, table, options):
    model = tmp_path / "model.bpnn"
    en, zh = both(capsys, "train", DATA / table, *options, "--epochs", "15", "-o", model)
    same_numbers_in_chinese(en, zh, at_least=20)
    no_english_left(zh)
    assert len(zh.splitlines()) == len(en.splitlines())
    assert "划分     训练集" in zh and "已保存" in zh
    # the scores' table: the numbers in the same columns, the words Chinese
    table_en = [line for line in en.splitlines() if "0." in line and "  " in line]
    table_zh = [line for line in zh.splitlines() if "0." in line and "  " in line]
    assert [line.split()[-3:] for line in table_zh] == [line.split()[-3:] for line in table_en]

    en, zh = both(capsys, "info", model)
    same_numbers_in_chinese(en, zh, at_least=20)
    assert zh.startswith("bpnn 模型（") and "特征" in zh

    out = tmp_path / "predictions.csv"
    en, zh = both(capsys, "predict", model, DATA / table, "-o", out)
    same_numbers_in_chinese(en, zh, at_least=1)
    assert zh.startswith(f"已写入 {out}")
    code, stdout, _ = run(capsys, "predict", model, DATA / table, "--lang", "zh")
    assert code == 0 and stdout == out.read_text(encoding="utf-8")  # the predictions themselves: data, unchanged


def test_table_errors_in_chinese(capsys, tmp_path):
    fruit = DATA / "fruit.csv"
    assert "没有这个文件" in chinese_error(capsys, "train", tmp_path / "none.csv", "--target", "y")
    assert "是一个目录" in chinese_error(capsys, "train", fruit, "--target", "fruit", "-o", tmp_path)
    assert "--split 的份额之和应为 1" in chinese_error(
        capsys, "train", fruit, "--target", "fruit", "--split", "0.5,0.1,0.1"
    )
    assert "--hidden" in chinese_error(capsys, "train", fruit, "--target", "fruit", "--hidden", "a")
    assert "要读取的数据文件" in chinese_error(capsys, "train", fruit, "--target", "fruit", "-o", fruit)


@pytest.mark.parametrize(
    "content, words",
    [
        ("hello", "不是 bpnn 模型文件（它是文本文件，不是 zip 压缩包）"),
        ("", "是空文件（0 字节）"),
        ("PK\x03\x04", "被截断或已损坏"),
    ],
    ids=["text", "empty", "cut-short"],
)
def test_model_file_errors_in_chinese(capsys, tmp_path, content, words):
    path = tmp_path / "model.bpnn"
    path.write_bytes(content.encode("latin-1"))
    assert words in chinese_error(capsys, "info", path)
    assert words in chinese_error(capsys, "predict", path, DATA / "fruit.csv")


def test_reading_errors_in_chinese(capsys, tmp_path):
    commented = tmp_path / "commented.csv"
    commented.write_text("# made by hand\na,b\n1,2\n", encoding="utf-8")
    assert "表头行以 '#' 开头：如果它是注释，请加 --comment '#'" in chinese_error(
        capsys, "train", commented, "--target", "b"
    )
    fruit = DATA / "fruit.csv"
    line = chinese_error(capsys, "train", fruit, "--target", "fruit")  # fruit.csv has empty cells
    assert "（数据第 1 行）：列 'weight_g' 是空的，即缺失值；请加 --impute median" in line
    assert "找不到列 'Fruit'；是不是 'fruit'？" in chinese_error(capsys, "train", fruit, "--target", "Fruit")
    assert "分隔符是不是 ','？" in chinese_error(capsys, "train", fruit, "--target", "fruit", "--sep", ";")
    assert "参数 'activation' 应为" in chinese_error(capsys, "explain", "--activation", "foo")
    table = DATA / "regression.csv"
    rate = ["--solver", "lm", "--learning-rate", "0.1", "-o", tmp_path / "m.bpnn"]
    assert "优化器 'lm' 没有学习率" in chinese_error(capsys, "train", table, "--target", "period_s", *rate)
    diverging = ["--solver", "sgd", "--learning-rate", "1e6", "--epochs", "50", "-o", tmp_path / "m.bpnn"]
    assert "训练发散了：第 2 轮时损失增大到" in chinese_error(
        capsys, "train", table, "--target", "period_s", *diverging
    )


def test_lang_zh_locale_makes_bpnn_train_report_in_chinese(tmp_path):
    env = {**os.environ, "LANG": "zh_CN.UTF-8", "PYTHONPATH": str(ROOT / "src")}
    env.pop("LC_ALL", None)
    env.pop("LC_MESSAGES", None)
    command = [sys.executable, "-m", "bpnn", "train", str(DATA / "regression.csv"), "--target", "period_s"]
    done = subprocess.run(
        [*command, "--epochs", "5", "-o", str(tmp_path / "m.bpnn")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "划分     训练集 210，验证集 45，测试集 45" in done.stdout and "已保存" in done.stdout
    done = subprocess.run([*command, "--split", "2,2"], env=env, capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("bpnn：错误：") and done.stderr.count("\n") == 1


# -- export, playground, the parser ----------------------------------------------------------------------


def test_export_in_chinese(capsys, series_csv, tmp_path):
    table = tmp_path / "table.csv"
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(60, 2))
    table.write_text("a,b,y\n" + "".join(f"{p},{q},{p - q}\n" for p, q in x.tolist()), encoding="utf-8")
    model = tmp_path / "model.bpnn"
    code, _, err = run(capsys, "train", table, "--target", "y", "--epochs", "5", "-o", model, "--quiet")
    assert code == 0, err
    out = tmp_path / "predict_model.py"
    en, zh = both(capsys, "export", model, "-o", out)
    assert zh.strip() == f"已写入 {out}" and en.strip() == f"wrote {out}"
    assert "要读取的模型文件" in chinese_error(capsys, "export", model, "-o", model)


def test_playground_start_lines_in_chinese(capsys, monkeypatch):
    pytest.importorskip("uvicorn")
    import uvicorn

    monkeypatch.setattr(uvicorn.Server, "run", lambda self: None)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    en, zh = both(capsys, "playground", "--no-browser", "--port", port)
    assert zh.startswith(f"bpnn playground：http://127.0.0.1:{port}") and "按 Ctrl-C 停止" in zh
    same_numbers_in_chinese(en, zh, at_least=3)
    en, zh = both(capsys, "playground", "--no-browser", "--port", port, "--host", "0.0.0.0")
    assert "?token=" in zh and "bpnn playground：正在监听 0.0.0.0" in zh and len(zh.splitlines()) == 2
    token = re.compile(r"token=\S+")  # a new random token at each start
    same_numbers_in_chinese(token.sub("", en), token.sub("", zh), at_least=5)
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        assert "无法监听 127.0.0.1" in chinese_error(capsys, "playground", "--no-browser", "--port", port)


@pytest.mark.parametrize(
    "argv, words",
    [
        (["frobnicate"], "无效的选项 'frobnicate'"),
        (["forecast"], "缺少必需的参数：TABLE|MODEL"),
        (["forecast", "x.csv", "--bogus"], "无法识别的参数：--bogus"),
        (["explain", "--layers", "2"], "--layers 至少要有两个层宽"),
        (["explain", "--weights", "1,2"], "收到的是 1 组"),
        (["explain", "--biases", "1", "--no-bias"], "不能与参数 --biases 同时使用"),
        (["playground", "--port", "70000"], "应为 1 到 65535 之间的端口号"),
        (["train", "t.csv", "--target", "y", "--task", "foo"], "train：参数 --task：无效的选项 'foo'"),
        (["info"], "缺少必需的参数：model"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else "",
)
def test_bad_command_lines_fail_in_chinese(capsys, argv, words):
    assert words in chinese_error(capsys, *argv)


def test_the_zh_locale_chooses_chinese_for_every_command(capsys, monkeypatch):
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    code, _, err = run(capsys, "forecast")
    assert code == 2 and err.startswith("bpnn：错误：缺少必需的参数")
    code, _, err = run(capsys, "forecast", "--lang", "en")  # an explicit choice wins
    assert code == 2 and err.startswith("bpnn: error: the following arguments are required")
