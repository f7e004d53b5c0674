"""Held-out R² of `bpnn train --solver br` on scikit-learn's diabetes table, over several seeds.

Bayesian regularization (MATLAB's `trainbr`) is often run without a validation split, since
it regularizes itself. On a small, noisy table the held-out score then depends a lot on the
seed (the split and the initial weights), so one run says little. This script trains each
setting once per seed through the table workflow (the code behind `bpnn train`) and reports
the median, the smallest and the largest held-out R². docs/tables.md runs it when the site
is built; run it yourself from the repository root:

    PYTHONPATH=src python examples/br_spread.py [--seeds 5]
"""

from __future__ import annotations

import argparse
import functools
import os
import tempfile

import numpy as np

#: name -> (train_table keyword arguments, what `bpnn train` takes for it)
SETTINGS = {
    "br, no validation split, 10 hidden": (
        {"solver": "br", "split": (0.85, 0.0, 0.15)},
        "--solver br --split 0.85,0,0.15",
    ),
    "br, no validation split, 3 hidden": (
        {"solver": "br", "split": (0.85, 0.0, 0.15), "hidden": (3,)},
        "--solver br --split 0.85,0,0.15 --hidden 3",
    ),
    "br, validation split 70/15/15, 10 hidden (the default)": ({"solver": "br"}, "(defaults)"),
    "lm, validation split 70/15/15, 10 hidden": ({"solver": "lm"}, "--solver lm"),
}


@functools.cache  # the site is built once per language in one process
def held_out_r2(seeds: int = 5) -> dict[str, list[float]]:
    """Test-split R² of every setting of :data:`SETTINGS` for seeds 0 .. seeds-1."""
    from sklearn.datasets import load_diabetes

    from bpnn.io import read_csv
    from bpnn.tables import train_table

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "diabetes.csv")
        load_diabetes(as_frame=True, scaled=False).frame.to_csv(path, index=False)
        table = read_csv(path)
        return {
            name: [
                float(train_table(table, ["target"], seed=seed, **kwargs).model.metrics["test"]["r2"]["target"])
                for seed in range(seeds)
            ]
            for name, (kwargs, _) in SETTINGS.items()
        }


def markdown_table(seeds: int = 5) -> str:
    """The spread of :func:`held_out_r2` as a Markdown table."""
    rows = [
        f"| setting | `bpnn train` options | test R², median over seeds 0–{seeds - 1} | smallest – largest |",
        "|---|---|---:|---:|",
    ]
    for name, r2 in held_out_r2(seeds).items():
        rows.append(f"| {name} | `{SETTINGS[name][1]}` | {np.median(r2):.2f} | {min(r2):.2f} – {max(r2):.2f} |")
    return "\n".join(rows)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args(argv)
    print(markdown_table(args.seeds))
    for name, r2 in held_out_r2(args.seeds).items():
        print(name, " ".join(f"{v:.2f}" for v in r2))


if __name__ == "__main__":
    main()
