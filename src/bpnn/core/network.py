"""``Network``: a list of layers and a loss -- forward, backward, predict, fit."""

from __future__ import annotations

import inspect

import numpy as np

from bpnn.core.activations import Exp, Identity, Sigmoid, Softmax
from bpnn.core.checks import check_array, check_float, check_same_rows
from bpnn.core.layers import Dense
from bpnn.core.losses import get_loss

# Output activations for which a loss may supply dL/dz directly (Loss.fused_delta).
# The chain rule collapses to delta = (yhat - y) / m for exactly these pairs:
#   identity + mse,  sigmoid + binary_crossentropy,  softmax + categorical_crossentropy,
#   exp + poisson.
# Only the built-in classes qualify, so a user's activation that happens to be
# called "sigmoid" still goes through its own backward().
_FUSABLE = (Identity, Sigmoid, Softmax, Exp)


# Network.fit, Network.explain and Network.save are done by packages above the engine
# core (the training loop, bpnn.explain, the model-file format). bpnn/__init__.py, which
# Python runs before any ``bpnn.core`` module, registers their functions here, so that
# this file never imports upwards.
_METHODS: dict = {}


def register_method(name: str, function) -> None:
    """Let a package above the core supply ``Network.<name>`` (``fit``, ``explain`` or ``save``)."""
    if name not in ("fit", "explain", "save"):
        raise ValueError(f"register_method: name must be 'fit', 'explain' or 'save'; got {name!r}.")
    _METHODS[name] = function
    if name == "fit":
        _present_as(Network.fit, function)


def _present_as(method, function) -> None:
    """Give ``method`` (which passes its keywords on to ``function``) the signature and
    documentation of ``function``, whose first parameter is the network: one list of
    options, documented once, shown by ``help`` and by editors."""
    signature = inspect.signature(function)
    first, *rest = signature.parameters.values()
    method.__signature__ = signature.replace(parameters=[first.replace(name="self"), *rest])
    method.__doc__ = function.__doc__


def _method(name: str):
    try:
        return _METHODS[name]
    except KeyError:
        raise RuntimeError(
            f"Network.{name} is supplied by a bpnn package that is not imported; run `import bpnn` first."
        ) from None


def _mass(X: np.ndarray, sample_weight) -> float:
    """What the L2 penalty is divided by: the number of samples, or their total weight."""
    return X.shape[0] if sample_weight is None else float(np.sum(sample_weight))


class Network:
    """A fully-connected feed-forward network trained by backpropagation.

    Parameters
    ----------
    layers : list of Dense (or other layers), optional
        The layers from input to output; more can be added with :meth:`add`.
    loss : str or loss object, default="mse"
        ``"mse"`` (mean over samples of 1/2 * sum of squared errors),
        ``"binary_crossentropy"``, ``"categorical_crossentropy"``, or a user-defined loss.
    seed : int, numpy.random.Generator or None, default=None
        Source of the random initial weights of layers built without explicit
        weights. ``None`` draws fresh entropy (not reproducible).
    dtype : numpy float dtype, default=numpy.float64
        The dtype of every parameter and every computation; ``numpy.float32``
        halves memory and is faster.
    alpha : float, default=0.0
        L2 penalty: ``alpha / (2 m) * sum ||W||^2`` is added to the loss of a batch
        of ``m`` samples (weights only, never biases; scikit-learn's MLP convention), so the
        reported loss and :func:`bpnn.core.gradcheck` include it. With ``sample_weight``, ``m``
        is the batch's total weight, so integer weights act exactly as repeated rows.
    l1 : float, default=0.0
        L1 penalty: ``l1 / m * sum |W|`` is added to the loss of a batch of ``m`` samples, with
        the same conventions as ``alpha`` (weights only, ``m`` the batch's size or total weight).
        Its gradient ``l1 / m * sign(W)`` (0 at ``W = 0``) pushes small weights to exactly zero
        in spirit, though a gradient step only brings them close to it.

    Examples
    --------
    >>> import numpy as np, bpnn
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    >>> y = np.array([[0], [1], [1], [0]], dtype=float)
    >>> net = bpnn.Network([bpnn.Dense(2, 3, "sigmoid"), bpnn.Dense(3, 1, "sigmoid")], seed=0)
    >>> history = net.fit(X, y, epochs=5000, learning_rate=2.0)
    >>> (net.predict(X) > 0.5).astype(int).ravel().tolist()
    [0, 1, 1, 0]
    """

    def __init__(self, layers=None, loss="mse", seed=None, dtype=np.float64, alpha: float = 0.0, l1: float = 0.0):
        dtype = np.dtype(dtype)
        if dtype not in (np.float32, np.float64):
            raise ValueError(f"The 'dtype' parameter must be float32 or float64; got {dtype}.")
        self.dtype = dtype
        self.loss_fn = get_loss(loss)
        self.alpha = check_float(alpha, "alpha", low=0.0)
        self.l1 = check_float(l1, "l1", low=0.0)
        self._rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.layers: list = []
        self.epochs_trained = 0
        self.stop_training = False
        self.optimizer = None
        self._batch_m: float = 1
        if layers is not None:
            if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
                raise TypeError(f"The 'layers' parameter must be a list of layers; got {type(layers).__name__}.")
            for layer in layers:
                self.add(layer)

    # -- building -------------------------------------------------------------------
    def add(self, layer) -> Network:
        """Append a layer; its input width must equal the current output width."""
        if not (callable(getattr(layer, "forward", None)) and callable(getattr(layer, "backward", None))):
            raise TypeError(f"Each layer must have forward() and backward(); got {type(layer).__name__}.")
        n_in = getattr(layer, "n_in", None)
        if self.layers:
            prev = self._dense_layers()[-1] if self._dense_layers() else None
            if any(isinstance(getattr(earlier, "activation", None), Softmax) for earlier in self.layers):
                raise ValueError(
                    "softmax is only allowed in the last layer: a layer was added after "
                    f"{self.layers[-1]!r}, whose activation is softmax."
                )
            if n_in is not None and prev is not None and n_in != prev.n_out:
                raise ValueError(
                    f"Layer sizes do not chain: layer {len(self.layers)} expects n_in={n_in} "
                    f"inputs but the layer before it has n_out={prev.n_out} outputs."
                )
        if hasattr(layer, "build"):
            layer.build(self._rng, self.dtype)
        self.layers.append(layer)
        return self

    def add_layer(self, layer) -> Network:
        """Seed 004's name for :meth:`add`."""
        return self.add(layer)

    def _dense_layers(self) -> list:
        # isinstance first: hasattr() on a Dense evaluates its params property, and this runs every step
        return [layer for layer in self.layers if isinstance(layer, Dense) or hasattr(layer, "params")]

    def _check_built(self):
        if not self.layers:
            raise ValueError("The network has no layers; pass a list of layers or call add().")
        if not hasattr(self.layers[-1], "n_out"):
            raise ValueError("The last layer must be a Dense layer.")

    @property
    def n_inputs(self) -> int:
        self._check_built()
        return self._dense_layers()[0].n_in

    @property
    def n_outputs(self) -> int:
        self._check_built()
        return self.layers[-1].n_out

    @property
    def params(self) -> list[np.ndarray]:
        """Every trainable array, in layer order (W1, b1, W2, b2, ...)."""
        return [p for layer in self._dense_layers() for p in layer.params]

    @property
    def grads(self) -> list[np.ndarray]:
        """The gradients from the last backward pass, matching :attr:`params`."""
        grads = [g for layer in self._dense_layers() for g in layer.grads]
        l1 = getattr(self, "l1", 0.0)  # a network unpickled from before L1 has no attribute
        if self.alpha or l1:
            # the penalties apply to weights only: add alpha/m * W + l1/m * sign(W) to each dL/dW
            grads = list(grads)
            i = 0
            for layer in self._dense_layers():
                if self.alpha:
                    grads[i] = grads[i] + (self.alpha / self._batch_m) * layer.weights
                if l1:
                    grads[i] = grads[i] + (l1 / self._batch_m) * np.sign(layer.weights)
                i += len(layer.params)
        return grads

    @property
    def n_params(self) -> int:
        return int(sum(p.size for p in self.params))

    # -- the computation ------------------------------------------------------------
    def _forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        for layer in self.layers:
            X = layer.forward(X, training)
        return X

    def _penalty(self, m: float) -> float:
        penalty = 0.0
        if self.alpha:
            penalty += (
                self.alpha / (2.0 * m) * sum(np.vdot(layer.weights, layer.weights) for layer in self._dense_layers())
            )
        l1 = getattr(self, "l1", 0.0)
        if l1:
            penalty += l1 / m * sum(np.abs(layer.weights).sum() for layer in self._dense_layers())
        return penalty

    def _forward_backward(self, X: np.ndarray, y: np.ndarray, sample_weight=None, training: bool = True) -> float:
        """Forward and backward pass on checked arrays; returns the loss, leaves gradients in the layers."""
        out = self._forward(X, training)
        last = self.layers[-1]
        act = last.activation
        delta = None
        if type(act) in _FUSABLE and hasattr(self.loss_fn, "fused_delta"):
            delta = self.loss_fn.fused_delta(y, out, act.name, sample_weight)
        if delta is not None:
            grad = last.backward_delta(delta, need_input_grad=len(self.layers) > 1)
        else:
            grad = last.backward(self.loss_fn.gradient(y, out, sample_weight), need_input_grad=len(self.layers) > 1)
        for i in range(len(self.layers) - 2, -1, -1):
            grad = self.layers[i].backward(grad, need_input_grad=i > 0)
        self._batch_m = _mass(X, sample_weight)
        return self.loss_fn.value(y, out, sample_weight) + self._penalty(self._batch_m)

    def _check_xy(self, X, y, sample_weight=None):
        self._check_built()
        X = check_array(X, "X", self.dtype, n_cols=self.n_inputs, cols_what=" (the first layer's n_in)")
        y = check_array(y, "y", self.dtype, n_cols=self.n_outputs, cols_what=" (the last layer's n_out)")
        check_same_rows(X, y)
        if sample_weight is not None:
            sample_weight = check_array(sample_weight, "sample_weight", self.dtype, ndim=1)
            if len(sample_weight) != len(X):
                raise ValueError(
                    f"'sample_weight' must have one entry per row of X ({len(X)}); got {len(sample_weight)}."
                )
        return X, y, sample_weight

    def forward(self, X) -> np.ndarray:
        """The network's output for ``X`` of shape (n_samples, n_inputs): (n_samples, n_outputs)."""
        self._check_built()
        X = check_array(X, "X", self.dtype, n_cols=self.n_inputs, cols_what=" (the first layer's n_in)")
        return self._forward(X)

    predict = forward

    def loss(self, X, y, sample_weight=None) -> float:
        """The loss of the network on ``(X, y)`` (L2 and L1 penalties included), as a float."""
        X, y, sample_weight = self._check_xy(X, y, sample_weight)
        return float(self._loss(X, y, sample_weight))

    def _loss(self, X, y, sample_weight=None):
        """The loss on checked arrays, as a NumPy scalar of the network's dtype."""
        return self.loss_fn.value(y, self._forward(X), sample_weight) + self._penalty(_mass(X, sample_weight))

    def backward(self, X, y, sample_weight=None) -> list[tuple]:
        """Gradients of :meth:`loss` by backpropagation; no update is made.

        Returns
        -------
        list of (dW, db)
            One pair per Dense layer, with the shapes of ``(weights, bias)``;
            ``db`` is None for a layer without bias.
        """
        X, y, sample_weight = self._check_xy(X, y, sample_weight)
        self._forward_backward(X, y, sample_weight, training=False)
        grads = iter(self.grads)
        return [(next(grads), next(grads) if layer.bias is not None else None) for layer in self._dense_layers()]

    def fit(self, X, y, **options):
        """Train by backpropagation; returns a ``History``.

        The options (``epochs``, ``learning_rate``, ``batch_size``, ``optimizer``, ``callbacks``,
        ``verbose``, ``fast`` ...) and their documentation are those of
        :func:`bpnn.training.train`, the training loop above the core, which this calls;
        ``help(Network.fit)`` shows them once ``bpnn`` is imported.
        """
        self._check_built()
        accepted = inspect.signature(Network.fit).parameters
        for key in options:
            if key not in accepted or key in ("self", "X", "y"):
                takes = ", ".join(name for name in accepted if name not in ("self", "X", "y", "options"))
                raise TypeError(f"Network.fit() got an unexpected keyword argument {key!r}; it takes {takes}.")
        return _method("fit")(self, X, y, **options)

    def explain(self, X, y, learning_rate: float = 0.5):
        """One gradient-descent step on ``(X, y)`` with every intermediate number kept.

        Returns a :class:`bpnn.explain.TrainingStep` (per layer: z, a, delta, gradients,
        updated weights); the network's weights are not changed. See :mod:`bpnn.explain`.
        """
        return _method("explain")(self, X, y, learning_rate)

    # -- weights -----------------------------------------------------------------------
    def get_weights(self) -> list[np.ndarray]:
        """Copies of every parameter array, in :attr:`params` order."""
        return [p.copy() for p in self.params]

    def set_weights(self, weights) -> None:
        """Overwrite every parameter array in place (shapes must match :attr:`params`)."""
        params = self.params
        if len(weights) != len(params):
            raise ValueError(f"set_weights expects {len(params)} arrays; got {len(weights)}.")
        for i, (p, w) in enumerate(zip(params, weights)):
            w = np.asarray(w)
            if w.shape != p.shape:
                raise ValueError(f"set_weights: array {i} must have shape {p.shape}; got {w.shape}.")
            p[...] = w

    def save(self, path) -> None:
        """Save architecture, loss, dtype, alpha, weights and epochs trained to ``path`` atomically;
        ``bpnn.load(path)`` rebuilds the network (see :mod:`bpnn.io.model`)."""
        _method("save")(self, path)

    def __repr__(self) -> str:
        inner = ",\n  ".join(repr(layer) for layer in self.layers)
        loss = getattr(self.loss_fn, "name", type(self.loss_fn).__name__)
        return f"Network([\n  {inner}],\n  loss={loss!r}, dtype={self.dtype.name})"


class NeuralNetwork(Network):
    """Seed 004's spelling: ``NeuralNetwork()`` then ``add_layer(Layer(...))``.

    The same class as :class:`Network` (MSE loss by default), plus seed 004's
    method names ``feed_forward`` and ``backpropagation``.
    """

    def feed_forward(self, X) -> np.ndarray:
        return self.forward(X)

    def backpropagation(self, X, y, learning_rate: float) -> None:
        """One gradient-descent update from ``(X, y)`` (a single sample may be 1-D)."""
        X = np.atleast_2d(X)
        y = np.atleast_2d(y)
        X, y, _ = self._check_xy(X, y)
        lr = check_float(learning_rate, "learning_rate", low=0.0, low_inclusive=False)
        self._forward_backward(X, y)
        for p, g in zip(self.params, self.grads):
            p -= lr * g


__all__ = ["Network", "NeuralNetwork", "Dense"]
