"""skl2onnx converts scikit-learn pipelines that end in BPClassifier or BPRegressor; the
graphs are checked against the pipelines' own predictions with onnxruntime."""

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("skl2onnx")
ort = pytest.importorskip("onnxruntime")

import bpnn.estimators.onnx_converters  # noqa: E402,F401  (registers the converters)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
from bpnn import BPClassifier, BPRegressor  # noqa: E402


def _session(onx):
    return ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])


def _table(n=240, seed=0):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame(
        {
            "a": rng.normal(size=n).astype(np.float32),
            "b": rng.uniform(0, 50, size=n).astype(np.float32),
            "color": rng.choice(["red", "green", "blue"], size=n),
        }
    )
    score = df["a"] + df["b"] / 25 + (df["color"] == "red")
    return df, score


@pytest.mark.parametrize("n_classes", [2, 3])
def test_a_pipeline_with_a_column_transformer_and_bp_classifier(n_classes):
    from skl2onnx import to_onnx
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    df, score = _table()
    y = np.array(["low", "mid", "high"])[np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))]
    if n_classes == 2:
        y = np.where(y == "low", "low", "high")
    columns = ColumnTransformer([("num", StandardScaler(), ["a", "b"]), ("cat", OneHotEncoder(), ["color"])])
    pipe = Pipeline([("columns", columns), ("net", BPClassifier(hidden_layer_sizes=(6,), max_iter=60, random_state=0))])
    pipe.fit(df, y)
    onx = to_onnx(pipe, df[:1], options={"zipmap": False})
    feeds = {"a": df[["a"]].to_numpy(), "b": df[["b"]].to_numpy(), "color": df[["color"]].to_numpy(dtype=object)}
    label, proba = _session(onx).run(None, feeds)
    np.testing.assert_allclose(proba, pipe.predict_proba(df), atol=1e-5)
    assert (label == pipe.predict(df)).mean() > 0.99  # float32 ties aside


def test_a_pipeline_ending_in_bp_regressor_and_integer_labels():
    from skl2onnx import to_onnx
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import MinMaxScaler

    df, score = _table(seed=1)
    X = df[["a", "b"]].to_numpy()
    pipe = Pipeline([("scale", MinMaxScaler()), ("net", BPRegressor(hidden_layer_sizes=(5,), max_iter=80))])
    pipe.fit(X, score.to_numpy() * 100)
    (prediction,) = _session(to_onnx(pipe, X[:1])).run(None, {"X": X})
    np.testing.assert_allclose(prediction.ravel(), pipe.predict(X), rtol=1e-4, atol=1e-3)

    labels = (score > score.median()).astype(int).to_numpy() + 3  # classes 3 and 4
    clf = Pipeline([("scale", MinMaxScaler()), ("net", BPClassifier(hidden_layer_sizes=(5,), max_iter=60))])
    clf.fit(X, labels)
    label, proba = _session(to_onnx(clf, X[:1], options={"zipmap": False})).run(None, {"X": X})
    assert label.dtype == np.int64
    np.testing.assert_allclose(proba, clf.predict_proba(X), atol=1e-5)


def test_importing_skl2onnx_first_registers_the_converters_with_bpnn():
    import subprocess
    import sys

    code = (
        "import skl2onnx\n"
        "from skl2onnx._supported_operators import sklearn_operator_name_map as names\n"
        "import bpnn\n"
        "from bpnn.estimators import BPClassifier, BPRegressor\n"
        "print(names[BPClassifier], names[BPRegressor])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["BpnnBPClassifier", "BpnnBPRegressor"]
