"""The "doors" section: bpnn as users come in, not only the engine called directly.

Issue 16's cases time the ways in: the scikit-learn estimators (``BPClassifier`` with
float32 and float64 data, ``BPRegressor``), the small network through ``BPClassifier``,
the whole ``bpnn train`` command on the example tables, and seed 004's online training
as a plain install without numba runs it. Each is timed next to scikit-learn's
``MLPClassifier`` / ``MLPRegressor`` and PyTorch where they apply, with the harness's
interleaved repeats and child processes (``cases.py`` holds the cases, this module their
runners and data).

Runners follow ``runner(data, spec) -> Run`` (see ``core``). The estimators are asked for
exactly ``spec.epochs`` epochs: ``tol=0`` and ``n_iter_no_change`` above the epochs switch
their stopping rule off, as ``peers.run_sklearn`` does for scikit-learn.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from . import bpnn_runners
from .core import NotAvailable, Run, Spec, score, stopwatch
from .data import Data, _classification
from .peers import SKLEARN_ACTIVATION, sklearn_every_epoch

REPO = Path(__file__).resolve().parents[1]
TABLES = REPO / "examples" / "data"
# the example tables of `bpnn train`: file, target column, task
CLI_TABLES = {
    "classification": ("classification.csv", "material"),
    "regression": ("regression.csv", "period_s"),
}


# ---------------------------------------------------------------- data
def friedman(n_train: int = 20_000, n_test: int = 5_000, dtype=np.float64) -> Data:
    """Regression: Friedman #1 (10 features, 5 of them used, noise 0.5), as
    ``sklearn.datasets.make_friedman1`` draws it."""
    from sklearn.datasets import make_friedman1

    X, y = make_friedman1(n_samples=n_train + n_test, n_features=10, noise=0.5, random_state=0)
    X, Y = X.astype(dtype), y.reshape(-1, 1).astype(dtype)
    return Data(X[:n_train], Y[:n_train], None, X[n_train:], Y[n_train:], None)


def table(task: str) -> Data:
    """An example table of ``bpnn train`` as arrays (last column the target), 85/15 in file
    order. The runners of the command read the file themselves; these arrays only size the
    GEMM floor and the warm-up."""
    name, _ = CLI_TABLES[task]
    values = np.genfromtxt(TABLES / name, delimiter=",", skip_header=1)
    X, y = values[:, :-1], values[:, -1]
    cut = int(0.85 * len(X))
    if task == "regression":
        Y = y.reshape(-1, 1)
        return Data(X[:cut], Y[:cut], None, X[cut:], Y[cut:], None)
    labels = np.unique(y, return_inverse=True)[1]
    return _classification(X[:cut], X[cut:], labels[:cut], labels[cut:], int(labels.max()) + 1, np.float64)


# ---------------------------------------------------------------- the estimators
def _estimator_kwargs(spec: Spec) -> dict:
    extra = dict(momentum=0.0, nesterovs_momentum=False) if spec.optimizer == "sgd" else {}
    return dict(
        hidden_layer_sizes=spec.sizes[1:-1],
        activation=SKLEARN_ACTIVATION[spec.activation],
        solver=spec.optimizer,
        alpha=0.0,
        batch_size=spec.batch_size,
        learning_rate_init=spec.learning_rate,
        max_iter=spec.epochs,
        shuffle=True,
        random_state=spec.seed,
        tol=0.0,
        n_iter_no_change=spec.epochs + 1,  # never stops early: every epoch runs
        **extra,
    )


def _fit_estimator(model, X, y, spec: Spec) -> float:
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        seconds, _ = stopwatch(lambda: model.fit(X, y))
    assert model.n_iter_ == spec.epochs, (model.n_iter_, spec.epochs)
    return seconds


def bp_classifier(data: Data, spec: Spec) -> Run:
    """``bpnn.BPClassifier`` on the data as given (float32 stays float32 if the estimator keeps it)."""
    bpnn_runners.import_bpnn()  # this checkout's bpnn
    from bpnn.estimators.mlp import BPClassifier

    if not data.is_classification:
        raise NotAvailable("BPClassifier needs a classification case")
    model = BPClassifier(**_estimator_kwargs(spec))
    seconds = _fit_estimator(model, data.X_train, data.y_train, spec)
    return Run.whole(
        seconds,
        spec.epochs,
        score(data, model.predict_proba),
        network_dtype=str(model.network_.dtype),
        loss="log-loss (sigmoid + binary or softmax + categorical cross-entropy)",
    )


def with_validation(which: str):
    """Runner: ``BPClassifier`` (``which="bpnn"``) or ``MLPClassifier`` (``"sklearn"``) with
    ``early_stopping=True``: 10% of the training rows are held out and scored after every
    epoch (accuracy and, for bpnn, the validation loss). ``tol=0`` and ``n_iter_no_change``
    above the epochs keep every epoch running, so the timing includes the scoring."""

    def run(data: Data, spec: Spec) -> Run:
        if not data.is_classification:
            raise NotAvailable("this runner does classification")
        if which == "bpnn":
            bpnn_runners.import_bpnn()
            from bpnn.estimators.mlp import BPClassifier as Estimator
        else:
            from sklearn.neural_network import MLPClassifier as Estimator
        model = Estimator(**_estimator_kwargs(spec), early_stopping=True, validation_fraction=0.1)
        seconds = _fit_estimator(model, data.X_train, data.y_train, spec)
        assert len(model.validation_scores_) == spec.epochs
        return Run.whole(
            seconds, spec.epochs, score(data, model.predict_proba), best_validation=model.best_validation_score_
        )

    return run


def bp_regressor(data: Data, spec: Spec) -> Run:
    """``bpnn.BPRegressor`` (its default standard scaling of the targets)."""
    bpnn_runners.import_bpnn()
    from bpnn.estimators.mlp import BPRegressor

    model = BPRegressor(**_estimator_kwargs(spec))
    seconds = _fit_estimator(model, data.X_train, data.Y_train[:, 0], spec)
    return Run.whole(seconds, spec.epochs, score(data, model.predict), network_dtype=str(model.network_.dtype))


def sklearn_regressor(data: Data, spec: Spec) -> Run:
    """``MLPRegressor`` with Adam or SGD, every epoch run (the stopping rule off)."""
    from sklearn.neural_network import MLPRegressor

    if data.is_classification or spec.optimizer not in ("sgd", "adam"):
        raise NotAvailable("this runner does regression with sgd/adam")
    model = MLPRegressor(**sklearn_every_epoch(spec))
    seconds = _fit_estimator(model, data.X_train, data.Y_train[:, 0], spec)
    return Run.whole(seconds, spec.epochs, score(data, model.predict))


# ---------------------------------------------------------------- a plain install: no numba
def without_numba(data: Data, spec: Spec) -> Run:
    """bpnn's runner in a fresh interpreter where numba cannot be imported (``sys.modules
    ["numba"] = None`` before anything else, which is what Python does for a module that is
    not installed: ``import numba`` fails and ``importlib.util.find_spec`` says None). The
    child warms up, then times the run; this returns its numbers."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.npz"
        arrays = {f.name: getattr(data, f.name) for f in dataclasses.fields(data)}
        np.savez(path, **{k: v for k, v in arrays.items() if v is not None})
        request = {"spec": dataclasses.asdict(spec), "data": str(path)}
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks._no_numba", json.dumps(request)],
            cwd=REPO,
            env=_child_env(),
            capture_output=True,
            text=True,
        )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"the child without numba exited with {proc.returncode}: {proc.stderr[-2000:]}")
    result = json.loads(lines[-1])
    return Run(result["epoch_seconds"], result["metric"], result["info"])


def no_numba_child(request: dict) -> dict:
    """Body of ``python -m benchmarks._no_numba`` (numba already blocked there)."""
    fields = {f.name for f in dataclasses.fields(Data)}
    with np.load(request["data"]) as npz:
        data = Data(**{name: (npz[name] if name in npz.files else None) for name in fields})
    raw = request["spec"]
    spec = Spec(**{**raw, "sizes": tuple(raw["sizes"]), "seeds": tuple(raw["seeds"])})
    bpnn_runners.train(data.head(64), spec.replace(epochs=1))  # warm-up: imports, first calls
    run = bpnn_runners.train(data, spec)
    from bpnn.training import _fast

    if _fast._numba_installed() or sys.modules.get("numba") is not None:
        raise RuntimeError("numba was importable in the child meant to run without it")
    info = dict(run.info, numba="not importable", c_kernels=_c_kernels_built())
    return {"epoch_seconds": run.epoch_seconds, "metric": run.metric, "info": info}


def _c_kernels_built() -> bool:
    from bpnn.core import _native

    return _native.kernels() is not None


# ---------------------------------------------------------------- `bpnn train`, the whole command
def _child_env() -> dict:
    """This checkout's bpnn first on the path, and the BLAS thread count the harness set in
    this process (threadpoolctl's limit does not reach a child; the environment does)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    try:
        from threadpoolctl import threadpool_info

        threads = min(pool["num_threads"] for pool in threadpool_info())
        env.update(OPENBLAS_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    except (ImportError, ValueError):
        pass
    return env


def bpnn_train_cli(task: str):
    """Runner timing ``python -m bpnn train <table> --target <col> --out <file> --quiet``
    from start to exit (interpreter, imports, reading, training, scoring, saving); the
    metric is the saved model's test score."""

    def run(data: Data, spec: Spec) -> Run:
        name, target = CLI_TABLES[task]
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "model.bpnn"
            cmd = [sys.executable, "-m", "bpnn", "train", str(TABLES / name), "--target", target, "--out", str(out)]
            seconds, proc = stopwatch(
                lambda: subprocess.run(cmd + ["--quiet"], cwd=tmp, env=_child_env(), capture_output=True, text=True)
            )
            if proc.returncode != 0:
                raise RuntimeError(f"bpnn train exited with {proc.returncode}: {proc.stderr[-2000:]}")
            bpnn = bpnn_runners.import_bpnn()
            metrics = bpnn.load(out).metrics["test"]
        metric = metrics["accuracy"] if task == "classification" else metrics["rmse"][target] ** 2
        return Run.whole(seconds, 1, metric, command="bpnn train (defaults)")

    return run


# The same steps with scikit-learn, as a user would script them: read the table, hold out
# 15% for the test, scale to [-1, 1], a 10-unit tanh network with Adam and early stopping
# (patience 6, as bpnn train's), score the test rows. bpnn train's regression default is
# Levenberg-Marquardt, which scikit-learn does not have; Adam is its default.
SKLEARN_SCRIPT = """
import json, sys
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.preprocessing import MinMaxScaler

path, task = sys.argv[1], sys.argv[2]
values = np.genfromtxt(path, delimiter=",", skip_header=1)
X, y = values[:, :-1], values[:, -1]
strat = y if task == "classification" else None
X_fit, X_test, y_fit, y_test = train_test_split(X, y, test_size=0.15, random_state=0, stratify=strat)
scale = MinMaxScaler((-1, 1)).fit(X_fit)
kw = dict(hidden_layer_sizes=(10,), activation="tanh", solver="adam", early_stopping=True,
          validation_fraction=0.15 / 0.85, n_iter_no_change=6, max_iter=1000, random_state=0)
if task == "classification":
    model = MLPClassifier(batch_size=32, **kw).fit(scale.transform(X_fit), y_fit)
    metric = float(np.mean(model.predict(scale.transform(X_test)) == y_test))
else:
    y_scale = MinMaxScaler((-1, 1)).fit(y_fit[:, None])
    model = MLPRegressor(batch_size=32, **kw).fit(scale.transform(X_fit), y_scale.transform(y_fit[:, None])[:, 0])
    pred = y_scale.inverse_transform(model.predict(scale.transform(X_test))[:, None])[:, 0]
    metric = float(np.mean((pred - y_test) ** 2))
print(json.dumps({"metric": metric, "n_iter": int(model.n_iter_)}))
"""


def sklearn_script(task: str):
    """Runner timing :data:`SKLEARN_SCRIPT` from start to exit on the table of ``task``."""

    def run(data: Data, spec: Spec) -> Run:
        name, _ = CLI_TABLES[task]
        cmd = [sys.executable, "-c", SKLEARN_SCRIPT, str(TABLES / name), task]
        seconds, proc = stopwatch(lambda: subprocess.run(cmd, env=_child_env(), capture_output=True, text=True))
        if proc.returncode != 0:
            raise RuntimeError(f"the scikit-learn script exited with {proc.returncode}: {proc.stderr[-2000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        return Run.whole(seconds, 1, result["metric"], iterations=result["n_iter"], command="python script")

    return run
