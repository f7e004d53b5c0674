"""How many pictures per second the bpnn playground makes (issue 18's quality bar: >= 20).

The case of the bar: a 2-8-8-1 tanh network on 500 points (x1 and x2 as inputs, batches of 10,
SGD), a 100 x 100 decision grid and every neuron's heat map, one epoch per picture.

Three measurements, each over ``--seconds`` of playing:

1. ``session``: :meth:`Session.step` and :meth:`Session.frame` in a loop (the server's work alone);
2. ``websocket``: a real server (uvicorn) and a WebSocket client that answers every frame with
   ``drawn`` as the page does (adds JSON, base64 and the socket);
3. ``browser``: the page in Chromium (``/usr/bin/chromium``, Playwright), counting the epochs the page
   shows (adds parsing and drawing); skipped without Chromium.

Run from the repository root::

    python -m benchmarks.playground_fps            # all three, 5 s each
    python -m benchmarks.playground_fps --seconds 2 --no-browser
"""

from __future__ import annotations

import argparse
import json
import os
import socket
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
    args = parser.parse_args(argv)
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
