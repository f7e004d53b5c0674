"""Run the cases: warm-up, interleaved repeats, child processes, the GEMM floor.

Repeats are interleaved (repeat 1 of every implementation, then repeat 2, ...) so that a
slow spell of a shared machine hits every implementation alike, and the median over
repeats is reported.

Each repeat runs in a fresh child process by default. In one process, the thread pools a
library leaves behind keep spinning for a while after it returns (PyTorch's OpenMP
threads, OpenBLAS's), and whatever runs next competes with them: measured here, the
digits case's GEMM floor went from 0.9 ms to 16 ms per epoch when it ran after PyTorch in
the same process. A child also has only its own library loaded and gives its own peak RSS.
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import statistics
import subprocess
import sys
import traceback

import numpy as np

from . import floor
from .cases import CASES, IMPLEMENTATIONS, Case
from .core import NotAvailable, Run, Spec, stopwatch
from .machine import REPO

WARMUP_ROWS = 64
FLOOR_SECONDS = 0.25  # time the GEMM floor of each round over at least this long


def _profiled(fn, enabled: bool):
    """Call ``fn``; with ``enabled``, also return the 20 costliest functions (by own time)."""
    if not enabled:
        return fn(), None
    profiler = cProfile.Profile()
    result = profiler.runcall(fn)
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(20)
    return result, text.getvalue()


def run_once(case: Case, impl: str, data, spec: Spec, profile: bool = False) -> dict:
    """One timed run as a JSON-ready dict: status ok / n/a / error."""
    try:
        run, profile_text = _profiled(lambda: case.runners[impl](data, spec), profile)
    except NotAvailable as exc:
        return {"status": "n/a", "reason": str(exc)}
    except Exception as exc:  # recorded, so one broken runner does not lose the other numbers
        return {"status": "error", "reason": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()}
    assert isinstance(run, Run), run
    out = {"status": "ok", "epoch_seconds": run.epoch_seconds, "metric": run.metric, "info": run.info}
    if profile_text:
        out["profile"] = profile_text
    return out


def warm_up(case: Case, impl: str, data, spec: Spec) -> dict | None:
    """One epoch on a few rows, so one-time costs (imports, thread start-up, lazy
    initialisation) stay out of the timed runs. Returns the n/a or error record, if any."""
    if case.time_to_target:
        return None  # the budget search warms up; see core.time_to_target
    rows = max(WARMUP_ROWS, 2 * (spec.batch_size or 0))  # at least one full batch
    result = run_once(case, impl, data.head(rows), spec.replace(epochs=1))
    return None if result["status"] == "ok" else result


# ---------------------------------------------------------------- child processes
def run_in_child(case: Case, impl: str, quick: bool, full: bool, threads: int, profile: bool) -> dict:
    """Run one repeat of ``impl`` in a fresh interpreter and return its record, with
    its peak RSS and its RSS before training."""
    request = json.dumps(
        {"case": case.name, "impl": impl, "quick": quick, "full": full, "threads": threads, "profile": profile}
    )
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks._child", request], cwd=REPO, capture_output=True, text=True
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        return {"status": "error", "reason": f"child exited with {proc.returncode}", "traceback": proc.stderr[-4000:]}
    return json.loads(lines[-1])


def child_main(request: dict) -> dict:
    """Body of ``python -m benchmarks._child``: imports, data, warm-up, one timed run."""
    from .machine import set_threads

    case = CASES[request["case"]]
    impl = request["impl"]
    # Only the implementation's own library is imported (before the baseline RSS is
    # taken), so the baseline is "interpreter + library + data" and the rest is training.
    libraries = {
        "torch": ("torch",),
        "sklearn": ("sklearn.neural_network",),
        "sklearn-lbfgs": ("sklearn.neural_network",),
    }.get(impl, ())
    if impl.startswith("bpnn") and case.time_to_target:
        libraries = ("scipy.linalg",)  # bpnn's lm solves with SciPy's LAPACK: limit its pool too
    limiter = set_threads(request["threads"], ("numpy", *libraries))  # noqa: F841
    data = case.make_data(request["quick"])
    spec = case.spec_for(impl, request["quick"], request["full"])
    failed = warm_up(case, impl, data, spec)
    if failed:
        return failed
    baseline = _memory_kib("VmRSS")
    result = run_once(case, impl, data, spec, profile=request["profile"])
    result["memory"] = {
        "peak_mb": _memory_kib("VmHWM") / 1024,
        "baseline_mb": baseline / 1024,
        "data_mb": data.nbytes / 2**20,
    }
    return result


def _memory_kib(field: str) -> int:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process from ``/proc/self/status``, in KiB.

    Not ``getrusage().ru_maxrss``: Linux carries that across fork and exec, so a child
    would report at least its parent's size.
    """
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status (the memory measurement needs Linux)")


# ---------------------------------------------------------------- a whole case
def _summarise(records: list[dict], full: dict | None = None) -> dict:
    """Fold the records of the repeats of one implementation into one summary; with the
    record of a separate full-length run, its accuracy and total replace the short runs'."""
    failed = [r for r in records if r["status"] != "ok"]
    if failed:
        return dict(failed[0])
    if full is not None and full["status"] != "ok":
        return dict(full)
    per_epoch = [statistics.fmean(r["epoch_seconds"]) for r in records]
    totals = [sum(r["epoch_seconds"]) for r in records]
    summary = {
        "status": "ok",
        "epochs": len(records[-1]["epoch_seconds"]),
        "seconds_per_epoch": per_epoch,
        "total_seconds": totals,
        "median_seconds_per_epoch": statistics.median(per_epoch),
        "median_total_seconds": statistics.median(totals),
        "metric": records[-1]["metric"],
        "metrics": [r["metric"] for r in records],
        "info": records[-1]["info"],
    }
    if full is not None:
        summary.update(
            epochs=len(full["epoch_seconds"]),
            metric=full["metric"],
            median_total_seconds=sum(full["epoch_seconds"]),
            full_run={
                "seconds_per_epoch": statistics.fmean(full["epoch_seconds"]),
                "total_seconds": sum(full["epoch_seconds"]),
                "metric": full["metric"],
            },
        )
    memories = [r["memory"] for r in records if "memory" in r]
    if memories:
        summary["memory"] = max(memories, key=lambda m: m["peak_mb"])
    profiles = [r["profile"] for r in records if "profile" in r]
    if profiles:
        summary["profile"] = profiles[-1]
    return summary


def run_case(
    case: Case,
    *,
    quick: bool = False,
    full: bool = False,
    repeats: int = 3,
    threads: int = 1,
    impls=None,
    profile: bool = False,
    log=print,
    isolate: bool = True,
) -> dict:
    """Run every implementation of ``case`` (or those in ``impls``) and the GEMM floor.

    With ``isolate`` (or when the case asks for it) each repeat runs in a child process.
    """
    isolate = isolate or case.isolate
    chosen = [k for k in case.runners if impls is None or k in impls]
    data = case.make_data(quick)
    base_spec = case.spec_for("", quick, full)
    log(f"\n== {case.name}: {data.describe()}; {base_spec.describe()}")
    records: dict[str, list[dict]] = {k: [] for k in chosen}
    # Under --full, a case whose full-length runs take minutes (seed 004's reference loop)
    # times its speed on the usual short runs, paired round by round like every other case,
    # and then makes one full-length run per implementation, for the accuracy and the total.
    full_apart = full and case.full_apart
    timed_full = full and not full_apart
    if not isolate:
        for impl in chosen:
            failed = warm_up(case, impl, data, case.spec_for(impl, quick, timed_full))
            if failed:
                records[impl].append(failed)
    # The floor is timed in the same rounds as the implementations, so it sees the same
    # machine (a floor measured in a quiet minute would flatter everyone else).
    gemm_epoch = floor.gemm_epoch(
        base_spec.sizes, data.X_train.shape[0], base_spec.batch_size or data.X_train.shape[0], np.dtype(base_spec.dtype)
    )
    # the floor of one round is timed over enough epochs to take about a quarter second
    # (one epoch of a small case is a millisecond, within the noise of a shared machine)
    floor_epochs = max(1, int(np.ceil(FLOOR_SECONDS / max(stopwatch(gemm_epoch)[0], 1e-6))))
    floor_times = []
    for repeat in range(repeats):
        for impl in chosen:
            if records[impl] and records[impl][-1]["status"] != "ok":
                continue
            spec = case.spec_for(impl, quick, timed_full)
            if isolate:
                record = run_in_child(case, impl, quick, timed_full, threads, profile)
            else:
                record = run_once(case, impl, data, spec, profile)
            records[impl].append(record)
            log(f"   {impl:<14} repeat {repeat + 1}: " + _short(record))
        floor_times.append(stopwatch(lambda: [gemm_epoch() for _ in range(floor_epochs)])[0] / floor_epochs)
    full_records: dict[str, dict] = {}
    if full_apart:
        for impl in chosen:
            if impl in case.short_only or not records[impl] or records[impl][-1]["status"] != "ok":
                continue
            if isolate:
                record = run_in_child(case, impl, quick, True, threads, profile)
            else:
                record = run_once(case, impl, data, case.spec_for(impl, quick, True), profile)
            full_records[impl] = record
            log(f"   {impl:<14} full length: " + _short(record))
    flops = floor.epoch_flops(base_spec.sizes, data.X_train.shape[0])
    log(
        f"   GEMM floor: {statistics.median(floor_times):.4g} s/epoch "
        f"({flops / statistics.median(floor_times) / 1e9:.1f} GFLOP/s)"
    )
    return {
        "name": case.name,
        "title": case.title,
        "data": data.describe(),
        "n_train": data.X_train.shape[0],
        "spec": base_spec.describe(),
        "epochs_timed": base_spec.epochs,
        "full_epochs": case.full_epochs,
        "time_to_target": case.time_to_target,
        "target_mse": base_spec.target_mse,
        "metric_name": case.metric_name,
        "floor": {
            "seconds_per_epoch": floor_times,
            "median_seconds_per_epoch": statistics.median(floor_times),
            "gflop_per_epoch": flops / 1e9,
        },
        "implementations": {
            k: {"label": IMPLEMENTATIONS[k], **_summarise(records[k], full_records.get(k))} for k in chosen
        },
        "targets": [
            {"kind": t.kind, "value": t.value, "peer": t.peer, "impl": t.impl, "description": t.describe()}
            for t in case.targets
        ],
        "notes": list(case.notes),
    }


def _short(record: dict) -> str:
    if record["status"] != "ok":
        return f"{record['status']}: {record['reason']}"
    per_epoch = statistics.fmean(record["epoch_seconds"])
    text = f"{per_epoch:.4g} s/epoch over {len(record['epoch_seconds'])}, metric {record['metric']:.4g}"
    if "memory" in record:
        text += f", peak RSS {record['memory']['peak_mb']:.0f} MB"
    return text
