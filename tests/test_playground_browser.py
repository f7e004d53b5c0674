"""bpnn playground in a real browser: Playwright (Python) driving Debian's Chromium.

The browser is launched from /usr/bin/chromium (``apt-get install chromium``); nothing is downloaded.
Without it the tests skip with a note, unless BPNN_REQUIRE_BROWSER=1 (set by .ci/run), under which
they fail. The screenshots of docs/playground.md are made by these tests: with
BPNN_DOC_SCREENSHOTS=1 they are written into docs/images/, otherwise into a temporary folder.
"""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

CHROMIUM = "/usr/bin/chromium"
REQUIRED = os.environ.get("BPNN_REQUIRE_BROWSER") == "1"
DOCS = Path(__file__).resolve().parents[1] / "docs" / "images"
WRITE_DOCS = os.environ.get("BPNN_DOC_SCREENSHOTS") == "1"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _missing() -> str | None:
    for module in ("playwright", "starlette", "uvicorn", "websockets"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install -e '.[test]')"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


_WHY = _missing()
if _WHY is not None:
    if REQUIRED:
        raise RuntimeError(f"BPNN_REQUIRE_BROWSER=1 but the browser tests cannot run: {_WHY}")
    pytest.skip(f"browser tests skipped: {_WHY}", allow_module_level=True)

from PIL import Image  # noqa: E402  (matplotlib's dependency)
from playwright.sync_api import expect, sync_playwright  # noqa: E402

import bpnn  # noqa: E402
from playground_helpers import running_server  # noqa: E402

TIMEOUT = 20_000  # ms


@pytest.fixture(scope="module")
def server():
    with running_server() as (port, app):
        yield f"http://127.0.0.1:{port}/", app


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Where the screenshots go: docs/images/ when asked (BPNN_DOC_SCREENSHOTS=1), else a temporary folder."""
    folder = DOCS if WRITE_DOCS else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    url, _ = server
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(TIMEOUT)
    pg.base = url
    yield pg
    context.close()
    assert errors == [], errors  # no JavaScript error in any test


def load(page, hash: str = ""):
    page.goto(page.base + ("#" + hash if hash else ""))
    expect(page.get_by_test_id("epoch")).to_have_text("000000")
    page.wait_for_function("document.querySelector('[data-testid=train-loss]').textContent !== '–'")


def epoch(page) -> int:
    return int(page.get_by_test_id("epoch").text_content())


def url_settings(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).fragment, keep_blank_values=True).items()}


def wait_for_state(page, key: str, value: str):
    page.wait_for_function(
        "([k, v]) => new URLSearchParams(location.hash.slice(1)).get(k) === v", arg=[key, value], timeout=TIMEOUT
    )


def canvas_pixels(page, testid: str) -> np.ndarray:
    png = page.get_by_test_id(testid).screenshot()
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


def colour_shares(pixels: np.ndarray) -> tuple[float, float]:
    """Shares of blue-ish (class 1) and orange-ish (class 0) pixels."""
    r, b = pixels[..., 0], pixels[..., 2]
    return float(np.mean(b > r + 40)), float(np.mean(r > b + 40))


# -- play, step, reset ------------------------------------------------------------------------------
def test_play_step_pause_reset(page):
    load(page)
    page.get_by_test_id("step").click()
    expect(page.get_by_test_id("epoch")).to_have_text("000001")
    first = float(page.get_by_test_id("train-loss").text_content())
    page.get_by_test_id("play").click()
    page.wait_for_function("Number(document.querySelector('[data-testid=epoch]').textContent) >= 30")
    page.get_by_test_id("play").click()  # pause
    expect(page.get_by_test_id("play")).to_have_text("▶")
    time.sleep(0.2)  # the epoch under way when pause came is drawn at the next refresh
    stopped = epoch(page)
    time.sleep(0.5)
    assert epoch(page) == stopped >= 30
    assert float(page.get_by_test_id("train-loss").text_content()) < first
    float(page.get_by_test_id("test-loss").text_content())
    page.get_by_test_id("reset").click()
    expect(page.get_by_test_id("epoch")).to_have_text("000000")


def test_the_boundary_is_a_plausible_picture_and_screenshots_for_the_docs(page, shots):
    load(page, "dataset=circle&features=x1,x2&hidden=6&activation=tanh&optimizer=adam&lr=0.03&batch=10")
    blank = canvas_pixels(page, "boundary")
    page.get_by_test_id("play").click()
    page.wait_for_function("Number(document.querySelector('[data-testid=epoch]').textContent) >= 60")
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_text("▶")
    time.sleep(0.2)
    pixels = canvas_pixels(page, "boundary")
    blue, orange = colour_shares(pixels)
    # the circle's inside is class 1 (blue), the ring and corners class 0 (orange)
    assert 0.1 < blue < 0.6 and orange > 0.3, (blue, orange)
    h, w, _ = pixels.shape
    centre, corner = pixels[h // 2 - 5 : h // 2 + 5, w // 2 - 5 : w // 2 + 5], pixels[:12, :12]
    assert centre[..., 2].mean() > centre[..., 0].mean() + 40  # blue
    assert corner[..., 0].mean() > corner[..., 2].mean() + 40  # orange
    assert pixels.std() > 30 and not np.array_equal(pixels, blank)
    # the loss curve and the neuron maps are drawn too
    assert canvas_pixels(page, "loss-curve").std() > 5
    assert canvas_pixels(page, "neuron-1-1").std() > 10
    assert float(page.get_by_test_id("test-loss").text_content()) < 0.2
    page.screenshot(path=shots / "playground.png")
    page.get_by_test_id("neuron-1-2").click()
    expect(page.get_by_test_id("explain")).to_be_visible()
    expect(page.get_by_test_id("explain-lines")).to_contain_text("δ_2^[1]")
    page.screenshot(path=shots / "playground-explain.png", full_page=True)
    with Image.open(shots / "playground-explain.png") as shot:
        assert shot.size[1] > 900  # the panel is below the page's first screen


# -- every control ----------------------------------------------------------------------------------
def test_every_control_changes_the_run_and_the_url(page, server, shots):
    load(page)
    choices = [
        ("dataset", "xor", "dataset"),
        ("learning-rate", "0.1", "lr"),
        ("activation", "relu", "activation"),
        ("regularization", "l2", "reg"),
        ("reg-rate", "0.01", "rate"),
        ("optimizer", "adam", "optimizer"),
    ]
    for testid, value, key in choices:
        page.get_by_test_id(testid).select_option(value)
        wait_for_state(page, key, value)
    for testid, value, key in (("noise", "20", "noise"), ("train-ratio", "70", "train"), ("batch-size", "5", "batch")):
        page.get_by_test_id(testid).fill(value)
        wait_for_state(page, key, value)
    page.get_by_test_id("points").fill("300")
    page.get_by_test_id("points").dispatch_event("change")
    wait_for_state(page, "points", "300")
    # layers and neurons
    page.get_by_test_id("add-layer").click()
    wait_for_state(page, "hidden", "4,2,2")
    expect(page.get_by_test_id("neuron-3-2")).to_be_visible()
    page.get_by_test_id("add-neuron-1").click()
    wait_for_state(page, "hidden", "5,2,2")
    expect(page.get_by_test_id("neuron-1-5")).to_be_visible()
    page.get_by_test_id("remove-neuron-3").click()
    wait_for_state(page, "hidden", "5,2,1")
    page.get_by_test_id("remove-layer").click()
    wait_for_state(page, "hidden", "5,2")
    expect(page.get_by_test_id("neuron-3-2")).to_have_count(0)
    page.get_by_test_id("feature-x1x2").click()
    wait_for_state(page, "features", "x1,x2,x1x2")
    page.get_by_test_id("regenerate").click()
    wait_for_state(page, "seed", "1")
    expect(page.get_by_test_id("legend")).to_contain_text("class 1")
    page.get_by_test_id("problem").select_option("regression")
    wait_for_state(page, "dataset", "plane")
    expect(page.get_by_test_id("legend")).to_contain_text("−1")
    # display switches: test points, discretized output (two colours only)
    page.get_by_test_id("problem").select_option("classification")
    wait_for_state(page, "dataset", "circle")
    page.get_by_test_id("show-test").check()
    wait_for_state(page, "showtest", "1")
    page.get_by_test_id("discretize").check()
    wait_for_state(page, "disc", "1")
    s = url_settings(page)
    assert s["lr"] == "0.1" and s["activation"] == "relu" and s["reg"] == "l2" and s["optimizer"] == "adam"
    # every setting reached the server's network: the state it sent back is in the URL
    page.get_by_test_id("step").click()
    expect(page.get_by_test_id("epoch")).to_have_text("000001")
    # presets
    page.get_by_test_id("preset").select_option("seed000-xor")
    wait_for_state(page, "dataset", "xor4")
    assert url_settings(page)["hidden"] == "3" and url_settings(page)["activation"] == "sigmoid"
    # the language toggle
    page.get_by_test_id("lang").click()
    expect(page.locator("h1")).to_have_text("bpnn 演练场")
    wait_for_state(page, "lang", "zh")
    # every English text has a Chinese one, and every labelled element shows a translation
    assert page.evaluate("Object.keys(T.en).sort()") == page.evaluate("Object.keys(T.zh).sort()")
    untranslated = page.evaluate(
        "[...document.querySelectorAll('[data-i18n]')].filter(e => e.textContent === T.en[e.dataset.i18n]"
        " && T.en[e.dataset.i18n] !== T.zh[e.dataset.i18n]).map(e => e.dataset.i18n)"
    )
    assert untranslated == []
    # a trained run for the docs' picture of the Chinese page
    page.get_by_test_id("discretize").uncheck()
    page.get_by_test_id("preset").select_option("good-xor")
    wait_for_state(page, "dataset", "xor")
    page.get_by_test_id("play").click()
    page.wait_for_function("Number(document.querySelector('[data-testid=epoch]').textContent) >= 40")
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_text("▶")
    time.sleep(0.2)
    page.screenshot(path=shots / "playground-zh.png")
    page.get_by_test_id("lang").click()
    expect(page.locator("h1")).to_have_text("bpnn playground")


def test_a_link_reproduces_a_run(browser, server):
    url, _ = server
    link = url + "#dataset=spiral&features=x1,x2,sinx1&hidden=5,3&optimizer=rmsprop&lr=0.01&batch=7&seed=5&noise=10"
    losses = []
    for _ in range(2):
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.base = link
        page.goto(link)
        page.wait_for_function("document.querySelector('[data-testid=train-loss]').textContent !== '–'")
        expect(page.get_by_test_id("optimizer")).to_have_value("rmsprop")
        expect(page.get_by_test_id("dataset")).to_have_value("spiral")
        for k in range(3):
            page.get_by_test_id("step").click()
            expect(page.get_by_test_id("epoch")).to_have_text(f"00000{k + 1}")
        losses.append(
            (page.get_by_test_id("train-loss").text_content(), page.get_by_test_id("test-loss").text_content())
        )
        context.close()
    assert losses[0] == losses[1]


# -- upload, export -----------------------------------------------------------------------------------
def test_upload_a_csv_file_and_train_on_it(page):
    load(page)
    rng = np.random.default_rng(0)
    P = rng.normal(size=(120, 2))
    # 'id' counts the rows: the table schema drops it, and the page says so with its reason
    text = "id,u,v,w,label\n" + "".join(f"{i},{a},{b},{a * b},{int(a > b)}\n" for i, (a, b) in enumerate(P))
    page.get_by_test_id("upload").set_input_files(
        files=[{"name": "mine.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    expect(page.get_by_test_id("upload-x")).to_be_visible()
    expect(page.get_by_test_id("upload-notes")).to_have_text(
        "identifier id: whole numbers counting the rows (0, 1, ...), dropped"
    )
    assert page.get_by_test_id("upload-x").locator("option").all_text_contents() == ["u", "v", "w", "label"]
    page.get_by_test_id("upload-y").select_option("v")
    page.get_by_test_id("upload-target").select_option("label")
    page.get_by_test_id("upload-use").click()
    wait_for_state(page, "dataset", "upload")
    s = url_settings(page)
    assert (s["ux"], s["uy"], s["ut"]) == ("u", "v", "label")
    page.get_by_test_id("step").click()
    expect(page.get_by_test_id("epoch")).to_have_text("000001")
    # a damaged file: bpnn train's message, shown in the page
    page.get_by_test_id("upload").set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"a,b,c\n1,2,3\n4,oops,6\n"}]
    )
    expect(page.get_by_test_id("error")).to_contain_text("bad.csv, line 3")
    expect(page.get_by_test_id("error")).to_contain_text("'oops', which is not a number")


def test_exports_download_a_model_a_predictor_and_a_script(page, tmp_path):
    load(page, "hidden=3&features=x1,x2,x2sq")
    page.get_by_test_id("step").click()
    expect(page.get_by_test_id("epoch")).to_have_text("000001")
    files = {}
    for kind in ("model", "predict", "script"):
        page.get_by_test_id("export").click()
        with page.expect_download() as info:
            page.get_by_test_id(f"export-{kind}").click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        files[kind] = path
    net = bpnn.load(files["model"])
    assert [layer.n_out for layer in net.layers] == [3, 1] and net.n_inputs == 3
    assert "def predict_points" in files["predict"].read_text()
    assert "EPOCHS = 1" in files["script"].read_text()


# -- explain ---------------------------------------------------------------------------------------------
def traced(lines: str, symbol: str) -> float:
    """The value a ``bpnn explain`` formula for ``symbol`` ends with (its wrapped lines included)."""
    block, inside = [], False
    for line in lines.splitlines():
        if line.strip().startswith(symbol + " "):
            inside = True
        elif not line.strip().startswith("="):
            inside = False
        if inside:
            block.append(line)
    return float(" ".join(block).split("=")[-1])


def test_the_explain_panel_for_a_neuron_and_a_weight(page):
    load(page, "hidden=3&dataset=gauss")
    page.get_by_test_id("step").click()
    expect(page.get_by_test_id("epoch")).to_have_text("000001")
    # hover: a neuron's bias, from the same frame as the drawing
    expect(page.get_by_test_id("neuron-2-1")).to_have_attribute("title", re.compile(r"bias b_1\^\[2\] = -?[0-9.]+"))
    page.get_by_test_id("neuron-2-1").click()  # the output neuron
    panel = page.get_by_test_id("explain")
    expect(panel).to_be_visible()
    lines = page.get_by_test_id("explain-lines").text_content()
    # the table's numbers are the trace's numbers (the last value of each written-out formula)
    assert float(page.get_by_test_id("explain-z").text_content()) == pytest.approx(traced(lines, "z_1^[2]"), abs=1e-6)
    a = float(page.get_by_test_id("explain-a").text_content())
    assert a == pytest.approx(traced(lines, "a_1^[2]"), abs=1e-6)
    point = page.locator("#explain-point").text_content()
    y = float(re.search(r"y = ([0-9.]+)", point).group(1))
    # sigmoid output with cross-entropy: delta = a - y
    assert float(page.get_by_test_id("explain-delta").text_content()) == pytest.approx(a - y, abs=1e-5)
    # another sample
    page.get_by_test_id("explain-sample").fill("7")
    page.get_by_test_id("explain-sample").dispatch_event("change")
    expect(page.locator("#explain-point")).not_to_have_text(point)
    # a weight: hover shows its value, a click its numbers
    weight = page.get_by_test_id("weight-2-2-1")
    title = weight.locator("title").text_content()
    assert title.startswith("w21^[2] = ")
    weight.click(force=True)
    expect(page.get_by_test_id("explain-lines")).to_contain_text("∂L/∂w_21^[2]")
    page.get_by_text("The optimizer's learning rule").click()
    expect(page.get_by_test_id("explain-rule")).to_contain_text("w <- w - lr * g")
    assert float(page.get_by_test_id("explain-weight").text_content()) == pytest.approx(
        float(title.split("=")[1]), rel=1e-5
    )


# -- bad input, sessions ---------------------------------------------------------------------------------
def test_bad_input_is_reported_in_the_page_and_the_server_goes_on(page, server):
    url, _ = server
    load(page)
    page.get_by_test_id("points").fill("5")
    page.get_by_test_id("points").dispatch_event("change")
    expect(page.get_by_test_id("error")).to_contain_text("points: expected a whole number of points from 20 to 2000")
    # a hand-edited link
    page.goto(url + "#lr=abc&hidden=4,9")
    expect(page.get_by_test_id("error")).to_contain_text("lr: expected a learning rate above 0 up to 10; got 'abc'")
    # the page still works with the settings it had
    page.get_by_test_id("step").click()
    expect(page.get_by_test_id("epoch")).to_have_text("000001")
    page.goto(url + "#hidden=60")
    expect(page.get_by_test_id("error")).to_contain_text("network size limit 50")
    assert url_settings(page)["hidden"] == "4,2"  # the link shows the settings in force again
    big = b"a,b,c\n" + b"1,2,3\n" * 400_000
    page.get_by_test_id("upload").set_input_files(files=[{"name": "big.csv", "mimeType": "text/csv", "buffer": big}])
    expect(page.get_by_test_id("error")).to_contain_text("limit")


def test_each_tab_has_its_own_session_and_a_closed_tab_frees_it(browser, server):
    url, app = server
    deadline = time.time() + 10
    while app.state.tabs and time.time() < deadline:  # the earlier tests' tabs, closed, going away
        time.sleep(0.05)
    before = len(app.state.tabs)
    assert before == 0
    context = browser.new_context()
    pages = [context.new_page() for _ in range(2)]
    for p in pages:
        p.set_default_timeout(TIMEOUT)
        p.goto(url)
        expect(p.get_by_test_id("epoch")).to_have_text("000000")
    assert len(app.state.tabs) == before + 2
    pages[0].get_by_test_id("step").click()
    expect(pages[0].get_by_test_id("epoch")).to_have_text("000001")
    expect(pages[1].get_by_test_id("epoch")).to_have_text("000000")
    pages[0].close()
    deadline = time.time() + 10
    while len(app.state.tabs) > before + 1 and time.time() < deadline:
        time.sleep(0.05)
    assert len(app.state.tabs) == before + 1
    context.close()


# -- who may use it: another origin, a rebound name, the token -------------------------------------------
ATTACK = """<!doctype html><title>another site</title><script>
window.result = {ws: "pending", upload: "pending"};
const ws = new WebSocket("ws://127.0.0.1:PORT/ws");
ws.onmessage = () => { window.result.ws = "answered"; };
ws.onclose = () => { if (window.result.ws === "pending") window.result.ws = "closed"; };
const body = new FormData();
body.append("file", new Blob(["a,b,c\\n1,2,0\\n2,1,1\\n3,3,0\\n4,1,1\\n"], {type: "text/csv"}), "x.csv");
fetch("http://127.0.0.1:PORT/upload?session=KEY", {method: "POST", body, mode: "no-cors"})
  .then(() => { window.result.upload = "sent"; }, () => { window.result.upload = "failed"; });
</script>"""


@pytest.fixture
def another_site():
    """A page served from another origin (another port of 127.0.0.1); yields a function setting its HTML."""
    import http.server
    import threading

    from playground_helpers import free_port

    html = {"text": ""}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            data = html["text"].encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    port = free_port()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/", lambda text: html.__setitem__("text", text)
    httpd.shutdown()
    httpd.server_close()


def test_a_page_from_another_origin_cannot_open_a_session_or_upload(browser, server, another_site):
    from websockets.sync.client import connect

    url, app = server
    port = urlparse(url).port
    site, set_html = another_site
    with connect(f"ws://127.0.0.1:{port}/ws") as ws:  # a real tab's session, whose key the other page knows
        while (hello := __import__("json").loads(ws.recv(timeout=20)))["type"] != "hello":
            pass
        key = hello["session"]
        before = set(app.state.tabs)
        set_html(ATTACK.replace("PORT", str(port)).replace("KEY", key))
        context = browser.new_context()
        page = context.new_page()
        console, statuses = [], {}
        page.on("console", lambda m: console.append(m.text))
        page.on("response", lambda r: statuses.__setitem__(urlparse(r.url).path, r.status))
        page.goto(site)
        page.wait_for_function("window.result.ws !== 'pending' && window.result.upload !== 'pending'", timeout=TIMEOUT)
        result = page.evaluate("window.result")
        deadline = time.time() + 5
        while "/upload" not in statuses and time.time() < deadline:
            time.sleep(0.05)
        context.close()
        assert result["ws"] == "closed"  # never a message: no session
        assert any("403" in line for line in console), console  # Chromium: "Unexpected response code: 403"
        assert statuses.get("/upload") == 403
        # no new session (earlier tests' closed tabs may still be going away), and nothing uploaded
        assert set(app.state.tabs) <= before and app.state.tabs[key].session.upload is None


def test_a_wrong_host_is_refused(browser, server):
    """DNS rebinding: a name of the attacker's that now points to 127.0.0.1 gets 403, not the page."""
    url, app = server
    port = urlparse(url).port
    rules = "--host-resolver-rules=MAP rebound.test 127.0.0.1"  # what a rebound DNS answer does
    rebound = browser.browser_type.launch(executable_path=CHROMIUM, args=[*ARGS, rules])
    try:
        page = rebound.new_page()
        before = len(app.state.tabs)
        response = page.goto(f"http://rebound.test:{port}/")
        assert response.status == 403
        assert "host: this playground answers to" in page.content() and "rebound.test" in page.content()
        # the same server by its own name answers
        assert page.goto(url).status == 200
        expect(page.get_by_test_id("epoch")).to_have_text("000000")
        assert len(app.state.tabs) == before + 1
    finally:
        rebound.close()


def test_with_a_token_the_printed_link_works_and_a_link_without_it_is_refused(browser, tmp_path):
    from benchmarks.playground_fps import ServerProcess

    with ServerProcess(options=("--token",)) as server:
        assert "?token=" in server.link
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        refused = page.goto(f"http://127.0.0.1:{server.port}/#hidden=3")
        assert refused.status == 403 and "token" in page.content()
        page.base = server.link
        load(page, "hidden=3")
        page.get_by_test_id("step").click()
        expect(page.get_by_test_id("epoch")).to_have_text("000001")
        # uploads and exports carry the token too
        page.get_by_test_id("upload").set_input_files(
            files=[{"name": "mine.csv", "mimeType": "text/csv", "buffer": b"u,v,t\n1,2,0\n2,1,1\n3,3,0\n4,1,1\n"}]
        )
        expect(page.get_by_test_id("upload-x")).to_be_visible()
        page.get_by_test_id("export").click()
        with page.expect_download() as info:
            page.get_by_test_id("export-script").click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        assert "EPOCHS = 1" in path.read_text()
        context.close()


def test_the_page_shows_the_servers_messages_for_hostile_input(page):
    load(page)
    page.goto(page.base + "#seed=1" + "0" * 400)
    expect(page.get_by_test_id("error")).to_contain_text(
        "seed: expected a whole number from 0 to 2.14748e+09; got '1000"
    )
    assert len(page.get_by_test_id("error").text_content()) < 200
    page.goto(page.base)
    load(page)
    bad = b"a,b,c\n1,2,0\n2,x,1\n"
    page.get_by_test_id("upload").set_input_files(files=[{"name": "..", "mimeType": "text/csv", "buffer": bad}])
    expect(page.get_by_test_id("error")).to_contain_text("upload.csv, line 3")
    good = b"a,b,c\n1,2,0\n2,1,1\n3,3,0\n4,1,1\n"
    page.get_by_test_id("upload").set_input_files(files=[{"name": ".", "mimeType": "text/csv", "buffer": good}])
    expect(page.locator("#upload-name")).to_have_text("upload.csv: 4 rows")
