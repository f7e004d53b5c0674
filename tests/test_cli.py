"""The ``bpnn`` command: explain against seed 002's published first iteration, demo options,
JSON, pictures, progress, help, and every error path (exit status 2, one line, no traceback)."""

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bpnn.cli.main import main
from bpnn.demos.progress import TrainingProgress
from seed002_published import PUBLISHED_ITERATION_1 as PUBLISHED

SRC = str(Path(__file__).resolve().parents[1] / "src")

SEED002 = [
    "explain",
    "--layers",
    "2,2,2",
    "--activation",
    "sigmoid",
    "--loss",
    "mse",
    "--weights",
    "1",
    "--no-bias",
    "--inputs",
    "0.1,0.88",
    "--targets",
    "0.55,1",
    "--learning-rate",
    "0.5",
]


# From the blog's code: h_in_1 = w1*x1 + w2*x2, h_in_2 = w3*x1 + w4*x2, o_in_1 = w5*h1 + w6*h2,
# o_in_2 = w7*h1 + w8*h2; so w_ij^[l] (from neuron i below to neuron j above) is:
BLOG_TO_TEXTBOOK = {
    "w1": "w_11^[1]",
    "w2": "w_21^[1]",
    "w3": "w_12^[1]",
    "w4": "w_22^[1]",
    "w5": "w_11^[2]",
    "w6": "w_21^[2]",
    "w7": "w_12^[2]",
    "w8": "w_22^[2]",
}


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def equations(text):
    """{(label, operator): value}: the last number of each written-out equation."""
    found, current = {}, None
    for line in text.splitlines() + [""]:
        cont = re.match(r"^ {5,}= (.*)$", line)
        if cont and current:
            current[2] += " = " + cont.group(1)
            continue
        if current:
            found[(current[0], current[1])] = float(re.findall(r"-?\d+\.\d+", current[2])[-1])
            current = None
        head = re.match(r"^ {4}(\S+) (=|←) (.*)$", line)
        if head:
            current = [head.group(1), head.group(2), head.group(3)]
    return found


def test_explain_seed002_matches_the_blog_number_by_number(capsys):
    code, out, err = run(SEED002, capsys)
    assert code == 0 and err == ""
    eq = equations(out)
    ours = {
        "h_in_1": eq[("z_1^[1]", "=")],
        "h_in_2": eq[("z_2^[1]", "=")],
        "h_out_1": eq[("a_1^[1]", "=")],
        "h_out_2": eq[("a_2^[1]", "=")],
        "o_in_1": eq[("z_1^[2]", "=")],
        "o_in_2": eq[("z_2^[2]", "=")],
        "o_out_1": eq[("a_1^[2]", "=")],
        "o_out_2": eq[("a_2^[2]", "=")],
        "lost": eq[("L", "=")],
    }
    for blog, label in BLOG_TO_TEXTBOOK.items():
        ours[f"diff_{blog}"] = eq[(f"∂L/∂{label}", "=")]
        ours[f"update_{blog}"] = eq[(label, "←")]
    assert ours == PUBLISHED
    # the blog's order: forward, loss, then w5..w8 before w1..w4, gradients before updates
    positions = [
        out.index(s)
        for s in ("z_1^[1] =", "a_1^[2] =", "\n    L =", "∂L/∂w_11^[2] =", "∂L/∂w_11^[1] =", "w_11^[2] ←", "w_11^[1] ←")
    ]
    assert positions == sorted(positions)


def test_explain_markdown_and_json(capsys):
    code, md, _ = run(SEED002 + ["--format", "markdown"], capsys)
    assert code == 0
    assert md.startswith("## ") and r"\frac{\partial L}{\partial w^{[2]}_{11}}" in md and "0.029091" in md
    code, raw, _ = run(SEED002 + ["--format", "json"], capsys)
    data = json.loads(raw)
    assert data["sizes"] == [2, 2, 2] and round(data["loss"], 6) == 0.051896
    assert round(data["layers"][1]["new_weights"][0][1], 6) == 1.010567  # w7 (h1 -> o2)


def test_explain_random_network_and_digits(capsys):
    argv = ["explain", "--layers", "3,2,2", "--activation", "tanh,softmax", "--loss", "cce", "--samples", "2"]
    argv += ["--seed", "3", "--digits", "3"]
    code, out, _ = run(argv, capsys)
    assert code == 0
    assert "3-2-2 (layer 1 tanh, layer 2 softmax)" in out and "samples   2" in out
    assert re.search(r"L = .* = \d\.\d{3}$", out, re.M)
    code2, out2, _ = run(argv, capsys)
    assert out2 == out  # seeded
    code, out, _ = run(
        [
            "explain",
            "--weights",
            "0.1,0.2,0.3,0.4;0.5,0.6,0.7,0.8",
            "--biases",
            "0.5",
            "--inputs",
            "1,2",
            "--targets",
            "0,1",
        ],
        capsys,
    )
    eq = equations(out)
    # z_1^[1] = w_11*x1 + w_21*x2 + b_1 = 0.1*1 + 0.3*2 + 0.5 (weights given row by row)
    assert eq[("z_1^[1]", "=")] == pytest.approx(1.2)
    assert eq[("z_2^[1]", "=")] == pytest.approx(0.2 + 0.8 + 0.5)


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["demo", "nope"], "invalid choice: 'nope'"),
        (["demo", "moons", "--hidden", "25,x"], "argument --hidden: expected comma-separated layer widths"),
        (["demo", "moons", "--hidden", "0"], "argument --hidden"),
        (["demo", "xor", "--learning-rate", "-1"], "argument --learning-rate/--lr: expected a number > 0; got '-1'"),
        (["demo", "xor", "--epochs", "ten"], "argument --epochs: expected a whole number >= 1; got 'ten'"),
        (["demo", "xor", "--batch-size", "0"], "argument --batch-size"),
        (["demo", "moons", "--activation", "softmax"], "argument --activation: expected one of"),
        (["demo", "worked-example", "--hidden", "3"], "--hidden does not apply to this demo"),
        (["demo", "xor", "--data-dir", "x"], "unrecognized arguments: --data-dir x"),
        (["demo", "digits", "--data-dir", "/no/such/folder", "--quiet"], "MNIST folder /no/such/folder does not exist"),
        (["explain", "--weights", "1,2,3"], "--weights must give one number or 2 groups"),
        (["explain", "--weights", "1,2,3;1,2,3,4"], "--weights: layer 1 (2 → 2) needs 4 numbers; got 3"),
        (["explain", "--inputs", "1,2,3"], "--inputs must give 2 numbers per sample"),
        (["explain", "--inputs", "1,2;3,4", "--targets", "1,0"], "--targets must give one sample per sample"),
        (["explain", "--inputs", "1,x"], "argument --inputs: expected comma-separated inputs"),
        (["explain", "--activation", "relu,softmax,tanh"], "--activation must give one name or 2 names"),
        (["explain", "--activation", "softmax,sigmoid"], "softmax is only allowed in the last layer"),
        (["explain", "--activation", "swish"], "'activation' parameter must be one of"),
        (["explain", "--loss", "hinge"], "argument --loss: invalid choice: 'hinge'"),
        (["explain", "--layers", "2"], "--layers needs at least two widths"),
        (["explain", "--digits", "40"], "argument --digits"),
        ([], "the following arguments are required: COMMAND"),
        (["demo"], "the following arguments are required: NAME"),
    ],
)
def test_bad_input_exits_2_with_one_line(argv, needle, capsys):
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("bpnn: error: "), err
    assert needle in err, err
    assert "Traceback" not in err and "usage:" not in err


def test_errors_found_while_running_are_one_line_too(capsys):
    code, out, err = run(["demo", "xor", "--batch-size", "9", "--quiet"], capsys)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("bpnn: error: The 'batch_size' parameter must be <= the number of samples (4)")


def test_unreadable_data_dir_is_a_data_error(tmp_path, capsys):
    for name in (
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ):
        (tmp_path / name).write_bytes(b"garbage!")
    code, out, err = run(["demo", "digits", "--data-dir", str(tmp_path), "--quiet"], capsys)
    assert code == 2 and err.startswith("bpnn: error: ") and err.count("\n") == 1
    assert "train-images-idx3-ubyte" in err


def test_the_installed_entry_point_exits_2_without_traceback():
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.run(
        [sys.executable, "-m", "bpnn.cli", "demo", "moons", "--hidden", "a,b"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.startswith("bpnn: error: argument --hidden") and proc.stderr.count("\n") == 1
    proc = subprocess.run(
        [sys.executable, "-m", "bpnn.cli", "explain"], capture_output=True, text=True, env=env, timeout=120
    )
    assert proc.returncode == 0 and "One step of backpropagation" in proc.stdout


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["demo", "--help"], ["explain", "--help"]]
    + [["demo", name, "--help"] for name in ("worked-example", "xor", "binary", "moons", "sine", "digits")],
)
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert out.startswith("usage: bpnn")
    if argv[0] == "demo" and len(argv) == 3:
        assert "--out DIR" in out and "--json" in out and "--quiet" in out and "(default" in out
    if argv[1:2] == ["digits"]:
        assert "--data-dir" in out


def test_demo_json_prints_only_json(capsys):
    code, out, err = run(["demo", "xor", "--epochs", "3000", "--hidden", "4", "--seed", "1", "--json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["demo"] == "xor" and data["seed_document"] == "000"
    assert data["settings"] == {
        "epochs": 3000,
        "learning_rate": 2.0,
        "hidden": [4],
        "activation": "sigmoid",
        "batch_size": None,
        "seed": 1,
    }
    assert data["results"]["correct"] == 4 and data["files"] == []
    assert "network" not in data


def test_demo_prints_periodic_lines_when_not_a_terminal_and_nothing_with_quiet(capsys):
    code, out, _ = run(["demo", "xor", "--epochs", "300"], capsys)
    assert code == 0
    assert re.findall(r"^epoch +(\d+)/300", out, re.M) == ["1", "100", "200", "300"]
    assert "4/4 correct" in out or "/4 correct" in out
    code, out, _ = run(["demo", "xor", "--epochs", "300", "--quiet"], capsys)
    assert not re.search(r"^epoch", out, re.M) and "/4 correct" in out


def test_demo_out_saves_and_prints_each_picture(tmp_path, capsys):
    code, out, _ = run(
        ["demo", "binary", "--epochs", "200", "--learning-rate", "0.5", "--quiet", "--out", str(tmp_path)], capsys
    )
    assert code == 0
    saved = re.findall(r"^saved (.*)$", out, re.M)
    assert sorted(os.path.basename(p) for p in saved) == ["cost.png", "dataset.png", "decision_boundary.png"]
    for p in saved:
        with open(p, "rb") as f:
            assert f.read(4) == b"\x89PNG"


def test_make_demo_command_runs(capsys):
    """`make demo` runs `bpnn demo moons`; the same path at a reduced size."""
    code, out, _ = run(["demo", "moons", "--epochs", "2", "--learning-rate", "1", "--quiet"], capsys)
    assert code == 0
    assert re.search(r"final MSE 0\.\d{6}, test accuracy \d+\.\d\d%", out)


# -- progress --------------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def drive(progress, epochs, start=0):
    progress.on_train_begin({})
    for e in range(start + 1, start + epochs + 1):
        progress.on_epoch_begin(e, {})
        progress.on_epoch_end(e, {"loss": 1.0 / e})
    progress.on_train_end({})


def test_progress_lines_mode():
    lines = []
    p = TrainingProgress(25, every=10, mode="lines", echo=lines.append)
    drive(p, 25)
    assert [line.split()[1] for line in lines] == ["1/25", "10/25", "20/25", "25/25"]
    assert p.log == {"epoch": [1, 10, 20, 25], "loss": [1.0, 0.1, 0.05, 0.04]}


def test_progress_counts_from_the_first_epoch_of_this_fit():
    lines = []
    p = TrainingProgress(20, every=10, mode="lines", echo=lines.append)
    drive(p, 20, start=100)  # a network trained before: epochs 101..120
    assert p.log["epoch"] == [101, 110, 120]
    assert lines[-1].startswith("epoch 120/120")


def test_progress_auto_is_a_bar_on_a_terminal_and_lines_elsewhere():
    assert TrainingProgress(5, stream=io.StringIO()).mode == "lines"
    term = FakeTerminal()
    p = TrainingProgress(5, every=2, stream=term, desc="moons")
    assert p.mode == "bar"
    drive(p, 5)
    shown = term.getvalue()
    assert "moons" in shown and "epoch 4/5  loss 0.250000" in shown


def test_progress_quiet_logs_but_prints_nothing(capsys):
    p = TrainingProgress(3, mode="quiet", evaluate=lambda e, logs: {"twice": 2 * logs["loss"]})
    drive(p, 3)
    assert capsys.readouterr().out == ""
    assert p.log == {"epoch": [1, 2, 3], "twice": [2.0, 1.0, 2 / 3]}
    with pytest.raises(ValueError, match="'mode'"):
        TrainingProgress(3, mode="loud")
    with pytest.raises(ValueError, match="'every'"):
        TrainingProgress(3, every=0)
