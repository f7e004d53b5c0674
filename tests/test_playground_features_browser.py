"""The playground's newer features in a real browser (Playwright driving Debian's Chromium, as in
tests/test_playground_browser.py, whose fixtures these tests share): more than two classes, editing a
weight or a bias, the bias squares, wide layers, per-layer activation and dropout, the embedding flags,
the fonts and the file chooser, the error box.

Numbers the page shows are checked against the server's network through a NumPy forward pass written
here. With BPNN_DOC_SCREENSHOTS=1 the screenshots of docs/playground.md are written into docs/images/.
"""

from __future__ import annotations

import base64
import re
import time

import numpy as np
import pytest

import test_playground_browser as base
from test_playground_browser import canvas_pixels, expect, load, url_settings, wait_for_state

# the fixtures of the first browser tests: one server and one browser for the module, a fresh page per test
server, browser, page, shots = base.server, base.browser, base.page, base.shots

ACTS = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0.0), "sigmoid": lambda z: 1 / (1 + np.exp(-z))}


def session_of(page, app):
    """The server's session behind a page."""
    return app.state.tabs[page.evaluate("st.session")].session


def page_output(page) -> np.ndarray:
    """The decision surface the page drew last: the frame's output, as the page received it."""
    return np.frombuffer(base64.b64decode(page.evaluate("st.frame.output")), dtype=np.float32)


def numpy_forward(weights: list[np.ndarray], acts: list[str], X: np.ndarray) -> np.ndarray:
    a = X
    for k in range(0, len(weights) - 2, 2):
        a = ACTS[acts[k // 2]](a @ weights[k] + weights[k + 1])
    z = a @ weights[-2] + weights[-1]
    if z.shape[1] == 1:
        return 1 / (1 + np.exp(-z))
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def play_until(page, epochs: int):
    page.get_by_test_id("play").click()
    page.wait_for_function(
        f"Number(document.querySelector('[data-testid=epoch]').textContent) >= {epochs}", timeout=120_000
    )
    page.get_by_test_id("play").click()
    expect(page.get_by_test_id("play")).to_have_text("▶")
    time.sleep(0.3)  # the epoch under way when pause came is drawn at the next refresh


def rgb_of(page, locator) -> tuple[int, int, int]:
    colour = locator.evaluate("e => getComputedStyle(e).backgroundColor")
    return tuple(int(v) for v in re.findall(r"\d+", colour)[:3])


def shot_both_languages(page, path):
    """A screenshot in English and one in Chinese (``-zh`` added to the name), the page back in English."""
    page.screenshot(path=path)
    page.get_by_test_id("lang").click()
    expect(page.locator("h1")).to_have_text("bpnn 演练场")
    time.sleep(0.3)
    page.screenshot(path=path.with_name(path.stem + "-zh.png"))
    page.get_by_test_id("lang").click()
    expect(page.locator("h1")).to_have_text("bpnn playground")


SPIRAL3 = "dataset=spiral3&features=x1,x2,sinx1,sinx2&hidden=12,8&activation=tanh&optimizer=adam&lr=0.03&batch=10"


# -- more than two classes ----------------------------------------------------------------------------
def test_three_spirals_learn_with_one_colour_per_class(page, server, shots):
    _, app = server
    load(page, SPIRAL3)
    expect(page.get_by_test_id("classes")).to_have_text("3")
    expect(page.get_by_test_id("classes-legend")).to_contain_text("class 2")
    play_until(page, 150)
    session = session_of(page, app)
    # the accuracy the page shows is the server's, and that of a NumPy forward pass of its weights
    acts = list(session.settings.acts)
    predicted = np.argmax(numpy_forward(session.net.get_weights(), acts, session.X_test), axis=1)
    accuracy = float(np.mean(predicted == session.y_test))
    assert accuracy > 0.9
    shown = float(page.get_by_test_id("test-accuracy").text_content().rstrip("%")) / 100
    assert shown == pytest.approx(accuracy, abs=0.0006)
    # the surface is the softmax of the server's network on the grid, three probabilities per cell
    out = page_output(page).reshape(-1, 3)
    np.testing.assert_allclose(out, numpy_forward(session.net.get_weights(), acts, session.X_grid), atol=2e-6)
    # and it is drawn in the three class colours: orange, blue, green each cover part of the plane
    px = canvas_pixels(page, "boundary")
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    orange, blue, green = np.mean(r > b + 60), np.mean(b > r + 60), np.mean((g > r + 40) & (g > b + 20))
    assert min(orange, blue, green) > 0.15, (orange, blue, green)
    # the output layer has a neuron per class; the explain panel goes through the softmax
    expect(page.get_by_test_id("neuron-3-3")).to_be_visible()
    page.get_by_test_id("neuron-3-2").click()
    expect(page.get_by_test_id("explain-target")).to_be_visible()
    a = float(page.get_by_test_id("explain-a").text_content())
    y = float(page.get_by_test_id("explain-target").text_content())
    assert float(page.get_by_test_id("explain-delta").text_content()) == pytest.approx(a - y, abs=2e-5)
    page.locator("#explain-close").click()
    shot_both_languages(page, shots / "playground-spiral3.png")


# -- editing a weight and a bias ---------------------------------------------------------------------
def test_editing_a_weight_redraws_the_surface_as_numpy_predicts(page, server, shots):
    _, app = server
    load(page, "dataset=gauss&hidden=3&features=x1,x2&optimizer=sgd&lr=0.03")
    page.get_by_test_id("step").click()
    expect(page.get_by_test_id("epoch")).to_have_text("000001")
    session = session_of(page, app)
    weights = session.net.get_weights()
    before = page_output(page).copy()
    # a click on a weight opens its editor with its value
    page.get_by_test_id("weight-2-1-1").click(force=True)
    value = page.get_by_test_id("weight-value")
    expect(value).to_be_visible()
    assert float(value.input_value()) == pytest.approx(weights[2][0, 0], rel=1e-6)
    value.fill("3.5")
    value.press("Enter")
    expect(page.get_by_test_id("explain-weight")).to_have_text("3.50000")
    weights[2][0, 0] = 3.5
    assert session.net.get_weights()[2][0, 0] == 3.5
    expected = numpy_forward(weights, ["tanh"], session.X_grid)[:, 0]
    page.wait_for_function("(v) => !!st.frame && st.frame.weights[1][0][0] === v", arg=3.5)
    after = page_output(page)
    np.testing.assert_allclose(after, expected, rtol=1e-5, atol=1e-7)
    assert np.abs(after - before).max() > 0.01
    # the explain panel's numbers are the edited network's: z of the output for sample 0
    x = session.X_train[0]
    h = np.tanh(x @ weights[0] + weights[1])
    z = float(h @ weights[2][:, 0] + weights[3][0])
    page.wait_for_function(
        "(z) => Math.abs(Number(document.querySelector('[data-testid=explain-z]').textContent) - z) < 1e-4", arg=z
    )
    page.screenshot(path=shots / "playground-edit.png")
    # a bias: its square opens the editor
    page.locator('[data-testid=bias][data-layer="1"][data-neuron="2"]').click()
    value.fill("-0.75")
    value.press("Enter")
    expect(page.get_by_test_id("explain-bias")).to_have_text("-0.750000")
    assert session.net.get_weights()[1][1] == -0.75
    page.get_by_test_id("lang").click()
    page.get_by_test_id("weight-2-1-1").click(force=True)
    expect(page.get_by_test_id("weight-value")).to_have_value("3.5")
    page.screenshot(path=shots / "playground-edit-zh.png")
    page.get_by_test_id("lang").click()  # the network is drawn again, the editor closed
    # a value out of range: the server's message in the error box, the network unchanged
    expect(page.get_by_test_id("error")).to_be_hidden()
    page.get_by_test_id("weight-2-1-1").click(force=True)
    value.fill("1e9")
    value.press("Enter")
    expect(page.get_by_test_id("error")).to_contain_text("value: expected a weight from -100 to 100")
    assert session.net.get_weights()[2][0, 0] == 3.5
    # training goes on from the edited network (and the old message goes)
    page.get_by_test_id("step").click()
    expect(page.get_by_test_id("epoch")).to_have_text("000002")
    expect(page.get_by_test_id("error")).to_be_hidden()
    assert session.net.get_weights()[2][0, 0] != 3.5


# -- bias squares --------------------------------------------------------------------------------------
def test_each_neuron_has_a_bias_square_coloured_by_its_sign(page, server):
    _, app = server
    load(page, "dataset=xor&hidden=6,4&optimizer=adam&lr=0.1")
    for _ in range(3):
        page.get_by_test_id("step").click()
    expect(page.get_by_test_id("epoch")).to_have_text("000003")
    session = session_of(page, app)
    squares = page.get_by_test_id("bias")
    expect(squares).to_have_count(6 + 4 + 1)
    biases = [layer.bias for layer in session.net._dense_layers()]
    signs = set()
    for k in range(11):
        square = squares.nth(k)
        layer, neuron = int(square.get_attribute("data-layer")), int(square.get_attribute("data-neuron"))
        b = float(biases[layer - 1][neuron - 1])
        title = square.get_attribute("title")
        assert float(title.split("=")[1]) == pytest.approx(b, rel=1e-5)
        r, _, blue = rgb_of(page, square)
        assert (blue > r + 40) if b > 0 else (r > blue + 40), (b, r, blue)
        signs.add(b > 0)
    assert signs == {True, False}  # both colours were checked
    # zero initialization (TensorFlow Playground's initZero): every bias 0, every square white
    load(page, "dataset=xor&hidden=3&initZero=true")
    assert url_settings(page)["init"] == "zero"
    session = session_of(page, app)
    assert all(not p.any() for p in session.net.get_weights())
    r, g, b = rgb_of(page, page.get_by_test_id("bias").first)
    assert min(r, g, b) > 220


# -- wide layers --------------------------------------------------------------------------------------
def test_a_50_neuron_layer_is_compact_and_every_neuron_and_weight_is_reachable(page, server, shots):
    _, app = server
    load(page, "dataset=circle&hidden=50,50&optimizer=adam&lr=0.03")
    play_until(page, 5)
    boxes = []
    for layer in (1, 2):
        for j in range(1, 51):
            node = page.get_by_test_id(f"neuron-{layer}-{j}")
            box = node.bounding_box()
            assert box["width"] >= 14 and box["height"] >= 14
            boxes.append((box["x"], box["y"], box["width"], box["height"]))
    # no two pictures overlap, and all lie inside the network's area
    area = page.get_by_test_id("network").bounding_box()
    for k, (x, y, w, h) in enumerate(boxes):
        assert area["y"] <= y and y + h <= area["y"] + area["height"] + 1
        for x2, y2, w2, h2 in boxes[k + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y
    # each neuron answers its click with its own numbers
    for layer, j in [(1, 1), (1, 37), (2, 50)] + [(2, j) for j in range(1, 51, 7)]:
        page.get_by_test_id(f"neuron-{layer}-{j}").click()
        expect(page.locator("#explain-what")).to_have_text(f"neuron {j}, layer {layer}")
    # every weight is drawn and clickable; the selected neuron's links stand out of the faint fan
    expect(page.locator("#links path")).to_have_count(2 * 50 + 50 * 50 + 50)
    page.get_by_test_id("neuron-2-30").click()
    assert "faint" not in (page.get_by_test_id("weight-2-17-30").get_attribute("class") or "")
    assert "faint" in page.get_by_test_id("weight-2-17-29").get_attribute("class")
    page.get_by_test_id("weight-2-17-30").click(force=True)
    expect(page.get_by_test_id("explain-lines")).to_contain_text("∂L/∂w_17,30^[2]")
    weight = session_of(page, app).net.get_weights()[2][16, 29]
    assert float(page.get_by_test_id("explain-weight").text_content()) == pytest.approx(weight, rel=1e-5)
    page.get_by_test_id("editor").locator("button").click()
    page.locator("#explain-close").click()
    # hover enlarges a picture, and brings out the neuron's weights
    page.get_by_test_id("neuron-2-40").hover()
    zoom = page.get_by_test_id("zoom")
    expect(zoom).to_be_visible()
    assert zoom.bounding_box()["width"] >= 150 and canvas_pixels(page, "zoom").std() > 10
    assert "faint" not in (page.get_by_test_id("weight-2-3-40").get_attribute("class") or "")
    page.screenshot(path=shots / "playground-wide.png")
    page.mouse.move(5, 5)
    expect(zoom).to_be_hidden()
    page.get_by_test_id("lang").click()
    page.get_by_test_id("neuron-2-12").hover()
    expect(zoom).to_be_visible()
    page.screenshot(path=shots / "playground-wide-zh.png")
    page.get_by_test_id("lang").click()


# -- per-layer activation and dropout ------------------------------------------------------------------
def test_per_layer_activation_and_dropout_change_the_sessions_network(page, server):
    _, app = server
    load(page, "dataset=moons&hidden=4,3&optimizer=adam")
    page.locator('[data-testid=layer-activation][data-layer="2"]').select_option("relu")
    wait_for_state(page, "acts", "tanh,relu")
    session = session_of(page, app)
    assert [layer.activation.name for layer in session.net._dense_layers()] == ["tanh", "relu", "sigmoid"]
    page.locator('[data-testid=dropout][data-layer="1"]').select_option("0.3")
    wait_for_state(page, "dropout", "0.3,0")
    session = session_of(page, app)
    kinds = [(type(layer).__name__, getattr(layer, "rate", None)) for layer in session.net.layers]
    assert kinds == [("Dense", None), ("Dropout", 0.3), ("Dense", None), ("Dense", None)]
    # the controls show what the server has
    expect(page.locator('[data-testid=layer-activation][data-layer="2"]')).to_have_value("relu")
    expect(page.locator('[data-testid=dropout][data-layer="1"]')).to_have_value("0.3")
    # the explain panel says that dropout is there and off in the step it writes out
    page.get_by_test_id("step").click()
    expect(page.get_by_test_id("epoch")).to_have_text("000001")
    page.get_by_test_id("neuron-1-2").click()
    expect(page.get_by_test_id("explain-dropout-note")).to_contain_text("Dropout p = 0.3 after layer 1")
    expect(page.get_by_test_id("explain-dropout-note")).to_contain_text("nothing is dropped")
    expect(page.get_by_test_id("explain-dropout")).to_have_text("0.300000")
    # the common activation menu sets every layer again
    page.get_by_test_id("activation").select_option("sigmoid")
    wait_for_state(page, "acts", "sigmoid,sigmoid")
    # the dropout is refused with a whole-batch solver, in the error box
    page.get_by_test_id("optimizer").select_option("lbfgs")
    expect(page.get_by_test_id("error")).to_contain_text("dropout: the 'lbfgs' optimizer")


# -- embedding flags, fonts, the file chooser ---------------------------------------------------------
def test_embedding_flags_hide_the_text_and_the_named_controls(page):
    load(page, "hideText=true&learningRate_hide=true&data_hide=true&explain_hide=1&xTimesY_hide=true&sinx1_hide=1")
    expect(page.locator("header .sub")).to_be_hidden()
    expect(page.locator(".hint")).to_be_hidden()
    expect(page.get_by_test_id("learning-rate")).to_be_hidden()
    expect(page.get_by_test_id("dataset")).to_be_hidden()
    expect(page.get_by_test_id("optimizer")).to_be_visible()
    # features by TensorFlow Playground's name or the page's
    expect(page.get_by_test_id("feature-x1x2")).to_be_hidden()
    expect(page.get_by_test_id("feature-sinx1")).to_be_hidden()
    expect(page.get_by_test_id("feature-x1sq")).to_be_visible()
    page.get_by_test_id("neuron-1-1").click()
    expect(page.get_by_test_id("explain")).to_be_hidden()
    # the flags stay in the link through changes
    page.get_by_test_id("optimizer").select_option("adam")
    wait_for_state(page, "optimizer", "adam")
    s = url_settings(page)
    assert s["hideText"] == "true" and s["learningRate_hide"] == "true" and s["data_hide"] == "true"
    expect(page.get_by_test_id("learning-rate")).to_be_hidden()


def test_cjk_fonts_and_a_file_chooser_in_the_pages_language(page):
    load(page, "lang=zh")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    for font in ("PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei"):
        assert font in family
    expect(page.get_by_test_id("upload-button")).to_have_text("选择 CSV 文件…")
    expect(page.locator("#upload-file")).to_have_text("未选择文件")
    # Chinese is drawn with a CJK font: the glyphs are as wide as the font size (no boxes, no gaps)
    width = page.evaluate(
        "(() => { const c = document.createElement('canvas').getContext('2d');"
        " c.font = '20px ' + getComputedStyle(document.body).fontFamily; return c.measureText('演练场').width; })()"
    )
    assert width == pytest.approx(60, abs=3)
    page.get_by_test_id("lang").click()
    expect(page.get_by_test_id("upload-button")).to_have_text("Choose a CSV file…")
    page.get_by_test_id("upload").set_input_files(
        files=[{"name": "mine.csv", "mimeType": "text/csv", "buffer": b"a,b,c\n1,2,0\n2,1,1\n3,3,0\n4,1,1\n"}]
    )
    expect(page.locator("#upload-file")).to_have_text("mine.csv")
    expect(page.get_by_test_id("upload-x")).to_be_visible()
    expect(page.get_by_test_id("error")).to_be_hidden()
