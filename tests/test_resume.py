"""Checkpoints and resume: continuing from a checkpoint ends bit for bit where uninterrupted
training ends -- weights, optimizer state, random generators, history, callback state."""

import json
import os
import signal

import numpy as np
import pytest

import bpnn
from bpnn.training.callbacks import load_checkpoint


def data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(48, 2))
    return X, np.column_stack([np.sin(X[:, 0]) * X[:, 1], np.cos(X[:, 1])]) + 0.05 * rng.normal(size=(48, 2))


def build(dropout):
    layers = [bpnn.Dense(2, 6, "tanh")] + ([bpnn.Dropout(0.2)] if dropout else []) + [bpnn.Dense(6, 2)]
    return bpnn.Network(layers, seed=0)


# name: (optimizer factory, batch_size, dropout, callbacks factory)
CASES = {
    "momentum-schedule-dropout": (lambda: bpnn.SGD(bpnn.StepDecay(0.05, 7), momentum=0.9), 8, True, None),
    "nesterov": (lambda: bpnn.SGD(0.05, momentum=0.8, nesterov=True), 8, False, None),
    "rmsprop": (lambda: bpnn.RMSprop(0.01, momentum=0.5, centered=True), 12, False, None),
    "adam-dropout-plateau": (
        lambda: bpnn.Adam(0.02),
        8,
        True,
        lambda: [bpnn.ReduceLROnPlateau(patience=1, min_delta=1.0, cooldown=1)],
    ),
    "adamw": (lambda: bpnn.AdamW(0.02, weight_decay=0.1, global_clipnorm=0.5), 8, False, None),
    "adagrad": (lambda: bpnn.Adagrad(0.1), 16, False, None),
    "rprop": (lambda: "rprop", None, False, None),
    "lbfgs": (lambda: "lbfgs", None, False, None),
    "lm": (lambda: "lm", None, False, None),
    "br": (lambda: "br", None, False, None),
}


def run(tmp_path, prefix, name, epochs=8, resume_from=None, seed=None, extra_callbacks=()):
    make_opt, batch_size, dropout, make_cbs = CASES[name]
    X, y = data()
    net = build(dropout)
    callbacks = [bpnn.EarlyStopping(patience=1000)] + (make_cbs() if make_cbs else []) + list(extra_callbacks)
    callbacks.append(bpnn.ModelCheckpoint(tmp_path / (prefix + "-{epoch}.npz"), every=4))
    history = net.fit(
        X,
        y,
        epochs=epochs,
        optimizer=make_opt(),
        batch_size=batch_size,
        validation_split=0.25,
        seed=seed,
        callbacks=callbacks,
        resume_from=resume_from,
    )
    return net, history


def assert_same_checkpoint(path_a, path_b):
    a, b = load_checkpoint(path_a), load_checkpoint(path_b)
    assert a["meta"] == b["meta"]
    assert sorted(a["arrays"]) == sorted(b["arrays"])
    for key in a["arrays"]:
        np.testing.assert_array_equal(a["arrays"][key], b["arrays"][key], err_msg=key)


@pytest.mark.parametrize("name", sorted(CASES))
def test_resume_equals_uninterrupted_training(tmp_path, name):
    """Shuffling and the validation split are unseeded (fresh entropy): only a checkpoint that
    really holds the generators' states can reproduce the uninterrupted run."""
    net_a, hist_a = run(tmp_path, "a", name)
    net_c, hist_c = run(tmp_path, "c", name, resume_from=tmp_path / "a-4.npz")
    assert hist_c.history == hist_a.history and hist_c.epochs == hist_a.epochs == list(range(1, 9))
    for wa, wc in zip(net_a.get_weights(), net_c.get_weights()):
        np.testing.assert_array_equal(wa, wc)
    state_a, state_c = net_a.optimizer.get_state(), net_c.optimizer.get_state()
    assert state_a.keys() == state_c.keys()
    for key in state_a:
        if isinstance(state_a[key], list):
            assert len(state_a[key]) == len(state_c[key])
            for u, v in zip(state_a[key], state_c[key]):
                np.testing.assert_array_equal(u, v)
        else:
            assert state_a[key] == state_c[key] or (state_a[key] != state_a[key] and state_c[key] != state_c[key])
    # the checkpoint after epoch 8 -- weights, optimizer, generators, history, callbacks -- is identical
    assert_same_checkpoint(tmp_path / "a-8.npz", tmp_path / "c-8.npz")
    # and the run did move between epoch 4 and epoch 8
    assert hist_a["loss"][7] != hist_a["loss"][3]


def test_interrupt_with_ctrl_c_then_resume(tmp_path):
    """A run stopped by Ctrl-C in epoch 6, resumed from its checkpoint after epoch 4, ends exactly
    where the uninterrupted run ends."""

    class CtrlCAtEpoch6(bpnn.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 6:
                os.kill(os.getpid(), signal.SIGINT)

    _, full = run(tmp_path, "a", "adam-dropout-plateau", seed=11)
    _, cut = run(tmp_path, "b", "adam-dropout-plateau", seed=11, extra_callbacks=[CtrlCAtEpoch6()])
    assert cut.interrupted and len(cut) == 5
    assert not (tmp_path / "b-8.npz").exists()
    _, resumed = run(
        tmp_path,
        "c",
        "adam-dropout-plateau",
        seed=11,
        resume_from=tmp_path / "b-4.npz",
        extra_callbacks=[bpnn.Callback()],
    )
    assert resumed.history == full.history
    assert_same_checkpoint(tmp_path / "a-8.npz", tmp_path / "c-8.npz")


def test_resuming_a_finished_early_stop_does_nothing_more(tmp_path):
    X, y = data()
    net = build(False)
    callbacks = [
        bpnn.EarlyStopping(monitor="loss", patience=0, min_delta=1e9),
        bpnn.ModelCheckpoint(tmp_path / "s.npz"),
    ]
    history = net.fit(X, y, epochs=10, optimizer="adam", callbacks=callbacks)
    assert history.stopped_epoch == 2
    again = build(False)
    callbacks = [bpnn.EarlyStopping(monitor="loss", patience=0, min_delta=1e9)]
    resumed = again.fit(X, y, epochs=10, optimizer="adam", callbacks=callbacks, resume_from=tmp_path / "s.npz")
    assert resumed.history == history.history and resumed.stopped_epoch == 2
    for a, b in zip(net.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)


# -- the file --------------------------------------------------------------------------------------
def test_checkpoint_is_npz_and_json_without_pickle(tmp_path):
    run(tmp_path, "a", "adam-dropout-plateau", epochs=4)
    path = tmp_path / "a-4.npz"
    with np.load(path, allow_pickle=False) as npz:
        assert all(npz[k].dtype != object for k in npz.files)
        meta = json.loads(str(npz["meta"]))
    assert meta["format"] == "bpnn-checkpoint/1" and meta["epochs_trained"] == 4
    assert meta["optimizer"]["class"] == "Adam"
    assert sorted(os.listdir(tmp_path)) == ["a-4.npz"]  # no temporary file left behind


def test_a_failed_write_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    run(tmp_path, "a", "adam-dropout-plateau", epochs=4)
    path = tmp_path / "a-4.npz"
    before = path.read_bytes()

    def broken_savez(f, **arrays):
        f.write(b"PK\x03\x04 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        run(tmp_path, "a", "adam-dropout-plateau", epochs=4)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["a-4.npz"]


def test_resume_errors(tmp_path):
    run(tmp_path, "a", "adam-dropout-plateau", epochs=4)
    path = tmp_path / "a-4.npz"
    X, y = data()
    with pytest.raises(FileNotFoundError, match=r"'resume_from' checkpoint .*nope.npz' does not exist"):
        build(True).fit(X, y, resume_from=tmp_path / "nope.npz")
    with pytest.raises(ValueError, match=r"written by a Adam optimizer; fit got SGD"):
        build(True).fit(
            X,
            y,
            optimizer="sgd",
            batch_size=8,
            validation_split=0.25,
            callbacks=[bpnn.EarlyStopping(patience=1000), bpnn.ReduceLROnPlateau()],
            resume_from=path,
        )
    with pytest.raises(ValueError, match=r"parameters of shapes \[\[2, 6\], \[6\], \[6, 2\], \[2\]\]"):
        bpnn.Network([bpnn.Dense(2, 3), bpnn.Dense(3, 2)]).fit(X, y, optimizer="adam", resume_from=path)
    with pytest.raises(
        ValueError,
        match=r"state of the callbacks \['EarlyStopping', 'ReduceLROnPlateau'\]; "
        r"fit got \[\]",
    ):
        build(True).fit(X, y, optimizer="adam", batch_size=8, validation_split=0.25, resume_from=path)
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match=r"is not a bpnn checkpoint"):
        build(True).fit(X, y, resume_from=garbage)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, meta=np.array(json.dumps({"format": "something else"})))
    with pytest.raises(ValueError, match=r"not a bpnn checkpoint of format 'bpnn-checkpoint/1' \(found 'something"):
        build(True).fit(X, y, resume_from=foreign)
    with pytest.raises(ValueError, match=r"'every' parameter must be >= 1; got 0"):
        bpnn.ModelCheckpoint(tmp_path / "x.npz", every=0)
