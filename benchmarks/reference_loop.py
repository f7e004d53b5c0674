"""The straightforward per-sample NumPy loop that bpnn's online mode is measured against.

This is seed 004's algorithm written plainly: one sample at a time, forward through
sigmoid layers, the output delta of the squared error, hidden deltas through the
transposed weights, then an outer-product update of every weight matrix *and* bias
(the blog forgets the biases; we do not). It is what a learner writes after reading
the blog, so it is the baseline for the "≥ 20× faster" target. It is deliberately
not optimised: no preallocation, no fused operations.

Loss per sample: E = ½ Σ_k (a_k − y_k)², so the output delta is
δ_L = (a_L − y) ⊙ a_L ⊙ (1 − a_L) and the hidden deltas δ_l = (W_{l+1} δ_{l+1}) ⊙ a_l ⊙ (1 − a_l).
(With two outputs this is the same gradient as the mean over outputs, Σ/2 · 2.)
"""

from __future__ import annotations

import numpy as np


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def init_params(sizes, rng: np.random.Generator):
    """Seed 004's initialisation: W ~ N(0, 1/n_out), b ~ U(0, 0.1).

    Returns
    -------
    weights : list of ndarray of shape (n_in, n_out)
    biases : list of ndarray of shape (n_out,)
    """
    weights = [rng.standard_normal((n_in, n_out)) * np.sqrt(1.0 / n_out) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    biases = [rng.random(n_out) * 0.1 for n_out in sizes[1:]]
    return weights, biases


def forward(weights, biases, x: np.ndarray) -> list[np.ndarray]:
    """Activations of every layer for one sample ``x`` of shape (n_in,), input first."""
    activations = [x]
    for W, b in zip(weights, biases):
        activations.append(sigmoid(activations[-1] @ W + b))
    return activations


def backprop(weights, biases, x: np.ndarray, y: np.ndarray):
    """Gradients of ½‖a_L − y‖² for one sample, as (weight gradients, bias gradients)."""
    a = forward(weights, biases, x)
    delta = (a[-1] - y) * a[-1] * (1.0 - a[-1])
    deltas = [delta]
    for layer in range(len(weights) - 1, 0, -1):
        delta = (weights[layer] @ delta) * a[layer] * (1.0 - a[layer])
        deltas.append(delta)
    deltas.reverse()
    weight_grads = [np.outer(a[layer], deltas[layer]) for layer in range(len(weights))]
    return weight_grads, deltas


def train_epoch(weights, biases, X: np.ndarray, Y: np.ndarray, learning_rate: float, order: np.ndarray) -> None:
    """One pass of per-sample gradient descent, visiting samples in ``order``; in place."""
    for i in order:
        weight_grads, bias_grads = backprop(weights, biases, X[i], Y[i])
        for W, b, dW, db in zip(weights, biases, weight_grads, bias_grads):
            W -= learning_rate * dW
            b -= learning_rate * db


def train(X: np.ndarray, Y: np.ndarray, sizes, epochs: int, learning_rate: float, seed: int = 0, shuffle: bool = True):
    """Train from seed 004's initialisation; returns (weights, biases).

    ``shuffle=True`` visits the samples in a fresh random order each epoch, as bpnn's
    ``fit(shuffle=True)`` does; the blog itself does not shuffle.
    """
    rng = np.random.default_rng(seed)
    weights, biases = init_params(sizes, rng)
    for _ in range(epochs):
        order = rng.permutation(len(X)) if shuffle else np.arange(len(X))
        train_epoch(weights, biases, X, Y, learning_rate, order)
    return weights, biases


def predict(weights, biases, X: np.ndarray) -> np.ndarray:
    """Network outputs for a batch, shape (n_samples, n_out)."""
    for W, b in zip(weights, biases):
        X = sigmoid(X @ W + b)
    return X
