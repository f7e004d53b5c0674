"""Dates and times in table cells: which format a column is written in, and its calendar parts.

A network cannot use ``2007-11-11`` as it is, and one-hot encoding it gives one input per
day. :func:`date_format` finds the one format every present cell of a text column is
written in (or None: the column is not dates), and :func:`calendar_parts` turns the cells
into numbers a network can use: ``year``, ``month`` (1-12), ``day`` (1-31), ``weekday``
(0 = Monday ... 6 = Sunday) and, when some cell has a time of day, ``hour`` (0-23).

The formats tried, in order (the first that reads every present cell wins):

* ISO 8601: ``2007-11-11``, ``2007-11-11 14:30``, ``2007-11-11T14:30:05`` (also the
  text that Excel date cells and Parquet timestamps are read as, so a date column is
  treated alike in every file format);
* ``2007/11/11``; ``11/28/2007`` (month first) before ``28/11/2007`` (day first): a
  column whose every cell reads both ways (no day above 12) is read month first, as
  pandas does; ``28.11.2007``; ``28-Nov-2007``, ``28 Nov 2007``, ``Nov 28, 2007``;
  each optionally followed by ``HH:MM`` or ``HH:MM:SS``.

The format found in training is stored in the model, and prediction reads the cells with
it: a cell written otherwise is an error naming it, never a silent guess.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["DATE_FORMATS", "ISO", "date_format", "calendar_parts", "parse_dates", "PARTS"]

#: The stored name of the ISO 8601 format (date, optionally a time after a space or a T).
ISO = "ISO8601"
_ISO_PATTERN = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
_DATES = ("%Y/%m/%d", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%d-%b-%Y", "%d %b %Y", "%b %d, %Y")
_TIMES = ("", " %H:%M", " %H:%M:%S")
#: Every format :func:`date_format` tries, in order.
DATE_FORMATS = (ISO,) + tuple(d + t for d in _DATES for t in _TIMES)
#: The calendar parts a date column can give, in the order of the network's inputs.
PARTS = ("year", "month", "day", "weekday", "hour")
#: How many present cells the format is first tried on, before all of them.
_SAMPLE = 200


def parse_dates(text: np.ndarray, fmt: str):
    """The cells of ``text`` (str, or None where missing) as a pandas datetime Series, NaT where
    a cell is missing or not written in ``fmt``."""
    import pandas as pd

    series = pd.Series(text, dtype=object)
    if fmt == ISO:
        ok = series.map(lambda v: isinstance(v, str) and bool(_ISO_PATTERN.match(v.strip())))
        series = series.where(ok, None)
    with np.errstate(all="ignore"):
        return pd.to_datetime(series, format=fmt, errors="coerce")


def date_format(text: np.ndarray) -> str | None:
    """The first of :data:`DATE_FORMATS` in which every present cell of ``text`` is a date, or None.

    Parameters
    ----------
    text : ndarray of object
        The column's cells: str, None where missing.
    """
    present = np.array([v.strip() for v in text if isinstance(v, str) and v.strip()], dtype=object)
    if present.size == 0 or not any(ch.isdigit() for ch in present[0]):
        return None
    for fmt in DATE_FORMATS:
        if parse_dates(present[:_SAMPLE], fmt).isna().any():
            continue
        if parse_dates(present, fmt).notna().all():
            return fmt
    return None


def has_time(text: np.ndarray, fmt: str) -> bool:
    """Whether some cell has a time of day other than midnight (the ``hour`` part is then kept)."""
    stamps = parse_dates(text, fmt).dropna()
    return bool(((stamps.dt.hour != 0) | (stamps.dt.minute != 0) | (stamps.dt.second != 0)).any())


def calendar_parts(text: np.ndarray, fmt: str, parts) -> tuple[np.ndarray, np.ndarray]:
    """The calendar ``parts`` of every cell, and which present cells are not written in ``fmt``.

    Returns
    -------
    values : ndarray of shape (n_cells, len(parts))
        float64, NaN where a cell is missing or unreadable.
    unreadable : ndarray of bool, shape (n_cells,)
        Present cells that ``fmt`` does not read.
    """
    stamps = parse_dates(text, fmt)
    present = np.array([isinstance(v, str) and bool(v.strip()) for v in text], dtype=bool)
    unreadable = present & stamps.isna().to_numpy()
    getters = {
        "year": lambda s: s.dt.year,
        "month": lambda s: s.dt.month,
        "day": lambda s: s.dt.day,
        "weekday": lambda s: s.dt.day_of_week,
        "hour": lambda s: s.dt.hour,
    }
    out = np.full((len(text), len(parts)), np.nan)
    for j, part in enumerate(parts):
        out[:, j] = getters[part](stamps).to_numpy(dtype=np.float64, na_value=np.nan)
    return out, unreadable
