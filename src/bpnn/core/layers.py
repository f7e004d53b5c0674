"""Layers. A layer's ``forward`` caches what its ``backward`` needs; ``backward`` stores the
gradients of the layer's own parameters and returns the gradient for the layer below.

A layer knows nothing about the network it is in.

During training (``forward(X, training=True)`` and the ``backward`` that follows) a
``Dense`` layer writes its results into buffers it keeps from batch to batch, so a
training step allocates almost nothing; the arrays it returns or stores are then
overwritten by the next training step (copy them to keep them). Outside training
every call returns fresh arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bpnn.core import _native
from bpnn.core.activations import BUILTIN, ReLU, backward, get_activation, needs_z
from bpnn.core.checks import check_float, check_int
from bpnn.core.initializers import Normal, Uniform, get_initializer


class Dense:
    """A fully-connected layer: ``a = f(X @ W + b)``.

    Parameters
    ----------
    n_in : int
        Number of inputs (the width of the layer below, or of the data).
    n_out : int
        Number of neurons.
    activation : str, None or activation object, default=None
        A name of :data:`bpnn.ACTIVATIONS` (``"identity"``, the same as None, ``"sigmoid"``,
        ``"tanh"``, ``"relu"``, ``"gelu"``, ``"softmax"`` ...), or a user-defined activation.
        The layer keeps what the activation's backward pass needs (its ``needs``): the
        output, or also the pre-activation ``z``.
    weights : array of shape (n_in, n_out), optional
        Explicit initial weights; they win over ``init``.
    bias : array of shape (n_out,), False or None, optional
        Explicit initial bias (wins over ``bias_init``); ``False`` builds the layer
        without a bias, like ``use_bias=False``.
    init : str, number or callable, default="xavier"
        Weight initializer used when ``weights`` is not given (see
        :mod:`bpnn.core.initializers`); a number means every weight equals it.
    bias_init : str, number or callable, default="zeros"
        Bias initializer used when ``bias`` is not given.
    use_bias : bool, default=True
        Whether the layer has a bias.

    Attributes
    ----------
    weights : ndarray of shape (n_in, n_out)
    bias : ndarray of shape (n_out,) or None
    grad_weights, grad_bias : ndarray or None
        The gradients stored by the last ``backward``.

    Examples
    --------
    >>> import numpy as np, bpnn
    >>> layer = bpnn.Dense(2, 3, activation="tanh").build(np.random.default_rng(0))
    >>> layer.forward(np.ones((4, 2))).shape
    (4, 3)
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        activation=None,
        weights=None,
        bias=None,
        init="xavier",
        bias_init="zeros",
        use_bias: bool = True,
    ):
        self.n_in = check_int(n_in, "n_in", minimum=1)
        self.n_out = check_int(n_out, "n_out", minimum=1)
        self.activation = get_activation(activation)
        self.init = get_initializer(init, "init")
        self.bias_init = get_initializer(bias_init, "bias_init")
        if bias is False:
            use_bias, bias = False, None
        self.use_bias = bool(use_bias)
        # Any: None until build(), then arrays (mypy cannot follow the `built` checks)
        self.weights: Any = None if weights is None else self._check_param(weights, "weights", (self.n_in, self.n_out))
        if bias is not None and not self.use_bias:
            raise ValueError("The 'bias' argument was given but use_bias=False; pass one or the other.")
        self.bias: Any = None if bias is None else self._check_param(bias, "bias", (self.n_out,))
        self.grad_weights: Any = None
        self.grad_bias: Any = None
        self._input: Any = None
        self._output: Any = None
        self._z: Any = None  # the pre-activation, kept only for an activation that needs it
        self._buffers: dict = {}  # batch size -> arrays reused by training steps
        self._scratch: Any = None  # the buffers of the current training step, None outside training

    @staticmethod
    def _check_param(value, name, shape):
        arr = np.array(value, copy=True)
        if not (np.issubdtype(arr.dtype, np.number) and not np.issubdtype(arr.dtype, np.complexfloating)):
            raise TypeError(f"The '{name}' argument must hold real numbers; got dtype {arr.dtype}.")
        if not np.issubdtype(arr.dtype, np.floating):
            arr = arr.astype(np.float64)
        if arr.shape != shape:
            raise ValueError(f"The '{name}' argument must have shape {shape}; got {arr.shape}.")
        if not np.isfinite(arr).all():
            raise ValueError(f"The '{name}' argument must contain only finite numbers.")
        return arr

    # -- set-up -----------------------------------------------------------------
    @property
    def built(self) -> bool:
        return self.weights is not None and (self.bias is not None or not self.use_bias)

    def build(self, rng: np.random.Generator | None = None, dtype=np.float64) -> Dense:
        """Create the parameters not given explicitly, and cast all of them to ``dtype``."""
        if rng is None:
            rng = np.random.default_rng()
        if self.weights is None:
            self.weights = np.asarray(self.init((self.n_in, self.n_out), rng, dtype), dtype=dtype)
        if self.use_bias and self.bias is None:
            self.bias = np.asarray(self.bias_init((self.n_out,), rng, dtype), dtype=dtype)
        self.weights = np.ascontiguousarray(self.weights, dtype=dtype)
        if self.bias is not None:
            self.bias = np.ascontiguousarray(self.bias, dtype=dtype)
        return self

    @property
    def params(self) -> list[np.ndarray]:
        """The trainable arrays, updated in place by optimizers."""
        return [self.weights] if self.bias is None else [self.weights, self.bias]

    @property
    def grads(self) -> list[np.ndarray]:
        return [self.grad_weights] if self.bias is None else [self.grad_weights, self.grad_bias]

    # -- the computation ----------------------------------------------------------
    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        """``f(X @ W + b)`` for ``X`` of shape (n_samples, n_in); returns (n_samples, n_out)."""
        if self.weights is None:
            raise RuntimeError("This Dense layer has no weights yet: add it to a Network or call build(rng).")
        # (the buffers looked up here rather than through _out(): this runs once per layer and sample)
        scratch = self._scratch = self._training_buffers(X.shape[0]) if training else None
        if isinstance(X, np.ndarray):
            z = np.matmul(X, self.weights, out=None if scratch is None else scratch["a"])
        else:
            # a SciPy sparse matrix (only ever the first layer's input): its own product with a
            # dense array gives a dense array, and the data are never densified
            z = np.asarray(X @ self.weights)
        act = self.activation
        if needs_z(act):
            # the backward pass needs z: the output goes to an array of its own
            if self.bias is not None:
                z += self.bias
            out = None if scratch is None else self._z_output(scratch)
            a = act.forward(z, out=out) if type(act) in BUILTIN else act.forward(z)
            self._z = z
        elif type(act) is ReLU and self.bias is not None and _native.bias_relu(z, self.bias):
            a = z  # the two lines below in one pass of the optional C kernel, to the same numbers
            self._z = None
        else:
            if self.bias is not None:
                z += self.bias
            # a built-in activation writes a over z; a user-defined one need not take out=
            a = act.forward(z, out=z) if type(act) in BUILTIN else act.forward(z)
            self._z = None
        self._input, self._output = X, a
        return a

    @staticmethod
    def _z_output(scratch: dict) -> np.ndarray:
        """The training buffer the output goes to when ``z`` is kept in the usual one."""
        if scratch.get("a2") is None:
            scratch["a2"] = np.empty_like(scratch["a"])
        return scratch["a2"]

    def backward(self, grad_output: np.ndarray, need_input_grad: bool = True):
        """Given dL/da (n_samples, n_out), store dL/dW, dL/db and return dL/dX."""
        act, scratch = self.activation, self._scratch
        out = scratch["delta"] if scratch is not None and type(act) in BUILTIN else None
        delta = backward(act, self._output, grad_output, self._z, out=out)
        return self.backward_delta(delta, need_input_grad)

    def backward_delta(self, delta: np.ndarray, need_input_grad: bool = True):
        """Given delta = dL/dz (n_samples, n_out), store dL/dW, dL/db and return dL/dX.

        dL/dW = X^T delta,  dL/db = sum of delta over samples,  dL/dX = delta W^T.
        """
        scratch = self._scratch
        dense_input = isinstance(self._input, np.ndarray)
        if scratch is None:
            if dense_input:
                self.grad_weights = np.matmul(self._input.T, delta)
            else:  # a sparse input (see forward): X^T delta by the sparse matrix's own product
                self.grad_weights = np.asarray(self._input.T @ delta)
            if self.bias is not None:
                self.grad_bias = delta.sum(axis=0)
            return np.matmul(delta, self.weights.T) if need_input_grad else None
        if not dense_input:  # a sparse input, as above
            self.grad_weights = np.asarray(self._input.T @ delta)
            if self.bias is not None:
                self.grad_bias = np.matmul(scratch["ones"], delta, out=scratch["db"])
        elif len(delta) == 1:
            # One sample (online training): X^T delta is an outer product and the column sums
            # are delta's one row. An elementwise product and a copy give the same numbers as
            # the two BLAS calls below (a sum of one term), in a third of the time.
            self.grad_weights = np.multiply(self._input.T, delta, out=scratch["dW"])
            if self.bias is not None:
                self.grad_bias = scratch["db"]
                self.grad_bias[...] = delta[0]
        else:
            self.grad_weights = np.matmul(self._input.T, delta, out=scratch["dW"])
            if self.bias is not None:
                # a row of ones times delta: BLAS sums the columns two to six times faster
                # than np.add.reduce(delta, axis=0) on these shapes
                self.grad_bias = np.matmul(scratch["ones"], delta, out=scratch["db"])
        if not need_input_grad:
            return None
        return np.matmul(delta, self.weights.T, out=scratch["dX"])

    # -- bookkeeping: reused arrays ------------------------------------------------
    def __getstate__(self) -> dict:
        # the reusable buffers hold no state and are rebuilt on demand: a pickle or a
        # copy of the layer goes without them
        return {**self.__dict__, "_buffers": {}, "_scratch": None, "_z": None}

    def __setstate__(self, state: dict) -> None:
        # also for pickles made before buffers (and before z was kept)
        self.__dict__.update({"_buffers": {}, "_scratch": None, "_z": None, **state})

    def _training_buffers(self, rows: int) -> dict:
        """The arrays a training step on ``rows`` samples writes its results into, made
        once per batch size (a dozen sizes at most are kept)."""
        bufs = self._buffers.get(rows)
        dtype = self.weights.dtype
        if bufs is None or bufs["a"].dtype != dtype:
            if len(self._buffers) >= 12:
                self._buffers.clear()
            bufs = self._buffers[rows] = {
                "a": np.empty((rows, self.n_out), dtype),
                "delta": np.empty((rows, self.n_out), dtype),
                "dX": np.empty((rows, self.n_in), dtype),
                "dW": np.empty_like(self.weights),
                "db": None if self.bias is None else np.empty_like(self.bias),
                "ones": np.ones(rows, dtype),
            }
        return bufs

    def _out(self, name: str) -> np.ndarray | None:
        """The buffer for result ``name`` during training; None outside training, where
        NumPy allocates a fresh result that the caller may keep."""
        return None if self._scratch is None else self._scratch[name]

    @property
    def output(self) -> np.ndarray | None:
        """The activation computed by the last ``forward``."""
        return self._output

    @property
    def pre_activation(self) -> np.ndarray | None:
        """The ``z = X @ W + b`` of the last ``forward``, kept only when the activation's
        backward pass needs it (``"z"`` in its ``needs``); None otherwise."""
        return self._z

    def __repr__(self) -> str:
        act = getattr(self.activation, "name", type(self.activation).__name__)
        extra = "" if self.use_bias else ", use_bias=False"
        return f"Dense({self.n_in}, {self.n_out}, activation={act!r}{extra})"


class Layer(Dense):
    """Seed 004's spelling of :class:`Dense`, with seed 004's defaults.

    ``Layer(n_input, n_neurons, activation=None, weights=None, bias=None)`` draws
    weights from ``randn * sqrt(1 / n_neurons)`` and biases uniformly from ``[0, 0.1)``.
    Everything else is :class:`Dense`.
    """

    def __init__(
        self,
        n_input: int,
        n_neurons: int,
        activation=None,
        weights=None,
        bias=None,
        init=None,
        bias_init=None,
        use_bias: bool = True,
    ):
        super().__init__(
            n_input,
            n_neurons,
            activation=activation,
            weights=weights,
            bias=bias,
            init=Normal() if init is None else init,
            bias_init=Uniform(0.0, 0.1) if bias_init is None else bias_init,
            use_bias=use_bias,
        )


class Dropout:
    """Inverted dropout: while training, each input is zeroed with probability ``rate`` and
    the survivors are scaled by ``1 / (1 - rate)``; in ``predict`` the layer is the identity.

    The scaling keeps the expected value of every activation the same in training and in
    prediction, so nothing needs rescaling afterwards. The masks come from the layer's own
    generator, seeded by ``seed`` or, when ``seed`` is None, by the network's ``seed``
    when the layer is added to it, so training is reproducible.

    Parameters
    ----------
    rate : float
        Fraction of inputs dropped, in [0, 1).
    seed : int or None, default=None

    Examples
    --------
    >>> import numpy as np, bpnn
    >>> net = bpnn.Network([bpnn.Dense(2, 8, "relu"), bpnn.Dropout(0.5), bpnn.Dense(8, 1)], seed=0)
    >>> np.array_equal(net.predict(np.ones((3, 2))), net.predict(np.ones((3, 2))))
    True

    References
    ----------
    N. Srivastava, G. Hinton, A. Krizhevsky, I. Sutskever, R. Salakhutdinov, "Dropout: a simple
    way to prevent neural networks from overfitting", JMLR 15, 2014.
    """

    def __init__(self, rate: float, seed: int | None = None):
        self.rate = check_float(rate, "rate", low=0.0, high=1.0, high_inclusive=False)
        self.seed = None if seed is None else check_int(seed, "seed", minimum=0)
        self.rng: Any = None if seed is None else np.random.default_rng(seed)
        self._mask: Any = None

    def build(self, rng: np.random.Generator | None = None, dtype=np.float64) -> Dropout:
        if self.rng is None:
            # a child generator drawn from the network's, so Network(seed=...) fixes the masks too
            source = rng if rng is not None else np.random.default_rng()
            self.rng = np.random.default_rng(source.integers(2**63))
        return self

    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        if not training or self.rate == 0.0:
            self._mask = None
            return X
        if self.rng is None:
            self.build()
        keep = 1.0 - self.rate
        self._mask = (self.rng.random(X.shape) >= self.rate).astype(X.dtype) / X.dtype.type(keep)
        return X * self._mask

    def backward(self, grad_output: np.ndarray, need_input_grad: bool = True):
        """dL/dX = dL/dout * mask (the same scaled mask as the forward pass)."""
        if not need_input_grad:
            return None
        return grad_output if self._mask is None else grad_output * self._mask

    def __repr__(self) -> str:
        return f"Dropout({self.rate}" + ("" if self.seed is None else f", seed={self.seed}") + ")"
