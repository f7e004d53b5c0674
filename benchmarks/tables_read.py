"""The tables section: reading a big CSV file, and an epoch of ``--chunksize`` training.

``python -m benchmarks --section tables [--quick] [--write-docs]`` (or ``python -m
benchmarks.tables_read``) writes a numeric CSV file of 1,000,000 rows and 20 columns
(20,000 with ``--quick``) into a temporary folder and measures, each run in a fresh
child process, interleaved, the median of ``--repeats``:

* **read**: the time and the peak memory added by reading it with pandas' ``read_csv``
  (the reference), with :func:`bpnn.io.frames.read_frame` (what ``bpnn train`` and
  ``bpnn predict`` read tables with) and with :func:`bpnn.io.read_csv`. The memory is the
  peak resident size of the child minus its size just before the read (libraries already
  imported), as a multiple of the float64 array (rows x columns x 8 bytes). Targets:
  time within 1.5x pandas', memory within 2x the array.
* **epoch**: the time of one training epoch on a 200,000 x 20 table (20,000 with
  ``--quick``): ``train_table`` on the table in memory, as ``bpnn train`` does, and
  ``train_csv_chunks`` (``bpnn train --chunksize 10000``), which parses the file once into
  its binary cache and reads the cache every epoch. An epoch's time is the time between
  two ends of epochs (updates, then validation and test losses), the median over epochs 2
  to 12 of one run, so reading, the cache and compilation stay out of it. Target: the
  chunked epoch within 2x the in-memory one.

The results go to ``benchmarks/results/tables.json``; ``--write-docs`` puts the section,
between its markers, into ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from .machine import REPO, usable_cores

RESULTS = REPO / "benchmarks" / "results" / "tables.json"
DOCS = REPO / "docs" / "benchmarks.md"
BEGIN, END = "<!-- tables section: begin -->", "<!-- tables section: end -->"

READERS = ("pandas", "bpnn read_frame", "bpnn read_csv")
EPOCHS = ("in memory", "chunksize")
COLUMNS = 20
#: (rows of the read file, rows of the training file, epochs, chunk size) for full and quick runs
SIZES = {False: (1_000_000, 200_000, 12, 10_000), True: (20_000, 20_000, 4, 2_000)}
TARGETS = {"read time": 1.5, "read memory": 2.0, "epoch": 2.0}


# --------------------------------------------------------------------------- data


def write_table(path: Path, rows: int, target: bool, seed: int = 0) -> None:
    """``rows`` x 20 standard normal numbers (17 significant digits), plus ``y`` if ``target``."""
    import numpy as np

    rng = np.random.default_rng(seed)
    names = [f"x{j}" for j in range(COLUMNS)] + (["y"] if target else [])
    with open(path, "w") as f:
        f.write(",".join(names) + "\n")
        for start in range(0, rows, 100_000):
            X = rng.standard_normal((min(100_000, rows - start), COLUMNS))
            if target:
                X = np.column_stack([X, np.tanh(X[:, 0] - X[:, 1]) + 0.5 * X[:, 2] * X[:, 3]])
            np.savetxt(f, X, delimiter=",", fmt="%.17g")


# --------------------------------------------------------------------------- children


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def child(request: dict) -> dict:
    """One measurement in this (fresh) process."""
    import resource
    import time

    import numpy as np
    import pandas as pd

    import bpnn
    from bpnn.io.frames import read_frame
    from bpnn.tables.chunked import train_csv_chunks
    from bpnn.tables.workflow import train_table

    kind, path = request["kind"], request["path"]
    if kind in READERS:
        read = {
            "pandas": lambda: pd.read_csv(path),
            "bpnn read_frame": lambda: read_frame(path),
            "bpnn read_csv": lambda: bpnn.io.read_csv(path),
        }[kind]
        before = _rss()
        start = time.perf_counter()
        table = read()
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        # in a fresh child the peak is the read's (0 when an earlier peak of this process was higher)
        return {"seconds": seconds, "peak_added": max(0, peak - before), "rows": len(table)}
    import bpnn.tables.workflow as workflow

    epochs, chunksize = request["epochs"], request["chunksize"]
    settings = dict(solver="adam", hidden=(10,), patience=10**6, seed=0, split=(0.7, 0.15, 0.15))
    # Both ways of training call TrainingRecord.on_epoch_end once an epoch is done (its
    # updates and its validation and test losses): the time between two calls is an epoch.
    stamps: list[float] = []
    record = workflow.TrainingRecord.on_epoch_end

    def stamped(self, epoch, logs=None):
        stamps.append(time.perf_counter())
        return record(self, epoch, logs)

    workflow.TrainingRecord.on_epoch_end = stamped  # type: ignore[method-assign]
    try:
        if kind == "in memory":
            run = train_table(read_frame(path), ["y"], epochs=epochs, **settings)
        else:
            folder = os.path.dirname(path)
            run = train_csv_chunks(path, ["y"], chunksize, epochs=epochs, cache_dir=folder, **settings)
    finally:
        workflow.TrainingRecord.on_epoch_end = record  # type: ignore[method-assign]
    assert run.model.settings["epochs_run"] == epochs, run.stop
    seconds = np.diff(stamps)  # the first epoch (compiling, caching) has no stamp before it
    r2 = run.model.metrics["test"]["r2"]["y"]
    return {"seconds": float(np.median(seconds)), "epochs": seconds.tolist(), "test_r2": float(r2)}


def _in_child(request: dict) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.tables_read", "--child", json.dumps(request)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{request['kind']} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- the section


def run(quick: bool = False, repeats: int = 3, log=print) -> dict:
    """Measure everything (see the module docstring) and return the JSON-ready results."""
    read_rows, train_rows, epochs_run, chunksize = SIZES[quick]
    results: dict = {
        "date": datetime.date.today().isoformat(),
        "quick": quick,
        "repeats": repeats,
        "cores_usable": usable_cores(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "read": {"rows": read_rows, "columns": COLUMNS, "array_bytes": read_rows * COLUMNS * 8},
        "epoch": {"rows": train_rows, "columns": COLUMNS, "epochs": epochs_run, "chunksize": chunksize},
    }
    with tempfile.TemporaryDirectory(prefix="bpnn-bench-tables-") as folder:
        big, train = Path(folder) / "read.csv", Path(folder) / "train.csv"
        write_table(big, read_rows, target=False)
        write_table(train, train_rows, target=True, seed=1)
        results["read"]["file_bytes"] = big.stat().st_size
        log(
            f"tables: reading a {read_rows:,} x {COLUMNS} CSV file "
            f"({big.stat().st_size / 1e6:.0f} MB), {repeats} rounds"
        )
        runs: dict = {kind: [] for kind in READERS}
        for _ in range(repeats):  # interleaved: every reader once per round
            for kind in READERS:
                runs[kind].append(_in_child({"kind": kind, "path": str(big)}))
                log(f"  {kind:<16} {runs[kind][-1]['seconds']:.2f} s, +{runs[kind][-1]['peak_added'] / 1e6:.0f} MB")
        results["read"]["runs"] = runs
        log(f"tables: one epoch on {train_rows:,} x {COLUMNS} (the median of {epochs_run - 1}), {repeats} rounds")
        epochs: dict = {kind: [] for kind in EPOCHS}
        for _ in range(repeats):
            for kind in EPOCHS:
                request = {"kind": kind, "path": str(train), "epochs": epochs_run, "chunksize": chunksize}
                epochs[kind].append(_in_child(request))
                log(f"  {kind:<16} {epochs[kind][-1]['seconds']:.3f} s an epoch")
        results["epoch"]["runs"] = epochs
    results["summary"] = summary(results)
    return results


def summary(results: dict) -> dict:
    """Medians, ratios and verdicts."""
    read, epoch = results["read"], results["epoch"]
    seconds = {k: statistics.median(r["seconds"] for r in read["runs"][k]) for k in READERS}
    memory = {k: statistics.median(r["peak_added"] for r in read["runs"][k]) / read["array_bytes"] for k in READERS}
    per_epoch = {k: statistics.median(r["seconds"] for r in epoch["runs"][k]) for k in EPOCHS}
    out = {"read_seconds": seconds, "read_memory_x_array": memory, "epoch_seconds": per_epoch, "verdicts": []}
    for kind in READERS[1:]:
        ratio = seconds[kind] / seconds["pandas"]
        out["verdicts"].append(_verdict(f"{kind}: time / pandas' time", ratio, TARGETS["read time"]))
        out["verdicts"].append(
            _verdict(f"{kind}: peak memory / the float64 array", memory[kind], TARGETS["read memory"])
        )
    ratio = per_epoch["chunksize"] / per_epoch["in memory"]
    out["verdicts"].append(_verdict("--chunksize epoch / in-memory epoch", ratio, TARGETS["epoch"]))
    return out


def _verdict(what: str, value: float, target: float) -> dict:
    return {"what": what, "value": value, "target": target, "met": value <= target}


def markdown(results: dict) -> str:
    """The section of docs/benchmarks.md, between its markers."""
    s, read, epoch = results["summary"], results["read"], results["epoch"]
    lines = [
        BEGIN,
        "## Tables: reading a CSV file, and a `--chunksize` epoch",
        "",
        f"Measured on {results['date']} by the tables section of the suite (`python -m benchmarks "
        f"--section tables{' --quick' if results['quick'] else ''}`, or `python -m benchmarks.tables_read`; "
        f"{results['cores_usable']} usable cores, shared, load average "
        f"{results['load_average'][0]} at the start; the median of {results['repeats']} interleaved rounds, "
        "every run in a fresh process). See `benchmarks/tables_read.py` for how.",
        "",
        f"Reading a {read['rows']:,} × {read['columns']} numeric CSV file "
        f"({read['file_bytes'] / 1e6:.0f} MB; the float64 array is {read['array_bytes'] / 1e6:.0f} MB):",
        "",
        "| reader | time (s) | × pandas | peak memory added (× the array) |",
        "|---|---:|---:|---:|",
    ]
    base = s["read_seconds"]["pandas"]
    for kind in READERS:
        t, m = s["read_seconds"][kind], s["read_memory_x_array"][kind]
        lines.append(
            f"| {'pandas `read_csv`' if kind == 'pandas' else f'`{kind}`'} | {t:.2f} | {t / base:.2f} | {m:.2f} |"
        )
    lines += [
        "",
        f"One epoch of `adam` (batch 32, one hidden layer of 10) on a {epoch['rows']:,} × {epoch['columns']} "
        f"table (its updates and its validation and test losses; the median of epochs 2 to {epoch['epochs']}):",
        "",
        "| training | seconds an epoch | × in memory |",
        "|---|---:|---:|",
    ]
    for kind in EPOCHS:
        t = s["epoch_seconds"][kind]
        label = "in memory (`bpnn train`)" if kind == "in memory" else f"`--chunksize {epoch['chunksize']}`"
        lines.append(f"| {label} | {t:.3f} | {t / s['epoch_seconds']['in memory']:.2f} |")
    lines += ["", "| target | measured | target | met |", "|---|---:|---:|---|"]
    for v in s["verdicts"]:
        lines.append(f"| {v['what']} | {v['value']:.2f} | ≤ {v['target']:g} | {'yes' if v['met'] else 'no'} |")
    lines += [END, ""]
    return "\n".join(lines)


def write_docs(results: dict, docs: Path = DOCS) -> None:
    """Put the section into ``docs`` between its markers (appended the first time)."""
    text = docs.read_text() if docs.exists() else ""
    block = markdown(results)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1].lstrip("\n")
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block
    docs.write_text(text)


def keep_section(docs: Path = DOCS, results_file: Path = RESULTS) -> None:
    """After the rest of docs/benchmarks.md is rewritten, put the last tables results back."""
    if results_file.exists():
        write_docs(json.loads(results_file.read_text()), docs)


def save(results: dict, output: Path = RESULTS) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=1) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tables_read", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small files: checks that everything runs")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--write-docs", action="store_true", help="write the section into docs/benchmarks.md")
    parser.add_argument("--output", type=Path, default=None, help="JSON results file (default: results/tables.json)")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0
    results = run(quick=args.quick, repeats=args.repeats)
    output = args.output or (RESULTS.with_name("tables-quick.json") if args.quick else RESULTS)
    save(results, output)
    print(markdown(results))
    if args.write_docs:
        write_docs(results)
    return 0 if all(v["met"] for v in results["summary"]["verdicts"]) or args.quick else 1


if __name__ == "__main__":
    sys.exit(main())
