"""Seed 002's hand-computed example, built with the general Network.

2 inputs, 2 hidden and 2 output sigmoid neurons, no bias, every weight 1.0,
x = (0.10, 0.88), target (0.55, 1.0), learning rate 0.5, loss 1/2 * sum (y - yhat)^2.

Weight layout (the layer computes X @ W): hidden W[i, j] connects input i to hidden j, so
the blog's w1 = W1[0, 0], w2 = W1[1, 0], w3 = W1[0, 1], w4 = W1[1, 1]; output
w5 = W2[0, 0], w6 = W2[1, 0], w7 = W2[0, 1], w8 = W2[1, 1].
"""

import numpy as np

import bpnn

X = np.array([[0.10, 0.88]])
Y = np.array([[0.55, 1.0]])


def seed002_network():
    return bpnn.Network(
        [
            bpnn.Dense(2, 2, "sigmoid", weights=np.ones((2, 2)), use_bias=False),
            bpnn.Dense(2, 2, "sigmoid", weights=np.ones((2, 2)), use_bias=False),
        ],
        loss="mse",
    )


def blog(layer_w):
    W1, W2 = layer_w
    return {
        "w1": W1[0, 0],
        "w2": W1[1, 0],
        "w3": W1[0, 1],
        "w4": W1[1, 1],
        "w5": W2[0, 0],
        "w6": W2[1, 0],
        "w7": W2[0, 1],
        "w8": W2[1, 1],
    }


def test_first_pass_matches_the_blog_to_six_decimals():
    net = seed002_network()
    out = net.forward(X)
    h_out = net.layers[0].output
    np.testing.assert_allclose(X @ net.layers[0].weights, [[0.980000, 0.980000]], atol=5e-7)
    np.testing.assert_allclose(h_out, [[0.727108, 0.727108]], atol=5e-7)
    np.testing.assert_allclose(h_out @ net.layers[1].weights, [[1.454216, 1.454216]], atol=5e-7)
    np.testing.assert_allclose(out, [[0.810646, 0.810646]], atol=5e-7)
    assert round(net.loss(X, Y), 6) == 0.051896
    (dW1, _), (dW2, _) = net.backward(X, Y)
    d = blog([dW1, dW2])
    expected = {
        "w5": 0.029091,
        "w6": 0.029091,
        "w7": -0.021134,
        "w8": -0.021134,
        "w1": 0.000217,
        "w2": 0.001911,
        "w3": 0.000217,
        "w4": 0.001911,
    }
    for k, v in expected.items():
        assert round(d[k], 6) == v, k
    net.fit(X, Y, epochs=1, learning_rate=0.5)
    w = blog([layer.weights for layer in net.layers])
    expected = {
        "w5": 0.985455,
        "w6": 0.985455,
        "w7": 1.010567,
        "w8": 1.010567,
        "w1": 0.999891,
        "w2": 0.999045,
        "w3": 0.999891,
        "w4": 0.999045,
    }
    for k, v in expected.items():
        assert round(w[k], 6) == v, k


def hand_written_8_weights(iterations):
    """An independent scalar implementation with the correct chain rule.

    delta_o1 feeds w5 (h1->o1) and w6 (h2->o1); delta_o2 feeds w7 (h1->o2) and w8 (h2->o2).
    Hidden neuron 1's error is delta_o1*w5 + delta_o2*w7; hidden neuron 2's is
    delta_o1*w6 + delta_o2*w8. (The blog's code pairs delta_o2 with w6 and delta_o1
    with w8 for w3 and w4, which is why its loss after 10, 100 and 1000 iterations
    differs from this.)
    """
    s = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    x1, x2, y1, y2 = 0.10, 0.88, 0.55, 1.0
    w1 = w2 = w3 = w4 = w5 = w6 = w7 = w8 = 1.0
    losses = []
    for _ in range(iterations):
        h1, h2 = s(w1 * x1 + w2 * x2), s(w3 * x1 + w4 * x2)
        o1, o2 = s(w5 * h1 + w6 * h2), s(w7 * h1 + w8 * h2)
        losses.append((y1 - o1) ** 2 / 2 + (y2 - o2) ** 2 / 2)
        d1, d2 = -(y1 - o1) * o1 * (1 - o1), -(y2 - o2) * o2 * (1 - o2)
        e1, e2 = (d1 * w5 + d2 * w7) * h1 * (1 - h1), (d1 * w6 + d2 * w8) * h2 * (1 - h2)
        g = [e1 * x1, e1 * x2, e2 * x1, e2 * x2, d1 * h1, d1 * h2, d2 * h1, d2 * h2]
        w1, w2, w3, w4, w5, w6, w7, w8 = [w - 0.5 * gi for w, gi in zip((w1, w2, w3, w4, w5, w6, w7, w8), g)]
    h1, h2 = s(w1 * x1 + w2 * x2), s(w3 * x1 + w4 * x2)
    return losses, (s(w5 * h1 + w6 * h2), s(w7 * h1 + w8 * h2))


def test_later_iterations_follow_the_correct_gradient():
    net = seed002_network()
    history = net.fit(X, Y, epochs=1000, learning_rate=0.5)
    losses, outputs = hand_written_8_weights(1000)
    np.testing.assert_allclose(history["loss"], losses, rtol=1e-10)
    np.testing.assert_allclose(net.predict(X)[0], outputs, rtol=1e-10)
    # The correct figures (the blog prints 0.0409254668911, 0.00504936047507, 0.000467508796192):
    assert round(history["loss"][9], 6) == 0.040932
    assert round(history["loss"][99], 6) == 0.004651
    assert round(history["loss"][999], 7) == 0.0004000
    assert bpnn.gradcheck(net, X, Y) < 1e-7
