"""Turn results (the dict that is also written as JSON) into the console table, the
target verdicts and ``docs/benchmarks.md``."""

from __future__ import annotations

import math
import statistics

from .machine import header_lines


# ---------------------------------------------------------------- numbers
def seconds(x: float | None) -> str:
    if x is None:
        return "—"
    if x < 1e-3:
        return f"{x * 1e6:.3g} µs"
    if x < 1:
        return f"{x * 1e3:.3g} ms"
    return f"{x:.3g} s"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def headline(case: dict, impl: dict) -> float | None:
    """The time compared across implementations: median s/epoch, or median seconds to
    target for time-to-target cases."""
    if impl.get("status") != "ok":
        return None
    key = "median_total_seconds" if case["time_to_target"] else "median_seconds_per_epoch"
    return impl[key]


def _per_round(case: dict, impl: dict) -> list[float] | None:
    key = "total_seconds" if case["time_to_target"] else "seconds_per_epoch"
    return impl.get(key)


def _paired(slow: list[float] | None, fast: list[float] | None) -> float | None:
    """Median over rounds of ``slow[i] / fast[i]``, when both were timed in the same rounds."""
    if not slow or not fast or len(slow) != len(fast) or len(slow) < 2 or min(fast) <= 0:
        return None
    return statistics.median(a / b for a, b in zip(slow, fast))


def ratio(case: dict, slow: dict, fast: dict) -> float | None:
    """How many times ``fast`` is faster than ``slow``: the median over rounds of the ratio
    of their times in the same round (repeats are interleaved, so the two runs of a round
    are seconds apart and share the machine's slow or fast spell), or the ratio of the
    medians when they were not timed in the same rounds."""
    if slow.get("status") != "ok" or fast.get("status") != "ok":
        return None
    paired = _paired(_per_round(case, slow), _per_round(case, fast))
    return paired if paired is not None else headline(case, slow) / headline(case, fast)


def floor_multiple(case: dict, impl: dict) -> float | None:
    """The implementation's time over the GEMM floor's, paired by round like :func:`ratio`."""
    if impl.get("status") != "ok":
        return None
    paired = _paired(impl.get("seconds_per_epoch"), case["floor"].get("seconds_per_epoch"))
    return (
        paired if paired is not None else (impl["median_seconds_per_epoch"] / case["floor"]["median_seconds_per_epoch"])
    )


def best_ratio(case: dict, slow: dict, fast: dict) -> float | None:
    """``slow``'s fastest run over ``fast``'s fastest run (fastest vs fastest): what the
    two do when the machine is in its quick state, which every implementation catches in
    some of its repeats. Not judged; shown next to the paired median, which is."""
    if slow.get("status") != "ok" or fast.get("status") != "ok":
        return None
    a, b = _per_round(case, slow), _per_round(case, fast)
    if not a or not b or min(b) <= 0:
        return None
    return min(a) / min(b)


def best_floor_multiple(case: dict, impl: dict) -> float | None:
    """The implementation's fastest epoch over the floor's fastest (see :func:`best_ratio`)."""
    floor_runs = case["floor"].get("seconds_per_epoch")
    if impl.get("status") != "ok" or not impl.get("seconds_per_epoch") or not floor_runs:
        return None
    return min(impl["seconds_per_epoch"]) / min(floor_runs)


def spread(impl: dict) -> str:
    values = impl["seconds_per_epoch"]
    median = impl["median_seconds_per_epoch"]
    if len(values) < 2 or median == 0:
        return plural(len(values), "run")
    return f"{(min(values) / median - 1) * 100:+.0f}/{(max(values) / median - 1) * 100:+.0f}%"


def metric_text(case: dict, impl: dict) -> str:
    if impl.get("status") != "ok":
        return "—"
    if case["metric_name"] == "accuracy":
        text = f"{impl['metric']:.1%}"
    else:
        text = f"{impl['metric']:.3g}"
    if case["time_to_target"]:
        iterations = impl["info"].get("iterations", impl["epochs"])
        reached = "" if impl["info"].get("reached", True) else " (target NOT reached)"
        return f"{text} after {plural(iterations, 'iteration')}{reached}"
    return f"{text} after {plural(impl['epochs'], 'epoch')}"


def memory_text(impl: dict) -> str:
    memory = impl.get("memory")
    if not memory:
        return "—"
    return (
        f"{memory['peak_mb']:.0f} MB (data {memory['data_mb']:.0f}, "
        f"training +{memory['peak_mb'] - memory['baseline_mb']:.0f})"
    )


def full_run_text(case: dict, impl: dict) -> str:
    """Time of the case's full experiment (seed 004: 1000 epochs), marked if extrapolated."""
    if impl.get("status") != "ok" or case["time_to_target"] or not case["full_epochs"]:
        return "—"
    total = impl["median_seconds_per_epoch"] * case["full_epochs"]
    mark = "" if impl["epochs"] >= case["full_epochs"] else " (extrapolated)"
    return seconds(total) + mark


# ---------------------------------------------------------------- targets
def evaluate_targets(case: dict) -> list[dict]:
    """Fill in ``measured`` and ``met`` (True / False / None = not measured) for the
    implementation each target is about (``target["impl"]``, bpnn unless said otherwise)."""
    impls = case["implementations"]
    out = []
    for target in case["targets"]:
        subject = target.get("impl", "bpnn")
        bpnn = impls.get(subject, {})
        verdict = dict(target, measured=None, met=None, text="", best=None, best_text="")
        if bpnn.get("status") != "ok":
            verdict["text"] = f"{subject} {bpnn.get('status', 'not run')}"
        elif target["kind"] == "speedup":
            peer = impls.get(target["peer"], {})
            if peer.get("status") != "ok":
                verdict["text"] = f"{target['peer']} {peer.get('status', 'not run')}"
            else:
                speedup = ratio(case, peer, bpnn)
                met = speedup >= target["value"]
                verdict.update(measured=speedup, met=met, text=f"{shown(speedup, met, higher_is_better=True)}×")
                best = best_ratio(case, peer, bpnn)
                if best is not None:
                    verdict.update(best=best, best_text=f"{best:.2f}×")
        elif target["kind"] == "floor":
            multiple = floor_multiple(case, bpnn)
            met = multiple <= target["value"]
            verdict.update(
                measured=multiple, met=met, text=f"{shown(multiple, met, higher_is_better=False)}× the floor"
            )
            best = best_floor_multiple(case, bpnn)
            if best is not None:
                verdict.update(best=best, best_text=f"{best:.2f}× the floor")
        elif target["kind"] == "metric_min":
            if bpnn["epochs"] < case["full_epochs"]:
                verdict["text"] = f"only {plural(bpnn['epochs'], 'epoch')} run; --full runs {case['full_epochs']}"
            else:
                met = bpnn["metric"] >= target["value"]
                verdict.update(
                    measured=bpnn["metric"], met=met, text=f"{shown(100 * bpnn['metric'], met, True, digits=1)}%"
                )
        elif target["kind"] == "memory":
            memory = bpnn.get("memory")
            if not memory:
                verdict["text"] = "not measured (run without isolation)"
            else:
                over = memory["peak_mb"] - memory["data_mb"]
                verdict.update(measured=over, met=over <= target["value"], text=f"data + {over:.0f} MB")
        elif target["kind"] == "training_memory":
            memory = bpnn.get("memory")
            if not memory:
                verdict["text"] = "not measured (run without isolation)"
            else:
                added = memory["peak_mb"] - memory["baseline_mb"]
                verdict.update(measured=added, met=added <= target["value"], text=f"+{added:.0f} MB while training")
        out.append(verdict)
    return out


def shown(value: float, met: bool, higher_is_better: bool, digits: int = 2) -> str:
    """``value`` with ``digits`` decimals, rounded away from the target when it was missed:
    a speedup of 1.996 against 2 reads "1.99", never "2.00" beside "MISSED"."""
    if met:
        return f"{value:.{digits}f}"
    scale = 10**digits
    scaled = round(value * scale, 6)  # 1.99 * 100 is 198.99999999999997, which is 199
    cut = math.floor(scaled) if higher_is_better else math.ceil(scaled)
    return f"{cut / scale:.{digits}f}"


def status_word(met) -> str:
    return {True: "met", False: "MISSED", None: "not measured"}[met]


def ratio_rows(case: dict) -> tuple[list[str], list[list[str]]]:
    """Square table of time ratios, row ÷ column (> 1: the row is slower)."""
    impls = [(k, v) for k, v in case["implementations"].items() if v.get("status") == "ok"]
    names = [k for k, _ in impls]
    rows = []
    for name, impl in impls:
        row = [name]
        for _, other in impls:
            row.append(f"{ratio(case, impl, other):.2f}")
        rows.append(row)
    return names, rows


# ---------------------------------------------------------------- console
def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)]

    def line(cells):
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

    return [line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows]


def case_rows(case: dict) -> tuple[list[str], list[list[str]]]:
    time_name = "s to target" if case["time_to_target"] else "s/epoch"
    full_name = f"{case['full_epochs']} epochs" if case["full_epochs"] else "full run"
    headers = ["implementation", time_name, "spread", "× GEMM floor", full_name, case["metric_name"], "peak RSS"]
    floor_s = case["floor"]["median_seconds_per_epoch"]
    rows = [["GEMM floor (np.matmul only)", seconds(floor_s), "", "1.00", "", "", ""]]
    for _key, impl in case["implementations"].items():
        if impl.get("status") != "ok":
            rows.append([impl["label"], f"{impl['status']} (see below)", "", "", "", "", ""])
            continue
        rows.append(
            [
                impl["label"],
                seconds(headline(case, impl)),
                spread(impl),
                f"{floor_multiple(case, impl):.2f}",
                full_run_text(case, impl),
                metric_text(case, impl),
                memory_text(impl),
            ]
        )
    return headers, rows


def unavailable(case: dict) -> list[str]:
    """One line per implementation that did not run, with the reason."""
    return [
        f"{impl['label']}: {impl['status']}: {impl['reason']}"
        for impl in case["implementations"].values()
        if impl.get("status") != "ok"
    ]


def console(results: dict) -> str:
    lines = header_lines(results["machine"])
    lines.append(f"command     {results['command']}")
    for case in results["cases"]:
        lines += [
            "",
            f"[{case['name']}] {case['title']}",
            f"  {case['data']}; {case['spec']}; "
            f"{plural(case['epochs_timed'], 'epoch')} timed, median of {results['repeats']} repeats",
        ]
        lines += ["  " + x for x in _table(*case_rows(case))]
        lines += ["  " + x for x in unavailable(case)]
        names, rows = ratio_rows(case)
        if len(names) > 1:
            lines.append("  ratios, row time ÷ column time:")
            lines += ["    " + x for x in _table([""] + names, rows)]
        for verdict in case["verdicts"]:
            lines.append(
                f"  target: {verdict['description']}: {status_word(verdict['met'])}"
                + (f" ({verdict['text']})" if verdict["text"] else "")
                + (f"; fastest vs fastest {verdict['best_text']}" if verdict.get("best_text") else "")
            )
    return "\n".join(lines)


# ---------------------------------------------------------------- markdown
def _md_table(headers: list[str], rows: list[list[str]], right_from: int = 1) -> list[str]:
    align = ["---" if i < right_from else "---:" for i in range(len(headers))]

    def esc(c):
        return str(c).replace("|", "\\|")

    return ["| " + " | ".join(headers) + " |", "| " + " | ".join(align) + " |"] + [
        "| " + " | ".join(esc(c) for c in row) + " |" for row in rows
    ]


def bar_chart(results: dict, width: int = 40) -> list[str]:
    """Text bars of each implementation's time as a multiple of its case's GEMM floor,
    on a log scale (the multiples span 1 to a few hundred)."""
    entries = []
    for case in results["cases"]:
        for impl in case["implementations"].values():
            multiple = floor_multiple(case, impl)
            if multiple is not None:
                entries.append((f"{case['name']} / {impl['label']}", multiple))
    if not entries:
        return ["(no implementation ran)"]
    top = math.log10(max(2.0, max(m for _, m in entries)))
    label_width = max(len(label) for label, _ in entries)

    def bar(m):
        return "█" * max(1, round(width * math.log10(max(m, 1.0)) / top))

    return [f"{label.ljust(label_width)}  {bar(m)} {m:.1f}×" for label, m in entries]


def markdown(results: dict) -> str:
    machine = results["machine"]
    out = [
        "# Benchmarks",
        "",
        "How fast bpnn trains fully-connected networks on a CPU, next to scikit-learn, PyTorch "
        "and a plain per-sample NumPy loop. Generated by `python -m benchmarks "
        "--write-docs` from `benchmarks/results/latest.json`; do not edit by hand.",
        "",
        f"- **Date:** {machine['date']}",
        f"- **Machine:** {machine['cpu']}, {machine['cores_usable']} usable cores, "
        f"{machine.get('memory_gb', '?')} GB RAM (load average at start {machine['load_average']})",
        f"- **Command:** `{results['command']}`",
        f"- **Commit:** {machine.get('commit', '?')}",
        "",
        "```text",
        *header_lines(machine),
        "```",
        "",
        "## Targets",
        "",
    ]
    rows = []
    for case in results["cases"]:
        for verdict in case["verdicts"]:
            rows.append(
                [
                    case["name"],
                    verdict["description"],
                    verdict["text"] or "—",
                    status_word(verdict["met"]),
                    verdict.get("best_text") or "—",
                ]
            )
    out += _md_table(["case", "target", "measured (judged)", "status", "fastest vs fastest"], rows, right_from=4)
    out += [
        "",
        "'measured' is the median over rounds of the ratio within a round, and the status is "
        "judged on it; 'fastest vs fastest' divides the fastest repeat of one by the fastest of the "
        "other (see 'How these numbers are made').",
    ]
    out += [
        "",
        "## Time as a multiple of the GEMM-only floor (log scale)",
        "",
        "```text",
        *bar_chart(results),
        "```",
        "",
    ]
    for case in results["cases"]:
        out += [
            f"## `{case['name']}`: {case['title']}",
            "",
            f"{case['data']}; {case['spec']}; {plural(case['epochs_timed'], 'epoch')} timed per run, "
            f"median of up to {results['repeats']} runs (the spread column says how many). "
            f"GEMM floor {case['floor']['gflop_per_epoch']:.3g} GFLOP per epoch.",
            "",
        ]
        out += _md_table(*case_rows(case))
        missing = unavailable(case)
        if missing:
            out += [""] + [f"- {x}" for x in missing]
        names, ratio_table = ratio_rows(case)
        if len(names) > 1:
            out += [
                "",
                "Ratios, row time ÷ column time (above 1: the row is slower), the median over "
                "rounds of the ratio within a round:",
                "",
            ]
            out += _md_table([""] + names, ratio_table)
        if case["notes"]:
            out += [""] + [f"- {note}" for note in case["notes"]]
        out.append("")
    out += [
        "## How these numbers are made",
        "",
        "- One process run of `python -m benchmarks` measures every case; each case gives every "
        "implementation the same data, architecture, dtype, epochs and thread count "
        "(threadpoolctl limits every BLAS/OpenMP pool, `torch.set_num_threads` the same).",
        "- A run times building an untrained model plus training it (prediction is not timed); "
        "s/epoch is that time divided by the epochs. Each implementation first gets a one-epoch "
        "warm-up on a few rows. Every repeat runs in a fresh child process. Repeats are "
        "interleaved across implementations (and a quarter second of GEMM-floor epochs) and "
        "the median is reported; 'spread' is the fastest and slowest "
        "repeat relative to the median.",
        "- Ratios (and the targets judged on them) are the median over rounds of the ratio of the two "
        "times in the same round: the two runs of a round are seconds apart and share the machine's "
        "slow or fast spell, which on a shared virtual machine can change a run's time by a factor of two. Where the "
        "two were not timed in the same rounds it is the ratio of the medians. The s/epoch and × GEMM floor columns "
        "are medians of each implementation alone.",
        "- The machine's spells are often shorter than a round: consecutive children of one "
        "implementation have run 0.45 s and 0.95 s per epoch seconds apart, so the median of a few "
        "repeats can land in either spell. The targets table therefore also gives 'fastest vs "
        "fastest', each implementation's fastest repeat against the other's, which every "
        "implementation is equally likely to reach; the status is judged on the paired median only.",
        "- The GEMM floor times only the matrix products of one epoch (forward `A @ W`, "
        "backward `A.T @ delta` and `delta @ W.T`) with `np.matmul(..., out=...)` on "
        "preallocated arrays: what no implementation on this BLAS can beat. In the per-sample "
        "case it is mostly the cost of the `np.matmul` calls themselves.",
        "- Peak memory (MNIST-sized case) is the peak RSS (`VmHWM`) of a child process that runs one "
        "implementation; 'training +' is the peak minus the RSS after imports and data.",
        "- The machine is shared and noisy; ratios measured side by side in one run are more "
        "trustworthy than absolute times. See `benchmarks/README.md` to rerun or profile.",
    ]
    busy = machine.get("busy_with_others")
    if machine["threads"] < machine["cores_usable"]:
        out.append(
            f"- This run used {machine['threads']} thread(s) on {machine['cores_usable']} cores"
            + (f", while other work used {busy['other_cpu_fraction']:.0%} of the CPU" if busy else "")
            + ". When other work keeps the cores busy, a multi-threaded BLAS or OpenMP pool "
            "stalls whenever one of its threads is preempted, and times with as many threads as "
            "cores become erratic; fewer threads give steadier comparisons."
        )
    out.append("")
    return "\n".join(out)


#: Everything below this line of docs/benchmarks.md is written by hand (dated records of earlier
#: runs) and kept when ``--write-docs`` writes the report above it again.
KEPT_MARKER = "<!-- written by hand below: kept by --write-docs -->"


def kept_sections(path) -> str:
    """The hand-written part of an existing report (from :data:`KEPT_MARKER` on), or ``""``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ""
    at = text.find(KEPT_MARKER)
    return "" if at < 0 else "\n" + text[at:]
