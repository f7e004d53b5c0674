"""Command line of the benchmark suite: ``python -m benchmarks --help``."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from . import harness, report
from .cases import CASES, IMPLEMENTATIONS, SECTIONS
from .machine import REPO, LoadMonitor, describe, set_threads, usable_cores

RESULTS = REPO / "benchmarks" / "results"
DOCS = REPO / "docs" / "benchmarks.md"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Time bpnn against scikit-learn, PyTorch and a per-sample NumPy loop."
    )
    parser.add_argument(
        "--case",
        action="append",
        choices=sorted(CASES),
        metavar="NAME",
        help=f"run only this case (repeatable); one of {', '.join(CASES)}. Default: all.",
    )
    parser.add_argument(
        "--section",
        action="append",
        choices=(*SECTIONS, "tables"),
        help="run only the cases of this section (repeatable): 'engine' (the engine called directly), "
        "'doors' (the estimators, `bpnn train`, an install without numba) or 'tables' (reading a big CSV "
        "file against pandas, a --chunksize epoch; benchmarks/tables_read.py). Default: all.",
    )
    parser.add_argument(
        "--impl",
        action="append",
        choices=sorted(IMPLEMENTATIONS),
        metavar="NAME",
        help=f"run only this implementation (repeatable); one of {', '.join(IMPLEMENTATIONS)}. Default: all.",
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="timed runs per implementation; the median is reported. Default: 3."
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=usable_cores(),
        help="threads for every BLAS/OpenMP pool and torch. Default: usable cores.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="tiny data and 1-2 epochs: checks that everything runs, in seconds."
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="run seed 004's full 1000 epochs (once) for the online case, to get "
        "its real accuracy; about two minutes for the reference loop.",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run the implementations in this process instead of a fresh child "
        "process per repeat (faster to start, but one library's idle "
        "threads then slow the next; the MNIST-sized case always uses "
        "children, for its memory figures).",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also print the 20 costliest functions of each run (cProfile; timings are inflated while profiling).",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="JSON results file. Default: benchmarks/results/latest.json (quick.json with --quick).",
    )
    parser.add_argument("--write-docs", action="store_true", help="write the markdown report to --docs.")
    parser.add_argument("--docs", type=Path, default=DOCS, help="markdown report path. Default: docs/benchmarks.md.")
    parser.add_argument(
        "--from-json",
        type=Path,
        default=None,
        metavar="PATH",
        help="do not run anything: print (and with --write-docs, write) the report of a saved results file.",
    )
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.threads < 1:
        parser.error(f"--repeats and --threads must be at least 1; got {args.repeats} and {args.threads}")
    return args


def run(args, command: str, output: Path, log=print) -> dict:
    """Run the selected cases and return the results dict (what goes into the JSON).

    The JSON is rewritten after every case (``"complete": false`` until the end), so an
    interrupted run keeps what it measured.
    """
    limiter = set_threads(args.threads)  # noqa: F841 - the limit holds while it lives
    monitor = LoadMonitor()
    machine = describe(args.threads)
    log("\n".join(report.header_lines(machine)))
    results = {
        "command": command,
        "machine": machine,
        "repeats": args.repeats,
        "quick": args.quick,
        "full": args.full,
        "complete": False,
        "cases": [],
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    for name in args.case or [n for n in CASES if not args.section or CASES[n].section in args.section]:
        case = harness.run_case(
            CASES[name],
            quick=args.quick,
            full=args.full,
            repeats=args.repeats,
            threads=args.threads,
            impls=args.impl,
            profile=args.profile,
            log=log,
            isolate=not args.in_process,
        )
        case["verdicts"] = report.evaluate_targets(case)
        results["cases"].append(case)
        machine["busy_with_others"] = monitor.stop()
        output.write_text(json.dumps(results, indent=1) + "\n")
    if not args.case and (not args.section or "tables" in args.section):
        from . import tables_read

        results["tables"] = tables_read.run(quick=args.quick, repeats=args.repeats, log=log)
        if not args.quick:
            tables_read.save(results["tables"])  # what --write-docs of a later run without it keeps
        output.write_text(json.dumps(results, indent=1) + "\n")
    results["complete"] = True
    output.write_text(json.dumps(results, indent=1) + "\n")
    return results


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.from_json:
        results = json.loads(args.from_json.read_text())
        for case in results["cases"]:  # judged by this version's rules
            case["verdicts"] = report.evaluate_targets(case)
    else:
        output = args.output or RESULTS / ("quick.json" if args.quick else "latest.json")
        results = run(args, shlex.join(["python", "-m", "benchmarks", *argv]), output)
        print(f"\nresults written to {output}")
    print()
    print(report.console(results))
    if "tables" in results:
        from . import tables_read

        print("\n" + tables_read.markdown(results["tables"]))
    errors = []
    for case in results["cases"]:
        for key, impl in case["implementations"].items():
            if args.profile and impl.get("profile"):
                print(f"\n--- profile: {case['name']} / {key}\n{impl['profile']}")
            if impl.get("status") == "error":
                errors.append(f"{case['name']} / {key}: {impl['reason']}\n{impl.get('traceback', '')}")
    if args.write_docs:
        from . import tables_read

        args.docs.parent.mkdir(parents=True, exist_ok=True)
        args.docs.write_text(report.markdown(results) + report.kept_sections(args.docs))
        # the tables section has a block of its own, from this run or the last one
        if "tables" in results:
            tables_read.write_docs(results["tables"], args.docs)
        elif args.docs == DOCS:
            tables_read.keep_section(args.docs)
        print(f"\nreport written to {args.docs}")
    if errors:
        print("\nERRORS:\n" + "\n".join(errors), file=sys.stderr)
        return 1
    return 0
