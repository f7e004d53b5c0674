"""BPClassifier / BPRegressor against scikit-learn's MLPClassifier / MLPRegressor.

Same data, same architecture, same hyperparameters, same folds: every row is 5-fold
cross-validation repeated 3 times (seeds 0, 1, 2 for both the folds and the estimators'
random_state), with the features standardised inside a Pipeline. The "difference" column
is the mean of the 15 paired differences (bpnn - MLP) with its standard error; the times
are the median wall-clock seconds of one fit, with BLAS limited to one thread for both.

    python examples/compare_sklearn.py                       # print the table
    python examples/compare_sklearn.py --write docs/sklearn.md   # and put it in the docs
    python examples/compare_sklearn.py --quick               # one repetition, for a smoke test
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
import warnings

import numpy as np
import sklearn
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

import bpnn
from bpnn.estimators.mlp import BPClassifier, BPRegressor

BEGIN, END = "<!-- compare_sklearn:begin -->", "<!-- compare_sklearn:end -->"

DATASETS = {
    "digits": (load_digits, "classification"),
    "breast cancer": (load_breast_cancer, "classification"),
    "diabetes": (load_diabetes, "regression"),
}


def _mlp_with_scaled_targets(**params):
    # what a careful scikit-learn user does for regression: standardise y outside the MLP
    return TransformedTargetRegressor(MLPRegressor(**params), transformer=StandardScaler())


# (label, datasets, bpnn parameters, MLP factory name, MLP parameters). The MLP rows use the
# closest scikit-learn solver: bpnn's lm and br have no scikit-learn counterpart, so they
# are set against MLP's lbfgs on the same small network (MATLAB's fitnet default of 10 neurons);
# lm stops on a validation set as MATLAB's trainlm does by default (max_fail = 6).
ROWS = [
    ("adam, (100,), MLP defaults", ["digits", "breast cancer", "diabetes"], {}, "mlp", {}),
    ("adam, (100,), MLP with standardised y", ["diabetes"], {}, "mlp_scaled_y", {}),
    ("lbfgs, (100,)", ["digits", "breast cancer", "diabetes"], {"solver": "lbfgs"}, "mlp", {"solver": "lbfgs"}),
    (
        "lm + early stopping (15 %, 6 fails) vs MLP lbfgs, (10,)",
        ["breast cancer", "diabetes"],
        {
            "solver": "lm",
            "hidden_layer_sizes": (10,),
            "early_stopping": True,
            "validation_fraction": 0.15,
            "n_iter_no_change": 6,
        },
        "mlp",
        {"solver": "lbfgs", "hidden_layer_sizes": (10,)},
    ),
    (
        "br vs MLP lbfgs, (10,)",
        ["breast cancer", "diabetes"],
        {"solver": "br", "hidden_layer_sizes": (10,)},
        "mlp",
        {"solver": "lbfgs", "hidden_layer_sizes": (10,)},
    ),
]


def _make(kind, task, params, seed):
    if kind == "bpnn":
        return (BPClassifier if task == "classification" else BPRegressor)(random_state=seed, **params)
    if kind == "mlp_scaled_y":
        return _mlp_with_scaled_targets(random_state=seed, **params)
    return (MLPClassifier if task == "classification" else MLPRegressor)(random_state=seed, **params)


def evaluate(dataset, task, bp_params, mlp_kind, mlp_params, repeats):
    """Paired scores and fit times of bpnn and MLP over ``repeats`` x 5 folds."""
    X, y = DATASETS[dataset][0](return_X_y=True)
    scores = {"bpnn": [], "mlp": []}
    times = {"bpnn": [], "mlp": []}
    for seed in range(repeats):
        splitter = (StratifiedKFold if task == "classification" else KFold)(5, shuffle=True, random_state=seed)
        for train, test in splitter.split(X, y):
            for kind, make_kind, params in [("bpnn", "bpnn", bp_params), ("mlp", mlp_kind, mlp_params)]:
                model = make_pipeline(StandardScaler(), _make(make_kind, task, params, seed))
                start = time.perf_counter()
                model.fit(X[train], y[train])
                times[kind].append(time.perf_counter() - start)
                scores[kind].append(model.score(X[test], y[test]))
    return {k: np.array(v) for k, v in scores.items()}, {k: float(np.median(v)) for k, v in times.items()}


def table(repeats: int) -> str:
    metric = {"classification": "accuracy", "regression": "R²"}
    lines = [
        "| data set | solver, hidden layers | metric | bpnn | scikit-learn MLP | bpnn − MLP (± SE) "
        "| fit s bpnn / MLP |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, datasets, bp_params, mlp_kind, mlp_params in ROWS:
        for dataset in datasets:
            task = DATASETS[dataset][1]
            s, t = evaluate(dataset, task, bp_params, mlp_kind, mlp_params, repeats)
            diff = s["bpnn"] - s["mlp"]
            se = diff.std(ddof=1) / np.sqrt(len(diff))
            lines.append(
                f"| {dataset} | {label} | {metric[task]} | {s['bpnn'].mean():.4f} ± {s['bpnn'].std(ddof=1):.4f} "
                f"| {s['mlp'].mean():.4f} ± {s['mlp'].std(ddof=1):.4f} | {diff.mean():+.4f} ± {se:.4f} "
                f"| {t['bpnn']:.2f} / {t['mlp']:.2f} |"
            )
            print(lines[-1], flush=True)
    n = 5 * repeats
    lines.append("")
    lines.append(
        f"Mean ± standard deviation over {n} folds ({repeats} × 5-fold, seeds 0–{repeats - 1}); "
        f"bpnn {bpnn.__version__}, scikit-learn {sklearn.__version__}, NumPy {np.__version__}, "
        f"Python {platform.python_version()}, one BLAS thread. "
        "Produced by `python examples/compare_sklearn.py --write docs/sklearn.md`."
    )
    return "\n".join(lines)


def write_between_markers(path: str, text: str) -> None:
    """Replace what lies between the markers in ``path``, atomically (temp file + rename)."""
    with open(path, encoding="utf-8") as f:
        doc = f.read()
    if BEGIN not in doc or END not in doc:
        raise SystemExit(f"compare_sklearn: error: {path} has no {BEGIN} ... {END} markers")
    head, rest = doc.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    new = f"{head}{BEGIN}\n{text}\n{END}{tail}"
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), prefix=".compare_sklearn.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(new)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="MARKDOWN", help="put the table between the markers of this file")
    parser.add_argument("--quick", action="store_true", help="one repetition of 5 folds instead of three")
    args = parser.parse_args(argv)
    # Both libraries stop at max_iter with a ConvergenceWarning on some folds; the table is the point here.
    warnings.simplefilter("ignore", ConvergenceWarning)
    with threadpool_limits(limits=1):
        text = table(1 if args.quick else 3)
    if args.write:
        write_between_markers(args.write, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
