"""Nothing lost, nothing silently wrong (issue 14): one test per case found by a hostile user.

Each test reproduces the case as a user would meet it (the ``bpnn`` command run in this
process, or the Python API) and checks the promised behaviour: a refusal with one line
and status 2 that names what to change, files left byte-identical, or the number that
was asked for. docs/reliability.md lists the guarantees and points here.
"""

import ctypes
import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import bpnn
from bpnn.cli.main import main
from bpnn.io import read_csv
from bpnn.io.container import ModelFileError
from bpnn.tables.workflow import train_table
from bpnn.training.loop import DivergenceError
from cli_helpers import error_line, run

ROOT = Path(__file__).resolve().parents[1]
REGRESSION = ROOT / "examples" / "data" / "regression.csv"
CLASSIFICATION = ROOT / "examples" / "data" / "classification.csv"


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


# -- 3. memory -------------------------------------------------------------------------------------------
def _rewrite(path, out, *, metadata=None, arrays=None, drop=(), compress=()):
    """Copy the model file ``path`` to ``out`` with its metadata and arrays edited, as a
    hostile user with a zip tool would (``compress``: members to store deflated)."""
    from bpnn.io.container import RESERVED_KEYS, load_container, save_container

    loaded, meta = load_container(path)
    kind = meta["kind"]
    meta = {k: v for k, v in meta.items() if k not in RESERVED_KEYS}
    meta.update(metadata or {})
    loaded.update(arrays or {})
    for name in drop:
        loaded.pop(name)
    save_container(out, loaded, meta, kind=kind)
    if compress:
        tmp = Path(str(out) + ".z")
        with zipfile.ZipFile(out) as src, zipfile.ZipFile(tmp, "w") as dst:
            for info in src.infolist():
                data = src.read(info)
                method = zipfile.ZIP_DEFLATED if info.filename in compress else zipfile.ZIP_STORED
                dst.writestr(zipfile.ZipInfo(info.filename, info.date_time), data, compress_type=method)
        os.replace(tmp, out)


def test_a_model_file_whose_metadata_inflates_to_gigabytes_is_refused_before_reading(tmp_path, capsys):
    net = bpnn.Network([bpnn.Dense(2, 2)], seed=0)
    net.save(tmp_path / "small.bpnn")
    bomb = tmp_path / "bomb.bpnn"
    with zipfile.ZipFile(tmp_path / "small.bpnn") as src, zipfile.ZipFile(bomb, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "__bpnn_metadata__.npy":
                data += b" " * (65 * 2**20)  # JSON allows trailing blanks; deflate shrinks them 1000-fold
                dst.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
            else:
                dst.writestr(info, data)
    assert bomb.stat().st_size < 2**20
    with pytest.raises(ModelFileError, match=r"metadata declares 68,157,\d+ bytes, more than the 67,108,864"):
        bpnn.load(bomb)
    assert "metadata declares" in error_line(capsys, "info", bomb)


def test_compressed_arrays_are_capped_and_arrays_stream_with_their_checksum(tmp_path, monkeypatch):
    from bpnn.io import container

    net = bpnn.Network([bpnn.Dense(50, 40)], seed=0)
    net.save(tmp_path / "m.bpnn")
    _rewrite(tmp_path / "m.bpnn", tmp_path / "z.bpnn", compress={"layer0.weights.npy"})
    # deflated members still load (another zip tool may have rewritten the file) ...
    np.testing.assert_array_equal(bpnn.load(tmp_path / "z.bpnn").layers[0].weights, net.layers[0].weights)
    # ... up to the cap on what they inflate to
    monkeypatch.setattr(container, "MAX_INFLATED_BYTES", 50 * 40 * 8 - 1)
    with pytest.raises(ModelFileError, match="would inflate to 16,128 bytes"):
        bpnn.load(tmp_path / "z.bpnn")
    # a flipped byte in the data is caught by the CRC-32 at the end of the streamed read
    raw = bytearray((tmp_path / "m.bpnn").read_bytes())
    at = raw.index(net.layers[0].weights.tobytes()[:16]) + 100
    raw[at] ^= 0xFF
    (tmp_path / "flipped.bpnn").write_bytes(bytes(raw))
    with pytest.raises(ModelFileError, match="CRC-32"):
        bpnn.load(tmp_path / "flipped.bpnn")


def test_lm_refuses_a_jacobian_that_cannot_fit_with_the_memory_it_needs(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BPNN_MAX_MEMORY", str(8 * 2**30))
    message = error_line(
        capsys, "train", REGRESSION, "--target", "period_s", "--hidden", "20000", "--solver", "lm", "-o", tmp_path / "m"
    )
    # 4-20000-1: 120,001 parameters; three 120,001 x 120,001 float64 matrices are 322 GiB, by hand
    p = 4 * 20000 + 20000 + 20000 + 1
    assert p == 120_001 and "120,001 parameters" in message
    assert f"{3 * p * p * 8 / 2**30:.3g} GiB" == "322 GiB" and "needs 322 GiB" in message
    assert "8 GiB available" in message and "--solver adam" in message
    assert not (tmp_path / "m").exists()
    net = bpnn.Network([bpnn.Dense(4, 20000, "tanh"), bpnn.Dense(20000, 1)], seed=0)
    X = np.zeros((10, 4))
    from bpnn.core.checks import InsufficientMemoryError

    with pytest.raises(InsufficientMemoryError, match="LevenbergMarquardt"):
        net.fit(X, X[:, :1], optimizer="lm", epochs=1)


def test_a_very_wide_table_is_refused_up_front(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BPNN_MAX_MEMORY", str(2**31))
    rng = np.random.default_rng(0)
    wide = tmp_path / "wide.csv"
    values = rng.normal(size=(40, 5001))
    wide.write_text(
        ",".join(f"c{j}" for j in range(5000)) + ",y\n" + "\n".join(",".join(map(repr, r)) for r in values.tolist())
    )
    # lm's refusal (the default, adam, trains it and warns that the columns outnumber the rows)
    message = error_line(capsys, "train", wide, "--target", "y", "--solver", "lm", "-o", tmp_path / "m.bpnn")
    assert "50,021 parameters" in message and "GiB of memory" in message


def test_dev_zero_as_a_csv_ends_with_one_line(capsys, monkeypatch):
    from bpnn.io import csvdata

    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    monkeypatch.setattr(csvdata, "MAX_LINE_CHARS", 2**16)  # the same rule, reached sooner
    message = error_line(capsys, "train", "/dev/zero", "--target", "y")
    assert "/dev/zero, line 1: longer than 65,536 characters without a line break" in message


# -- 4. thousands of classes -------------------------------------------------------------------------
@pytest.mark.parametrize("chunked", [False, True])
def test_classification_with_more_classes_than_the_data_support_is_refused(tmp_path, capsys, chunked):
    rng = np.random.default_rng(0)
    table = tmp_path / "many.csv"
    rows = [f"{x!r},{k}" for x, k in zip(rng.normal(size=3000).tolist(), rng.permutation(3000).tolist())]
    table.write_text("x,k\n" + "\n".join(rows) + "\n")
    extra = ["--chunksize", "500"] if chunked else []
    message = error_line(capsys, "train", table, "--target", "k", "--task", "classification", *extra)
    assert "more than 1,000 distinct values in 3,000 rows" in message and "--task regression" in message


def test_confusion_matrices_are_arrays_not_metadata(tmp_path, capsys):
    from bpnn.io.container import load_container
    from bpnn.tables.workflow import split_metrics

    out = tmp_path / "c.bpnn"
    code, _, _ = run(capsys, "train", CLASSIFICATION, "--target", "material", "--epochs", "5", "-o", out)
    assert code == 0
    arrays, meta = load_container(out)
    assert "confusion_matrix" not in json.dumps(meta)
    assert sorted(a for a in arrays if "confusion" in a) == [
        f"metrics.{s}.confusion_matrix" for s in ("test", "train", "validation")
    ]
    model = bpnn.load(out)
    table = read_csv(CLASSIFICATION)
    X, y = table.drop("material").data, table.select(["material"])[:, 0]
    # the matrices read back are the ones scikit-learn computes for those rows (all rows here)
    everything = sum(np.array(model.metrics[s]["confusion_matrix"]) for s in model.metrics)
    np.testing.assert_array_equal(everything, split_metrics(model, y, model.predict(X))["confusion_matrix"])


# -- 5. NaN never reaches a file -----------------------------------------------------------------------
def test_saving_nan_weights_is_refused_and_keeps_the_good_file(tmp_path, period_model):
    net = bpnn.Network([bpnn.Dense(2, 3, "tanh"), bpnn.Dense(3, 1)], seed=0)
    path = tmp_path / "net.bpnn"
    net.save(path)
    good = path.read_bytes()
    net.layers[1].bias[0] = np.inf
    with pytest.raises(ValueError, match="layer 1's bias hold 1 NaN or infinite values"):
        net.save(path)
    model = bpnn.load(period_model)
    model.network.layers[0].weights[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or infinite"):
        model.save(path)
    assert path.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir()] == ["net.bpnn"]  # no temporary file left


def _checkpoint(tmp_path):
    from bpnn.training.callbacks import ModelCheckpoint

    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    net = bpnn.Network([bpnn.Dense(2, 3, "tanh"), bpnn.Dense(3, 1)], seed=0)
    net.fit(X, X[:, :1], epochs=2, optimizer="adam", callbacks=[ModelCheckpoint(tmp_path / "ck.npz")])
    saved = dict(np.load(tmp_path / "ck.npz"))
    return X, saved, json.loads(str(saved.pop("meta")))


@pytest.mark.parametrize(
    "damage, expected",
    [
        (lambda m, a: m.pop("param_shapes"), "it lacks 'param_shapes'"),
        (lambda m, a: a["param.0"].__setitem__((0, 0), np.nan), "'param.0' holds NaN or infinite values"),
        (lambda m, a: a.__setitem__("param.1", np.zeros(7)), "'param.1' is float64 [7], not float64 [3]"),
        (lambda m, a: a.pop("param.2"), "parameter array 'param.2' is missing"),
        (lambda m, a: m.__setitem__("epochs_trained", -3), "'epochs_trained' should be a int"),
        (lambda m, a: m["optimizer"].__setitem__("state", {}), "damaged: The state given to Adam.set_state lacks"),
        (lambda m, a: m.__setitem__("shuffle_rng", {"bit_generator": "nope"}), "damaged"),
    ],
)
def test_resume_from_validates_a_checkpoint_as_strictly_as_load(tmp_path, damage, expected):
    X, arrays, meta = _checkpoint(tmp_path)
    arrays = {k: v.copy() for k, v in arrays.items()}
    damage(meta, arrays)
    np.savez(tmp_path / "bad.npz", meta=np.array(json.dumps(meta)), **arrays)
    net = bpnn.Network([bpnn.Dense(2, 3, "tanh"), bpnn.Dense(3, 1)], seed=0)
    before = net.get_weights()
    with pytest.raises(ValueError) as info:
        net.fit(X, X[:, :1], epochs=3, optimizer="adam", resume_from=tmp_path / "bad.npz")
    assert expected in str(info.value) and "\n" not in str(info.value)
    assert type(info.value) is ValueError  # not a KeyError or TypeError from deep inside
    for a, b in zip(before, net.get_weights()):
        np.testing.assert_array_equal(a, b)  # nothing of the damaged checkpoint was taken


def test_divergence_message_claims_finite_weights_only_when_they_are():
    X = np.full((4, 1), 1e200)  # the very first loss overflows: no weights seen have a finite loss
    net = bpnn.Network([bpnn.Dense(1, 1)], seed=0)
    with pytest.raises(DivergenceError) as info:
        net.fit(X, X, epochs=3, optimizer="sgd", learning_rate=0.1)
    assert "although its loss is not finite either" in str(info.value)
    assert "whose loss is finite" not in str(info.value)


# -- 6. divergence before overflow ---------------------------------------------------------------------
def _sine():
    x = np.linspace(-np.pi, np.pi, 100)[:, None]
    return x, np.hstack([np.sin(x), np.cos(x)])


def test_sgd_with_learning_rate_1_on_sine_stops_before_overflow_keeping_the_best_weights():
    x, y = _sine()
    net = bpnn.Network([bpnn.Dense(1, 10, "tanh"), bpnn.Dense(10, 2)], seed=0)
    with pytest.raises(DivergenceError, match="grew to .* more than 1e[+]06 times its lowest") as info:
        net.fit(x, y, optimizer="sgd", learning_rate=1.0, epochs=200)
    losses = info.value.history["loss"]
    assert len(losses) < 20 and max(losses) < 1e10  # stopped long before 2.6e71
    # full batch: an epoch's loss is the loss of the weights it started from, so the weights
    # kept (after epoch kept = the best epoch - 1) have the lowest loss seen
    kept = int(re.search(r"after epoch (\d+)", str(info.value)).group(1))
    assert kept == int(np.argmin(losses)) and net.epochs_trained == kept
    assert net.loss(x, y) == pytest.approx(min(losses), rel=1e-12)
    replay = bpnn.Network([bpnn.Dense(1, 10, "tanh"), bpnn.Dense(10, 2)], seed=0)
    if kept:
        replay.fit(x, y, optimizer="sgd", learning_rate=1.0, epochs=kept)
    for a, b in zip(replay.get_weights(), net.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_divergence_with_early_stopping_keeps_the_best_validation_epoch():
    x, y = _sine()
    xv, yv = x[::7] + 0.01, y[::7]
    stopper = bpnn.EarlyStopping("val_loss", patience=50)
    net = bpnn.Network([bpnn.Dense(1, 10, "tanh"), bpnn.Dense(10, 2)], seed=0)
    with pytest.raises(DivergenceError, match="its best by val_loss") as info:
        net.fit(x, y, optimizer="sgd", learning_rate=1.0, epochs=200, validation_data=(xv, yv), callbacks=[stopper])
    val = info.value.history["val_loss"]
    assert net.epochs_trained == stopper.best_epoch == int(np.argmin(val)) + 1
    assert net.loss(xv, yv) == pytest.approx(min(val), rel=1e-12)  # val_loss is measured after the epoch


def test_chunked_training_stops_a_growing_loss_too(tmp_path, capsys):
    out = tmp_path / "m.bpnn"
    argv = ["train", REGRESSION, "--target", "period_s", "--chunksize", "50", "--solver", "sgd", "-o", out]
    message = error_line(capsys, *argv, "--learning-rate", "5", "--epochs", "50")
    loss = float(re.search(r"the loss grew to (\S+), more than 1e\+06 times its lowest", message).group(1))
    assert 1e3 < loss < 1e300 and not out.exists()


def test_a_memory_error_that_slips_past_the_estimates_is_one_line(capsys, monkeypatch, period_model):
    from bpnn.io import csvdata

    def no_memory(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(csvdata, "_bounded_lines", no_memory)
    assert "out of memory" in error_line(capsys, "train", REGRESSION, "--target", "period_s")
    assert "out of memory" in error_line(capsys, "predict", period_model, REGRESSION)


def test_a_loss_that_falls_and_comes_back_within_its_start_is_not_divergence():
    from bpnn.training.loop import _grew_apart

    assert not _grew_apart(0.4, best=1e-9, first=0.5)  # back up, but not beyond where it started
    assert _grew_apart(6e5, best=0.486, first=0.5)  # the sine case at epoch 8
    assert not _grew_apart(4e5, best=0.486, first=0.5)


# -- 7. a loaded table model matches DataFrame columns by name -------------------------------------
def test_a_loaded_model_matches_dataframe_columns_by_name(period_model):
    pd = pytest.importorskip("pandas")
    model = bpnn.load(period_model)
    df = pd.read_csv(REGRESSION)
    features = model.feature_names
    in_order = df[features].to_numpy()
    expected = model.predict(in_order)  # a plain array: the stored order
    np.testing.assert_array_equal(model.predict(df[features[::-1]]), expected)
    np.testing.assert_array_equal(model.predict(df), expected)  # the target column may be there
    with pytest.raises(ValueError, match=r"missing \['length_m'\]"):
        model.predict(df.rename(columns={"length_m": "length"})[[*features[1:], "length"]])
    with pytest.raises(ValueError, match=r"not features: \['extra'\]"):
        model.predict(df[features].assign(extra=1.0))


# -- 8. model-file schema ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def class_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("cls") / "c.bpnn"
    assert main(["train", str(CLASSIFICATION), "--target", "material", "--epochs", "5", "-q", "-o", str(path)]) == 0
    return path


@pytest.mark.parametrize(
    "edit, expected",
    [
        (dict(arrays={"classes": np.array([1.0, np.nan, 3.0])}), "class labels must be a 1-D array of finite numbers"),
        (dict(metadata={"metrics": {"test": {}}}), "metrics['test'] lacks a row count"),
        (dict(metadata={"feature_names": ["a", "a", "c", "d"]}), "feature_names names ['a'] more than once"),
        (dict(arrays={"x_scaler.data_min_": np.array([1e9, 0, 0])}), "minimum exceeds its maximum"),
        (dict(metadata={"metrics": {"test": {"rows": 3, "accuracy": "high"}}}), "accuracy is not a finite number"),
        (dict(arrays={"metrics.test.confusion_matrix": np.ones((2, 2), np.int64)}), "lacks a 3 x 3 confusion matrix"),
    ],
)
def test_edited_table_model_files_are_refused_with_one_line(tmp_path, capsys, class_model, edit, expected):
    if "metrics" in edit.get("metadata", {}):
        edit = dict(edit, drop=[f"metrics.{s}.confusion_matrix" for s in ("train", "validation", "test")])
    _rewrite(class_model, tmp_path / "bad.bpnn", **edit)
    with pytest.raises(ModelFileError) as info:
        bpnn.load(tmp_path / "bad.bpnn")
    assert expected in str(info.value)
    assert expected in error_line(capsys, "info", tmp_path / "bad.bpnn")


def test_negative_variance_in_a_standard_scaler_is_refused(tmp_path):
    table = read_csv(REGRESSION)
    run_ = train_table(table, ["period_s"], scale="standard", epochs=2, solver="adam")
    run_.model.save(tmp_path / "s.bpnn")
    var = bpnn.load(tmp_path / "s.bpnn").x_scaler.var_.copy()
    var[2] = -1.0
    _rewrite(tmp_path / "s.bpnn", tmp_path / "bad.bpnn", arrays={"x_scaler.var_": var})
    with pytest.raises(ModelFileError, match="negative variance"):
        bpnn.load(tmp_path / "bad.bpnn")


@pytest.fixture(scope="module")
def estimator_file(tmp_path_factory):
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    path = tmp_path_factory.mktemp("est") / "e.bpnn"
    with pytest.warns(Warning):
        bpnn.save(bpnn.BPClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=0).fit(X, y), path)
    return path


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda m: m["params"]["__dict__"].__setitem__("hidden_layer_sizes", {"__tuple__": 5}), "damaged"),
        (lambda m: m["state"]["__dict__"].__setitem__("_optimizer", {"__object__": "Adam"}), "damaged"),
        (lambda m: m["state"]["__dict__"].__setitem__("n_outputs_", {"__dict__": [1]}), "damaged"),
        (lambda m: m["params"]["__dict__"].__setitem__("max_iter", "many"), "hyperparameters do not fit"),
        (lambda m: m["state"]["__dict__"].__setitem__("n_features_in_", 7), "n_features_in_ is 7"),
    ],
)
def test_wrongly_typed_estimator_tags_are_model_file_errors(tmp_path, estimator_file, edit, expected):
    from bpnn.io.container import load_container

    _, meta = load_container(estimator_file)
    edit(meta)
    _rewrite(estimator_file, tmp_path / "bad.bpnn", metadata={"params": meta["params"], "state": meta["state"]})
    with pytest.raises(ModelFileError, match=expected):
        bpnn.load(tmp_path / "bad.bpnn")


def test_nan_class_labels_in_an_estimator_file_are_refused(tmp_path, estimator_file):
    _rewrite(estimator_file, tmp_path / "bad.bpnn", arrays={"state.classes_": np.array([0.0, np.nan, 2.0])})
    with pytest.raises(ModelFileError, match="classes_ holds NaN"):
        bpnn.load(tmp_path / "bad.bpnn")


# -- 9. smaller ones ----------------------------------------------------------------------------------------
def test_a_column_whose_range_overflows_is_named(tmp_path, capsys):
    table = tmp_path / "huge.csv"
    rows = [f"{i * 0.1!r},{(1.7e308 if i % 2 else -1.7e308) if i < 2 else float(i)!r},{i!r}" for i in range(60)]
    table.write_text("a,big,y\n" + "\n".join(rows) + "\n")
    for scale in ("minmax", "standard"):
        message = error_line(capsys, "train", table, "--target", "y", "--scale", scale)
        assert "column 'big' (-1.7e+308 to 1.7e+308) cannot be scaled" in message and "'X'" not in message


def test_digits_from_a_data_dir_refuses_labels_that_are_not_digits(tmp_path, capsys):
    from bpnn.io.idx import write_idx

    rng = np.random.default_rng(0)
    for prefix, n in (("train", 30), ("t10k", 10)):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        if prefix == "train":
            labels[3] = 200
        write_idx(tmp_path / f"{prefix}-images-idx3-ubyte", rng.integers(0, 256, (n, 28, 28)).astype(np.uint8))
        write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte", labels)
    message = error_line(capsys, "demo", "digits", "--data-dir", tmp_path, "--epochs", "1", "--quiet")
    assert "training labels must be digits 0 to 9; 1 are not (first: 200)" in message


def test_small_messages_name_the_command_line_flags(tmp_path, capsys):
    assert "argument --seed: expected a whole number >= 0; got '-1'" in error_line(
        capsys, "train", REGRESSION, "--target", "period_s", "--seed", "-1"
    )
    semi = tmp_path / "semi.csv"
    semi.write_text("a;b\n1;2\n")
    assert "--sep ';'" in error_line(capsys, "train", semi, "--target", "b")
    gap = tmp_path / "gap.csv"
    gap.write_text("a,b\n1,2\n,3\n")
    assert "--dropna" in error_line(capsys, "train", gap, "--target", "b")


def test_python_dash_m_bpnn_runs_the_command_line():
    done = subprocess.run([sys.executable, "-m", "bpnn", "--version"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == f"bpnn {bpnn.__version__}"
    done = subprocess.run([sys.executable, "-m", "bpnn", "info"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("bpnn: error:") and "Traceback" not in done.stderr


def test_predict_to_a_file_says_what_it_wrote(tmp_path, capsys, period_model):
    code, out, err = run(capsys, "predict", period_model, REGRESSION, "-o", tmp_path / "p.csv")
    lines = (tmp_path / "p.csv").read_text().splitlines()
    assert code == 0 and err == ""
    assert out == f"wrote {tmp_path / 'p.csv'}: {len(lines) - 1} rows, column {lines[0]}\n"


# -- 10. what runs is what was asked -------------------------------------------------------------------
@pytest.mark.parametrize("demo", ["moons", "sine", "digits"])
def test_demo_batch_size_full_trains_on_the_full_batch(capsys, demo, monkeypatch):
    from bpnn.core import network

    seen = []
    original = network._METHODS["fit"]  # the training loop, as Network.fit calls it

    def spy(net, X, y, **kwargs):
        seen.append((kwargs.get("batch_size"), len(X)))
        return original(net, X, y, **kwargs)

    monkeypatch.setitem(network._METHODS, "fit", spy)
    code, out, _ = run(capsys, "demo", demo, "--batch-size", "full", "--epochs", "1", "--json")
    assert code == 0 and json.loads(out)["settings"]["batch_size"] is None
    assert seen and all(batch is None for batch, _ in seen)


def test_the_plotted_gradient_is_the_one_the_stop_rule_tested():
    from bpnn.tables.workflow import TrainingRecord

    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    y = np.tanh(X @ [[0.5], [-0.3]])
    net = bpnn.Network([bpnn.Dense(2, 3, "tanh"), bpnn.Dense(3, 1)], seed=0)
    record = TrainingRecord(train_data=(X, y))
    lm = bpnn.get_optimizer("lm")
    lm.min_grad = 1e-4
    history = net.fit(X, y, optimizer=lm, epochs=500, callbacks=[record])
    assert "min_grad" in lm.stop_reason
    shown = record.curves["gradient"]
    assert shown[-1] <= 1e-4 < shown[-2]  # the plot shows the number the rule stopped on
    # that number, by backprop rather than the Jacobian: the stop epoch took no step
    by_backprop = math.sqrt(sum(float(np.vdot(g, g)) for pair in net.backward(X, y) for g in pair if g is not None))
    assert shown[-1] == pytest.approx(by_backprop, rel=1e-6)
    assert history["gradient"] == shown


def test_the_performance_plot_says_what_its_loss_is(tmp_path):
    from bpnn.tables.workflow import loss_label

    table = read_csv(REGRESSION)
    model = train_table(table, ["period_s"], epochs=3).model
    label = loss_label(model)
    assert label == "loss: ½ squared error, targets scaled by minmax (mse)"
    # the curve is that: half the squared error of the scaled targets, averaged over rows
    X, y = table.drop("period_s").data, table.select(["period_s"])
    z, t = model.x_scaler.transform(X), model.y_scaler.transform(y)
    half_sq = 0.5 * np.mean(np.sum((model.network.predict(z) - t) ** 2, axis=1))
    assert model.network.loss(z, t) == pytest.approx(half_sq, rel=1e-12)


def test_a_second_fit_counts_its_own_epochs(capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(10, 1))
    net = bpnn.Network([bpnn.Dense(1, 1)], seed=0)
    net.fit(X, X, epochs=10, verbose=10)
    capsys.readouterr()
    net.fit(X, X, epochs=100, verbose=10)
    path, *lines = capsys.readouterr().out.splitlines()
    assert path.startswith("Training path: ")  # printed once, before the epochs
    assert [line.split("  ")[0] for line in lines[:2]] == ["epoch 10/100 (20 in all)", "epoch 20/100 (30 in all)"]
    assert lines[-1].startswith("epoch 100/100 (110 in all)") and len(lines) == 10


def test_a_loaded_classifier_returns_integer_labels(class_model):
    model = bpnn.load(class_model)
    table = read_csv(CLASSIFICATION)
    labels = model.predict(table.drop("material").data)
    assert labels.dtype == np.int64 and set(labels.tolist()) <= {1, 2, 3}
    np.testing.assert_array_equal(labels, model.classes[np.argmax(model.predict_proba(table.drop("material").data), 1)])


def test_seed004_speed_example_runs_with_its_default_arguments():
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "seed004_speed.py"), "--epochs", "1"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert [line.split()[0] for line in done.stdout.splitlines()[-3:]] == ["compiled", "numpy", "loop"]


def test_benchmark_verdicts_never_round_a_miss_up_to_the_target():
    sys.path.insert(0, str(ROOT))
    from benchmarks import report

    assert report.shown(1.996, met=False, higher_is_better=True) == "1.99"
    assert report.shown(1.996, met=True, higher_is_better=True) == "2.00"
    assert report.shown(1.5004, met=False, higher_is_better=False) == "1.51"
    assert report.shown(1.99, met=False, higher_is_better=True) == "1.99"  # 1.99 * 100 is 198.999...
    t = 1.0
    case = {
        "time_to_target": False,
        "implementations": {
            "bpnn": {"status": "ok", "seconds_per_epoch": [t], "median_seconds_per_epoch": t},
            "sklearn": {"status": "ok", "seconds_per_epoch": [1.996 * t], "median_seconds_per_epoch": 1.996 * t},
        },
        "floor": {"median_seconds_per_epoch": 1.0, "seconds_per_epoch": [1.0]},
        "targets": [{"kind": "speedup", "value": 2, "peer": "sklearn", "description": "d"}],
    }
    verdict = report.evaluate_targets(case)[0]
    assert verdict["met"] is False and verdict["text"] == "1.99×" and report.status_word(verdict["met"]) == "MISSED"
