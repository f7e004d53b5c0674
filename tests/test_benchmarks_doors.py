"""The benchmark suite's doors section (issue 16): each runner runs on tiny data and reports
what it measured (no timing assertions; speed is judged by `python -m benchmarks`)."""

import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks import cli, doors, report  # noqa: E402
from benchmarks.cases import CASES, ONLINE, SMALL  # noqa: E402
from benchmarks.data import moons  # noqa: E402


def test_the_doors_section_is_selected_by_its_name():
    doors_cases = [name for name, case in CASES.items() if case.section == "doors"]
    assert doors_cases and all(name.startswith("doors-") for name in doors_cases)
    args = cli.parse_args(["--section", "doors"])
    assert args.section == ["doors"]
    for name in doors_cases:  # every implementation of a doors case has a label
        for impl in CASES[name].runners:
            assert impl in cli.IMPLEMENTATIONS


def test_estimator_runners_train_every_epoch_and_score():
    data = moons(200)
    spec = SMALL.replace(epochs=3)
    run = doors.bp_classifier(data, spec)
    assert len(run.epoch_seconds) == 3 and 0.0 <= run.metric <= 1.0
    assert run.info["network_dtype"] == "float64"
    reg = doors.friedman(300, 100)
    spec = CASES["doors-regressor"].spec.replace(epochs=2, batch_size=50)
    for runner in (doors.bp_regressor, doors.sklearn_regressor):
        run = runner(reg, spec)
        assert len(run.epoch_seconds) == 2 and np.isfinite(run.metric) and run.metric > 0


def test_early_stopping_runners_score_every_epoch():
    data = moons(200)
    spec = SMALL.replace(epochs=3)
    for which in ("bpnn", "sklearn"):
        run = doors.with_validation(which)(data, spec)  # the runner asserts 3 validation scores
        assert len(run.epoch_seconds) == 3 and 0.0 <= run.metric <= 1.0
        assert 0.0 <= run.info["best_validation"] <= 1.0


def test_the_run_without_numba_really_has_no_numba_and_matches_bpnn():
    data = moons(200)
    spec = ONLINE.replace(epochs=2)
    run = doors.without_numba(data, spec)
    assert run.info["numba"] == "not importable"
    assert len(run.epoch_seconds) == 2
    from benchmarks import bpnn_runners

    same = bpnn_runners.train(data, spec)  # numba here: the compiled epoch, the same accuracy
    assert run.metric == pytest.approx(same.metric, abs=1e-9)


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_bpnn_train_and_the_sklearn_script_run_end_to_end(task):
    data = doors.table(task)
    assert len(data.X_train) + len(data.X_test) == (240 if task == "classification" else 300)
    for make in (doors.bpnn_train_cli, doors.sklearn_script):
        run = make(task)(data, CASES[f"doors-train-{task}"].spec)
        assert len(run.epoch_seconds) == 1 and run.epoch_seconds[0] > 0
        if task == "classification":
            assert 0.5 < run.metric <= 1.0
        else:
            assert 0 <= run.metric < 0.05  # test MSE of a period in seconds


def test_training_memory_target_is_peak_minus_the_rss_before_training():
    case = {
        "implementations": {"bpnn-classifier": {"status": "ok", "memory": {"peak_mb": 300.0, "baseline_mb": 240.0}}},
        "targets": [{"kind": "training_memory", "value": 100, "peer": None, "impl": "bpnn-classifier"}],
    }
    (verdict,) = report.evaluate_targets(case)
    assert verdict["measured"] == 60.0 and verdict["met"] is True
    case["implementations"]["bpnn-classifier"]["memory"]["peak_mb"] = 360.0
    assert report.evaluate_targets(case)[0]["met"] is False
