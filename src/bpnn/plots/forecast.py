"""The picture of a forecast: the series, the periods shaded, the network's forecasts solid and
the baselines dashed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from bpnn.plots import _base
from bpnn.plots._base import PathLike

__all__ = ["plot_forecast"]

_SHADES = {"validation": "tab:green", "test": "tab:red"}


@_base.documented
def plot_forecast(
    y: Any,
    forecasts: Mapping[str, tuple[Any, Any]],
    path: PathLike | None = None,
    *,
    periods: Mapping[str, tuple[int, int]] | None = None,
    x: Any = None,
    title: str = "Series and forecasts",
    ax: Axes | None = None,
) -> Any:
    """The observed series with forecasts drawn over it and the evaluation periods shaded.

    Parameters
    ----------
    y : array-like of shape (n,)
        The observed series.
    forecasts : mapping of str to (positions, values)
        Each forecast's 0-based positions in the series and its values; a name containing
        ``"network"`` is drawn solid, every other one (a baseline) dashed.
    {path}
    periods : mapping of str to (start, stop), optional
        Position ranges to shade by name, e.g. ``validation`` from 70 to 85 and ``test`` from 85 to 100.
    x : array-like of shape (n,), optional
        What to put on the horizontal axis (times); default the positions 0..n-1.
    {axes title, "Series and forecasts"}
    {ax and returns, 9 x 4}
    """
    target = _base.check_target(path, ax)
    values = _base.as_float_array(y, "y", (1,))
    axis = np.arange(len(values)) if x is None else np.asarray(x)
    if len(axis) != len(values):
        raise ValueError(f"x must have one entry per value of y ({len(values)}); got {len(axis)}.")
    forecasts = _base.check_mapping(forecasts, "forecasts")
    ax = _base.axes_for(ax, (9.0, 4.0))
    for name, (start, stop) in (periods or {}).items():
        if stop > start:
            ax.axvspan(axis[start], axis[stop - 1], color=_SHADES.get(name, "tab:gray"), alpha=0.08, label=name)
    ax.plot(axis, values, color="black", linewidth=1.2, label="observed")
    for index, (name, (where, predicted)) in enumerate(forecasts.items()):
        where = np.asarray(where, dtype=np.int64)
        style = "-" if "network" in name else "--"
        ax.plot(
            axis[where],
            _base.as_float_array(predicted, f"forecasts[{name!r}]", (1,)),
            style,
            label=name,
            linewidth=1.4 if style == "-" else 1.0,
            color=f"C{index}",
        )
    ax.legend(loc="best", fontsize="small")
    return _base.finish(ax, target, title=title)
