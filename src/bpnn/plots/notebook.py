"""What Jupyter shows for a network and a training history (its rich display protocol).

``bpnn/__init__.py`` gives :class:`bpnn.Network` and :class:`bpnn.History` a ``_repr_html_``
that calls these functions, so that the engine itself never imports matplotlib. A network shows
a table of its layers and, when it is small enough to read, its picture (:func:`network`); a
history shows its last values and its loss curves (:func:`plot_performance`), drawn as inline SVG.

Examples
--------
>>> import bpnn
>>> net = bpnn.Network([bpnn.Dense(2, 3, "sigmoid"), bpnn.Dense(3, 1, "sigmoid")], seed=0)
>>> "<table" in network_html(net)
True
"""

from __future__ import annotations

import html
import io
from typing import Any

import numpy as np

from bpnn.plots import _base
from bpnn.plots.network import network
from bpnn.plots.training import plot_performance

#: a network is drawn when it has at most this many neurons in its widest layer ...
PICTURE_MAX_WIDTH = 12
#: ... and at most this many layers of weights
PICTURE_MAX_LAYERS = 6


def svg_text(fig: Any) -> str:
    """A figure as SVG markup to put inside HTML (no XML header, no creation date)."""
    buffer = io.StringIO()
    _base.write_figure(fig, buffer, "svg")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _cells(values: list[Any], tag: str = "td") -> str:
    return "".join(f"<{tag}>{html.escape(str(v))}</{tag}>" for v in values)


def _number(value: float) -> str:
    return f"{value:.6g}"


def network_html(net: Any) -> str:
    """A network as HTML: one row per layer (sizes, activation, parameters), then its picture.

    Parameters
    ----------
    net : Network
        Anything with ``layers`` (dense layers have ``weights``, ``bias``, ``activation``).

    Returns
    -------
    str
        An HTML fragment: a ``<table>``, followed by an inline ``<svg>`` of the network when it
        has at most :data:`PICTURE_MAX_WIDTH` neurons per layer and :data:`PICTURE_MAX_LAYERS` layers.
    """
    rows = []
    total = 0
    dense = 0
    for index, layer in enumerate(net.layers, start=1):
        weights = getattr(layer, "weights", None)
        if weights is None:
            rows.append(_cells([index, type(layer).__name__, repr(layer), "", 0]))
            continue
        dense += 1
        bias = getattr(layer, "bias", None)
        count = int(weights.size) + (int(bias.size) if bias is not None else 0)
        total += count
        activation = getattr(getattr(layer, "activation", None), "name", "identity")
        rows.append(
            _cells([index, f"Dense({weights.shape[0]}, {weights.shape[1]})", activation, bias is not None, count])
        )
    loss = getattr(getattr(net, "loss_fn", None), "name", "?")
    dtype = getattr(getattr(net, "dtype", None), "name", "?")
    header = _cells(["layer", "type", "activation", "bias", "parameters"], "th")
    parts = [
        '<div class="bpnn-network">',
        f"<table><thead><tr>{header}</tr></thead><tbody>",
        *(f"<tr>{row}</tr>" for row in rows),
        f"</tbody><tfoot><tr><td colspan='4'>total (loss {html.escape(loss)}, {html.escape(dtype)})</td>"
        f"<td>{total}</td></tr></tfoot></table>",
    ]
    sizes = [layer.weights.shape for layer in net.layers if getattr(layer, "weights", None) is not None]
    widths = [sizes[0][0]] + [shape[1] for shape in sizes] if sizes else []
    if widths and max(widths) <= PICTURE_MAX_WIDTH and dense <= PICTURE_MAX_LAYERS:
        fig = _base.new_figure((1.4 * len(widths) + 1.0, 0.55 * max(widths) + 1.2))
        network(net, ax=fig.add_subplot())
        parts.append(svg_text(fig))
    parts.append("</div>")
    return "\n".join(parts)


def history_html(history: Any) -> str:
    """A training history as HTML: its last values, then the loss curves as an inline SVG.

    Parameters
    ----------
    history : History or mapping of str to list of float
        What ``fit`` returns (``.history`` and ``.epochs``), or the mapping itself.

    Returns
    -------
    str
        An HTML fragment: a ``<table>`` of each logged quantity's last value, then the curves
        of the quantities whose name ends in ``loss``, when any was logged.
    """
    mapping = dict(getattr(history, "history", history))
    epochs = list(getattr(history, "epochs", [])) or list(range(1, 1 + max(map(len, mapping.values()), default=0)))
    header = _cells(["epochs", *mapping], "th")
    last = [_number(values[-1]) if len(values) else "" for values in mapping.values()]
    parts = [
        '<div class="bpnn-history">',
        f"<table><thead><tr>{header}</tr></thead><tbody><tr>{_cells([len(epochs), *last])}</tr></tbody></table>",
    ]
    losses = {key: values for key, values in mapping.items() if key.endswith("loss") and len(values) == len(epochs)}
    if losses and len(epochs) > 0 and all(np.all(np.isfinite(v)) for v in losses.values()):
        fig = _base.new_figure((6.4, 3.6))
        plot_performance({"epoch": epochs, **losses}, ax=fig.add_subplot())
        parts.append(svg_text(fig))
    parts.append("</div>")
    return "\n".join(parts)
