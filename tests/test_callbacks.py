"""Callbacks and stopping: early stopping on the validation loss, reduce-on-plateau, the validation
split, and Ctrl-C during fit."""

import os
import signal
import threading

import numpy as np
import pytest

import bpnn
from bpnn.training.loop import validation_split_indices


def regression(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2, 2, size=(n, 1))
    return X, np.sin(2 * X) + 0.3 * rng.normal(size=X.shape)


def big_net(seed=0):
    return bpnn.Network([bpnn.Dense(1, 30, "tanh"), bpnn.Dense(30, 1)], seed=seed)


class Recorder(bpnn.Callback):
    """Keeps the weights after every epoch."""

    def __init__(self):
        self.weights = {}

    def on_epoch_end(self, epoch, logs=None):
        self.weights[epoch] = self.network.get_weights()


# -- early stopping ------------------------------------------------------------------------------
@pytest.mark.parametrize("patience, epochs", [(5, 400), (400, 60)])
def test_early_stopping_restores_the_best_epoch(patience, epochs):
    """Whether training stops early (patience 5) or runs to the end (patience 400), the network
    ends with the weights it had after the epoch of lowest validation loss."""
    X, y = regression(40)
    Xv, yv = regression(40, seed=1)
    net, rec = big_net(), Recorder()
    stop = bpnn.EarlyStopping(patience=patience)
    history = net.fit(X, y, epochs=epochs, optimizer="lm", validation_data=(Xv, yv), callbacks=[rec, stop])
    best = history.epochs[int(np.argmin(history["val_loss"]))]
    assert stop.best_epoch == best and stop.best == min(history["val_loss"])
    assert best < history.epochs[-1]  # the last epoch was not the best: restoring did something
    for got, want in zip(net.get_weights(), rec.weights[best]):
        np.testing.assert_array_equal(got, want)
    assert net.loss(Xv, yv) == pytest.approx(min(history["val_loss"]), rel=1e-12)
    if patience == 5:
        assert history.stopped_epoch == stop.stopped_epoch == best + 5
        assert len(history) == best + 5
    else:
        assert history.stopped_epoch is None and len(history) == epochs
    # the same weights as training a twin for exactly `best` epochs
    twin = big_net()
    twin.fit(X, y, epochs=best, optimizer="lm")
    for got, want in zip(net.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_early_stopping_min_delta_and_no_restore():
    losses = [1.0, 0.9, 0.89, 0.885, 0.5]

    class Scripted(bpnn.Callback):  # feeds a scripted val_loss to the callback under test
        def __init__(self, inner):
            self.inner = inner

        def set_network(self, net):
            self.network = net
            self.inner.set_network(net)

        def on_epoch_end(self, epoch, logs=None):
            self.inner.on_epoch_end(epoch, {"val_loss": losses[epoch - 1]})

    stop = bpnn.EarlyStopping(min_delta=0.05, patience=2, restore_best_weights=False)
    net = bpnn.Network([bpnn.Dense(1, 1)], seed=0)
    history = net.fit(np.ones((3, 1)), np.ones((3, 1)), epochs=5, callbacks=[Scripted(stop)])
    # 0.9 improves on 1.0 by more than 0.05; 0.89 and 0.885 do not: stop after epoch 4
    assert stop.best_epoch == 2 and stop.stopped_epoch == 4 and len(history) == 4


def test_early_stopping_errors():
    with pytest.raises(ValueError, match=r"'patience' parameter must be >= 0; got -1"):
        bpnn.EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match=r"'min_delta' parameter must be >= 0.0; got -0.1"):
        bpnn.EarlyStopping(min_delta=-0.1)
    with pytest.raises(ValueError, match=r"'monitor' parameter of EarlyStopping must name a loss.*'val_accuracy'"):
        bpnn.EarlyStopping(monitor="val_accuracy")
    net = bpnn.Network([bpnn.Dense(1, 1)], seed=0)
    with pytest.raises(
        ValueError,
        match=r"EarlyStopping monitors 'val_loss', which the epoch's logs do not have "
        r"\(they have \['loss'\]\). Pass validation_data or validation_split",
    ):
        net.fit(np.ones((3, 1)), np.ones((3, 1)), callbacks=[bpnn.EarlyStopping()])


# -- reduce on plateau -----------------------------------------------------------------------------
def test_reduce_lr_on_plateau_by_hand():
    losses = [1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.4, 0.4, 0.4, 0.4]
    opt = bpnn.SGD(0.1)
    cb = bpnn.ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1, min_lr=0.02)
    seen = []

    class Feed(bpnn.Callback):
        def on_epoch_end(self, epoch, logs=None):
            cb.on_epoch_end(epoch, {"val_loss": losses[epoch - 1]})
            seen.append(opt.learning_rate)

    net = bpnn.Network([bpnn.Dense(1, 1)], seed=0)
    cb.set_network(net)
    net.fit(np.ones((2, 1)), np.ones((2, 1)), epochs=10, optimizer=opt, callbacks=[Feed()])
    # Keras's rule: epochs 3, 4 fail -> halve after 4 (wait 2 = patience). Epoch 5 ends the one-epoch
    # cooldown and, failing, counts again; 6 fails -> halve. 7 improves (0.4); 8, 9 fail -> halve,
    # but not below min_lr = 0.02
    assert seen == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.02, 0.02])


def test_reduce_lr_needs_a_numeric_learning_rate():
    X, y = regression(10)
    net = big_net()
    with pytest.raises(TypeError, match=r"ReduceLROnPlateau needs an optimizer with a numeric learning_rate"):
        net.fit(
            X,
            y,
            epochs=5,
            optimizer=bpnn.SGD(bpnn.StepDecay(0.01, 5)),
            callbacks=[bpnn.ReduceLROnPlateau(monitor="loss", patience=0, min_delta=10.0)],
        )


# -- validation split ---------------------------------------------------------------------------------
def test_validation_split_is_shuffled_seeded_and_stratified():
    # sorted by class, 80 of class 0 then 20 of class 1: taking the last 20 % would validate on class 1 only
    y = np.r_[np.zeros(80), np.ones(20)][:, None]
    rows = validation_split_indices(y, 0.2, np.random.default_rng(0))
    assert len(rows) == 20 and np.sum(y[rows, 0] == 1) == 4 and np.sum(y[rows, 0] == 0) == 16
    assert np.array_equal(rows, validation_split_indices(y, 0.2, np.random.default_rng(0)))
    assert not np.array_equal(rows, validation_split_indices(y, 0.2, np.random.default_rng(1)))
    # one-hot targets, three classes of 50, 30, 20: 10 rows split 5, 3, 2
    Y = np.eye(3)[np.r_[np.zeros(50), np.ones(30), 2 * np.ones(20)].astype(int)]
    rows = validation_split_indices(Y, 0.1, np.random.default_rng(0))
    assert np.bincount(Y[rows].argmax(axis=1)).tolist() == [5, 3, 2]
    # regression targets: a plain shuffled subset
    rows = validation_split_indices(np.linspace(0, 1, 50)[:, None], 0.3, np.random.default_rng(0))
    assert len(rows) == 15 and rows.max() - rows.min() > 15


def test_fit_with_validation_split_records_the_held_out_loss():
    X, y = regression(50)
    net = big_net()
    history = net.fit(X, y, epochs=5, optimizer="adam", validation_split=0.2, seed=3)
    rows = validation_split_indices(y, 0.2, np.random.default_rng(3))
    assert history["val_loss"][-1] == pytest.approx(net.loss(X[rows], y[rows]), rel=1e-12)
    # training used only the other rows: the same as training on them with validation_data
    keep = np.setdiff1d(np.arange(50), rows)
    twin = big_net()
    h2 = twin.fit(X[keep], y[keep], epochs=5, optimizer="adam", validation_data=(X[rows], y[rows]))
    assert h2["loss"] == history["loss"] and h2["val_loss"] == history["val_loss"]


def test_validation_split_errors():
    X, y = regression(10)
    with pytest.raises(ValueError, match=r"'validation_split' parameter must be in \(0.0, 1.0\); got 1.0"):
        big_net().fit(X, y, validation_split=1.0)
    with pytest.raises(ValueError, match=r"either 'validation_data' or 'validation_split'"):
        big_net().fit(X, y, validation_split=0.2, validation_data=(X, y))


# -- Ctrl-C ------------------------------------------------------------------------------------------
class InterruptingLoss:
    """MSE that sends this process a SIGINT when its value is computed for the n-th time."""

    def __init__(self, n):
        self.n, self.calls = n, 0
        self.mse = bpnn.get_loss("mse")

    def value(self, y_true, y_pred, sample_weight=None):
        self.calls += 1
        if self.calls == self.n:
            os.kill(os.getpid(), signal.SIGINT)
        return self.mse.value(y_true, y_pred, sample_weight)

    def gradient(self, y_true, y_pred, sample_weight=None):
        return self.mse.gradient(y_true, y_pred, sample_weight)


def test_ctrl_c_mid_epoch_finishes_the_batch_and_returns(capsys):
    X, y = regression(40)
    before = signal.getsignal(signal.SIGINT)
    net = bpnn.Network([bpnn.Dense(1, 4, "tanh"), bpnn.Dense(4, 1)], loss=InterruptingLoss(n=23), seed=0)
    history = net.fit(X, y, epochs=10, batch_size=4, optimizer="adam", seed=7)  # 10 batches per epoch
    assert history.interrupted and len(history) == 2 and net.epochs_trained == 2
    assert net.optimizer.iterations == 23  # two full epochs, then the batch during which Ctrl-C came
    assert signal.getsignal(signal.SIGINT) is before
    assert "interrupted" in capsys.readouterr().err
    # nothing is lost: the weights are those after 2 epochs and 3 more batches, replayed by hand
    twin = bpnn.Network([bpnn.Dense(1, 4, "tanh"), bpnn.Dense(4, 1)], seed=0)
    # fast=False: the same (NumPy) path as net, whose custom loss the compiled path does not take
    twin.fit(X, y, epochs=2, batch_size=4, optimizer="adam", seed=7, fast=False)
    rng = np.random.default_rng(7)
    rng.permutation(40), rng.permutation(40)
    third = rng.permutation(40)
    for k in range(3):
        rows = third[4 * k : 4 * k + 4]
        twin.optimizer.train_batch(twin, X[rows], y[rows])
    for a, b in zip(net.get_weights(), twin.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_ctrl_c_in_full_batch_training_keeps_the_epoch():
    X, y = regression(30)
    net = bpnn.Network([bpnn.Dense(1, 4, "tanh"), bpnn.Dense(4, 1)], loss=InterruptingLoss(n=3), seed=0)
    history = net.fit(X, y, epochs=50, optimizer="adam")
    assert history.interrupted and len(history) == 3 and history.stopped_epoch is None


def test_second_ctrl_c_raises_keyboard_interrupt():
    class TwoSignals(InterruptingLoss):
        def value(self, y_true, y_pred, sample_weight=None):
            if self.calls == 2:
                os.kill(os.getpid(), signal.SIGINT)
            return super().value(y_true, y_pred, sample_weight)

    X, y = regression(20)
    before = signal.getsignal(signal.SIGINT)
    net = bpnn.Network([bpnn.Dense(1, 2, "tanh"), bpnn.Dense(2, 1)], loss=TwoSignals(n=3), seed=0)
    with pytest.raises(KeyboardInterrupt):
        net.fit(X, y, epochs=10, batch_size=20, shuffle=False)
    assert signal.getsignal(signal.SIGINT) is before


def test_fit_in_a_thread_leaves_signals_alone():
    X, y = regression(20)
    before = signal.getsignal(signal.SIGINT)
    seen = []

    class Look(bpnn.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(signal.getsignal(signal.SIGINT))

    thread = threading.Thread(target=lambda: big_net().fit(X, y, epochs=3, callbacks=[Look()]))
    thread.start()
    thread.join()
    assert seen == [before] * 3
