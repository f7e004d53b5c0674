"""Plots for classifiers: the data, the decision boundary, the confusion matrix,
ROC curves and the images a network got wrong."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from bpnn.plots import _base
from bpnn.plots._base import PathLike

# Colour map of the probability fill; its two ends are the class colours of a
# binary problem (see _base.class_colors), so a point sits on its own colour
# when the network classifies it correctly.
PROBABILITY_CMAP = "RdBu"


def _points(X: np.ndarray, labels: np.ndarray, ax: Axes, *, edgecolor: str = "white") -> None:
    """Scatter 2-D points, one colour and one legend entry per class."""
    classes = np.unique(labels)
    for cls, color in zip(classes, _base.class_colors(len(classes))):
        chosen = labels == cls
        ax.scatter(
            X[chosen, 0],
            X[chosen, 1],
            s=18,
            color=color,
            edgecolors=edgecolor,
            linewidths=0.4,
            label=f"class {cls}",
        )
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.legend(loc="best", fontsize="small", framealpha=0.8)


def _features_and_labels(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = _base.as_float_array(X, "X", (2,))
    if X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_samples, 2) to be drawn in the plane; got {_base.describe(X)}.")
    labels = _base.as_labels(y, "y")
    _base.check_same_length(("X", X), ("y", labels))
    return X, labels


@_base.documented
def plot_dataset(
    X: Any, y: Any, path: PathLike | None = None, *, title: str = "Dataset", ax: Axes | None = None
) -> Any:
    """Scatter a two-feature dataset, coloured by class.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The points.
    y : array-like of shape (n_samples,), (n_samples, 1) or (n_samples, n_classes)
        Class labels, or one-hot rows.
    {path}
    {axes title, "Dataset"}
    {ax and returns, 6.4 x 4.8}

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from sklearn.datasets import make_moons
    >>> X, y = make_moons(200, noise=0.2, random_state=0)
    >>> out = plot_dataset(X, y, pathlib.Path(tempfile.mkdtemp()) / "moons.png")
    >>> out.name
    'moons.png'
    """
    target = _base.check_target(path, ax)
    X, labels = _features_and_labels(X, y)
    ax = _base.axes_for(ax, (6.4, 4.8))
    _points(X, labels, ax)
    return _base.finish(ax, target, title=title)


def _grid(X: np.ndarray, resolution: int, margin: float) -> tuple[np.ndarray, np.ndarray]:
    """A ``resolution`` x ``resolution`` mesh over the data, widened by ``margin``
    times the data's extent on every side."""
    axes = []
    for column in X.T:
        low, high = column.min(), column.max()
        pad = margin * (high - low) if high > low else 1.0
        axes.append(np.linspace(low - pad, high + pad, resolution))
    return np.meshgrid(*axes)  # rows follow x_2, columns follow x_1


def _grid_probabilities(predict_fn: Callable, grid: np.ndarray) -> np.ndarray:
    """Call ``predict_fn`` on the grid and check it returned probabilities, one row per point."""
    out = np.asarray(predict_fn(grid), dtype=float)
    if out.ndim not in (1, 2) or out.shape[0] != grid.shape[0]:
        raise ValueError(
            f"predict_fn must return probabilities of shape (n, 1) or (n, n_classes); "
            f"called with an array of shape {grid.shape} it returned {_base.describe(out)}."
        )
    if not np.all(np.isfinite(out)):
        raise ValueError("predict_fn returned NaN or infinity on the plotting grid.")
    tolerance = 1e-6
    if out.min() < -tolerance or out.max() > 1 + tolerance:
        raise ValueError(
            f"predict_fn must return probabilities in [0, 1]; got values from {out.min():.3g} "
            f"to {out.max():.3g}. Apply a sigmoid or softmax to raw network outputs."
        )
    return np.clip(out.reshape(len(grid), -1), 0.0, 1.0)


@_base.documented
def plot_decision_boundary(
    predict_fn: Callable[[np.ndarray], Any],
    X: Any,
    y: Any,
    path: PathLike | None = None,
    *,
    title: str = "Decision boundary",
    resolution: int = 200,
    margin: float = 0.1,
    positive_class: int | None = None,
    ax: Axes | None = None,
) -> Any:
    """Fill the plane with a classifier's probabilities and overlay the data.

    ``predict_fn`` is called once with every point of a ``resolution`` x
    ``resolution`` grid covering the data. For one output column, two columns or
    a chosen ``positive_class``, the fill is that class's probability and a black
    line marks where it equals 0.5. With more than two columns and no
    ``positive_class``, each region takes the colour of its most probable class.

    Parameters
    ----------
    predict_fn : callable
        ``predict_fn(grid) -> proba`` with ``grid`` of shape (resolution**2, 2) and
        ``proba`` of shape (n,) or (n, 1) (probability of class 1) or
        (n, n_classes) (one probability per class), values in [0, 1].
    X : array-like of shape (n_samples, 2)
        The points to overlay.
    y : array-like of shape (n_samples,), (n_samples, 1) or (n_samples, n_classes)
        Their class labels, or one-hot rows.
    {path}
    {axes title, "Decision boundary"}
    resolution : int, default=200
        Grid points along each axis (at least 2).
    margin : float, default=0.1
        How far the grid reaches beyond the data, as a fraction of its extent.
    positive_class : int, optional
        Column of ``proba`` to fill. Defaults to column 1 of a two-column output.
    {ax and returns, 6.4 x 4.8}

    Examples
    --------
    >>> import tempfile, pathlib
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0]]); y = np.array([0, 1])
    >>> proba = lambda grid: 1 / (1 + np.exp(-4 * (grid.sum(axis=1) - 1)))
    >>> out = plot_decision_boundary(proba, X, y, pathlib.Path(tempfile.mkdtemp()) / "b.png")
    """
    target = _base.check_target(path, ax)
    if not callable(predict_fn):
        raise TypeError(f"predict_fn must be callable; got {type(predict_fn).__name__}.")
    X, labels = _features_and_labels(X, y)
    resolution = _base.positive_int(resolution, "resolution", minimum=2)
    if isinstance(margin, bool) or not (isinstance(margin, numbers.Real) and 0 <= margin < math.inf):
        raise ValueError(f"margin must be a finite number >= 0; got {margin!r}.")

    xx, yy = _grid(X, resolution, margin)
    proba = _grid_probabilities(predict_fn, np.column_stack([xx.ravel(), yy.ravel()]))
    n_columns = proba.shape[1]
    if positive_class is not None and not 0 <= positive_class < n_columns:
        raise ValueError(
            f"positive_class must be a column of predict_fn's output, 0 to {n_columns - 1}; got {positive_class}."
        )
    ax = _base.axes_for(ax, (6.4, 4.8))

    if n_columns > 2 and positive_class is None:
        region = proba.argmax(axis=1).reshape(xx.shape)
        colors = _base.class_colors(n_columns)
        ax.contourf(xx, yy, region, levels=np.arange(n_columns + 1) - 0.5, colors=colors, alpha=0.35)
        if np.ptp(region) > 0:  # one class everywhere has no boundary to draw
            ax.contour(xx, yy, region, levels=np.arange(1, n_columns) - 0.5, colors="black", linewidths=0.8)
    else:
        column = positive_class if positive_class is not None else n_columns - 1
        p = proba[:, column].reshape(xx.shape)
        fill = ax.contourf(xx, yy, p, levels=np.linspace(0, 1, 11), cmap=PROBABILITY_CMAP, vmin=0, vmax=1)
        ax.figure.colorbar(fill, ax=ax, label=f"P(class {column if n_columns > 1 else 1})")
        if p.min() < 0.5 < p.max():  # otherwise there is no boundary to draw
            ax.contour(xx, yy, p, levels=[0.5], colors="black", linewidths=1.5)
    _points(X, labels, ax, edgecolor="black")
    ax.set_xlim(xx[0, 0], xx[0, -1])
    ax.set_ylim(yy[0, 0], yy[-1, 0])
    return _base.finish(ax, target, title=title)


@_base.documented
def plot_confusion_matrix(
    cm: Any,
    labels: Sequence | None = None,
    path: PathLike | None = None,
    *,
    title: str = "Confusion matrix",
    ax: Axes | None = None,
) -> Any:
    """Draw a confusion matrix as a heat map with the count written in each cell.

    Rows are true classes and columns predicted classes, as in
    :func:`sklearn.metrics.confusion_matrix`. Counts are written in cells when
    there are at most 20 classes.

    Parameters
    ----------
    cm : array-like of shape (n_classes, n_classes)
        Non-negative counts (or rates).
    labels : sequence of length n_classes, optional
        Class names for the ticks; defaults to ``0 .. n_classes - 1``.
    {path}
    title : str, default="Confusion matrix"
        Axes title; the overall accuracy is appended.
    {ax and returns, 6.4 x 5.6}
    """
    target = _base.check_target(path, ax)
    cm = _base.as_float_array(cm, "cm", (2,))
    if cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be square, shape (n_classes, n_classes); got {_base.describe(cm)}.")
    if cm.min() < 0:
        raise ValueError(f"cm must hold non-negative counts; got a smallest entry of {cm.min():g}.")
    k = cm.shape[0]
    labels = list(range(k)) if labels is None else list(labels)
    if len(labels) != k:
        raise ValueError(f"labels must name the {k} classes of cm; got {len(labels)} labels.")

    ax = _base.axes_for(ax, (6.4, 5.6))
    image = ax.imshow(cm, cmap="Blues", vmin=0)
    ax.figure.colorbar(image, ax=ax, label="count")
    ax.set_xticks(range(k), [str(label) for label in labels], rotation=45 if k > 6 else 0)
    ax.set_yticks(range(k), [str(label) for label in labels])
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    if k <= 20:
        integer = np.allclose(cm, np.round(cm))
        threshold = cm.max() / 2
        fontsize = 10 if k <= 10 else 7
        for (row, col), value in np.ndenumerate(cm):
            ax.text(
                col,
                row,
                f"{value:.0f}" if integer else f"{value:.2g}",
                ha="center",
                va="center",
                fontsize=fontsize,
                color="white" if value > threshold else "black",
            )
    total = cm.sum()
    accuracy = f" (accuracy {np.trace(cm) / total:.1%})" if total > 0 else ""
    return _base.finish(ax, target, title=title + accuracy)


@_base.documented
def plot_roc(
    y_true_labels: Any,
    proba: Any,
    classes: Sequence,
    path: PathLike | None = None,
    *,
    title: str = "ROC",
    ax: Axes | None = None,
) -> Any:
    """One-vs-rest ROC curves, with each curve's area under it (AUC) in the legend.

    With two classes and one probability per sample (or two columns) a single
    curve is drawn for ``classes[1]``. With more classes the title also gives the
    macro average of the one-vs-rest AUCs, the number
    ``sklearn.metrics.roc_auc_score(..., multi_class="ovr")`` reports.

    Parameters
    ----------
    y_true_labels : array-like of shape (n_samples,)
        True class of each sample; every value must be in ``classes``.
    proba : array-like of shape (n_samples,), (n_samples, 1) or (n_samples, n_classes)
        Predicted probability of ``classes[1]`` (binary), or of each class, in
        the order of ``classes``.
    classes : sequence of length n_classes
        The classes, in the order of the columns of ``proba``.
    {path}
    {axes title, "ROC"}
    {ax and returns, 6.4 x 5.6}
    """
    from sklearn.metrics import auc, roc_curve

    target = _base.check_target(path, ax)
    y_true = _base.as_labels(y_true_labels, "y_true_labels")
    proba = _base.as_float_array(proba, "proba", (1, 2))
    _base.check_same_length(("y_true_labels", y_true), ("proba", proba))
    classes = list(classes)
    if len(classes) < 2:
        raise ValueError(f"classes must list at least 2 classes; got {classes!r}.")
    unknown = set(np.unique(y_true).tolist()) - set(classes)
    if unknown:
        raise ValueError(f"y_true_labels holds labels missing from classes {classes!r}: {sorted(unknown)!r}.")

    proba = proba.reshape(len(proba), -1)
    if proba.shape[1] == len(classes):
        curves = list(zip(classes, proba.T))
        if len(classes) == 2:  # class 0's curve is class 1's, reflected; draw one
            curves = curves[1:]
    elif proba.shape[1] == 1 and len(classes) == 2:
        curves = [(classes[1], proba[:, 0])]
    else:
        raise ValueError(
            f"proba must have one column per class ({len(classes)}), or one column for two "
            f"classes; got {_base.describe(proba)}."
        )

    for cls, _ in curves:
        positive = y_true == cls
        if positive.all() or not positive.any():
            raise ValueError(
                f"y_true_labels must contain both samples of class {cls!r} and samples of "
                f"other classes to draw its ROC curve; got {positive.sum()} of {len(positive)}."
            )

    ax = _base.axes_for(ax, (6.4, 5.6))
    ax.plot([0, 1], [0, 1], linestyle=":", color="grey", label="chance (AUC = 0.500)")
    areas = []
    for index, (cls, scores) in enumerate(curves):
        fpr, tpr, _ = roc_curve(y_true == cls, scores)
        areas.append(auc(fpr, tpr))
        ax.plot(fpr, tpr, color=f"C{index % 10}", label=f"class {cls} (AUC = {areas[-1]:.3f})")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_aspect("equal")
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.legend(loc="lower right", fontsize="small")
    return _base.finish(
        ax, target, title=title if len(areas) == 1 else f"{title} (macro-average AUC = {np.mean(areas):.3f})"
    )


@_base.documented
def plot_digits(
    images: Any,
    true_labels: Any,
    pred_labels: Any,
    path: PathLike,
    *,
    shape: tuple[int, int] | None = None,
    max_images: int = 25,
    only_errors: bool = True,
    title: str | None = None,
) -> Any:
    """A grid of small images titled "true→pred", by default only the misclassified ones.

    Parameters
    ----------
    images : array-like of shape (n_samples, height * width) or (n_samples, height, width)
        The images, e.g. ``sklearn.datasets.load_digits().data`` (8 x 8).
    true_labels, pred_labels : array-like of shape (n_samples,)
        True and predicted class of each image.
    {path, required}
    shape : tuple of int (height, width), optional
        Shape of one image when ``images`` is 2-D. Defaults to a square.
    max_images : int, default=25
        At most this many images are drawn, in the order given.
    only_errors : bool, default=True
        Draw only images whose predicted label is wrong. If False, draw all,
        with wrong ones titled in red.
    title : str, optional
        Figure title; defaults to a count of the errors.

    Returns
    -------
    pathlib.Path
        ``path``. The ``m`` images drawn fill ``ceil(sqrt(m))`` columns; the
        figure is 1.1 inch wide (at least 3.2 in all) and 1.25 inch tall per
        image, plus 0.4 inch for the title.
    """
    target = _base.check_target(path, None)
    images = _base.as_float_array(images, "images", (2, 3))
    true_labels = _base.as_labels(true_labels, "true_labels")
    pred_labels = _base.as_labels(pred_labels, "pred_labels")
    _base.check_same_length(("images", images), ("true_labels", true_labels), ("pred_labels", pred_labels))
    max_images = _base.positive_int(max_images, "max_images")
    if images.ndim == 3:
        if shape is not None and tuple(shape) != images.shape[1:]:
            raise ValueError(f"shape must match the images' shape {images.shape[1:]}; got {shape!r}.")
        shape = images.shape[1:]
    elif shape is None:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1]:
            raise ValueError(f"shape is required for images of {images.shape[1]} pixels, which are not square.")
        shape = (side, side)
    elif math.prod(shape) != images.shape[1]:
        raise ValueError(f"shape {tuple(shape)} must have {images.shape[1]} pixels, one per column of images.")

    wrong = true_labels != pred_labels
    chosen = np.flatnonzero(wrong) if only_errors else np.arange(len(images))
    chosen = chosen[:max_images]
    if title is None:
        title = f"Misclassified: {wrong.sum()} of {len(images)}"
        if only_errors and wrong.sum() > len(chosen):
            title += f" (first {len(chosen)} shown)"

    ncols = max(1, math.ceil(math.sqrt(len(chosen))))
    nrows = max(1, math.ceil(len(chosen) / ncols))
    fig = _base.new_figure((max(1.1 * ncols, 3.2), 1.25 * nrows + 0.4))
    fig.suptitle(title)
    if len(chosen) == 0:
        ax = fig.add_subplot()
        ax.text(0.5, 0.5, "no images to show", ha="center", va="center")
        ax.set_axis_off()
    low, high = images.min(), images.max()
    for slot, index in enumerate(chosen):
        ax = fig.add_subplot(nrows, ncols, slot + 1)
        ax.imshow(images[index].reshape(shape), cmap="gray_r", vmin=low, vmax=high, interpolation="nearest")
        ax.set_title(
            f"{true_labels[index]}→{pred_labels[index]}",
            fontsize=10,
            color="tab:red" if wrong[index] else "black",
        )
        ax.set_axis_off()
    return _base.save_figure(fig, target)
