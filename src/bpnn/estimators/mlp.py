"""scikit-learn estimators on top of the bpnn engine: :class:`BPClassifier` and :class:`BPRegressor`.

They follow scikit-learn's estimator contract (hyperparameters stored untouched in
``__init__``, every check in ``fit``, fitted attributes ending in ``_``) and behave as
``MLPClassifier`` / ``MLPRegressor`` do -- the same parameters, fitted attributes, stopping
rules, warnings, multilabel targets, sparse and float32 input -- so they drop into code
written for those, and into ``Pipeline``, ``GridSearchCV``, ``cross_val_score`` and
joblib/Dask scale-out. ``tests/test_sklearn_mlp_port.py`` runs scikit-learn's own MLP
test-suite on them. The network itself is a :class:`bpnn.Network` (``network_``), trained
by the engine's loop with any optimizer registered in :data:`bpnn.OPTIMIZERS` (``solver``).

This module imports scikit-learn; the engine never imports this module, and
``import bpnn`` only loads it when ``bpnn.BPClassifier`` or ``bpnn.BPRegressor``
is first used.

Examples
--------
>>> from sklearn.datasets import load_iris
>>> from bpnn.sklearn import BPClassifier
>>> X, y = load_iris(return_X_y=True)
>>> clf = BPClassifier(hidden_layer_sizes=(10,), solver="lbfgs", max_iter=500, random_state=0).fit(X, y)
>>> clf.predict_proba(X[:2]).shape
(2, 3)
"""

from __future__ import annotations

import inspect
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, column_or_1d, validate_data

from bpnn.core.activations import ACTIVATIONS
from bpnn.core.initializers import Uniform
from bpnn.core.layers import Dense, Dropout
from bpnn.core.losses import get_loss
from bpnn.core.network import Network
from bpnn.estimators.files import save_estimator
from bpnn.training.callbacks import Callback
from bpnn.training.loop import DivergenceError
from bpnn.training.optimizers import OPTIMIZERS

# Hidden-layer activations a user may choose: the registry's, read at every use ("logistic" is
# scikit-learn's name for the sigmoid; softmax and exp are output activations only).
_HIDDEN_ACTIVATIONS = ACTIVATIONS.view(hidden=True, aliases=True)


def _solver_is(solver: str, capability: str) -> bool:
    """Whether the optimizer registered as ``solver`` has ``capability`` (see :data:`bpnn.OPTIMIZERS`):
    ``schedulable`` (learning_rate="invscaling"/"adaptive" applies, as to MLP's sgd; Adam ignores
    it, as in MLP), ``self_stopping`` (the n_iter_no_change rule on the training loss does not
    apply: MLP applies it to sgd and adam, not to lbfgs), ``squared_error`` (a classifier trained
    by lm or br uses the MSE loss on its sigmoid/softmax outputs, as MATLAB's patternnet does with
    trainlm), ``deterministic`` (no dropout) or ``full_batch`` (batch_size and partial_fit do not apply)."""
    return bool(OPTIMIZERS.capability(solver, capability))


# L-BFGS also stops when an iteration lowers the loss by a relative 2.2e-9 or less: SciPy's
# L-BFGS-B default (1e7 times the float64 machine epsilon), which MLP's lbfgs runs with
_LBFGS_FTOL = 1e7 * float(np.finfo(np.float64).eps)
# learning_rate="adaptive" divides the step by 5 when training stalls, and stops once it is this small
_ADAPTIVE_FACTOR, _ADAPTIVE_FLOOR = 5.0, 1e-6


def _plain_weights(sample_weight, n: int) -> bool:
    """True when the scores can be computed directly: no weights, or n weights with a positive sum
    (anything else goes to scikit-learn's metric, for its own error message)."""
    return sample_weight is None or (sample_weight.shape == (n,) and sample_weight.sum() > 0)


def _r2(Y: np.ndarray, out: np.ndarray, sample_weight) -> float:
    """``r2_score(Y, out, sample_weight=...)`` for 2-D arrays with the same defaults: the mean
    over outputs of 1 - SS_res / SS_tot, and for a constant output 1.0 if it is predicted
    exactly, else 0.0."""
    w = np.ones((len(Y), 1)) if sample_weight is None else sample_weight.reshape(-1, 1)
    mean = (w * Y).sum(axis=0) / w.sum()
    residual = (w * (Y - out) ** 2).sum(axis=0)
    total = (w * (Y - mean) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        each = np.where(total != 0, 1.0 - residual / total, np.where(residual == 0, 1.0, 0.0))
    return float(each.mean())


class FitDivergenceError(DivergenceError, ValueError):
    """The training loss of a ``BPClassifier``/``BPRegressor`` overflowed (NaN or infinite).

    A :class:`bpnn.DivergenceError` and, as scikit-learn's MLP reports non-finite weights,
    a ``ValueError``.
    """


def _forget_last_batch(net: Network) -> None:
    """Drop the arrays layers keep from their last forward pass.

    Layers cache their input and output for the backward pass; after training or
    predicting, those caches would keep the last data alive (and inside a pickle).
    """
    for layer in net.layers:
        for name in ("_input", "_output", "_z", "_mask"):
            if getattr(layer, name, None) is not None:
                setattr(layer, name, None)


class _StoppingRule(Callback):
    """scikit-learn's MLP bookkeeping, told by the engine's loop after every epoch.

    It records the epoch (``n_iter_``, ``t_``, ``loss_curve_``, the validation score),
    applies MLP's stopping rule and moves the learning rate of ``learning_rate="invscaling"``
    or ``"adaptive"``. Without a validation set the training loss is watched: an epoch
    "does not improve" when its loss is above ``best_loss_ - tol`` (not for solvers that
    stop themselves, such as lbfgs). With one (early stopping) the validation score is
    watched: an epoch does not improve when its score is below ``best_validation_score_ +
    tol``, and the weights of the best score are kept aside. After more than
    ``n_iter_no_change`` such epochs in a row training stops -- or, with
    ``learning_rate="adaptive"``, the step is divided by 5 and training goes on, until the
    step is below 1e-6.
    """

    def __init__(self, estimator, validation=None, incremental=False, n_samples=0):
        self.est = estimator
        self.validation = validation  # (X_val, Y_val, sample_weight_val) or None
        self.incremental = incremental
        self.n_samples = n_samples  # training samples per epoch, for t_
        self.stopped = False

    def on_epoch_end(self, epoch, logs=None):
        est = self.est
        loss = float(logs["loss"])
        est.n_iter_ += 1
        est.t_ += self.n_samples
        est.loss_curve_.append(loss)
        if est.verbose:
            print(f"Iteration {est.n_iter_}, loss = {loss:.8f}")
        if self.validation is not None:
            self._watch_validation_score()
        else:
            if not _solver_is(est.solver, "self_stopping"):
                worse = loss > est.best_loss_ - est.tol
                est._no_improvement_count = est._no_improvement_count + 1 if worse else 0
            est.best_loss_ = min(est.best_loss_, loss)
        optimizer = self.network.optimizer
        scheduled = _solver_is(est.solver, "schedulable")
        if scheduled and est.learning_rate == "invscaling":
            # the step of the next epoch, from the number of samples seen (as MLP counts)
            optimizer.learning_rate = est.learning_rate_init / (est.t_ + 1) ** est.power_t
        if est._no_improvement_count <= est.n_iter_no_change:
            return
        what = "Validation score" if self.validation is not None else "Training loss"
        message = f"{what} did not improve more than tol={est.tol} for {est.n_iter_no_change} consecutive epochs."
        if scheduled and est.learning_rate == "adaptive" and optimizer.learning_rate > _ADAPTIVE_FLOOR:
            optimizer.learning_rate /= _ADAPTIVE_FACTOR
            est._no_improvement_count = 0
            if est.verbose:
                print(f"{message} Setting learning rate to {optimizer.learning_rate:g}.")
            return
        if est.verbose:
            print(f"{message} Stopping.")
        if not self.incremental:  # partial_fit runs one epoch whatever the rule says
            self.stopped = True
            self.network.stop_training = True

    def _watch_validation_score(self):
        est = self.est
        X_val, Y_val, sw_val = self.validation
        out = self.network.predict(X_val)
        with np.errstate(all="ignore"):
            val_loss = float(self.network.loss_fn.value(Y_val, out, sw_val))
        score = est._score_outputs(out, Y_val, sw_val)
        est.validation_loss_curve_.append(val_loss)
        est.validation_scores_.append(score)
        if est.verbose:
            print(f"Validation score: {score:.6f}")
        # comparisons with a NaN score are False: a NaN epoch resets the count, as in MLP
        est._no_improvement_count = est._no_improvement_count + 1 if score < est.best_validation_score_ + est.tol else 0
        if score > est.best_validation_score_:
            est.best_validation_score_ = score
            est.best_validation_loss_ = val_loss
            est._best_weights = self.network.get_weights()


class _BaseBP(BaseEstimator):
    """What BPClassifier and BPRegressor share: the network, the loop, the stopping rule."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(_HIDDEN_ACTIVATIONS)],
        "solver": [StrOptions(OPTIMIZERS.view(aliases=True))],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "l1": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate_init=0.001,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        dropout=0.0,
        learning_rate="constant",
        power_t=0.5,
        max_fun=15000,
        l1=0.0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.l1 = l1
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.dropout = dropout
        self.learning_rate = learning_rate
        self.power_t = power_t
        self.max_fun = max_fun

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # CSR and CSC; other formats are converted to CSR
        return tags

    def __setstate__(self, state):
        # an estimator pickled by an older bpnn lacks the parameters added since: their defaults
        signature = inspect.signature(type(self).__init__).parameters.values()
        defaults = {p.name: p.default for p in signature if p.default is not inspect.Parameter.empty}
        super().__setstate__({**defaults, **state})

    # -- what the subclasses supply ------------------------------------------------------
    # _output_layer() -> (activation name, loss name)
    # _prepare_targets(y, first_pass, incremental, classes, sample_weight) -> 2-D float targets
    #     the network trains on (and, when they are defined, classes_ / target scaling)
    # _score_outputs(out, Y, sample_weight) -> accuracy or R^2 from network outputs (NaN if
    #     an output is not finite)
    # _stratify_labels(Y) -> the labels the validation split is stratified by, or None

    # -- building ----------------------------------------------------------------------
    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        sizes = [sizes] if np.ndim(sizes) == 0 else list(np.ravel(sizes))
        for size in sizes:
            if isinstance(size, (bool, np.bool_)) or not isinstance(size, Integral) or size < 1:
                raise ValueError(
                    f"The 'hidden_layer_sizes' parameter of {type(self).__name__} must be a "
                    f"positive int or a sequence of positive ints. Got {self.hidden_layer_sizes!r} "
                    "instead."
                )
        return [int(size) for size in sizes]

    def _check_solver_settings(self) -> None:
        name = type(self).__name__
        if self.dropout and _solver_is(self.solver, "deterministic"):
            raise ValueError(
                f"The 'dropout' parameter of {name} must be 0 with "
                f"solver={self.solver!r}, which evaluates the network several times per epoch and "
                f"needs the same answer each time. Got dropout={self.dropout!r} instead."
            )

    def _network_for_sizes(self, sizes: list[int], seed: int, dtype) -> Network:
        """A network with ``sizes`` units per layer (inputs first), Glorot-uniform weights and biases."""
        activation = "sigmoid" if self.activation == "logistic" else self.activation
        out_activation, loss = self._output_layer()
        # MLP's bounds: sqrt(6 / (fan_in + fan_out)), or sqrt(2 / ...) for logistic hidden units
        factor = 2.0 if activation == "sigmoid" else 6.0
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            last = i == len(sizes) - 2
            # Random biases, as scikit-learn's MLP draws them: they spread the kinks of small
            # ReLU layers, which trains faster than zeros (measured on diabetes and Friedman #1;
            # see docs/sklearn.md).
            bound = float(np.sqrt(factor / (n_in + n_out)))
            layers.append(
                Dense(
                    n_in,
                    n_out,
                    activation=out_activation if last else activation,
                    init=Uniform(-bound, bound),
                    bias_init=Uniform(-bound, bound),
                )
            )
            if self.dropout and not last:
                layers.append(Dropout(self.dropout))
        return Network(layers, loss=loss, seed=seed, alpha=self.alpha, l1=self.l1, dtype=dtype)

    def _make_optimizer(self):
        """The optimizer ``solver`` names, given every estimator parameter it takes (its ``params``
        in :data:`bpnn.OPTIMIZERS`); the others it ignores, as scikit-learn's MLP documents."""
        factory = OPTIMIZERS[self.solver]
        # the estimator's parameters under the keywords the optimizers take them as
        values = {
            "momentum": self.momentum,
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            # MLP's nesterovs_momentum=True is harmless with momentum=0; bpnn's SGD refuses that pair
            "nesterov": bool(self.nesterovs_momentum) and self.momentum > 0,
            "gtol": float(self.tol),
            "ftol": _LBFGS_FTOL,
            "norm": np.inf,  # tol bounds the largest partial derivative, as in MLP's L-BFGS-B
            "max_fun": int(self.max_fun),
        }
        takes = OPTIMIZERS.capability(self.solver, "params")
        unknown = [name for name in takes if name not in values]
        if unknown:
            raise ValueError(
                f"{type(self).__name__} cannot use solver={self.solver!r}: it is registered as taking "
                f"{unknown}, which are not parameters {type(self).__name__} has (it has {sorted(values)})."
            )
        kwargs = {name: values[name] for name in takes}
        if _solver_is(self.solver, "learning_rate"):
            kwargs["learning_rate"] = self.learning_rate_init
        return factory(**kwargs)

    def _adopt_coefs(self) -> None:
        """Make ``network_`` compute with ``coefs_`` and ``intercepts_`` when they are not its
        own arrays -- set or replaced by hand, as scikit-learn's MLP allows -- building the
        network from their shapes if there is none or its shapes differ."""
        name = type(self).__name__
        net = getattr(self, "network_", None)
        coefs, intercepts = list(self.coefs_), list(self.intercepts_)
        dense = [] if net is None else net._dense_layers()
        if (
            len(dense) == len(coefs) == len(intercepts)
            and all(c is layer.weights for c, layer in zip(coefs, dense))
            and all(b is layer.bias for b, layer in zip(intercepts, dense))
        ):
            return
        W = [np.asarray(c) for c in coefs]
        b = [np.atleast_1d(np.asarray(i)) for i in intercepts]
        shapes_ok = len(W) == len(b) >= 1 and all(w.ndim == 2 and bias.shape == (w.shape[1],) for w, bias in zip(W, b))
        shapes_ok = shapes_ok and all(W[i].shape[1] == W[i + 1].shape[0] for i in range(len(W) - 1))
        if not shapes_ok:
            raise ValueError(
                f"{name}: coefs_ and intercepts_ must be lists of one array per layer, coefs_[i] of shape "
                "(n_in, n_out) chaining from layer to layer and intercepts_[i] of shape (n_out,); got shapes "
                f"{[w.shape for w in W]} and {[bias.shape for bias in b]}."
            )
        if net is None or [layer.weights.shape for layer in dense] != [w.shape for w in W]:
            dtype = W[0].dtype if W[0].dtype in (np.float32, np.float64) else np.float64
            net = self.network_ = self._network_for_sizes([W[0].shape[0]] + [w.shape[1] for w in W], 0, dtype)
        weights = [p for pair in zip(W, b) for p in pair]
        # equal arrays that are not the same objects (a pickle loaded with memory-mapped, read-only
        # arrays) are left as they are: predict never writes
        if not all(np.array_equal(p, w) for p, w in zip(net.params, weights)):
            net.set_weights(weights)
        self._expose_weights()

    # -- the records of training ---------------------------------------------------------
    def _start_records(self) -> None:
        """The fitted attributes of a first fit, before its first epoch (MLP's set)."""
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self._no_improvement_count = 0
        self.best_loss_ = np.inf
        self.validation_scores_ = self.validation_loss_curve_ = None
        self.best_validation_score_ = self.best_validation_loss_ = None
        self._best_weights = None
        self._continue_records()

    def _continue_records(self) -> None:
        """Fill in what a warm start needs and lacks: early stopping switched on or off since the
        last fit, or coefs_ set by hand on an estimator that was never fitted."""
        # (also what an estimator saved or pickled by an older bpnn lacks)
        for name, value in (("n_iter_", 0), ("t_", 0), ("loss_curve_", []), ("_no_improvement_count", 0)):
            if getattr(self, name, None) is None:
                setattr(self, name, value)
        if not hasattr(self, "_best_weights"):
            self._best_weights = None
        if self.early_stopping:
            self.best_loss_ = None  # MLP: the training loss is not watched
            if (
                getattr(self, "validation_scores_", None) is None
                or getattr(self, "best_validation_score_", None) is None
            ):
                self.validation_scores_, self.validation_loss_curve_ = [], []
                self.best_validation_score_, self.best_validation_loss_ = -np.inf, None
                self._best_weights = None
        else:
            if getattr(self, "best_loss_", None) is None:
                self.best_loss_ = np.inf
            self.validation_scores_ = self.validation_loss_curve_ = None
            self.best_validation_score_ = self.best_validation_loss_ = None
            self._best_weights = None

    # -- training ------------------------------------------------------------------------
    def _check_solver(self) -> bool:
        """Whether ``partial_fit`` exists: for the solvers that update per batch (MLP: sgd, adam)."""
        if self.solver in OPTIMIZERS and _solver_is(self.solver, "full_batch"):
            raise AttributeError(
                f"partial_fit is only available for solvers that update the weights batch by batch; "
                f"solver={self.solver!r} works on the whole training set at once."
            )
        return True

    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        name = type(self).__name__
        if incremental and self.early_stopping:
            raise ValueError(
                f"{name}.partial_fit does not support early_stopping=True: there is no "
                "validation set to stop on. Set early_stopping=False."
            )
        # MLP's rule: a fit starts afresh unless it is warm-started or incremental and there are
        # weights to continue from (those of an earlier fit, or coefs_ set by hand)
        first_pass = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        X, y = validate_data(
            self,
            X,
            y,
            reset=first_pass,
            accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32),  # float32 stays float32: no float64 copy of X
            multi_output=True,
            **self._validate_kwargs(),
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
        Y = self._prepare_targets(y, first_pass, incremental, classes, sample_weight)
        self._check_solver_settings()

        self._random_state = check_random_state(self.random_state)
        if first_pass:
            seed = int(self._random_state.randint(np.iinfo(np.int32).max))
            sizes = [X.shape[1], *self._hidden_sizes(), Y.shape[1]]
            self.network_ = self._network_for_sizes(sizes, seed, X.dtype)
            self._start_records()
        else:
            self._adopt_coefs()
            self._continue_records()
        net = self.network_
        if net.n_inputs != X.shape[1] or net.n_outputs != Y.shape[1]:
            raise ValueError(
                f"{name}: the network maps {net.n_inputs} features to {net.n_outputs} outputs, but X has "
                f"{X.shape[1]} features and y needs {Y.shape[1]} outputs."
            )
        out_activation, loss = self._output_layer()
        if net.layers[-1].activation.name != out_activation:
            raise ValueError(
                f"{name}: the network's output activation is {net.layers[-1].activation.name!r}, but these "
                f"parameters need {out_activation!r} (was 'loss' changed since the first fit?). Fit with "
                "warm_start=False to start again."
            )
        # set_params between warm-started fits takes effect (a classifier switching to lm trains
        # on squared errors from then on); br estimates its own weight decay
        net.loss_fn = get_loss(loss)
        net.alpha = 0.0 if self.solver == "br" else float(self.alpha)
        net.l1 = float(self.l1)
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._make_optimizer()
        Y = np.asarray(Y, dtype=net.dtype)

        validation = None
        X_train, Y_train, sw_train = X, Y, sample_weight
        if self.early_stopping:
            X_train, Y_train, sw_train, validation = self._split_validation(X, Y, sample_weight)
        if not incremental:
            self.n_iter_ = 0  # max_iter and n_iter_ count the epochs of this fit (MLP's convention)
        n_train = X_train.shape[0]
        rule = _StoppingRule(self, validation, incremental, n_train)
        epochs = 1 if incremental else self.max_iter
        shuffle_seed = int(self._random_state.randint(np.iinfo(np.int32).max))
        diverged = None
        try:
            history = net.fit(
                X_train,
                Y_train,
                epochs=epochs,
                batch_size=self._batch_size(n_train),
                shuffle=bool(self.shuffle),
                seed=shuffle_seed,
                optimizer=self._optimizer,
                callbacks=[rule],
                sample_weight=sw_train,
                verbose=0,  # the stopping rule prints MLP's lines
            )
        except DivergenceError as exc:
            if self._best_weights is None:
                raise FitDivergenceError(
                    f"{name} (solver={self.solver!r}): {exc} For {name}, lower "
                    f"learning_rate_init (it is {self.learning_rate_init}) or scale the features, "
                    "for example with sklearn.preprocessing.StandardScaler.",
                    exc.history,
                ) from exc
            # early stopping has a best epoch to go back to: the diverged epoch is recorded as
            # MLP records it (NaN scores) and the fit ends there, with a warning
            diverged, history = exc, exc.history
            self.n_iter_ += 1
            self.loss_curve_.append(float("nan"))
            self.validation_scores_.append(float("nan"))
            self.validation_loss_curve_.append(float("nan"))
        finally:
            _forget_last_batch(net)
        if self.early_stopping and self._best_weights is not None:
            net.set_weights(self._best_weights)  # early stopping keeps the best epoch
        self._expose_weights()
        if diverged is not None:
            warnings.warn(
                f"{name}: training diverged at epoch {self.n_iter_} ({diverged}); the estimator keeps the "
                f"weights of the best validation score, {self.best_validation_score_:.6g}. Lower "
                f"learning_rate_init (it is {self.learning_rate_init}) or scale the features.",
                ConvergenceWarning,
                stacklevel=4,  # _fit, fit, scikit-learn's wrapper, the caller
            )
        elif history.interrupted:
            warnings.warn(
                f"{name}: training was interrupted (Ctrl-C) after {self.n_iter_} epoch(s); the estimator "
                "keeps the weights reached so far.",
                UserWarning,
                stacklevel=4,  # _fit, fit, scikit-learn's wrapper, the caller
            )
        elif not incremental:
            self._warn_if_not_converged(rule)
        return self

    def _warn_if_not_converged(self, rule) -> None:
        name = type(self).__name__
        losses = self.loss_curve_[len(self.loss_curve_) - self.n_iter_ :]  # this fit's epochs
        if losses and losses[-1] > 2.0 * losses[0] + self.tol:
            # The stopping rule also ends a run whose loss keeps growing; say why it ended.
            warnings.warn(
                f"{name}: the training loss rose from {losses[0]:.6g} to {losses[-1]:.6g} during fit "
                f"(solver={self.solver!r}): training diverged. Lower learning_rate_init (it is "
                f"{self.learning_rate_init}) or scale the features.",
                ConvergenceWarning,
                stacklevel=5,
            )
        elif getattr(self._optimizer, "budget_exhausted", False):
            warnings.warn(
                f"{name}: the solver {self.solver!r} made max_fun={self.max_fun} evaluations of the loss "
                f"in {self.n_iter_} iterations without converging. Increase max_fun or max_iter, or raise tol.",
                ConvergenceWarning,
                stacklevel=5,
            )
        elif not rule.stopped and not self.network_.stop_training and self.n_iter_ == self.max_iter:
            if self.early_stopping:
                unconverged = f"the validation score was still improving by more than tol={self.tol}"
            elif _solver_is(self.solver, "self_stopping"):
                unconverged = f"the norm of the gradient was still above tol={self.tol}"
            else:
                unconverged = f"the training loss was still improving by more than tol={self.tol}"
            warnings.warn(
                f"{name}: the solver {self.solver!r} ran max_iter={self.max_iter} epochs and {unconverged}. "
                "Increase max_iter, or raise tol.",
                ConvergenceWarning,
                stacklevel=5,
            )

    def _validate_kwargs(self) -> dict:
        return {}

    def _batch_size(self, n_samples: int) -> int | None:
        if _solver_is(self.solver, "full_batch"):
            return None  # whole-batch solvers (lm, br, lbfgs) ignore batch_size
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"{type(self).__name__}: batch_size={self.batch_size} is larger than the "
                f"{n_samples} training samples; using {n_samples} (one full batch).",
                UserWarning,
                stacklevel=5,
            )
        return min(self.batch_size, n_samples)

    def _split_validation(self, X, Y, sample_weight):
        stratify = self._stratify_labels(Y)
        arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]

        def split(stratify):
            return train_test_split(
                *arrays, test_size=self.validation_fraction, random_state=self._random_state, stratify=stratify
            )

        try:
            parts = split(stratify)
        except ValueError:
            if stratify is None or stratify.dtype != bool:
                raise
            # the binary labels as MLP passes them, one 0/1 column: the same failure, in MLP's
            # words (its classes named 'True' and 'False')
            parts = split(stratify.reshape(-1, 1))
        if parts[1].shape[0] < 2:
            raise ValueError(
                f"The validation set is too small: {type(self).__name__} holds out {parts[1].shape[0]} "
                f"sample(s) of {X.shape[0]} (validation_fraction={self.validation_fraction}), and early "
                "stopping needs at least 2. Increase 'validation_fraction' or use more data."
            )
        X_train, X_val, Y_train, Y_val = parts[:4]
        sw_train, sw_val = (None, None) if sample_weight is None else parts[4:]
        return X_train, Y_train, sw_train, (X_val, Y_val, sw_val)

    def _stratify_labels(self, Y):
        return None

    def _expose_weights(self) -> None:
        dense = self.network_._dense_layers()
        # the network's own arrays, not copies: they change when the network trains again
        self.coefs_ = [layer.weights for layer in dense]
        self.intercepts_ = [layer.bias for layer in dense]
        self.n_layers_ = len(dense) + 1
        activation = self.network_.layers[-1].activation.name
        self.out_activation_ = "logistic" if activation == "sigmoid" else activation  # MLP's names

    def _forward(self, X) -> np.ndarray:
        check_is_fitted(self)
        self._adopt_coefs()
        X = validate_data(self, X, reset=False, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32))
        out = self.network_.predict(X)
        _forget_last_batch(self.network_)
        return out

    # -- the public methods shared by both estimators --------------------------------------
    def to_onnx(self, dtype: str = "float32"):
        """The fitted estimator as an ONNX graph (an ``onnx.ModelProto``; needs the ``onnx`` package,
        bpnn's ``onnx`` extra).

        Input ``input`` [N, n_features]; outputs ``label`` and ``probabilities`` (classifier)
        or ``prediction`` (regressor). See :mod:`bpnn.io.onnx`.
        """
        from bpnn.io.onnx import estimator_to_onnx

        check_is_fitted(self)
        self._adopt_coefs()
        if hasattr(self, "classes_"):
            if self._kind() in ("single", "multilabel"):
                raise ValueError(
                    f"Cannot export a {type(self).__name__} fitted on a {self._kind()} target to ONNX: the "
                    "export writes one label per row from two or more classes."
                )
            kwargs = {"classes": self.classes_}
        else:
            kwargs = {"target_scaler": self.target_scaler_, "one_dimensional": self._y_ndim == 1}
        return estimator_to_onnx(self.network_, self.n_features_in_, dtype=dtype, **kwargs)

    def save(self, path) -> None:
        """Save hyperparameters, fitted state and network to a bpnn model file (no pickle);
        ``bpnn.load(path)`` gives back an estimator that predicts bit-identically."""
        save_estimator(self, path)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network on ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            float32 data are trained in float32, anything else in float64; a sparse matrix
            (CSR or CSC) is never densified.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels, a multilabel indicator matrix (classifier), or targets (regressor).
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights; the loss becomes the weighted mean.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, incremental=False)


class BPClassifier(ClassifierMixin, _BaseBP):
    """A feed-forward network classifier trained by backpropagation.

    Two classes get one sigmoid output and the binary cross-entropy; more classes get a
    softmax output and the categorical cross-entropy; a multilabel indicator matrix ``y``
    (one 0/1 column per label) gets one sigmoid output per label. Labels may be integers
    or strings; a single class is allowed (it is always predicted), as in MLPClassifier.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default=(100,)
        Neurons in each hidden layer; ``()`` means none (logistic regression).
    activation : str, default="relu"
        Activation of the hidden layers: a name of :data:`bpnn.ACTIVATIONS` registered as usable
        in a hidden layer (``"relu"``, ``"tanh"``, ``"logistic"``/``"sigmoid"``, ``"leaky_relu"``,
        ``"identity"``, ``"gelu"``, ``"gelu_tanh"``, ``"silu"``, ``"softplus"`` ...).
    solver : str, default="adam"
        Any optimizer name of :data:`bpnn.OPTIMIZERS` (``"sgd"``, ``"adam"``, ``"lbfgs"``,
        ``"lm"``, ...). Whole-batch solvers (``"lbfgs"``, ``"rprop"``, ``"lm"``, ``"br"``)
        ignore ``batch_size`` and have no ``partial_fit``.
    alpha : float, default=1e-4
        L2 penalty ``alpha / (2 m) * sum ||W||^2`` per batch of ``m`` samples (weights, not biases).
    batch_size : int or "auto", default="auto"
        Samples per update; ``"auto"`` is ``min(200, n_samples)``.
    learning_rate_init : float, default=0.001
        Step size of the solvers that have one.
    max_iter : int, default=200
        Most epochs per call of ``fit`` (for ``"lbfgs"``: iterations).
    shuffle : bool, default=True
        Reorder the samples every epoch (mini-batch solvers).
    random_state : int, RandomState instance or None, default=None
        Initial weights, shuffling and the validation split.
    tol : float, default=1e-4
        An epoch improves when the training loss drops below ``best - tol`` (or, with early
        stopping, the validation score rises above ``best + tol``); ``"lbfgs"`` stops when
        the norm of the gradient is at most ``tol``.
    verbose : bool, default=False
        Print the loss of every epoch.
    warm_start : bool, default=False
        ``fit`` continues from the current weights (``y`` must hold the same classes).
    momentum : float, default=0.9
        Momentum of the ``sgd`` solver.
    nesterovs_momentum : bool, default=True
        Nesterov's momentum for ``sgd``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified, except for multilabel
        targets), watch the accuracy on it, stop after ``n_iter_no_change`` epochs without
        improvement and keep the weights of the best epoch.
    validation_fraction : float, default=0.1
        Share of the data held out when ``early_stopping`` is on.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's decay rates and its numerical floor.
    n_iter_no_change : int or numpy.inf, default=10
        Epochs without improvement (by ``tol``) that stop training (not applied to the
        training loss of ``"lbfgs"``, as in MLP).
    dropout : float, default=0.0
        Dropout rate after every hidden layer (inverted dropout, training only).
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        How the step of ``sgd`` (and of the other first-order solvers with a plain step:
        ``gd``, ``momentum``, ``nesterov``, ``rmsprop``, ``adagrad``; not ``adam``) changes:
        ``"invscaling"`` sets it to ``learning_rate_init / (t_ + 1) ** power_t`` after every
        epoch; ``"adaptive"`` divides it by 5 instead of stopping when ``n_iter_no_change``
        epochs do not improve, and stops once it is below 1e-6.
    power_t : float, default=0.5
        The exponent of ``"invscaling"``.
    max_fun : int, default=15000
        Most evaluations of the loss (forward and backward passes) per fit of ``"lbfgs"``.
    l1 : float, default=0.0
        L1 penalty ``l1 / m * sum |W|`` per batch of ``m`` samples (weights, not biases).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels; for a multilabel ``y``, the column numbers ``0, ..., n_labels - 1``.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when ``X`` has string column names.
    n_outputs_ : int
        Output neurons: 1 for one or two classes, ``n_classes`` or ``n_labels`` otherwise.
    network_ : bpnn.Network
        The trained network.
    coefs_, intercepts_ : list of ndarray
        ``coefs_[i]`` has shape (n_in, n_out) of layer ``i``; the network's own arrays, of
        the dtype of ``X`` (float32 or float64). Arrays set here by hand are what
        ``partial_fit``, a warm-started ``fit`` and ``predict`` use.
    loss_curve_ : list of float
        Training loss (L2 penalty included) after each epoch, over every fit since the
        first (warm starts and ``partial_fit`` append).
    validation_scores_ : list of float or None
        Validation accuracy after each epoch (``early_stopping=True``), aligned with
        ``loss_curve_``; None without early stopping.
    validation_loss_curve_ : list of float or None
        Validation loss after each epoch, likewise.
    best_loss_ : float or None
        Lowest training loss reached; None with early stopping.
    best_validation_score_, best_validation_loss_ : float or None
        The validation accuracy and loss of the kept epoch (early stopping only).
    n_iter_ : int
        Epochs run by the last ``fit``; each ``partial_fit`` adds one.
    t_ : int
        Training samples seen by the solver, over every fit.
    n_layers_ : int
        Layers counting the input layer, as in scikit-learn's MLP.
    out_activation_ : str
        ``"logistic"`` or ``"softmax"``, as MLP names them.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), BPClassifier(hidden_layer_sizes=(16,), solver="lbfgs",
    ...                                                      random_state=0))
    >>> model.fit(X, y).score(X, y) > 0.97
    True
    """

    # Written out (not inherited) so that an unknown keyword names BPClassifier in its TypeError.
    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate_init=0.001,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        dropout=0.0,
        learning_rate="constant",
        power_t=0.5,
        max_fun=15000,
        l1=0.0,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate_init=learning_rate_init,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            dropout=dropout,
            learning_rate=learning_rate,
            power_t=power_t,
            max_fun=max_fun,
            l1=l1,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def _kind(self) -> str:
        """``"single"``, ``"binary"``, ``"multiclass"`` or ``"multilabel"``: how labels map to outputs."""
        kind = self.__dict__.get("_label_kind")
        if kind is None:  # an estimator saved before multilabel targets existed
            kind = "binary" if len(self.classes_) == 2 else "multiclass"
        return kind

    def _output_layer(self):
        squared = _solver_is(self.solver, "squared_error")
        if self._kind() == "multiclass":
            return "softmax", "mse" if squared else "categorical_crossentropy"
        return "sigmoid", "mse" if squared else "binary_crossentropy"

    def _prepare_targets(self, y, first_pass, incremental, classes, sample_weight):
        name = type(self).__name__
        if hasattr(y, "toarray"):  # a sparse label indicator matrix: small, made dense
            y = y.toarray()
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        multilabel = y.ndim == 2
        if multilabel and type_of_target(y) != "multilabel-indicator":
            raise ValueError(
                f"{name} takes a 2-D y only as a multilabel indicator matrix (one 0/1 column per label); "
                f"got a {type_of_target(y)!r} target of shape {y.shape}."
            )
        labels = np.arange(y.shape[1]) if multilabel else None
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            if classes is not None:
                self.classes_ = unique_labels(classes)
            else:
                self.classes_ = labels if multilabel else unique_labels(y)
            if multilabel:
                self._label_kind = "multilabel"
            else:
                self._label_kind = {1: "single", 2: "binary"}.get(len(self.classes_), "multiclass")
        else:
            if multilabel != (self._kind() == "multilabel"):
                raise ValueError(
                    f"{name} was fitted with a {'multilabel indicator' if not multilabel else 'label'} y; "
                    f"this y is {'a multilabel indicator matrix' if multilabel else 'labels'}."
                )
            if classes is not None and not np.array_equal(unique_labels(classes), self.classes_):
                raise ValueError(
                    f"classes={list(classes)!r} differs from the classes this {name} was first "
                    f"fitted with: {self.classes_.tolist()}."
                )
            if self.warm_start and not incremental:
                seen = labels if multilabel else unique_labels(y)
                if set(seen.tolist()) != set(self.classes_.tolist()):
                    raise ValueError(
                        f"{name}(warm_start=True) continues a fit on the classes {self.classes_.tolist()}, "
                        f"but y has the classes {seen.tolist()}. Fit with warm_start=False to start "
                        "again on other classes."
                    )
        if multilabel:
            if y.shape[1] != len(self.classes_):
                raise ValueError(
                    f"y has {y.shape[1]} label columns, but {name} has {len(self.classes_)} classes_ "
                    f"{self.classes_.tolist()}."
                )
            self.n_outputs_ = y.shape[1]
            return y.astype(np.float64)
        index = np.searchsorted(self.classes_, y)
        unknown = (index >= len(self.classes_)) | (self.classes_[np.minimum(index, len(self.classes_) - 1)] != y)
        if unknown.any():
            raise ValueError(
                f"y has labels not in classes_ {self.classes_.tolist()}: "
                f"{np.unique(y[unknown]).tolist()}. classes_ is fixed by the first fit "
                "(or by 'classes' in the first partial_fit)."
            )
        if sample_weight is not None and not incremental and len(self.classes_) > 1:
            weight = np.bincount(index, weights=sample_weight, minlength=len(self.classes_))
            if np.count_nonzero(weight > 0) < 2:
                raise ValueError(
                    f"{name} needs at least 2 classes with positive sample_weight; only class "
                    f"{self.classes_[weight > 0].tolist()} has any."
                )
        # one output for one or two classes (a single class trains it towards 0, as MLP does)
        self.n_outputs_ = 1 if len(self.classes_) <= 2 else len(self.classes_)
        if self.n_outputs_ == 1:
            return index.astype(np.float64).reshape(-1, 1)
        return np.eye(len(self.classes_))[index]

    def _stratify_labels(self, Y):
        kind = self._kind()
        if kind == "multilabel":
            return None  # as MLP: a split cannot be stratified by every label at once
        if kind == "multiclass":
            return Y.argmax(axis=1)
        # MLP stratifies by the one 0/1 column, which scikit-learn turns into a string per row
        # (3 µs a row); the same labels as one boolean per row give the same split, since
        # False < True as "False" < "True" (_split_validation gets MLP's messages back)
        return Y[:, 0] > 0.5

    def _score_outputs(self, out, Y, sample_weight):
        if not np.isfinite(out).all():
            return float("nan")
        kind = self._kind()
        if kind == "multilabel":
            truth, guess = Y > 0.5, out > 0.5
        elif kind == "multiclass":
            truth, guess = Y.argmax(axis=1), out.argmax(axis=1)
        elif kind == "binary":
            truth, guess = Y[:, 0] > 0.5, out[:, 0] > 0.5
        else:  # one class: it is always predicted
            truth = guess = np.zeros(len(Y), dtype=bool)
        if not _plain_weights(sample_weight, len(Y)):
            return float(accuracy_score(truth, guess, sample_weight=sample_weight))  # its own error
        # accuracy_score's number (subset accuracy for multilabel rows) without its per-call
        # validation, which cost more than the small network's epoch it scores
        correct = (truth == guess).all(axis=1) if truth.ndim == 2 else truth == guess
        return float(np.average(correct, weights=sample_weight))

    @available_if(_BaseBP._check_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over ``(X, y)``, continuing from the current weights and optimizer state.

        Only for the solvers that update batch by batch (not ``"lbfgs"``, ``"rprop"``,
        ``"lm"``, ``"br"``), as MLP has it for ``"sgd"`` and ``"adam"`` only.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        classes : array-like of shape (n_classes,), default=None
            Every class that can appear; required on the first call. Later calls may pass
            it again, but not change it.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        if classes is None and not hasattr(self, "classes_"):
            raise ValueError(
                f"{type(self).__name__}.partial_fit needs 'classes' (every class that can appear) "
                "on its first call. Got classes=None instead."
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), columns in the order of ``classes_``.

        For a multilabel ``y``: the probability of each label, which do not sum to one.
        """
        out = self._forward(X)
        kind = self._kind()
        if kind == "single":
            return np.ones_like(out)
        if kind == "binary":
            return np.hstack([1.0 - out, out])
        return out

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba` (``-inf`` where a probability is exactly 0)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample, shape (n_samples,); for a multilabel ``y``,
        the 0/1 indicator matrix of the labels with probability above 0.5."""
        proba = self.predict_proba(X)  # checks that the estimator is fitted
        if self._kind() == "multilabel":
            return (proba > 0.5).astype(np.int64)
        return self.classes_[proba.argmax(axis=1)]


class BPRegressor(RegressorMixin, _BaseBP):
    """A feed-forward network regressor trained by backpropagation (identity output, squared error).

    Takes every parameter of :class:`BPClassifier`, plus ``target_scaling`` and ``loss``.

    Parameters
    ----------
    target_scaling : {"standard", "minmax"} or None, default="standard"
        How the targets are scaled while training; predictions always come back in
        the original units. ``"standard"``: zero mean, unit variance, so the training
        loss is ``(1 - R^2) / 2`` on the training data and ``tol`` means the same on
        every data set. ``"minmax"``: each target's range to [-1, 1], as MATLAB's
        ``mapminmax``; the loss is then smaller, so a smaller ``tol`` is needed (see
        docs/sklearn.md). ``None``: the raw targets, as scikit-learn's MLPRegressor.
        Weighted by ``sample_weight``. The losses in ``loss_curve_`` are in scaled units.
        Not applied with ``loss="poisson"``, whose targets must stay counts or rates.
    loss : {"squared_error", "poisson"}, default="squared_error"
        ``"squared_error"``: half the mean squared error, identity output. ``"poisson"``:
        half the Poisson deviance with an exponential output (``out_activation_ = "exp"``),
        for targets ``y >= 0``; not with ``solver="lm"`` or ``"br"``, which fit squared errors.

    Attributes
    ----------
    target_scaler_ : MinMaxScaler, StandardScaler or None
        The fitted target scaling.
    n_outputs_ : int
        Number of targets.

    The other attributes are those of :class:`BPClassifier` (without ``classes_``);
    ``validation_scores_`` holds R^2.

    Examples
    --------
    MATLAB's ``fitnet(10)`` with ``trainlm``: 10 tanh neurons, Levenberg-Marquardt.

    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = make_pipeline(StandardScaler(), BPRegressor(hidden_layer_sizes=(10,), activation="tanh",
    ...                                                   solver="lm", random_state=0)).fit(X, y)
    >>> reg.score(X, y) > 0.6
    True
    """

    _parameter_constraints: dict = {
        **_BaseBP._parameter_constraints,
        "target_scaling": [StrOptions({"minmax", "standard"}), None],
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate_init=0.001,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        dropout=0.0,
        target_scaling="standard",
        learning_rate="constant",
        power_t=0.5,
        max_fun=15000,
        loss="squared_error",
        l1=0.0,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate_init=learning_rate_init,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            l1=l1,
            dropout=dropout,
            learning_rate=learning_rate,
            power_t=power_t,
            max_fun=max_fun,
        )
        self.target_scaling = target_scaling
        self.loss = loss

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _output_layer(self):
        if self.loss == "poisson":
            return "exp", "poisson"
        return "identity", "mse"

    def _check_solver_settings(self):
        super()._check_solver_settings()
        if self.loss == "poisson" and _solver_is(self.solver, "squared_error"):
            raise ValueError(
                f"The 'loss' parameter of {type(self).__name__} must be 'squared_error' with "
                f"solver={self.solver!r}, which fits squared errors. Got loss='poisson' instead."
            )

    def _validate_kwargs(self):
        return {"y_numeric": True}

    def _prepare_targets(self, y, first_pass, incremental, classes, sample_weight):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        if self.loss == "poisson" and (Y < 0).any():
            raise ValueError(
                f"{type(self).__name__}(loss='poisson') needs targets y >= 0 (counts or rates); "
                f"got a minimum of {Y.min()}."
            )
        if first_pass or not hasattr(self, "target_scaler_"):
            self._y_ndim = y.ndim
            self.n_outputs_ = Y.shape[1]
            self.target_scaler_ = None if self.loss == "poisson" else self._fit_target_scaler(Y, sample_weight)
        elif Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {Y.shape[1]} target column(s), but {type(self).__name__} was fitted with {self.n_outputs_}."
            )
        return Y if self.target_scaler_ is None else self.target_scaler_.transform(Y)

    def _fit_target_scaler(self, Y, sample_weight):
        # Weighted like the loss, so that integer weights scale exactly as repeated rows do.
        if self.target_scaling is None:
            return None
        if self.target_scaling == "minmax":
            return MinMaxScaler(feature_range=(-1, 1)).fit(Y if sample_weight is None else Y[sample_weight > 0])
        return StandardScaler().fit(Y, sample_weight=sample_weight)

    def _unscale(self, out):
        return out if self.target_scaler_ is None else self.target_scaler_.inverse_transform(out)

    def _score_outputs(self, out, Y, sample_weight):
        if not np.isfinite(out).all():
            return float("nan")
        if not _plain_weights(sample_weight, len(Y)) or len(Y) < 2:
            return float(r2_score(self._unscale(Y), self._unscale(out), sample_weight=sample_weight))
        # r2_score's number, computed on the scaled targets (R^2 of each output is unchanged by
        # the scaler's affine map of that output), without its per-call validation
        return _r2(Y, out, sample_weight)

    @available_if(_BaseBP._check_solver)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``(X, y)``, continuing from the current weights and optimizer state.

        Only for the solvers that update batch by batch (see :meth:`BPClassifier.partial_fit`).
        The target scaling is fitted on the first call's ``y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X) -> np.ndarray:
        """Predictions in the units of ``y``: shape (n_samples,) or (n_samples, n_outputs)."""
        out = self._unscale(self._forward(X))
        return out.ravel() if self._y_ndim == 1 else out


__all__ = ["BPClassifier", "BPRegressor", "FitDivergenceError"]
