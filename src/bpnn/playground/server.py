"""The playground's web server: a Starlette app with one WebSocket (and one :class:`Session`) per tab.

Routes
------
``GET /``                 the page (static HTML, JavaScript and CSS shipped in the wheel, no CDN)
``GET /healthz``          200 ``ok``
``WS  /ws``               the tab's session: settings, play/pause/step/reset, frames, explain
``POST /upload?session=`` a CSV file for the tab's session (multipart field ``file``)
``GET /export/{kind}?session=``  ``model`` (.bpnn), ``predict`` (NumPy predict()), ``script`` (the run in bpnn)

A session lives as long as its WebSocket: closing the tab frees it. The CPU work of a session runs
in a worker thread, one piece at a time (a lock per session), so the server keeps answering.
Every message from the page is checked; a bad one gets ``{"type": "error", "field", "message"}``
back and never stops the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from bpnn.playground.session import MAX_UPLOAD_BYTES, Session, SettingsError, catalog

STATIC = Path(__file__).parent / "static"
MAX_SESSIONS = 64
MAX_MESSAGE_BYTES = 100_000
FRAME_TIMEOUT = 2.0  # seconds to wait for the page to draw a frame before sending the next


class _Tab:
    """A session and what its WebSocket needs around it."""

    def __init__(self, ws: WebSocket):
        self.ws = ws
        self.session = Session()
        self.lock = asyncio.Lock()  # one piece of CPU work at a time
        self.send_lock = asyncio.Lock()
        self.playing = False
        self.player: asyncio.Task | None = None
        self.drawn = asyncio.Event()
        self.drawn.set()

    async def send(self, message: dict) -> None:
        async with self.send_lock:
            await self.ws.send_json(message)

    async def run(self, function, *args, **kwargs):
        async with self.lock:
            return await asyncio.to_thread(function, *args, **kwargs)


def create_app() -> Starlette:
    """The ASGI application (``uvicorn.run(create_app())``)."""
    tabs: dict[str, _Tab] = {}

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    def tab_of(request: Request) -> _Tab | None:
        return tabs.get(request.query_params.get("session", ""))

    async def upload(request: Request) -> Response:
        tab = tab_of(request)
        if tab is None:
            return JSONResponse({"field": "upload", "message": "upload: no such session (reload the page)"}, 404)
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > MAX_UPLOAD_BYTES + 10_000:
            return JSONResponse(
                {
                    "field": "upload",
                    "message": f"upload: the file is larger than the limit of {MAX_UPLOAD_BYTES:,} bytes",
                },
                413,
            )
        try:
            async with request.form(max_files=1, max_fields=5, max_part_size=MAX_UPLOAD_BYTES + 1) as form:
                item = form.get("file")
                if item is None or isinstance(item, str):
                    return JSONResponse(
                        {"field": "upload", "message": "upload: expected a file in the field 'file'"}, 400
                    )
                content = await item.read(MAX_UPLOAD_BYTES + 1)
                name = item.filename or "upload.csv"
        except Exception as exc:  # a malformed or oversized form: say so, keep serving
            return JSONResponse({"field": "upload", "message": f"upload: the form could not be read ({exc})"}, 400)
        try:
            info = await tab.run(tab.session.load_csv, name, content)
        except SettingsError as exc:
            return JSONResponse({"field": exc.field, "message": str(exc)}, 400)
        return JSONResponse(info)

    async def export(request: Request) -> Response:
        tab = tab_of(request)
        kind = request.path_params["kind"]
        if tab is None:
            return PlainTextResponse("export: no such session (reload the page)", 404)
        if kind == "model":
            data = await tab.run(tab.session.export_model)
            return Response(
                data,
                media_type="application/octet-stream",
                headers={"Content-Disposition": 'attachment; filename="playground.bpnn"'},
            )
        if kind in ("predict", "script"):
            function = tab.session.export_predict if kind == "predict" else tab.session.export_script
            text = await tab.run(function)
            name = "predict_model.py" if kind == "predict" else "playground_run.py"
            return Response(
                text,
                media_type="text/x-python; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        return PlainTextResponse(f"export: expected model, predict or script; got {kind!r}", 404)

    async def websocket(ws: WebSocket) -> None:
        await ws.accept()
        if len(tabs) >= MAX_SESSIONS:
            await ws.send_json({"type": "error", "field": "session", "message": "too many open tabs; close one"})
            await ws.close()
            return
        key = secrets.token_urlsafe(12)
        tab = _Tab(ws)
        tabs[key] = tab
        try:
            await tab.send({"type": "hello", "session": key, "catalog": catalog()})
            while True:
                text = await ws.receive_text()
                if len(text) > MAX_MESSAGE_BYTES:
                    await tab.send({"type": "error", "field": "message", "message": "message too long"})
                    continue
                await _handle(tab, text)
        except WebSocketDisconnect:
            pass
        finally:
            tab.playing = False
            tab.drawn.set()
            if tab.player is not None:
                with contextlib.suppress(Exception):
                    await tab.player
            tabs.pop(key, None)  # the session and its network go with the tab

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/healthz", healthz),
            Route("/upload", upload, methods=["POST"]),
            Route("/export/{kind}", export),
            WebSocketRoute("/ws", websocket),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ]
    )
    app.state.tabs = tabs
    return app


async def _handle(tab: _Tab, text: str) -> None:
    import json

    try:
        message = json.loads(text)
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise SettingsError("message", "message: expected an object with a 'type'")
        await _dispatch(tab, message)
    except json.JSONDecodeError:
        await tab.send({"type": "error", "field": "message", "message": "message: not JSON"})
    except SettingsError as exc:
        await tab.send({"type": "error", "field": exc.field, "message": str(exc)})
    except (ValueError, TypeError, FloatingPointError) as exc:
        # anything else the engine refuses: the page shows it, the server goes on
        await tab.send({"type": "error", "field": "", "message": " ".join(str(exc).split())})
    except (WebSocketDisconnect, asyncio.CancelledError):
        raise
    except Exception as exc:  # a bug: say so in the page, log it, keep the tab and the server
        logging.getLogger("bpnn.playground").exception("error while handling %r", text[:200])
        await tab.send(
            {"type": "error", "field": "", "message": f"internal error ({type(exc).__name__}: {exc}); please report it"}
        )


async def _dispatch(tab: _Tab, message: dict) -> None:
    kind = message["type"]
    session = tab.session
    if kind == "drawn":
        tab.drawn.set()
        return
    if kind == "settings":
        await _pause(tab)
        try:
            await tab.run(session.apply, message.get("settings", {}))
        finally:
            await tab.send(session.state())
            await tab.send(await tab.run(session.frame))
        return
    if kind == "play":
        if not tab.playing:
            tab.playing = True
            tab.drawn.set()
            tab.player = asyncio.create_task(_play(tab))
        await tab.send({"type": "playing", "playing": True})
        return
    if kind == "pause":
        await _pause(tab)
        return
    if kind == "step":
        await _pause(tab)
        await tab.run(session.step, 1)
        await tab.send(await tab.run(session.frame))
        return
    if kind == "reset":
        await _pause(tab)
        await tab.run(session.reset)
        await tab.send(session.state())
        await tab.send(await tab.run(session.frame))
        return
    if kind == "regenerate":
        await _pause(tab)
        seed = (session.settings.seed + 1) % (2**31 - 1)
        try:
            await tab.run(session.apply, {"seed": seed})
        finally:
            await tab.send(session.state())
            await tab.send(await tab.run(session.frame))
        return
    if kind == "edit":  # a weight or bias typed into the page
        await _pause(tab)
        await tab.run(
            session.edit, message.get("layer"), message.get("neuron"), message.get("from"), message.get("value")
        )
        await tab.send(await tab.run(session.frame))
        return
    if kind == "explain":
        reply = await tab.run(
            session.explain,
            message.get("layer"),
            message.get("neuron"),
            message.get("from"),
            message.get("sample", 0),
        )
        await tab.send(reply)
        return
    raise SettingsError("type", f"type: unknown message {kind!r}")


async def _pause(tab: _Tab) -> None:
    """Stop playing after the epoch under way (a worker thread cannot be cancelled halfway)."""
    was = tab.playing
    tab.playing = False
    tab.drawn.set()
    if tab.player is not None:
        with contextlib.suppress(Exception):
            await tab.player
        tab.player = None
    if was:
        await tab.send({"type": "playing", "playing": False})


def _step_and_frame(session: Session) -> dict:
    session.step(1)
    return session.frame()


async def _play(tab: _Tab) -> None:
    """Train epoch after epoch, one frame each, waiting for the page to draw the last one."""
    while tab.playing:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(tab.drawn.wait(), FRAME_TIMEOUT)
        tab.drawn.clear()
        if not tab.playing:
            return
        frame = await tab.run(_step_and_frame, tab.session)
        await tab.send(frame)
        if tab.session.diverged:
            tab.playing = False
            await tab.send({"type": "playing", "playing": False})
            return


def serve(host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True) -> None:
    """Run the playground until Ctrl-C (``bpnn playground``)."""
    import socket
    import threading
    import webbrowser

    import uvicorn

    try:  # say plainly when the port is taken, before uvicorn logs it and exits
        with socket.create_server((host, port)):
            pass
    except OSError as exc:
        raise ValueError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; try another --port") from None
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    config = uvicorn.Config(create_app(), host=host, port=port, log_level="warning", ws_max_size=MAX_MESSAGE_BYTES)
    server = uvicorn.Server(config)
    print(f"bpnn playground: {url}  (Ctrl-C to stop)", flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(
            f"bpnn playground: listening on {host}: anyone who can reach this computer can use it (there is no login)",
            flush=True,
        )
    if open_browser:
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    server.run()


__all__ = ["create_app", "serve"]
