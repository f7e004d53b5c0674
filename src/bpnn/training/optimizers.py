"""Optimizers: each is one small update rule over (parameter, gradient) pairs.

The training loop hands every batch to ``optimizer.train_batch(net, X, y, sample_weight)``.
First-order optimizers keep the default: one forward and backward pass, then
``step(params, grads)``, which calls ``_update(i, param, grad)`` for every parameter
array (``i`` is its index, for optimizers that keep per-parameter state). Whole-batch
solvers that need more than a gradient (Levenberg-Marquardt, L-BFGS; see
:mod:`bpnn.training.solvers`) override ``train_batch`` instead, so the loop never changes.

Every optimizer can give its state with ``get_state()`` and take it back with
``set_state(state)``; checkpoints use this to resume training bit for bit.

The update rules are written as PyTorch's ``torch.optim`` writes them (the tests compare
20-step trajectories with it), with the argument names and defaults that Keras and
PyTorch users know. Weight decay is not part of these rules: it is the network's L2
penalty, ``Network(alpha=...)``, which enters the gradient (and the reported loss) before
the optimizer sees it. :class:`AdamW` is the exception, by design: its decay is
decoupled from the gradient.
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from bpnn.core.checks import check_float, lookup
from bpnn.core.registry import Registry
from bpnn.training import _fast


def _class_attribute(attribute: str, default):
    """A function reading ``attribute`` off a factory (the class, or the class a partial wraps)."""
    return lambda factory: getattr(getattr(factory, "func", factory), attribute, default)


#: Every optimizer and whole-batch solver by name, each registered next to its class, with:
#:
#: * ``params``: the estimator parameters it takes, by the keyword it takes them as (from the
#:   estimators' shared vocabulary: ``momentum``, ``nesterov``, ``beta_1``, ``beta_2``,
#:   ``epsilon``, ``gtol``, ``ftol``, ``norm``, ``max_fun``); ``BPClassifier(solver=name)``
#:   passes exactly these and, as scikit-learn's MLP documents, ignores the others;
#: * ``schedulable``: its step follows the estimators' ``learning_rate="invscaling"``/``"adaptive"``;
#: * ``self_stopping``: it stops by its own test (the estimators' ``n_iter_no_change`` rule
#:   on the training loss does not apply);
#: * ``squared_error``: it minimises a sum of squared errors (the network's loss must be MSE);
#: * ``deterministic``: it evaluates the network several times per step and needs the same
#:   answer each time (no dropout);
#: * read off the class: ``full_batch`` (it takes the whole training set every epoch) and
#:   ``learning_rate`` (it has a learning rate: ``uses_learning_rate``).
OPTIMIZERS = Registry(
    "optimizer",
    {"params": (), "schedulable": False, "self_stopping": False, "squared_error": False, "deterministic": False},
    derived={
        "full_batch": _class_attribute("full_batch", False),
        "learning_rate": _class_attribute("uses_learning_rate", True),
    },
)


def _check_learning_rate(learning_rate):
    """A positive float, or a schedule: a callable ``step -> float`` (see :mod:`bpnn.training.schedules`)."""
    if callable(learning_rate):
        return learning_rate
    return check_float(learning_rate, "learning_rate", low=0.0, low_inclusive=False)


class Optimizer:
    """Base class.

    Parameters
    ----------
    learning_rate : float or schedule, default=0.01
        Step size (> 0), or a schedule: a callable giving the step size from the number of
        updates already made (0, 1, 2, ...), such as :class:`bpnn.training.schedules.StepDecay`.
    global_clipnorm : float or None, default=None
        If set, the gradients of all parameters are scaled together, when needed, so that
        their joint Euclidean norm is at most this value (Keras's ``global_clipnorm``;
        PyTorch's ``clip_grad_norm_``).

    Attributes
    ----------
    iterations : int
        Updates made so far.
    """

    #: whether the optimizer needs the whole training set in one batch
    full_batch = False
    #: names of attributes holding one array per parameter (the optimizer's state)
    _slots: tuple[str, ...] = ()
    #: names of scalar attributes that are also state
    _scalars: tuple[str, ...] = ()
    #: names of attributes that are caches, not state: left out of copies, pickles and model
    #: files, and None again after loading (scratch arrays, the compiled step's constants,
    #: LM's last forward pass, which holds references to the training data)
    _transient: tuple[str, ...] = ("_scratch",)

    def __init__(self, learning_rate=0.01, global_clipnorm: float | None = None):
        self.learning_rate = _check_learning_rate(learning_rate)
        self.global_clipnorm = (
            None
            if global_clipnorm is None
            else check_float(global_clipnorm, "global_clipnorm", low=0.0, low_inclusive=False)
        )
        self.iterations = 0
        for name in self._slots:
            setattr(self, name, None)
        self._scratch: dict = {}

    # -- the training loop's side ------------------------------------------------------
    def prepare(self, net) -> None:
        """Called once by ``fit`` before training; raise here if ``net`` cannot be trained."""

    def train_batch(self, net, X: np.ndarray, y: np.ndarray, sample_weight=None) -> float:
        """One update from one batch; returns the batch's loss before the update."""
        loss = net._forward_backward(X, y, sample_weight)
        self.step(net.params, net.grads)
        return loss

    def logs(self) -> dict:
        """Numbers worth recording in the history every epoch (for example LM's damping)."""
        return {}

    # -- the update --------------------------------------------------------------------
    def current_learning_rate(self) -> float:
        """The step size of the next update."""
        if callable(self.learning_rate):
            return float(self.learning_rate(self.iterations))
        return self.learning_rate

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update every array of ``params`` in place from the matching ``grads``."""
        self.lr = self.current_learning_rate()
        if self.global_clipnorm is not None:
            grads = clip_by_global_norm(grads, self.global_clipnorm)
        for name in self._slots:
            if getattr(self, name) is None:
                setattr(self, name, [np.zeros_like(p) for p in params])
        self.iterations += 1
        for i, (p, g) in enumerate(zip(params, grads)):
            self._update(i, p, g)

    def _update(self, i: int, param: np.ndarray, grad: np.ndarray) -> None:
        raise NotImplementedError

    def _buffer(self, i: int, param: np.ndarray, dtype=None) -> np.ndarray:
        """A scratch array shaped like parameter ``i`` (of its dtype, or of ``dtype``), reused
        by every update (not state): the update rules compute their terms in it with ``out=``,
        so a step allocates nothing."""
        if self.__dict__.get("_scratch") is None:
            self._scratch = {}
        dtype = param.dtype if dtype is None else np.dtype(dtype)
        key = i if dtype == param.dtype else (i, dtype.char)
        buf = self._scratch.get(key)
        if buf is None or buf.shape != param.shape or buf.dtype != dtype:
            buf = self._scratch[key] = np.empty(param.shape, dtype)
        return buf

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in self._transient}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        for name in self._transient:
            self.__dict__.setdefault(name, None)

    # -- state and configuration -------------------------------------------------------
    def get_state(self) -> dict:
        """Everything that changes during training, as copies: ``{name: number, list of arrays or None}``."""
        state: dict[str, Any] = {"iterations": self.iterations}
        if isinstance(self.learning_rate, float):
            state["learning_rate"] = self.learning_rate  # ReduceLROnPlateau may have changed it
        for name in self._scalars:
            state[name] = getattr(self, name)
        for name in self._slots:
            arrays = getattr(self, name)
            state[name] = None if arrays is None else [a.copy() for a in arrays]
        return state

    def set_state(self, state: dict) -> None:
        """Restore what :meth:`get_state` returned (arrays are copied)."""
        expected = {"iterations", *self._scalars, *self._slots}
        missing = expected - set(state)
        if missing:
            raise ValueError(f"The state given to {type(self).__name__}.set_state lacks {sorted(missing)}.")
        self.iterations = int(state["iterations"])
        if "learning_rate" in state and isinstance(self.learning_rate, float):
            self.learning_rate = float(state["learning_rate"])
        for name in self._scalars:
            setattr(self, name, state[name])
        for name in self._slots:
            arrays = state[name]
            setattr(self, name, None if arrays is None else [np.array(a, copy=True) for a in arrays])

    def get_config(self) -> dict:
        config = {"learning_rate": self.learning_rate}
        if self.global_clipnorm is not None:
            config["global_clipnorm"] = self.global_clipnorm
        return config

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _zero_subnormals(a: np.ndarray, tmp: np.ndarray, mask: np.ndarray) -> None:
    """Set the entries of ``a`` smaller in magnitude than the smallest normal number of its
    dtype to +0.0 (NaN stays NaN), using the scratch arrays ``tmp`` (a's dtype) and ``mask``
    (bool). The compiled Adam kernels do the same test, element by element."""
    np.less(np.abs(a, out=tmp), np.finfo(a.dtype).tiny, out=mask)
    np.copyto(a, 0, where=mask)


#: How often (in steps) SGD's momentum and RMSprop set their subnormal state to zero. Their
#: rules are NumPy only, where the test costs two or three more passes over the state (about
#: +90 us on a 784 x 256 float32 layer, against 1.2 ms for a step on stuck subnormal state);
#: an entry that is zero stays zero while its gradient does, so doing it every 16th step
#: keeps nearly all the gain for a sixteenth of the cost. Adam's compiled pass does it
#: every step, where it is free.
ZERO_SUBNORMALS_EVERY = 16


def _zero_small_nonnegative(a: np.ndarray, mask: np.ndarray) -> None:
    """:func:`_zero_subnormals` for state that is never negative (a running mean of squares):
    one comparison, no absolute value."""
    np.copyto(a, 0, where=np.less(a, np.finfo(a.dtype).tiny, out=mask))


def clip_by_global_norm(grads: list[np.ndarray], max_norm: float) -> list[np.ndarray]:
    """``grads`` scaled by ``max_norm / max(norm, max_norm)``, where ``norm`` is their joint 2-norm."""
    norm = math.sqrt(sum(float(np.vdot(g, g)) for g in grads))
    if norm <= max_norm:
        return grads
    scale = max_norm / norm
    return [g * scale for g in grads]


@OPTIMIZERS.register("sgd", aliases=("gd",), params=("momentum", "nesterov"), schedulable=True)
class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

    Without momentum: ``w <- w - lr * g``. With momentum ``mu`` (PyTorch's form, Sutskever
    et al. 2013):

        v <- mu * v + g                       (v starts at 0)
        w <- w - lr * v                       (heavy ball, Polyak 1964)
        w <- w - lr * (g + mu * v)            (nesterov=True)

    With ``batch_size=None`` this is full-batch gradient descent (seeds 000, 002, 003);
    with ``batch_size=1`` it is the per-sample online rule of seed 004.

    As in :class:`Adam`, an entry of ``v`` smaller in magnitude than the dtype's smallest
    normal number is set to zero after its update, here on every 16th step
    (:data:`ZERO_SUBNORMALS_EVERY`): with a gradient that stays zero (a dead ReLU unit's
    weights) ``v`` shrinks by ``mu`` every step and rounding would stop it at a few
    *subnormal* units for good, on which the CPU computes four to five times slower.
    Otherwise the numbers are those of the plain rule, bit for bit.

    Parameters
    ----------
    learning_rate : float or schedule, default=0.01
    momentum : float, default=0.0
        ``mu``, in [0, 1).
    nesterov : bool, default=False
        Use Nesterov's accelerated gradient (needs ``momentum > 0``).
    global_clipnorm : float or None, default=None

    References
    ----------
    B. T. Polyak, "Some methods of speeding up the convergence of iteration methods",
    USSR Computational Mathematics and Mathematical Physics 4(5), 1964.
    I. Sutskever, J. Martens, G. Dahl, G. Hinton, "On the importance of initialization and
    momentum in deep learning", ICML 2013.
    """

    _compiled_rule = "SGD"  # bpnn.training._fast runs this exact class in its compiled loop

    _slots: tuple[str, ...] = ("velocity",)

    def __init__(
        self, learning_rate=0.01, momentum: float = 0.0, nesterov: bool = False, global_clipnorm: float | None = None
    ):
        super().__init__(learning_rate, global_clipnorm)
        self.momentum = check_float(momentum, "momentum", low=0.0, high=1.0, high_inclusive=False)
        if not isinstance(nesterov, (bool, np.bool_)):
            raise TypeError(f"The 'nesterov' parameter must be a bool; got {nesterov!r}.")
        if nesterov and self.momentum == 0.0:
            raise ValueError("The 'nesterov' parameter needs momentum > 0; got momentum=0.0.")
        self.nesterov = bool(nesterov)
        if self.momentum == 0.0:
            self._slots = ()  # plain gradient descent keeps no state
            self.velocity = None

    def step(self, params, grads):
        if self.momentum or self.global_clipnorm is not None or type(self)._update is not SGD._update:
            super().step(params, grads)
            return
        # plain gradient descent, the base class's step without its bookkeeping (in online
        # training this runs once per sample): the same updates, p -= lr * g
        lr = self.lr = self.current_learning_rate()
        self.iterations += 1
        for p, g in zip(params, grads):
            p -= lr * g

    def _update(self, i, param, grad):
        if not self.momentum:
            param -= self.lr * grad
            return
        v = self.velocity[i]
        v *= self.momentum
        v += grad
        if self.iterations % ZERO_SUBNORMALS_EVERY == 0:
            # no lasting subnormal velocity (see the class docstring): a weight whose gradient
            # stays zero would otherwise keep one for good, and every step would be slow
            _zero_subnormals(v, self._buffer(i, param), self._buffer(i, param, bool))
        param -= self.lr * (grad + self.momentum * v if self.nesterov else v)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


#: The engine's first name for plain gradient descent.
GradientDescent = SGD

# SGD with momentum by default: the same class, its momentum (0.9) overridable
OPTIMIZERS.register("momentum", functools.partial(SGD, momentum=0.9), params=("momentum",), schedulable=True)
OPTIMIZERS.register(
    "nesterov", functools.partial(SGD, momentum=0.9, nesterov=True), params=("momentum",), schedulable=True
)


@OPTIMIZERS.register("rmsprop", params=("epsilon",), schedulable=True)  # its own momentum stays 0, as in MLP
class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running root-mean-square of recent gradients.

        s <- rho * s + (1 - rho) * g**2                     (s starts at 0)
        a <- rho * a + (1 - rho) * g;  d = sqrt(s - a**2)   (centered=True)
        d = sqrt(s)                                          (otherwise)
        w <- w - lr * g / (d + epsilon)                      (momentum = 0)
        b <- momentum * b + g / (d + epsilon);  w <- w - lr * b   (momentum > 0)

    ``epsilon`` is added outside the square root, as PyTorch does (Keras adds it inside).

    As in :class:`Adam`, the state (``s``, ``a`` and ``b``) keeps no lasting *subnormal*
    entry: one smaller in magnitude than the dtype's smallest normal number becomes zero
    after its update, on every 16th step (:data:`ZERO_SUBNORMALS_EVERY`). With a gradient
    that stays zero the running averages shrink by ``rho`` (or ``momentum``) every step and
    rounding would stop them there for good, and the CPU computes with subnormal numbers
    four to five times slower. Otherwise the numbers are those of the plain rule, bit for bit.

    Parameters
    ----------
    learning_rate : float or schedule, default=0.001
    rho : float, default=0.9
        Decay of the running average of squared gradients (PyTorch calls it ``alpha``), in [0, 1).
    momentum : float, default=0.0
        In [0, 1).
    epsilon : float, default=1e-8
    centered : bool, default=False
        Normalise by the running variance instead of the running second moment (Graves 2013).
    global_clipnorm : float or None, default=None

    References
    ----------
    T. Tieleman, G. Hinton, "Lecture 6.5 -- RMSprop: divide the gradient by a running average
    of its recent magnitude", COURSERA: Neural Networks for Machine Learning, 2012.
    A. Graves, "Generating sequences with recurrent neural networks", arXiv:1308.0850, 2013.
    """

    _slots = ("square_avg", "grad_avg", "momentum_buffer")

    def __init__(
        self,
        learning_rate=0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float = 1e-8,
        centered: bool = False,
        global_clipnorm: float | None = None,
    ):
        super().__init__(learning_rate, global_clipnorm)
        self.rho = check_float(rho, "rho", low=0.0, high=1.0, high_inclusive=False)
        self.momentum = check_float(momentum, "momentum", low=0.0, high=1.0, high_inclusive=False)
        self.epsilon = check_float(epsilon, "epsilon", low=0.0)
        self.centered = bool(centered)

    def _update(self, i, param, grad):
        s = self.square_avg[i]
        s *= self.rho
        s += (1.0 - self.rho) * grad * grad
        # no lasting subnormal state (see the class docstring)
        zeroing = self.iterations % ZERO_SUBNORMALS_EVERY == 0
        mask = self._buffer(i, param, bool) if zeroing else None
        if zeroing:
            _zero_small_nonnegative(s, mask)
        if self.centered:
            a = self.grad_avg[i]
            a *= self.rho
            a += (1.0 - self.rho) * grad
            if zeroing:
                _zero_subnormals(a, self._buffer(i, param), mask)
            denom = np.sqrt(s - a * a) + self.epsilon
        else:
            denom = np.sqrt(s) + self.epsilon
        if self.momentum:
            b = self.momentum_buffer[i]
            b *= self.momentum
            b += grad / denom
            if zeroing:
                _zero_subnormals(b, self._buffer(i, param), mask)
            param -= self.lr * b
        else:
            param -= self.lr * (grad / denom)

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }


@OPTIMIZERS.register("adam", params=("beta_1", "beta_2", "epsilon"))  # MLP's adam ignores learning_rate
class Adam(Optimizer):
    """Adam: momentum on the gradient and on its square, with bias correction.

        m <- beta_1 * m + (1 - beta_1) * g
        v <- beta_2 * v + (1 - beta_2) * g**2               (m, v start at 0; t counts updates)
        w <- w - lr * m_hat / (sqrt(v_hat) + epsilon),  m_hat = m / (1 - beta_1**t),
                                                         v_hat = v / (1 - beta_2**t)

    This is Algorithm 1 of the paper, with ``epsilon`` outside the square root as in the
    paper and PyTorch (Keras uses an equivalent form with a slightly different epsilon).
    It is computed in the order the paper gives at the end of its section 2, with one
    division per weight instead of two: ``w <- w - alpha_t * m / (sqrt(v) + epsilon * c)``,
    ``c = sqrt(1 - beta_2**t)``, ``alpha_t = lr * c / (1 - beta_1**t)``. This is the same
    number in exact arithmetic and differs from PyTorch's order by a rounding.

    One addition: an entry of ``m`` or ``v`` smaller in magnitude than the dtype's smallest
    normal number (about 1.2e-38 in float32, 2.2e-308 in float64) is set to zero. Such
    *subnormal* numbers appear when a weight's gradient stays zero (the weights into a
    dead ReLU unit): ``m`` then shrinks by ``beta_1`` every step, and rounding stops it
    at a few subnormal units, never zero (in float32, ``0.9 * 4 * 2**-149`` rounds back
    to ``4 * 2**-149``). The CPU computes with subnormals many times slower, which made
    the MNIST-sized benchmark's Adam pass 1.4 to 2.5 times slower from the third epoch
    on. The step such an entry would still make is below ``1e-30 * learning_rate``.

    Parameters
    ----------
    learning_rate : float or schedule, default=0.001
    beta_1 : float, default=0.9
        In [0, 1).
    beta_2 : float, default=0.999
        In [0, 1).
    epsilon : float, default=1e-8
    global_clipnorm : float or None, default=None

    References
    ----------
    D. P. Kingma, J. Ba, "Adam: a method for stochastic optimization", ICLR 2015, arXiv:1412.6980.
    """

    _compiled_rule = "Adam"  # bpnn.training._fast runs this exact class in its compiled loop

    _slots = ("m", "v")
    _transient = ("_scratch", "_fast_key", "_fast_scalars")

    def __init__(
        self,
        learning_rate=0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        global_clipnorm: float | None = None,
    ):
        super().__init__(learning_rate, global_clipnorm)
        self.beta_1 = check_float(beta_1, "beta_1", low=0.0, high=1.0, high_inclusive=False)
        self.beta_2 = check_float(beta_2, "beta_2", low=0.0, high=1.0, high_inclusive=False)
        self.epsilon = check_float(epsilon, "epsilon", low=0.0)
        self._fast_key = self._fast_scalars = None

    def _update(self, i, param, grad):
        # the compiled update's constants, worked out once per step and dtype (None: no compiled kernel)
        key = (self.iterations, self.lr, param.dtype)
        if getattr(self, "_fast_key", None) != key:
            self._fast_key = key
            self._fast_scalars = _fast.adam_scalars(
                param.dtype, self.beta_1, self.beta_2, self.epsilon, self.lr, self.iterations
            )
        if self._fast_scalars is not None and _fast.adam_pass(param, grad, self.m[i], self.v[i], self._fast_scalars):
            return  # the same arithmetic in one compiled pass (the C extension, or numba)
        m, v, tmp = self.m[i], self.v[i], self._buffer(i, param)
        # every term is computed in place or in tmp, in the order of the formulas above
        m *= self.beta_1
        m += np.multiply(grad, 1.0 - self.beta_1, out=tmp)  # (1 - beta_1) * g
        v *= self.beta_2
        np.multiply(grad, 1.0 - self.beta_2, out=tmp)
        v += np.multiply(tmp, grad, out=tmp)  # (1 - beta_2) * g * g
        mask = self._buffer(i, param, bool)
        _zero_subnormals(m, tmp, mask)
        np.copyto(v, 0, where=np.less(v, np.finfo(v.dtype).tiny, out=mask))  # v >= 0: no abs needed
        t = self.iterations
        # the bias corrections are scalars; in the paper's faster order (see the docstring),
        # lr * m_hat / (sqrt(v_hat) + epsilon) = alpha_t * m / (sqrt(v) + epsilon * c)
        c = math.sqrt(1.0 - self.beta_2**t)
        denom = np.sqrt(v, out=tmp)
        denom += self.epsilon * c
        step = np.divide(m, denom, out=tmp)  # m / denom
        step *= self.lr * c / (1.0 - self.beta_1**t)  # alpha_t
        param -= step

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


@OPTIMIZERS.register("adamw", params=("beta_1", "beta_2", "epsilon"))
class AdamW(Adam):
    """Adam with decoupled weight decay: ``w <- w * (1 - lr * weight_decay)``, then Adam's step.

    The decay shrinks the weights directly instead of entering the gradient, so Adam's
    per-parameter scaling does not weaken it. As with ``Network(alpha=...)``, only
    weight matrices decay, never bias vectors (PyTorch decays every tensor it is given;
    the tests give it the biases in a group with ``weight_decay=0``).

    Parameters
    ----------
    learning_rate : float or schedule, default=0.001
    beta_1, beta_2, epsilon : as in :class:`Adam`
    weight_decay : float, default=0.01
        >= 0 (PyTorch's default; Keras's is 0.004).
    global_clipnorm : float or None, default=None

    References
    ----------
    I. Loshchilov, F. Hutter, "Decoupled weight decay regularization", ICLR 2019, arXiv:1711.05101.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        weight_decay: float = 0.01,
        global_clipnorm: float | None = None,
    ):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, global_clipnorm)
        self.weight_decay = check_float(weight_decay, "weight_decay", low=0.0)

    def _update(self, i, param, grad):
        if param.ndim > 1:  # a weight matrix; bias vectors are 1-D
            param *= 1.0 - self.lr * self.weight_decay
        super()._update(i, param, grad)

    def get_config(self):
        return {**super().get_config(), "weight_decay": self.weight_decay}


@OPTIMIZERS.register("adagrad", params=("epsilon",), schedulable=True)
class Adagrad(Optimizer):
    """Adagrad: per-parameter step sizes shrinking with the sum of all past squared gradients.

        s <- s + g**2                       (s starts at initial_accumulator_value)
        w <- w - lr * g / (sqrt(s) + epsilon)

    Parameters
    ----------
    learning_rate : float or schedule, default=0.01
    initial_accumulator_value : float, default=0.0
        >= 0 (PyTorch's default; Keras's is 0.1).
    epsilon : float, default=1e-10
    global_clipnorm : float or None, default=None

    References
    ----------
    J. Duchi, E. Hazan, Y. Singer, "Adaptive subgradient methods for online learning and
    stochastic optimization", JMLR 12, 2011.
    """

    _slots = ("accumulator",)

    def __init__(
        self,
        learning_rate=0.01,
        initial_accumulator_value: float = 0.0,
        epsilon: float = 1e-10,
        global_clipnorm: float | None = None,
    ):
        super().__init__(learning_rate, global_clipnorm)
        self.initial_accumulator_value = check_float(initial_accumulator_value, "initial_accumulator_value", low=0.0)
        self.epsilon = check_float(epsilon, "epsilon", low=0.0)

    def step(self, params, grads):
        if self.accumulator is None:
            self.accumulator = [np.full_like(p, self.initial_accumulator_value) for p in params]
        super().step(params, grads)

    def _update(self, i, param, grad):
        s = self.accumulator[i]
        s += grad * grad
        param -= self.lr * (grad / (np.sqrt(s) + self.epsilon))

    def get_config(self):
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }


@OPTIMIZERS.register("lion", params=("beta_1", "beta_2"))
class Lion(Optimizer):
    """Lion (evolved sign momentum): every step moves each weight by exactly the learning rate,
    in the direction of the sign of a blend of the momentum and the gradient.

        c <- beta_1 * m + (1 - beta_1) * g
        w <- w - lr * sign(c)
        m <- beta_2 * m + (1 - beta_2) * g          (m starts at 0)

    Because every step has the size ``lr``, its learning rate is typically 3 to 10 times
    smaller than Adam's. (The paper's decoupled weight decay is left out: bpnn's weight
    penalty is the network's ``alpha``.)

    Parameters
    ----------
    learning_rate : float or schedule, default=1e-4
    beta_1 : float, default=0.9
        Weight of the momentum in the direction of the step, in [0, 1).
    beta_2 : float, default=0.99
        Decay of the momentum, in [0, 1).
    global_clipnorm : float or None, default=None

    References
    ----------
    X. Chen, C. Liang, D. Huang et al., "Symbolic discovery of optimization algorithms",
    NeurIPS 2023 (arXiv:2302.06675).
    """

    _slots = ("m",)

    def __init__(
        self, learning_rate=1e-4, beta_1: float = 0.9, beta_2: float = 0.99, global_clipnorm: float | None = None
    ):
        super().__init__(learning_rate, global_clipnorm)
        self.beta_1 = check_float(beta_1, "beta_1", low=0.0, high=1.0, high_inclusive=False)
        self.beta_2 = check_float(beta_2, "beta_2", low=0.0, high=1.0, high_inclusive=False)

    def _update(self, i, param, grad):
        m = self.m[i]
        direction = np.sign(self.beta_1 * m + (1.0 - self.beta_1) * grad)
        param -= self.lr * direction
        m *= self.beta_2
        m += (1.0 - self.beta_2) * grad

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}


def get_optimizer(optimizer, learning_rate=None) -> Optimizer:
    """Return an optimizer from a name (built with ``learning_rate``) or an optimizer object.

    Names: those of :data:`OPTIMIZERS` (``"sgd"``/``"gd"``, ``"momentum"`` (SGD with momentum
    0.9), ``"nesterov"``, ``"rmsprop"``, ``"adam"``, ``"adamw"``, ``"adagrad"``, and the
    whole-batch solvers of :mod:`bpnn.training.solvers`: ``"rprop"``, ``"lbfgs"``, ``"lm"``,
    ``"br"``, among others registered).
    """
    if isinstance(optimizer, str):
        key = optimizer.lower()
        factory = lookup(OPTIMIZERS, optimizer, "optimizer", " or an Optimizer object")
        if learning_rate is None:
            return factory()
        if not getattr(factory, "uses_learning_rate", True):
            raise ValueError(
                f"The {key!r} optimizer has no learning rate; got learning_rate={learning_rate!r}. "
                "Leave learning_rate unset."
            )
        return factory(learning_rate=learning_rate)
    if callable(getattr(optimizer, "train_batch", None)):
        if learning_rate is not None:
            raise ValueError(
                "Got both an optimizer object and 'learning_rate'; set the learning rate "
                "on the optimizer object instead."
            )
        return optimizer
    raise TypeError(
        "The 'optimizer' parameter must be a name (str) or an Optimizer object. "
        f"Got {type(optimizer).__name__} instead."
    )
