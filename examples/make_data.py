"""Make the two example tables in examples/data/ (run from the repository root or anywhere).

    python examples/make_data.py

Both are synthetic, made here with a fixed seed, so they are ours to ship and the
same on every machine:

* ``regression.csv`` - 300 timings of a pendulum. The period follows the physics
  (large-amplitude correction and the thermal expansion of a steel rod), plus a
  stopwatch error of about 2 ms. ``mass_kg`` is measured but plays no part, as a
  network should find out.
* ``classification.csv`` - 240 parts sorted into three materials (labels 1, 2, 3)
  from three noisy sensor readings; the classes overlap a little.
* ``fruit.csv`` - 300 pieces of fruit (``apple``, ``lemon``, ``orange``: text labels)
  with an ``id``, two measurements and a text column ``color``; about 5% of the
  measurement and colour cells are empty, as in a real sorting log. It shows text
  labels, a categorical input and ``--impute``.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import numpy as np

SEED = 20240501
HERE = Path(__file__).resolve().parent / "data"
G = 9.80665  # m/s^2
STEEL_EXPANSION = 12e-6  # 1/K, linear expansion coefficient of steel


def pendulum(rng: np.random.Generator, n: int = 300) -> tuple[list[str], np.ndarray]:
    length = rng.uniform(0.2, 2.0, n)  # m, at 20 degC
    amplitude = rng.uniform(2.0, 60.0, n)  # degrees
    mass = rng.uniform(0.05, 2.0, n)  # kg, irrelevant to the period
    temperature = rng.uniform(-10.0, 40.0, n)  # degC
    theta = np.radians(amplitude)
    # Series for the exact period: T = 2 pi sqrt(L/g) (1 + theta^2/16 + 11 theta^4/3072 + ...)
    hot_length = length * (1 + STEEL_EXPANSION * (temperature - 20.0))
    period = 2 * math.pi * np.sqrt(hot_length / G) * (1 + theta**2 / 16 + 11 * theta**4 / 3072)
    period += rng.normal(0.0, 0.002, n)  # stopwatch error, s
    columns = ["length_m", "amplitude_deg", "mass_kg", "temperature_c", "period_s"]
    data = np.column_stack([length.round(4), amplitude.round(2), mass.round(3), temperature.round(1), period.round(5)])
    return columns, data


def materials(rng: np.random.Generator, n_per_class: int = 80) -> tuple[list[str], np.ndarray]:
    # Class centres of density (g/cm^3), hardness (arbitrary units) and conductivity (MS/m).
    centres = {1: (2.70, 3.0, 20.0), 2: (4.20, 4.5, 8.0), 3: (1.80, 2.5, 4.0)}
    spread = np.array([0.7, 1.0, 7.0])
    rows = []
    for label, centre in centres.items():
        values = rng.normal(centre, spread, size=(n_per_class, 3))
        values[:, 2] = np.abs(values[:, 2])  # conductivity is never negative
        rows.append(np.column_stack([values.round(3), np.full(n_per_class, label)]))
    data = np.concatenate(rows)
    data = data[rng.permutation(len(data))]
    return ["density", "hardness", "conductivity", "material"], data


def fruit(rng: np.random.Generator, n_per_class: int = 100) -> tuple[list[str], np.ndarray]:
    # weight (g), diameter (cm), and the colours each fruit shows with their chances
    kinds = {
        "apple": (160.0, 25.0, 7.4, 0.6, {"red": 0.5, "green": 0.35, "yellow": 0.15}),
        "lemon": (110.0, 18.0, 6.2, 0.5, {"yellow": 0.8, "green": 0.2}),
        "orange": (190.0, 30.0, 8.0, 0.7, {"orange": 0.9, "yellow": 0.07, "green": 0.03}),
    }
    rows = []
    for label, (w, w_sd, d, d_sd, colors) in kinds.items():
        weight = rng.normal(w, w_sd, n_per_class).round(1)
        diameter = rng.normal(d, d_sd, n_per_class).round(2)
        color = rng.choice(list(colors), size=n_per_class, p=list(colors.values()))
        rows += [[weight[i], diameter[i], color[i], label] for i in range(n_per_class)]
    order = rng.permutation(len(rows))
    table = np.array([rows[i] for i in order], dtype=object)
    for j in range(3):  # about 5% empty cells in each input column
        table[rng.random(len(table)) < 0.05, j] = ""
    ids = np.arange(1001, 1001 + len(table)).astype(object)
    return ["id", "weight_g", "diameter_cm", "color", "fruit"], np.column_stack([ids, table])


def write(path: Path, columns: list[str], data: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(columns)
        for row in data:
            writer.writerow([_cell(v) for v in row])
    os.replace(tmp, path)


def _cell(value) -> str:
    if isinstance(value, str):
        return value
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def main() -> None:
    rng = np.random.default_rng(SEED)
    write(HERE / "regression.csv", *pendulum(rng))
    write(HERE / "classification.csv", *materials(rng))
    # a generator of its own, so the first two tables stay as they were
    write(HERE / "fruit.csv", *fruit(np.random.default_rng(SEED + 1)))
    print(f"wrote {HERE / 'regression.csv'}, {HERE / 'classification.csv'} and {HERE / 'fruit.csv'}")


if __name__ == "__main__":
    main()
