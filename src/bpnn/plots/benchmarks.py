"""Bar chart of benchmark timings (used by docs/benchmarks.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.transforms import blended_transform_factory

from bpnn.plots import _base
from bpnn.plots._base import PathLike


@_base.documented
def plot_benchmark_bars(
    table: Sequence[dict],
    path: PathLike,
    *,
    case_key: str = "case",
    implementation_key: str = "implementation",
    value_key: str = "seconds_per_epoch",
    title: str = "Seconds per epoch (shorter is faster)",
) -> Any:
    """Horizontal bars of a timing per benchmark case, one bar per implementation.

    Parameters
    ----------
    table : sequence of dict
        One row per (case, implementation) measurement, e.g.
        ``{"case": "moons 2-25-50-25-2", "implementation": "numpy",
        "seconds_per_epoch": 0.012}``. A value of None or NaN (not run) is
        written as "n/a". Cases and implementations keep the order in which
        they first appear.
    {path, required}
    case_key, implementation_key, value_key : str
        Keys of the rows to read; defaults ``"case"``, ``"implementation"`` and
        ``"seconds_per_epoch"``.
    {axes title, "Seconds per epoch (shorter is faster)"}

    Returns
    -------
    pathlib.Path
        ``path``. The figure is 7.2 inches wide and 1.4 + 0.3 inch per bar tall;
        the time axis is logarithmic when the timings span more than 50x.
    """
    target = _base.check_target(path, None)
    if isinstance(table, dict) or not isinstance(table, Sequence):
        raise TypeError(f"table must be a list of dicts; got {type(table).__name__}.")
    if len(table) == 0:
        raise ValueError("table must not be empty; got 0 rows.")
    values = {}
    for index, row in enumerate(table):
        if not isinstance(row, dict):
            raise TypeError(f"table[{index}] must be a dict; got {type(row).__name__}.")
        missing = [key for key in (case_key, implementation_key, value_key) if key not in row]
        if missing:
            raise ValueError(f"table[{index}] must have the keys {missing!r}; got keys {list(row)!r}.")
        value = np.nan if row[value_key] is None else row[value_key]
        try:
            value = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"table[{index}][{value_key!r}] must be a number; got {row[value_key]!r}.") from None
        if not (np.isnan(value) or 0 < value < np.inf):
            raise ValueError(f"table[{index}][{value_key!r}] must be a positive time; got {value!r}.")
        values[str(row[case_key]), str(row[implementation_key])] = value

    cases = list(dict.fromkeys(case for case, _ in values))
    implementations = list(dict.fromkeys(impl for _, impl in values))
    n_bars = len(cases) * len(implementations)
    fig = _base.new_figure((7.2, 1.4 + 0.3 * n_bars))
    ax = fig.add_subplot()
    height = 0.8 / len(implementations)
    measured = [v for v in values.values() if np.isfinite(v)]
    log = bool(measured) and max(measured) / min(measured) > 50
    text_at = blended_transform_factory(ax.transAxes, ax.transData)
    for slot, impl in enumerate(implementations):
        # Case 0 at the top: y counts down, and the bars of one case stack downwards.
        ys = [-(row + slot * height) for row in range(len(cases))]
        widths = [values.get((case, impl), np.nan) for case in cases]
        bars = ax.barh(ys, np.nan_to_num(widths, nan=0.0), height=height * 0.9, color=f"C{slot % 10}", label=impl)
        for _bar, y, width, case in zip(bars, ys, widths, cases):
            if np.isfinite(width):
                ax.annotate(
                    f"{width:.3g} s",
                    (width, y),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize="x-small",
                )
            elif (case, impl) in values:
                ax.text(0.01, y, "n/a", transform=text_at, va="center", fontsize="x-small")
    centres = [-(row + (len(implementations) - 1) * height / 2) for row in range(len(cases))]
    ax.set_yticks(centres, cases)
    if log:
        ax.set_xscale("log")
    ax.margins(x=0.15)
    ax.set_xlabel(value_key.replace("_", " "))
    ax.legend(loc="best", fontsize="small")
    ax.grid(True, axis="x", alpha=0.3)
    ax.set_title(title)
    return _base.save_figure(fig, target)
