"""``fit`` records which epoch loop ran and why, from one decision (bpnn.training.paths.epoch_path)."""

import numpy as np
import pytest

import bpnn
from bpnn.training import _fast
from bpnn.training.paths import epoch_path

numba = pytest.importorskip("numba")


def _data(n=40):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 2))
    return X, np.sin(X[:, :1])


def _net(activation="tanh"):
    return bpnn.Network([bpnn.Dense(2, 4, activation), bpnn.Dense(4, 1)], seed=0)


@pytest.fixture(autouse=True)
def _compiled_on(monkeypatch):
    monkeypatch.delenv("BPNN_FAST", raising=False)


def test_each_path_is_recorded_with_its_reason():
    X, y = _data()
    h = _net().fit(X, y, epochs=2, batch_size=8, learning_rate=0.01)
    assert (h.path, h.path_reason) == (
        "compiled",
        "numba compiles every layer, the loss and the update rule of this case",
    )
    h = _net().fit(X, y, epochs=2, batch_size=1, learning_rate=0.01, fast=False)
    assert h.path == "online" and "fit(fast=False)" in h.path_reason
    h = _net("gelu").fit(X, y, epochs=2, batch_size=8, learning_rate=0.01)
    assert h.path == "general"
    assert "GELU() has no compiled kernel" in h.path_reason and "batch_size=1" in h.path_reason
    h = _net().fit(X, y, epochs=2, batch_size=8, optimizer="rmsprop")
    assert h.path == "general" and "RMSprop" in h.path_reason


def test_fast_true_refuses_with_the_same_reason():
    X, y = _data()
    reason = epoch_path(_net("silu"), bpnn.SGD(0.01), 8)[1]
    with pytest.raises(ValueError, match="SiLU\\(\\) has no compiled kernel"):
        _net("silu").fit(X, y, epochs=1, batch_size=8, fast=True)
    assert "SiLU() has no compiled kernel" in reason


def test_the_path_that_ran_is_the_one_recorded(monkeypatch):
    """The general loop calls the optimizer's train_batch; the compiled loop does not."""
    X, y = _data()
    calls = []
    original = bpnn.SGD.train_batch
    monkeypatch.setattr(bpnn.SGD, "train_batch", lambda self, *a: calls.append(1) or original(self, *a))
    assert _net().fit(X, y, epochs=1, batch_size=8, learning_rate=0.01).path == "compiled" and not calls
    assert _net("softplus").fit(X, y, epochs=1, batch_size=8, learning_rate=0.01).path == "general"
    assert len(calls) == 5


def test_verbose_prints_the_path_once(capsys):
    X, y = _data()
    _net().fit(X, y, epochs=3, batch_size=8, learning_rate=0.01, verbose=1)
    out = capsys.readouterr().out
    assert out.count("Training path: compiled (") == 1
    assert _fast.why_not(_net(), bpnn.SGD(0.01), 8) is None


def test_the_performance_page_explains_the_same_decision():
    """docs/performance.md names the decision function, the three paths and the kernels each loop has."""
    from pathlib import Path

    from bpnn.training import _online, paths

    page = (Path(__file__).parents[1] / "docs" / "performance.md").read_text()
    section = page.split("## Which path runs, and why")[1].split("\n## ")[0]
    assert "bpnn.training.paths.epoch_path" in section
    for path in (paths.COMPILED, paths.ONLINE, paths.GENERAL):
        assert f'"{path}"' in section
    assert ", ".join(_fast._KERNEL_CODES) in section
    assert ", ".join(_online.KERNELS) in section
