"""Running the playground's server in a thread, for the playground's tests."""

import contextlib
import socket
import threading
import time


@contextlib.contextmanager
def running_server():
    """Serve a fresh playground app on a free port of 127.0.0.1; yields ``(port, app)``."""
    import uvicorn

    from bpnn.playground.server import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
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
