"""bpnn train's scores (tables.workflow.split_metrics) against scikit-learn's metrics, which
they replace to keep scikit-learn's import (about 0.65 s) out of every ``bpnn train``."""

import numpy as np
import pytest
from sklearn import metrics

import bpnn
from bpnn.io.model import Model
from bpnn.io.scaling import NoScaler
from bpnn.tables.workflow import split_metrics


def _model(task, n_out=2, classes=(2.0, 5.0, 7.0)):
    x = NoScaler().fit([[0.0]])
    if task == "regression":
        net = bpnn.Network([bpnn.Dense(1, n_out)], seed=0)
        return Model(net, x, NoScaler().fit(np.zeros((1, n_out))), ["x"], [f"t{j}" for j in range(n_out)], task)
    net = bpnn.Network([bpnn.Dense(1, len(classes), "softmax")], seed=0)
    return Model(net, x, None, ["x"], ["k"], task, classes=list(classes))


@pytest.mark.parametrize("seed", range(4))
def test_classification_scores_equal_sklearns(seed):
    rng = np.random.default_rng(seed)
    labels = [2.0, 5.0, 7.0, 11.0]
    model = _model("classification", classes=labels)
    truth = rng.choice([2.0, 5.0, 7.0], 61)  # class 11 never occurs
    pred = np.where(rng.random(61) < 0.6, truth, rng.choice([2.0, 11.0], 61))  # 5 and 7 rarely predicted
    if seed == 3:
        pred[pred == 7.0] = 2.0  # 7 never predicted: precision 0 by zero_division
    got = split_metrics(model, truth, pred)
    p, r, _, _ = metrics.precision_recall_fscore_support(truth, pred, labels=labels, zero_division=0)
    assert got["rows"] == 61
    assert got["accuracy"] == pytest.approx(metrics.accuracy_score(truth, pred), abs=1e-15)
    assert got["confusion_matrix"] == metrics.confusion_matrix(truth, pred, labels=labels).tolist()
    np.testing.assert_allclose(list(got["precision"].values()), p, atol=1e-15)
    np.testing.assert_allclose(list(got["recall"].values()), r, atol=1e-15)
    assert list(got["precision"]) == ["2", "5", "7", "11"]


@pytest.mark.parametrize("case", ["noisy", "constant-exact", "constant-off", "one-row"])
def test_regression_scores_equal_sklearns(case):
    rng = np.random.default_rng(1)
    model = _model("regression")
    n = 1 if case == "one-row" else 40
    truth = rng.normal(size=(n, 2)) * [3, 0.01] + [1e4, 5]
    pred = truth + rng.normal(size=truth.shape) * [2, 0.003]
    if case.startswith("constant"):
        truth[:, 0] = 3.0
        pred[:, 0] = 3.0 if case == "constant-exact" else 3.5
    got = split_metrics(model, truth, pred)
    for j, name in enumerate(["t0", "t1"]):
        t, p = truth[:, j], pred[:, j]
        if n >= 2:
            assert got["r2"][name] == pytest.approx(metrics.r2_score(t, p), rel=1e-12, abs=1e-12)
        else:
            assert got["r2"][name] is None
        assert got["rmse"][name] == pytest.approx(np.sqrt(metrics.mean_squared_error(t, p)), rel=1e-12)
        assert got["mae"][name] == pytest.approx(metrics.mean_absolute_error(t, p), rel=1e-12)


@pytest.mark.parametrize("table,target", [("classification.csv", "material"), ("regression.csv", "period_s")])
def test_bpnn_train_on_a_small_table_loads_no_heavy_library(tmp_path, table, target):
    """What `bpnn train` imports on the example tables (a fresh interpreter): not scikit-learn,
    matplotlib or numba (their imports took most of a call); the scores are still there.
    (pandas is imported: it reads the tables since issue 17.)"""
    import json
    import subprocess
    import sys
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "examples" / "data" / table
    code = (
        "import sys, json; from bpnn.cli.main import main; "
        f"status = main(['train', {str(data)!r}, '--target', {target!r}, '--out', {str(tmp_path / 'm.bpnn')!r}, "
        "'--quiet']); "
        "print(json.dumps([status] + [m in sys.modules for m in ('sklearn', 'matplotlib', 'numba')]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    status, *loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert status == 0 and (tmp_path / "m.bpnn").exists()
    assert loaded == [False, False, False]
    model = bpnn.load(tmp_path / "m.bpnn")
    assert "test" in model.metrics


def test_tables_use_the_compiled_epoch_only_when_the_batches_can_pay_for_loading_numba():
    from bpnn.tables.workflow import COMPILE_FROM_BATCHES, _worth_compiling

    assert not _worth_compiling(168, 32, 1000)  # the example table: 6 batches an epoch
    assert _worth_compiling(100_000, 32, 1000)
    assert not _worth_compiling(10**6, None, 1000)  # full batch: one per epoch
    assert _worth_compiling(COMPILE_FROM_BATCHES, 1, 1) and not _worth_compiling(COMPILE_FROM_BATCHES - 1, 1, 1)
