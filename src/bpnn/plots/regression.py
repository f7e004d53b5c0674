"""Plots for regression: predicted against actual, error histograms and a
one-dimensional fit."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from bpnn.plots import _base
from bpnn.plots._base import PathLike


def correlation(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Pearson's correlation coefficient R, or NaN when either side is constant.

    .. math:: R = \\frac{\\sum_i (t_i - \\bar t)(y_i - \\bar y)}
                       {\\sqrt{\\sum_i (t_i - \\bar t)^2 \\sum_i (y_i - \\bar y)^2}}
    """
    t = y_true - y_true.mean()
    p = y_pred - y_pred.mean()
    denominator = math.sqrt(float(t @ t) * float(p @ p))
    return float(t @ p) / denominator if denominator > 0 else math.nan


def _pair(y_true: Any, y_pred: Any, true_name: str, pred_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Targets and outputs of the same shape, flattened (outputs of every column pooled)."""
    y_true = _base.as_float_array(y_true, true_name, (1, 2))
    y_pred = _base.as_float_array(y_pred, pred_name, (1, 2))
    if y_true.size != y_pred.size or len(y_true) != len(y_pred):
        raise ValueError(
            f"{true_name} and {pred_name} must have the same shape; got {y_true.shape} and {y_pred.shape}."
        )
    return y_true.ravel(), y_pred.ravel()


def _draw_regression(ax: Axes, t: np.ndarray, p: np.ndarray, name: str, color: str) -> float:
    """Scatter outputs against targets with the y = x line and the least-squares
    line; title the axes with R and return R."""
    r = correlation(t, p)
    low = min(t.min(), p.min())
    high = max(t.max(), p.max())
    pad = 0.05 * (high - low) if high > low else 1.0
    ends = np.array([low - pad, high + pad])
    ax.plot(ends, ends, linestyle=":", color="grey", label="output = target")
    if np.ptp(t) > 0:  # a fit needs at least two distinct targets
        slope, intercept = np.polyfit(t, p, 1)
        sign = "+" if intercept >= 0 else "−"
        ax.plot(
            ends,
            slope * ends + intercept,
            color=color,
            linewidth=1.5,
            label=f"fit: output ≈ {slope:.2f}·target {sign} {abs(intercept):.2g}",
        )
    ax.scatter(t, p, s=14, facecolors="none", edgecolors=color, linewidths=0.8, label="data")
    ax.set_xlim(*ends)
    ax.set_ylim(*ends)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("target")
    ax.set_ylabel("output")
    ax.legend(loc="upper left", fontsize="x-small")
    ax.set_title(f"{name}: R = {r:.4f}" if np.isfinite(r) else f"{name}: R undefined (constant values)")
    return r


@_base.documented
def plot_regression(
    y_true: Any, y_pred: Any, path: PathLike | None = None, *, title: str = "Regression", ax: Axes | None = None
) -> Any:
    """Network output against target, with the least-squares line, the line
    output = target and the correlation R in the title (MATLAB's ``plotregression``).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    y_pred : array-like of the same shape as ``y_true``
        Network outputs. With several outputs all columns are pooled.
    {path}
    title : str, default="Regression"
        Start of the axes title, which continues with ``": R = ..."``.
    {ax and returns, 5.6 x 5.6}

    Examples
    --------
    >>> import tempfile, pathlib
    >>> t = np.linspace(0, 1, 50)
    >>> out = plot_regression(t, t + 0.05 * np.sin(9 * t), pathlib.Path(tempfile.mkdtemp()) / "r.png")
    """
    target = _base.check_target(path, ax)
    t, p = _pair(y_true, y_pred, "y_true", "y_pred")
    ax = _base.axes_for(ax, (5.6, 5.6))
    _draw_regression(ax, t, p, title, "tab:blue")
    return _base.finish(ax, target)


@_base.documented
def plot_regression_splits(
    splits: Mapping[str, tuple[Any, Any]], path: PathLike, *, include_all: bool = True, title: str | None = None
) -> Any:
    """One regression panel per data split, plus one for all splits together.

    Parameters
    ----------
    splits : mapping of str to (y_true, y_pred)
        E.g. ``{"train": (t_train, y_train), "validation": ..., "test": ...}``;
        each pair as for :func:`plot_regression`.
    {path, required}
    include_all : bool, default=True
        Add an "all" panel pooling every split (only when there are two or more).
    title : str, optional
        Figure title.

    Returns
    -------
    pathlib.Path
        ``path``. Panels are 4 x 4 inches, two per row (one when there is a single panel).
    """
    target = _base.check_target(path, None)
    splits = _base.check_mapping(splits, "splits")
    pairs = {}
    for name, pair in splits.items():
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise ValueError(f"splits[{name!r}] must be a pair (y_true, y_pred); got {_base.describe(pair)}.")
        pairs[str(name)] = _pair(*pair, f"splits[{name!r}][0]", f"splits[{name!r}][1]")
    if include_all and len(pairs) > 1:
        pairs["all"] = tuple(np.concatenate(side) for side in zip(*pairs.values()))

    ncols = 1 if len(pairs) == 1 else 2
    nrows = math.ceil(len(pairs) / ncols)
    fig = _base.new_figure((4.0 * ncols, 4.0 * nrows + (0.3 if title else 0.0)))
    if title:
        fig.suptitle(title)
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for index, (ax, (name, (t, p))) in enumerate(zip(axes, pairs.items())):
        _draw_regression(ax, t, p, name, _base.split_color(name, index))
    for ax in axes[len(pairs) :]:
        ax.set_axis_off()
    return _base.save_figure(fig, target)


@_base.documented
def plot_error_histogram(
    errors_by_split: Any,
    path: PathLike | None = None,
    *,
    bins: int = 20,
    title: str = "Error histogram",
    ax: Axes | None = None,
) -> Any:
    """Stacked histogram of errors, one colour per split, with a line at zero
    error (MATLAB's ``ploterrhist``).

    Parameters
    ----------
    errors_by_split : mapping of str to array-like, or array-like
        Errors (for example target minus output) of each split, e.g.
        ``{"train": e_train, "test": e_test}``; arrays of any number of outputs
        are flattened. A single array is drawn as one split named "errors".
    {path}
    bins : int, default=20
        Number of bins, shared by all splits.
    {axes title, "Error histogram"}
    {ax and returns, 6.4 x 4.8}
    """
    target = _base.check_target(path, ax)
    if not isinstance(errors_by_split, Mapping):
        errors_by_split = {"errors": errors_by_split}
    errors_by_split = _base.check_mapping(errors_by_split, "errors_by_split")
    errors = {
        str(name): _base.as_float_array(values, f"errors_by_split[{name!r}]", (1, 2)).ravel()
        for name, values in errors_by_split.items()
    }
    bins = _base.positive_int(bins, "bins")
    edges = np.histogram_bin_edges(np.concatenate(list(errors.values())), bins=bins)

    ax = _base.axes_for(ax, (6.4, 4.8))
    ax.hist(
        list(errors.values()),
        bins=edges,
        stacked=True,
        label=list(errors),
        color=[_base.split_color(name, index) for index, name in enumerate(errors)],
        edgecolor="white",
        linewidth=0.5,
    )
    ax.axvline(0.0, color="tab:orange", linewidth=2, label="zero error")
    ax.set_xlabel("error")
    ax.set_ylabel("instances")
    ax.legend(loc="best", fontsize="small")
    return _base.finish(ax, target, title=title)


@_base.documented
def plot_fit_1d(
    x: Any,
    y_true: Any,
    y_pred: Any,
    path: PathLike | None = None,
    *,
    samples: tuple[Any, Any] | None = None,
    title: str = "Fit",
    ax: Axes | None = None,
) -> Any:
    """A function of one input: the target curve, the network's prediction and
    (optionally) the training samples.

    Parameters
    ----------
    x : array-like of shape (n_points,) or (n_points, 1)
        Inputs at which the curves are drawn; need not be sorted.
    y_true : array-like of shape (n_points,) or (n_points, 1)
        Target function at ``x`` (e.g. ``sin(x)``).
    y_pred : array-like of shape (n_points,) or (n_points, 1)
        Network prediction at ``x``.
    {path}
    samples : tuple (x_samples, y_samples), optional
        Training points to scatter, e.g. the noisy samples the network saw.
    {axes title, "Fit"}
    {ax and returns, 6.4 x 4.8}

    Examples
    --------
    >>> import tempfile, pathlib
    >>> x = np.linspace(-np.pi, np.pi, 100)
    >>> out = plot_fit_1d(x, np.sin(x), 0.9 * np.sin(x), pathlib.Path(tempfile.mkdtemp()) / "sine.png")
    """
    target = _base.check_target(path, ax)
    x = _one_column(x, "x")
    y_true = _one_column(y_true, "y_true")
    y_pred = _one_column(y_pred, "y_pred")
    _base.check_same_length(("x", x), ("y_true", y_true), ("y_pred", y_pred))
    if samples is not None:
        if not (isinstance(samples, (tuple, list)) and len(samples) == 2):
            raise ValueError(f"samples must be a pair (x_samples, y_samples); got {_base.describe(samples)}.")
        sample_x = _one_column(samples[0], "samples[0]")
        sample_y = _one_column(samples[1], "samples[1]")
        _base.check_same_length(("samples[0]", sample_x), ("samples[1]", sample_y))

    ax = _base.axes_for(ax, (6.4, 4.8))
    order = np.argsort(x, kind="stable")
    if samples is not None:
        ax.scatter(sample_x, sample_y, s=12, color="grey", alpha=0.6, label="samples")
    ax.plot(x[order], y_true[order], color="black", linewidth=1.5, linestyle="--", label="target")
    ax.plot(x[order], y_pred[order], color="tab:red", linewidth=2, label="prediction")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="best", fontsize="small")
    ax.grid(True, alpha=0.3)
    return _base.finish(ax, target, title=title)


def _one_column(values: Any, name: str) -> np.ndarray:
    """A 1-D float array from shape (n,) or (n, 1)."""
    array = _base.as_float_array(values, name, (1, 2))
    if array.ndim == 2 and array.shape[1] != 1:
        raise ValueError(f"{name} must have shape (n,) or (n, 1); got {_base.describe(array)}.")
    return array.ravel()
