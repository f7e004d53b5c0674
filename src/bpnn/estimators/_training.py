"""The estimators' adapter to the engine's training loop: the network built from the
parameters, ``_fit`` (one call of ``Network.fit`` with the stopping rule as a callback), the
records scikit-learn's MLP keeps (``loss_curve_``, ``validation_scores_`` ...) and the warnings."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from bpnn.core.initializers import Uniform
from bpnn.core.layers import Dense, Dropout
from bpnn.core.losses import get_loss
from bpnn.core.network import Network
from bpnn.estimators._parameters import _ADAPTIVE_FACTOR, _ADAPTIVE_FLOOR, _solver_is
from bpnn.training.callbacks import Callback
from bpnn.training.loop import DivergenceError
from bpnn.training.optimizers import OPTIMIZERS


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


class _TrainingLoop:
    """The training adapter of :class:`bpnn.estimators.mlp._BaseBP` (a mixin)."""

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
