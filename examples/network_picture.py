"""Draw the network picture of docs/tables.md (docs/network.png) from a real training run.

    python examples/network_picture.py

Trains on examples/data/fruit.csv as docs/tables.md does (text labels, a text column,
empty cells filled with the training median) and draws the trained network with
``bpnn.plots.network``: inputs named after the features (one-hot columns as
``color=...``), one column of neurons per layer, the weights as line width and colour.
"""

from __future__ import annotations

from pathlib import Path

import bpnn.plots
from bpnn.io.frames import read_frame
from bpnn.tables import train_table

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    table = read_frame(ROOT / "examples" / "data" / "fruit.csv")
    run = train_table(table, ["fruit"], ignore=["id"], impute="median", hidden=(6,), seed=0)
    path = bpnn.plots.network(run.model, ROOT / "docs" / "network.png")
    print(f"wrote {path} (test accuracy {run.model.metrics['test']['accuracy']:.4f})")


if __name__ == "__main__":
    main()
