"""Tests of bpnn.plots: every plot writes a readable image of the promised size,
and what it draws is checked against an independent computation."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from sklearn.metrics import roc_auc_score

from bpnn import plots
from bpnn.plots import _base
from bpnn.plots.regression import correlation

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RNG = np.random.default_rng(0)


def assert_png(path: Path, width: int, height: int) -> None:
    """``path`` is a PNG that matplotlib reads back as ``width`` x ``height`` pixels."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    image = matplotlib.image.imread(path)
    assert image.shape[:2] == (height, width)
    assert image.std() > 0  # something was drawn


def assert_svg(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "<svg" in text and text.rstrip().endswith("</svg>")


def new_axes():
    fig = Figure(figsize=(6.4, 4.8), dpi=100)
    FigureCanvasAgg(fig)
    return fig.add_subplot()


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def moons_like(n=60):
    X = RNG.normal(size=(n, 2))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X, y


def linear_proba(grid):
    return sigmoid(3 * (grid[:, 0] + grid[:, 1]))[:, None]


# --------------------------------------------------------------------------- every plot writes a PNG

X2, Y2 = moons_like()
HISTORY = {"loss": [1.0, 0.5, 0.3, 0.2], "val_loss": [1.1, 0.6, 0.5, 0.55], "accuracy": [0.5, 0.7, 0.8, 0.9]}
T = RNG.normal(size=40)
P = T + 0.3 * RNG.normal(size=40)
Y3 = np.repeat([0, 1, 2], 10)
PROBA3 = RNG.dirichlet([1, 1, 1], size=30)
BENCH = [
    {"case": "moons", "implementation": "numpy", "seconds_per_epoch": 0.01},
    {"case": "moons", "implementation": "sklearn", "seconds_per_epoch": 0.02},
    {"case": "digits", "implementation": "numpy", "seconds_per_epoch": 0.05},
]

# name -> (call writing to a path, expected width, expected height)
CASES = {
    "dataset": (lambda p: plots.plot_dataset(X2, Y2, p), 640, 480),
    "decision_boundary": (lambda p: plots.plot_decision_boundary(linear_proba, X2, Y2, p, resolution=40), 640, 480),
    "history": (lambda p: plots.plot_history(HISTORY, p), 640, 640),
    "history_loss_only": (lambda p: plots.plot_history({"loss": [3, 2, 1]}, p), 640, 340),
    "performance": (lambda p: plots.plot_performance({"train": [3, 2, 1], "validation": [3, 2, 2.5]}, p), 640, 480),
    "training_state": (
        lambda p: plots.plot_training_state(
            {"gradient": [1, 0.1, 0.01], "mu": [1e-3, 1e-4, 1e-3], "val_fail": [0, 1, 2]}, p
        ),
        640,
        660,
    ),
    "regression": (lambda p: plots.plot_regression(T, P, p), 560, 560),
    "regression_splits": (
        lambda p: plots.plot_regression_splits({"train": (T[:30], P[:30]), "test": (T[30:], P[30:])}, p),
        800,
        800,
    ),
    "error_histogram": (lambda p: plots.plot_error_histogram({"train": T - P, "test": P[:5]}, p), 640, 480),
    "confusion_matrix": (lambda p: plots.plot_confusion_matrix([[5, 1], [2, 7]], ["a", "b"], p), 640, 560),
    "roc": (lambda p: plots.plot_roc(Y3, PROBA3, [0, 1, 2], p), 640, 560),
    # 3 wrong of 4 -> 2 x 2 grid, 3.2 x (2 * 1.25 + 0.4) inches
    "digits": (lambda p: plots.plot_digits(RNG.random((4, 64)), [1, 2, 3, 4], [1, 3, 4, 5], p), 320, 290),
    "fit_1d": (
        lambda p: plots.plot_fit_1d(np.linspace(0, 6, 30), np.sin(np.linspace(0, 6, 30)), np.zeros(30), p),
        640,
        480,
    ),
    # 2 cases x 2 implementations -> 4 bars, 1.4 + 4 * 0.3 inches tall
    "benchmark_bars": (lambda p: plots.plot_benchmark_bars(BENCH, p), 720, 260),
}


@pytest.mark.parametrize("name", CASES)
def test_each_plot_writes_a_png_of_the_promised_size(tmp_path, name):
    call, width, height = CASES[name]
    path = tmp_path / f"{name}.png"
    assert call(path) == path
    assert_png(path, width, height)


@pytest.mark.parametrize("name", ["dataset", "history", "digits"])
def test_svg_suffix_writes_svg(tmp_path, name):
    path = tmp_path / f"{name}.svg"
    assert CASES[name][0](str(path)) == path
    assert_svg(path)


# --------------------------------------------------------------------------- saving


def test_save_creates_folders_replaces_the_file_and_respects_umask(tmp_path):
    path = tmp_path / "a" / "b" / "data.png"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"old plot")
    plots.plot_dataset([[0, 0], [1, 1]], [0, 1], path)
    assert_png(path, 640, 480)
    assert sorted(p.name for p in path.parent.iterdir()) == ["data.png"]  # no temporary left
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    new_folder = tmp_path / "c" / "d" / "data.svg"
    assert plots.plot_dataset([[0, 0], [1, 1]], [0, 1], new_folder) == new_folder


def test_failed_save_keeps_the_old_file_and_removes_the_temporary(tmp_path, monkeypatch):
    path = tmp_path / "data.png"
    path.write_bytes(b"old plot")

    def broken_savefig(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken_savefig)
    with pytest.raises(OSError, match="disk full"):
        plots.plot_dataset(X2, Y2, path)
    assert path.read_bytes() == b"old plot"
    assert [p.name for p in tmp_path.iterdir()] == ["data.png"]


def test_ax_without_path_draws_there_and_returns_the_axes(tmp_path):
    ax = new_axes()
    assert plots.plot_regression(T, P, ax=ax) is ax
    assert ax.get_title().startswith("Regression: R = ")
    path = plots.plot_dataset(X2, Y2, tmp_path / "both.png", ax=new_axes())
    assert_png(path, 640, 480)


def test_plots_run_in_parallel_threads(tmp_path):
    errors = []

    def work(i):
        try:
            plots.plot_dataset([[0, 0], [1, i]], [0, 1], tmp_path / f"{i}.png")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for i in range(2):
        assert_png(tmp_path / f"{i}.png", 640, 480)


def test_importing_and_plotting_leaves_pyplot_and_the_backend_alone(tmp_path):
    code = (
        "import sys, matplotlib; matplotlib.use('svg');"
        "from bpnn.plots import plot_dataset;"
        f"plot_dataset([[0, 0], [1, 1]], [0, 1], {str(tmp_path / 'x.png')!r});"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot imported';"
        "assert matplotlib.get_backend() == 'svg', matplotlib.get_backend()"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(plots.__file__).parents[2])}
    env.pop("DISPLAY", None)
    result = subprocess.run([sys.executable, "-W", "error", "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert_png(tmp_path / "x.png", 640, 480)


# --------------------------------------------------------------------------- decision boundary


def _contour_sets(ax):
    return [c for c in ax.collections if isinstance(c, ContourSet)]


def test_decision_boundary_calls_predict_fn_on_a_grid_covering_the_data():
    calls = []

    def recording(grid):
        calls.append(grid.copy())
        return linear_proba(grid)

    X = np.array([[-1.0, 2.0], [3.0, 4.0], [0.0, 3.0]])
    plots.plot_decision_boundary(recording, X, [0, 1, 0], ax=new_axes(), resolution=30, margin=0.25)
    assert len(calls) == 1
    grid = calls[0]
    assert grid.shape == (30 * 30, 2)
    # extent 4 in x_1 and 2 in x_2, widened by a quarter on every side
    np.testing.assert_allclose(grid.min(axis=0), [-2.0, 1.5])
    np.testing.assert_allclose(grid.max(axis=0), [4.0, 4.5])
    assert len(np.unique(grid[:, 0])) == 30 and len(np.unique(grid[:, 1])) == 30


@pytest.mark.parametrize("column", [0, 1])
def test_decision_boundary_half_line_is_where_predict_fn_crosses_one_half(column):
    # P(class 1) rises steeply through 0.5 at x_column = 0.3; drawing the wrong
    # axis (a transposed grid) would put the line on the other coordinate.
    def proba(grid):
        return sigmoid(40 * (grid[:, column] - 0.3))

    X = np.array([[-1.0, -1.0], [1.0, 1.0]])
    ax = new_axes()
    plots.plot_decision_boundary(proba, X, [0, 1], ax=ax, resolution=101)
    lines = [c for c in _contour_sets(ax) if list(c.levels) == [0.5]]
    assert len(lines) == 1
    vertices = np.concatenate([path.vertices for path in lines[0].get_paths()])
    np.testing.assert_allclose(vertices[:, column], 0.3, atol=0.025)
    assert np.ptp(vertices[:, 1 - column]) > 2  # the line crosses the whole plot


def test_decision_boundary_fill_colour_is_predict_fn_probability():
    # 0.93 left of x_1 = 0 and 0.05 right: the pixels must show the colours of bands (0.9, 1] and (0, 0.1].
    def proba(grid):
        return np.where(grid[:, 0] < 0, 0.93, 0.05)

    X = np.array([[-2.0, -2.0], [2.0, 2.0]])
    ax = new_axes()
    plots.plot_decision_boundary(proba, X, [0, 1], ax=ax, resolution=50)
    fig = ax.figure
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())
    cmap = colormaps[plots.classification.PROBABILITY_CMAP]
    for x, expected in ((-1.0, 0.95), (1.0, 0.05)):  # contourf colours a band by its middle
        px, py = ax.transData.transform((x, 0.0))
        rgba = pixels[int(round(fig.bbox.height - py)), int(round(px))] / 255
        np.testing.assert_allclose(rgba[:3], cmap(expected)[:3], atol=0.02)


def test_decision_boundary_two_columns_fill_column_one_and_many_columns_fill_regions():
    ax = new_axes()

    def two(grid):
        return np.hstack([1 - linear_proba(grid), linear_proba(grid)])

    plots.plot_decision_boundary(two, X2, Y2, ax=ax, resolution=20)
    fill = next(c for c in _contour_sets(ax) if c.filled)
    assert ax.figure.axes[-1].get_ylabel() == "P(class 1)"
    assert fill.norm.vmin == 0 and fill.norm.vmax == 1

    def three(grid):
        return np.full((len(grid), 3), [0.2, 0.5, 0.3])

    ax = new_axes()
    plots.plot_decision_boundary(three, X2, Y3.tolist() * 2, ax=ax, resolution=20)
    fill = next(c for c in _contour_sets(ax) if c.filled)
    np.testing.assert_array_equal(fill.levels, [-0.5, 0.5, 1.5, 2.5])
    assert all(c.filled for c in _contour_sets(ax))  # one class everywhere: no boundary

    def three_regions(grid):
        scores = np.column_stack([grid[:, 0], grid[:, 1], -grid[:, 0]])
        return np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)

    ax = new_axes()
    plots.plot_decision_boundary(three_regions, X2, Y3.tolist() * 2, ax=ax, resolution=20)
    lines = next(c for c in _contour_sets(ax) if not c.filled)
    np.testing.assert_array_equal(lines.levels, [0.5, 1.5])


def test_decision_boundary_without_a_crossing_draws_no_line_and_no_warning():
    ax = new_axes()
    plots.plot_decision_boundary(lambda g: np.full(len(g), 0.2), X2, Y2, ax=ax, resolution=10)
    assert all(c.filled for c in _contour_sets(ax))


# --------------------------------------------------------------------------- numbers shown


def _legend_aucs(ax):
    found = {}
    for text in ax.get_legend().get_texts():
        match = re.fullmatch(r"class (\S+) \(AUC = ([0-9.]+)\)", text.get_text())
        if match:
            found[match[1]] = float(match[2])
    return found


def test_roc_aucs_in_legend_match_sklearn():
    ax = new_axes()
    y = RNG.integers(0, 3, size=200)
    proba = RNG.dirichlet([1, 1, 1], size=200) + 0.6 * np.eye(3)[y]
    proba /= proba.sum(axis=1, keepdims=True)
    plots.plot_roc(y, proba, [0, 1, 2], ax=ax)
    shown = _legend_aucs(ax)
    assert set(shown) == {"0", "1", "2"}
    for cls in range(3):
        assert shown[str(cls)] == pytest.approx(roc_auc_score(y == cls, proba[:, cls]), abs=5e-4)
    macro = float(re.search(r"macro-average AUC = ([0-9.]+)", ax.get_title())[1])
    assert macro == pytest.approx(roc_auc_score(y, proba, multi_class="ovr"), abs=5e-4)


@pytest.mark.parametrize("two_columns", [False, True])
def test_binary_roc_draws_one_curve_for_the_second_class(two_columns):
    y = np.array(["cat", "dog"] * 30)
    p_dog = np.clip(0.5 + 0.4 * (y == "dog") + 0.3 * RNG.normal(size=60), 0, 1)
    proba = np.column_stack([1 - p_dog, p_dog]) if two_columns else p_dog
    ax = new_axes()
    plots.plot_roc(y, proba, ["cat", "dog"], ax=ax)
    assert _legend_aucs(ax) == {"dog": pytest.approx(roc_auc_score(y == "dog", p_dog), abs=5e-4)}


def test_regression_title_r_matches_corrcoef_and_fit_line_matches_least_squares():
    ax = new_axes()
    plots.plot_regression(T, P, ax=ax, title="test")
    shown = float(re.fullmatch(r"test: R = ([-0-9.]+)", ax.get_title())[1])
    assert shown == pytest.approx(np.corrcoef(T, P)[0, 1], abs=5e-5)
    fit = next(line for line in ax.get_lines() if line.get_label().startswith("fit"))
    slope, intercept = np.linalg.lstsq(np.column_stack([T, np.ones_like(T)]), P, rcond=None)[0]
    x = fit.get_xdata()
    np.testing.assert_allclose(fit.get_ydata(), slope * x + intercept)


def test_correlation_matches_corrcoef_and_is_nan_for_constant_values():
    for _ in range(3):
        a, b = RNG.normal(size=(2, 25))
        assert correlation(a, b) == pytest.approx(np.corrcoef(a, b)[0, 1])
    assert np.isnan(correlation(np.ones(5), np.arange(5.0)))


def test_regression_with_constant_targets_says_r_is_undefined():
    ax = new_axes()
    plots.plot_regression(np.ones(10), np.arange(10.0), ax=ax)
    assert "R undefined" in ax.get_title()


def test_regression_pools_every_output_column():
    ax = new_axes()
    t = RNG.normal(size=(20, 2))
    p = t + 0.1 * RNG.normal(size=(20, 2))
    plots.plot_regression(t, p, ax=ax, title="x")
    shown = float(ax.get_title().split("= ")[1])
    assert shown == pytest.approx(np.corrcoef(t.ravel(), p.ravel())[0, 1], abs=5e-5)


def test_error_histogram_counts_every_error_once_with_shared_bins():
    errors = {"train": RNG.normal(size=70), "test": RNG.normal(size=(15, 2))}
    ax = new_axes()
    plots.plot_error_histogram(errors, ax=ax, bins=7)
    bars = ax.patches
    assert len(bars) == 2 * 7
    assert sum(bar.get_height() for bar in bars) == 70 + 30
    lefts = sorted({round(bar.get_x(), 9) for bar in bars})
    assert len(lefts) == 7


def test_confusion_matrix_writes_each_count_in_its_cell():
    cm = np.array([[5, 1, 0], [2, 7, 1], [0, 0, 9]])
    ax = new_axes()
    plots.plot_confusion_matrix(cm, ["a", "b", "c"], ax=ax)
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts}
    assert cells == {(r, c): str(cm[r, c]) for r in range(3) for c in range(3)}
    assert ax.get_title() == f"Confusion matrix (accuracy {21 / 25:.1%})"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]


# --------------------------------------------------------------------------- training curves


def test_performance_circles_the_lowest_validation_epoch_on_logged_epochs():
    curves = {"epoch": [0, 5, 10, 15], "loss": [4, 2, 1, 0.5], "val_loss": [5, 3, 2.5, 2.7], "test_loss": [5, 3, 3, 3]}
    ax = new_axes()
    plots.plot_performance(curves, ax=ax, goal=0.1)
    assert ax.get_title() == "Best validation loss is 2.5 at epoch 10"
    best = next(line for line in ax.get_lines() if line.get_label() == "best")
    assert list(best.get_xdata()) == [10] and list(best.get_ydata()) == [2.5]
    validation = next(line for line in ax.get_lines() if line.get_label() == "validation")
    assert list(validation.get_xdata()) == [0, 5, 10, 15]
    assert ax.get_yscale() == "log"
    assert [line.get_label() for line in ax.get_lines()][:4] == ["goal", "train", "validation", "test"]


def test_performance_uses_the_given_best_epoch_and_a_linear_axis_for_non_positive_values():
    ax = new_axes()
    plots.plot_performance({"train": [1.0, 0.0, -1.0]}, ax=ax, best_epoch=2)
    assert ax.get_title() == "Best train loss is 0 at epoch 2"
    assert ax.get_yscale() == "linear"


def test_history_accepts_an_object_with_a_history_dict_and_missing_values(tmp_path):
    class Run:
        history = {"loss": [1.0, 0.5, 0.25], "val_loss": [None, 0.7, 0.6], "lr": [0.1, 0.1, 0.05]}

    assert_png(plots.plot_history(Run(), tmp_path / "h.png"), 640, 340)


def test_split_labels_and_colours():
    from bpnn.plots.training import _split_label

    assert [_split_label(k, "loss") for k in ["loss", "val_loss", "test_loss", "train"]] == [
        "train",
        "validation",
        "test",
        "train",
    ]
    assert [_split_label(k, "accuracy") for k in ["acc", "val_acc", "val_accuracy"]] == [
        "train",
        "validation",
        "validation",
    ]
    assert _base.split_color("val") == _base.split_color("validation") == "tab:green"


# --------------------------------------------------------------------------- input errors


BAD_INPUTS = [
    (
        lambda p: plots.plot_dataset(np.zeros((5, 3)), np.zeros(5), p),
        ValueError,
        r"X must have shape \(n_samples, 2\).*\(5, 3\)",
    ),
    (
        lambda p: plots.plot_dataset(np.zeros(5), np.zeros(5), p),
        ValueError,
        r"X must be a 2-D array; got an array of shape \(5,\)",
    ),
    (lambda p: plots.plot_dataset(np.zeros((0, 2)), [], p), ValueError, "X must not be empty"),
    (
        lambda p: plots.plot_dataset(X2, Y2[:-1], p),
        ValueError,
        "X and y must have the same number of samples; got 60 in X and 59 in y",
    ),
    (lambda p: plots.plot_dataset([[0, np.nan]], [0], p), ValueError, "X must hold only finite"),
    (lambda p: plots.plot_decision_boundary("f", X2, Y2, p), TypeError, "predict_fn must be callable; got str"),
    (
        lambda p: plots.plot_decision_boundary(lambda g: g[:5], X2, Y2, p),
        ValueError,
        r"predict_fn must return .*returned an array of shape \(5, 2\)",
    ),
    (
        lambda p: plots.plot_decision_boundary(lambda g: g.sum(axis=1), X2, Y2, p),
        ValueError,
        r"predict_fn must return probabilities in \[0, 1\]",
    ),
    (
        lambda p: plots.plot_decision_boundary(linear_proba, X2, Y2, p, resolution=1),
        ValueError,
        "resolution must be at least 2; got 1",
    ),
    (
        lambda p: plots.plot_decision_boundary(linear_proba, X2, Y2, p, positive_class=3),
        ValueError,
        "positive_class must be a column",
    ),
    (
        lambda p: plots.plot_history({"lr": [1, 2]}, p),
        ValueError,
        r"history must hold a loss or accuracy series.*\['lr'\]",
    ),
    (
        lambda p: plots.plot_history({"loss": [1, 2], "val_loss": [1]}, p),
        ValueError,
        r"history\['val_loss'\] and history\['loss'\] must have the same length; got 1 and 2",
    ),
    (
        lambda p: plots.plot_history({"loss": [1, 2], "epoch": [5]}, p),
        ValueError,
        r"history\['epoch'\] must give one epoch per value",
    ),
    (lambda p: plots.plot_history({"loss": []}, p), ValueError, r"history\['loss'\] must not be empty"),
    (lambda p: plots.plot_history([1, 2], p), TypeError, "history must be a dict-like mapping; got list"),
    (
        lambda p: plots.plot_performance({"train": [1, 2]}, p, best_epoch=7),
        ValueError,
        "best_epoch must be one of the logged epochs",
    ),
    (
        lambda p: plots.plot_performance({"train": [1, np.inf]}, p),
        ValueError,
        r"curves\['train'\] must not hold infinity",
    ),
    (lambda p: plots.plot_training_state({"epoch": [1]}, p), ValueError, "state must hold at least one series"),
    (
        lambda p: plots.plot_regression(T, P[:-1], p),
        ValueError,
        r"y_true and y_pred must have the same shape; got \(40,\) and \(39,\)",
    ),
    (lambda p: plots.plot_regression_splits({"train": T}, p), ValueError, r"splits\['train'\] must be a pair"),
    (lambda p: plots.plot_regression_splits({}, p), ValueError, "splits must not be empty"),
    (lambda p: plots.plot_error_histogram({"train": T}, p, bins=0), ValueError, "bins must be at least 1; got 0"),
    (
        lambda p: plots.plot_error_histogram({"train": []}, p),
        ValueError,
        r"errors_by_split\['train'\] must not be empty",
    ),
    (lambda p: plots.plot_confusion_matrix(np.ones((2, 3)), None, p), ValueError, r"cm must be square.*\(2, 3\)"),
    (
        lambda p: plots.plot_confusion_matrix(np.ones((2, 2)), ["a"], p),
        ValueError,
        "labels must name the 2 classes of cm; got 1",
    ),
    (lambda p: plots.plot_confusion_matrix(-np.ones((2, 2)), None, p), ValueError, "cm must hold non-negative counts"),
    (
        lambda p: plots.plot_roc(Y3, PROBA3[:, :2], [0, 1, 2], p),
        ValueError,
        r"proba must have one column per class \(3\)",
    ),
    (
        lambda p: plots.plot_roc(Y3, PROBA3, [0, 1], p),
        ValueError,
        r"y_true_labels holds labels missing from classes \[0, 1\]: \[2\]",
    ),
    (
        lambda p: plots.plot_roc(np.zeros(30), PROBA3[:, 0], [0, 1], p),
        ValueError,
        "y_true_labels must contain both samples of class 1",
    ),
    (
        lambda p: plots.plot_digits(np.zeros((3, 10)), [0, 1, 2], [0, 1, 1], p),
        ValueError,
        "shape is required for images of 10 pixels",
    ),
    (
        lambda p: plots.plot_digits(np.zeros((3, 64)), [0, 1, 2], [0, 1, 1], p, shape=(4, 4)),
        ValueError,
        r"shape \(4, 4\) must have 64 pixels",
    ),
    (
        lambda p: plots.plot_digits(np.zeros((3, 64)), [0, 1], [0, 1, 1], p),
        ValueError,
        "images and true_labels must have the same number of samples",
    ),
    (
        lambda p: plots.plot_digits(np.zeros((3, 64)), [0, 1, 2], [0, 1, 1], p, max_images=0),
        ValueError,
        "max_images must be at least 1",
    ),
    (
        lambda p: plots.plot_fit_1d(np.zeros((5, 2)), np.zeros(5), np.zeros(5), p),
        ValueError,
        r"x must have shape \(n,\) or \(n, 1\)",
    ),
    (
        lambda p: plots.plot_fit_1d(np.zeros(5), np.zeros(5), np.zeros(4), p),
        ValueError,
        "x and y_pred must have the same number of samples; got 5 in x and 4 in y_pred",
    ),
    (
        lambda p: plots.plot_benchmark_bars([{"case": "a", "seconds_per_epoch": 1}], p),
        ValueError,
        r"table\[0\] must have the keys \['implementation'\]",
    ),
    (
        lambda p: plots.plot_benchmark_bars([{"case": "a", "implementation": "b", "seconds_per_epoch": -1}], p),
        ValueError,
        "must be a positive time; got -1.0",
    ),
    (lambda p: plots.plot_benchmark_bars([], p), ValueError, "table must not be empty"),
    (
        lambda p: plots.plot_dataset(X2, Y2, p.with_suffix(".jpg")),
        ValueError,
        r"path must end in one of \.png, \.svg; got '.*\.jpg'",
    ),
    (lambda p: plots.plot_dataset(X2, Y2, None), ValueError, "path is required when no ax is given"),
    (lambda p: plots.plot_dataset(X2, Y2, 3), TypeError, "path must be a str or os.PathLike; got int"),
    (lambda p: plots.plot_dataset(X2, Y2, p, ax="ax"), TypeError, "ax must be a matplotlib Axes or None; got str"),
]


@pytest.mark.parametrize("call, error, message", BAD_INPUTS)
def test_bad_input_raises_naming_the_argument(tmp_path, call, error, message):
    with pytest.raises(error, match=message):
        call(tmp_path / "out.png")
    assert not any(tmp_path.iterdir())  # nothing half-written


def test_digits_with_nothing_misclassified_still_saves(tmp_path):
    path = plots.plot_digits(np.zeros((2, 4, 4)), [1, 2], [1, 2], tmp_path / "none.png")
    assert_png(path, 320, 165)
