"""Real tables: text labels, text columns, missing cells, .tsv/.xlsx/.parquet, predict --keep,
ONNX export checked with onnxruntime, and the picture of the network."""

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bpnn
import bpnn.plots
import bpnn.tables
from bpnn.cli.main import main
from bpnn.io import ModelFileError
from bpnn.io.frames import read_frame
from cli_helpers import error_line, run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "data"
CLASSIFICATION_CSV = EXAMPLES / "classification.csv"


def rows_of(text: str):
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


# --------------------------------------------------------------------------- text labels


@pytest.fixture(scope="module")
def iris(tmp_path_factory):
    """Iris with the species as text, 120 rows to train on and 30 held out (stratified)."""
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split

    data = load_iris(as_frame=True)
    frame = data.frame.drop(columns="target")
    frame.columns = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
    frame.insert(0, "id", np.arange(1, len(frame) + 1))
    frame["species"] = np.asarray(data.target_names)[data.target]
    train, held_out = train_test_split(frame, test_size=30, stratify=frame["species"], random_state=1)
    folder = tmp_path_factory.mktemp("iris")
    train.to_csv(folder / "iris.csv", index=False)
    held_out.drop(columns="species").to_csv(folder / "new.csv", index=False)
    code = main(
        ["train", str(folder / "iris.csv"), "--target", "species", "--ignore", "id", "-o", str(folder / "m.bpnn"), "-q"]
    )
    assert code == 0
    return folder, held_out


def test_iris_text_labels_train_and_predict_species_names(capsys, iris):
    folder, held_out = iris
    code, out, err = run(capsys, "predict", folder / "m.bpnn", folder / "new.csv", "--keep", "id")
    assert code == 0, err
    header, rows = rows_of(out)
    assert header == ["id", "species"]
    assert [int(r[0]) for r in rows] == held_out["id"].tolist()  # --keep copies the ids, row for row
    predicted = np.array([r[1] for r in rows])
    assert set(predicted) <= {"setosa", "versicolor", "virginica"}
    accuracy = np.mean(predicted == held_out["species"].to_numpy())
    assert accuracy >= 0.9, accuracy


def test_text_labels_survive_loading_and_name_the_proba_columns(capsys, iris):
    folder, held_out = iris
    model = bpnn.load(folder / "m.bpnn")
    assert model.classes.dtype.kind == "U" and model.classes.tolist() == ["setosa", "versicolor", "virginica"]
    X = held_out[model.feature_names].to_numpy()
    labels = model.predict(X)
    assert labels.dtype.kind == "U"
    proba = model.predict_proba(X)
    assert np.array_equal(labels, model.classes[proba.argmax(axis=1)])
    code, out, _ = run(capsys, "predict", folder / "m.bpnn", folder / "new.csv", "--proba", "--keep", "id")
    header, rows = rows_of(out)
    assert header == ["id", "species", "proba_setosa", "proba_versicolor", "proba_virginica"]
    np.testing.assert_allclose(np.array([r[2:] for r in rows], dtype=float), proba, rtol=1e-15)


def test_integer_and_boolean_labels_come_back_as_they_were(capsys, tmp_path):
    model_path = tmp_path / "c.bpnn"
    run(capsys, "train", EXAMPLES / "classification.csv", "--target", "material", "-o", model_path, "--epochs", "5")
    model = bpnn.load(model_path)
    assert model.classes.dtype == np.int64 and model.classes.tolist() == [1, 2, 3]
    assert model.predict(np.ones((2, 3))).dtype == np.int64

    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    pd.DataFrame({"x": x, "positive": x > 0}).to_parquet(tmp_path / "b.parquet")
    code, out, err = run(capsys, "train", tmp_path / "b.parquet", "--target", "positive", "-o", tmp_path / "b.bpnn")
    assert code == 0, err
    assert "task     classification (the target holds true/false: 2 distinct labels)" in out
    model = bpnn.load(tmp_path / "b.bpnn")
    assert model.classes.dtype == bool
    assert model.predict(np.array([[-2.0], [2.0]])).tolist() == [False, True]


# --------------------------------------------------------------------------- text features, missing cells


def mixed_table(n=400, seed=0, holes=0.05):
    """A text feature column and two numbers; 5% of the feature cells are empty."""
    rng = np.random.default_rng(seed)
    color = rng.choice(["red", "green", "blue"], n)
    x1 = rng.normal(size=n).round(3)
    x2 = rng.uniform(0, 10, n).round(2)
    y = (2 * x1 + (color == "red") * 3 - 0.3 * x2 + rng.normal(scale=0.05, size=n)).round(4)
    frame = pd.DataFrame({"x1": x1, "color": color, "x2": x2, "y": y}).astype({"x1": object, "x2": object})
    for column in ("x1", "color", "x2"):
        frame.loc[rng.random(n) < holes, column] = None
    return frame


def test_text_feature_with_empty_cells_trains_with_impute_median(capsys, tmp_path):
    frame = mixed_table()
    frame.to_csv(tmp_path / "mixed.csv", index=False)
    err = error_line(capsys, "train", tmp_path / "mixed.csv", "--target", "y", "-o", tmp_path / "m.bpnn")
    assert "is empty, a missing value; pass --impute median, mean or most_frequent" in err and "--dropna" in err
    code, out, err = run(
        capsys, "train", tmp_path / "mixed.csv", "--target", "y", "--impute", "median", "-o", tmp_path / "m.bpnn"
    )
    assert code == 0, err
    model = bpnn.load(tmp_path / "m.bpnn")
    assert model.encoder.encoded_names == ["x1", "color=blue", "color=green", "color=red", "x2"]

    # The fill values are the median / most frequent of the training rows only (scikit-learn as the reference).
    from sklearn.impute import SimpleImputer

    from bpnn.tables.workflow import split_indices

    train = split_indices(len(frame), (0.7, 0.15, 0.15), 0)["train"]
    numbers = frame[["x1", "x2"]].astype(float).to_numpy()[train]
    fills = {c["name"]: c["fill"] for c in model.encoder.columns}
    np.testing.assert_array_equal([fills["x1"], fills["x2"]], SimpleImputer(strategy="median").fit(numbers).statistics_)
    text = frame[["color"]].to_numpy(dtype=object)[train]
    expected = SimpleImputer(strategy="most_frequent", missing_values=np.nan).fit(text).statistics_[0]
    assert fills["color"] == expected
    assert model.settings["impute"] == "median"

    # Rows with empty cells predict, and give what the filled-in row gives.
    new = frame.drop(columns="y").head(40)
    new.to_csv(tmp_path / "new.csv", index=False)
    code, out, err = run(capsys, "predict", tmp_path / "m.bpnn", tmp_path / "new.csv")
    assert code == 0, err
    predicted = np.array([float(r[0]) for r in rows_of(out)[1]])
    assert new.isna().any(axis=1).sum() > 0 and np.isfinite(predicted).all()
    filled = new.copy()
    for name in ("x1", "color", "x2"):
        filled[name] = filled[name].where(filled[name].notna(), fills[name])
    np.testing.assert_array_equal(predicted, model.predict(filled)[:, 0])


def test_one_hot_encoding_matches_scikit_learn(tmp_path):
    from sklearn.preprocessing import OneHotEncoder

    frame = mixed_table(holes=0)
    frame.to_csv(tmp_path / "t.csv", index=False)
    run_ = bpnn.tables.train_table(read_frame(tmp_path / "t.csv"), ["y"], epochs=2)
    encoder = run_.model.encoder
    ours = encoder.transform(frame)[:, 1:4]
    reference = OneHotEncoder(sparse_output=False).fit_transform(frame[["color"]])
    np.testing.assert_array_equal(ours, reference)


def test_ordinal_columns_and_unknown_categories(capsys, tmp_path):
    from sklearn.preprocessing import OrdinalEncoder

    rng = np.random.default_rng(3)
    n = 300
    size = rng.choice(["small", "medium", "large"], n)
    shade = rng.choice(["dark", "light"], n)
    y = (
        np.select([size == "small", size == "medium"], [1.0, 2.0], 3.0) + (shade == "dark") + rng.normal(0, 0.05, n)
    ).round(3)
    pd.DataFrame({"size": size, "shade": shade, "y": y}).to_csv(tmp_path / "t.csv", index=False)
    code, out, err = run(
        capsys,
        "train",
        tmp_path / "t.csv",
        "--target",
        "y",
        "--ordinal",
        "size=small,medium,large",
        "-o",
        tmp_path / "m.bpnn",
    )
    assert code == 0, err
    model = bpnn.load(tmp_path / "m.bpnn")
    assert model.encoder.encoded_names == ["size", "shade=dark", "shade=light"]
    reference = OrdinalEncoder(categories=[["small", "medium", "large"]]).fit_transform(size.reshape(-1, 1))
    np.testing.assert_array_equal(model.encoder.transform({"size": size, "shade": shade})[:, :1], reference)

    # A category never seen in training: an error naming column and value, or ignored.
    pd.DataFrame({"size": ["small", "huge"], "shade": ["dark", "grey"]}).to_csv(tmp_path / "new.csv", index=False)
    err = error_line(capsys, "predict", tmp_path / "m.bpnn", tmp_path / "new.csv")
    assert "line 3 (data row 2): column 'size' holds 'huge', a category the model was not trained on" in err
    assert "--unknown ignore" in err
    code, out, err = run(capsys, "predict", tmp_path / "m.bpnn", tmp_path / "new.csv", "--unknown", "ignore")
    assert code == 0, err
    # ignored: ordinal code -1, every one-hot column 0; checked with a forward pass written here
    net = model.network
    z = model.x_scaler.transform(np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, 0.0]]))
    for layer in net.layers:
        z = z @ layer.weights + layer.bias
        z = np.tanh(z) if layer.activation.name == "tanh" else z
    expected = model.y_scaler.inverse_transform(z)[:, 0]
    np.testing.assert_allclose([float(r[0]) for r in rows_of(out)[1]], expected, rtol=1e-12)


def test_numbers_and_text_in_one_column_is_still_an_error(capsys, tmp_path):
    (tmp_path / "d.csv").write_text("a,b,y\n1,2,3\n4,oops,6\n5,6,7\n")
    err = error_line(capsys, "train", tmp_path / "d.csv", "--target", "y")
    assert err.endswith("line 3 (data row 2): column 'b' holds 'oops', which is not a number")


def test_missing_target_is_an_error_or_dropped(capsys, tmp_path):
    frame = mixed_table(holes=0)
    frame.loc[[5, 9], "y"] = None
    frame.to_csv(tmp_path / "t.csv", index=False)
    err = error_line(capsys, "train", tmp_path / "t.csv", "--target", "y")
    assert "line 7 (data row 6): column 'y' is empty, a missing value in the target column" in err
    code, out, err = run(
        capsys, "train", tmp_path / "t.csv", "--target", "y", "--dropna", "--epochs", "3", "-o", tmp_path / "m.bpnn"
    )
    assert code == 0 and "398 rows" in out and "dropped 2 rows" in out


def test_python_export_fills_missing_numbers_and_refuses_text_columns(tmp_path):
    from bpnn.io.export import export_python

    frame = mixed_table()
    frame.drop(columns="color").to_csv(tmp_path / "n.csv", index=False)
    model = bpnn.tables.train_table(read_frame(tmp_path / "n.csv"), ["y"], impute="mean", epochs=3).model
    ns = {}
    exec(compile(export_python(model), "exported.py", "exec"), ns)  # our own generated code
    X = np.array([[np.nan, 1.0], [0.5, np.nan], [0.1, 0.2]])
    assert np.array_equal(ns["predict"](X), model.predict(X))
    frame.to_csv(tmp_path / "t.csv", index=False)
    model = bpnn.tables.train_table(read_frame(tmp_path / "t.csv"), ["y"], impute="mean", epochs=1).model
    with pytest.raises(ValueError, match=r"text columns \('color'\). Use --format onnx"):
        export_python(model)


# --------------------------------------------------------------------------- formats


def test_xlsx_tsv_and_parquet_give_the_same_model_as_csv(capsys, tmp_path):
    frame = mixed_table()
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_csv(tmp_path / "t.tsv", index=False, sep="\t")
    frame.to_excel(tmp_path / "t.xlsx", index=False, sheet_name="data")
    frame.to_parquet(tmp_path / "t.parquet")
    models = {}
    for ext, extra in (("csv", ()), ("tsv", ()), ("xlsx", ("--sheet", "data")), ("parquet", ())):
        code, out, err = run(
            capsys,
            "train",
            tmp_path / f"t.{ext}",
            "--target",
            "y",
            "--impute",
            "mean",
            "--epochs",
            "10",
            "-o",
            tmp_path / f"{ext}.bpnn",
            *extra,
        )
        assert code == 0, (ext, err)
        models[ext] = bpnn.load(tmp_path / f"{ext}.bpnn")
    reference = models.pop("csv")
    for ext, model in models.items():
        assert model.encoder.get_config() == reference.encoder.get_config(), ext
        assert all(np.array_equal(p, q) for p, q in zip(model.network.params, reference.network.params)), ext
    assert "no sheet 'nope'; its sheets are 'data'" in error_line(
        capsys, "train", tmp_path / "t.xlsx", "--target", "y", "--sheet", "nope"
    )


def test_missing_reader_names_the_extra(capsys, tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_openpyxl(name, *args, **kwargs):
        if name == "openpyxl":
            raise ImportError("No module named 'openpyxl'")
        return real_import(name, *args, **kwargs)

    (tmp_path / "t.xlsx").write_bytes(b"PK")
    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    err = error_line(capsys, "train", tmp_path / "t.xlsx", "--target", "y")
    assert (
        err == "bpnn: error: reading .xlsx files needs the openpyxl package (bpnn's 'excel' extra); install it with: "
        "pip install openpyxl"
    )


def test_damaged_excel_and_parquet_files_are_one_line_errors(capsys, tmp_path):
    for name in ("t.xlsx", "t.parquet"):
        (tmp_path / name).write_bytes(b"PK\x03\x04 not really a workbook")
        err = error_line(capsys, "train", tmp_path / name, "--target", "y")
        assert f"{tmp_path / name} cannot be read as" in err
    frame = mixed_table(n=20, holes=0)
    frame.to_parquet(tmp_path / "ok.parquet")
    assert "--sheet is only for Excel files" in error_line(
        capsys, "train", tmp_path / "ok.parquet", "--target", "y", "--sheet", "x"
    )


def test_damaged_encoder_in_a_model_file_is_a_one_line_error(tmp_path):
    from bpnn.io.container import load_container, save_container

    frame = mixed_table(holes=0)
    frame.to_csv(tmp_path / "t.csv", index=False)
    bpnn.tables.train_table(read_frame(tmp_path / "t.csv"), ["y"], epochs=1).model.save(tmp_path / "m.bpnn")
    arrays, meta = load_container(tmp_path / "m.bpnn")
    meta["encoder"]["columns"][1]["kind"] = "hashing"
    meta = {k: v for k, v in meta.items() if k not in ("format", "format_version", "bpnn_version", "kind")}
    save_container(tmp_path / "bad.bpnn", arrays, meta, kind="model")
    with pytest.raises(ModelFileError, match="encoder column 'color' has unknown kind 'hashing'"):
        bpnn.load(tmp_path / "bad.bpnn")


# --------------------------------------------------------------------------- ONNX


EXAMPLE_MODELS = {
    "regression.csv": ["--target", "period_s", "--epochs", "40"],
    "classification.csv": ["--target", "material", "--epochs", "40"],
    "fruit.csv": ["--target", "fruit", "--ignore", "id", "--impute", "median", "--epochs", "40"],
}


def onnx_feeds(session, model, frame):
    """The graph's inputs for a Frame: one float matrix, or one [N, 1] column per feature."""
    names = [i.name for i in session.get_inputs()]
    if names == ["input"]:
        return {"input": np.column_stack([frame.values[c] for c in model.feature_names]).astype(np.float32)}
    feeds = {}
    for name in names:
        values = frame.values[name]
        if frame.kinds[name] == "text":
            feeds[name] = np.array(["" if v is None else v for v in values], dtype=object).reshape(-1, 1)
        else:
            feeds[name] = np.asarray(values, dtype=np.float32).reshape(-1, 1)
    return feeds


@pytest.mark.parametrize("table", sorted(EXAMPLE_MODELS))
def test_onnx_equals_bpnn_predict_on_every_example_table(capsys, tmp_path, table):
    import onnxruntime as ort

    path = EXAMPLES / table
    model_path, onnx_path = tmp_path / "m.bpnn", tmp_path / "m.onnx"
    assert run(capsys, "train", path, *EXAMPLE_MODELS[table], "-o", model_path, "-q")[0] == 0
    code, out, err = run(capsys, "export", model_path, "--format", "onnx", "-o", onnx_path)
    assert code == 0 and out == f"wrote {onnx_path}\n", err
    model = bpnn.load(model_path)
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    frame = read_frame(path)
    if model.encoder.numeric_only:
        inputs = session.get_inputs()
        assert [(i.name, i.type, i.shape[1]) for i in inputs] == [("input", "tensor(float)", model.n_features)]
    results = dict(zip([o.name for o in session.get_outputs()], session.run(None, onnx_feeds(session, model, frame))))
    extra = ["--proba"] if model.task == "classification" else []
    code, out, err = run(capsys, "predict", model_path, path, *extra)
    assert code == 0, err
    header, rows = rows_of(out)
    if model.task == "classification":
        assert set(results) == {"label", "probabilities"}
        assert [str(v) for v in results["label"]] == [r[0] for r in rows]
        np.testing.assert_allclose(
            results["probabilities"], np.array([r[1:] for r in rows], dtype=float), rtol=1e-5, atol=1e-7
        )
    else:
        assert set(results) == {"prediction"}
        np.testing.assert_allclose(results["prediction"], np.array(rows, dtype=float), rtol=1e-5)


def test_onnx_in_double_precision_matches_to_rounding(tmp_path):
    import onnxruntime as ort

    from bpnn.io.onnx import save_onnx

    run_ = bpnn.tables.train_table(
        read_frame(EXAMPLES / "fruit.csv"), ["fruit"], ignore=["id"], impute="mean", epochs=20
    )
    save_onnx(run_.model, tmp_path / "m.onnx", dtype="float64")
    session = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    frame = read_frame(EXAMPLES / "fruit.csv")
    feeds = {
        k: (v.astype(np.float64) if v.dtype != object else v) for k, v in onnx_feeds(session, run_.model, frame).items()
    }
    for name in ("weight_g", "diameter_cm"):
        feeds[name] = np.asarray(frame.values[name], dtype=np.float64).reshape(-1, 1)
    label, proba = session.run(None, feeds)
    np.testing.assert_allclose(proba, run_.model.predict_proba(frame), rtol=1e-12, atol=1e-15)
    assert label.tolist() == run_.model.predict(frame).tolist()


def test_onnx_of_a_numeric_table_model_and_a_bare_network(tmp_path):
    import onnxruntime as ort

    from bpnn.io import read_csv
    from bpnn.io.onnx import save_onnx

    table = read_csv(EXAMPLES / "regression.csv")  # a Table of numbers: one float input
    model = bpnn.tables.train_table(table, ["period_s"], scale="standard", epochs=5).model
    assert model.encoder.numeric_only
    X = table.drop("period_s").data
    for obj, expected in ((model, model.predict(X)), (model.network, model.network.predict(X))):
        save_onnx(obj, tmp_path / "m.onnx", dtype="float64")
        session = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
        (out,) = session.run(None, {"input": X})
        np.testing.assert_allclose(out, expected, rtol=1e-12)


def test_onnx_refuses_a_column_named_like_an_output(tmp_path):
    from bpnn.io.onnx import table_model_to_onnx

    frame = mixed_table(holes=0).rename(columns={"x1": "label"})
    frame.to_csv(tmp_path / "t.csv", index=False)
    model = bpnn.tables.train_table(read_frame(tmp_path / "t.csv"), ["y"], epochs=1).model
    with pytest.raises(
        ValueError, match="the feature column 'label' would have the name of one of the graph's outputs"
    ):
        table_model_to_onnx(model)


@pytest.mark.parametrize("kind", ["multiclass", "binary", "regression_1d", "regression_2d"])
def test_estimator_to_onnx(tmp_path, kind, capsys):
    import warnings

    import onnxruntime as ort
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    names = np.array(["setosa", "versicolor", "virginica"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "multiclass":
            est = bpnn.BPClassifier(hidden_layer_sizes=(6,), max_iter=30, random_state=0).fit(X, names[y])
        elif kind == "binary":
            est = bpnn.BPClassifier(hidden_layer_sizes=(6,), max_iter=30, random_state=0).fit(X, y == 2)
        elif kind == "regression_1d":
            est = bpnn.BPRegressor(hidden_layer_sizes=(6,), max_iter=30, random_state=0).fit(X[:, :3], X[:, 3])
        else:
            est = bpnn.BPRegressor(hidden_layer_sizes=(6,), max_iter=30, random_state=0).fit(X[:, :2], X[:, 2:])
    Xin = X if kind in ("multiclass", "binary") else X[:, : est.n_features_in_]
    est.save(tmp_path / "e.bpnn")
    assert run(capsys, "export", tmp_path / "e.bpnn", "--format", "onnx", "-o", tmp_path / "e.onnx")[0] == 0
    for proto in (est.to_onnx(), None):
        source = proto.SerializeToString() if proto is not None else str(tmp_path / "e.onnx")
        session = ort.InferenceSession(source, providers=["CPUExecutionProvider"])
        out = dict(zip([o.name for o in session.get_outputs()], session.run(None, {"input": Xin.astype(np.float32)})))
        X32 = Xin.astype(np.float32).astype(np.float64)  # the graph sees float32 inputs
        if kind in ("multiclass", "binary"):
            assert out["label"].tolist() == est.predict(X32).tolist()
            np.testing.assert_allclose(out["probabilities"], est.predict_proba(X32), rtol=1e-5, atol=1e-7)
        else:
            assert out["prediction"].shape == est.predict(X32).shape
            np.testing.assert_allclose(out["prediction"], est.predict(X32), rtol=1e-5)


# --------------------------------------------------------------------------- the picture


def test_network_picture_draws_every_weight_by_size_and_sign(tmp_path):
    from matplotlib.lines import Line2D

    net = bpnn.Network([bpnn.Dense(3, 4, "tanh"), bpnn.Dense(4, 2, "softmax")], seed=0)
    ax = bpnn.plots.network(net, ax=_axes(), input_names=["a", "b", "c"], output_names=["no", "yes"])
    lines = [a for a in ax.get_children() if isinstance(a, Line2D)]
    assert len(lines) == 3 * 4 + 4 * 2  # one line per weight
    weights = np.concatenate([net.layers[0].weights.ravel(), net.layers[1].weights.ravel()])
    widths = np.array([line.get_linewidth() for line in lines])
    colors = [line.get_color() for line in lines]
    # drawn in the order (layer, i, j): the widest line of each layer is its largest |w|
    first = widths[:12]
    assert np.argmax(first) == np.argmax(np.abs(net.layers[0].weights).ravel())
    assert colors == ["tab:blue" if w >= 0 else "tab:red" for w in weights]
    texts = {t.get_text() for t in ax.texts}
    assert {"a", "b", "c", "no", "yes", "input\n3", "hidden 1\n4 tanh", "output\n2 softmax"} <= texts


def _axes():
    from bpnn.plots._base import new_figure

    return new_figure((6, 4)).add_subplot()


def test_info_plot_writes_the_picture(capsys, tmp_path):
    frame = mixed_table(holes=0)
    frame.to_csv(tmp_path / "t.csv", index=False)
    run(capsys, "train", tmp_path / "t.csv", "--target", "y", "--epochs", "2", "-o", tmp_path / "m.bpnn")
    code, out, err = run(capsys, "info", tmp_path / "m.bpnn", "--plot", tmp_path / "net.png")
    assert code == 0, err
    assert out.rstrip().endswith(f"plot  {tmp_path / 'net.png'}")
    assert (tmp_path / "net.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "encoding  x1: number" not in out and "color: one-hot over blue, green, red" in out
    assert "--plot must name a .png or .svg file" in error_line(
        capsys, "info", tmp_path / "m.bpnn", "--plot", tmp_path / "n.jpg"
    )


def test_keep_the_target_column_beside_its_prediction(tmp_path, capsys):
    # keeping the true labels next to the predicted ones is what one does to compare them
    code, _, err = run(capsys, "train", CLASSIFICATION_CSV, "--target", "material", "--out", tmp_path / "m.bpnn",
                       "--epochs", "20", "--seed", "0")  # fmt: skip
    assert code == 0, err
    code, out, err = run(capsys, "predict", tmp_path / "m.bpnn", CLASSIFICATION_CSV, "--keep", "material")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["material", "material_predicted"]
    with open(CLASSIFICATION_CSV, newline="") as f:
        source = list(csv.DictReader(f))
    assert [r[0] for r in rows[1:]] == [r["material"] for r in source]
    assert {r[1] for r in rows[1:]} <= {r["material"] for r in source}
