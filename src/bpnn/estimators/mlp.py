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

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, column_or_1d

from bpnn.estimators._parameters import _Parameters, _solver_is
from bpnn.estimators._training import FitDivergenceError, _TrainingLoop
from bpnn.estimators.files import save_estimator


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


class _BaseBP(_Parameters, _TrainingLoop, BaseEstimator):
    """What BPClassifier and BPRegressor share: the parameters (:mod:`~bpnn.estimators._parameters`), the
    adapter to the training loop (:mod:`~bpnn.estimators._training`) and, here, the scikit-learn protocol."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # CSR and CSC; other formats are converted to CSR
        return tags

    # -- what the subclasses supply ------------------------------------------------------
    # _output_layer() -> (activation name, loss name)
    # _prepare_targets(y, first_pass, incremental, classes, sample_weight) -> 2-D float targets
    #     the network trains on (and, when they are defined, classes_ / target scaling)
    # _score_outputs(out, Y, sample_weight) -> accuracy or R^2 from network outputs (NaN if
    #     an output is not finite)
    # _stratify_labels(Y) -> the labels the validation split is stratified by, or None

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
