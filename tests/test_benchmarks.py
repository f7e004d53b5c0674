"""The benchmark suite runs and reports correctly (tiny sizes; no timing assertions —
the machines are shared and noisy, so speed is judged by `python -m benchmarks`, not here)."""

import dataclasses
import json
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `benchmarks/` sits next to `src/`, not inside the package
    sys.path.insert(0, str(REPO))

from benchmarks import cli, floor, harness, peers, reference_loop, report  # noqa: E402
from benchmarks.cases import CASES  # noqa: E402
from benchmarks.core import NotAvailable, Run, Spec, time_to_target, time_to_target_over_seeds  # noqa: E402

try:
    import torch  # noqa: F401

    HAVE_TORCH = True
except ImportError:
    HAVE_TORCH = False


# ---------------------------------------------------------------- the reference loop
def _half_squared_error(weights, biases, x, y):
    out = reference_loop.forward(weights, biases, x)[-1]
    return 0.5 * np.sum((out - y) ** 2)


def test_reference_gradients_match_central_differences():
    rng = np.random.default_rng(1)
    weights, biases = reference_loop.init_params((3, 5, 4, 2), rng)
    x, y = rng.standard_normal(3), np.array([1.0, 0.0])
    weight_grads, bias_grads = reference_loop.backprop(weights, biases, x, y)
    eps = 1e-6
    for params, grads in ((weights, weight_grads), (biases, bias_grads)):
        for p, g in zip(params, grads):
            numeric = np.zeros_like(p)
            for i in np.ndindex(p.shape):
                old = p[i]
                p[i] = old + eps
                up = _half_squared_error(weights, biases, x, y)
                p[i] = old - eps
                down = _half_squared_error(weights, biases, x, y)
                p[i] = old
                numeric[i] = (up - down) / (2 * eps)
            np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-9)


def test_reference_epoch_is_one_gradient_step_per_sample():
    rng = np.random.default_rng(2)
    weights, biases = reference_loop.init_params((2, 4, 2), rng)
    x, y = rng.standard_normal((1, 2)), np.array([[0.0, 1.0]])
    weight_grads, bias_grads = reference_loop.backprop(weights, biases, x[0], y[0])
    expected = [W - 0.1 * g for W, g in zip(weights, weight_grads)]
    expected_b = [b - 0.1 * g for b, g in zip(biases, bias_grads)]
    reference_loop.train_epoch(weights, biases, x, y, 0.1, order=np.array([0]))
    for got, want in zip(weights + biases, expected + expected_b):
        np.testing.assert_allclose(got, want, rtol=1e-14)


# ---------------------------------------------------------------- floor and helpers
def test_gemm_shapes_are_forward_weight_grads_and_deltas_below_the_first_layer():
    shapes = floor.gemm_shapes((784, 256, 128, 10), 200)
    assert shapes == [
        ((200, 784), (784, 256)),
        ((200, 256), (256, 128)),
        ((200, 128), (128, 10)),
        ((784, 200), (200, 256)),
        ((256, 200), (200, 128)),
        ((200, 128), (128, 256)),
        ((128, 200), (200, 10)),
        ((200, 10), (10, 128)),
    ]
    # 2·m·k·n summed by hand: forward + weight gradients = 2 × 2·n·Σ n_in·n_out,
    # deltas = 2·n·(128·256 + 10·128)
    n = 1000
    params = 784 * 256 + 256 * 128 + 128 * 10
    assert floor.epoch_flops((784, 256, 128, 10), n) == 4 * n * params + 2 * n * (128 * 256 + 10 * 128)


def test_floor_epoch_does_the_products_of_every_batch_including_the_last_partial_one(monkeypatch):
    calls, matmul = [], np.matmul

    def spy(a, b, out):
        calls.append((a.shape, b.shape, a.dtype))
        return matmul(a, b, out=out)

    monkeypatch.setattr(floor.np, "matmul", spy)
    epoch = floor.gemm_epoch((3, 4, 2), n_samples=10, batch=4, dtype=np.float32)
    epoch()
    expected = 2 * floor.gemm_shapes((3, 4, 2), 4) + floor.gemm_shapes((3, 4, 2), 2)
    assert [(a, b) for a, b, _ in calls] == expected
    assert {dtype for _, _, dtype in calls} == {np.dtype(np.float32)}


def test_framework_free_epoch_computes_the_true_gradient():
    """benchmarks/lower_bound.py's loop without a framework is only a fair lower bound if it does
    the whole step: its float32 gradients against central differences of the batch's mean
    cross-entropy, computed in float64 by hand."""
    from benchmarks import data, lower_bound

    from bpnn.core import _native

    kernels = _native.kernels()
    if kernels is None or not _native.enabled():
        pytest.skip("bpnn's C extension is not built, or BPNN_FAST=0")
    case = data.mnist_like(400, 10)
    loop = lower_bound.Minimal(case.X_train, case.Y_train.astype(np.float32), kernels)
    rows = np.arange(lower_bound.BATCH)
    loop.gradients(rows)
    X, Y = case.X_train[rows].astype(np.float64), case.Y_train[rows].astype(np.float64)
    params = [p.astype(np.float64) for p in loop.params]

    def loss(params):
        a = X
        for l in range(3):
            z = a @ params[2 * l] + params[2 * l + 1]
            a = np.maximum(z, 0) if l < 2 else np.exp(z - z.max(axis=1, keepdims=True))
        p = a / a.sum(axis=1, keepdims=True)
        return -np.mean(np.sum(Y * np.log(p), axis=1))

    rng = np.random.default_rng(0)
    h = 1e-5
    for index, grad in enumerate(loop.grads):
        scale = np.abs(grad).max()
        assert scale > 0
        for flat in rng.choice(grad.size, size=4, replace=False):
            up = [p.copy() for p in params]
            down = [p.copy() for p in params]
            up[index].flat[flat] += h
            down[index].flat[flat] -= h
            numeric = (loss(up) - loss(down)) / (2 * h)
            assert abs(grad.flat[flat] - numeric) <= 1e-4 * scale + 1e-6, (index, flat, grad.flat[flat], numeric)
    # and an epoch of it trains: the training loss falls
    before = loss([p.astype(np.float64) for p in loop.params])
    loop.epoch()
    loop.epoch()
    assert loss([p.astype(np.float64) for p in loop.params]) < before


def test_time_to_target_finds_the_smallest_budget_that_reaches_it():
    calls = []

    def fit(budget):  # error 1/budget: the target 0.01 needs 100 iterations
        calls.append(budget)
        return budget * 1e-3, 1.0 / budget, budget

    run = time_to_target(fit, 0.01, start=8, cap=10_000)
    assert run.info["reached"] and 100 <= run.info["iterations"] <= 102
    assert run.metric <= 0.01
    assert sum(run.epoch_seconds) == pytest.approx(run.info["iterations"] * 1e-3)


def test_time_to_target_reports_a_miss():
    run = time_to_target(lambda budget: (1.0, 1.0, budget), 0.01, start=8, cap=64)
    assert run.info == {"reached": False, "iterations": 64}


def test_time_to_target_over_seeds_reports_the_median_seed():
    # seed s needs 10 * (s + 1) iterations at 1 ms each: seeds 0..4 need 10..50, median 30
    def fit_for_seed(seed):
        return lambda budget: (budget * 1e-3, 1.0 if budget < 10 * (seed + 1) else 0.0, budget)

    spec = Spec(
        sizes=(1, 2, 1),
        activation="tanh",
        output="identity",
        loss="mse",
        optimizer="lm",
        learning_rate=0.0,
        batch_size=None,
        epochs=1000,
        dtype="float64",
        target_mse=0.5,
        seeds=(4, 0, 3, 1, 2),
    )
    run = time_to_target_over_seeds(fit_for_seed, spec)
    assert run.info["iterations"] == 30 and run.info["reached"]
    assert sum(run.epoch_seconds) == pytest.approx(0.030)
    assert sorted(run.info["seed_iterations"]) == [10, 20, 30, 40, 50]


# ---------------------------------------------------------------- target verdicts
def test_speedup_is_the_median_of_ratios_within_rounds():
    # round 3 caught the peer in a fast spell; the ratio of medians (2.5 / 3 = 0.83) would
    # say bpnn is slower, the rounds say twice as fast twice and 0.83 once
    case = {"time_to_target": False, "floor": {"median_seconds_per_epoch": 1.0, "seconds_per_epoch": [1.0, 1.5, 1.5]}}
    bpnn = {"status": "ok", "seconds_per_epoch": [1.0, 3.0, 3.0], "median_seconds_per_epoch": 3.0}
    peer = {"status": "ok", "seconds_per_epoch": [2.0, 6.0, 2.5], "median_seconds_per_epoch": 2.5}
    assert report.ratio(case, peer, bpnn) == pytest.approx(2.0)
    assert report.floor_multiple(case, bpnn) == pytest.approx(2.0)  # per round: 1, 2, 2
    # timed in different rounds (one full-length run): the ratio of the medians
    once = {"status": "ok", "seconds_per_epoch": [6.0], "median_seconds_per_epoch": 6.0}
    assert report.ratio(case, once, bpnn) == pytest.approx(2.0)


def test_fastest_vs_fastest_divides_the_fastest_repeats():
    case = {"time_to_target": False, "floor": {"median_seconds_per_epoch": 1.5, "seconds_per_epoch": [1.5, 0.8, 1.5]}}
    bpnn = {"status": "ok", "seconds_per_epoch": [1.0, 3.0, 3.0], "median_seconds_per_epoch": 3.0}
    peer = {"status": "ok", "seconds_per_epoch": [2.0, 6.0, 2.5], "median_seconds_per_epoch": 2.5}
    assert report.best_ratio(case, peer, bpnn) == pytest.approx(2.0 / 1.0)
    assert report.best_floor_multiple(case, bpnn) == pytest.approx(1.0 / 0.8)
    assert report.best_ratio(case, {"status": "n/a"}, bpnn) is None
    verdicts = report.evaluate_targets(
        dict(
            case,
            implementations={"bpnn": bpnn, "sklearn": peer},
            targets=[
                {"kind": "speedup", "value": 5, "peer": "sklearn", "description": "d"},
                {"kind": "floor", "value": 1.5, "peer": None, "description": "d"},
            ],
        )
    )
    assert [v["best_text"] for v in verdicts] == ["2.00×", "1.25× the floor"]
    assert [v["met"] for v in verdicts] == [False, False]  # judged on the paired medians (2.0×, 2.0× the floor)


def _case(bpnn, peer, floor_s=1.0, full_epochs=10):
    def ok(t, epochs=10, **kw):
        return {
            "status": "ok",
            "median_seconds_per_epoch": t,
            "median_total_seconds": t * epochs,
            "epochs": epochs,
            "metric": 0.98,
            **kw,
        }

    return {
        "time_to_target": False,
        "full_epochs": full_epochs,
        "floor": {"median_seconds_per_epoch": floor_s},
        "implementations": {"bpnn": bpnn if isinstance(bpnn, dict) else ok(bpnn), "sklearn": ok(peer)},
        "targets": [
            {"kind": "speedup", "value": 5, "peer": "sklearn", "description": "d"},
            {"kind": "floor", "value": 1.5, "peer": None, "description": "d"},
            {"kind": "metric_min", "value": 0.97, "peer": None, "description": "d"},
        ],
    }


def test_verdicts_compare_bpnn_with_peer_floor_and_metric():
    met = report.evaluate_targets(_case(bpnn=1.2, peer=6.0))
    assert [v["met"] for v in met] == [True, True, True]
    assert met[0]["measured"] == pytest.approx(5.0)
    missed = report.evaluate_targets(_case(bpnn=2.0, peer=6.0))
    assert [v["met"] for v in missed] == [False, False, True]


def test_verdicts_do_not_judge_accuracy_of_a_short_run_or_a_missing_bpnn():
    short = report.evaluate_targets(_case(bpnn=1.0, peer=6.0, full_epochs=1000))
    assert short[2]["met"] is None and "--full" in short[2]["text"]
    missing = report.evaluate_targets(_case(bpnn={"status": "n/a", "reason": "no engine"}, peer=1.0))
    assert [v["met"] for v in missing] == [None, None, None]
    assert missing[0]["text"] == "bpnn n/a"


# ---------------------------------------------------------------- harness behaviour
def test_missing_torch_is_reported_not_raised(monkeypatch):
    def no_torch():
        raise NotAvailable("torch is not installed (test)")

    monkeypatch.setattr(peers, "import_torch", no_torch)
    result = harness.run_case(
        CASES["digits"], quick=True, repeats=1, threads=1, impls=["torch"], log=lambda *a: None, isolate=False
    )
    assert result["implementations"]["torch"] == {
        "label": "PyTorch",
        "status": "n/a",
        "reason": "torch is not installed (test)",
    }


def test_full_length_case_pairs_short_runs_and_adds_one_full_run():
    # under --full the online case keeps its short runs for the speed (every implementation
    # in every round, so the ratios pair up) and makes one full-length run for the accuracy
    result = harness.run_case(
        CASES["online"],
        quick=True,
        full=True,
        repeats=2,
        threads=1,
        impls=["bpnn", "reference"],
        log=lambda *a: None,
        isolate=False,
    )
    for key in ("bpnn", "reference"):
        impl = result["implementations"][key]
        assert impl["status"] == "ok", impl
        assert len(impl["seconds_per_epoch"]) == 2
        assert impl["full_run"]["metric"] == impl["metric"]
        assert impl["median_total_seconds"] == impl["full_run"]["total_seconds"]


def test_a_crashing_runner_is_recorded_as_an_error():
    def boom(data, spec):
        raise RuntimeError("kaput")

    case = dataclasses.replace(CASES["digits"], runners={"sklearn": boom})
    result = harness.run_case(case, quick=True, repeats=1, threads=1, log=lambda *a: None, isolate=False)
    impl = result["implementations"]["sklearn"]
    assert impl["status"] == "error" and "kaput" in impl["reason"]


def test_profile_lists_the_costliest_functions():
    case = CASES["online"]
    data = case.make_data(True).head(20)
    record = harness.run_once(case, "reference", data, case.quick_spec, profile=True)
    assert record["status"] == "ok"
    assert "backprop" in record["profile"] and "tottime" in record["profile"]


def test_runner_results_are_whole_runs():
    run = Run.whole(2.0, 4, 0.5)
    assert run.epoch_seconds == [0.5] * 4 and run.metric == 0.5


# ---------------------------------------------------------------- the whole suite, tiny
@pytest.fixture(scope="module")
def quick_suite(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    # in process, to keep it quick; the MNIST-sized case still runs its children
    argv = [
        "--quick",
        "--section",  # the doors section's runners are tested on their own (tests/test_benchmarks_doors.py)
        "engine",
        "--in-process",
        "--repeats",
        "2",
        "--threads",
        "1",
        "--output",
        str(out / "r.json"),
        "--write-docs",
        "--docs",
        str(out / "benchmarks.md"),
    ]
    code = cli.main(argv)
    return code, out, json.loads((out / "r.json").read_text())


def test_quick_suite_runs_every_case_without_errors(quick_suite):
    code, _, results = quick_suite
    assert code == 0
    assert [c["name"] for c in results["cases"]] == [name for name, case in CASES.items() if case.section == "engine"]
    for case in results["cases"]:
        assert case["floor"]["median_seconds_per_epoch"] > 0
        for key, impl in case["implementations"].items():
            expected = {"ok", "n/a"} if key in ("bpnn", "torch") else {"ok"}
            assert impl["status"] in expected, (case["name"], key, impl)
            if key == "torch":
                assert (impl["status"] == "ok") == HAVE_TORCH
            if impl["status"] == "ok":
                assert len(impl["seconds_per_epoch"]) == 2
                assert impl["median_seconds_per_epoch"] > 0
                assert np.isfinite(impl["metric"])
        assert len(case["verdicts"]) == len(case["targets"])


def test_quick_suite_measures_memory_in_child_processes(quick_suite):
    _, _, results = quick_suite
    mnist = next(c for c in results["cases"] if c["name"] == "mnist-sized")
    memory = mnist["implementations"]["sklearn"]["memory"]
    assert memory["peak_mb"] >= memory["baseline_mb"] > memory["data_mb"] > 0


def test_quick_suite_header_and_markdown(quick_suite):
    _, out, results = quick_suite
    machine = results["machine"]
    for key in ("cpu", "cores_usable", "numpy", "numpy_blas", "thread_pools", "sklearn", "torch"):
        assert key in machine
    assert all(pool["threads"] == 1 for pool in machine["thread_pools"])
    text = (out / "benchmarks.md").read_text()
    assert results["command"] in text
    for case in results["cases"]:
        assert f"## `{case['name']}`" in text
    assert text.count("| implementation |") == len(results["cases"])
    assert "GEMM floor" in text


def test_report_can_be_rebuilt_from_json(quick_suite, tmp_path, capsys):
    _, out, _ = quick_suite
    code = cli.main(["--from-json", str(out / "r.json"), "--write-docs", "--docs", str(tmp_path / "again.md")])
    assert code == 0
    assert (tmp_path / "again.md").read_text() == (out / "benchmarks.md").read_text()
    assert "[online]" in capsys.readouterr().out


@pytest.mark.skipif(not HAVE_TORCH, reason="torch is a benchmark-only dependency")
def test_torch_twin_starts_like_scikit_learn():
    spec = CASES["digits"].spec
    model = peers.torch_twin(spec, torch, torch.Generator().manual_seed(0))
    first = model[0]
    bound = (6.0 / (64 + 128)) ** 0.5
    assert first.weight.shape == (128, 64) and first.weight.dtype == torch.float32
    assert float(first.weight.detach().abs().max()) <= bound and float(first.bias.detach().abs().max()) <= bound
