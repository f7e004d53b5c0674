"""One training step, written down: every number backpropagation computes, in order.

:func:`explain_step` (also reached as :meth:`bpnn.Network.explain`) runs one step of
plain gradient descent on a batch and keeps, for every layer ``l = 1 .. L``,

* the forward pass: its input ``a^[l-1]``, the weighted sums ``z^[l] = a^[l-1] W^[l] + b^[l]``
  and the activations ``a^[l] = f(z^[l])``;
* the backward pass: ``dL/da^[l]``, the activation's derivative ``f'(z^[l])`` (where it is
  elementwise) and the error ``delta^[l] = dL/dz^[l]``;
* the gradients ``dL/dW^[l] = a^[l-1]^T delta^[l]`` and ``dL/db^[l] = sum of delta^[l]``, and the
  weights after the update ``W <- W - learning_rate * dL/dW``.

The step is the engine's own: the record is filled by the layers' ``forward`` and
``backward_delta``, the activations' ``backward`` and the loss's ``gradient`` /
``fused_delta``, called in the order :meth:`Network._forward_backward` calls them, and the
update is :class:`bpnn.GradientDescent`'s. Only the loop is unrolled here, so that each
intermediate array can be kept. The network's weights are not changed.

Turning the record into text or Markdown is :mod:`bpnn.explain.render`'s job, not the engine's.

Examples
--------
>>> import numpy as np, bpnn
>>> net = bpnn.Network([bpnn.Dense(2, 2, "sigmoid", weights=np.ones((2, 2)), use_bias=False),
...                     bpnn.Dense(2, 2, "sigmoid", weights=np.ones((2, 2)), use_bias=False)])
>>> step = net.explain([[0.10, 0.88]], [[0.55, 1.0]], learning_rate=0.5)
>>> round(step.loss, 6), round(float(step.layers[1].grad_weights[0, 0]), 6)
(0.051896, 0.029091)
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from bpnn.core.activations import Activation, Softmax, backward
from bpnn.core.activations import derivative as elementwise_derivative
from bpnn.core.checks import check_float
from bpnn.core.network import _FUSABLE  # the pairs for which the engine fuses the output delta
from bpnn.training.optimizers import GradientDescent


@dataclass(frozen=True)
class LayerStep:
    """What one Dense layer computed during the step (``m`` samples, ``n_in`` -> ``n_out``).

    Attributes
    ----------
    index : int
        ``l``, counting the first hidden layer as 1 (the input is layer 0).
    activation : str
        The activation's name (``type(...).__name__`` for a user-defined one).
    inputs : ndarray of shape (m, n_in)
        ``a^[l-1]``, the activations of the layer below (the data for ``l = 1``).
    weights : ndarray of shape (n_in, n_out)
        ``W^[l]`` before the update; ``weights[i, j]`` is ``w_ij^[l]``, from neuron ``i``
        of layer ``l - 1`` to neuron ``j`` of layer ``l``.
    bias : ndarray of shape (n_out,) or None
    z : ndarray of shape (m, n_out)
        Weighted sums ``a^[l-1] W^[l] + b^[l]``.
    a : ndarray of shape (m, n_out)
        Activations ``f(z)``.
    grad_a : ndarray of shape (m, n_out)
        ``dL/da^[l]``: from the loss for the output layer, ``delta^[l+1] W^[l+1]^T`` below it.
    derivative : ndarray of shape (m, n_out) or None
        ``f'(z)`` (written from ``a``) for elementwise activations; None for softmax
        and for activations without a ``derivative`` method.
    delta : ndarray of shape (m, n_out)
        ``dL/dz^[l]``. The loss is a mean over the ``m`` samples, so ``delta`` carries the ``1/m``.
    fused : bool
        True for an output layer whose delta came straight from the loss
        (``(a - y)/m`` for identity+mse, sigmoid+binary cross-entropy, softmax+categorical
        cross-entropy) rather than from ``grad_a * derivative``.
    grad_weights : ndarray of shape (n_in, n_out)
        ``dL/dW^[l]`` (plus ``alpha/m * W`` for an L2 penalty, ``l1/m * sign(W)`` for an L1 penalty).
    grad_bias : ndarray of shape (n_out,) or None
    new_weights : ndarray of shape (n_in, n_out)
    new_bias : ndarray of shape (n_out,) or None
    """

    index: int
    activation: str
    inputs: np.ndarray
    weights: np.ndarray
    bias: np.ndarray | None
    z: np.ndarray
    a: np.ndarray
    grad_a: np.ndarray
    derivative: np.ndarray | None
    delta: np.ndarray
    fused: bool
    grad_weights: np.ndarray
    grad_bias: np.ndarray | None
    new_weights: np.ndarray
    new_bias: np.ndarray | None

    @property
    def n_in(self) -> int:
        return self.weights.shape[0]

    @property
    def n_out(self) -> int:
        return self.weights.shape[1]


@dataclass(frozen=True)
class TrainingStep:
    """One full step of gradient descent: forward, loss, backward, update.

    Attributes
    ----------
    X : ndarray of shape (m, n_inputs)
    y : ndarray of shape (m, n_outputs)
    output : ndarray of shape (m, n_outputs)
        The network's output before the update (``layers[-1].a``).
    loss : float
        The loss before the update (L2 penalty included).
    loss_after : float
        The loss on the same batch with the updated weights.
    loss_name : str
        ``"mse"``, ``"binary_crossentropy"``, ``"categorical_crossentropy"`` or a
        user-defined loss's class name.
    learning_rate : float
    alpha : float
        The network's L2 penalty (0 for none).
    layers : tuple of LayerStep
        From the first hidden layer to the output layer.
    l1 : float, default=0.0
        The network's L1 penalty (0 for none).
    """

    X: np.ndarray
    y: np.ndarray
    output: np.ndarray
    loss: float
    loss_after: float
    loss_name: str
    learning_rate: float
    alpha: float
    layers: tuple
    l1: float = 0.0

    @property
    def n_samples(self) -> int:
        return self.X.shape[0]

    @property
    def sizes(self) -> list[int]:
        """Layer widths from input to output, e.g. ``[2, 2, 2]``."""
        return [self.X.shape[1]] + [layer.n_out for layer in self.layers]

    def gradients(self) -> list[tuple]:
        """``(dL/dW, dL/db)`` per layer, as :meth:`bpnn.Network.backward` returns them."""
        return [(layer.grad_weights, layer.grad_bias) for layer in self.layers]

    def _repr_markdown_(self) -> str:
        """Jupyter shows the step as ``bpnn explain --format markdown`` writes it (LaTeX formulas)."""
        from bpnn.explain.render import render

        return render(self, format="markdown")

    def to_dict(self) -> dict:
        """The record as plain Python lists and numbers (for JSON)."""

        def arr(v):
            return None if v is None else np.asarray(v, dtype=float).tolist()

        return {
            "sizes": self.sizes,
            "loss_name": self.loss_name,
            "learning_rate": self.learning_rate,
            "alpha": self.alpha,
            "l1": self.l1,
            "X": arr(self.X),
            "y": arr(self.y),
            "output": arr(self.output),
            "loss": self.loss,
            "loss_after": self.loss_after,
            "layers": [
                {
                    "index": s.index,
                    "activation": s.activation,
                    "fused": s.fused,
                    **{
                        k: arr(getattr(s, k))
                        for k in (
                            "inputs",
                            "weights",
                            "bias",
                            "z",
                            "a",
                            "grad_a",
                            "derivative",
                            "delta",
                            "grad_weights",
                            "grad_bias",
                            "new_weights",
                            "new_bias",
                        )
                    },
                }
                for s in self.layers
            ],
        }


def _name(obj) -> str:
    return getattr(obj, "name", type(obj).__name__)


def explain_step(net, X, y, learning_rate: float = 0.5) -> TrainingStep:
    """Run one gradient-descent step of ``net`` on ``(X, y)`` and record every number.

    Parameters
    ----------
    net : Network
        A network of Dense layers. Its weights are not changed.
    X : array of shape (m, n_inputs)
        The batch (one row per sample; one sample may be given as a 1-D array).
    y : array of shape (m, n_outputs)
        Its targets (1-D is accepted for one sample or one output).
    learning_rate : float, default=0.5
        The step size ``eta`` of ``W <- W - eta * dL/dW`` (seed 002 uses 0.5).

    Returns
    -------
    TrainingStep
    """

    net._check_built()
    lr = check_float(learning_rate, "learning_rate", low=0.0, low_inclusive=False)
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 1 and net.n_inputs > 1:
        X = X[None, :]
    if y.ndim == 1 and net.n_outputs > 1 and len(y) == net.n_outputs:
        y = y[None, :]
    X, y, _ = net._check_xy(X, y)
    layers = net.layers
    for i, layer in enumerate(layers):
        if not (hasattr(layer, "weights") and hasattr(layer, "activation") and hasattr(layer, "backward_delta")):
            raise TypeError(f"explain works on networks of Dense layers; layer {i + 1} is {type(layer).__name__}.")
    m = X.shape[0]
    loss_fn = net.loss_fn

    # Forward: the layers' own forward() (it also caches what backward_delta needs).
    inputs, zs, acts = [], [], []
    a = X
    for layer in layers:
        inputs.append(a)
        # forward() does not keep z, so the weighted sum is formed here to be shown.
        z = a @ layer.weights
        if layer.bias is not None:
            z = z + layer.bias
        a = layer.forward(a, False)
        zs.append(z)
        acts.append(a)
    out = acts[-1]
    loss = float(loss_fn.value(y, out) + net._penalty(m))

    # Backward, exactly as Network._forward_backward does it, keeping every delta.
    L = len(layers)
    grad_a = [None] * L
    deltas = [None] * L
    grad_a[-1] = loss_fn.gradient(y, out)
    last_act = layers[-1].activation
    fused_delta = None
    if type(last_act) in _FUSABLE and hasattr(loss_fn, "fused_delta"):
        fused_delta = loss_fn.fused_delta(y, out, last_act.name)
    deltas[-1] = fused_delta if fused_delta is not None else backward(last_act, out, grad_a[-1], zs[-1])
    grads = []
    for i in range(L - 1, -1, -1):
        below = layers[i].backward_delta(deltas[i], need_input_grad=i > 0)
        grads.append((layers[i].grad_weights, layers[i].grad_bias))
        if i > 0:
            grad_a[i - 1] = below
            deltas[i - 1] = backward(layers[i - 1].activation, acts[i - 1], below, zs[i - 1])
    grads.reverse()
    if net.alpha:
        # the L2 penalty alpha/(2m) * sum ||W||^2 adds alpha/m * W to each dL/dW, as in Network.grads
        grads = [(dW + (net.alpha / m) * layer.weights, db) for (dW, db), layer in zip(grads, layers)]
    l1 = float(getattr(net, "l1", 0.0))
    if l1:
        # the L1 penalty l1/m * sum |W| adds l1/m * sign(W), as in Network.grads
        grads = [(dW + (l1 / m) * np.sign(layer.weights), db) for (dW, db), layer in zip(grads, layers)]

    # Update: GradientDescent's rule applied to copies, so the network keeps its weights.
    old = [(layer.weights.copy(), None if layer.bias is None else layer.bias.copy()) for layer in layers]
    new = [(W.copy(), None if b is None else b.copy()) for W, b in old]
    params, flat_grads = [], []
    for (W, b), (dW, db) in zip(new, grads):
        params.append(W)
        flat_grads.append(dW)
        if b is not None:
            params.append(b)
            flat_grads.append(db)
    GradientDescent(learning_rate=lr).step(params, flat_grads)
    twin = copy.deepcopy(net)
    twin.set_weights(params)
    loss_after = float(twin._loss(X, y))

    steps = []
    for i, layer in enumerate(layers):
        act = layer.activation
        elementwise = isinstance(act, Activation) and not isinstance(act, Softmax)
        derivative = elementwise_derivative(act, acts[i], zs[i]) if elementwise else None
        steps.append(
            LayerStep(
                index=i + 1,
                activation=_name(act),
                inputs=inputs[i],
                weights=old[i][0],
                bias=old[i][1],
                z=zs[i],
                a=acts[i],
                grad_a=grad_a[i],
                derivative=derivative,
                delta=deltas[i],
                fused=(i == L - 1 and fused_delta is not None),
                grad_weights=np.array(grads[i][0]),
                grad_bias=None if grads[i][1] is None else np.array(grads[i][1]),
                new_weights=new[i][0],
                new_bias=new[i][1],
            )
        )
    losses = {"loss": loss, "loss_after": loss_after, "loss_name": _name(loss_fn)}
    return TrainingStep(
        X=X, y=y, output=out, learning_rate=lr, alpha=float(net.alpha), l1=l1, layers=tuple(steps), **losses
    )


__all__ = ["LayerStep", "TrainingStep", "explain_step"]
