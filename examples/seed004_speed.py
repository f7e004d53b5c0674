"""Seed 004's experiment three ways, timed: bpnn's compiled path, bpnn's NumPy path, and a
straightforward per-sample NumPy loop of the same algorithm.

make_moons(2000, noise=0.2, random_state=100), a 70/30 split (random_state=42), a
2-25-50-25-2 sigmoid network with seed 004's initialisation, MSE on one-hot targets, one
sample per update, learning rate 0.01. All three start from the same weights and visit
the samples in the same seeded order, so they compute the same trajectory (up to
rounding) and end with the same test accuracy.

    python examples/seed004_speed.py                 # 1000 epochs, all three (about 8 minutes)
    python examples/seed004_speed.py --epochs 20 compiled loop
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

import bpnn

SIZES = [2, 25, 50, 25, 2]


def seed004_network() -> bpnn.NeuralNetwork:
    net = bpnn.NeuralNetwork(seed=0)
    for n_in, n_out in zip(SIZES[:-1], SIZES[1:]):
        net.add_layer(bpnn.Layer(n_in, n_out, "sigmoid"))
    return net


def straightforward_loop(net, X, Y, epochs: int, learning_rate: float, seed: int) -> None:
    """Seed 004's algorithm as a learner writes it: one sample at a time, lists of arrays."""
    weights = net.get_weights()
    Ws, bs = weights[0::2], weights[1::2]
    sigmoid = lambda z: 1.0 / (1.0 + np.exp(-z))  # noqa: E731
    rng = np.random.default_rng(seed)  # the permutations fit(seed=seed) draws
    for _ in range(epochs):
        for i in rng.permutation(len(X)):
            acts = [X[i]]
            for W, b in zip(Ws, bs):
                acts.append(sigmoid(acts[-1] @ W + b))
            delta = (acts[-1] - Y[i]) * acts[-1] * (1 - acts[-1])
            for layer in range(len(Ws) - 1, -1, -1):
                below = (Ws[layer] @ delta) * acts[layer] * (1 - acts[layer]) if layer else None
                Ws[layer] -= learning_rate * np.outer(acts[layer], delta)
                bs[layer] -= learning_rate * delta
                delta = below
    net.set_weights([p for pair in zip(Ws, bs) for p in pair])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    modes = ["compiled", "numpy", "loop"]
    # argparse (3.11) checks a nargs="*" positional's default, or its empty list, against
    # choices as one value and refuses it, so the modes are checked here instead.
    parser.add_argument("modes", nargs="*", metavar="MODE", help=f"what to time: {', '.join(modes)} (default: all)")
    parser.add_argument("--epochs", type=int, default=1000)
    args = parser.parse_args()
    unknown = [m for m in args.modes if m not in modes]
    if unknown:
        parser.error(f"unknown mode {unknown[0]!r}; choose from {', '.join(modes)}")
    args.modes = args.modes or modes

    X, y = make_moons(2000, noise=0.2, random_state=100)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=42)
    Y_train = np.eye(2)[y_train]
    for mode in args.modes:
        net = seed004_network()
        start = time.perf_counter()
        if mode == "loop":
            straightforward_loop(net, X_train, Y_train, args.epochs, 0.01, seed=0)
        else:
            net.fit(
                X_train, Y_train, epochs=args.epochs, learning_rate=0.01, batch_size=1, seed=0, fast=mode == "compiled"
            )
        seconds = time.perf_counter() - start
        accuracy = np.mean(net.predict(X_test).argmax(axis=1) == y_test)
        print(
            f"{mode:8s} {args.epochs} epochs in {seconds:7.2f} s ({seconds / args.epochs * 1e3:7.2f} ms/epoch), "
            f"test accuracy {accuracy:.4f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
