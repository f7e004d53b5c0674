"""The playground's web server: a Starlette app with one WebSocket (and one :class:`Session`) per tab.

Routes
------
``GET /``                 the page (static HTML, JavaScript and CSS shipped in the wheel, no CDN)
``GET /healthz``          200 ``ok``
``WS  /ws``               the tab's session: settings, play/pause/step/reset, frames, explain
``POST /upload?session=`` a CSV file for the tab's session (multipart field ``file``)
``GET /export/{kind}?session=``  ``model`` (.bpnn), ``predict`` (NumPy predict()), ``script`` (the run in bpnn)

A session lives as long as its WebSocket: closing the tab frees it. The sessions' CPU work runs in
a worker thread, in turns that go to the least-served session first (:mod:`bpnn.playground.turns`),
so the server keeps answering and a light tab is not starved by heavy ones.
Every message from the page is checked; a bad one gets ``{"type": "error", "field", "message"}``
back and never stops the server.

Who may talk to it (as Jupyter does it): every request's ``Host`` must name an address the server
listens on (loopback names by default: a page whose DNS name was rebound to 127.0.0.1 is refused),
and the WebSocket and every POST whose ``Origin`` is not the page's own are refused, with 403, before
a session is made. When the server listens beyond this computer (or is asked to), the page, the
WebSocket, uploads and exports also need the token printed in the link (``?token=...``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from bpnn.playground.session import MAX_UPLOAD_BYTES, Session, SettingsError, catalog
from bpnn.playground.turns import Turns

STATIC = Path(__file__).parent / "static"
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
WILDCARD = frozenset({"0.0.0.0", "::", ""})
MAX_SESSIONS = 64
MAX_SESSIONS_PER_CLIENT = 20  # tabs open from one address: one computer cannot take every session
MAX_MESSAGE_BYTES = 100_000
MAX_DEPTH = 8  # levels of nesting in a message (the page's deepest is 3: {"settings": {"hidden": [...]}})
_JSON_SYNTAX = re.compile(r'[\[\]{}"\\]')
FRAME_TIMEOUT = 2.0  # seconds to wait for the page to draw a frame before sending the next


def error_body(field: str, message: str) -> dict:
    """The one shape of every error the server sends: over the WebSocket and as an HTTP body."""
    return {"type": "error", "field": field, "message": message}


def _refusal(field: str, message: str, status: int) -> JSONResponse:
    return JSONResponse(error_body(field, message), status)


def _host_name(host: str) -> str:
    """The name in a ``Host`` header, without its port (``[::1]:8765`` -> ``::1``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    if host.count(":") == 1:
        host = host.split(":", 1)[0]
    return host.rstrip(".")


def allowed_hosts(host: str) -> frozenset | None:
    """The ``Host`` names accepted when listening on ``host``: loopback names, and ``host`` itself
    (None, that is any, when listening on every address: the token guards the door then)."""
    if host in WILDCARD:
        return None
    return LOOPBACK | {_host_name(host)}


class Guard:
    """ASGI middleware: refuses, with 403 and before any session exists, a request whose ``Host`` is
    not one of ``hosts``, a WebSocket or POST whose ``Origin`` is not the page's own, and (with a
    ``token``) a page, WebSocket, upload or export without it."""

    OPEN = ("/healthz", "/static/")  # no token needed: nothing in them is private

    def __init__(self, app, hosts: frozenset | None, token: str | None):
        self.app, self.hosts, self.token = app, hosts, token
        self.state = app.state  # the app's sessions (``.state.tabs``), for tests and benchmarks

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        refusal = self.refusal(scope)
        if refusal is None:
            return await self.app(scope, receive, send)
        logging.getLogger("bpnn.playground").info("refused %s %s: %s", scope["type"], scope["path"], refusal[1])
        response = _refusal(*refusal, 403)
        if scope["type"] == "http":
            return await response(scope, receive, send)
        await receive()  # websocket.connect
        if "websocket.http.response" in scope.get("extensions", {}):  # the handshake answered with the JSON
            await send({"type": "websocket.http.response.start", "status": 403, "headers": response.raw_headers})
            await send({"type": "websocket.http.response.body", "body": response.body})
        else:  # closing before accepting answers the handshake with 403
            await send({"type": "websocket.close", "code": 1008})

    def refusal(self, scope) -> tuple[str, str] | None:
        """``(field, message)`` when the request must be refused, else None."""
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if self.hosts is not None and _host_name(host) not in self.hosts:
            return "host", (
                f"host: this playground answers to {', '.join(sorted(self.hosts))} only; got {host[:100]!r} "
                "(open the address bpnn playground printed)"
            )
        origin = headers.get("origin")
        if origin is not None and (scope["type"] == "websocket" or scope["method"] not in ("GET", "HEAD")):
            scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
            if origin.lower() != f"{scheme}://{host.lower()}":
                return "origin", (
                    f"origin: only the playground's own page may use it ({scheme}://{host[:100]}); "
                    f"got a request from {origin[:100]!r}"
                )
        if self.token is not None and not scope["path"].startswith(self.OPEN):
            given = _query_token(scope.get("query_string", b"")) or headers.get("authorization", "")
            given = given.removeprefix("token ").strip()
            if not secrets.compare_digest(given.encode(), self.token.encode()):
                return "token", (
                    "token: this playground needs the token of its link; open the address "
                    "bpnn playground printed (it ends with ?token=...)"
                )
        return None


def _query_token(query: bytes) -> str:
    from urllib.parse import parse_qs

    values = parse_qs(query.decode("latin-1")).get("token", [""])
    return values[0]


class _MemoryTrim:
    """Gives the memory of closed sessions back to the system a moment after the last tab closes.

    Python frees a closed session's arrays, but the C allocator keeps the pages for reuse, so the
    server would stay at its largest size; ``malloc_trim`` (glibc) returns them.
    """

    DELAY = 1.0  # seconds: many tabs closing together are trimmed once

    def __init__(self):
        self.handle: asyncio.TimerHandle | None = None

    def soon(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
        self.handle = asyncio.get_running_loop().call_later(self.DELAY, self.now)

    def now(self) -> None:
        import ctypes
        import gc

        self.handle = None
        gc.collect()
        with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
            ctypes.CDLL("libc.so.6").malloc_trim(0)


class _Tab:
    """A session and what its WebSocket needs around it."""

    def __init__(self, ws: WebSocket, turns: Turns):
        self.ws, self.turns = ws, turns
        self.session = Session()
        self.lock = asyncio.Lock()  # one piece of CPU work at a time
        self.send_lock = asyncio.Lock()
        self.client = ""  # the address the tab's browser connects from
        self.closed = False
        self.playing = False
        self.player: asyncio.Task | None = None
        self.drawn = asyncio.Event()
        self.drawn.set()

    async def send(self, message: dict) -> None:
        async with self.send_lock:
            await self.ws.send_json(message)

    async def run(self, function, *args):
        """``function(*args)`` in a worker thread, when this tab's turn at the CPU comes (see :mod:`.turns`)."""
        async with self.lock:
            if self.closed:  # an upload or export that came as the tab closed: its session is gone
                raise SettingsError("session", "session: the tab was closed (reload the page)")
            return await self.turns.run(self, function, *args)

    async def stop_playing(self) -> None:
        """Stop after the epoch under way; an epoch still waiting for its turn is dropped at once."""
        self.playing = False
        self.drawn.set()
        player, self.player = self.player, None
        if player is None:
            return
        if self.turns.waiting(self):
            player.cancel()
        await asyncio.wait([player])  # its own error or cancellation stays with it


def create_app(host: str = "127.0.0.1", token: str | None = None) -> Guard:
    """The ASGI application (``uvicorn.run(create_app())``).

    Parameters
    ----------
    host : str, default="127.0.0.1"
        The address the server listens on: requests must name it (or a loopback name) in ``Host``;
        any name is accepted for ``0.0.0.0`` and ``::``.
    token : str, optional
        When given, the page, the WebSocket, uploads and exports need it (``?token=...``).

    Returns
    -------
    Guard
        The Starlette app behind the host, origin and token checks; ``.state.tabs`` holds the sessions.
    """
    tabs: dict[str, _Tab] = {}
    turns = Turns(workers=1)
    trim = _MemoryTrim()

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    def tab_of(request: Request) -> _Tab | None:
        return tabs.get(request.query_params.get("session", ""))

    async def upload(request: Request) -> Response:
        tab = tab_of(request)
        if tab is None:
            return _refusal("upload", "upload: no such session (reload the page)", 404)
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > MAX_UPLOAD_BYTES + 10_000:
            return _refusal("upload", f"upload: the file is larger than the limit of {MAX_UPLOAD_BYTES:,} bytes", 413)
        try:
            async with request.form(max_files=1, max_fields=5, max_part_size=MAX_UPLOAD_BYTES + 1) as form:
                item = form.get("file")
                if item is None or isinstance(item, str):
                    return _refusal("upload", "upload: expected a file in the field 'file'", 400)
                content = await item.read(MAX_UPLOAD_BYTES + 1)
                name = item.filename or "upload.csv"
        except Exception as exc:  # a malformed or oversized form: say so, keep serving
            return _refusal("upload", f"upload: the form could not be read ({exc})", 400)
        try:
            info = await tab.run(tab.session.load_csv, name, content)
        except SettingsError as exc:
            return _refusal(exc.field, str(exc), 400)
        except (ValueError, TypeError) as exc:
            return _refusal("upload", "upload: " + " ".join(str(exc).split()), 400)
        except Exception as exc:  # a bug: the page still gets a message in the one shape
            logging.getLogger("bpnn.playground").exception("error while reading an upload")
            return _refusal("upload", f"upload: internal error ({type(exc).__name__}); please report it", 500)
        return JSONResponse(info)

    # what each export is: the session's method, its file name and its media type
    exports = {
        "model": ("export_model", "playground.bpnn", "application/octet-stream"),
        "predict": ("export_predict", "predict_model.py", "text/x-python; charset=utf-8"),
        "script": ("export_script", "playground_run.py", "text/x-python; charset=utf-8"),
    }

    async def export(request: Request) -> Response:
        tab = tab_of(request)
        kind = request.path_params["kind"]
        if tab is None:
            return _refusal("export", "export: no such session (reload the page)", 404)
        if kind not in exports:
            return _refusal("export", f"export: expected model, predict or script; got {kind[:100]!r}", 404)
        method, name, media_type = exports[kind]
        try:
            data = await tab.run(getattr(tab.session, method))
        except SettingsError as exc:  # the tab closed meanwhile
            return _refusal(exc.field, str(exc), 404)
        return Response(data, media_type=media_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    async def websocket(ws: WebSocket) -> None:
        await ws.accept()
        client = ws.client.host if ws.client else ""
        mine = sum(1 for t in tabs.values() if t.client == client)
        if len(tabs) >= MAX_SESSIONS or mine >= MAX_SESSIONS_PER_CLIENT:
            limit = f"{MAX_SESSIONS} in all" if len(tabs) >= MAX_SESSIONS else f"{MAX_SESSIONS_PER_CLIENT} per computer"
            await ws.send_json(error_body("session", f"session: too many open tabs ({limit}); close one and reload"))
            await ws.close()
            return
        key = secrets.token_urlsafe(12)
        tab = _Tab(ws, turns)
        tab.client = client
        tabs[key] = tab
        try:
            await tab.send({"type": "hello", "session": key, "catalog": catalog()})
            while True:
                received = await ws.receive()
                if received["type"] == "websocket.disconnect":
                    raise WebSocketDisconnect(received.get("code", 1000))
                await _handle(tab, received.get("text"))
        except WebSocketDisconnect:
            pass
        finally:
            await tab.stop_playing()
            tab.closed = True
            tabs.pop(key, None)  # the session and its network go with the tab
            async with tab.lock:  # (after the work under way, if any)
                turns.forget(tab)
            trim.soon()

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        turns.close()

    app = Starlette(
        lifespan=lifespan,
        routes=[
            Route("/", index),
            Route("/healthz", healthz),
            Route("/upload", upload, methods=["POST"]),
            Route("/export/{kind}", export),
            WebSocketRoute("/ws", websocket),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
    )
    app.state.tabs = tabs
    return Guard(app, allowed_hosts(host), token)


def parse_message(text) -> dict:
    """A message from the page: JSON text of an object with a ``type``, at most ``MAX_MESSAGE_BYTES``
    long and ``MAX_DEPTH`` levels deep (checked before parsing: no deep recursion in the parser)."""
    import json

    if not isinstance(text, str):
        raise SettingsError("message", "message: expected JSON text; got binary data")
    if len(text) > MAX_MESSAGE_BYTES:
        raise SettingsError("message", f"message: longer than {MAX_MESSAGE_BYTES:,} characters; got {len(text):,}")
    depth = json_depth(text)
    if depth > MAX_DEPTH:
        raise SettingsError("message", f"message: nested at most {MAX_DEPTH} levels deep; got deeper")
    try:
        message = json.loads(text)
    except ValueError:  # not JSON, or a number too long to read
        raise SettingsError("message", "message: not JSON") from None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        raise SettingsError("message", "message: expected an object with a 'type'")
    return message


def json_depth(text: str, stop: int = MAX_DEPTH) -> int:
    """How deep the arrays and objects of JSON ``text`` nest (brackets inside strings not counted),
    counted up to one more than ``stop``."""
    depth = deepest = 0
    in_string = escaped = False
    for match in _JSON_SYNTAX.finditer(text):
        char = match.group()
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > stop:
                break
        elif char in "]}":
            depth -= 1
    return deepest


async def _handle(tab: _Tab, text: str | None) -> None:
    try:
        await _dispatch(tab, parse_message(text))
    except SettingsError as exc:
        await tab.send(error_body(exc.field, str(exc)))
    except (ValueError, TypeError, FloatingPointError) as exc:
        # anything else the engine refuses: the page shows it, the server goes on
        await tab.send(error_body("", " ".join(str(exc).split())))
    except (WebSocketDisconnect, asyncio.CancelledError):
        raise
    except Exception as exc:  # a bug: say so in the page, log it, keep the tab and the server
        logging.getLogger("bpnn.playground").exception("error while handling %r", (text or "")[:200])
        await tab.send(error_body("", f"internal error ({type(exc).__name__}: {exc}); please report it"))


async def _dispatch(tab: _Tab, message: dict) -> None:
    kind = message["type"]
    session = tab.session
    if kind == "drawn":
        tab.drawn.set()
        return
    if kind in ("settings", "reset", "regenerate"):
        await _pause(tab)
        if kind == "settings":
            change = message.get("settings", {})
        else:
            change = None if kind == "reset" else {"seed": (session.settings.seed + 1) % (2**31 - 1)}
        state, frame, error = await tab.run(_change, session, change)
        await tab.send(state)
        await tab.send(frame)
        if error is not None:
            raise error
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
        await tab.send(await tab.run(_step_and_frame, session))
        return
    if kind == "edit":  # a weight or bias typed into the page
        await _pause(tab)
        await tab.send(await tab.run(_edit_and_frame, session, message))
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
    raise SettingsError("type", f"type: unknown message {str(kind)[:100]!r}")


async def _pause(tab: _Tab) -> None:
    """Stop playing after the epoch under way (a worker thread cannot be cancelled halfway)."""
    was = tab.playing
    await tab.stop_playing()
    if was:
        await tab.send({"type": "playing", "playing": False})


def _change(session: Session, settings: dict | None) -> tuple[dict, dict, Exception | None]:
    """New ``settings`` (None: a reset) and the state and frame that show the outcome, in one turn.

    A refused change leaves the session as it was; the error comes back to be sent after them.
    """
    error = None
    try:
        if settings is None:
            session.reset()
        else:
            session.apply(settings)
    except Exception as exc:  # noqa: BLE001 (sent to the page by _handle, after the state in force)
        error = exc
    return session.state(), session.frame(), error


def _edit_and_frame(session: Session, message: dict) -> dict:
    """One turn: set the weight or bias the page sent, then the frame that shows it."""
    session.edit(message.get("layer"), message.get("neuron"), message.get("from"), message.get("value"))
    return session.frame()


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


def link(host: str, port: int, token: str | None) -> str:
    """The address to open: the page on ``host:port`` (this computer for a wildcard), with the token."""
    shown = "127.0.0.1" if host in WILDCARD else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def config(app, host: str, port: int):
    """uvicorn's configuration for the playground (the message size limit is the server's)."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level="warning", ws_max_size=MAX_MESSAGE_BYTES)


def serve(
    host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True, token: bool = False, lang: str = "en"
) -> None:
    """Run the playground until Ctrl-C (``bpnn playground``).

    A random token is made at each start and required whenever ``host`` is not a loopback address,
    or when ``token`` is true; the printed (and opened) link carries it. ``lang`` ("en" or "zh")
    is the language of the lines printed on the terminal.
    """
    import socket
    import threading
    import webbrowser

    import uvicorn

    from bpnn.explain.i18n import Translator

    say = Translator(lang)

    try:  # say plainly when the port is taken, before uvicorn logs it and exits
        with socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET):
            pass
    except OSError as exc:
        raise ValueError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; try another --port") from None
    secret = secrets.token_urlsafe(24) if token or host not in LOOPBACK else None
    url = link(host, port, secret)
    server = uvicorn.Server(config(create_app(host, secret), host, port))
    print(say("bpnn playground: {url}  (Ctrl-C to stop)", url=url), flush=True)
    if host not in LOOPBACK:
        print(
            say(
                "bpnn playground: listening on {host}: anyone who can reach this computer and has the link "
                "(its token) can use it",
                host=host,
            ),
            flush=True,
        )
    if open_browser:
        threading.Timer(1.0, lambda: webbrowser.open(url)).start()
    server.run()


__all__ = ["Guard", "allowed_hosts", "config", "create_app", "error_body", "link", "serve"]
