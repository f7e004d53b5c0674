"""Epochs and seconds to a common test MSE for gd, momentum, adam, rprop, lbfgs and lm.

The problem is seed 004's sine regression: x uniform in [-pi, pi], two targets sin(x) and 1,
a 1-10-2 network (tanh hidden layer, identity output), 1000 training and 1000 test samples.
Every method trains from the same initial weights (one network seed per run) until the
mean squared error on the test set, averaged over both outputs, falls below the target.

Run from the repository root (it needs matplotlib; threadpoolctl, if installed, pins BLAS
to one thread so that no method gains or loses from threading on a shared machine):

    PYTHONPATH=src python examples/optimizer_race.py [--seeds 3] [--target 1e-4] [--out docs/optimizer_race.png]

It prints a Markdown table (pasted into docs/optimizers.md) and saves a plot of test MSE
against epochs and against seconds for the first seed.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time

import numpy as np

import bpnn

# name: (optimizer factory, batch_size, epoch budget, description). The learning rates are the
# best of a coarse grid on seed 0 (gd: 1.0 diverges, 0.5 is kept; momentum: 0.1 and 0.2; adam: 0.003
# and 0.01 with batches of 32, 0.05 full batch); rprop, lbfgs and lm use their defaults.
METHODS = {
    "gd": (lambda: bpnn.SGD(0.5), None, 30000, "SGD(0.5), full batch"),
    "momentum": (lambda: bpnn.SGD(0.2, momentum=0.9), None, 20000, "SGD(0.2, momentum=0.9), full batch"),
    "adam": (lambda: bpnn.Adam(0.01), 32, 3000, "Adam(0.01), batches of 32"),
    "rprop": (lambda: bpnn.Rprop(), None, 10000, "Rprop() (iRprop-), full batch"),
    "lbfgs": (lambda: bpnn.LBFGS(), None, 3000, "LBFGS(), full batch"),
    "lm": (lambda: bpnn.LevenbergMarquardt(), None, 300, "LevenbergMarquardt(), full batch"),
}


def sine_data(n: int, seed: int):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-np.pi, np.pi, size=(n, 1))
    return x, np.hstack([np.sin(x), np.ones_like(x)])


class RaceClock(bpnn.Callback):
    """Adds up the time spent training (not evaluating) and stops at the target test MSE."""

    def __init__(self, X_test, y_test, target):
        self.X_test, self.y_test, self.target = X_test, y_test, target
        self.seconds, self.curve, self.reached = 0.0, [], None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds += time.perf_counter() - self._start
        mse = float(np.mean((self.network.predict(self.X_test) - self.y_test) ** 2))
        self.curve.append((epoch, self.seconds, mse))
        if mse < self.target:
            self.reached = (epoch, self.seconds)
            self.network.stop_training = True


def race(name, seed, data, target):
    make, batch_size, budget, _ = METHODS[name]
    X, y, X_test, y_test = data
    net = bpnn.Network([bpnn.Dense(1, 10, "tanh"), bpnn.Dense(10, 2)], seed=seed)
    clock = RaceClock(X_test, y_test, target)
    net.fit(X, y, epochs=budget, optimizer=make(), batch_size=batch_size, seed=seed, callbacks=[clock])
    return clock


def warm_up(name, data):
    """A throwaway two-epoch run of ``name``: the one-off costs of a first call (numba compiling
    or loading the compiled loop, NumPy's and BLAS's first-call setup) are paid here, not in the
    first timed epoch, where they would put gd's first point far to the right on the seconds axis."""
    make, batch_size, _, _ = METHODS[name]
    X, y, _, _ = data
    net = bpnn.Network([bpnn.Dense(1, 10, "tanh"), bpnn.Dense(10, 2)], seed=12345)
    net.fit(X, y, epochs=2, optimizer=make(), batch_size=batch_size, seed=12345)


def save_plot(curves, target, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    for name, clock in curves.items():
        epochs, seconds, mse = np.array(clock.curve).T
        axes[0].loglog(epochs, mse, label=name)
        axes[1].loglog(np.maximum(seconds, 1e-4), mse, label=name)
    for ax, xlabel in zip(axes, ("epochs", "training seconds")):
        ax.axhline(target, color="k", lw=0.8, ls="--")
        ax.set_xlabel(xlabel)
        ax.set_ylabel("test MSE")
        ax.grid(True, which="major", alpha=0.3)
    axes[0].legend()
    fig.suptitle(f"1-10-2 tanh network on sin(x) and 1: test MSE until it falls below {target:g} (seed 0)")
    # write atomically: a half-written PNG never replaces a good one
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=directory)
    os.close(fd)
    try:
        fig.savefig(tmp, dpi=110)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="network seeds per method (default 3)")
    parser.add_argument("--target", type=float, default=1e-4, help="test MSE to reach (default 1e-4)")
    parser.add_argument("--out", default="docs/optimizer_race.png", help="where to save the plot")
    args = parser.parse_args(argv)
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
        threads = "BLAS pinned to 1 thread"
    except ImportError:
        threads = "BLAS threads not pinned (threadpoolctl missing)"
    import scipy.linalg  # noqa: F401  imported now, so the first lbfgs/lm epoch is not charged for it
    import scipy.optimize  # noqa: F401

    X, y = sine_data(1000, seed=0)
    X_test, y_test = sine_data(1000, seed=1)
    data = (X, y, X_test, y_test)
    rows, first = [], {}
    for name in METHODS:
        warm_up(name, data)
    for name, (_, _batch_size, budget, description) in METHODS.items():
        clocks = [race(name, seed, data, args.target) for seed in range(args.seeds)]
        first[name] = clocks[0]
        hits = [c.reached for c in clocks if c.reached]
        if hits:
            epochs = [e for e, _ in hits]
            secs = [s for _, s in hits]
            cell_e = f"{int(np.median(epochs))} ({min(epochs)}-{max(epochs)})"
            cell_s = f"{np.median(secs):.2f} ({min(secs):.2f}-{max(secs):.2f})"
        else:
            cell_e = cell_s = f"not within {budget} epochs"
        rows.append(f"| {name} | {description} | {cell_e} | {cell_s} | {len(hits)}/{len(clocks)} |")
        print(f"done: {name}", flush=True)
    print()
    print(
        f"Target test MSE {args.target:g}; median (min-max) over {args.seeds} network seeds; {threads}; "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} logical CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end; numpy {np.__version__}."
    )
    print()
    print("| method | settings | epochs to target | training seconds to target | reached |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    save_plot(first, args.target, args.out)
    print(f"\nplot saved to {args.out}")


if __name__ == "__main__":
    main()
