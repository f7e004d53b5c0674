"""The playground under load: a light tab's step answers promptly beside sixteen heavy tabs.

The server runs as ``bpnn playground`` in a process of its own; seventeen WebSocket clients (the
``websockets`` library) play as pages do, answering each frame with ``drawn``. The heavy tabs
train 3 hidden layers of 50 on 2000 points with batches of 1 (an epoch and its picture take about
0.1 s of CPU each); the light tab the default 2-4-2-1 network. Sessions take turns at the CPU, the
least-served first, so the light tab's step waits for at most the piece of work under way. Without
turns its step waited behind the heavy tabs' epochs, several seconds each on two cores.

The bound is generous (the machine may be busy with other work): a median of 2 s, against the
several seconds without turns and about a third of a second with them (``benchmarks/playground_fps.py``).
"""

from __future__ import annotations

import statistics

import pytest

import playground_helpers  # noqa: F401 (puts benchmarks/ on the path)

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("websockets")

from benchmarks.playground_fps import ServerProcess, light_tab_under_load  # noqa: E402


def test_a_light_tab_steps_within_seconds_beside_sixteen_heavy_tabs():
    with ServerProcess() as server:
        result = light_tab_under_load(server, heavy=16, steps=6, memory=False)
    latencies = result["latencies"]
    assert result["heavy_fps"] > 0  # the heavy tabs were playing all along
    assert statistics.median(latencies) < 2.0, latencies
    assert max(latencies) < 6.0, latencies
    assert result["page_after"] < 10.0  # and once they close, the page is served at once
