"""A series from a table: the target column, other input columns, and the time column checked.

The table is read by :func:`bpnn.io.read_frame`, as ``bpnn train`` reads it (``.csv``,
``.tsv``, ``.xlsx``, ``.parquet``). The time column, when there is one, must increase by a
regular step: duplicated or out-of-order times are errors, and so are gaps and empty target
cells unless ``fill`` says how to fill them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bpnn.io.frames import Frame, read_frame

__all__ = ["Series", "read_series", "series_from_arrays", "FILLS"]

#: How gaps in the time column and empty cells are filled.
FILLS = ("interpolate", "previous")


@dataclass
class Series:
    """The target, the exogenous columns and the times of one regular series."""

    y: np.ndarray
    exog: np.ndarray | None = None
    target: str = "y"
    exog_names: list[str] = field(default_factory=list)
    times: list | None = None
    time: dict = field(default_factory=lambda: {"column": None, "kind": "index", "last": -1, "step": 1})
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.y)


def series_from_arrays(y, exog=None, *, target: str = "y", exog_names=None) -> Series:
    """A :class:`Series` from arrays (rows in time order, equally spaced)."""
    values = np.asarray(y, dtype=np.float64)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(f"y must be a 1-D series; got an array of shape {values.shape}")
    if not np.isfinite(values).all():
        raise ValueError(f"y must hold finite numbers; value {int(np.flatnonzero(~np.isfinite(values))[0])} is not")
    e = None
    if exog is not None:
        e = np.asarray(exog, dtype=np.float64)
        e = e.reshape(-1, 1) if e.ndim == 1 else e
        if e.shape[0] != len(values) or not np.isfinite(e).all():
            raise ValueError(f"exog must have {len(values)} rows of finite numbers; got shape {e.shape}")
    names = list(exog_names) if exog_names is not None else [f"x{j}" for j in range(0 if e is None else e.shape[1])]
    last = len(values) - 1
    return Series(values, e, target, names, None, {"column": None, "kind": "index", "last": last, "step": 1})


def read_series(
    path, target: str | None = None, *, time: str | None = None, exog=(), fill: str | None = None, sheet=None
) -> Series:
    """Read the series ``target`` (and the columns ``exog``) from a table file.

    Parameters
    ----------
    path : str or path-like
    target : str or None
        The column to forecast; may be omitted when the table has one column (besides ``time``).
    time : str or None
        The time column: numbers or dates, increasing by a regular step.
    exog : sequence of str
        Other columns whose lagged values are inputs.
    fill : {"interpolate", "previous"} or None
        How to fill gaps in the time column and empty cells; None: they are errors.
    """
    frame = read_frame(path, sheet=sheet)
    return series_from_frame(frame, target, time=time, exog=exog, fill=fill)


def series_from_frame(frame: Frame, target: str | None, *, time=None, exog=(), fill=None) -> Series:
    """:func:`read_series` for a frame already read."""
    name = frame.source or "the table"
    if fill is not None and fill not in FILLS:
        raise ValueError(f"fill must be one of {', '.join(FILLS)}; got {fill!r}")
    if target is None:
        others = [c for c in frame.columns if c != time]
        if len(others) != 1:
            raise ValueError(
                f"{name} has {len(others)} columns besides the time; name the one to forecast with --target"
            )
        target = others[0]
    exog = list(exog)
    frame.check_columns([target, *exog] + ([time] if time else []))
    for column in [target, *exog]:
        if frame.kinds[column] != "number":
            i = next(i for i, v in enumerate(frame.values[column]) if v is not None)
            raise ValueError(
                f"{name}, {frame.where(i)}: column {column!r} holds {frame.values[column][i]!r}; "
                "a series to forecast (and every --exog column) must hold numbers"
            )
    if len(frame) == 0:
        raise ValueError(f"{name} has no rows")
    values = np.column_stack([frame.values[c] for c in [target, *exog]])
    info = {"column": time, "kind": "index", "last": len(frame) - 1, "step": 1}
    notes: list[str] = []
    times = None
    if time is not None:
        stamps, info = _check_times(frame, time, name)
        grid = _regular_grid(stamps, info)
        if len(grid) != len(stamps):
            position = np.searchsorted(grid, stamps)
            missing_at = int(np.flatnonzero(np.diff(position) > 1)[0])
            if fill is None:
                raise ValueError(
                    f"{name}: the time column {time!r} has a gap after {frame.where(missing_at)} "
                    f"({_show(stamps[missing_at], info)} to {_show(stamps[missing_at + 1], info)}, step "
                    f"{info['step']}); fill it with --fill interpolate or --fill previous"
                )
            full = np.full((len(grid), values.shape[1]), np.nan)
            full[position] = values
            notes.append(f"{len(grid) - len(stamps)} missing time step(s) filled ({fill})")
            values, stamps = full, grid
        times = [_show(s, info) for s in stamps]
        info["last"] = times[-1] if info["kind"] == "datetime" else float(stamps[-1])
    empty = np.isnan(values)
    if empty.any() and not notes:
        row, col = np.argwhere(empty)[0]
        if fill is None:
            raise ValueError(f"{frame.missing_message([target, *exog][col], int(row))}; fill it with --fill")
    if empty.any():
        before = int(empty.sum())
        values = _fill(values, fill)
        if np.isnan(values).any():
            raise ValueError(f"{name}: the first value of a column is missing; {fill} filling cannot invent it")
        if not notes:
            notes.append(f"{before} empty cell(s) filled ({fill})")
    return Series(values[:, 0], values[:, 1:] if exog else None, target, exog, times, info, notes)


def _check_times(frame: Frame, column: str, name: str):
    raw = frame.values[column]
    if frame.missing(column).any():
        raise ValueError(frame.missing_message(column, int(np.flatnonzero(frame.missing(column))[0])))
    if frame.kinds[column] == "number":
        stamps = raw.astype(np.float64)
        kind = "number"
    else:
        import pandas as pd

        try:
            stamps = pd.to_datetime(pd.Series(list(raw), dtype=object), format="mixed").to_numpy("datetime64[ns]")
        except (ValueError, TypeError):
            raise ValueError(
                f"{name}: the time column {column!r} holds values that are neither numbers nor dates"
            ) from None
        kind = "datetime"
    if len(stamps) < 2:
        raise ValueError(f"{name} has {len(stamps)} row; a series needs more")
    d = np.diff(stamps)
    zero = np.zeros((), dtype=d.dtype)
    if (d == zero).any():
        i = int(np.flatnonzero(d == zero)[0])
        raise ValueError(
            f"{name}: the time {_show(stamps[i], {'kind': kind})} appears twice, at {frame.where(i)} and "
            f"{frame.where(i + 1)} in column {column!r}; keep one row per time"
        )
    if (d < zero).any():
        i = int(np.flatnonzero(d < zero)[0])
        raise ValueError(
            f"{name}: the time column {column!r} is not sorted: {frame.where(i + 1)} "
            f"({_show(stamps[i + 1], {'kind': kind})}) comes after {_show(stamps[i], {'kind': kind})}; "
            "sort the rows by time"
        )
    return stamps, {"column": column, "kind": kind, "last": None, "step": _step(stamps, kind)}


def _step(stamps: np.ndarray, kind: str):
    """The regular step: the smallest spacing of numbers, or a pandas frequency for dates."""
    if kind == "number":
        step = float(np.min(np.diff(stamps)))
        return int(step) if step.is_integer() else step
    import pandas as pd

    index = pd.DatetimeIndex(stamps)
    freq = _infer_freq(pd, index) if len(index) >= 3 else None
    if freq is None:
        # a gap hides the frequency of the whole: take the most common one of short stretches
        found = [_infer_freq(pd, index[i : i + 4]) for i in range(0, max(1, len(index) - 3))]
        found = [f for f in found if f]
        first_step = pd.tseries.frequencies.to_offset(index[1] - index[0]).freqstr
        freq = max(set(found), key=found.count) if found else first_step
    return freq


def _infer_freq(pd, index) -> str | None:
    """pandas' inferred frequency as a string (``"MS"``, ``"D"``, ...), whatever pandas' version returns."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # newer pandas announce that an offset object will replace the string
        freq = pd.infer_freq(index)
    return None if freq is None else getattr(freq, "freqstr", freq)


def _regular_grid(stamps: np.ndarray, info: dict) -> np.ndarray:
    if info["kind"] == "number":
        step = info["step"]
        count = int(round((stamps[-1] - stamps[0]) / step)) + 1
        ratio = (stamps - stamps[0]) / step
        if not np.allclose(ratio, np.round(ratio)):
            raise ValueError(f"the time column {info['column']!r} is not on a regular step of {step}")
        grid = stamps[0] + step * np.arange(count)
        # the observed stamps themselves, so that matching them to the grid is exact
        grid[np.round(ratio).astype(np.int64)] = stamps
        return grid
    import pandas as pd

    grid = pd.date_range(pd.Timestamp(stamps[0]), pd.Timestamp(stamps[-1]), freq=info["step"]).to_numpy(
        "datetime64[ns]"
    )
    if not np.isin(stamps, grid).all():
        raise ValueError(f"the time column {info['column']!r} is not on a regular step ({info['step']})")
    return grid


def _fill(values: np.ndarray, how: str) -> np.ndarray:
    out = values.copy()
    index = np.arange(len(out))
    for j in range(out.shape[1]):
        known = ~np.isnan(out[:, j])
        if how == "interpolate":
            out[~known & (index > index[known][0]), j] = np.interp(
                index[~known & (index > index[known][0])], index[known], out[known, j]
            )
        else:
            last = np.maximum.accumulate(np.where(known, index, -1))
            out[:, j] = np.where(last >= 0, out[np.maximum(last, 0), j], np.nan)
    return out


def _show(stamp, info: dict) -> str:
    if info["kind"] == "datetime":
        import pandas as pd

        stamp = pd.Timestamp(stamp)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    value = float(stamp)
    return str(int(value)) if value.is_integer() else repr(value)
