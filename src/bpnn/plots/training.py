"""Plots of a training run: loss and accuracy per epoch, MATLAB-style
performance and training-state panels."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from bpnn.plots import _base
from bpnn.plots._base import PathLike

EPOCH_KEYS = ("epoch", "epochs")
GRADIENT_KEYS = ("gradient", "grad_norm", "gradient_norm")
MU_KEYS = ("mu",)
VAL_FAIL_KEYS = ("val_fail", "val_fails", "validation_failures", "validation_checks")


#: Longest one-line title that fits the default 6.4-inch figure at the default title size.
_TITLE_CHARS = 56


def _unwrap(history: Any, name: str) -> Mapping:
    """The mapping of lists, also from an object holding it as ``.history`` (Keras-style)."""
    inner = getattr(history, "history", None)
    return _base.check_mapping(inner if isinstance(inner, Mapping) else history, name)


def _epochs_and_series(mapping: Mapping, name: str, keys: Sequence[str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The epoch axis and the chosen series, checked to be 1-D and of one length.

    Missing values (None or NaN) are allowed and leave gaps. Without an
    ``"epoch"`` entry the epochs are 1, 2, ..., n.
    """
    series = {}
    for key in keys:
        values = _base.as_float_array(mapping[key], f"{name}[{key!r}]", (1,), finite=False)
        if np.isinf(values).any():
            raise ValueError(f"{name}[{key!r}] must not hold infinity; use None or NaN for a missing value.")
        series[key] = values
    first = keys[0]
    for key in keys[1:]:
        if len(series[key]) != len(series[first]):
            raise ValueError(
                f"{name}[{key!r}] and {name}[{first!r}] must have the same length; "
                f"got {len(series[key])} and {len(series[first])}."
            )
    epoch_key = next((key for key in EPOCH_KEYS if key in mapping), None)
    if epoch_key is None:
        return np.arange(1, len(series[first]) + 1), series
    epochs = _base.as_float_array(mapping[epoch_key], f"{name}[{epoch_key!r}]", (1,))
    if len(epochs) != len(series[first]):
        raise ValueError(
            f"{name}[{epoch_key!r}] must give one epoch per value; got {len(epochs)} epochs "
            f"and {len(series[first])} values in {name}[{first!r}]."
        )
    return epochs, series


def _split_label(key: str, metric: str) -> str:
    """``"loss"`` -> ``"train"``, ``"val_loss"`` -> ``"validation"``, ``"test"`` -> ``"test"``."""
    if key == metric or (metric == "accuracy" and key == "acc"):
        return "train"
    for suffix in (f"_{metric}", "_acc"):
        if key.endswith(suffix):
            return _base.split_name(key[: -len(suffix)])
    return _base.split_name(key)


def _reference(curves: dict[str, np.ndarray]) -> str:
    """The curve that decides the best epoch: validation, else train, else the first."""
    for split in ("validation", "train"):
        if split in curves:
            return split
    return next(iter(curves))


def _use_log_scale(curves: Sequence[np.ndarray]) -> bool:
    values = np.concatenate(curves)
    values = values[np.isfinite(values)]
    return values.size > 0 and bool((values > 0).all())


def _draw_curves(
    ax: Axes,
    epochs: np.ndarray,
    curves: dict[str, np.ndarray],
    *,
    ylabel: str,
    log: bool,
    best_epoch: float | None = None,
) -> None:
    """Draw labelled curves against epochs; circle ``best_epoch`` on the validation
    curve (see ``_reference``)."""
    for index, (label, values) in enumerate(curves.items()):
        ax.plot(epochs, values, color=_base.split_color(label, index), label=label, linewidth=1.5)
    if best_epoch is not None:
        value = curves[_reference(curves)][np.flatnonzero(epochs == best_epoch)[0]]
        ax.axvline(best_epoch, color="grey", linestyle=":", linewidth=1)
        ax.plot(
            [best_epoch],
            [value],
            marker="o",
            markersize=11,
            markerfacecolor="none",
            markeredgecolor="black",
            markeredgewidth=1.5,
            linestyle="none",
            label="best",
        )
    if log:
        ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="best", fontsize="small")


def _best_epoch(epochs: np.ndarray, curves: dict[str, np.ndarray], best_epoch: Any) -> float | None:
    """Check a given ``best_epoch`` is on the epoch axis, or find the epoch of the
    lowest value of the reference curve (see ``_reference``)."""
    if best_epoch is not None:
        if not np.any(epochs == best_epoch):
            raise ValueError(
                f"best_epoch must be one of the logged epochs ({epochs[0]:g} to {epochs[-1]:g}); got {best_epoch!r}."
            )
        return best_epoch
    reference = curves[_reference(curves)]
    if np.isnan(reference).all():
        return None
    return epochs[int(np.nanargmin(reference))]


@_base.documented
def plot_history(history: Any, path: PathLike, *, title: str = "Training history") -> Any:
    """Loss per epoch (log axis when all values are positive) and, when logged,
    accuracy per epoch in a second panel.

    Parameters
    ----------
    history : mapping of str to list of float, or an object with such a ``.history``
        Per-epoch values. Keys ending in ``loss`` (``loss``, ``val_loss``,
        ``test_loss``) go to the loss panel, keys ending in ``accuracy`` or
        ``acc`` to the accuracy panel; other keys are ignored. An optional
        ``epoch`` list gives the epoch of each value (for logging every few
        epochs); otherwise epochs are 1, 2, ..., n. Missing values may be None.
    {path, required}
    {figure title, "Training history"}

    Returns
    -------
    pathlib.Path
        ``path``. The figure is 6.4 inches wide and 3.0 inches tall per panel plus 0.4.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> history = {"loss": [0.9, 0.5, 0.3], "val_loss": [1.0, 0.6, 0.4], "accuracy": [0.5, 0.8, 0.9]}
    >>> out = plot_history(history, pathlib.Path(tempfile.mkdtemp()) / "history.png")
    """
    target = _base.check_target(path, None)
    mapping = _unwrap(history, "history")
    loss_keys = [key for key in mapping if isinstance(key, str) and key.endswith("loss")]
    accuracy_keys = [key for key in mapping if isinstance(key, str) and key.endswith(("accuracy", "acc"))]
    if not loss_keys and not accuracy_keys:
        raise ValueError(
            f"history must hold a loss or accuracy series (keys ending in 'loss' or 'accuracy'); "
            f"got keys {list(mapping)!r}."
        )
    epochs, series = _epochs_and_series(mapping, "history", loss_keys + accuracy_keys)

    panels = [(keys, metric) for keys, metric in ((loss_keys, "loss"), (accuracy_keys, "accuracy")) if keys]
    fig = _base.new_figure((6.4, 0.4 + 3.0 * len(panels)))
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    fig.suptitle(title)
    for ax, (keys, metric) in zip(axes, panels):
        curves = {_split_label(key, metric): series[key] for key in keys}
        best = None
        if metric == "loss" and "validation" in curves and not np.isnan(curves["validation"]).all():
            best = _best_epoch(epochs, curves, None)
        log = metric == "loss" and _use_log_scale(list(curves.values()))
        _draw_curves(ax, epochs, curves, ylabel=metric, log=log, best_epoch=best)
    axes[-1].set_xlabel("epoch")
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    return _base.save_figure(fig, target)


@_base.documented
def plot_performance(
    curves: Any,
    path: PathLike | None = None,
    *,
    best_epoch: float | None = None,
    goal: float | None = None,
    ylabel: str = "loss",
    ax: Axes | None = None,
) -> Any:
    """Train, validation and test loss per epoch on a log axis, with the best
    validation epoch circled (MATLAB's ``plotperform``).

    Parameters
    ----------
    curves : mapping of str to list of float
        One curve per split, e.g. ``{"train": [...], "validation": [...],
        "test": [...]}``; Keras-style names (``loss``, ``val_loss``,
        ``test_loss``) are understood too. An optional ``epoch`` list gives the
        epoch of each value; otherwise epochs are 1, 2, ..., n.
    {path}
    best_epoch : float, optional
        Epoch to circle; it must be one of the logged epochs. Defaults to the
        epoch of the lowest validation value (training value when there is no
        validation curve).
    goal : float, optional
        Performance goal, drawn as a dashed horizontal line.
    ylabel : str, default="loss"
        Name of the plotted quantity.
    {ax and returns, 6.4 x 4.8}
    """
    target = _base.check_target(path, ax)
    mapping = _unwrap(curves, "curves")
    keys = [key for key in mapping if key not in EPOCH_KEYS]
    if not keys:
        raise ValueError(f"curves must hold at least one curve besides the epochs; got keys {list(mapping)!r}.")
    epochs, series = _epochs_and_series(mapping, "curves", keys)
    named = {_split_label(str(key), "loss"): values for key, values in series.items()}
    if len(named) != len(series):
        raise ValueError(f"curves has two curves for the same split; got keys {keys!r}.")
    if goal is not None and not np.isfinite(goal):
        raise ValueError(f"goal must be a finite number; got {goal!r}.")
    best = _best_epoch(epochs, named, best_epoch)

    ax = _base.axes_for(ax, (6.4, 4.8))
    log = _use_log_scale(list(named.values())) and (goal is None or goal > 0)
    if goal is not None:
        ax.axhline(goal, color="black", linestyle="--", linewidth=1, label="goal")
    _draw_curves(ax, epochs, named, ylabel=ylabel, log=log, best_epoch=best)
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if best is not None:
        split = _reference(named)
        value = named[split][np.flatnonzero(epochs == best)[0]]
        title = f"Best {split} {ylabel} is {value:.4g} at epoch {best:g}"
        # a long loss name (categorical_crossentropy, or a table model's "loss: ½ squared error,
        # targets scaled by minmax (mse)") makes one line wider than the 6.4-inch figure, and a
        # title is cut, not shrunk: wrap it
        ax.set_title("\n".join(textwrap.wrap(title, _TITLE_CHARS, break_long_words=False)))
    return _base.finish(ax, target)


@_base.documented
def plot_training_state(state: Any, path: PathLike, *, title: str = "Training state") -> Any:
    """Stacked panels of the training state per epoch (MATLAB's ``plottrainstate``).

    Parameters
    ----------
    state : mapping of str to list of float
        Per-epoch series, each drawn in its own panel, in this order:
        the gradient norm (key ``gradient``, ``grad_norm`` or ``gradient_norm``,
        log axis), the Levenberg-Marquardt damping ``mu`` (log axis), the
        validation failure count (``val_fail``, ``val_fails``,
        ``validation_failures`` or ``validation_checks``, integer steps), then
        any other series on a linear axis. An optional ``epoch`` list gives the
        epoch of each value; otherwise epochs are 1, 2, ..., n.
    {path, required}
    {figure title, "Training state"}

    Returns
    -------
    pathlib.Path
        ``path``. The figure is 6.4 inches wide and 2.0 inches tall per panel plus 0.6.
    """
    target = _base.check_target(path, None)
    mapping = _unwrap(state, "state")
    known = GRADIENT_KEYS + MU_KEYS + VAL_FAIL_KEYS
    keys = [key for key in known if key in mapping]
    keys += [key for key in mapping if key not in known and key not in EPOCH_KEYS]
    if not keys:
        raise ValueError(f"state must hold at least one series besides the epochs; got keys {list(mapping)!r}.")
    epochs, series = _epochs_and_series(mapping, "state", keys)

    fig = _base.new_figure((6.4, 0.6 + 2.0 * len(keys)))
    axes = fig.subplots(len(keys), 1, sharex=True, squeeze=False)[:, 0]
    fig.suptitle(title)
    for ax, key in zip(axes, keys):
        values = series[key]
        if key in VAL_FAIL_KEYS:
            name = "Validation checks"
            ax.step(epochs, values, where="post", color="tab:red")
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylim(bottom=0, top=max(1.0, np.nanmax(values) * 1.1))
        else:
            name = "Gradient" if key in GRADIENT_KEYS else "Mu" if key in MU_KEYS else str(key)
            ax.plot(epochs, values, color="tab:blue", marker="." if len(values) < 50 else None)
            if key in GRADIENT_KEYS + MU_KEYS and _use_log_scale([values]):
                ax.set_yscale("log")
        finite = np.flatnonzero(np.isfinite(values))
        if finite.size:
            last = finite[-1]
            ax.set_title(f"{name} = {values[last]:.4g}, at epoch {epochs[last]:g}", fontsize="medium")
        ax.set_ylabel(name.lower() if key in known else name)
        ax.grid(True, alpha=0.3)
    axes[-1].set_xlabel("epoch")
    axes[-1].xaxis.set_major_locator(MaxNLocator(integer=True))
    return _base.save_figure(fig, target)
