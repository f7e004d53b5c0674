"""Why BPRegressor standardises its targets by default: "standard" against "minmax" (MATLAB's
mapminmax) and None, with the default tol.

Each cell is the mean R² of 3 × 5-fold cross-validation (seeds 0, 1, 2), adam, features
standardised in a Pipeline, and the mean number of epochs the fits ran.

    python examples/target_scaling.py
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.datasets import load_diabetes, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from bpnn.estimators.mlp import BPRegressor

DATA = {
    "diabetes": load_diabetes(return_X_y=True),
    "Friedman #1 (500 samples, noise 1)": make_friedman1(500, noise=1.0, random_state=0),
}
NETWORKS = {"(100,), max_iter=200": {}, "(10,), max_iter=1000": {"hidden_layer_sizes": (10,), "max_iter": 1000}}


def main() -> None:
    warnings.simplefilter("ignore", ConvergenceWarning)
    print("| data | network | standard | minmax | None |")
    print("|---|---|---|---|---|")
    with threadpool_limits(limits=1):
        for data_name, (X, y) in DATA.items():
            for net_name, params in NETWORKS.items():
                cells = []
                for scaling in ["standard", "minmax", None]:
                    r2, epochs = [], []
                    for seed in range(3):
                        model = make_pipeline(
                            StandardScaler(), BPRegressor(target_scaling=scaling, random_state=seed, **params)
                        )
                        out = cross_validate(
                            model, X, y, cv=KFold(5, shuffle=True, random_state=seed), return_estimator=True
                        )
                        r2.extend(out["test_score"])
                        epochs.extend(pipe[-1].n_iter_ for pipe in out["estimator"])
                    cells.append(f"R² {np.mean(r2):.3f}, {np.mean(epochs):.0f} epochs")
                print(f"| {data_name} | {net_name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
