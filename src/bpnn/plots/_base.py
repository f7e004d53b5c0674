"""What every plot shares: making a figure, saving it safely, checking inputs.

The plots never touch ``matplotlib.pyplot``. Each figure is a plain
:class:`matplotlib.figure.Figure` with an Agg canvas attached, so drawing works
without a display, never opens a window, leaves the user's chosen backend alone
and keeps no global state between calls (two threads may plot at once).
"""

from __future__ import annotations

import functools
import os
import re
import secrets
import sys
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

#: Dots per inch of every saved raster; a 6.4 x 4.8 inch figure is 640 x 480 pixels.
DPI = 100

#: File suffix -> matplotlib format name.
FORMATS = {".png": "png", ".svg": "svg"}

# Fixed colours for the usual data splits, so "validation" is the same green in
# every plot (the colours MATLAB's training plots use, in matplotlib's palette).
SPLIT_COLORS = {"train": "tab:blue", "validation": "tab:green", "test": "tab:red", "all": "black"}
_SPLIT_ALIASES = {
    "train": "train",
    "training": "train",
    "val": "validation",
    "valid": "validation",
    "validation": "validation",
    "test": "test",
    "testing": "test",
    "all": "all",
}

PathLike = str | os.PathLike


# --------------------------------------------------------------------------- output


def check_target(path: PathLike | None, ax: Axes | None) -> Path | None:
    """Check where a plot goes before any work is done.

    Parameters
    ----------
    path : str, os.PathLike or None
        File to write; its suffix chooses the format (``.png`` or ``.svg``).
    ax : matplotlib.axes.Axes or None
        Axes to draw on instead of a new figure.

    Returns
    -------
    Path or None
        ``path`` as a :class:`pathlib.Path`, or None when only ``ax`` was given.
    """
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}.")
    if path is None:
        if ax is None:
            raise ValueError("path is required when no ax is given; got path=None.")
        return None
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}.")
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"path must end in one of {', '.join(FORMATS)}; got {str(path)!r}.")
    return path


def new_figure(figsize: tuple[float, float]) -> Figure:
    """A figure with an Agg canvas and constrained layout (labels never overlap)."""
    fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def axes_for(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """The axes to draw on: ``ax`` itself, or the single axes of a new figure."""
    return ax if ax is not None else new_figure(figsize).add_subplot()


def finish(ax: Axes, path: Path | None, title: str | None = None) -> Path | Axes:
    """Give ``ax`` its ``title`` (if any), save the figure holding it to ``path`` if given;
    return the path or ``ax``."""
    if title is not None:
        ax.set_title(title)
    if path is None:
        use_cjk_font(ax.figure)  # for the labels drawn so far: the caller may save it as it is
        return ax
    return save_figure(ax.figure, path)


# --------------------------------------------------------------------------- Chinese text

#: CJK fonts looked for, in this order, when a plot's text holds Chinese (or Japanese, Korean)
#: characters: Linux (Noto, Source Han, WenQuanYi), Windows (Microsoft YaHei, SimHei), macOS.
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Hiragino Sans GB",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Source Han Sans",
    "Arial Unicode MS",
    "Droid Sans Fallback",
)
#: the one line printed when a plot has CJK text and the machine has none of CJK_FONTS
CJK_HINT = (
    "bpnn: no Chinese font found, so Chinese text in plots shows as boxes; install one "
    "(Debian/Ubuntu: apt-get install fonts-noto-cjk; Fedora: dnf install google-noto-sans-cjk-fonts) "
    "and run again"
)
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_CJK_FILES = re.compile(r"cjk|sourcehan|wqy|simhei|msyh|pingfang|hiragino|droidsansfallback", re.I)
_hinted = False


def installed_font_names() -> set[str]:
    """The family names of the fonts matplotlib knows."""
    from matplotlib import font_manager

    return {entry.name for entry in font_manager.fontManager.ttflist}


@functools.cache
def cjk_font() -> str | None:
    """The first of :data:`CJK_FONTS` this machine has, or None.

    matplotlib lists the system's fonts once and keeps the list in its cache, so a font
    installed later is not in it: then the system's CJK font files are added and looked up again.
    """
    for attempt in range(2):
        names = installed_font_names()
        for name in CJK_FONTS:
            if name in names:
                return name
        if attempt == 0:
            from matplotlib import font_manager

            for path in font_manager.findSystemFonts():
                if _CJK_FILES.search(os.path.basename(path)):
                    try:
                        font_manager.fontManager.addfont(path)
                    except (OSError, RuntimeError, ValueError):
                        continue
    return None


def use_cjk_font(fig: Figure) -> None:
    """Draw every text of ``fig`` that holds CJK characters with a CJK font as fallback.

    Latin letters keep the usual font (matplotlib falls back glyph by glyph to the next
    family in the list). Without any CJK font on the machine, :data:`CJK_HINT` is printed to
    standard error, once per process, instead of matplotlib's warning for every character.
    """
    global _hinted
    texts = [text for text in fig.findobj(Text) if _CJK.search(text.get_text())]
    if not texts:
        return
    font = cjk_font()
    if font is None:
        if not _hinted:
            _hinted = True
            print(CJK_HINT, file=sys.stderr)
        return
    for text in texts:
        families = [f for f in text.get_fontfamily() if f != font]
        text.set_fontfamily([*families, font])


def write_figure(fig: Figure, handle: Any, fmt: str) -> None:
    """Write ``fig`` to an open file in format ``fmt`` (``"png"`` or ``"svg"``), its CJK text
    in a CJK font (:func:`use_cjk_font`)."""
    use_cjk_font(fig)
    # No creation date: rerunning a script should not change the file for that alone.
    metadata = {"Date": None} if fmt == "svg" else None
    with warnings.catch_warnings():
        # without a CJK font, use_cjk_font has said so once: not one warning per character
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from (current )?font")
        fig.savefig(handle, format=fmt, dpi=DPI, metadata=metadata)


def save_figure(fig: Figure, path: Path) -> Path:
    """Write ``fig`` to ``path`` atomically and return ``path``.

    The image is written to a hidden temporary file in the same folder and then
    moved over ``path`` with :func:`os.replace`, so a reader never sees half a
    file and an interrupted run leaves the old plot in place. Missing parent
    folders are created.
    """
    fmt = FORMATS[path.suffix.lower()]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        # "xb" creates the file with the user's umask, as a plain open() would.
        with open(tmp, "xb") as handle:
            write_figure(fig, handle, fmt)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


# --------------------------------------------------------------------------- docstrings

_DOC_PATH = """path : str or os.PathLike, optional
        File to write (``.png`` or ``.svg``). Required unless ``ax`` is given."""
_DOC_PATH_REQUIRED = """path : str or os.PathLike
        File to write (``.png`` or ``.svg``)."""
_DOC_AX_AND_RETURNS = """ax : matplotlib.axes.Axes, optional
        Draw on these axes instead of a new {size} inch figure.

    Returns
    -------
    pathlib.Path or matplotlib.axes.Axes
        ``path`` when it was given, otherwise ``ax``."""
_AX_TOKEN = re.compile(r"\{ax and returns, ([0-9.]+ x [0-9.]+)\}")
_TITLE_TOKEN = re.compile(r'\{(axes|figure) title, "([^"]*)"\}')


def documented(function):
    """Fill in the parameters every plot documents the same way.

    In a plot's docstring ``{path}`` (optional when ``ax`` is given) and ``{path, required}``
    become the ``path`` entry, and ``{ax and returns, W x H}`` the ``ax`` entry for a W x H
    inch figure followed by the Returns section of a plot that takes ``ax``; ``{axes title, "T"}``
    and ``{figure title, "T"}`` the ``title`` entry with default ``"T"``.
    """
    doc = function.__doc__ or ""
    doc = doc.replace("{path}", _DOC_PATH).replace("{path, required}", _DOC_PATH_REQUIRED)
    doc = _TITLE_TOKEN.sub(
        lambda m: f'title : str, default="{m.group(2)}"\n        {m.group(1).capitalize()} title.', doc
    )
    function.__doc__ = _AX_TOKEN.sub(lambda m: _DOC_AX_AND_RETURNS.format(size=m.group(1)), doc)
    return function


# --------------------------------------------------------------------------- inputs


def describe(value: Any) -> str:
    """A short description of a received value for error messages."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"an array of shape {tuple(shape)}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"{type(value).__name__} {value!r}"[:80]


def as_float_array(value: Any, name: str, ndims: Sequence[int], *, finite: bool = True) -> np.ndarray:
    """``value`` as a non-empty float array with one of the allowed ``ndims``.

    Raises
    ------
    ValueError
        If the conversion fails, the number of dimensions is not allowed, the
        array is empty, or (when ``finite``) it holds NaN or infinity.
    """
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric; got {describe(value)} ({error}).") from None
    if array.ndim not in ndims:
        wanted = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(f"{name} must be a {wanted} array; got {describe(array)}.")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got {describe(array)}.")
    if finite and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold only finite numbers; it contains NaN or infinity.")
    return array


def as_labels(value: Any, name: str) -> np.ndarray:
    """Class labels as a non-empty 1-D array.

    Accepts labels of shape (n,) or (n, 1), or one-hot rows of shape (n, k),
    which are turned into the column index of each row's largest entry.
    """
    array = np.asarray(value)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    elif array.ndim == 2:
        array = array.argmax(axis=1)
    if array.ndim != 1:
        raise ValueError(f"{name} must be labels of shape (n,) or one-hot rows of shape (n, k); got {describe(array)}.")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got {describe(array)}.")
    return array


def check_same_length(first: tuple[str, Any], *others: tuple[str, Any]) -> None:
    """Raise ValueError unless every named array has as many rows as the first."""
    name, array = first
    for other_name, other in others:
        if len(other) != len(array):
            raise ValueError(
                f"{name} and {other_name} must have the same number of samples; "
                f"got {len(array)} in {name} and {len(other)} in {other_name}."
            )


def check_mapping(value: Any, name: str) -> Mapping:
    """``value`` if it is a non-empty mapping, else TypeError/ValueError naming ``name``."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{name} must be a dict-like mapping; got {type(value).__name__}.")
    if len(value) == 0:
        raise ValueError(f"{name} must not be empty; got an empty {type(value).__name__}.")
    return value


def positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """``value`` if it is an int of at least ``minimum``, else an error naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int; got {type(value).__name__} {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}.")
    return int(value)


# --------------------------------------------------------------------------- style


def split_name(key: str) -> str:
    """The canonical split for a name: ``"val"`` -> ``"validation"``, unknown names unchanged."""
    return _SPLIT_ALIASES.get(key.lower(), key)


def split_color(key: str, fallback_index: int = 0) -> str:
    """The fixed colour of a known split, or a colour from matplotlib's cycle."""
    return SPLIT_COLORS.get(split_name(key), f"C{(fallback_index + 4) % 10}")


def class_colors(n_classes: int) -> list:
    """One colour per class: red/blue for two classes (the ends of the probability
    colour map), a qualitative palette otherwise."""
    from matplotlib import colormaps

    if n_classes <= 2:
        cmap = colormaps["RdBu"]
        return [cmap(0.1), cmap(0.9)][:n_classes]
    cmap = colormaps["tab10" if n_classes <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n_classes)]
