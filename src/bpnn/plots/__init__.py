"""Plots of data, training runs and results, drawn from plain arrays and callables.

Nothing here imports the engine: every function takes NumPy arrays, lists,
dicts or a ``predict_fn`` callable, draws with matplotlib's object API (no
pyplot, no window, safe without a display and across threads) and writes the
figure atomically to ``path`` as PNG or SVG by its suffix, returning the
path. Single-panel plots also take ``ax=`` to draw on an existing axes; called
with ``ax`` and no ``path`` they return the axes instead.

Text with Chinese (or other CJK) characters is drawn with a CJK font of the machine
(:func:`use_cjk_font`, called by every plot; call it yourself on a figure you add
Chinese labels to before saving it).

Examples
--------
>>> import tempfile, pathlib
>>> from bpnn.plots import plot_history
>>> out = plot_history({"loss": [1.0, 0.5, 0.2]}, pathlib.Path(tempfile.mkdtemp()) / "loss.svg")
>>> out.suffix
'.svg'
"""

from bpnn.plots._base import use_cjk_font
from bpnn.plots.benchmarks import plot_benchmark_bars
from bpnn.plots.classification import (
    plot_confusion_matrix,
    plot_dataset,
    plot_decision_boundary,
    plot_digits,
    plot_roc,
)
from bpnn.plots.network import network, plot_network
from bpnn.plots.regression import (
    plot_error_histogram,
    plot_fit_1d,
    plot_regression,
    plot_regression_splits,
)
from bpnn.plots.training import plot_history, plot_performance, plot_training_state

__all__ = [
    "plot_benchmark_bars",
    "plot_confusion_matrix",
    "plot_dataset",
    "plot_decision_boundary",
    "plot_digits",
    "plot_error_histogram",
    "plot_fit_1d",
    "plot_history",
    "plot_performance",
    "plot_regression",
    "plot_regression_splits",
    "plot_roc",
    "plot_training_state",
    "use_cjk_font",
    "network",
    "plot_network",
]
