"""``python -m benchmarks.tables_defaults``: ``bpnn train``'s defaults against a scikit-learn pipeline.

Six real tables that ship inside installed packages, written as CSV files with text
labels (scikit-learn's iris, wine, breast cancer, digits and diabetes; the Palmer
penguins of the ``palmerpenguins`` package, whose cells are partly empty). On each,
for several seeds:

* **bpnn**: what ``bpnn train TABLE --target COL --impute median`` does (the file read
  by :func:`bpnn.io.frames.read_frame`, then :func:`bpnn.tables.train_table` with the
  command's defaults), in this process;
* **scikit-learn**: the pipeline a competent user writes: ``SimpleImputer`` (median for
  numbers, most frequent for text) + ``OneHotEncoder`` + ``StandardScaler`` +
  ``MLPClassifier`` / ``MLPRegressor`` (scikit-learn's defaults, ``max_iter=1000``; the
  regressor's target standardized with ``TransformedTargetRegressor``), fitted on the rows
  bpnn trained and validated on,

both scored on the **same test rows** (the test split of bpnn's seeded split): accuracy
for classification, R² for regression; and the seconds each took (reading included for
bpnn, which reads a file; scikit-learn is given the DataFrame).

``--set NAME=VALUE`` passes a setting to ``train_table`` (``hidden=20``,
``scale=standard``, ...), to measure a candidate default against today's.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

#: The tables: name -> (loader, target column, task).
TABLES = ("iris", "wine", "breast_cancer", "digits", "diabetes", "penguins")


def load_table(name: str) -> tuple[pd.DataFrame, str]:
    """A table as a DataFrame with text labels, and its target column."""
    if name == "penguins":
        from palmerpenguins import load_penguins

        df = load_penguins()
        return df[df["body_mass_g"].notna()].reset_index(drop=True), "body_mass_g"
    from sklearn import datasets

    bunch = getattr(datasets, f"load_{name}")(as_frame=True)
    df = bunch.frame.copy()
    df.columns = [str(c).replace(" ", "_") for c in df.columns]
    if name == "diabetes":
        return df, "target"
    names = np.asarray(getattr(bunch, "target_names", np.unique(df["target"])))
    df["target"] = [f"class_{v}" if name == "digits" else str(names[v]) for v in df["target"]]
    return df, "target"


def run_bpnn(path: str, target: str, seed: int, settings: dict) -> tuple[float, float, dict]:
    """Score, seconds and the split rows of ``bpnn train`` with its defaults (and ``settings``)."""
    from bpnn.io.frames import read_frame
    from bpnn.tables import train_table

    start = time.perf_counter()
    run = train_table(read_frame(path), [target], seed=seed, impute="median", **settings)
    seconds = time.perf_counter() - start
    test = run.model.metrics["test"]
    score = test["accuracy"] if run.model.task == "classification" else test["r2"][target]
    return score, seconds, run.rows


def run_sklearn(df: pd.DataFrame, target: str, rows: dict, classification: bool, seed: int) -> tuple[float, float]:
    """Score on ``rows["test"]`` and seconds of the scikit-learn pipeline fitted on the other rows."""
    from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.metrics import accuracy_score, r2_score
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    X = df.drop(columns=target)
    y = df[target].to_numpy()
    text = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    numbers = [c for c in X.columns if c not in text]
    columns = ColumnTransformer(
        [
            ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numbers),
            (
                "text",
                make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")),
                text,
            ),  # fmt: skip
        ]
    )
    if classification:
        model = MLPClassifier(max_iter=1000, random_state=seed)
    else:
        model = TransformedTargetRegressor(MLPRegressor(max_iter=1000, random_state=seed), transformer=StandardScaler())
    pipe = make_pipeline(columns, model)
    fit_rows = np.concatenate([rows["train"], rows["validation"]])
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pipe.fit(X.iloc[fit_rows], y[fit_rows])
        predicted = pipe.predict(X.iloc[rows["test"]])
    seconds = time.perf_counter() - start
    truth = y[rows["test"]]
    return (accuracy_score if classification else r2_score)(truth, predicted), seconds


def measure(tables=TABLES, seeds=(0, 1, 2), settings: dict | None = None, peer: bool = True) -> list[dict]:
    """One row per table: the scores and seconds of both (of bpnn alone without ``peer``), per seed."""
    settings = dict(settings or {})
    out = []
    with tempfile.TemporaryDirectory() as folder:
        for name in tables:
            try:
                df, target = load_table(name)
            except ImportError as exc:  # palmerpenguins is in the bench extra
                print(f"{name:<14}left out: {exc}", flush=True)
                continue
            path = os.path.join(folder, f"{name}.csv")
            df.to_csv(path, index=False)
            classification = not pd.api.types.is_numeric_dtype(df[target])
            scores: dict[str, list[float]] = {"bpnn": [], "sklearn": []}
            times: dict[str, list[float]] = {"bpnn": [], "sklearn": []}
            for seed in seeds:
                score, seconds, rows = run_bpnn(path, target, seed, settings)
                scores["bpnn"].append(score)
                times["bpnn"].append(seconds)
                score, seconds = run_sklearn(df, target, rows, classification, seed) if peer else (np.nan, np.nan)
                scores["sklearn"].append(score)
                times["sklearn"].append(seconds)
            out.append(
                {
                    "table": name,
                    "shape": list(df.shape),
                    "target": target,
                    "metric": "accuracy" if classification else "R2",
                    "test_rows": int(len(rows["test"])),
                    "scores": scores,
                    "seconds": times,
                }
            )
            print(_line(out[-1]), flush=True)
    return out


def _line(row: dict) -> str:
    s, t = row["scores"], row["seconds"]

    def stat(values):
        return f"{np.mean(values):.4f} ± {np.std(values):.4f}"

    return (
        f"{row['table']:<14}{row['metric']:<9}{row['test_rows']:>5}  bpnn {stat(s['bpnn'])} in "
        f"{np.mean(t['bpnn']):6.2f} s   scikit-learn {stat(s['sklearn'])} in {np.mean(t['sklearn']):6.2f} s"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tables_defaults", description=__doc__.splitlines()[0])
    parser.add_argument("--table", action="append", choices=TABLES, help="only these tables (repeatable)")
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0..N-1 (default: 3)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a train_table setting")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    parser.add_argument("--bpnn-only", action="store_true", help="leave out scikit-learn (to compare settings)")
    args = parser.parse_args(argv)
    settings = {}
    for item in args.set:
        key, _, value = item.partition("=")
        settings[key] = json.loads(value) if value[:1] in "[{0123456789-tfn" else value
        if key == "hidden":
            settings[key] = tuple(settings[key]) if isinstance(settings[key], list) else (int(value),)
    print(f"bpnn train defaults{' with ' + str(settings) if settings else ''} vs scikit-learn, mean ± sd over "
          f"{args.seeds} seeds, same test rows")  # fmt: skip
    rows = measure(args.table or TABLES, tuple(range(args.seeds)), settings, peer=not args.bpnn_only)
    if args.json:
        Path(args.json).write_text(json.dumps({"settings": settings, "rows": rows}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
