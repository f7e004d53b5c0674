"""Describe the machine and the software a benchmark ran on, and pin the thread counts."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _where(package: Path) -> str:
    """Where bpnn was imported from, without the machine's own folders: ``src/bpnn`` for this
    checkout, ``site-packages`` for an installed copy."""
    try:
        return package.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return "site-packages" if "site-packages" in package.parts else package.name


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


ALL_LIBRARIES = ("numpy", "scipy.linalg", "sklearn.neural_network", "torch")


def set_threads(threads: int, libraries=ALL_LIBRARIES):
    """Import ``libraries`` (those installed), then limit every BLAS/OpenMP pool they
    loaded (threadpoolctl) and PyTorch to ``threads``.

    threadpoolctl only sees the pools already loaded, hence the imports first; a child
    process passes just what it uses, so its RSS holds nothing else. Returns the limiter;
    keep a reference for as long as the limit should hold.
    """
    import importlib

    from threadpoolctl import threadpool_limits

    for name in libraries:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        if name == "torch":
            module.set_num_threads(threads)
    return threadpool_limits(limits=threads)


class LoadMonitor:
    """How busy the machine was with work that is not ours, between start and stop.

    Busy CPU time of the whole machine (``/proc/stat``, which on a shared VM includes
    other tenants and the hypervisor's steal time) minus the CPU time of this process and
    its children, as a fraction of wall time × cores. Above ~0.1 the timings are suspect:
    a multi-threaded BLAS whose thread is preempted waits for it.
    """

    def __init__(self):
        self.start = self._sample()

    @staticmethod
    def _sample():
        import resource
        import time

        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        ticks = os.sysconf("SC_CLK_TCK")
        busy = (sum(fields[:8]) - idle) / ticks  # user..steal
        own = sum(
            getattr(resource.getrusage(who), f)
            for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
            for f in ("ru_utime", "ru_stime")
        )
        return time.perf_counter(), busy, own

    def stop(self) -> dict:
        (t0, busy0, own0), (t1, busy1, own1) = self.start, self._sample()
        cores = os.cpu_count() or 1
        other = max(0.0, (busy1 - busy0) - (own1 - own0))
        return {"seconds": round(t1 - t0, 1), "other_cpu_fraction": round(other / ((t1 - t0) * cores), 3)}


def _git(*args) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def describe(threads: int) -> dict:
    """Everything the header prints, as JSON-ready values."""
    import numpy
    import scipy
    import sklearn
    from threadpoolctl import threadpool_info

    info = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": cpu_model(),
        "cores_logical": os.cpu_count(),
        "cores_usable": usable_cores(),
        "threads": threads,
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "sklearn": sklearn.__version__,
    }
    try:
        import psutil

        info["cores_physical"] = psutil.cpu_count(logical=False)
        info["memory_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    pools = []
    for pool in threadpool_info():
        pools.append(
            {
                "library": Path(pool["filepath"]).name,
                "loaded_by": Path(pool["filepath"]).parent.name,
                "api": pool["user_api"],
                "implementation": pool["internal_api"],
                "version": pool.get("version"),
                "architecture": pool.get("architecture"),
                "threading": pool.get("threading_layer"),
                "threads": pool["num_threads"],
            }
        )
    info["thread_pools"] = pools
    numpy_blas = [p for p in pools if p["api"] == "blas" and "numpy" in p["loaded_by"]]
    info["numpy_blas"] = (
        "{implementation} {version} ({architecture}, {threading}, {threads} threads)".format(**numpy_blas[0])
        if numpy_blas
        else "unknown"
    )
    try:
        import torch
    except ImportError:
        info["torch"] = "not installed"
    else:
        info["torch"] = torch.__version__
        info["torch_threads"] = torch.get_num_threads()
    try:
        from . import bpnn_runners

        bpnn = bpnn_runners.import_bpnn()
        info["bpnn"] = f"{getattr(bpnn, '__version__', '?')} from {_where(Path(bpnn.__file__).parent)}"
    except Exception as exc:  # the header must print even when the engine is broken
        info["bpnn"] = f"not available ({exc})"
    commit = _git("rev-parse", "--short", "HEAD")
    if commit:
        dirty = _git("status", "--porcelain", "--untracked-files=no")
        info["commit"] = commit + (" (with uncommitted changes)" if dirty else "")
    return info


def header_lines(info: dict) -> list[str]:
    cores = f"{info['cores_usable']} usable of {info['cores_logical']} logical"
    if info.get("cores_physical"):
        cores += f", {info['cores_physical']} physical"
    lines = [
        f"date        {info['date']}   commit {info.get('commit', '?')}",
        f"machine     {info['cpu']}; {cores} cores; {info.get('memory_gb', '?')} GB RAM; "
        f"load average {info['load_average']}",
        f"software    Python {info['python']}, numpy {info['numpy']}, scipy {info['scipy']}, "
        f"scikit-learn {info['sklearn']}, torch {info['torch']}",
        f"numpy BLAS  {info['numpy_blas']}",
        f"threads     {info['threads']} for every pool"
        + (f" (torch.get_num_threads() = {info['torch_threads']})" if "torch_threads" in info else ""),
    ]
    for pool in info["thread_pools"]:
        lines.append(
            f"            {pool['implementation']:<8} {pool['threads']} threads  {pool['loaded_by']}/{pool['library']}"
        )
    lines.append(f"bpnn        {info['bpnn']}")
    busy = info.get("busy_with_others")
    if busy:
        lines.append(
            f"noise       other work used {busy['other_cpu_fraction']:.0%} of the CPU "
            f"during the {busy['seconds']:g} s run"
        )
    return lines
