"""Whole-batch solvers for small networks: Rprop, L-BFGS, Levenberg-Marquardt, Bayesian regularization.

Each is an :class:`~bpnn.training.optimizers.Optimizer` with ``full_batch = True``: ``fit`` hands it
the whole training set once per epoch (``batch_size=None``), and one epoch is one
iteration of the method.

* ``"rprop"`` -- resilient backpropagation (iRprop-), MATLAB's ``trainrp``.
* ``"lbfgs"`` -- limited-memory BFGS with the exact backprop gradient and a Wolfe line
  search from ``scipy.optimize``.
* ``"lm"`` -- Levenberg-Marquardt on the per-sample errors, MATLAB's ``trainlm``.
* ``"br"`` -- Bayesian regularization (MacKay's evidence framework on the LM step),
  MATLAB's ``trainbr``.

SciPy is imported inside the solvers that use it, so ``import bpnn`` needs NumPy only.

The Jacobian
------------
For the MSE loss, ``L = 1/(2m) * sum_i ||e_i||^2`` with ``e_i = yhat_i - y_i``, so
``2 m L`` is a sum of squared errors and Gauss-Newton applies: with ``J`` the derivative
of the ``m * k`` errors with respect to the ``P`` parameters, ``J^T J`` approximates the
Hessian of ``m L`` and ``J^T e`` is its gradient. :func:`jacobian` computes ``J`` by
backpropagation: for each output unit ``j``, one backward pass starting from
``d yhat_j / d yhat = (0, ..., 1, ..., 0)`` instead of from a loss gradient gives, for
every sample at once, the derivatives of ``yhat_ij`` with respect to every weight --
the outer product of the layer's input and its delta, kept per sample instead of summed.
"""

from __future__ import annotations

import functools
import math
import warnings

import numpy as np

from bpnn.core.activations import BUILTIN, Activation, Identity, Softmax, backward, derivative
from bpnn.core.checks import check_float, check_int, check_memory
from bpnn.core.losses import MeanSquaredError
from bpnn.core.network import _mass
from bpnn.training.optimizers import OPTIMIZERS, Optimizer


# -- helpers shared by the solvers -----------------------------------------------------------------
def _flat(arrays) -> np.ndarray:
    """The arrays of ``net.params`` (or of its gradients) as one float64 vector, in order."""
    return np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])


def _assign(params, x: np.ndarray) -> None:
    """Write the vector ``x`` back into the parameter arrays, in place."""
    start = 0
    for p in params:
        p[...] = x[start : start + p.size].reshape(p.shape)
        start += p.size


def _weight_mask(net) -> np.ndarray:
    """1.0 where the flat parameter vector holds a weight, 0.0 where it holds a bias."""
    parts = []
    for layer in net._dense_layers():
        parts.append(np.ones(layer.weights.size))
        if layer.bias is not None:
            parts.append(np.zeros(layer.bias.size))
    return np.concatenate(parts)


def _require_dense_only(net, name: str) -> None:
    for layer in net.layers:
        if not (hasattr(layer, "weights") and hasattr(layer, "activation")):
            raise ValueError(
                f"{name!r} needs a network of Dense layers only: it evaluates the network several "
                f"times per epoch and expects the same answer each time; got a "
                f"{type(layer).__name__} layer. Remove it, or use a first-order optimizer such as 'adam'."
            )


def _require_mse(net, name: str) -> None:
    if not isinstance(net.loss_fn, MeanSquaredError):
        got = getattr(net.loss_fn, "name", type(net.loss_fn).__name__)
        raise ValueError(
            f"The {name!r} optimizer minimises a sum of squared errors and needs loss='mse'; "
            f"the network's loss is {got!r}. Use optimizer='lbfgs', 'rprop' or 'adam' for "
            "other losses."
        )


def _sample_factors(m: int, sample_weight) -> np.ndarray | None:
    """``c_i`` such that the loss is ``1/(2m) sum_i c_i ||e_i||^2``: None (all ones) or ``m w_i / sum w``."""
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype=np.float64)
    return m * w / w.sum()


def jacobian(net, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The network's output and its Jacobian with respect to every parameter, by backpropagation.

    Parameters
    ----------
    net : Network
        A network of Dense layers.
    X : ndarray of shape (n_samples, n_inputs)

    Returns
    -------
    out : ndarray of shape (n_samples, n_outputs)
        ``net.predict(X)``.
    J : ndarray of shape (n_samples, n_outputs, n_params)
        ``J[i, j, q] = d out[i, j] / d theta[q]``, where ``theta`` is every array of
        ``net.params`` flattened and concatenated (W1, b1, W2, b2, ...).
    """
    _require_dense_only(net, "jacobian")
    X = np.asarray(X, dtype=net.dtype)
    record = _forward_record(net, X)
    return record[1][-1], np.stack([Jt.T for Jt in _jacobian_blocks(net, record)], axis=1)


def _forward_record(net, X, reuse: bool = False):
    """``(inputs, outputs, zs)``: every layer's input and output for ``X``, and its pre-activation
    where its activation needs it for the backward pass (else None).

    In fresh arrays, or with ``reuse`` in the layers' training buffers, which the next
    such pass overwrites (allocating new arrays every pass costs more than the pass on a
    small network: the memory goes back to the system and is faulted in again).
    """
    inputs, outputs, zs = [], [], []
    a = X
    for layer in net.layers:
        inputs.append(a)
        a = layer.forward(a, reuse)
        outputs.append(a)
        zs.append(layer.pre_activation)
    return inputs, outputs, zs


def _jacobian_blocks(net, record, out_buffer=None, zero_top=True):
    """A generator of ``J_j^T`` of shape (n_params, n_samples), one per output unit ``j``.

    ``record`` is :func:`_forward_record` of the network at its current parameters. The
    blocks are transposed (one row per parameter) so that each entry is filled by a
    product over the samples, a long contiguous row, rather than by many short ones.
    Keeping one output's block at a time bounds the memory by ``m * P`` instead of ``m * k * P``;
    with ``out_buffer`` of shape (n_params, n_samples) every block is written into that array,
    with one of shape (n_params, n_outputs, n_samples) block ``j`` goes to ``out_buffer[:, j]``.
    ``zero_top=False`` leaves the rows of an elementwise output layer that are zero in block
    ``j`` (its other columns) as they were, for a caller that never reads them.
    """
    layers = net.layers
    inputs, outputs, zs = record
    out = outputs[-1]
    m, k = out.shape
    starts = [0]  # where each layer's parameters start in the flat vector
    for layer in layers:
        starts.append(starts[-1] + layer.weights.size + (0 if layer.bias is None else layer.bias.size))
    # everything runs transposed, (units, samples), so the loops below are over long rows; a
    # sparse input (the first layer's) is made dense here: J^T, of n_params rows, is larger still
    inputs_t = [np.ascontiguousarray(x.T) if isinstance(x, np.ndarray) else x.T.toarray() for x in inputs]
    # f'(z) of each elementwise activation, the same for every output j: computed once
    # (None: the identity, whose derivative is 1, or an activation with its own backward)
    derivs_t = [
        None
        if type(layer.activation) is Identity or not _elementwise(layer.activation)
        else np.ascontiguousarray(derivative(layer.activation, outputs[li], zs[li]).T)
        for li, layer in enumerate(layers)
    ]

    top = len(layers) - 1
    sparse_top = _column_per_output(layers[top])

    def top_block(j, Jt):
        """The output layer's rows of block j; returns d out_j / d a below, (n_in, m)."""
        layer = layers[top]
        d_j = None if derivs_t[top] is None else derivs_t[top][j]
        n_in, n_out = layer.weights.shape
        w_rows = Jt[starts[top] : starts[top] + n_in * n_out].reshape(n_in, n_out, m)
        if zero_top:
            w_rows.fill(0.0)
        if d_j is None:
            w_rows[:, j, :] = inputs_t[top]
        else:
            np.multiply(inputs_t[top], d_j, out=w_rows[:, j, :])
        if layer.bias is not None:
            b_rows = Jt[starts[top] + n_in * n_out : starts[top + 1]]
            if zero_top:
                b_rows.fill(0.0)
            b_rows[j] = 1.0 if d_j is None else d_j
        column = layer.weights[:, j, None]
        # with the identity, d out_j / d a is column j of W for every sample: kept as one
        # column, which the products below broadcast over the samples
        return column if d_j is None else np.multiply(column, d_j)

    def block(j):
        if out_buffer is None:
            Jt = np.empty((starts[-1], m), dtype=out.dtype)
        else:
            Jt = out_buffer if out_buffer.ndim == 2 else out_buffer[:, j]
        if sparse_top:
            if top == 0:
                top_block(j, Jt)
                return Jt
            grad_t, below = top_block(j, Jt), top - 1
        else:
            grad_t = np.zeros((k, m), dtype=out.dtype)
            grad_t[j] = 1.0  # d out_j / d out, for every sample: the "loss" is the output itself
            below = top
        for li in range(below, -1, -1):
            layer = layers[li]
            act = layer.activation
            full = grad_t.shape[1] == m  # else one column for every sample (see top_block)
            if derivs_t[li] is not None:  # d out_j / d z
                delta_t = np.multiply(grad_t, derivs_t[li], out=grad_t if full else None)
            elif type(act) is Identity:
                delta_t = grad_t
            else:  # softmax or a user-defined activation: its own backward, on (samples, units)
                grad = grad_t if full else np.broadcast_to(grad_t, (grad_t.shape[0], m))
                delta_t = np.ascontiguousarray(backward(act, outputs[li], grad.T, zs[li]).T)
            n_in, n_out = layer.weights.shape
            # d out_j / d W[a, b] = x_in[:, a] * delta[:, b], for every sample; W is flattened row-major
            w_rows = Jt[starts[li] : starts[li] + n_in * n_out].reshape(n_in, n_out, m)
            np.multiply(inputs_t[li][:, None, :], delta_t[None, :, :], out=w_rows)
            if layer.bias is not None:
                Jt[starts[li] + n_in * n_out : starts[li + 1]] = delta_t
            if li:
                grad_t = layer.weights @ delta_t  # d out_j / d a of the layer below, (n_in, m) or (n_in, 1)
        return Jt

    return (block(j) for j in range(k))


def _column_per_output(layer) -> bool:
    """Whether output ``j`` of the output ``layer`` depends on column ``j`` of its W and entry
    ``j`` of its bias only: true of an elementwise activation (or the identity), whose
    d out_j / d z is zero but in row j, f'(z_j) (or 1); not of softmax."""
    return type(layer.activation) is Identity or _elementwise(layer.activation)


def _elementwise(activation) -> bool:
    """Whether the activation's backward is the product with its derivative (not softmax's):
    the built-in elementwise ones (whose own ``backward`` only writes that product in place),
    or any activation that keeps the base class's ``backward``."""
    kind = type(activation)
    return (kind in BUILTIN and kind is not Softmax) or kind.backward is Activation.backward


def _gauss_newton(net, record, y, sample_weight, out_buffer=None):
    """``(JtJ, Jte)`` for the errors ``sqrt(c_i) (yhat_i - y_i)``, all in float64.

    ``out_buffer``: see :func:`_jacobian_blocks`; with the (n_params, n_outputs, n_samples)
    kind, ``J^T J`` is one matrix product over all the outputs instead of one per output.
    """
    out = record[1][-1]
    m, k = out.shape
    c = _sample_factors(m, sample_weight)
    E = np.asarray(out - y, dtype=np.float64)
    if c is not None:
        E = E * c[:, None]  # J^T diag(c) e: the weights enter once on each side of J^T J
    if out_buffer is not None and out_buffer.ndim == 3:
        top = net.layers[-1]
        sparse = k > 1 and _column_per_output(top)
        for _ in _jacobian_blocks(net, record, out_buffer, zero_top=not sparse):
            pass
        Jt = np.asarray(out_buffer.reshape(len(out_buffer), k * m), dtype=np.float64)
        weighted = Jt if c is None else Jt * np.tile(c, k)
        # E.T.ravel() lists the errors output by output, as the columns of Jt
        if sparse:  # the zero rows were not written: left out of both products
            return _sparse_top_system(Jt, weighted, E, top, k, m)
        return weighted @ Jt.T, Jt @ np.ascontiguousarray(E.T).ravel()
    P = net.n_params
    JtJ, Jte = np.zeros((P, P)), np.zeros(P)
    for j, Jt in enumerate(_jacobian_blocks(net, record, out_buffer)):
        Jt = np.asarray(Jt, dtype=np.float64)
        if c is None:
            JtJ += Jt @ Jt.T
        else:
            JtJ += (Jt * c) @ Jt.T
        Jte += Jt @ E[:, j]
    return JtJ, Jte


def _sparse_top_system(Jt, weighted, E, top, k: int, m: int):
    """``(weighted @ Jt.T, Jt @ e)`` for ``Jt`` of shape (n_params, k * m), output by output in
    its columns (``E`` of shape (m, k) holds the errors), where the output layer ``top`` is
    elementwise: the columns of output ``j`` are zero in the rows of the output layer's
    other columns (see :func:`_jacobian_blocks`), and those entries are not read (they need
    not even have been written).

    The products are then made of the layers below (one product over all the columns) and,
    per output, the rows of ``j``: about half the multiply-adds of the dense products for
    two outputs, fewer for more.
    """
    P = Jt.shape[0]
    below = P - top.weights.size - (0 if top.bias is None else top.bias.size)
    JtJ, Jte = np.zeros((P, P)), np.zeros(P)
    S, WS = Jt[:below], weighted[:below]
    if below:
        np.matmul(WS, S.T, out=JtJ[:below, :below])
    for j in range(k):
        rows, grid = _top_rows(below, top.weights.shape[0], k, j, top.bias is not None)
        cols, e = slice(j * m, (j + 1) * m), np.ascontiguousarray(E[:, j])
        T = Jt[rows, cols]
        WT = T if weighted is Jt else weighted[rows, cols]
        if below:
            cross = WS[:, cols] @ T.T
            JtJ[:below, rows] = cross
            JtJ[rows, :below] = cross.T
            Jte[:below] += S[:, cols] @ e
        JtJ[grid] = WT @ T.T
        Jte[rows] = T @ e
    return JtJ, Jte


@functools.lru_cache(maxsize=64)
def _top_rows(below: int, n_in: int, k: int, j: int, has_bias: bool):
    """The rows of the flat parameter vector that hold column ``j`` of an output layer with
    ``n_in`` inputs and ``k`` units (its W row-major, then its bias, from ``below`` on), and
    the index of their square block in ``J^T J``. Read-only (cached)."""
    rows = below + np.arange(n_in) * k + j
    if has_bias:
        rows = np.append(rows, below + n_in * k + j)
    grid = np.ix_(rows, rows)
    for a in (rows, *grid):
        a.flags.writeable = False
    return rows, grid


def _same_array(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether ``a`` and ``b`` view the same memory the same way (``fit`` hands a full-batch
    solver a fresh view of the same training array every epoch)."""
    if a is b:
        return True
    if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
        return False  # a sparse matrix is recognised by identity only
    return (
        a.__array_interface__["data"] == b.__array_interface__["data"]
        and a.shape == b.shape
        and a.strides == b.strides
        and a.dtype == b.dtype
    )


def _record_loss(net, record, y, sample_weight) -> float:
    """``net._loss(X, y, sample_weight)`` from a forward record of ``X`` (no second forward pass)."""
    out = record[1][-1]
    return float(net.loss_fn.value(y, out, sample_weight) + net._penalty(_mass(out, sample_weight)))


def _damped_solve(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Solve ``A x = b`` for symmetric positive definite ``A`` by Cholesky (raises LinAlgError if not).

    One LAPACK call (``?posv``: factorize and solve), which on the small systems LM solves
    costs a third of ``cho_factor`` + ``cho_solve`` and their argument checks.
    """
    from scipy.linalg.lapack import get_lapack_funcs

    A = np.asarray(A, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    posv = _POSV.get(A.dtype.char)
    if posv is None:
        posv = _POSV[A.dtype.char] = get_lapack_funcs("posv", (A, b))
    _, x, info = posv(A, b, lower=1, overwrite_a=0, overwrite_b=0)
    if info > 0:
        raise np.linalg.LinAlgError(f"the damped matrix is not positive definite (leading minor {info})")
    if info < 0:  # pragma: no cover - a bad argument, a bug here
        raise ValueError(f"LAPACK ?posv rejected argument {-info}")
    return x


_POSV: dict = {}


# -- Rprop ---------------------------------------------------------------------------------------
@OPTIMIZERS.register("rprop")
class Rprop(Optimizer):
    """Resilient backpropagation, iRprop- (MATLAB's ``trainrp``; PyTorch's ``Rprop``).

    Only the sign of each partial derivative is used. Every parameter has its own step:

        if g * g_prev > 0:  step <- min(step * eta_plus,  step_max)
        if g * g_prev < 0:  step <- max(step * eta_minus, step_min);  g <- 0
        w <- w - sign(g) * step;   g_prev <- g

    Setting ``g`` to 0 after a sign change skips that parameter's next adaptation (the
    "minus" of iRprop-). Full batch only: the signs of mini-batch gradients are noise.

    Parameters
    ----------
    learning_rate : float, default=0.01
        The initial step of every parameter (MATLAB's ``delta0`` is 0.07).
    etas : (float, float), default=(0.5, 1.2)
        ``(eta_minus, eta_plus)`` with ``0 < eta_minus < 1 < eta_plus``.
    step_sizes : (float, float), default=(1e-6, 50.0)
        ``(step_min, step_max)``.

    References
    ----------
    M. Riedmiller, H. Braun, "A direct adaptive method for faster backpropagation learning:
    the RPROP algorithm", IEEE ICNN 1993.
    C. Igel, M. Huesken, "Improving the Rprop learning algorithm", NC 2000.
    """

    full_batch = True
    _slots = ("prev_grad", "step_size")

    def __init__(self, learning_rate: float = 0.01, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0)):
        super().__init__(check_float(learning_rate, "learning_rate", low=0.0, low_inclusive=False))
        if not (isinstance(etas, (tuple, list)) and len(etas) == 2):
            raise ValueError(f"The 'etas' parameter must be a pair (eta_minus, eta_plus); got {etas!r}.")
        self.eta_minus = check_float(
            etas[0], "etas[0] (eta_minus)", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
        )
        self.eta_plus = check_float(etas[1], "etas[1] (eta_plus)", low=1.0, low_inclusive=False)
        if not (isinstance(step_sizes, (tuple, list)) and len(step_sizes) == 2):
            raise ValueError(f"The 'step_sizes' parameter must be a pair (step_min, step_max); got {step_sizes!r}.")
        self.step_min = check_float(step_sizes[0], "step_sizes[0] (step_min)", low=0.0)
        self.step_max = check_float(step_sizes[1], "step_sizes[1] (step_max)", low=self.step_min, low_inclusive=False)

    def step(self, params, grads):
        if self.step_size is None:
            self.step_size = [np.full_like(p, self.learning_rate) for p in params]
        super().step(params, grads)

    def _update(self, i, param, grad):
        step, prev = self.step_size[i], self.prev_grad[i]
        same = grad * prev
        factor = np.where(same > 0, self.eta_plus, np.where(same < 0, self.eta_minus, 1.0))
        np.clip(step * factor, self.step_min, self.step_max, out=step)
        grad = np.where(same < 0, 0.0, grad)
        param -= np.sign(grad) * step
        prev[...] = grad

    def get_config(self):
        return {
            "learning_rate": self.learning_rate,
            "etas": (self.eta_minus, self.eta_plus),
            "step_sizes": (self.step_min, self.step_max),
        }


# -- L-BFGS --------------------------------------------------------------------------------------
@OPTIMIZERS.register("lbfgs", params=("gtol", "norm", "ftol", "max_fun"), self_stopping=True, deterministic=True)
class LBFGS(Optimizer):
    """Limited-memory BFGS: a quasi-Newton step from the last ``history_size`` gradient changes.

    Each epoch computes the exact gradient by backpropagation, the direction
    ``d = -H g`` by the two-loop recursion (Nocedal & Wright, Algorithm 7.4, with
    ``H0 = (s^T y / y^T y) I``), and a step length satisfying the strong Wolfe conditions
    with :func:`scipy.optimize.line_search`. Training stops when the gradient norm falls
    to ``gtol``, when an iteration lowers the loss by a relative amount of at most ``ftol``,
    when the line search fails twice (the second time along ``-g``), or when ``max_fun``
    evaluations of the loss and gradient have been made (``budget_exhausted`` then says
    so: the method had not converged).

    Works with any differentiable loss (not only MSE), full batch only.

    Parameters
    ----------
    history_size : int, default=10
        Pairs ``(s, y)`` kept (SciPy's ``maxcor``).
    gtol : float, default=1e-7
        Stop when the norm of the gradient of the loss (see ``norm``) is at most this.
    c1, c2 : float, default=1e-4, 0.9
        Wolfe constants, ``0 < c1 < c2 < 1``.
    max_line_search : int, default=20
        Iterations allowed to the line search.
    ftol : float, default=0.0
        Stop when an iteration lowers the loss ``f`` by at most ``ftol * max(|f|, |f_new|, 1)``
        (SciPy's L-BFGS-B test; its default, which scikit-learn's MLP uses, is ``2.2e-9``).
        0: only a step that does not lower the loss at all stops.
    norm : {2, numpy.inf}, default=2
        The norm ``gtol`` bounds: Euclidean, or the largest absolute entry (SciPy's L-BFGS-B
        and scikit-learn's MLP use the latter).
    max_fun : int or None, default=None
        Most evaluations of the loss and its gradient (each a forward and a backward pass),
        counted over every epoch of this optimizer (scikit-learn's MLP ``max_fun``;
        SciPy's ``maxfun``). None: no limit.

    Attributes
    ----------
    n_fun : int
        Evaluations made so far.
    budget_exhausted : bool
        Whether training stopped because ``n_fun`` reached ``max_fun``.

    References
    ----------
    D. C. Liu, J. Nocedal, "On the limited memory BFGS method for large scale optimization",
    Mathematical Programming 45, 1989. J. Nocedal, S. J. Wright, Numerical Optimization, 2nd ed., 2006.
    """

    full_batch = True
    uses_learning_rate = False
    _slots = ("s_list", "y_list")
    _scalars = ("old_old_loss", "stop_reason", "n_fun", "budget_exhausted")
    # the last evaluation, reused by the next epoch (it holds a reference to the training data)
    _transient = ("_scratch", "_last_eval")

    def __init__(
        self,
        history_size: int = 10,
        gtol: float = 1e-7,
        c1: float = 1e-4,
        c2: float = 0.9,
        max_line_search: int = 20,
        max_fun: int | None = None,
        ftol: float = 0.0,
        norm: float = 2.0,
    ):
        self.learning_rate = None  # the line search chooses the step length
        self.global_clipnorm = None
        self.iterations = 0
        self.history_size = check_int(history_size, "history_size", minimum=1)
        self.gtol = check_float(gtol, "gtol", low=0.0)
        self.c1 = check_float(c1, "c1", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
        self.c2 = check_float(c2, "c2", low=self.c1, high=1.0, low_inclusive=False, high_inclusive=False)
        self.max_line_search = check_int(max_line_search, "max_line_search", minimum=1)
        self.max_fun = check_int(max_fun, "max_fun", minimum=1, allow_none=True)
        self.ftol = check_float(ftol, "ftol", low=0.0)
        if norm not in (2, np.inf):
            raise ValueError(f"The 'norm' parameter must be 2 or numpy.inf; got {norm!r}.")
        self.norm = float(norm)
        self.s_list: list[np.ndarray] = []
        self.y_list: list[np.ndarray] = []
        self.old_old_loss = None
        self.stop_reason = None
        self.n_fun = 0
        self.budget_exhausted = False
        self._last_eval = None

    def prepare(self, net):
        _require_dense_only(net, "lbfgs")
        self._last_eval = None

    def _direction(self, g: np.ndarray) -> np.ndarray:
        """``-H g`` by the two-loop recursion over the stored pairs (newest last)."""
        q = g.copy()
        alphas = []
        for s, yv in zip(reversed(self.s_list), reversed(self.y_list)):
            a = np.dot(s, q) / np.dot(yv, s)
            q -= a * yv
            alphas.append(a)
        if self.s_list:
            s, yv = self.s_list[-1], self.y_list[-1]
            q *= np.dot(s, yv) / np.dot(yv, yv)
        for (s, yv), a in zip(zip(self.s_list, self.y_list), reversed(alphas)):
            b = np.dot(yv, q) / np.dot(yv, s)
            q += (a - b) * s
        return -q

    def train_batch(self, net, X, y, sample_weight=None):
        from scipy.optimize import line_search

        params = net.params
        cache = {}
        x = _flat(params)
        last = self.__dict__.get("_last_eval")
        if last is not None and _same_array(last[0], X) and np.array_equal(last[1], x):
            # the step accepted last epoch was evaluated on this X at these weights
            cache[x.tobytes()] = last[2]
        self._last_eval = None

        def evaluate(v, count=True):
            key = v.tobytes()
            if key not in cache:
                cache.clear()
                _assign(params, v)
                loss = float(net._forward_backward(X, y, sample_weight, training=False))
                self.n_fun += count
                cache[key] = (loss, _flat(net.grads))
            return cache[key]

        # n_fun counts what the method needs: after the first iteration, the point an epoch
        # starts from was evaluated by the one before (re-evaluated only after a resume)
        loss, g = evaluate(x, count=self.iterations == 0)
        if np.linalg.norm(g, ord=self.norm) <= self.gtol:
            self._stop(net, f"the gradient norm is below gtol={self.gtol}")
            return loss
        if self.old_old_loss is None:
            # SciPy's BFGS convention: makes the first trial step length about 1 / ||g||
            self.old_old_loss = loss + np.sqrt(np.dot(g, g)) / 2
        for _attempt in range(2):
            d = self._direction(g)
            if np.dot(g, d) >= 0:  # not a descent direction: forget the curvature pairs
                self.s_list, self.y_list = [], []
                d = -g
            with warnings.catch_warnings():
                # a failed search is handled below; SciPy's warning about it would only repeat that
                warnings.filterwarnings("ignore", message=".*line search")
                step = line_search(
                    lambda v: evaluate(v)[0],
                    lambda v: evaluate(v)[1],
                    x,
                    d,
                    gfk=g,
                    old_fval=loss,
                    old_old_fval=self.old_old_loss,
                    c1=self.c1,
                    c2=self.c2,
                    maxiter=self.max_line_search,
                )[0]
            if step is not None:
                break
            if not self.s_list:
                break
            self.s_list, self.y_list = [], []  # retry once along the steepest descent
        if step is None:
            _assign(params, x)
            self._stop(net, "the line search found no step that decreases the loss (at a minimum, to rounding)")
            return loss
        x_new = x + step * d
        loss_new, g_new = evaluate(x_new)
        s, yv = x_new - x, g_new - g
        if np.dot(s, yv) > 1e-10 * np.dot(yv, yv):  # keep H positive definite
            self.s_list.append(s)
            self.y_list.append(yv)
            del self.s_list[: -self.history_size], self.y_list[: -self.history_size]
        _assign(params, x_new)
        self.old_old_loss = loss
        self.iterations += 1
        self._last_eval = (X, x_new, (loss_new, g_new))
        if self.max_fun is not None and self.n_fun >= self.max_fun:
            self.budget_exhausted = True
            self._stop(net, f"max_fun={self.max_fun} evaluations of the loss were made")
        elif self.ftol and loss - loss_new <= self.ftol * max(abs(loss), abs(loss_new), 1.0):
            self._stop(net, f"the loss decreased by a relative amount of at most ftol={self.ftol}")
        return loss

    def _stop(self, net, reason):
        self.stop_reason = reason
        net.stop_training = True

    def get_config(self):
        return {
            "history_size": self.history_size,
            "gtol": self.gtol,
            "c1": self.c1,
            "c2": self.c2,
            "max_line_search": self.max_line_search,
            "max_fun": self.max_fun,
            "ftol": self.ftol,
            "norm": self.norm,
        }


# -- Levenberg-Marquardt -------------------------------------------------------------------------
@OPTIMIZERS.register("lm", squared_error=True, deterministic=True)
class LevenbergMarquardt(Optimizer):
    """Levenberg-Marquardt, as MATLAB's ``trainlm`` does it (with a smarter damping by default).

    Each epoch computes the errors ``e`` and their Jacobian ``J`` by backpropagation (see
    :func:`jacobian`) and tries the step ``delta`` solving

        (J^T J + alpha D + mu I) delta = -(J^T e + alpha D w)

    by a Cholesky factorization (``D`` is 1 on weights, 0 on biases: the network's L2
    penalty, if any). If the loss decreases the step is taken, otherwise ``mu`` grows and
    the step is solved again. Small ``mu`` gives the Gauss-Newton step, large ``mu`` a
    short gradient-descent step.

    How ``mu`` changes is ``damping``. ``"nielsen"`` (the default) goes by how well the
    quadratic model predicted the decrease (Nielsen 1999; Madsen, Nielsen & Tingleff 2004,
    eq. 3.16): with ``rho`` the actual decrease over the predicted one, an accepted step
    sets ``mu <- mu * max(1/3, 1 - (2 rho - 1)^3)`` and ``nu <- 2``; a rejected one sets
    ``mu <- mu * nu`` and ``nu <- 2 nu``. ``"trainlm"`` is MATLAB's rule:
    ``mu <- mu * mu_dec`` after an accepted step, ``mu <- mu * mu_inc`` after a rejected
    one. Nielsen's rule rejects fewer trial steps (each costs a forward pass and a
    factorization): about 45 % fewer solves for the same or lower loss on the problems
    in docs/optimizers.md.

    Training stops (``history.stopped_epoch``, and the reason in ``stop_reason``) when
    ``mu`` exceeds ``mu_max``, when the norm of the loss gradient is at most ``min_grad``,
    or when the loss is at most ``goal``.

    Needs the MSE loss; full batch only. The cost per epoch is ``n_outputs`` backward passes
    plus a Cholesky factorization of a ``P x P`` matrix (``P`` = number of parameters) per trial,
    so it suits networks of up to a few hundred or thousand weights.

    Parameters
    ----------
    mu : float, default=1e-3
        Initial damping, > 0.
    mu_dec : float, default=0.1
        Factor after a successful step, in (0, 1).
    mu_inc : float, default=10.0
        Factor after a failed trial, > 1.
    mu_max : float, default=1e10
        Stop when ``mu`` grows beyond this.
    min_grad : float, default=1e-7
        Stop when the 2-norm of the gradient of the loss is at most this.
    goal : float, default=0.0
        Stop when the loss is at most this.
    damping : {"nielsen", "trainlm"}, default="nielsen"
        How ``mu`` changes between trials: Nielsen's gain-ratio rule (which does not use
        ``mu_dec`` and ``mu_inc``), or MATLAB's fixed factors ``mu_dec`` and ``mu_inc``
        (``damping="trainlm"`` reproduces ``trainlm`` step for step).

    References
    ----------
    K. Levenberg, "A method for the solution of certain non-linear problems in least squares",
    Quarterly of Applied Mathematics 2, 1944. D. W. Marquardt, "An algorithm for least-squares
    estimation of nonlinear parameters", SIAM J. Appl. Math. 11, 1963. M. T. Hagan, M. B. Menhaj,
    "Training feedforward networks with the Marquardt algorithm", IEEE Trans. Neural Networks 5(6), 1994.
    H. B. Nielsen, "Damping parameter in Marquardt's method", IMM-REP-1999-05, DTU, 1999.
    K. Madsen, H. B. Nielsen, O. Tingleff, "Methods for non-linear least squares problems", DTU, 2004.
    """

    full_batch = True
    uses_learning_rate = False
    _scalars: tuple[str, ...] = ("mu", "nu", "stop_reason")
    _transient = ("_scratch", "_last_forward", "_jacobian")
    name = "lm"

    def __init__(
        self,
        mu: float = 1e-3,
        mu_dec: float = 0.1,
        mu_inc: float = 10.0,
        mu_max: float = 1e10,
        min_grad: float = 1e-7,
        goal: float = 0.0,
        damping: str = "nielsen",
    ):
        if damping not in ("trainlm", "nielsen"):
            raise ValueError(f"The 'damping' parameter must be 'trainlm' or 'nielsen'; got {damping!r}.")
        self.damping = damping
        self.nu = 2.0  # Nielsen's growth factor for mu after a rejected trial
        self.learning_rate = None  # no step size: mu controls the step
        self.global_clipnorm = None
        self.iterations = 0
        self.mu = check_float(mu, "mu", low=0.0, low_inclusive=False)
        self.mu_dec = check_float(mu_dec, "mu_dec", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False)
        self.mu_inc = check_float(mu_inc, "mu_inc", low=1.0, low_inclusive=False)
        self.mu_max = check_float(mu_max, "mu_max", low=self.mu, low_inclusive=False)
        self.min_grad = check_float(min_grad, "min_grad", low=0.0)
        self.goal = check_float(goal, "goal", low=0.0)
        self.stop_reason = None
        self._last_forward = None  # (X, weights, forward record, loss) of the last accepted step
        self._jacobian = None  # J^T, reused every epoch
        self.gradient_norm = np.nan  # of the last step, as the min_grad rule tested it

    def prepare(self, net):
        _require_mse(net, self.name)
        _require_dense_only(net, self.name)
        if getattr(net, "l1", 0.0):
            # |w| has no second-order model: the Gauss-Newton system cannot take the L1 penalty
            raise ValueError(
                f"The '{self.name}' optimizer cannot take the L1 penalty (|w| is not smooth); "
                f"build the network with l1=0 (got l1={net.l1}) or use alpha (L2) instead."
            )
        self._last_forward = self._jacobian = None

    def logs(self):
        return {"mu": self.mu, "gradient": getattr(self, "gradient_norm", np.nan)}

    def _stop(self, net, reason):
        self.stop_reason = reason
        net.stop_training = True

    def _objective(self, loss: float, w: np.ndarray, m: int) -> float:
        """The function each step must decrease, given the reported loss (``br`` overrides it)."""
        return loss

    def _system_scale(self, m: int) -> float:
        """``s`` such that ``s * objective`` is the function whose model ``_system`` gives (up to
        a constant): the decrease it predicts is compared with ``s`` times the actual one."""
        return float(m)

    def _system(self, net, JtJ, Jte, w, penalty_scale=1.0):
        """The damped system's matrix without ``mu``, and its right-hand side: ``(H, g)``.

        ``g`` is the gradient of ``m * L`` (the loss without its factor 1/m) and ``H`` its
        Gauss-Newton Hessian. The network's L2 penalty is ``alpha / (2 M) ||W||^2``, with ``M``
        the number of samples or, with sample weights, their sum; in ``m * L`` it adds
        ``alpha * m / M`` (``penalty_scale = m / M``) on the diagonal entries of the weights.
        """
        if not net.alpha:
            return JtJ, Jte  # no penalty: the Gauss-Newton system itself (neither is changed in place)
        mask = _weight_mask(net) * (net.alpha * penalty_scale)
        return JtJ + np.diag(mask), Jte + mask * w

    def _check_memory(self, net, m: int, jacobian_size: int) -> None:
        """Refuse, before allocating, a Jacobian and Gauss-Newton system that cannot fit:
        J^T (``jacobian_size`` entries) and about three n_params x n_params float64 matrices
        (J^T J, the damped system, its Cholesky factor)."""
        p = net.n_params
        needed = jacobian_size * net.dtype.itemsize + 3 * p * p * 8
        check_memory(
            needed,
            f"training with the {type(self).__name__} solver (a Jacobian of {p:,} parameters x {m:,} rows x "
            f"{net.n_outputs} outputs and a {p:,} x {p:,} Gauss-Newton matrix)",
            "use fewer hidden units or inputs, or a first-order solver such as 'adam' (--solver adam), "
            "whose memory grows with the parameters, not their square",
        )

    def train_batch(self, net, X, y, sample_weight=None):
        params = net.params
        m = X.shape[0]
        w = _flat(params)
        # the forward pass of the step accepted last epoch, if it was at these weights on this X
        cached = self._last_forward
        if (
            cached is not None
            and _same_array(cached[0], X)
            and np.array_equal(cached[1], w)
            and cached[2][1][-1] is net.layers[-1].output
        ):  # no other pass since
            record, loss = cached[2], cached[3]
        else:
            record = _forward_record(net, X, reuse=True)
            loss = _record_loss(net, record, y, sample_weight)
        self._last_forward = None
        # all the outputs' blocks at once when that takes at most 64 MB, else one at a time
        k = net.n_outputs
        shape = (net.n_params, k, m) if net.n_params * k * m <= 2**23 else (net.n_params, m)
        if self._jacobian is None or self._jacobian.shape != shape or self._jacobian.dtype != net.dtype:
            self._check_memory(net, m, math.prod(shape))
            self._jacobian = np.empty(shape, dtype=net.dtype)
        JtJ, Jte = _gauss_newton(net, record, y, sample_weight, self._jacobian)
        objective = self._objective(loss, w, m)
        H, g = self._system(net, JtJ, Jte, w, m / _mass(X, sample_weight))
        if loss <= self.goal:
            self._stop(net, f"the loss reached goal={self.goal}")
            return loss
        # the norm the stop rule tests, logged as "gradient" so that plots show this very number
        self.gradient_norm = float(np.linalg.norm(g) / m)
        if self.gradient_norm <= self.min_grad:
            self._stop(net, f"the gradient norm is below min_grad={self.min_grad}")
            return loss
        diagonal = np.diagonal(H).copy()
        damped = np.array(H, dtype=np.float64)  # H + mu I, rewritten on the diagonal for each trial mu
        while self.mu <= self.mu_max:
            np.fill_diagonal(damped, diagonal + self.mu)
            try:
                delta = -_damped_solve(damped, g)
            except np.linalg.LinAlgError:
                self.mu *= self.mu_inc if self.damping == "trainlm" else 10.0  # not positive definite: damp more
                continue
            w_new = w + delta
            _assign(params, w_new)
            trial = _forward_record(net, X, reuse=True)
            new_loss = _record_loss(net, trial, y, sample_weight)
            new_objective = self._objective(new_loss, w_new, m)
            if new_objective < objective:
                if self.damping == "nielsen":
                    # model decrease -(g.d + d.H.d/2) = d.H.d/2 + mu d.d > 0, as (H + mu I) d = -g
                    predicted = 0.5 * float(delta @ (H @ delta)) + self.mu * float(delta @ delta)
                    rho = self._system_scale(m) * (objective - new_objective) / predicted
                    self.mu *= max(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3)
                    self.nu = 2.0
                else:
                    self.mu *= self.mu_dec
                self.iterations += 1
                self._accepted(net, X, y, sample_weight, JtJ, new_loss)
                # the next epoch starts from this forward pass instead of repeating it
                self._last_forward = (X, _flat(params), trial, new_loss)
                return loss
            if self.damping == "nielsen":
                self.mu *= self.nu
                self.nu *= 2.0
            else:
                self.mu *= self.mu_inc
        _assign(params, w)
        self._stop(net, f"mu exceeded mu_max={self.mu_max}")
        return loss

    def _accepted(self, net, X, y, sample_weight, JtJ, loss):
        """Hook called after a successful step, with the loss at the new weights
        (Bayesian regularization re-estimates its priors)."""

    def get_config(self):
        return {
            "mu": self.mu,
            "mu_dec": self.mu_dec,
            "mu_inc": self.mu_inc,
            "mu_max": self.mu_max,
            "min_grad": self.min_grad,
            "goal": self.goal,
            "damping": self.damping,
        }


@OPTIMIZERS.register("br", squared_error=True, deterministic=True)
class BayesianRegularization(LevenbergMarquardt):
    """Bayesian regularization, as MATLAB's ``trainbr`` does it: LM on ``beta E_D + alpha E_W``.

    ``E_D`` is the sum of squared errors and ``E_W`` the sum of squares of **all** parameters
    (weights and biases, as in ``trainbr``). Each epoch takes one Levenberg-Marquardt step on

        F(w) = beta * E_D + alpha * E_W,   solving  (beta J^T J + (alpha + mu) I) delta = -(beta J^T e + alpha w),

    then re-estimates the hyperparameters by MacKay's evidence framework (Foresee & Hagan 1997):

        gamma = N - 2 alpha tr(H^-1),   H = 2 beta J^T J + 2 alpha I   (N parameters)
        alpha = gamma / (2 E_W),        beta = (n - gamma) / (2 E_D)    (n errors)

    ``gamma`` is the effective number of parameters the data determine; it is recorded in the
    history every epoch (``history["gamma"]``), with ``alpha``, ``beta`` and ``mu``. Training
    starts from ``alpha = 0, beta = 1``. ``n - gamma`` is kept at least 1 so ``beta`` stays positive
    when the network has more parameters than there are errors. The reported loss is the plain
    MSE loss, not ``F``. A small data set needs no validation split. Needs ``Network(alpha=0)``: the
    weight decay is what this method estimates.

    Parameters
    ----------
    mu, mu_dec, mu_inc, mu_max, min_grad, goal, damping
        As in :class:`LevenbergMarquardt` (MATLAB's ``trainbr`` uses ``mu_max=1e10`` too).

    References
    ----------
    D. J. C. MacKay, "Bayesian interpolation", Neural Computation 4(3), 1992.
    F. D. Foresee, M. T. Hagan, "Gauss-Newton approximation to Bayesian learning", ICNN 1997.
    """

    _scalars: tuple[str, ...] = ("mu", "nu", "stop_reason", "alpha", "beta", "gamma")
    name = "br"

    # LevenbergMarquardt's __init__ (the same settings), plus the evidence's state:
    # the weight decay alpha, the data weight beta and the effective number of parameters gamma
    alpha, beta, gamma = 0.0, 1.0, None

    def prepare(self, net):
        super().prepare(net)
        if net.alpha:
            raise ValueError(
                f"The 'br' optimizer estimates the weight decay itself; build the network with "
                f"alpha=0 (got alpha={net.alpha})."
            )

    def logs(self):
        gamma = np.nan if self.gamma is None else self.gamma  # NaN until the first accepted step
        return {
            "mu": self.mu,
            "gamma": gamma,
            "alpha": self.alpha,
            "beta": self.beta,
            "gradient": getattr(self, "gradient_norm", np.nan),
        }

    def _objective(self, loss, w, m):
        # E_D = 2 m L is the sum of squared errors (the network has no L2 penalty here)
        return self.beta * 2 * m * loss + self.alpha * float(np.dot(w, w))

    def _system_scale(self, m):
        return 0.5  # the system below models F / 2

    def _system(self, net, JtJ, Jte, w, penalty_scale=1.0):
        # the LM system for F / 1: its gradient is 2 (beta J^T e + alpha w); the factor 2 is dropped
        # on both sides, as LM does for the sum of squared errors
        return self.beta * JtJ + self.alpha * np.eye(len(w)), self.beta * Jte + self.alpha * w

    def _accepted(self, net, X, y, sample_weight, JtJ, loss):
        n_params = JtJ.shape[0]
        n_errors = X.shape[0] * net.n_outputs
        # gamma = N - 2 alpha tr((2 beta JtJ + 2 alpha I)^-1) = N - alpha tr((beta JtJ + alpha I)^-1);
        # through the eigenvalues lam of beta JtJ this is MacKay's sum of lam / (lam + alpha)
        lam = np.clip(np.linalg.eigvalsh(self.beta * JtJ), 0.0, None)
        self.gamma = float(np.sum(lam / (lam + self.alpha))) if self.alpha > 0 else float(n_params)
        w = _flat(net.params)
        e_w = float(np.dot(w, w))
        e_d = 2 * X.shape[0] * loss
        self.alpha = self.gamma / (2 * e_w) if e_w > 0 else 1.0
        self.beta = max(n_errors - self.gamma, 1.0) / (2 * e_d) if e_d > 0 else 1.0


LM = LevenbergMarquardt
BR = BayesianRegularization

#: The whole-batch solvers' entries of :data:`~bpnn.training.optimizers.OPTIMIZERS` (registered above,
#: each next to its class), kept under their old name.
SOLVERS = {name: OPTIMIZERS[name] for name in OPTIMIZERS.names(full_batch=True)}
