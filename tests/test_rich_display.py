"""What Jupyter shows for bpnn's objects: IPython's own display formatter is asked, as a notebook
does, and the HTML or Markdown it gets must hold the objects' numbers."""

from __future__ import annotations

import re

import numpy as np
import pytest

import bpnn
from bpnn.demos.seeds import BLOG_ITERATION_1
from cli_helpers import run

formatters = pytest.importorskip("IPython.core.formatters")

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
Y = np.array([[0], [1], [1], [0]], dtype=float)


def shown(obj) -> dict:
    """The MIME bundle a notebook displays for ``obj``."""
    data, _metadata = formatters.DisplayFormatter().format(obj)
    return data


def cells(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)] for r in rows]


def test_a_network_shows_its_layers_their_parameters_and_its_picture():
    net = bpnn.Network([bpnn.Dense(2, 3, "sigmoid"), bpnn.Dense(3, 1, "sigmoid", use_bias=False)], loss="mse", seed=0)
    html = shown(net)["text/html"]
    rows = cells(html)
    # parameters counted by hand: 2·3 weights + 3 biases, 3·1 weights and no bias
    assert rows[1] == ["1", "Dense(2, 3)", "sigmoid", "True", "9"]
    assert rows[2] == ["2", "Dense(3, 1)", "sigmoid", "False", "3"]
    assert rows[3][-1] == "12" and "mse" in rows[3][0]
    assert html.count("<svg") == 1  # the network drawn


def test_a_large_network_shows_its_table_without_a_picture():
    net = bpnn.Network([bpnn.Dense(64, 100, "relu"), bpnn.Dense(100, 10, "softmax")], seed=0)
    html = shown(net)["text/html"]
    assert cells(html)[-1][-1] == str(64 * 100 + 100 + 100 * 10 + 10)
    assert "<svg" not in html


def test_a_history_shows_its_last_values_and_its_loss_curves():
    net = bpnn.Network([bpnn.Dense(2, 3, "tanh"), bpnn.Dense(3, 1, "sigmoid")], loss="mse", seed=1)
    history = net.fit(X, Y, epochs=30, learning_rate=0.5, validation_data=(X, Y))
    html = shown(history)["text/html"]
    header, values = cells(html)[:2]
    assert header == ["epochs", "loss", "val_loss"]
    assert values[0] == "30"
    # the validation loss of the last epoch is the loss of the trained network, computed by hand here
    a1 = np.tanh(X @ net.layers[0].weights + net.layers[0].bias)
    out = 1 / (1 + np.exp(-(a1 @ net.layers[1].weights + net.layers[1].bias)))
    by_hand = 0.5 * np.mean(np.sum((Y - out) ** 2, axis=1))
    assert float(values[2]) == pytest.approx(by_hand, rel=1e-5)
    assert float(values[1]) == pytest.approx(history["loss"][-1], rel=1e-5)
    assert html.count("<svg") == 1


def test_an_explained_step_shows_as_bpnn_explain_writes_it_in_markdown(capsys):
    ones = np.ones((2, 2))
    net = bpnn.Network(
        [
            bpnn.Dense(2, 2, "sigmoid", weights=ones, use_bias=False),
            bpnn.Dense(2, 2, "sigmoid", weights=ones, use_bias=False),
        ],
        loss="mse",
    )
    step = net.explain(np.array([[0.1, 0.88]]), np.array([[0.55, 1.0]]), learning_rate=0.5)
    markdown = shown(step)["text/markdown"]
    code, out, _ = run(
        capsys, "explain", "--layers", "2,2,2", "--weights", "1", "--no-bias", "--inputs", "0.1,0.88",
        "--targets", "0.55,1", "--learning-rate", "0.5", "--format", "markdown",
    )  # fmt: skip
    assert code == 0
    assert markdown.strip() in out
    # the article's hand-computed numbers of the first iteration
    for name in ("h_out_1", "o_out_1"):
        assert f"{BLOG_ITERATION_1[name]:.6f}" in markdown, name


def test_a_table_model_shows_its_schema_and_its_metrics(tmp_path, capsys):
    rng = np.random.default_rng(0)
    rows = ["温度,颜色,合格"]
    for _ in range(60):
        t = rng.uniform(0, 1)
        rows.append(f"{t:.3f},{rng.choice(['红', '绿'])},{'是' if t > 0.5 else '否'}")
    table = tmp_path / "t.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = run(capsys, "train", table, "--target", "合格", "--out", tmp_path / "m.bpnn", "--seed", "0")
    assert code == 0, err
    model = bpnn.load(tmp_path / "m.bpnn")
    html = shown(model)["text/html"]
    table_rows = {r[0]: r[1] for r in cells(html) if len(r) == 2}
    assert table_rows["features"] == "温度, 颜色" and table_rows["targets"] == "合格"
    metric_rows = [r for r in cells(html) if len(r) > 2]
    header = metric_rows[0]
    for row in metric_rows[1:]:
        split = model.metrics[row[0]]
        assert float(row[header.index("rows")]) == split["rows"]
        assert float(row[header.index("accuracy")]) == pytest.approx(split["accuracy"], rel=1e-5)
        # accuracy is a count of rows over the split's rows
        correct = float(row[header.index("accuracy")]) * split["rows"]
        assert correct == pytest.approx(round(correct), abs=1e-3)
    assert {r[0] for r in metric_rows[1:]} == {"train", "validation", "test"}


def test_bpnn_info_says_what_happens_to_an_unseen_category(tmp_path, capsys):
    table = tmp_path / "t.csv"
    table.write_text("x,colour,y\n" + "".join(f"{i},{'rg'[i % 2]},{i % 3}\n" for i in range(30)), encoding="utf-8")
    code, _, err = run(capsys, "train", table, "--target", "y", "--out", tmp_path / "m.bpnn", "--seed", "0")
    assert code == 0, err
    code, out, _ = run(capsys, "info", tmp_path / "m.bpnn")
    assert code == 0
    # the setting read alone as "unknown error", like a failure
    assert not re.search(r"unknown:? error\b", out), out
    assert "a category not seen in training: refused (unknown=error)" in out
