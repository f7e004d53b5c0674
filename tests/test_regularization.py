"""Regularization: L2 weight decay, Dropout, and user-defined losses (mae, huber as examples)."""

import numpy as np
import pytest

import bpnn


def test_l2_penalty_is_in_the_loss_weights_only():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    net = bpnn.Network([bpnn.Dense(2, 3, "tanh"), bpnn.Dense(3, 1)], seed=0, alpha=0.4)
    W1, b1, W2, b2 = net.get_weights()
    out = np.tanh(X @ W1 + b1) @ W2 + b2
    by_hand = 0.5 * np.mean(np.sum((out - y) ** 2, axis=1)) + 0.4 / (2 * 6) * (np.sum(W1**2) + np.sum(W2**2))
    assert net.loss(X, y) == pytest.approx(by_hand, rel=1e-13)
    assert bpnn.gradcheck(net, X, y) < 1e-8
    # the bias gradients carry no penalty: they equal those of the same network without alpha
    plain = bpnn.Network([bpnn.Dense(2, 3, "tanh"), bpnn.Dense(3, 1)], seed=0)
    (dW1, db1), (dW2, db2) = net.backward(X, y)
    (pW1, pb1), (pW2, pb2) = plain.backward(X, y)
    np.testing.assert_array_equal(db1, pb1)
    np.testing.assert_allclose(dW1, pW1 + 0.4 / 6 * W1, rtol=1e-13)


def test_l2_shrinks_the_weights():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(30, 3)), rng.normal(size=(30, 1))
    norms = []
    for alpha in (0.0, 5.0):
        net = bpnn.Network([bpnn.Dense(3, 8, "tanh"), bpnn.Dense(8, 1)], seed=0, alpha=alpha)
        net.fit(X, y, epochs=300, optimizer="adam", learning_rate=0.01)
        norms.append(sum(np.sum(layer.weights**2) for layer in net.layers))
    assert norms[1] < 0.5 * norms[0]


# -- Dropout --------------------------------------------------------------------------------------
def test_dropout_is_the_identity_when_predicting():
    net = bpnn.Network([bpnn.Dense(3, 6, "relu"), bpnn.Dropout(0.5), bpnn.Dense(6, 2)], seed=0)
    plain = bpnn.Network([bpnn.Dense(3, 6, "relu"), bpnn.Dense(6, 2)], seed=1)
    plain.set_weights(net.get_weights())
    X = np.random.default_rng(0).normal(size=(10, 3))
    np.testing.assert_array_equal(net.predict(X), plain.predict(X))
    np.testing.assert_array_equal(net.predict(X), net.predict(X))
    assert net.loss(X, np.zeros((10, 2))) == plain.loss(X, np.zeros((10, 2)))
    assert bpnn.gradcheck(net, X, np.ones((10, 2))) < 1e-8  # gradcheck uses the predicting network


def test_dropout_masks_and_scales_in_training():
    layer = bpnn.Dropout(0.3, seed=5)
    X = np.random.default_rng(1).normal(size=(4, 5)) + 3.0
    out = layer.forward(X, training=True)
    keep = np.random.default_rng(5).random(X.shape) >= 0.3  # the layer's generator, replayed
    np.testing.assert_allclose(out, np.where(keep, X / 0.7, 0.0), rtol=1e-15)
    grad = np.arange(20.0).reshape(4, 5)
    np.testing.assert_allclose(layer.backward(grad), np.where(keep, grad / 0.7, 0.0), rtol=1e-15)


def test_dropout_keeps_the_expected_activation():
    layer = bpnn.Dropout(0.25, seed=0)
    out = layer.forward(np.ones((400, 500)), training=True)
    assert abs((out == 0).mean() - 0.25) < 0.005
    assert abs(out.mean() - 1.0) < 0.01  # inverted dropout: survivors scaled by 1 / 0.75


def test_dropout_training_is_seeded():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(32, 3)), rng.normal(size=(32, 1))

    def run(seed):
        net = bpnn.Network([bpnn.Dense(3, 8, "tanh"), bpnn.Dropout(0.5), bpnn.Dense(8, 1)], seed=seed)
        net.fit(X, y, epochs=3, batch_size=8, seed=0, optimizer="adam")
        return net.get_weights()

    a, b, c = run(0), run(0), run(1)
    assert all(np.array_equal(p, q) for p, q in zip(a, b))
    assert not all(np.array_equal(p, q) for p, q in zip(a, c))


def test_dropout_errors():
    with pytest.raises(ValueError, match=r"'rate' parameter must be in \[0.0, 1.0\); got 1.0"):
        bpnn.Dropout(1.0)
    with pytest.raises(ValueError, match=r"'rate' parameter must be in \[0.0, 1.0\); got -0.2"):
        bpnn.Dropout(-0.2)
    with pytest.raises(ValueError, match=r"The last layer must be a Dense layer"):
        bpnn.Network([bpnn.Dense(2, 3), bpnn.Dropout(0.1)]).predict(np.zeros((1, 2)))


# -- user-defined losses ------------------------------------------------------------------------------
def test_mae_and_huber_by_hand():
    y = np.array([[0.0, 1.0], [2.0, -1.0]])
    p = np.array([[0.5, 1.0], [0.0, 2.0]])
    assert bpnn.get_loss("mae").value(y, p) == pytest.approx((0.5 + 0 + 2 + 3) / 2)
    # huber with delta 1: 0.5 * 0.25, 0, 1 * (2 - 0.5), 1 * (3 - 0.5)
    assert bpnn.get_loss("huber").value(y, p) == pytest.approx((0.125 + 1.5 + 2.5) / 2)
    np.testing.assert_allclose(bpnn.get_loss("huber").gradient(y, p), [[0.25, 0.0], [-0.5, 0.5]])
    # with a delta beyond every error, huber is the MSE loss
    big = bpnn.core.losses.Huber(delta=10.0)
    assert big.value(y, p) == pytest.approx(bpnn.get_loss("mse").value(y, p), rel=1e-15)


@pytest.mark.parametrize("loss", ["mae", "huber", bpnn.core.losses.Huber(delta=0.3)])
def test_mae_and_huber_pass_gradcheck(loss):
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(8, 2)), rng.normal(size=(8, 2)) * 2
    net = bpnn.Network([bpnn.Dense(2, 4, "tanh"), bpnn.Dense(4, 2)], loss=loss, seed=0)
    sw = rng.uniform(0.5, 2.0, size=8)
    assert bpnn.gradcheck(net, X, y) < 1e-7
    assert bpnn.gradcheck(net, X, y, sample_weight=sw) < 1e-7


def test_a_user_defined_loss_plugs_in_and_gradcheck_judges_it():
    class LogCosh:
        """l = sum_k log(cosh(yhat_k - y_k)); dl/dyhat = tanh(yhat - y)."""

        def value(self, y_true, y_pred, sample_weight=None):
            return np.mean(np.sum(np.log(np.cosh(y_pred - y_true)), axis=1))

        def gradient(self, y_true, y_pred, sample_weight=None):
            return np.tanh(y_pred - y_true) / len(y_true)

    class WrongLogCosh(LogCosh):
        def gradient(self, y_true, y_pred, sample_weight=None):
            return 1.1 * super().gradient(y_true, y_pred)

    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(20, 2)), rng.normal(size=(20, 1))
    net = bpnn.Network([bpnn.Dense(2, 5, "tanh"), bpnn.Dense(5, 1)], loss=LogCosh(), seed=0)
    assert bpnn.gradcheck(net, X, y) < 1e-7
    history = net.fit(X, y, epochs=50, optimizer="adam", learning_rate=0.05)
    assert history["loss"][-1] < history["loss"][0]
    wrong = bpnn.Network([bpnn.Dense(2, 5, "tanh"), bpnn.Dense(5, 1)], loss=WrongLogCosh(), seed=0)
    assert bpnn.gradcheck(wrong, X, y) > 1e-3


def test_huber_delta_error():
    with pytest.raises(ValueError, match=r"'delta' parameter must be > 0.0; got 0.0"):
        bpnn.core.losses.Huber(delta=0)


# -- L1 -------------------------------------------------------------------------------------------
def _away_from_zero(net, margin=0.05):
    """Move every weight at least ``margin`` away from 0, where |w| has no derivative."""
    for layer in net.layers:
        w = layer.weights
        w[np.abs(w) < margin] = np.copysign(margin, w[np.abs(w) < margin] + 1e-300)


def test_l1_penalty_is_in_the_loss_weights_only():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(7, 2)), rng.normal(size=(7, 1))
    net = bpnn.Network([bpnn.Dense(2, 3, "tanh"), bpnn.Dense(3, 1)], seed=0, l1=0.3)
    _away_from_zero(net)
    W1, b1, W2, b2 = net.get_weights()
    out = np.tanh(X @ W1 + b1) @ W2 + b2
    by_hand = 0.5 * np.mean(np.sum((out - y) ** 2, axis=1)) + 0.3 / 7 * (np.sum(np.abs(W1)) + np.sum(np.abs(W2)))
    assert net.loss(X, y) == pytest.approx(by_hand, rel=1e-13)
    # finite differences of the whole loss, penalty included (no weight is near the kink at 0)
    assert bpnn.gradcheck(net, X, y) < 1e-8
    plain = bpnn.Network([bpnn.Dense(2, 3, "tanh"), bpnn.Dense(3, 1)], seed=0)
    plain.set_weights(net.get_weights())
    (dW1, db1), (dW2, db2) = net.backward(X, y)
    (pW1, pb1), (pW2, pb2) = plain.backward(X, y)
    np.testing.assert_array_equal(db1, pb1)
    np.testing.assert_array_equal(db2, pb2)
    np.testing.assert_allclose(dW1, pW1 + 0.3 / 7 * np.sign(W1), rtol=1e-13)
    np.testing.assert_allclose(dW2, pW2 + 0.3 / 7 * np.sign(W2), rtol=1e-13)


def test_l1_and_l2_together_pass_gradcheck_with_sample_weights():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(9, 3)), rng.normal(size=(9, 2))
    net = bpnn.Network([bpnn.Dense(3, 4, "sigmoid"), bpnn.Dense(4, 2)], seed=1, l1=0.2, alpha=0.5)
    _away_from_zero(net)
    sw = rng.uniform(0.5, 2.0, size=9)
    # the penalty divides by the total weight, as alpha's does
    W1, b1, W2, b2 = net.get_weights()
    out = 1 / (1 + np.exp(-(X @ W1 + b1))) @ W2 + b2
    data = np.sum(sw * 0.5 * np.sum((out - y) ** 2, axis=1)) / sw.sum()
    pen = 0.5 / (2 * sw.sum()) * (np.sum(W1**2) + np.sum(W2**2)) + 0.2 / sw.sum() * (
        np.sum(np.abs(W1)) + np.sum(np.abs(W2))
    )
    assert net.loss(X, y, sw) == pytest.approx(data + pen, rel=1e-12)
    numeric = bpnn.numerical_gradients(net, X, y, sample_weight=sw)
    (dW1, db1), (dW2, db2) = net.backward(X, y, sw)
    for a, b in zip([dW1, db1, dW2, db2], numeric):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-8)


def test_l1_drives_useless_weights_towards_zero():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 5))
    # only the first input matters; the noise gives the other weights small nonzero least-squares values
    y = X[:, :1] * 2.0 + rng.normal(scale=0.5, size=(60, 1))
    small = []
    for l1 in (0.0, 5.0):
        net = bpnn.Network([bpnn.Dense(5, 1)], seed=0, l1=l1)
        net.fit(X, y, epochs=400, optimizer="sgd", learning_rate=0.05)
        small.append(np.abs(net.layers[0].weights[1:, 0]).max())
    assert small[1] < 0.1 * small[0]
    assert net.layers[0].weights[0, 0] > 1.5  # the useful weight stays


def test_l1_falls_back_from_the_compiled_path_and_lm_refuses_it():
    from bpnn.training import _fast

    net = bpnn.Network([bpnn.Dense(2, 3, "tanh"), bpnn.Dense(3, 1)], seed=0, l1=0.1)
    reason = _fast.why_not(net, bpnn.SGD(learning_rate=0.1), 4)
    assert reason is not None and ("L1" in reason or "numba" in reason or "BPNN_FAST" in reason)
    X, y = np.zeros((4, 2)), np.zeros((4, 1))
    with pytest.raises(ValueError, match="L1"):
        net.fit(X, y, epochs=1, optimizer="lm")
    with pytest.raises(ValueError, match="l1"):
        bpnn.Network([bpnn.Dense(2, 1)], l1=-1.0)


def test_l1_is_saved_and_explained(tmp_path):
    from bpnn.explain.render import render

    net = bpnn.Network([bpnn.Dense(2, 2, "sigmoid"), bpnn.Dense(2, 1)], seed=0, l1=0.25)
    _away_from_zero(net)
    net.save(tmp_path / "n.bpnn")
    assert bpnn.load(tmp_path / "n.bpnn").l1 == 0.25
    X, y = np.array([[0.3, -0.7]]), np.array([[0.5]])
    step = net.explain(X, y, learning_rate=0.5)
    (dW1, _), (dW2, _) = net.backward(X, y)
    np.testing.assert_allclose(step.layers[0].grad_weights, dW1, rtol=1e-13)
    np.testing.assert_allclose(step.layers[1].grad_weights, dW2, rtol=1e-13)
    text = render(step)
    assert "L1 penalty" in text and "sign(w_11^[1])" in text


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_estimators_take_l1():
    X = np.random.default_rng(5).normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    clf = bpnn.BPClassifier(hidden_layer_sizes=(4,), l1=0.5, alpha=0.0, max_iter=5, random_state=0).fit(X, y)
    net = clf.network_
    assert net.l1 == 0.5 and clf.get_params()["l1"] == 0.5
    Y = y[:, None].astype(float)
    net.l1 = 0.0
    plain = net.loss(X, Y)
    net.l1 = 0.5
    by_hand = 0.5 / 40 * sum(np.abs(layer.weights).sum() for layer in net.layers)
    assert net.loss(X, Y) - plain == pytest.approx(by_hand, rel=1e-10)
    reg = bpnn.BPRegressor(hidden_layer_sizes=(4,), l1=0.1, max_iter=5, random_state=0).fit(X, X[:, 0])
    assert reg.network_.l1 == 0.1
