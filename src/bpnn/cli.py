"""The ``bpnn`` command line. Bad arguments print one line and exit with status 2."""

from __future__ import annotations

import argparse
import sys

import numpy as np


def _demo_moons(args) -> int:
    from sklearn.datasets import make_moons
    from sklearn.model_selection import train_test_split

    import bpnn

    X, y = make_moons(n_samples=2000, noise=0.2, random_state=100)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=42)
    net = bpnn.NeuralNetwork(seed=args.seed)
    for n_in, n_out in [(2, 25), (25, 50), (50, 25), (25, 2)]:
        net.add_layer(bpnn.Layer(n_in, n_out, "sigmoid"))
    history = net.fit(X_train, np.eye(2)[y_train], epochs=args.epochs, learning_rate=args.learning_rate,
                      batch_size=args.batch_size, seed=args.seed, verbose=max(args.epochs // 10, 1))
    acc = float(np.mean(net.predict(X_test).argmax(axis=1) == y_test))
    print(f"2-25-50-25-2 sigmoid network on make_moons: final loss {history['loss'][-1]:.6f}, "
          f"test accuracy {acc:.2%}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bpnn", description="Neural networks trained by backpropagation.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run one of the seed experiments")
    demo.add_argument("name", choices=["moons"])
    demo.add_argument("--epochs", type=int, default=200)
    demo.add_argument("--learning-rate", type=float, default=1.0)
    demo.add_argument("--batch-size", type=int, default=16)
    demo.add_argument("--seed", type=int, default=0)
    from .cli_tables import add_table_commands

    add_table_commands(sub)  # train, predict, info, export
    return parser


class _Parser(argparse.ArgumentParser):
    pass


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if hasattr(args, "run"):  # the table commands report their own errors
        return args.run(args)
    try:
        return _demo_moons(args)
    except (ValueError, TypeError) as exc:
        print(f"bpnn: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
