"""bpnn playground without a browser: settings, sessions, explain, exports, uploads, the server's routes."""

from __future__ import annotations

import base64
import importlib.util
import json
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
from bpnn.io.csvdata import DataError, read_csv  # noqa: E402
from bpnn.playground.session import (  # noqa: E402
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
    out = session.net.predict(session.X_test)[:, 0]
    if session.settings.problem == "classification":
        score = np.mean((out >= 0.5) == (session.y_test >= 0.5))
    else:  # R^2 against predicting the mean
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
        read_csv(tmp_path / "data.csv")
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


def test_an_uploaded_file_trains_and_a_third_class_is_refused():
    rng = np.random.default_rng(1)
    P = rng.normal(size=(200, 2)) * [100.0, 0.01]
    label = (P[:, 0] / 100 + P[:, 1] / 0.01 > 0).astype(int)
    text = "width,height,kind\n" + "".join(f"{a},{b},{c}\n" for (a, b), c in zip(P, label))
    session = Session()
    info = session.load_csv("mine.csv", text.encode())
    assert info == {"name": "mine.csv", "columns": ["width", "height", "kind"], "rows": 200}
    session.apply({"dataset": "upload", "ux": "width", "uy": "height", "ut": "kind", "optimizer": "adam"})
    assert np.abs(session.P_train).max() <= 1.0  # scaled to [-1, 1]
    session.step(40)
    out = session.net.predict(session.X_test)[:, 0]
    assert np.mean((out >= 0.5) == (session.y_test >= 0.5)) > 0.9
    session.load_csv("three.csv", b"p,q,r\n" + b"".join(f"{i},{i % 7},{i % 3}\n".encode() for i in range(30)))
    with pytest.raises(SettingsError, match="exactly two values"):
        session.apply({"dataset": "upload", "ux": "p", "uy": "q", "ut": "r"})
    session.apply({"dataset": "upload", "ux": "p", "uy": "q", "ut": "r", "problem": "regression"})


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
