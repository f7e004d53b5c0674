"""bpnn train / predict / info / export on CSV tables, the task rule, the split, chunked training."""

import csv
import io
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn import metrics

import bpnn
from bpnn.cli.main import main
from bpnn.io import read_csv
from bpnn.io.model import Model
from bpnn.tables.chunked import MetricAccumulator, _chunks_with_split
from bpnn.tables.workflow import detect_task, split_indices, split_metrics
from cli_helpers import error_line, run

ROOT = Path(__file__).resolve().parents[1]
REGRESSION = ROOT / "examples" / "data" / "regression.csv"
CLASSIFICATION = ROOT / "examples" / "data" / "classification.csv"
FAST = ["--epochs", "25", "--seed", "3"]


def read_rows(text: str):
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], np.array(rows[1:], dtype=float)


@pytest.fixture(scope="module")
def regression_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reg")
    code = main(
        [
            "train",
            str(REGRESSION),
            "--target",
            "period_s",
            "--out",
            str(folder / "m.bpnn"),
            "--plots",
            str(folder / "plots"),
            "--quiet",
            *FAST,
        ]
    )
    assert code == 0
    return folder / "m.bpnn"


@pytest.fixture(scope="module")
def classification_model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cls")
    code = main(
        [
            "train",
            str(CLASSIFICATION),
            "--target",
            "material",
            "--out",
            str(folder / "c.bpnn"),
            "--plots",
            str(folder / "plots"),
            "--quiet",
            *FAST,
        ]
    )
    assert code == 0
    return folder / "c.bpnn"


# --------------------------------------------------------------------------- train


def test_train_regression_report_matches_sklearn(capsys, tmp_path):
    code, out, err = run(capsys, "train", REGRESSION, "--target", "period_s", "-o", tmp_path / "m.bpnn", *FAST)
    assert code == 0 and err == ""
    assert "task     regression (the target holds non-integer values)" in out
    assert "split    train 210, validation 45, test 45 (seed 3)" in out
    model = bpnn.load(tmp_path / "m.bpnn")
    table = read_csv(REGRESSION)
    X, y = table.drop("period_s").data, table.select("period_s")
    parts = split_indices(len(X), (0.7, 0.15, 0.15), 3)
    for name, idx in parts.items():
        pred = model.predict(X[idx])[:, 0]
        r2 = metrics.r2_score(y[idx], pred)
        rmse = math.sqrt(metrics.mean_squared_error(y[idx], pred))
        mae = metrics.mean_absolute_error(y[idx], pred)
        assert model.metrics[name]["r2"]["period_s"] == pytest.approx(r2, rel=1e-12)
        assert model.metrics[name]["rmse"]["period_s"] == pytest.approx(rmse, rel=1e-12)
        assert model.metrics[name]["mae"]["period_s"] == pytest.approx(mae, rel=1e-12)
        assert f"  {name:<10}{len(idx):>6}{r2:>11.6f}{rmse:>12.4g}{mae:>12.4g}" in out
    assert model.x_scaler.name == "minmax" and model.y_scaler.name == "minmax"
    # scaling statistics come from the training rows only
    assert np.array_equal(model.x_scaler.data_min_, X[parts["train"]].min(axis=0))
    assert model.settings["solver"] in bpnn.OPTIMIZERS and model.settings["seed"] == 3


def test_train_is_reproducible(capsys, tmp_path):
    for name in ("a", "b"):
        assert (
            run(
                capsys,
                "train",
                REGRESSION,
                "--target",
                "period_s",
                "-o",
                tmp_path / f"{name}.bpnn",
                "--scale",
                "standard",
                "--quiet",
                *FAST,
            )[0]
            == 0
        )
    a, b = bpnn.load(tmp_path / "a.bpnn"), bpnn.load(tmp_path / "b.bpnn")
    assert all(np.array_equal(p, q) for p, q in zip(a.network.params, b.network.params))
    assert a.x_scaler.name == "standard"


def test_early_stopping_keeps_the_best_validation_epoch(regression_model):
    model = bpnn.load(regression_model)
    val = model.history["val_loss"]
    best = model.settings["best_epoch"]
    assert best == int(np.argmin(val)) + 1
    # the kept weights give exactly the best epoch's validation loss
    table = read_csv(REGRESSION)
    X, Y = table.drop("period_s").data, table.select(["period_s"])
    idx = split_indices(len(X), (0.7, 0.15, 0.15), 3)["validation"]
    Z, T = model.x_scaler.transform(X[idx]), model.y_scaler.transform(Y[idx])
    assert model.network.loss(Z, T) == pytest.approx(val[best - 1], rel=1e-12)


def test_train_classification_report_matches_sklearn(capsys, tmp_path):
    code, out, _ = run(capsys, "train", CLASSIFICATION, "--target", "material", "-o", tmp_path / "c.bpnn", *FAST)
    assert code == 0
    assert "task     classification (the target holds 3 distinct integers in 240 rows)" in out
    model = bpnn.load(tmp_path / "c.bpnn")
    assert model.classes.tolist() == [1.0, 2.0, 3.0] and model.network.loss_fn.name == "categorical_crossentropy"
    table = read_csv(CLASSIFICATION)
    X, y = table.drop("material").data, table.select("material")
    parts = split_indices(len(X), (0.7, 0.15, 0.15), 3, labels=y)
    for name, idx in parts.items():
        pred = model.predict(X[idx])
        m = model.metrics[name]
        assert m["accuracy"] == metrics.accuracy_score(y[idx], pred)
        assert f"{name}: {len(idx)} rows, accuracy {m['accuracy']:.4f}" in out
        cm = metrics.confusion_matrix(y[idx], pred, labels=[1, 2, 3])
        assert m["confusion_matrix"] == cm.tolist()
        p, r, _, _ = metrics.precision_recall_fscore_support(y[idx], pred, labels=[1, 2, 3], zero_division=0)
        assert [m["precision"][k] for k in "123"] == p.tolist() and [m["recall"][k] for k in "123"] == r.tolist()


def test_plots_are_written(regression_model, classification_model):
    reg = {p.name for p in (regression_model.parent / "plots").iterdir()}
    assert reg == {"performance.png", "training_state.png", "regression.png", "error_histogram.png"}
    cls = {p.name for p in (classification_model.parent / "plots").iterdir()}
    assert cls == {
        "performance.png",
        "training_state.png",
        "confusion_train.png",
        "confusion_validation.png",
        "confusion_test.png",
        "roc.png",
    }
    assert all(p.stat().st_size > 1000 for p in (regression_model.parent / "plots").iterdir())


def test_two_regression_targets(capsys, tmp_path):
    table = read_csv(REGRESSION)
    data = np.column_stack([table.data, table.select("period_s") ** 2])
    path = tmp_path / "two.csv"
    bpnn.io.write_csv(path, table.columns + ["period_sq"], data)
    code, out, _ = run(
        capsys,
        "train",
        path,
        "--target",
        "period_s",
        "--target",
        "period_sq",
        "-o",
        tmp_path / "m.bpnn",
        "--plots",
        tmp_path / "p",
        "--epochs",
        "5",
    )
    assert code == 0 and "task     regression (2 target columns)" in out
    assert "period_sq" in out and (tmp_path / "p" / "regression_period_sq.png").exists()
    assert bpnn.load(tmp_path / "m.bpnn").predict(data[:3, :4]).shape == (3, 2)


def test_ignore_and_no_validation_split(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "train",
        REGRESSION,
        "--target",
        "period_s",
        "--ignore",
        "mass_kg",
        "--split",
        "80,0,20",
        "-o",
        tmp_path / "m.bpnn",
        "--epochs",
        "12",
    )
    assert code == 0 and "reached 12 epochs" in out and "split    train 240, validation 0, test 60" in out
    model = bpnn.load(tmp_path / "m.bpnn")
    assert model.feature_names == ["length_m", "amplitude_deg", "temperature_c"]
    assert "validation" not in model.metrics and model.network.epochs_trained == 12
    # the ignored column may be present when predicting
    assert run(capsys, "predict", tmp_path / "m.bpnn", REGRESSION)[0] == 0


def test_quiet_prints_nothing(capsys, tmp_path):
    assert run(
        capsys, "train", REGRESSION, "--target", "period_s", "-o", tmp_path / "m.bpnn", "-q", "--epochs", "2"
    ) == (0, "", "")


# --------------------------------------------------------------------------- predict


def independent_forward(model: Model, X: np.ndarray) -> np.ndarray:
    """The model's prediction written out by hand from its arrays (mapminmax, tanh, linear, inverse)."""
    xs, ys = model.x_scaler, model.y_scaler
    a = 2 * (X - xs.data_min_) / (xs.data_max_ - xs.data_min_) - 1
    layers = model.network.layers
    for layer in layers[:-1]:
        a = np.tanh(a @ layer.weights + layer.bias)
    out = a @ layers[-1].weights + layers[-1].bias
    return (out + 1) / 2 * (ys.data_max_ - ys.data_min_) + ys.data_min_


def test_predict_matches_an_independent_forward_pass(capsys, regression_model, tmp_path):
    code, out, err = run(capsys, "predict", regression_model, REGRESSION)
    assert code == 0 and err == ""
    header, values = read_rows(out)
    assert header == ["period_s"]
    model = bpnn.load(regression_model)
    X = read_csv(REGRESSION).drop("period_s").data
    np.testing.assert_allclose(values[:, 0], independent_forward(model, X)[:, 0], rtol=1e-12)
    assert np.array_equal(values, model.predict(X))  # repr floats read back exactly
    # -o writes the same thing to a file
    written = f"wrote {tmp_path / 'p.csv'}: 300 rows, column period_s\n"  # says what it wrote (issue 14)
    assert run(capsys, "predict", regression_model, REGRESSION, "-o", tmp_path / "p.csv") == (0, written, "")
    assert (tmp_path / "p.csv").read_text() == out


def test_predict_selects_columns_by_name(capsys, regression_model, tmp_path):
    table = read_csv(REGRESSION)
    order = ["temperature_c", "length_m", "mass_kg", "amplitude_deg"]  # shuffled, no target
    bpnn.io.write_csv(tmp_path / "new.csv", order, table.select(order))
    code, out, _ = run(capsys, "predict", regression_model, tmp_path / "new.csv")
    assert code == 0
    assert out == run(capsys, "predict", regression_model, REGRESSION)[1]


def test_predict_column_errors(capsys, regression_model, tmp_path):
    table = read_csv(REGRESSION)
    bpnn.io.write_csv(tmp_path / "missing.csv", ["length_m", "mass_kg"], table.select(["length_m", "mass_kg"]))
    err = error_line(capsys, "predict", regression_model, tmp_path / "missing.csv")
    assert "lacks the model's feature columns 'amplitude_deg', 'temperature_c'" in err


def test_predict_leaves_out_a_column_the_model_does_not_use_with_a_note(capsys, regression_model, tmp_path):
    table = read_csv(REGRESSION)
    # an extra column, even one that is not a number, is never read: the features are selected by name
    with open(tmp_path / "extra.csv", "w") as f:
        f.write(",".join(["humidity", *table.columns]) + "\n")
        for row in table.data:
            f.write(",".join(["wet", *(repr(float(v)) for v in row)]) + "\n")
    code, out, err = run(capsys, "predict", regression_model, tmp_path / "extra.csv")
    assert code == 0
    assert err.count("\n") == 1 and "column 'humidity' not used by the model, left out" in err
    assert out == run(capsys, "predict", regression_model, REGRESSION)[1]
    # --ignore: the same, without the note; it cannot name a feature
    code, out2, err = run(capsys, "predict", regression_model, tmp_path / "extra.csv", "--ignore", "humidity")
    assert code == 0 and err == "" and out2 == out
    err = error_line(capsys, "predict", regression_model, REGRESSION, "--ignore", "length_m")
    assert "--ignore 'length_m': the model needs these feature columns" in err


def test_predict_classification_with_probabilities(capsys, classification_model):
    code, out, _ = run(capsys, "predict", classification_model, CLASSIFICATION, "--proba")
    assert code == 0
    header, values = read_rows(out)
    assert header == ["material", "proba_1", "proba_2", "proba_3"]
    np.testing.assert_allclose(values[:, 1:].sum(axis=1), 1.0, rtol=1e-12)
    assert np.array_equal(values[:, 0], np.array([1, 2, 3])[values[:, 1:].argmax(axis=1)])
    assert out.splitlines()[1].split(",")[0] in ("1", "2", "3")  # labels written as integers


def test_proba_on_a_regression_model(capsys, regression_model):
    assert "--proba is for classification" in error_line(capsys, "predict", regression_model, REGRESSION, "--proba")


# --------------------------------------------------------------------------- info


def test_info(capsys, regression_model, classification_model):
    code, out, _ = run(capsys, "info", regression_model)
    assert code == 0
    assert out.startswith(f"bpnn model (regression), written by bpnn {bpnn.__version__}")
    assert "network   4-10-1 (tanh, identity), loss mse, 61 parameters" in out
    assert "features  length_m, amplitude_deg, mass_kg, temperature_c" in out
    assert "solver " in out and "best_epoch" in out and "R2" in out
    out = run(capsys, "info", classification_model)[1]
    assert "classes   1, 2, 3" in out and "accuracy" in out


def test_info_on_a_bare_network(capsys, tmp_path):
    bpnn.Network([bpnn.Dense(2, 1)], seed=0).save(tmp_path / "n.bpnn")
    code, out, _ = run(capsys, "info", tmp_path / "n.bpnn")
    assert code == 0 and "Dense(2, 1" in out
    assert "bare network" in error_line(capsys, "predict", tmp_path / "n.bpnn", REGRESSION)


# --------------------------------------------------------------------------- export


def run_exported(script: Path, csv_path: Path) -> np.ndarray:
    """Run the exported file in a fresh, isolated interpreter (-I: no PYTHONPATH, so no bpnn)."""
    code = (
        "import runpy, sys\n"
        f"ns = runpy.run_path({str(script)!r}, run_name='exported')\n"
        "assert not any(m == 'bpnn' or m.startswith('bpnn.') for m in sys.modules), 'bpnn was imported'\n"
        f"sys.exit(ns['main']([{str(csv_path)!r}]))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, env=env, cwd=script.parent, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return read_rows(done.stdout)


@pytest.mark.parametrize("scale", ["minmax", "standard", "none"])
def test_export_reproduces_predict(capsys, tmp_path, scale):
    assert (
        run(
            capsys,
            "train",
            REGRESSION,
            "--target",
            "period_s",
            "-o",
            tmp_path / "m.bpnn",
            "--scale",
            scale,
            "--hidden",
            "6,4",
            "-q",
            "--epochs",
            "10",
        )[0]
        == 0
    )
    code, out, _ = run(capsys, "export", tmp_path / "m.bpnn", "--format", "python", "-o", tmp_path / "predict_model.py")
    assert code == 0 and "predict_model.py" in out
    header, exported = run_exported(tmp_path / "predict_model.py", REGRESSION)
    model = bpnn.load(tmp_path / "m.bpnn")
    expected = model.predict(read_csv(REGRESSION).drop("period_s").data)
    assert header == ["period_s"]
    np.testing.assert_allclose(exported, expected, rtol=1e-12, atol=1e-12)
    text = (tmp_path / "predict_model.py").read_text()
    assert "import bpnn" not in text and "pickle" not in text


def test_export_classification(capsys, tmp_path, classification_model):
    run(capsys, "export", classification_model, "-o", tmp_path / "predict_model.py")
    header, labels = run_exported(tmp_path / "predict_model.py", CLASSIFICATION)
    model = bpnn.load(classification_model)
    X = read_csv(CLASSIFICATION).drop("material").data
    assert header == ["material"] and np.array_equal(labels[:, 0], model.predict(X))
    ns = {}
    exec(compile((tmp_path / "predict_model.py").read_text(), "predict_model.py", "exec"), ns)  # our own file
    np.testing.assert_allclose(ns["predict_proba"](X), model.predict_proba(X), rtol=1e-12, atol=1e-15)


def test_export_writes_every_activation_exactly(tmp_path):
    from bpnn.io.export import export_python

    net = bpnn.Network(
        [
            bpnn.Dense(3, 5, "sigmoid"),
            bpnn.Dense(5, 4, bpnn.core.activations.LeakyReLU(0.3)),
            bpnn.Dense(4, 4, "relu", use_bias=False),
            bpnn.Dense(4, 3, "tanh"),
            bpnn.Dense(3, 2, "softmax"),
        ],
        loss="cce",
        seed=4,
        dtype=np.float32,
    )
    X = np.random.default_rng(1).normal(size=(50, 3)) * 3
    ns = {}
    exec(compile(export_python(net), "exported.py", "exec"), ns)  # our own generated code
    assert ns["DTYPE"] is np.float32
    assert np.array_equal(ns["predict"](X), net.predict(X.astype(np.float32)).astype(np.float64))


def test_export_refuses_user_defined_activations():
    from bpnn.io.export import export_python

    class Cube(bpnn.Activation):
        def forward(self, z):
            return z**3

    with pytest.raises(ValueError, match="user-defined"):
        export_python(bpnn.Network([bpnn.Dense(2, 1, Cube())]))


# --------------------------------------------------------------------------- CSV edge cases


def write(path: Path, text: str, encoding="utf-8", newline="\n") -> Path:
    with open(path, "w", encoding=encoding, newline=newline) as f:
        f.write(text)
    return path


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "is empty; expected a header line"),
        ("a,b,y\n", "has a header line but no data rows"),
        ("a,b,y\n1,2,3\n", "too few rows to split: 1 row cannot fill non-empty train/validation/test sets"),
        ("a,b,y\n1,2,3\n4,oops,6\n", "line 3 (data row 2): column 'b' holds 'oops', which is not a number"),
        ("a,b,y\n1,2,3\n4,,6\n", "column 'b' is empty, a missing value"),
        ("a;b;y\n1;2;3\n", "contains semicolons; is the separator ';'?"),
    ],
)
def test_bad_csv_files(capsys, tmp_path, content, message):
    path = write(tmp_path / "d.csv", content)
    assert message in error_line(capsys, "train", path, "--target", "y", "-o", tmp_path / "m.bpnn")
    assert not (tmp_path / "m.bpnn").exists()


def test_missing_target_column(capsys):
    err = error_line(capsys, "train", REGRESSION, "--target", "Period_s")
    assert "column 'Period_s' not found" in err and "did you mean 'period_s'?" in err


def table_text(sep=",", eol="\n", bom=""):
    table = read_csv(REGRESSION)
    lines = [sep.join(table.columns)] + [sep.join(repr(float(v)) for v in row) for row in table.data[:120]]
    return bom + eol.join(lines) + eol


def trained(capsys, tmp_path, name, *extra):
    code, out, err = run(
        capsys,
        "train",
        tmp_path / name,
        "--target",
        "period_s",
        "-o",
        tmp_path / f"{name}.bpnn",
        "--epochs",
        "8",
        *extra,
    )
    assert code == 0, err
    return bpnn.load(tmp_path / f"{name}.bpnn"), out


def test_line_endings_bom_and_separator_give_the_same_model(capsys, tmp_path):
    write(tmp_path / "plain.csv", table_text())
    write(tmp_path / "windows.csv", table_text(eol="\r\n"))
    write(tmp_path / "bom.csv", table_text(bom="\ufeff"))
    write(tmp_path / "semicolon.csv", table_text(sep=";"))
    reference, _ = trained(capsys, tmp_path, "plain.csv")
    for name, extra in [("windows.csv", ()), ("bom.csv", ()), ("semicolon.csv", ("--sep", ";"))]:
        model, _ = trained(capsys, tmp_path, name, *extra)
        assert model.feature_names == ["length_m", "amplitude_deg", "mass_kg", "temperature_c"], name
        assert all(np.array_equal(p, q) for p, q in zip(model.network.params, reference.network.params)), name


def test_constant_column_is_reported_and_harmless(capsys, tmp_path):
    table = read_csv(REGRESSION)
    data = np.column_stack([np.full(len(table), 4.2), table.data])
    bpnn.io.write_csv(tmp_path / "const.csv", ["gauge"] + table.columns, data)
    model, out = trained(capsys, tmp_path, "const.csv")
    assert "note     1 constant column dropped (no information): 'gauge'" in out
    assert "constant   gauge: every cell holds 4.2, dropped" in out
    assert "gauge" not in model.feature_names
    assert np.isfinite(model.predict(data[:, 1:5])).all()


def test_many_constant_columns_make_one_short_note(capsys, tmp_path):
    table = read_csv(REGRESSION)
    names = [f"gauge{i}" for i in range(30)]
    data = np.column_stack([np.full((len(table), 30), 4.2), table.data])
    bpnn.io.write_csv(tmp_path / "const.csv", names + table.columns, data)
    _, out = trained(capsys, tmp_path, "const.csv")
    (note,) = [line for line in out.splitlines() if "constant column" in line]
    assert (
        note
        == "note     30 constant columns dropped (no information): "
        + ", ".join(repr(n) for n in names[:6])
        + " and 24 more"
    )


def test_dropna(capsys, tmp_path):
    text = table_text().splitlines()
    text[5] = ",".join(text[5].split(",")[:2] + ["NA"] + text[5].split(",")[3:])
    write(tmp_path / "holes.csv", "\n".join(text) + "\n")
    err = error_line(capsys, "train", tmp_path / "holes.csv", "--target", "period_s")
    assert "line 6 (data row 5): column 'mass_kg' holds 'NA', a missing value; pass --impute median" in err
    assert "or --dropna to drop their rows" in err
    _, out = trained(capsys, tmp_path, "holes.csv", "--dropna")
    assert "119 rows" in out and "dropped 1 rows with missing cells" in out


# --------------------------------------------------------------------------- option and file errors


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--split", "0.5,0.5"], "--split must be three non-negative numbers"),
        (["--split", "0.5,0.3,0.3"], "must add up to 1"),
        (["--split", "0,0.5,0.5"], "positive share"),
        (["--hidden", "10,0"], "--hidden sizes must be positive"),
        (["--hidden", "ten"], "--hidden must be layer sizes"),
        (["--solver", "newton"], "--solver 'newton' is not available in this bpnn; choose one of"),
        (["--epochs", "-1"], "train: argument --epochs: expected a whole number >= 1; got '-1'"),
        (["--task", "ranking"], "train: argument --task: invalid choice"),
        (["--activation", "swish"], "The 'activation' parameter must be one of"),
        (["--target", "period_s", "--target", "period_s"], "--target names a column twice"),
        (["--ignore", "period_s"], "both --target and --ignore"),
        (["--task", "classification"], "classification needs at least 2 classes"),
        (["--solver", "lm", "--batch-size", "10"], "works on the whole training set at once; leave out --batch-size"),
    ],
)
def test_bad_options(capsys, tmp_path, extra, message):
    path = tmp_path / "d.csv"
    if "classification" in extra:
        write(path, "a,period_s\n1,3\n2,3\n3,3\n4,3\n")
    else:
        shutil.copy(REGRESSION, path)
    assert message in error_line(capsys, "train", path, "--target", "period_s", "-o", tmp_path / "m.bpnn", *extra)


def test_missing_target_option(capsys):
    assert "the following arguments are required: --target" in error_line(capsys, "train", REGRESSION)


def test_output_folder_must_exist_before_training(capsys, tmp_path):
    err = error_line(capsys, "train", REGRESSION, "--target", "period_s", "-o", tmp_path / "nope" / "m.bpnn")
    assert "does not exist" in err


@pytest.mark.parametrize("command", ["predict", "info", "export"])
def test_bad_model_files(capsys, tmp_path, command):
    path = write(tmp_path / "m.bpnn", "not a model")
    extra = [REGRESSION] if command == "predict" else []
    assert "is not a bpnn model file (it is a text file" in error_line(capsys, command, path, *extra)
    assert "no such file" in error_line(capsys, command, tmp_path / "gone.bpnn", *extra)


def test_truncated_model_file(capsys, tmp_path, regression_model):
    data = regression_model.read_bytes()
    (tmp_path / "cut.bpnn").write_bytes(data[: len(data) // 2])
    assert "truncated" in error_line(capsys, "predict", tmp_path / "cut.bpnn", REGRESSION)


# --------------------------------------------------------------------------- task rule and split


@pytest.mark.parametrize(
    "column, n_targets, task",
    [
        (np.tile([0.0, 1.0], 5), 1, "classification"),  # two classes always count
        (np.repeat([1.0, 2.0, 3.0], 20), 1, "classification"),  # 3 classes, 20 rows each
        (np.repeat([1.0, 2.0, 3.0], 19), 1, "regression"),  # too few rows per class
        (np.arange(40.0) % 21, 1, "regression"),  # 21 distinct values
        (np.tile([0.5, 1.5], 30), 1, "regression"),  # not integers
        (np.ones(30), 1, "regression"),  # a single value
        (np.tile([0.0, 1.0], 30), 2, "regression"),  # two targets
    ],
)
def test_auto_task_rule(column, n_targets, task):
    Y = np.column_stack([column] * n_targets)
    assert detect_task(Y)[0] == task


def test_split_is_seeded_disjoint_and_stratified():
    labels = np.repeat([1.0, 2.0, 3.0], [100, 60, 40])
    parts = split_indices(200, (0.7, 0.15, 0.15), seed=5, labels=labels)
    assert sorted(np.concatenate(list(parts.values())).tolist()) == list(range(200))
    for c, n_c in [(1.0, 100), (2.0, 60), (3.0, 40)]:
        assert (labels[parts["validation"]] == c).sum() == round(n_c * 0.15)
        assert (labels[parts["test"]] == c).sum() == round(n_c * 0.15)
    again = split_indices(200, (0.7, 0.15, 0.15), seed=5, labels=labels)
    assert all(np.array_equal(parts[k], again[k]) for k in parts)
    other = split_indices(200, (0.7, 0.15, 0.15), seed=6, labels=labels)
    assert not np.array_equal(parts["test"], other["test"])


def test_split_of_small_sets():
    parts = split_indices(3, (0.7, 0.15, 0.15), seed=0)
    assert [len(parts[k]) for k in ("train", "validation", "test")] == [1, 1, 1]
    with pytest.raises(ValueError, match="too few rows to split: 2 rows"):
        split_indices(2, (0.7, 0.15, 0.15), seed=0)
    assert len(split_indices(1, (1.0, 0.0, 0.0), seed=0)["train"]) == 1


# --------------------------------------------------------------------------- chunked training


def test_split_codes_do_not_depend_on_the_chunk_size():
    columns = ["length_m", "amplitude_deg", "mass_kg", "temperature_c"]
    codes = [
        np.concatenate(
            [
                c
                for _, _, c in _chunks_with_split(
                    REGRESSION, size, ",", False, columns, ["period_s"], (0.7, 0.15, 0.15), 9
                )
            ]
        )
        for size in (1, 7, 300)
    ]
    assert np.array_equal(codes[0], codes[1]) and np.array_equal(codes[0], codes[2])
    assert len(codes[0]) == 300 and set(codes[0].tolist()) == {0, 1, 2}


def test_train_with_chunks(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "train",
        REGRESSION,
        "--target",
        "period_s",
        "--chunksize",
        "64",
        "-o",
        tmp_path / "m.bpnn",
        "--epochs",
        "6",
        "--seed",
        "9",
        "--plots",
        tmp_path / "p",
    )
    assert code == 0 and "not stratified" in out
    model = bpnn.load(tmp_path / "m.bpnn")
    table = read_csv(REGRESSION)
    X, y = table.drop("period_s").data, table.select("period_s")
    codes = np.concatenate(
        [
            c
            for _, _, c in _chunks_with_split(
                REGRESSION, 64, ",", False, model.feature_names, ["period_s"], (0.7, 0.15, 0.15), 9
            )
        ]
    )
    train = codes == 0
    # scaling statistics of exactly the training rows, gathered chunk by chunk
    assert np.array_equal(model.x_scaler.data_min_, X[train].min(axis=0))
    assert np.array_equal(model.y_scaler.data_max_, [y[train].max()])
    for code_, name in enumerate(("train", "validation", "test")):
        rows = codes == code_
        pred = model.predict(X[rows])[:, 0]
        assert model.metrics[name]["rows"] == rows.sum()
        assert model.metrics[name]["r2"]["period_s"] == pytest.approx(metrics.r2_score(y[rows], pred), rel=1e-9)
        assert model.metrics[name]["mae"]["period_s"] == pytest.approx(
            metrics.mean_absolute_error(y[rows], pred), rel=1e-12
        )
    assert len(model.history["loss"]) == 6 and (tmp_path / "p" / "regression.png").exists()


def test_chunked_classification(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "train",
        CLASSIFICATION,
        "--target",
        "material",
        "--chunksize",
        "50",
        "-o",
        tmp_path / "c.bpnn",
        "--epochs",
        "4",
        "--solver",
        "sgd",
    )
    assert code == 0 and "task     classification" in out
    model = bpnn.load(tmp_path / "c.bpnn")
    assert model.classes.tolist() == [1.0, 2.0, 3.0]
    assert sum(model.metrics[s]["rows"] for s in model.metrics) == 240


def test_chunked_training_refuses_whole_batch_solvers(capsys, tmp_path):
    full = [name for name, cls in bpnn.OPTIMIZERS.items() if getattr(cls, "full_batch", False)]
    if not full:
        pytest.skip("this bpnn has no whole-batch solver")
    err = error_line(capsys, "train", REGRESSION, "--target", "period_s", "--chunksize", "50", "--solver", full[0])
    assert "needs the whole training set at once" in err


def small_model(task):
    if task == "regression":
        net = bpnn.Network([bpnn.Dense(1, 2)], seed=0)
        y_scaler = bpnn.io.scaling.MinMaxScaler().fit([[9990.0, 4.0], [10010.0, 6.0]])
        return Model(net, bpnn.io.scaling.NoScaler().fit([[0.0]]), y_scaler, ["x"], ["u", "v"], task)
    net = bpnn.Network([bpnn.Dense(1, 3, "softmax")], seed=0)
    return Model(net, bpnn.io.scaling.NoScaler().fit([[0.0]]), None, ["x"], ["k"], task, classes=[2.0, 5.0, 7.0])


@pytest.mark.parametrize("task", ["regression", "classification"])
def test_metric_accumulator_matches_sklearn(task):
    rng = np.random.default_rng(2)
    model = small_model(task)
    if task == "regression":
        truth = rng.normal(size=(57, 2)) * [3, 0.01] + [1e4, 5]
        pred = truth + rng.normal(size=truth.shape) * [2, 0.003]
    else:
        truth = rng.choice([2.0, 5.0, 7.0], 57)
        pred = np.where(rng.random(57) < 0.7, truth, rng.choice([2.0, 5.0], 57))
    acc = MetricAccumulator(model)
    for part in np.array_split(np.arange(57), 5):
        acc.add(truth[part], pred[part])
    assert_close(acc.result(), split_metrics(model, truth, pred))


def assert_close(a, b):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            assert_close(a[k], b[k])
    elif isinstance(a, list):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_close(x, y)
    else:
        assert a == pytest.approx(b, rel=1e-10, abs=1e-14)


def test_info_and_predict_on_an_estimator_file(capsys, tmp_path):
    import warnings

    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bpnn.BPClassifier(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(X, y).save(tmp_path / "e.bpnn")
    code, out, _ = run(capsys, "info", tmp_path / "e.bpnn")
    assert code == 0 and "BPClassifier (fitted)" in out and "classes_               [0, 1, 2]" in out
    assert "holds a BPClassifier, not a model from 'bpnn train'" in error_line(
        capsys, "predict", tmp_path / "e.bpnn", CLASSIFICATION
    )


def test_lm_classification_trains_softmax_on_mse(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "train",
        CLASSIFICATION,
        "--target",
        "material",
        "--solver",
        "lm",
        "--epochs",
        "4",
        "-o",
        tmp_path / "c.bpnn",
    )
    assert code == 0 and "solver lm, loss mse" in out
    model = bpnn.load(tmp_path / "c.bpnn")
    assert model.network.layers[-1].activation.name == "softmax" and "mu" in model.history


def test_br_without_validation_records_gamma(capsys, tmp_path):
    code, out, _ = run(
        capsys,
        "train",
        REGRESSION,
        "--target",
        "period_s",
        "--solver",
        "br",
        "--split",
        "0.85,0,0.15",
        "--epochs",
        "6",
        "-o",
        tmp_path / "b.bpnn",
    )
    assert code == 0 and "split    train 255, validation 0, test 45" in out
    history = bpnn.load(tmp_path / "b.bpnn").history
    assert {"loss", "test_loss", "gradient", "mu", "gamma"} <= set(history) and "val_loss" not in history
    assert len(history["gamma"]) == 6


def test_export_skips_dropout_like_predict_does():
    from bpnn.io.export import export_python

    net = bpnn.Network([bpnn.Dense(2, 6, "tanh"), bpnn.Dropout(0.5), bpnn.Dense(6, 1)], seed=0)
    ns = {}
    exec(compile(export_python(net), "exported.py", "exec"), ns)  # our own generated code
    X = np.random.default_rng(0).normal(size=(9, 2))
    assert np.array_equal(ns["predict"](X), net.predict(X))


@pytest.mark.parametrize(
    "n_inputs, task, hidden, expected",
    [
        (40, "classification", None, 22),  # (40 inputs + 4 classes) / 2, by hand
        (4, "classification", None, 10),  # (4 + 4) / 2 = 4: at least 10
        (120, "classification", None, 50),  # (120 + 4) / 2 = 62: at most 50
        (40, "regression", None, 10),  # regression keeps 10
        (40, "classification", "7", 7),  # --hidden wins
    ],
)
def test_default_hidden_layer_follows_the_inputs_and_classes(capsys, tmp_path, n_inputs, task, hidden, expected):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, n_inputs))
    y = np.argmax(X[:, :4], axis=1) if task == "classification" else X[:, 0] + 0.5 * X[:, 1]
    names = [f"x{j}" for j in range(n_inputs)]
    with open(tmp_path / "t.csv", "w") as f:
        f.write(",".join(names + ["y"]) + "\n")
        for row, target in zip(X, y):
            f.write(",".join(map(repr, row.tolist())) + f",{target.item()!r}\n")
    more = ["--hidden", hidden] if hidden else []
    code, out, err = run(capsys, "train", tmp_path / "t.csv", "--target", "y", "--task", task, "--epochs", "2",
                         "-o", tmp_path / "m.bpnn", *more)  # fmt: skip
    assert code == 0, err
    model = bpnn.load(tmp_path / "m.bpnn")
    assert [layer.n_out for layer in model.network._dense_layers()][0] == expected
    assert model.settings["hidden"] == [expected]
