"""Running the playground's server in a thread, for the playground's tests."""

import contextlib
import socket
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `benchmarks/` (its ServerProcess runs `bpnn playground`) sits next to `src/`
    sys.path.insert(0, str(REPO))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_server(token: str | None = None, host: str = "127.0.0.1"):
    """Serve a fresh playground app on a free port of 127.0.0.1, configured as ``bpnn playground
    --host host`` configures it (with ``token`` required if given); yields ``(port, app)``."""
    import uvicorn

    from bpnn.playground.server import config, create_app

    port = free_port()
    app = create_app(host, token)
    srv = uvicorn.Server(config(app, "127.0.0.1", port))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield port, app
    finally:
        srv.should_exit = True
        thread.join(10)
