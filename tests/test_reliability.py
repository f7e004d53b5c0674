"""Nothing lost, nothing silently wrong (issue 14): one test per case found by a hostile user.

Each test reproduces the case as a user would meet it (the ``bpnn`` command run in this
process, or the Python API) and checks the promised behaviour: a refusal with one line
and status 2 that names what to change, files left byte-identical, or the number that
was asked for. docs/reliability.md lists the guarantees and points here.
"""

import ctypes
import os
import shutil
import signal
from pathlib import Path

import numpy as np
import pytest

import bpnn
from bpnn.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
REGRESSION = ROOT / "examples" / "data" / "regression.csv"
CLASSIFICATION = ROOT / "examples" / "data" / "classification.csv"


def run(capsys, *argv):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse exits on bad options
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def error_line(capsys, *argv) -> str:
    """Run a command that must fail: status 2, one stderr line 'bpnn: error: ...', no traceback."""
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert err.startswith("bpnn: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


def interrupted_line(capsys, *argv) -> str:
    """Like :func:`error_line` for a run stopped by Ctrl-C: the guard's notice of the first
    Ctrl-C may come before the one error line."""
    code, out, err = run(capsys, *argv)
    lines = err.splitlines()
    assert code == 2 and "Traceback" not in err, (out, err)
    assert lines[-1].startswith("bpnn: error: ") and all(line.startswith("bpnn: ") for line in lines), err
    return lines[-1]


@pytest.fixture(scope="module")
def period_model(tmp_path_factory):
    """A regression model of examples/data/regression.csv (trained once for the module)."""
    folder = tmp_path_factory.mktemp("period")
    path = folder / "period.bpnn"
    code = main(["train", str(REGRESSION), "--target", "period_s", "--epochs", "20", "-q", "--out", str(path)])
    assert code == 0
    return path


# -- 1. an output path equal to an input path ------------------------------------------------------
@pytest.mark.parametrize("spelling", ["same", "dotdot", "symlink"])
def test_predict_refuses_to_write_over_its_table_or_model(tmp_path, capsys, period_model, spelling):
    data = tmp_path / "data.csv"
    shutil.copy(REGRESSION, data)
    model = tmp_path / "m.bpnn"
    shutil.copy(period_model, model)
    before = {p: p.read_bytes() for p in (data, model)}
    for target in (data, model):
        if spelling == "same":
            out = str(target)
        elif spelling == "dotdot":
            out = str(tmp_path / "missing" / ".." / target.name)
        else:
            out = str(tmp_path / f"link-{target.name}")
            os.symlink(target, out)
        message = error_line(capsys, "predict", model, data, "-o", out)
        assert "--out" in message and "would destroy it" in message
    assert {p: p.read_bytes() for p in (data, model)} == before


def test_train_and_export_refuse_to_write_over_their_input(tmp_path, capsys, period_model):
    data = tmp_path / "data.csv"
    shutil.copy(REGRESSION, data)
    model = tmp_path / "m.bpnn"
    shutil.copy(period_model, model)
    before = {p: p.read_bytes() for p in (data, model)}
    assert "data file" in error_line(capsys, "train", data, "--target", "period_s", "--out", data)
    hard = tmp_path / "hard.csv"
    os.link(data, hard)  # a hard link is the same file under another name
    assert "data file" in error_line(capsys, "train", data, "--target", "period_s", "--chunksize", "50", "-o", hard)
    assert "model file" in error_line(capsys, "export", model, "-o", model)
    assert {p: p.read_bytes() for p in (data, model)} == before


# -- 2. Ctrl-C ---------------------------------------------------------------------------------------
def _interrupt_on_batch(monkeypatch, n_signals: int, at_call: int = 1):
    """Make Adam send ``n_signals`` SIGINTs to this process in its ``at_call``-th batch
    (on the NumPy path, which calls ``train_batch`` batch by batch)."""
    from bpnn.training import _fast
    from bpnn.training.optimizers import Adam

    monkeypatch.setattr(_fast, "epoch_runner", lambda *args, **kwargs: None)

    original, calls = Adam.train_batch, []

    def train_batch(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == at_call:
            for _ in range(n_signals):
                os.kill(os.getpid(), signal.SIGINT)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Adam, "train_batch", train_batch)


@pytest.mark.parametrize("chunked", [False, True])
def test_ctrl_c_in_the_first_epoch_of_train_is_one_line_and_keeps_the_old_model(tmp_path, capsys, monkeypatch, chunked):
    out = tmp_path / "model.bpnn"
    out.write_bytes(b"the old model")
    _interrupt_on_batch(monkeypatch, 1)
    extra = ["--chunksize", "100"] if chunked else []
    message = interrupted_line(
        capsys, "train", REGRESSION, "--target", "period_s", "--solver", "adam", "-o", out, *extra
    )
    assert "interrupted (Ctrl-C) before the first epoch ended; nothing was saved" in message
    assert out.read_bytes() == b"the old model"


def test_a_second_ctrl_c_stops_train_at_once_and_keeps_the_old_model(tmp_path, capsys, monkeypatch):
    out = tmp_path / "model.bpnn"
    out.write_bytes(b"the old model")
    _interrupt_on_batch(monkeypatch, 1, at_call=30)  # the first: stop after this batch, save
    code, _, err = run(capsys, "train", REGRESSION, "--target", "period_s", "--solver", "adam", "-o", out)
    assert code == 0 and "interrupted" in err and out.read_bytes() != b"the old model"
    out.write_bytes(b"the old model")
    _interrupt_on_batch(monkeypatch, 2, at_call=30)  # two: stop at once, write nothing
    message = interrupted_line(capsys, "train", REGRESSION, "--target", "period_s", "--solver", "adam", "-o", out)
    assert "interrupted" in message
    assert out.read_bytes() == b"the old model"


def test_two_ctrl_c_during_compiled_code_stop_at_once():
    """Two SIGINTs that arrive while numba-compiled code runs reach Python as one handler
    call; the guard counts the signals themselves and raises KeyboardInterrupt."""
    numba = pytest.importorskip("numba")
    from bpnn.training import _fast

    kill = ctypes.CDLL(None).kill
    kill.argtypes, kill.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int

    @numba.njit
    def press_twice(pid):  # both signals land inside compiled code, as when a user presses twice
        kill(pid, 2)
        kill(pid, 2)
        return 0

    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 2))
    y = np.sin(X[:, :1])
    net = bpnn.Network([bpnn.Dense(2, 8, "tanh"), bpnn.Dense(8, 1)], seed=0)
    original = _fast.epoch_runner

    def runner(*args, **kwargs):
        run_epoch = original(*args, **kwargs)
        assert run_epoch is not None, "the compiled path should take this case"

        def run_and_press(X, y, order):
            press_twice(os.getpid())
            return run_epoch(X, y, order)

        return run_and_press

    before = signal.getsignal(signal.SIGINT)
    try:
        _fast.epoch_runner = runner
        with pytest.raises(KeyboardInterrupt):
            net.fit(X, y, epochs=5, batch_size=8, optimizer="sgd", learning_rate=0.01, seed=0, fast=True)
    finally:
        _fast.epoch_runner = original
    assert signal.getsignal(signal.SIGINT) is before
    assert signal.set_wakeup_fd(-1) == -1  # the guard gave the wakeup fd back


def test_one_ctrl_c_during_compiled_code_stops_cleanly_within_the_epoch(monkeypatch):
    """The compiled path runs an epoch in chunks, so one Ctrl-C is seen before the epoch ends."""
    pytest.importorskip("numba")
    from bpnn.training import _fast, loop

    monkeypatch.setattr(loop, "_COMPILED_CHUNK_ROWS", 16)
    original, calls = _fast.epoch_runner, []

    def runner(*args, **kwargs):
        run_epoch = original(*args, **kwargs)

        def counted(X, y, order):
            calls.append(len(order))
            if len(calls) == 2:
                os.kill(os.getpid(), signal.SIGINT)
            return run_epoch(X, y, order)

        return counted

    monkeypatch.setattr(_fast, "epoch_runner", runner)
    rng = np.random.default_rng(0)
    X, net = rng.normal(size=(64, 2)), bpnn.Network([bpnn.Dense(2, 4, "tanh"), bpnn.Dense(4, 1)], seed=0)
    history = net.fit(X, X[:, :1], epochs=3, batch_size=8, optimizer="sgd", seed=0, fast=True)
    assert history.interrupted and len(history) == 0 and calls == [16, 16]
