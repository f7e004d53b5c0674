"""The peers bpnn is compared with: the reference loop, scikit-learn's MLP and a PyTorch
twin. Each runner has the signature ``runner(data, spec) -> Run`` (see ``core``).

Known differences from bpnn, recorded in the table notes:

* scikit-learn's ``MLPClassifier`` always trains with log-loss (one logistic output for
  two classes, softmax otherwise); it has no squared-error classifier. Its timing on the
  MSE cases is therefore the same architecture and optimizer with its own loss.
* scikit-learn initialises with Glorot-uniform weights *and* biases; the PyTorch twin
  copies that scheme (PyTorch's own default differs) so both start alike.
"""

from __future__ import annotations

import warnings

import numpy as np

from . import reference_loop
from .core import NotAvailable, Run, Spec, score, stopwatch, time_to_target_over_seeds
from .data import Data

SKLEARN_ACTIVATION = {"sigmoid": "logistic", "relu": "relu", "tanh": "tanh"}


# ---------------------------------------------------------------- reference loop
def run_reference(data: Data, spec: Spec) -> Run:
    if spec.batch_size != 1 or spec.optimizer != "sgd" or spec.loss != "mse":
        raise NotAvailable("the reference loop is per-sample SGD on the squared error only")
    seconds, (weights, biases) = stopwatch(
        lambda: reference_loop.train(
            data.X_train, data.Y_train, spec.sizes, spec.epochs, spec.learning_rate, seed=spec.seed
        )
    )
    metric = score(data, lambda X: reference_loop.predict(weights, biases, X))
    return Run.whole(seconds, spec.epochs, metric)


# ---------------------------------------------------------------- scikit-learn
def _sklearn_common(spec: Spec) -> dict:
    return dict(
        hidden_layer_sizes=spec.sizes[1:-1],
        activation=SKLEARN_ACTIVATION[spec.activation],
        alpha=0.0,
        random_state=spec.seed,
    )


def sklearn_every_epoch(spec: Spec) -> dict:
    """MLPClassifier/MLPRegressor keywords for SGD (no momentum) or Adam with ``spec``'s
    batches, step and epochs, the stopping rule off so that every epoch runs."""
    extra = dict(momentum=0.0, nesterovs_momentum=False) if spec.optimizer == "sgd" else {}
    return dict(
        **_sklearn_common(spec),
        solver=spec.optimizer,
        batch_size=spec.batch_size,
        learning_rate="constant",
        learning_rate_init=spec.learning_rate,
        max_iter=spec.epochs,
        tol=0.0,
        n_iter_no_change=np.inf,
        shuffle=True,
        early_stopping=False,
        **extra,
    )


def run_sklearn(data: Data, spec: Spec) -> Run:
    """``MLPClassifier`` with SGD or Adam, forced to run every epoch.

    ``tol=0`` and ``n_iter_no_change=inf`` disable the stopping rule, so ``max_iter``
    epochs always run; the ConvergenceWarning that then follows is expected.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    if spec.optimizer not in ("sgd", "adam") or not data.is_classification:
        raise NotAvailable(f"this runner does classification with sgd/adam, not {spec.optimizer}")
    model = MLPClassifier(**sklearn_every_epoch(spec))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        seconds, _ = stopwatch(lambda: model.fit(data.X_train, data.y_train))
    assert model.n_iter_ == spec.epochs, (model.n_iter_, spec.epochs)
    metric = score(data, model.predict_proba)
    return Run.whole(seconds, spec.epochs, metric, loss="log-loss (scikit-learn has no MSE classifier)")


def run_sklearn_lbfgs(data: Data, spec: Spec) -> Run:
    """``MLPRegressor(solver="lbfgs")`` timed to the target test MSE, median over ``spec.seeds``
    (see ``core.time_to_target_over_seeds``)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPRegressor

    if spec.target_mse is None:
        raise NotAvailable("time-to-target runner needs spec.target_mse")

    def fit_for_seed(seed: int):
        def fit(budget: int):
            model = MLPRegressor(
                **_sklearn_common(spec.replace(seed=seed)), solver="lbfgs", max_iter=budget, max_fun=10**9, tol=0.0
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                seconds, _ = stopwatch(lambda: model.fit(data.X_train, data.Y_train))
            return seconds, score(data, model.predict), model.n_iter_

        return fit

    return time_to_target_over_seeds(fit_for_seed, spec)


# ---------------------------------------------------------------- PyTorch
def import_torch():
    """Import torch, or raise NotAvailable (torch is a benchmark-only dependency)."""
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise NotAvailable(f"torch is not installed ({exc})") from None
    return torch


def torch_twin(spec: Spec, torch, generator):
    """``nn.Sequential`` of Linear layers with the spec's activations, Glorot-uniform init."""
    nn = torch.nn
    hidden = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU, "tanh": nn.Tanh}[spec.activation]
    output = {"sigmoid": nn.Sigmoid, "softmax": None, "identity": None}[spec.output]
    dtype = getattr(torch, spec.dtype)
    # scikit-learn's rule, for every layer: bound = sqrt(factor / (fan_in + fan_out)),
    # factor 2 for logistic networks, 6 otherwise.
    factor = 2.0 if spec.activation == "sigmoid" else 6.0
    modules = []
    pairs = list(zip(spec.sizes[:-1], spec.sizes[1:]))
    for i, (n_in, n_out) in enumerate(pairs):
        linear = nn.Linear(n_in, n_out, dtype=dtype)
        last = i == len(pairs) - 1
        bound = (factor / (n_in + n_out)) ** 0.5
        with torch.no_grad():
            linear.weight.uniform_(-bound, bound, generator=generator)
            linear.bias.uniform_(-bound, bound, generator=generator)
        modules.append(linear)
        if not last:
            modules.append(hidden())
        elif output is not None:
            modules.append(output())
    return nn.Sequential(*modules)


def run_torch(data: Data, spec: Spec) -> Run:
    """The PyTorch twin: pre-made tensors (sharing NumPy's memory), batches by slicing a
    per-epoch permutation, ``CrossEntropyLoss`` on logits or ``MSELoss`` on sigmoid outputs.
    Threads are whatever the harness set with ``torch.set_num_threads``."""
    torch = import_torch()
    if spec.optimizer not in ("sgd", "adam"):
        raise NotAvailable(f"the PyTorch twin does sgd/adam, not {spec.optimizer}")

    def train():
        generator = torch.Generator().manual_seed(spec.seed)
        model = torch_twin(spec, torch, generator)
        if spec.optimizer == "adam":
            optimizer = torch.optim.Adam(model.parameters(), lr=spec.learning_rate)
        else:
            optimizer = torch.optim.SGD(model.parameters(), lr=spec.learning_rate, momentum=0.0)
        X = torch.from_numpy(data.X_train)
        if spec.loss == "cross_entropy":
            loss_fn, T = torch.nn.CrossEntropyLoss(), torch.from_numpy(data.y_train)
        else:
            loss_fn, T = torch.nn.MSELoss(), torch.from_numpy(data.Y_train)
        n, batch = X.shape[0], spec.batch_size or X.shape[0]
        for _ in range(spec.epochs):
            order = torch.randperm(n, generator=generator)
            for start in range(0, n, batch):
                idx = order[start : start + batch]
                optimizer.zero_grad(set_to_none=True)
                loss = loss_fn(model(X[idx]), T[idx])
                loss.backward()
                optimizer.step()
        return model

    seconds, model = stopwatch(train)

    def predict(X):
        with torch.no_grad():
            return model(torch.from_numpy(X)).numpy()

    return Run.whole(seconds, spec.epochs, score(data, predict))
