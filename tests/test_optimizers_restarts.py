"""Restarts: train_best_of keeps the restart with the lowest validation loss, the same whatever n_jobs."""

import numpy as np
import pytest

import bpnn


def build(seed):
    return bpnn.Network([bpnn.Dense(1, 3, "tanh"), bpnn.Dense(3, 1)], seed=seed)


def data():
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, size=(60, 1))
    return X, np.sin(2 * X) + 0.05 * rng.normal(size=X.shape)


def test_best_of_keeps_the_lowest_validation_loss_and_ignores_n_jobs():
    X, y = data()
    Xv, yv = X[:20], y[:20]
    kwargs = dict(epochs=30, optimizer="adam", learning_rate=0.05, batch_size=10, validation_data=(Xv, yv))
    one = bpnn.train_best_of(4, build, X[20:], y[20:], seed=1, n_jobs=1, **kwargs)
    two = bpnn.train_best_of(4, build, X[20:], y[20:], seed=1, n_jobs=2, **kwargs)
    assert one.scores == two.scores and one.seeds == two.seeds and one.index == two.index
    for a, b in zip(one.network.get_weights(), two.network.get_weights()):
        np.testing.assert_array_equal(a, b)
    # each score is what training that seed by hand gives
    for s, score in zip(one.seeds, one.scores):
        net = build(s)
        net.fit(X[20:], y[20:], seed=s, **kwargs)
        assert score == net.loss(Xv, yv)
    assert one.index == int(np.argmin(one.scores))
    assert len(set(one.scores)) == 4  # the restarts really differ
    assert one.history["val_loss"][-1] == pytest.approx(one.scores[one.index], rel=1e-12)


def test_best_of_with_validation_split_scores_the_held_out_rows():
    X, y = data()
    best = bpnn.train_best_of(2, build, X, y, seed=0, validation_split=0.25, epochs=5, optimizer="lm")
    assert best.history["val_loss"][-1] == pytest.approx(best.scores[best.index], rel=1e-12)


def test_best_of_errors():
    X, y = data()
    with pytest.raises(ValueError, match=r"'n' parameter must be >= 1; got 0"):
        bpnn.train_best_of(0, build, X, y)
    with pytest.raises(TypeError, match=r"'build' argument must be a callable build\(seed\) -> Network"):
        bpnn.train_best_of(2, "net", X, y)
