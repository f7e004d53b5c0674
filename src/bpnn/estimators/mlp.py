"""scikit-learn estimators on top of the bpnn engine: :class:`BPClassifier` and :class:`BPRegressor`.

They follow scikit-learn's estimator contract (hyperparameters stored untouched in
``__init__``, every check in ``fit``, fitted attributes ending in ``_``) and its
``MLPClassifier`` / ``MLPRegressor`` vocabulary, so they drop into ``Pipeline``,
``GridSearchCV``, ``cross_val_score`` and joblib/Dask scale-out unchanged. The
network itself is a :class:`bpnn.Network` (``network_``), trained by the engine's
loop with any optimizer registered in :data:`bpnn.OPTIMIZERS` (``solver``).

This module imports scikit-learn; the engine never imports this module, and
``import bpnn`` only loads it when ``bpnn.BPClassifier`` or ``bpnn.BPRegressor``
is first used.

Examples
--------
>>> from sklearn.datasets import load_iris
>>> from bpnn.sklearn import BPClassifier
>>> X, y = load_iris(return_X_y=True)
>>> clf = BPClassifier(hidden_layer_sizes=(10,), solver="lbfgs", random_state=0).fit(X, y)
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
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, column_or_1d, validate_data

from bpnn.core.initializers import Uniform
from bpnn.core.layers import Dense, Dropout
from bpnn.core.losses import get_loss
from bpnn.core.network import Network
from bpnn.estimators.files import save_estimator
from bpnn.training.callbacks import Callback
from bpnn.training.loop import DivergenceError
from bpnn.training.optimizers import OPTIMIZERS

# Hidden-layer activations a user may choose (softmax belongs to the output layer only);
# "logistic" is scikit-learn's name for the sigmoid.
_HIDDEN_ACTIVATIONS = {"identity", "linear", "logistic", "sigmoid", "tanh", "relu", "leaky_relu"}

# The estimator hyperparameters each optimizer takes, beyond learning_rate_init. As in
# scikit-learn's MLP, momentum belongs to SGD alone (RMSprop's own momentum stays at
# its default of 0) and the betas to Adam.
_OPTIMIZER_ARGS = {
    "sgd": ("momentum", "nesterov"),
    "gd": ("momentum", "nesterov"),
    "momentum": ("momentum",),
    "nesterov": ("momentum",),
    "adam": ("beta_1", "beta_2", "epsilon"),
    "adamw": ("beta_1", "beta_2", "epsilon"),
    "rmsprop": ("epsilon",),
    "adagrad": ("epsilon",),
}

# Whole-batch solvers that need a deterministic network (no dropout), and those among them
# that minimise a sum of squared errors: a classifier trained by lm or br uses the MSE loss
# on its sigmoid/softmax outputs, as MATLAB's patternnet does with trainlm.
_EXACT_SOLVERS = {"lbfgs", "lm", "br"}
_SQUARED_ERROR_SOLVERS = {"lm", "br"}


def _forget_last_batch(net: Network) -> None:
    """Drop the arrays layers keep from their last forward pass.

    Layers cache their input and output for the backward pass; after training or
    predicting, those caches would keep the last data alive (and inside a pickle).
    """
    for layer in net.layers:
        for name in ("_input", "_output", "_mask"):
            if getattr(layer, name, None) is not None:
                setattr(layer, name, None)


class _StoppingRule(Callback):
    """scikit-learn's MLP stopping rule, told by the engine's loop after every epoch.

    Without a validation set the training loss is watched; with one (early stopping)
    the validation loss is, and the weights of its best epoch are kept aside. An
    epoch "does not improve" when the watched loss is above ``best - tol``; training
    stops after more than ``n_iter_no_change`` such epochs in a row.
    """

    def __init__(self, estimator, validation=None, incremental=False):
        self.est = estimator
        self.validation = validation  # (X_val, Y_val, sample_weight_val) or None
        self.incremental = incremental
        self.stopped = False
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        est = self.est
        loss = float(logs["loss"])
        est.loss_curve_.append(loss)
        est.n_iter_ += 1
        est.best_loss_ = min(est.best_loss_, loss)
        if self.validation is None:
            watched = loss
        else:
            X_val, Y_val, sw_val = self.validation
            out = self.network.predict(X_val)
            watched = float(self.network.loss_fn.value(Y_val, out, sw_val))
            est.validation_loss_curve_.append(watched)
            est.validation_scores_.append(est._score_outputs(out, Y_val, sw_val))
            if est.verbose:
                print(f"validation loss {watched:.8f}, validation score {est.validation_scores_[-1]:.6f}")
        if self.incremental:  # partial_fit: one epoch, no stopping decisions
            return
        best = est._best_watched
        est._no_improvement_count = est._no_improvement_count + 1 if watched > best - est.tol else 0
        if watched < best:
            est._best_watched = watched
            if self.validation is not None:
                self.best_weights = self.network.get_weights()
                est.best_validation_loss_ = watched
                est.best_validation_score_ = est.validation_scores_[-1]
        if est._no_improvement_count > est.n_iter_no_change:
            self.stopped = True
            self.network.stop_training = True
            if est.verbose:
                what = "Validation" if self.validation is not None else "Training"
                print(
                    f"{what} loss did not improve more than tol={est.tol} for "
                    f"{est.n_iter_no_change} consecutive epochs. Stopping."
                )


class _BaseBP(BaseEstimator):
    """What BPClassifier and BPRegressor share: the network, the loop, the stopping rule."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(_HIDDEN_ACTIVATIONS)],
        "solver": [StrOptions(set(OPTIMIZERS))],
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
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
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

    # -- what the subclasses supply ------------------------------------------------------
    # _output_layer() -> (activation name, loss name)
    # _prepare_targets(y, first, incremental, classes, sample_weight) -> 2-D float targets
    #     the network trains on (and, on the first fit, classes_ / target scaling)
    # _score_outputs(out, Y, sample_weight) -> accuracy or R^2 from network outputs

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

    def _build_network(self, n_features: int, n_outputs: int, seed: int) -> Network:
        activation = "sigmoid" if self.activation == "logistic" else self.activation
        if self.dropout and self.solver in _EXACT_SOLVERS:
            raise ValueError(
                f"The 'dropout' parameter of {type(self).__name__} must be 0 with "
                f"solver={self.solver!r}, which evaluates the network several times per epoch and "
                f"needs the same answer each time. Got dropout={self.dropout!r} instead."
            )
        sizes = [n_features, *self._hidden_sizes(), n_outputs]
        out_activation, loss = self._output_layer()
        layers = []
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            last = i == len(sizes) - 2
            # Glorot-uniform weights and biases, as scikit-learn's MLP draws them: random
            # biases spread the kinks of small ReLU layers, which trains faster than zeros
            # (measured on diabetes and Friedman #1; see docs/sklearn.md).
            bound = np.sqrt(6.0 / (n_in + n_out))
            layers.append(
                Dense(
                    n_in,
                    n_out,
                    activation=out_activation if last else activation,
                    init="xavier",
                    bias_init=Uniform(-bound, bound),
                )
            )
            if self.dropout and not last:
                layers.append(Dropout(self.dropout))
        return Network(layers, loss=loss, seed=seed, alpha=self.alpha, l1=self.l1)

    def _make_optimizer(self):
        factory = OPTIMIZERS[self.solver]
        values = {
            "momentum": self.momentum,
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            # MLP's nesterovs_momentum=True is harmless with momentum=0; bpnn's SGD refuses that pair
            "nesterov": bool(self.nesterovs_momentum) and self.momentum > 0,
        }
        kwargs = {name: values[name] for name in _OPTIMIZER_ARGS.get(self.solver, ())}
        if getattr(factory, "uses_learning_rate", True):
            kwargs["learning_rate"] = self.learning_rate_init
        # a solver ignores what it does not take (lm, br and lbfgs have no learning rate)
        accepted = inspect.signature(factory).parameters
        return factory(**{name: value for name, value in kwargs.items() if name in accepted})

    # -- training ------------------------------------------------------------------------
    def _fit(self, X, y, sample_weight=None, incremental=False, classes=None):
        name = type(self).__name__
        first = not hasattr(self, "network_") or (not self.warm_start and not incremental)
        if incremental and self.early_stopping:
            raise ValueError(
                f"{name}.partial_fit does not support early_stopping=True: there is no "
                "validation set to stop on. Set early_stopping=False."
            )
        X, y = validate_data(self, X, y, reset=first, dtype=np.float64, **self._validate_kwargs())
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
        Y = self._prepare_targets(y, first, incremental, classes, sample_weight)

        self._random_state = check_random_state(self.random_state)
        if first:
            seed = int(self._random_state.randint(np.iinfo(np.int32).max))
            self.network_ = self._build_network(X.shape[1], Y.shape[1], seed)
            self.loss_curve_ = []
            self.best_loss_ = np.inf
            self.n_iter_ = 0
        # set_params between warm-started fits takes effect (a classifier switching to lm trains
        # on squared errors from then on); br estimates its own weight decay
        self.network_.loss_fn = get_loss(self._output_layer()[1])
        self.network_.alpha = 0.0 if self.solver == "br" else float(self.alpha)
        self.network_.l1 = float(self.l1)
        if not incremental or not hasattr(self, "_optimizer"):
            self._optimizer = self._make_optimizer()

        validation = None
        X_train, Y_train, sw_train = X, Y, sample_weight
        if self.early_stopping:
            X_train, Y_train, sw_train, validation = self._split_validation(X, Y, sample_weight)
        if not incremental:
            # every fit counts its own epochs and watches its own losses (MLP's convention)
            self.n_iter_ = 0
            self._no_improvement_count = 0
            self._best_watched = np.inf
            self.validation_loss_curve_ = []
            self.validation_scores_ = []
            self.best_validation_loss_ = None
            self.best_validation_score_ = None
        rule = _StoppingRule(self, validation, incremental)
        epochs = 1 if incremental else self.max_iter
        shuffle_seed = int(self._random_state.randint(np.iinfo(np.int32).max))
        try:
            history = self.network_.fit(
                X_train,
                Y_train,
                epochs=epochs,
                batch_size=self._batch_size(len(X_train)),
                shuffle=bool(self.shuffle),
                seed=shuffle_seed,
                optimizer=self._optimizer,
                callbacks=[rule],
                sample_weight=sw_train,
                verbose=1 if self.verbose else 0,
            )
        except DivergenceError as exc:
            raise DivergenceError(
                f"{name} (solver={self.solver!r}): {exc} For {name}, lower "
                f"learning_rate_init (it is {self.learning_rate_init}) or scale the features, "
                "for example with sklearn.preprocessing.StandardScaler.",
                exc.history,
            ) from exc
        finally:
            _forget_last_batch(self.network_)
        if rule.best_weights is not None:
            self.network_.set_weights(rule.best_weights)  # early stopping keeps the best epoch
        self._expose_weights()
        if history.interrupted:
            warnings.warn(
                f"{name}: training was interrupted (Ctrl-C) after {self.n_iter_} epoch(s); the estimator "
                "keeps the weights reached so far.",
                UserWarning,
                stacklevel=2,
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
                stacklevel=2,
            )
        elif not rule.stopped and not self.network_.stop_training and self.n_iter_ == self.max_iter:
            warnings.warn(
                f"{name}: the solver {self.solver!r} ran max_iter={self.max_iter} epochs and the "
                f"{'validation' if self.early_stopping else 'training'} loss was still improving by "
                f"more than tol={self.tol}. Increase max_iter, or raise tol.",
                ConvergenceWarning,
                stacklevel=2,
            )

    def _validate_kwargs(self) -> dict:
        return {}

    def _batch_size(self, n_samples: int) -> int | None:
        if getattr(OPTIMIZERS[self.solver], "full_batch", False):
            return None  # whole-batch solvers (lm, br, lbfgs) ignore batch_size
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"{type(self).__name__}: batch_size={self.batch_size} is larger than the "
                f"{n_samples} training samples; using {n_samples} (one full batch).",
                UserWarning,
                stacklevel=2,
            )
        return min(self.batch_size, n_samples)

    def _split_validation(self, X, Y, sample_weight):
        stratify = self._stratify_labels(Y)
        arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]
        parts = train_test_split(
            *arrays, test_size=self.validation_fraction, random_state=self._random_state, stratify=stratify
        )
        if parts[1].shape[0] < 2:
            raise ValueError(
                f"The validation set of {type(self).__name__} has {parts[1].shape[0]} sample(s); "
                "early stopping needs at least 2. Increase 'validation_fraction' or use more data."
            )
        X_train, X_val, Y_train, Y_val = parts[:4]
        sw_train, sw_val = (None, None) if sample_weight is None else parts[4:]
        return X_train, Y_train, sw_train, (X_val, Y_val, sw_val)

    def _stratify_labels(self, Y):
        return None

    def _expose_weights(self) -> None:
        dense = [layer for layer in self.network_.layers if hasattr(layer, "weights")]
        # the network's own arrays, not copies: they change when the network trains again
        self.coefs_ = [layer.weights for layer in dense]
        self.intercepts_ = [layer.bias for layer in dense]
        self.n_layers_ = len(dense) + 1
        self.out_activation_ = self._output_layer()[0]

    def _forward(self, X) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        out = self.network_.predict(X)
        _forget_last_batch(self.network_)
        return out

    # -- the public methods shared by both estimators --------------------------------------
    def to_onnx(self, dtype: str = "float32"):
        """The fitted estimator as an ONNX graph (an ``onnx.ModelProto``; needs ``pip install 'bpnn[onnx]'``).

        Input ``input`` [N, n_features]; outputs ``label`` and ``probabilities`` (classifier)
        or ``prediction`` (regressor). See :mod:`bpnn.io.onnx`.
        """
        from bpnn.io.onnx import estimator_to_onnx

        check_is_fitted(self)
        if hasattr(self, "classes_"):
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
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Class labels (classifier) or targets (regressor).
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
    softmax output and the categorical cross-entropy. Labels may be integers or strings.

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default=(100,)
        Neurons in each hidden layer; ``()`` means none (logistic regression).
    activation : {"relu", "tanh", "logistic", "sigmoid", "leaky_relu", "identity"}, default="relu"
        Activation of the hidden layers.
    solver : str, default="adam"
        Any optimizer name of :data:`bpnn.OPTIMIZERS` (``"sgd"``, ``"adam"``, ...).
        Whole-batch solvers ignore ``batch_size``.
    alpha : float, default=1e-4
        L2 penalty ``alpha / (2 m) * sum ||W||^2`` per batch of ``m`` samples (weights, not biases).
    batch_size : int or "auto", default="auto"
        Samples per update; ``"auto"`` is ``min(200, n_samples)``.
    learning_rate_init : float, default=0.001
        Step size of the solvers that have one.
    max_iter : int, default=200
        Most epochs per call of ``fit``.
    shuffle : bool, default=True
        Reorder the samples every epoch (mini-batch solvers).
    random_state : int, RandomState instance or None, default=None
        Initial weights, shuffling and the validation split.
    tol : float, default=1e-4
        An epoch improves when the watched loss drops below ``best - tol``.
    verbose : bool, default=False
        Print the loss of every epoch.
    warm_start : bool, default=False
        ``fit`` continues from the current weights instead of starting again.
    momentum : float, default=0.9
        Momentum of the ``sgd`` solver (once the solver supports it).
    nesterovs_momentum : bool, default=True
        Nesterov's momentum for ``sgd``.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified), watch its loss,
        stop after ``n_iter_no_change`` epochs without improvement and keep the
        weights of the best epoch.
    validation_fraction : float, default=0.1
        Share of the data held out when ``early_stopping`` is on.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's decay rates and its numerical floor.
    n_iter_no_change : int, default=10
        Epochs without improvement (by ``tol``) that stop training.
    dropout : float, default=0.0
        Dropout rate after every hidden layer (inverted dropout, training only).
    l1 : float, default=0.0
        L1 penalty ``l1 / m * sum |W|`` per batch of ``m`` samples (weights, not biases).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when ``X`` has string column names.
    n_outputs_ : int
        Output neurons: 1 for two classes, ``n_classes`` otherwise.
    network_ : bpnn.Network
        The trained network.
    coefs_, intercepts_ : list of ndarray
        ``coefs_[i]`` has shape (n_in, n_out) of layer ``i``; the network's own arrays.
    loss_curve_ : list of float
        Training loss (L2 penalty included) after each epoch.
    validation_loss_curve_, validation_scores_ : list of float
        Validation loss and accuracy after each epoch (empty without early stopping).
    best_loss_ : float
        Lowest training loss reached.
    best_validation_loss_, best_validation_score_ : float or None
        The validation loss and accuracy of the kept epoch (early stopping only).
    n_iter_ : int
        Epochs run by the last ``fit``; each ``partial_fit`` adds one.
    n_layers_ : int
        Layers counting the input layer, as in scikit-learn's MLP.
    out_activation_ : str
        ``"sigmoid"`` or ``"softmax"``.

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

    def _output_layer(self):
        squared = self.solver in _SQUARED_ERROR_SOLVERS
        if len(self.classes_) == 2:
            return "sigmoid", "mse" if squared else "binary_crossentropy"
        return "softmax", "mse" if squared else "categorical_crossentropy"

    def _prepare_targets(self, y, first, incremental, classes, sample_weight):
        name = type(self).__name__
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if first:
            self.classes_ = unique_labels(y if classes is None else classes)
            if len(self.classes_) < 2:
                raise ValueError(f"{name} needs at least 2 classes; got 1 class: {self.classes_.tolist()}.")
        elif classes is not None and not np.array_equal(unique_labels(classes), self.classes_):
            raise ValueError(
                f"classes={list(classes)!r} differs from the classes this {name} was first "
                f"fitted with: {self.classes_.tolist()}."
            )
        index = np.searchsorted(self.classes_, y)
        unknown = (index >= len(self.classes_)) | (self.classes_[np.minimum(index, len(self.classes_) - 1)] != y)
        if unknown.any():
            raise ValueError(
                f"y has labels not in classes_ {self.classes_.tolist()}: "
                f"{np.unique(y[unknown]).tolist()}. classes_ is fixed by the first fit "
                "(or by 'classes' in the first partial_fit)."
            )
        if sample_weight is not None and not incremental:
            weight = np.bincount(index, weights=sample_weight, minlength=len(self.classes_))
            if np.count_nonzero(weight > 0) < 2:
                raise ValueError(
                    f"{name} needs at least 2 classes with positive sample_weight; only class "
                    f"{self.classes_[weight > 0].tolist()} has any."
                )
        self.n_outputs_ = 1 if len(self.classes_) == 2 else len(self.classes_)
        if self.n_outputs_ == 1:
            return index.astype(np.float64).reshape(-1, 1)
        return np.eye(len(self.classes_))[index]

    def _stratify_labels(self, Y):
        return Y[:, 0] if Y.shape[1] == 1 else Y.argmax(axis=1)

    def _outputs_to_index(self, out):
        return (out[:, 0] > 0.5).astype(np.intp) if out.shape[1] == 1 else out.argmax(axis=1)

    def _score_outputs(self, out, Y, sample_weight):
        return float(accuracy_score(self._stratify_labels(Y), self._outputs_to_index(out), sample_weight=sample_weight))

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over ``(X, y)``, continuing from the current weights and optimizer state.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        classes : array-like of shape (n_classes,), default=None
            Every class that can appear; required on the first call. Later calls may pass
            it again, but not change it.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self
        """
        if classes is None and not hasattr(self, "network_"):
            raise ValueError(
                f"{type(self).__name__}.partial_fit needs 'classes' (every class that can appear) "
                "on its first call. Got classes=None instead."
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, shape (n_samples, n_classes), columns in the order of ``classes_``."""
        out = self._forward(X)
        if out.shape[1] == 1:
            return np.hstack([1.0 - out, out])
        return out

    def predict_log_proba(self, X) -> np.ndarray:
        """Logarithm of :meth:`predict_proba` (``-inf`` where a probability is exactly 0)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X) -> np.ndarray:
        """The most probable class of each sample, shape (n_samples,)."""
        proba = self.predict_proba(X)  # checks that the estimator is fitted
        return self.classes_[proba.argmax(axis=1)]


class BPRegressor(RegressorMixin, _BaseBP):
    """A feed-forward network regressor trained by backpropagation (identity output, MSE loss).

    Takes every parameter of :class:`BPClassifier`, plus ``target_scaling``.

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
        )
        self.target_scaling = target_scaling

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _output_layer(self):
        return "identity", "mse"

    def _validate_kwargs(self):
        return {"multi_output": True, "y_numeric": True}

    def _prepare_targets(self, y, first, incremental, classes, sample_weight):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        if first:
            self._y_ndim = y.ndim
            self.n_outputs_ = Y.shape[1]
            self.target_scaler_ = self._fit_target_scaler(Y, sample_weight)
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
        return float(r2_score(self._unscale(Y), self._unscale(out), sample_weight=sample_weight))

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over ``(X, y)``, continuing from the current weights and optimizer state.

        The target scaling is fitted on the first call's ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
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


__all__ = ["BPClassifier", "BPRegressor"]
