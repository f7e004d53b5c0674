"""A picture of a network's architecture, like MATLAB's ``view(net)``: layers as columns of neurons.

:func:`network` takes anything that holds a bpnn network (a table model from ``bpnn
train``, a ``BPClassifier``/``BPRegressor``, a bare ``Network``) without importing the
engine: it reads the layers' ``weights``, ``n_in``/``n_out`` and activation names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from bpnn.plots import _base
from bpnn.plots._base import PathLike

__all__ = ["network", "plot_network"]


def _parts(model: Any) -> tuple[list, list[str] | None, list[str] | None]:
    """``(dense layers, input names, output names)`` of a model, estimator or network."""
    net = model
    for attribute in ("network", "network_"):
        if hasattr(model, attribute) and hasattr(getattr(model, attribute), "layers"):
            net = getattr(model, attribute)
            break
    layers = getattr(net, "layers", None)
    if layers is None:
        raise TypeError(
            f"model must be a bpnn Model, BPClassifier, BPRegressor or Network; got {type(model).__name__}."
        )
    dense = [layer for layer in layers if getattr(layer, "weights", None) is not None]
    if not dense:
        raise ValueError("model has no layers with weights to draw.")
    inputs = None
    encoder = getattr(model, "encoder", None)
    if encoder is not None:
        inputs = list(encoder.encoded_names)
    elif getattr(model, "feature_names", None) is not None:
        inputs = list(model.feature_names)
    elif getattr(model, "feature_names_in_", None) is not None:
        inputs = [str(n) for n in model.feature_names_in_]
    outputs = None
    classes = getattr(model, "classes", None)
    if classes is None:
        classes = getattr(model, "classes_", None)
    n_out = dense[-1].weights.shape[1]
    if classes is not None and len(classes) == n_out:
        outputs = [str(c) for c in classes]
    elif classes is not None and len(classes) == 2 and n_out == 1:
        outputs = [f"P({classes[1]})"]
    elif getattr(model, "target_names", None) is not None and len(model.target_names) == n_out:
        outputs = list(model.target_names)
    return dense, inputs, outputs


def _shown(n: int, limit: int) -> list[int | None]:
    """Which neurons of a layer of ``n`` to draw: all, or the first ones, a gap (None) and the last."""
    if n <= limit:
        return list(range(n))
    return [*range(limit - 2), None, n - 1]


@_base.documented
def network(
    model: Any,
    path: PathLike | None = None,
    *,
    weights: bool = True,
    max_neurons: int = 12,
    input_names: Sequence[str] | None = None,
    output_names: Sequence[str] | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Any:
    """Draw a network as columns of neurons joined by its weights (MATLAB's ``view(net)``).

    Each layer is a column of circles: the inputs on the left (named after the model's
    features, one-hot columns as ``column=category``), then every dense layer with its
    size and activation written under it, the outputs on the right (named after the
    classes or targets). With ``weights``, every connection is a line whose width grows
    with ``|w|`` (relative to the largest weight of its layer) and whose colour gives
    the sign (blue positive, red negative); without, thin grey lines.

    Parameters
    ----------
    model : Model, BPClassifier, BPRegressor or Network
        Anything holding a bpnn network (``.network``, ``.network_`` or ``.layers``).
    {path}
    weights : bool, default=True
        Draw the weights as line width and colour.
    max_neurons : int, default=12
        Layers with more neurons show the first ``max_neurons - 2``, a gap and the last one.
    input_names, output_names : sequence of str, optional
        Override the names found on the model.
    title : str, optional
        Default: the layer sizes, e.g. ``"network 4-10-3"``.
    ax : matplotlib.axes.Axes, optional
        Draw on these axes instead of a new figure (sized to the network: 0.55 inch per neuron).

    Returns
    -------
    pathlib.Path or matplotlib.axes.Axes
        ``path`` when it was given, otherwise ``ax``.
    """
    target = _base.check_target(path, ax)
    max_neurons = _base.positive_int(max_neurons, "max_neurons", minimum=3)
    dense, found_in, found_out = _parts(model)
    sizes = [dense[0].weights.shape[0]] + [layer.weights.shape[1] for layer in dense]
    names_in = list(input_names) if input_names is not None else found_in
    names_out = list(output_names) if output_names is not None else found_out
    for label, names, n in (("input_names", names_in, sizes[0]), ("output_names", names_out, sizes[-1])):
        if names is not None and len(names) != n:
            raise ValueError(f"{label} must have one name per neuron ({n}); got {len(names)}.")
    activations = [getattr(getattr(layer, "activation", None), "name", "?") for layer in dense]

    shown = [_shown(n, max_neurons) for n in sizes]
    tallest = max(len(s) for s in shown)
    # 0.55 inch per neuron spacing, so that the equal-aspect drawing fills the figure
    ax = _base.axes_for(ax, (0.55 * ((len(sizes) - 1) * 2.6 + 4.8), 0.55 * (tallest + 1.5) + 0.6))

    def y_of(column: int) -> dict:
        rows = shown[column]
        top = (len(rows) - 1) / 2
        return {neuron: top - k for k, neuron in enumerate(rows)}

    ys = [y_of(c) for c in range(len(sizes))]
    radius = 0.16
    gap = 2.6  # horizontal distance between layers, in neuron spacings (also in the figure size)
    for c, layer in enumerate(dense):
        w = np.asarray(layer.weights, dtype=float)
        biggest = float(np.abs(w).max()) or 1.0
        for i, y0 in ys[c].items():
            for j, y1 in ys[c + 1].items():
                if i is None or j is None:
                    continue
                if weights:
                    strength = abs(w[i, j]) / biggest
                    ax.plot(
                        [c * gap, (c + 1) * gap],
                        [y0, y1],
                        color="tab:blue" if w[i, j] >= 0 else "tab:red",
                        linewidth=0.3 + 2.7 * strength,
                        alpha=0.25 + 0.65 * strength,
                        zorder=1,
                    )
                else:
                    ax.plot([c * gap, (c + 1) * gap], [y0, y1], color="0.7", linewidth=0.6, zorder=1)
    from matplotlib.patches import Circle

    bottom = min(min(y.values()) for y in ys)
    for c, column in enumerate(ys):
        face = "white" if c == 0 else ("0.85" if c < len(sizes) - 1 else "#ffe9b3")
        for neuron, y in column.items():
            if neuron is None:
                ax.text(c * gap, y, "\u22ee", ha="center", va="center", fontsize=14, zorder=3)
                continue
            ax.add_patch(Circle((c * gap, y), radius, facecolor=face, edgecolor="black", linewidth=1.0, zorder=2))
        if c == 0:
            caption = f"input\n{sizes[0]}"
        elif c == len(sizes) - 1:
            caption = f"output\n{sizes[c]} {activations[c - 1]}"
        else:
            caption = f"hidden {c}\n{sizes[c]} {activations[c - 1]}"
        ax.text(c * gap, bottom - 0.5, caption, ha="center", va="top", fontsize=9)
    for names, c, side in ((names_in, 0, "right"), (names_out, len(sizes) - 1, "left")):
        if names is None:
            continue
        for neuron, y in ys[c].items():
            if neuron is not None:
                offset = -radius - 0.08 if side == "right" else radius + 0.08
                ax.text(c * gap + offset, y, _base_short(names[neuron]), ha=side, va="center", fontsize=8)

    ax.set_xlim(-2.4, (len(sizes) - 1) * gap + 2.4)
    ax.set_ylim(bottom - 1.4, -bottom + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    if title is None:
        title = f"network {'-'.join(map(str, sizes))}"
        if weights:
            title += "\nline width: |weight|; blue: positive, red: negative"
    ax.set_title(title, fontsize=10)
    return _base.finish(ax, target)


def _base_short(text: str, limit: int = 22) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


plot_network = network
