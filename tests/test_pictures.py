"""The pictures a learner looks at: titles that fit and say each thing once."""

import numpy as np
import pytest

import bpnn.plots
from bpnn.demos.seeds import run_digits
from bpnn.plots import _base, plot_performance


@pytest.mark.parametrize("loss", ["mse", "binary_crossentropy", "categorical_crossentropy"])
def test_performance_title_is_inside_the_figure(loss):
    # the table workflow's performance plot, whose title names the loss (a classification's is the longest)
    ax = plot_performance(
        {"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.65123456]},
        ax=_base.new_figure((6.4, 4.8)).add_subplot(),
        ylabel=f"loss ({loss})",
        best_epoch=3,
    )
    fig = ax.figure
    fig.canvas.draw()
    box = ax.title.get_window_extent(fig.canvas.get_renderer())
    assert 0 <= box.x0 and box.x1 <= fig.bbox.width, (ax.get_title(), box.x0, box.x1, fig.bbox.width)
    assert "0.6512" in ax.get_title() and loss in ax.get_title()


def test_digits_confusion_title_gives_the_accuracy_once(monkeypatch, tmp_path):
    titles = []
    real = bpnn.plots.plot_confusion_matrix

    def spy(cm, labels, path, title):
        ax = real(cm, labels, ax=_base.new_figure((6.4, 4.8)).add_subplot(), title=title)
        titles.append(ax.get_title())
        return real(cm, labels, path, title=title)

    monkeypatch.setattr(bpnn.plots, "plot_confusion_matrix", spy)
    result = run_digits(epochs=1, out_dir=tmp_path, echo=lambda line: None, progress="quiet")
    accuracy = result["results"]["test_accuracy"]
    assert titles == [f"Test confusion matrix (accuracy {accuracy:.1%})"]
    assert np.isclose(accuracy, np.trace(result["results"]["confusion_matrix"]) / 450)
