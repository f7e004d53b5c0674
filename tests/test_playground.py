"""bpnn playground without a browser: settings, sessions, explain, exports, uploads, the server's routes."""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import io
import json
import logging
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import numpy as np
import pytest

import bpnn
from playground_helpers import running_server

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from bpnn.explain.render import render  # noqa: E402
from bpnn.explain.step import explain_step  # noqa: E402
from bpnn.io.csvdata import DataError  # noqa: E402
from bpnn.io.frames import read_frame  # noqa: E402
from bpnn.playground.datasets import DATASETS  # noqa: E402
from bpnn.playground.session import (  # noqa: E402
    OPTIMIZER_NAMES,
    PRESETS,
    Session,
    Settings,
    SettingsError,
    validate_settings,
)


def floats(b64: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), dtype=np.float32)


# -- settings ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw, field, words",
    [
        ({"lr": "abc"}, "lr", "learning rate"),
        ({"lr": 0}, "lr", "above 0"),
        ({"lr": 11}, "lr", "up to 10"),
        ({"noise": 55}, "noise", "0 to 50"),
        ({"points": 5}, "points", "20 to 2000"),
        ({"hidden": [4, 0]}, "hidden", "neurons per layer"),
        ({"hidden": [51]}, "hidden", "network size limit 50"),
        ({"hidden": [2] * 7}, "hidden", "at most 6 hidden layers"),
        ({"features": []}, "features", "at least one"),
        ({"features": ["x3"]}, "features", "x1, x2"),
        ({"activation": "softmax"}, "activation", "tanh, relu"),
        ({"optimizer": "newton"}, "optimizer", "adam"),
        ({"reg": "l3"}, "reg", "none, l1, l2"),
        ({"dataset": "plane"}, "problem", "regression"),
        ({"dataset": "upload"}, "dataset", "upload one first"),
        ({"optimizer": "lm", "reg": "l1", "rate": 0.1}, "reg", "L1"),
        ({"speed": 3}, "speed", "not a setting"),
        ({"seed": True}, "seed", "whole number"),
    ],
)
def test_bad_settings_are_named_with_what_was_expected(raw, field, words):
    with pytest.raises(SettingsError) as info:
        validate_settings(raw)
    assert info.value.field == field
    assert str(info.value).startswith(field + ":") and words in str(info.value)
    assert "; got " in str(info.value) or field in ("problem", "dataset", "speed")


def test_settings_round_trip_and_a_session_keeps_its_old_settings_after_a_bad_change():
    s = validate_settings({"features": "x1,x1x2", "hidden": "8,8", "lr": "0.1"})
    assert s.features == ("x1", "x1x2") and s.hidden == (8, 8) and s.lr == 0.1
    assert validate_settings(s.to_dict()) == s
    session = Session()
    with pytest.raises(SettingsError):
        session.apply({"batch": 5000})  # more than the training points
    assert session.settings == Settings() and session.net is not None


@pytest.mark.parametrize(
    "optimizer", ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw", "adagrad", "rprop", "lbfgs", "lm", "br"]
)
def test_every_bpnn_optimizer_trains_in_the_playground(optimizer):
    session = Session()
    session.apply({"optimizer": optimizer, "hidden": [4], "dataset": "gauss", "lr": 0.1})
    session.step(15)
    assert not session.diverged and session.epoch == 15
    assert session.net.optimizer is session.optimizer  # one optimizer, its state kept from epoch to epoch
    assert session.history[-1][1] < session.history[0][1]  # the training loss went down


def test_lm_is_for_small_networks_only():
    session = Session()
    with pytest.raises(SettingsError, match="Levenberg-Marquardt is for small networks"):
        session.apply({"optimizer": "lm", "hidden": [20, 20]})
    session.apply({"optimizer": "lm", "hidden": [3]})
    session.step(3)
    assert session.epoch == 3


# -- presets -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(PRESETS))
def test_each_preset_learns(name):
    preset = PRESETS[name]
    session = Session()
    session.apply(preset["settings"])
    session.step(preset["epochs"])
    assert not session.diverged, session.message
    out = session.net.predict(session.X_test)
    if out.shape[1] > 1:  # softmax: the class with the largest probability
        score = np.mean(np.argmax(out, axis=1) == session.y_test)
    elif session.settings.problem == "classification":
        out = out[:, 0]
        score = np.mean((out >= 0.5) == (session.y_test >= 0.5))
    else:  # R^2 against predicting the mean
        out = out[:, 0]
        score = 1 - np.mean((out - session.y_test) ** 2) / np.var(session.y_test)
    assert score >= preset.get("min_score", 0.9)
    # and the loss went down from where the network started
    assert session.history[-1][1] < session.history[0][1]


def test_a_preset_from_the_page_is_the_same_run_whatever_came_before():
    from bpnn.playground.session import catalog

    full = catalog()["presets"]["seed000-xor"]
    assert set(full) == set(Settings().to_dict())
    changed = Session()
    changed.apply({"noise": 30, "train": 80, "points": 100, "seed": 9})
    changed.apply(full)
    fresh = Session()
    fresh.apply(PRESETS["seed000-xor"]["settings"])
    assert changed.settings == fresh.settings
    for a, b in zip(changed.net.get_weights(), fresh.net.get_weights()):
        np.testing.assert_array_equal(a, b)


# -- what the page draws -------------------------------------------------------------------------
def test_frame_is_the_networks_output_on_the_grid_and_the_features_are_the_formulas():
    session = Session()
    session.apply({"features": ["x1", "x2", "x1sq", "x1x2", "sinx2"], "hidden": [5], "dataset": "xor"})
    session.step(2)
    frame = session.frame()
    out = floats(frame["output"])
    assert out.shape == (session.grid**2,)
    # the top-left cell is (xmin, ymax); its features by hand
    xmin, xmax, ymin, ymax = session.extent
    x = np.array([[xmin, ymax, xmin**2, xmin * ymax, np.sin(ymax)]])
    W1, b1, W2, b2 = session.net.get_weights()
    by_hand = 1 / (1 + np.exp(-(np.tanh(x @ W1 + b1) @ W2 + b2)))
    assert out[0] == pytest.approx(float(by_hand[0, 0]), rel=1e-6)
    assert len(frame["neurons"]) == 3 and len(frame["neurons"][1]) == 5
    assert frame["epoch"] == 2 and frame["weights"][0] == W1.tolist()


def test_a_diverging_run_stops_with_the_engines_message():
    session = Session()
    session.apply(
        {"dataset": "plane", "problem": "regression", "hidden": [8, 8], "activation": "relu", "lr": 10, "batch": 1}
    )
    session.step(20)
    assert session.diverged and "Training diverged" in session.message
    stopped = session.epoch
    session.step(5)
    assert session.epoch == stopped  # nothing more until a reset
    frame = session.frame()
    assert frame["message"] == session.message and np.isfinite(floats(frame["output"])).all()
    session.reset()
    assert not session.diverged and session.epoch == 0


def test_l1_and_l2_reach_the_network():
    session = Session()
    session.apply({"reg": "l1", "rate": 0.3})
    assert session.net.l1 == 0.3 and session.net.alpha == 0.0
    session.apply({"reg": "l2"})
    assert session.net.alpha == 0.3 and session.net.l1 == 0.0


# -- explain ----------------------------------------------------------------------------------------
def test_explain_a_neuron_gives_the_numbers_of_bpnn_explain_and_of_a_hand_calculation():
    session = Session()
    session.apply({"hidden": [3], "dataset": "gauss"})
    session.step(2)
    got = session.explain(2, 1, sample=4)  # the output neuron
    x, y = session.X_train[4], session.y_train[4]
    W1, b1, W2, b2 = session.net.get_weights()
    h = np.tanh(x @ W1 + b1)
    z = float(h @ W2[:, 0] + b2[0])
    a = 1 / (1 + np.exp(-z))
    assert got["values"]["z"] == pytest.approx(z, rel=1e-12)
    assert got["values"]["a"] == pytest.approx(a, rel=1e-12)
    # sigmoid + binary cross-entropy: delta = a - y for one sample
    assert got["values"]["delta"] == pytest.approx(a - y, rel=1e-10)
    assert got["values"]["gradient"] == pytest.approx(a - y, rel=1e-10)
    assert got["values"]["update"] == pytest.approx(-session.settings.lr * (a - y), rel=1e-10)
    # the lines are those of bpnn explain's text for the same step
    text = render(explain_step(session.net, x[None, :], np.array([[y]]), session.settings.lr))
    assert got["trace"] == text
    assert got["lines"] and all(line in text.splitlines() for line in got["lines"])
    assert any(line.strip().startswith("δ_1^[2] =") for line in got["lines"])
    # the learning rule in force, as the optimizer's documentation states it, with its settings
    assert got["rule"].startswith("Stochastic gradient descent") and "w <- w - lr * g" in got["rule"]
    assert got["rule"].endswith("SGD(learning_rate=0.03, momentum=0.0, nesterov=False)")


def test_explain_a_weight():
    session = Session()
    session.apply({"hidden": [3], "dataset": "gauss"})
    got = session.explain(2, 1, source=2, sample=0)
    x, y = session.X_train[0], session.y_train[0]
    W1, b1, W2, b2 = session.net.get_weights()
    h = np.tanh(x @ W1 + b1)
    a = 1 / (1 + np.exp(-(h @ W2[:, 0] + b2[0])))
    assert got["values"]["input"] == pytest.approx(h[1], rel=1e-12)
    assert got["values"]["weight"] == W2[1, 0]
    assert got["values"]["gradient"] == pytest.approx(h[1] * (a - y), rel=1e-10)
    assert any("∂L/∂w_21^[2]" in line for line in got["lines"])
    with pytest.raises(SettingsError, match="neuron: expected a whole number from 1 to 1"):
        session.explain(2, 2)
    with pytest.raises(SettingsError, match="layer"):
        session.explain(5, 1)


# -- exports ------------------------------------------------------------------------------------------
def test_the_script_reproduces_the_run_weight_for_weight(tmp_path):
    session = Session()
    session.apply({"optimizer": "adam", "hidden": [4, 3], "features": ["x1", "x2", "x1x2"], "reg": "l1", "rate": 0.01})
    session.step(12)
    path = tmp_path / "run.py"
    path.write_text(session.export_script(), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(path), str(tmp_path / "again.bpnn")], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert "epoch 12" in out.stdout
    again = bpnn.load(tmp_path / "again.bpnn")
    for a, b in zip(again.get_weights(), session.net.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_the_numpy_predict_and_the_model_file(tmp_path):
    session = Session()
    session.apply({"features": ["x1", "x2", "x2sq", "sinx1"], "hidden": [4]})
    session.step(3)
    path = tmp_path / "predict_model.py"
    path.write_text(session.export_predict(), encoding="utf-8")
    spec = importlib.util.spec_from_file_location("predict_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    P = np.random.default_rng(0).uniform(-6, 6, size=(50, 2))
    X = np.column_stack([P[:, 0], P[:, 1], P[:, 1] ** 2, np.sin(P[:, 0])])  # the features by hand
    np.testing.assert_allclose(module.predict_points(P), session.net.predict(X), rtol=1e-12)
    (tmp_path / "m.bpnn").write_bytes(session.export_model())
    np.testing.assert_array_equal(bpnn.load(tmp_path / "m.bpnn").predict(X), session.net.predict(X))


# -- uploads ------------------------------------------------------------------------------------------
def test_upload_uses_bpnn_trains_checks_and_messages(tmp_path):
    bad = b"a,b,c\n1,2,3\n4,x,6\n"
    (tmp_path / "data.csv").write_bytes(bad)
    with pytest.raises(DataError) as expected:
        read_frame(tmp_path / "data.csv")
    session = Session()
    with pytest.raises(SettingsError) as got:
        session.load_csv("data.csv", bad)
    # the same message as bpnn train's reader, with the file named as the user named it
    assert str(got.value) == str(expected.value).replace(str(tmp_path / "data.csv"), "data.csv")
    assert "line 3" in str(got.value) and "'x'" in str(got.value)
    with pytest.raises(SettingsError, match="two features and a target"):
        session.load_csv("two.csv", b"a,b\n1,2\n3,4\n")
    with pytest.raises(SettingsError, match="limit is 2,000,000 bytes"):
        session.load_csv("big.csv", b"a,b,c\n" + b"1,2,3\n" * 400_000)


def test_an_uploaded_file_trains_and_a_fifth_class_is_refused():
    rng = np.random.default_rng(1)
    P = rng.normal(size=(200, 2)) * [100.0, 0.01]
    label = (P[:, 0] / 100 + P[:, 1] / 0.01 > 0).astype(int)
    text = "width,height,kind\n" + "".join(f"{a},{b},{c}\n" for (a, b), c in zip(P, label))
    session = Session()
    info = session.load_csv("mine.csv", text.encode())
    assert info == {"name": "mine.csv", "columns": ["width", "height", "kind"], "rows": 200, "notes": []}
    session.apply({"dataset": "upload", "ux": "width", "uy": "height", "ut": "kind", "optimizer": "adam"})
    assert np.abs(session.P_train).max() <= 1.0  # scaled to [-1, 1]
    session.step(40)
    out = session.net.predict(session.X_test)[:, 0]
    assert np.mean((out >= 0.5) == (session.y_test >= 0.5)) > 0.9
    # (p is not 0, 1, 2, ...: a column counting the rows is an identifier, dropped)
    session.load_csv("five.csv", b"p,q,r\n" + b"".join(f"{i * 3 % 11},{i % 7},{i % 5}\n".encode() for i in range(30)))
    with pytest.raises(SettingsError, match="2 to 4 values"):
        session.apply({"dataset": "upload", "ux": "p", "uy": "q", "ut": "r"})
    session.apply({"dataset": "upload", "ux": "p", "uy": "q", "ut": "r", "problem": "regression"})


def test_an_upload_drops_an_id_and_a_constant_column_with_the_schemas_reasons_and_trains():
    import pandas as pd

    rng = np.random.default_rng(2)
    P = rng.uniform(-1, 1, size=(120, 2))
    text = "row,a,site,b,y\n" + "".join(f"{i + 1},{a},7,{b},{int(a > b)}\n" for i, (a, b) in enumerate(P))
    frame = pd.read_csv(io.StringIO(text))
    # as pandas reads it: 'row' counts the rows from 1, 'site' holds one value
    assert (frame["row"] == np.arange(1, 121)).all() and frame["site"].nunique() == 1
    session = Session()
    info = session.load_csv("ids.csv", text.encode())
    assert info["columns"] == ["a", "b", "y"] and info["rows"] == 120
    assert info["notes"] == [
        "identifier row: whole numbers counting the rows (1, 2, ...), dropped",
        "constant site: every cell holds 7, dropped",
    ]
    assert session.state()["upload"]["notes"] == info["notes"]
    session.apply({"dataset": "upload", "ux": "a", "uy": "b", "ut": "y", "optimizer": "adam", "lr": 0.03})
    session.step(60)
    out = session.net.predict(session.X_test)[:, 0]
    truth = (frame["a"] > frame["b"]).to_numpy()
    assert np.mean((out >= 0.5) == (session.y_test >= 0.5)) > 0.85 and session.y_test.sum() > 0
    assert sorted(np.unique(session.y_train)) == sorted(np.unique(truth.astype(float)))
    with pytest.raises(SettingsError, match="the playground needs two features and a target"):
        session.load_csv("few.csv", "\n".join(["n,k,a,b"] + [f"{i},1,{i % 3},{i % 2}" for i in range(30)]).encode())


@pytest.mark.parametrize(
    "column, cells, role",
    [("day", [f"2024-01-{d % 28 + 1:02d}" for d in range(40)], "date"), ("color", ["red", "blue"] * 20, "category")],
)
def test_an_upload_refuses_a_date_or_text_column_with_the_schemas_reason(column, cells, role):
    text = f"a,b,y,{column}\n" + "".join(f"{i},{i % 5},{i % 2},{c}\n" for i, c in enumerate(cells))
    session = Session()
    with pytest.raises(SettingsError) as got:
        session.load_csv("t.csv", text.encode())
    message = str(got.value)
    assert message.count("\n") == 0 and f"column {column!r} is a {role} column" in message
    assert session.upload is None


# -- the server ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def server():
    with running_server() as (port, app):
        yield f"127.0.0.1:{port}", app


def _receive(ws, kind, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = json.loads(ws.recv(timeout=timeout))
        if msg["type"] == kind:
            return msg
    raise AssertionError(f"no {kind!r} message")


def test_healthz_page_and_unknown_export(server):
    address, _ = server
    with urllib.request.urlopen(f"http://{address}/healthz") as r:
        assert r.status == 200 and r.read() == b"ok"
    with urllib.request.urlopen(f"http://{address}/") as r:
        page = r.read().decode()
    hooks = "play step reset epoch train-loss test-loss dataset learning-rate activation add-layer remove-layer"
    for hook in (hooks + " regularization upload export explain boundary").split():
        assert f'data-testid="{hook}"' in page  # the stable hooks
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"http://{address}/export/model?session=nope")
    assert info.value.code == 404
    info.value.close()


def test_a_websocket_session_steps_reports_errors_and_is_freed_on_close(server):
    from websockets.sync.client import connect

    address, app = server
    with connect(f"ws://{address}/ws") as ws:
        hello = _receive(ws, "hello")
        assert hello["session"] in app.state.tabs and "circle" in hello["catalog"]["datasets"]
        ws.send(json.dumps({"type": "settings", "settings": {"lr": "fast"}}))
        error = _receive(ws, "error")
        assert error["field"] == "lr" and "'fast'" in error["message"]
        ws.send("not json")
        assert _receive(ws, "error")["message"] == "message: not JSON"
        ws.send(json.dumps({"type": "explain", "layer": 9, "neuron": 1}))
        assert "layer" in _receive(ws, "error")["message"]
        ws.send(json.dumps({"type": "step"}))
        assert _receive(ws, "frame")["epoch"] == 1
        ws.send(json.dumps({"type": "play"}))
        epochs = [_receive(ws, "frame")["epoch"]]
        for _ in range(3):
            ws.send(json.dumps({"type": "drawn"}))
            epochs.append(_receive(ws, "frame")["epoch"])
        assert epochs == sorted(epochs) and epochs[-1] > 1
        ws.send(json.dumps({"type": "pause"}))
        _receive(ws, "playing")
        # the export of this session, by HTTP
        with urllib.request.urlopen(f"http://{address}/export/script?session={hello['session']}") as r:
            assert b"bpnn.Network" in r.read()
    deadline = time.time() + 10
    while app.state.tabs and time.time() < deadline:
        time.sleep(0.05)
    assert app.state.tabs == {}


def test_the_cli_says_which_extra_is_missing(monkeypatch, capsys):
    from bpnn.cli.main import main

    monkeypatch.setitem(sys.modules, "bpnn.playground.server", None)  # as if starlette were not installed
    assert main(["playground", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pip install -e '.[playground]'" in err
    with pytest.raises(SystemExit) as info:
        main(["playground", "--port", "0"])
    assert info.value.code == 2


def test_the_cli_says_when_the_port_is_taken(capsys):
    from bpnn.cli.main import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["playground", "--no-browser", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"cannot listen on 127.0.0.1:{port}" in err and "--port" in err


# -- who may use it: Host, Origin, token -----------------------------------------------------------------
def _status(address, path, method="GET", headers=None, body=None):
    """The HTTP status and JSON body of one request, made with the standard library."""
    import http.client

    host, port = address.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=20)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
    finally:
        conn.close()
    return response.status, (
        json.loads(data) if response.getheader("content-type", "").startswith("application/json") else data
    )


UPGRADE = {
    "Connection": "Upgrade",
    "Upgrade": "websocket",
    "Sec-WebSocket-Version": "13",
    "Sec-WebSocket-Key": base64.b64encode(b"0123456789abcdef").decode(),
}


def _multipart(name: str, content: bytes) -> tuple[bytes, dict]:
    boundary = "bpnnboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def test_another_origin_gets_403_before_a_session_is_made(server):
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    address, app = server
    before = len(app.state.tabs)
    with pytest.raises(InvalidStatus) as info:
        connect(f"ws://{address}/ws", origin="http://evil.example")
    assert info.value.response.status_code == 403 and len(app.state.tabs) == before
    status, body = _status(address, "/ws", headers=UPGRADE | {"Origin": "http://127.0.0.1:1"})
    assert status == 403 and body["type"] == "error" and body["field"] == "origin"
    # the page's own origin is let in; so is a client that sends none (not a browser: no page drives it)
    with connect(f"ws://{address}/ws", origin=f"http://{address}") as ws:
        key = _receive(ws, "hello")["session"]
        csv, headers = _multipart("ok.csv", b"a,b,c\n1,2,0\n2,1,1\n3,3,0\n4,1,1\n")
        status, body = _status(
            address, f"/upload?session={key}", "POST", headers | {"Origin": "http://evil.example"}, csv
        )
        assert status == 403 and body["field"] == "origin" and "evil.example" in body["message"]
        assert app.state.tabs[key].session.upload is None  # refused before it was read
        status, body = _status(
            address, f"/upload?session={key}", "POST", headers | {"Origin": f"http://{address}"}, csv
        )
        assert status == 200 and body["rows"] == 4


def test_a_wrong_host_is_refused_so_dns_rebinding_gets_nothing(server):
    address, app = server
    port = address.split(":")[1]
    for path, extra in (("/", {}), ("/ws", UPGRADE), ("/healthz", {})):
        status, body = _status(address, path, headers={"Host": f"evil.example:{port}"} | extra)
        assert status == 403 and body["field"] == "host" and "evil.example" in body["message"], path
    for name in ("localhost", "127.0.0.1", "[::1]"):
        assert _status(address, "/healthz", headers={"Host": f"{name}:{port}"})[0] == 200


def test_listening_everywhere_accepts_any_host_name_but_the_token_guards_it():
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    with running_server(token="s3cret", host="0.0.0.0") as (port, app):
        address, named = f"127.0.0.1:{port}", {"Host": f"box.lan:{port}"}
        assert _status(address, "/healthz", headers=named)[0] == 200  # any name: the machine's, a LAN address...
        status, body = _status(address, "/", headers=named)
        assert status == 403 and body["field"] == "token" and "?token=" in body["message"]
        assert _status(address, "/?token=wrong", headers=named)[0] == 403
        assert _status(address, "/?token=s3cret", headers=named)[0] == 200
        assert _status(address, "/", headers=named | {"Authorization": "token s3cret"})[0] == 200
        assert _status(address, "/static/app.js", headers=named)[0] == 200  # nothing private in it
        with pytest.raises(InvalidStatus) as info:
            connect(f"ws://{address}/ws")
        assert info.value.response.status_code == 403 and app.state.tabs == {}
        with connect(f"ws://{address}/ws?token=s3cret") as ws:
            key = _receive(ws, "hello")["session"]
            assert _status(address, f"/export/script?session={key}")[0] == 403
            assert _status(address, f"/export/script?session={key}&token=s3cret")[0] == 200


def test_the_printed_link_carries_the_token_and_works_without_it_nothing():
    from benchmarks.playground_fps import ServerProcess

    with ServerProcess(options=("--token",)) as server:
        assert server.link.startswith(f"http://127.0.0.1:{server.port}/?token=")
        assert len(server.link.split("token=")[1]) >= 32
        with urllib.request.urlopen(server.link) as r:
            assert r.status == 200 and b'data-testid="play"' in r.read()
        status, body = _status(f"127.0.0.1:{server.port}", "/")
        assert status == 403 and "?token=" in body["message"]


# -- turns at the CPU ------------------------------------------------------------------------------------
def test_turns_go_one_at_a_time_to_the_least_served_session_and_a_cancelled_wait_never_runs():
    import asyncio
    import threading

    from bpnn.playground.turns import Turns

    # Each piece of work "takes" a stated number of seconds on a clock of the test's own, so the
    # order depends on the rule alone, not on how busy the machine is; a gate holds the piece under way.
    clock = [0.0]
    runs, active, overlaps = [], [0], []

    def work(name, seconds, gate=None):
        active[0] += 1
        overlaps.append(active[0] > 1)
        if gate is not None:
            assert gate.wait(30)
        clock[0] += seconds
        runs.append(name)
        active[0] -= 1
        return name

    async def scenario():
        # the heavy tabs have used 0.3 s each; a new tab starts a slice (0.1 s) below the most served
        turns = Turns(workers=1, slice=0.1, clock=lambda: clock[0])
        await turns.run("heavy1", work, "h1", 0.3)
        await turns.run("heavy2", work, "h2", 0.3)
        gate = threading.Event()
        blocker = asyncio.create_task(turns.run("heavy1", work, "h1-again", 0.3, gate))
        while turns._running == 0:  # it runs; everything below waits
            await asyncio.sleep(0.005)
        queued = [asyncio.create_task(turns.run(o, work, o, 0.01)) for o in ("heavy2", "heavy1", "light")]
        dropped = asyncio.create_task(turns.run("gone", work, "gone", 0.01))
        while not turns.waiting("gone"):
            await asyncio.sleep(0.005)
        assert not turns.waiting("nobody")
        dropped.cancel()
        gate.set()
        results = await asyncio.gather(blocker, *queued)
        with pytest.raises(asyncio.CancelledError):
            await dropped
        turns.close()
        return results

    assert asyncio.run(scenario()) == ["h1-again", "heavy2", "heavy1", "light"]
    # the light session, new and least served, goes right after the piece under way
    assert runs == ["h1", "h2", "h1-again", "light", "heavy2", "heavy1"]
    assert not any(overlaps)  # never two at once


# -- every bad input a message ------------------------------------------------------------------------------
def test_every_bad_message_is_answered_with_a_message_and_nothing_reaches_the_log(server, caplog):
    import warnings

    from websockets.sync.client import connect

    address, _ = server
    settings = '{"type": "settings", "settings": {"seed": SEED}}'
    cases = [
        (
            settings.replace("SEED", "1" + "0" * 400),
            "seed",
            "seed: expected a whole number from 0 to 2.14748e+09; got a number of 401 digits",
        ),
        (settings.replace("SEED", "1e400"), "seed", "got inf"),
        (settings.replace("SEED", "-1"), "seed", "got -1"),
        (settings.replace("SEED", "7" * 5000), "message", "message: not JSON"),  # beyond Python's int reading
        ("[" * 40_000 + "]" * 40_000, "message", "message: nested at most 8 levels deep"),
        ('{"type": "settings", "settings": {"lr": "' + "9" * 50_000 + '"}}', "lr", "..."),
        (
            '{"type": "explain", "layer": 1, "neuron": 1, "sample": ' + "9" * 400 + "}",
            "sample",
            "got a number of 400 digits",
        ),
        ('{"type": "' + "x" * 300 + '"}', "type", "unknown message"),
        ("x" * 150_000, None, None),  # longer than the WebSocket's limit: the connection closes, the server goes on
    ]
    caplog.set_level(logging.INFO)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for text, field, words in cases:
            with connect(f"ws://{address}/ws", max_size=2**24) as ws:
                _receive(ws, "hello")
                ws.send(text)
                if field is None:
                    with pytest.raises(Exception):  # noqa: B017 (closed with 1009, message too big)
                        _receive(ws, "error", timeout=5)
                    continue
                error = _receive(ws, "error")
                assert set(error) == {"type", "field", "message"}
                assert error["field"] == field and words in error["message"], (text[:80], error)
                assert len(error["message"]) < 400
                ws.send(b"\x00\x01")  # binary data
                assert _receive(ws, "error")["message"] == "message: expected JSON text; got binary data"
                ws.send('{"type": "step"}')  # and the tab still works
                assert _receive(ws, "frame")["epoch"] == 1
        # a run that diverges: the page's divergence message, no numerical warning
        with connect(f"ws://{address}/ws", max_size=2**24) as ws:
            _receive(ws, "hello")
            change = {"dataset": "xor4", "hidden": [8, 8], "activation": "identity", "lr": 10, "batch": 1}
            ws.send(json.dumps({"type": "settings", "settings": change}))
            _receive(ws, "frame")
            ws.send(json.dumps({"type": "play"}))
            while True:
                frame = _receive(ws, "frame")
                if frame["message"]:
                    break
                ws.send(json.dumps({"type": "drawn"}))
            assert frame["message"].startswith("Training diverged") and "learning_rate" in frame["message"]
            assert _receive(ws, "playing")["playing"] is False
            assert np.isfinite(floats(frame["output"])).all()
    assert [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)] == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info] == []


@pytest.mark.parametrize(
    "name, shown",
    [
        ("..", "upload.csv"),
        (".", "upload.csv"),
        ("", "upload.csv"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\data.csv", "data.csv"),
        ("tab\there\x00.csv", "tabhere.csv"),
        ("n" * 300 + ".csv", "n" * 93 + "....csv"),
    ],
)
def test_upload_names_are_made_safe_and_never_an_internal_error(server, name, shown):
    from websockets.sync.client import connect

    address, app = server
    with connect(f"ws://{address}/ws") as ws:
        key = _receive(ws, "hello")["session"]
        body, headers = _multipart(name.replace('"', ""), b"a,b,c\n1,2,0\n2,1,1\n3,3,0\n4,1,1\n")
        status, info = _status(address, f"/upload?session={key}", "POST", headers, body)
        assert status == 200 and info["name"] == shown and len(info["name"]) <= 100
        bad, headers = _multipart(name, b"a,b,c\n1,x,0\n2,3,1\n")  # 'x' in a column of numbers
        status, info = _status(address, f"/upload?session={key}", "POST", headers, bad)
        assert status == 400 and set(info) == {"type", "field", "message"}
        assert info["message"].startswith(shown + ", line 2") and "/tmp" not in info["message"]


def test_a_name_too_long_for_the_form_reader_is_a_message_too(server):
    from websockets.sync.client import connect

    address, _ = server
    with connect(f"ws://{address}/ws") as ws:
        key = _receive(ws, "hello")["session"]
        body, headers = _multipart("n" * 5000 + ".csv", b"a,b,c\n1,2,0\n2,1,1\n3,3,0\n4,1,1\n")
        status, info = _status(address, f"/upload?session={key}", "POST", headers, body)
    assert (
        status == 400 and info["type"] == "error" and info["message"].startswith("upload: the form could not be read")
    )


# -- every dataset of the menu trains with every optimizer -------------------------------------------------
@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_every_dataset_of_the_menu_trains_with_every_optimizer(server, dataset):
    """As a page does it: a fresh tab, the dataset chosen from the menu (which sends its problem type
    too), then each optimizer from its menu, and five steps; no error, and the training loss goes down.
    The seed's four XOR points keep the batch size of 10 set for the others, with a note."""
    from websockets.sync.client import connect

    address, _ = server
    kind = DATASETS[dataset].kind
    with connect(f"ws://{address}/ws", max_size=2**24) as ws:
        _receive(ws, "hello")
        for optimizer in OPTIMIZER_NAMES:
            for change in ({"dataset": dataset, "problem": kind}, {"optimizer": optimizer}):
                ws.send(json.dumps({"type": "settings", "settings": change}))
                state = _receive(ws, "state")
                first = _receive(ws, "frame")
            assert (state["settings"]["dataset"], state["settings"]["optimizer"]) == (dataset, optimizer)
            for epoch in range(1, 6):
                ws.send('{"type": "step"}')
                msg = json.loads(ws.recv(timeout=30))
                assert msg["type"] == "frame", (optimizer, msg)
                assert msg["epoch"] == epoch and "diverged" not in msg["message"], (optimizer, msg["message"])
            assert msg["train_loss"] < first["train_loss"], optimizer
            full_batch = optimizer in ("rprop", "lbfgs", "lm", "br")
            if dataset == "xor4" and not full_batch:
                assert msg["message"] == "batch: 10 is more than the 4 training points; each batch is all 4 of them"
            else:
                assert msg["message"] == ""


def test_one_computer_may_open_twenty_tabs_and_the_next_is_told_why():
    from websockets.sync.client import connect

    from bpnn.playground.server import MAX_SESSIONS_PER_CLIENT

    with running_server() as (port, app), contextlib.ExitStack() as stack:
        for _ in range(MAX_SESSIONS_PER_CLIENT):
            _receive(stack.enter_context(connect(f"ws://127.0.0.1:{port}/ws")), "hello")
        assert len(app.state.tabs) == MAX_SESSIONS_PER_CLIENT == 20
        with connect(f"ws://127.0.0.1:{port}/ws") as extra:
            error = json.loads(extra.recv(timeout=20))
            assert error == {
                "type": "error",
                "field": "session",
                "message": "session: too many open tabs (20 per computer); close one and reload",
            }
        assert len(app.state.tabs) == MAX_SESSIONS_PER_CLIENT


def test_listening_beyond_this_computer_prints_a_link_with_a_token_and_the_warning(monkeypatch, capsys):
    import uvicorn

    from bpnn.cli.main import main
    from playground_helpers import free_port

    served = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: served.append(self.config))
    port = free_port()
    assert main(["playground", "--no-browser", "--host", "0.0.0.0", "--port", str(port)]) == 0
    assert main(["playground", "--no-browser", "--port", str(port)]) == 0
    first, warning, plain = capsys.readouterr().out.splitlines()
    assert first.startswith(f"bpnn playground: http://127.0.0.1:{port}/?token=")
    assert "listening on 0.0.0.0" in warning and "has the link (its token)" in warning
    assert plain == f"bpnn playground: http://127.0.0.1:{port}/  (Ctrl-C to stop)"  # on loopback: no token
    token = first.split("token=")[1].split()[0]
    assert served[0].app.token == token and served[0].app.hosts is None and served[1].app.token is None
    assert served[0].ws_max_size == 100_000
