"""The estimators' parameters: their constraints (scikit-learn's ``_parameter_constraints``),
``__init__`` storing them untouched, and what they turn into -- hidden sizes, the optimizer
built with every parameter its registry entry takes, the batch size."""

from __future__ import annotations

import inspect
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, Options, StrOptions

from bpnn.core.activations import ACTIVATIONS
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


class _Parameters:
    """Parameters and their validation, for :class:`bpnn.estimators.mlp._BaseBP` (a mixin)."""

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

    def __setstate__(self, state):
        # an estimator pickled by an older bpnn lacks the parameters added since: their defaults
        signature = inspect.signature(type(self).__init__).parameters.values()
        defaults = {p.name: p.default for p in signature if p.default is not inspect.Parameter.empty}
        super().__setstate__({**defaults, **state})

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
                f"{unknown}, which {type(self).__name__} has no parameter for (it supplies {sorted(values)})."
            )
        kwargs = {name: values[name] for name in takes}
        if _solver_is(self.solver, "learning_rate"):
            kwargs["learning_rate"] = self.learning_rate_init
        return factory(**kwargs)

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
