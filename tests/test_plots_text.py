"""The text of the plots: Chinese drawn with a CJK font (or one line saying how to get one, never
a warning per character), and long titles kept inside the figure."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
from matplotlib.text import Text

from bpnn.plots import _base, plot_history, plot_performance, plot_regression
from cli_helpers import run

HAS_CJK_FONT = _base.cjk_font() is not None
needs_font = pytest.mark.skipif(not HAS_CJK_FONT, reason="no CJK font on this machine (apt-get install fonts-noto-cjk)")


def missing_glyph_warnings(fig) -> list[str]:
    """What matplotlib warns while drawing ``fig`` now, as a user's own ``savefig`` would."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return [str(w.message) for w in caught if "missing from" in str(w.message)]


def chinese_performance_axes():
    fig = _base.new_figure((6.4, 4.8))
    curves = {"训练": [1.0, 0.5, 0.25], "验证": [1.1, 0.6, 0.4]}
    return plot_performance(curves, ax=fig.add_subplot(), ylabel="损失")


@needs_font
def test_chinese_labels_are_drawn_with_a_cjk_font_and_no_glyph_is_missing():
    ax = chinese_performance_axes()
    chinese = [t for t in ax.figure.findobj(Text) if "损失" in t.get_text()]
    assert chinese and all(_base.cjk_font() in t.get_fontfamily() for t in chinese)
    assert missing_glyph_warnings(ax.figure) == []


@needs_font
def test_without_the_cjk_font_the_same_plot_misses_glyphs(monkeypatch):
    # the check above can fail: the same axes drawn without the font switch warn per character
    monkeypatch.setattr(_base, "use_cjk_font", lambda fig: None)
    ax = chinese_performance_axes()
    assert missing_glyph_warnings(ax.figure)


def test_without_any_cjk_font_one_line_says_how_to_get_one(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(_base, "installed_font_names", lambda: {"DejaVu Sans"})
    monkeypatch.setattr("matplotlib.font_manager.findSystemFonts", lambda *a, **k: [])
    monkeypatch.setattr(_base, "_hinted", False)
    _base.cjk_font.cache_clear()
    try:
        assert _base.cjk_font() is None
        # pytest turns every warning into an error here: none may escape
        plot_history({"loss": [1.0, 0.5], "val_loss": [1.2, 0.7]}, tmp_path / "h.png", title="训练历史")
        plot_regression([1.0, 2.0, 3.0], [1.1, 1.9, 3.2], tmp_path / "r.svg", title="温度的回归")
        plot_history({"loss": [1.0, 0.5]}, tmp_path / "english.png")
    finally:
        _base.cjk_font.cache_clear()
    err = capsys.readouterr().err
    assert err == _base.CJK_HINT + "\n"
    assert "fonts-noto-cjk" in err


def test_english_plots_say_nothing_about_fonts(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(_base, "installed_font_names", lambda: set())
    monkeypatch.setattr(_base, "_hinted", False)
    plot_history({"loss": [1.0, 0.5]}, tmp_path / "h.png")
    assert capsys.readouterr().err == ""


def test_a_long_performance_title_stays_inside_the_figure():
    # a table model's loss label, as `bpnn train --plots` passes it
    ax = plot_performance(
        {"loss": [0.4, 0.2, 0.1], "val_loss": [0.5, 0.3, 0.35]},
        ax=_base.new_figure((6.4, 4.8)).add_subplot(),
        ylabel="loss: ½ squared error, targets scaled by minmax (mse)",
    )
    fig = ax.figure
    fig.canvas.draw()
    box = fig.bbox
    title = ax.title.get_window_extent()
    assert "(mse) is 0.3 at epoch 2" in ax.get_title().replace("\n", " ")
    assert box.x0 <= title.x0 and title.x1 <= box.x1 and title.y1 <= box.y1


@needs_font
def test_bpnn_train_plots_a_chinese_table_with_no_warning(tmp_path):
    rng = np.random.default_rng(0)
    lines = ["温度,湿度,颜色,合格"]
    for _ in range(80):
        t, h = rng.uniform(0, 1, 2)
        lines.append(f"{t:.3f},{h:.3f},{rng.choice(['红', '绿', '蓝'])},{'合格' if t + h > 1 else '不合格'}")
    table = tmp_path / "质检.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-W", "always", "-m", "bpnn", "train", str(table), "--target", "合格", "--out",
         str(tmp_path / "m.bpnn"), "--plots", str(tmp_path / "plots"), "--seed", "0"],
        capture_output=True, text=True, encoding="utf-8",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Glyph" not in proc.stderr and "missing from" not in proc.stderr, proc.stderr
    assert _base.CJK_HINT not in proc.stderr
    assert len(list((tmp_path / "plots").glob("*.png"))) >= 3


@needs_font
def test_the_network_picture_of_a_chinese_model_uses_the_cjk_font(tmp_path, capsys):
    lines = ["温度,颜色,合格"] + [f"{i / 40:.3f},{'红绿'[i % 2]},{'是' if i > 20 else '否'}" for i in range(40)]
    table = tmp_path / "t.csv"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "train", table, "--target", "合格", "--out", tmp_path / "m.bpnn", "--seed", "0")
    assert code == 0, err
    from bpnn import load
    from bpnn.plots import network

    ax = network(load(tmp_path / "m.bpnn"), ax=_base.new_figure((5, 4)).add_subplot())
    assert missing_glyph_warnings(ax.figure) == []
