"""How many pictures per second the bpnn playground makes (issue 18's quality bar: >= 20).

The case of the bar: a 2-8-8-1 tanh network on 500 points (x1 and x2 as inputs, batches of 10,
SGD), a 100 x 100 decision grid and every neuron's heat map, one epoch per picture.

Three measurements, each over ``--seconds`` of playing, after the fairness one:

0. ``load``: ``bpnn playground`` in a process of its own, sixteen heavy tabs playing (3 hidden layers
   of 50 on 2000 points, batches of 1) and one light tab pressing step: its step latency, the heavy
   tabs' frames per second and the server's memory (idle, at the peak, after the tabs closed);
   ``--src DIR`` measures another checkout's server the same way in the same run.

1. ``session``: :meth:`Session.step` and :meth:`Session.frame` in a loop (the server's work alone);
2. ``websocket``: a real server (uvicorn) and a WebSocket client that answers every frame with
   ``drawn`` as the page does (adds JSON, base64 and the socket);
3. ``browser``: the page in Chromium (``/usr/bin/chromium``, Playwright), counting the epochs the page
   shows (adds parsing and drawing); skipped without Chromium.

Run from the repository root::

    python -m benchmarks.playground_fps            # all three, 5 s each
    python -m benchmarks.playground_fps --seconds 2 --no-browser
    python -m benchmarks.playground_fps --load-only --src /tmp/before/src   # before and after a change
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

SETTINGS = {
    "dataset": "circle",
    "points": 500,
    "features": ["x1", "x2"],
    "hidden": [8, 8],
    "activation": "tanh",
    "optimizer": "sgd",
    "lr": 0.03,
    "batch": 10,
}


def session_fps(seconds: float) -> float:
    from bpnn.playground.session import Session

    session = Session()
    session.apply(SETTINGS)
    session.step(1)
    session.frame()  # warm-up
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        session.step(1)
        session.frame()
        n += 1
    return n / (time.perf_counter() - start)


class _Server:
    def __init__(self):
        import uvicorn

        from bpnn.playground.server import create_app

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(
            uvicorn.Config(create_app(), host="127.0.0.1", port=self.port, log_level="warning")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        while not self.server.started:
            time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(10)


def websocket_fps(seconds: float) -> float:
    from websockets.sync.client import connect

    with _Server() as srv, connect(f"ws://127.0.0.1:{srv.port}/ws", max_size=2**24) as ws:

        def until(kind):
            while True:
                msg = json.loads(ws.recv())
                if msg["type"] == kind:
                    return msg

        until("hello")
        ws.send(json.dumps({"type": "settings", "settings": SETTINGS}))
        until("frame")
        ws.send(json.dumps({"type": "play"}))
        first = until("frame")["epoch"]
        start = time.perf_counter()
        epoch = first
        while time.perf_counter() - start < seconds:
            ws.send(json.dumps({"type": "drawn"}))
            epoch = until("frame")["epoch"]
        elapsed = time.perf_counter() - start
        ws.send(json.dumps({"type": "pause"}))
        return (epoch - first) / elapsed


# -- fairness: one light tab beside many heavy ones ---------------------------------------------------
HEAVY = {"dataset": "circle", "points": 2000, "hidden": [50, 50, 50], "activation": "tanh", "batch": 1}


class ServerProcess:
    """``bpnn playground`` in a process of its own (the door a user uses), from ``src`` if given
    (another checkout's ``src`` folder: how the benchmark measures the code before a change), with
    more command-line ``options`` if given; ``link`` is the address it printed."""

    def __init__(self, src: str | None = None, options: tuple[str, ...] = ()):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        path = [src] if src else []
        self.env = dict(os.environ, PYTHONPATH=os.pathsep.join(path + sys.path))
        self.src, self.options = src, options

    def __enter__(self):
        command = [sys.executable, "-m", "bpnn.cli.main", "playground", "--no-browser", "--port", str(self.port)]
        self.proc = subprocess.Popen(
            [*command, *self.options], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        self.link = self.proc.stdout.readline().split("  ")[0].removeprefix("bpnn playground: ")
        deadline = time.time() + 60
        while not self.answers("/healthz", 1.0):
            if time.time() > deadline or self.proc.poll() is not None:
                self.__exit__()
                raise RuntimeError(f"the playground server did not start (from {self.src or 'this checkout'})")
            time.sleep(0.1)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()

    def answers(self, path: str, timeout: float) -> bool:
        import urllib.request

        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=timeout) as r:
                return r.status == 200
        except OSError:
            return False

    def rss_mb(self) -> float:
        """The server's resident memory (Linux's /proc), in MB."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        return float("nan")


async def _tab(port: int, settings: dict):
    """A WebSocket client that opened the page: hello, its settings sent, their frame received."""
    from websockets.asyncio.client import connect

    ws = await connect(f"ws://127.0.0.1:{port}/ws", max_size=2**26)
    await _until(ws, "hello")
    await ws.send(json.dumps({"type": "settings", "settings": settings}))
    await _until(ws, "frame")
    return ws


async def _until(ws, kind: str) -> None:
    marker = f'"type":"{kind}"'.encode()
    while True:
        raw = await ws.recv(decode=False)
        if marker in raw[:40].replace(b" ", b""):
            if kind == "error":
                raise RuntimeError(raw.decode()[:300])
            return
        if b'"type":"error"' in raw[:40].replace(b" ", b""):
            raise RuntimeError(raw.decode()[:300])


async def _heavy_tab(port: int, playing: asyncio.Event, stop: asyncio.Event, frames: list) -> None:
    """Plays the heavy network, answering each frame with ``drawn`` as the page does, until ``stop``."""
    ws = await _tab(port, HEAVY)
    try:
        await ws.send(json.dumps({"type": "play"}))
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(decode=False), 0.5)
            except asyncio.TimeoutError:
                continue
            if b'"type":"frame"' in raw[:40].replace(b" ", b""):
                frames.append(time.perf_counter())
                playing.set()
                await ws.send('{"type": "drawn"}')
    finally:
        await ws.close()


async def _light_under_load(server: ServerProcess, heavy: int, steps: int) -> dict:
    stop = asyncio.Event()
    frames: list[float] = []
    events = [asyncio.Event() for _ in range(heavy)]
    tasks = [asyncio.create_task(_heavy_tab(server.port, e, stop, frames)) for e in events]
    peak = server.rss_mb()
    try:
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in events)), 300)  # every heavy tab plays
        light = await _tab(server.port, {})
        latencies = []
        start, first = time.perf_counter(), len(frames)
        for _ in range(steps):
            await asyncio.sleep(0.3)
            t = time.perf_counter()
            await light.send('{"type": "step"}')
            await _until(light, "frame")
            latencies.append(time.perf_counter() - t)
            peak = max(peak, server.rss_mb())
        heavy_fps = (len(frames) - first) / (time.perf_counter() - start)
        await light.close()
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {"latencies": latencies, "heavy_fps": heavy_fps, "rss_peak": peak}


def light_tab_under_load(server: ServerProcess, heavy: int = 16, steps: int = 8, memory: bool = True) -> dict:
    """One light tab (the default 2-4-2-1 network on 500 points) steps ``steps`` times while ``heavy``
    tabs play 3 hidden layers of 50 on 2000 points with batches of 1, all over WebSockets.

    Returns the light tab's step latencies (s, from sending ``step`` to its frame), the heavy tabs'
    frames per second (all together), the server's memory at the peak and, with ``memory``, (MB):
    fresh, idle (after a light and a heavy tab opened, stepped and closed: the libraries' one-time
    buffers are in), and once all the tabs closed, with the seconds it then took to serve the page.
    """

    async def warm_up():
        for settings in ({}, HEAVY):
            ws = await _tab(server.port, settings)
            await ws.send('{"type": "step"}')
            await _until(ws, "frame")
            await ws.close()

    fresh = server.rss_mb()
    if memory:
        asyncio.run(warm_up())
        time.sleep(2.0)
    idle = server.rss_mb()
    out = asyncio.run(_light_under_load(server, heavy, steps))
    closed = time.perf_counter()
    while not server.answers("/", 5.0):
        if time.perf_counter() - closed > 300:
            break
    out["page_after"] = time.perf_counter() - closed
    if memory:
        time.sleep(3.0)
    out["rss_fresh"], out["rss_idle"], out["rss_after"] = fresh, idle, server.rss_mb()
    return out


def browser_fps(seconds: float) -> tuple[float, float] | None:
    """Epochs per second shown by the page, and pictures it drew per second (None without Chromium)."""
    if not os.access("/usr/bin/chromium", os.X_OK):
        return None
    from playwright.sync_api import sync_playwright

    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
    args += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
    link = "#" + "&".join(f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}" for k, v in SETTINGS.items())
    with _Server() as srv, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"http://127.0.0.1:{srv.port}/{link}")
        page.wait_for_function("document.querySelector('[data-testid=train-loss]').textContent !== '–'")
        page.get_by_test_id("play").click()
        page.wait_for_function("Number(document.querySelector('[data-testid=epoch]').textContent) >= 3")
        count = lambda: (int(page.get_by_test_id("epoch").text_content()), page.evaluate("window.bpnnPictures"))  # noqa: E731
        first, start = count(), time.perf_counter()
        time.sleep(seconds)
        last, elapsed = count(), time.perf_counter() - start
        page.get_by_test_id("play").click()
        browser.close()
    return (last[0] - first[0]) / elapsed, (last[1] - first[1]) / elapsed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of playing per measurement")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurement")
    parser.add_argument("--heavy", type=int, default=16, help="heavy tabs beside the light one (0: skip)")
    parser.add_argument(
        "--src",
        action="append",
        default=[],
        metavar="DIR",
        help="also measure the load with the server from another checkout's src folder (repeatable)",
    )
    parser.add_argument("--load-only", action="store_true", help="only the light tab beside the heavy ones")
    args = parser.parse_args(argv)
    if args.heavy:
        print(
            f"a light tab's step beside {args.heavy} heavy tabs (3 x 50 hidden, 2000 points, batch 1), over WebSockets"
        )
        for src in [None, *args.src]:
            with ServerProcess(src) as server:
                r = light_tab_under_load(server, args.heavy)
            lat = r["latencies"]
            print(
                f"  {src or 'this checkout':<24} step latency median {statistics.median(lat):6.2f} s, "
                f"max {max(lat):6.2f} s; heavy frames {r['heavy_fps']:5.1f}/s; memory fresh {r['rss_fresh']:.0f} MB, "
                f"idle {r['rss_idle']:.0f} MB, "
                f"peak {r['rss_peak']:.0f} MB, after closing {r['rss_after']:.0f} MB; "
                f"page served again after {r['page_after']:.2f} s"
            )
    if args.load_only:
        return 0
    print(f"bpnn playground, 2-8-8-1 tanh on 500 points, 100x100 grid; {os.cpu_count()} CPUs")
    print(f"  session   (step + frame)           {session_fps(args.seconds):7.1f} pictures/s")
    print(f"  websocket (server + client acks)   {websocket_fps(args.seconds):7.1f} pictures/s")
    if not args.no_browser:
        fps = browser_fps(args.seconds)
        if fps is None:
            print("  browser   n/a (no /usr/bin/chromium)")
        else:
            print(f"  browser   (epochs trained, shown)  {fps[0]:7.1f} epochs/s")
            print(f"  browser   (pictures drawn)         {fps[1]:7.1f} pictures/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
