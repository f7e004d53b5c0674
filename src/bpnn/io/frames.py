"""Tables with text, true/false and missing cells, from ``.csv``, ``.tsv``, ``.xlsx`` and ``.parquet`` files.

:func:`read_frame` is what ``bpnn train`` and ``bpnn predict`` read a table with. It
chooses the reader by the file's extension:

* ``.csv`` and ``.tsv`` (and any other extension): Python's :mod:`csv` tokenizer through
  :func:`bpnn.io.csvdata.read_csv_cells`, which knows the line of every row and so keeps
  the precise messages of :func:`~bpnn.io.read_csv` (file, line, column, value). pandas'
  own CSV parser pads short rows with empty cells and does not report physical line
  numbers, which is why it is not used for the tokenizing; pandas types the columns.
* ``.xlsx`` and ``.xlsm``: :func:`pandas.read_excel` (needs ``openpyxl``, the ``excel``
  extra), the first sheet or ``sheet``; rows are named by their row number in the sheet.
* ``.parquet``: :func:`pandas.read_parquet` (needs ``pyarrow``, the ``parquet`` extra);
  rows are named by their 1-based position.

Every column becomes one of three kinds: ``"number"`` (float64, NaN where missing),
``"text"`` (str, None where missing) or ``"bool"`` (True/False, None where missing).
A column that mixes numbers and text is an error naming the first cell that is not
a number, as :func:`~bpnn.io.read_csv` reports it. Missing cells are kept (as NaN or
None) and :meth:`Frame.missing` finds them: whether they are an error, dropped or
imputed is the caller's choice.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from bpnn.io.csvdata import MISSING_MARKERS, DataError, Table, _check_column_names, _parse_cell, _shorten

__all__ = ["Frame", "read_frame", "FORMATS"]

#: Extension -> (format name, the pip extra that brings its reader, the module it needs).
FORMATS = {
    ".csv": ("csv", None, None),
    ".tsv": ("tsv", None, None),
    ".xlsx": ("excel", "excel", "openpyxl"),
    ".xlsm": ("excel", "excel", "openpyxl"),
    ".parquet": ("parquet", "parquet", "pyarrow"),
}
KINDS = ("number", "text", "bool")


@dataclass
class Frame:
    """A table whose columns may hold numbers, text or true/false, with missing cells.

    Parameters
    ----------
    columns : list of str
        Column names in file order.
    values : dict of str to ndarray
        One 1-D array per column: float64 (NaN where missing) for ``"number"`` columns,
        object arrays of str or of bool (None where missing) for ``"text"`` and ``"bool"``.
    kinds : dict of str to str
        ``"number"``, ``"text"`` or ``"bool"`` per column.
    source : str or None, default=None
        The file name, for messages.
    rows : ndarray of int, optional
        Per row, the number messages use: the line in a CSV file, the row in a sheet,
        the 1-based position otherwise (see ``row_style``).
    row_style : {"line", "row"}, default="row"
    dropped : list of str, default=[]
        Where the rows removed by :meth:`drop_rows` were (``"line 7"``, ``"row 3"``).
    positions : ndarray of int, optional
        The 1-based data row of each row in the file (kept when rows are dropped).
    marks : dict of str to ndarray, optional
        Per column, the text of each missing cell that was not empty (``"NA"``,
        ``"null"``, ...) and None elsewhere, so that messages show what the file holds.
    """

    columns: list[str]
    values: dict[str, np.ndarray]
    kinds: dict[str, str]
    source: str | None = None
    rows: np.ndarray | None = None
    row_style: str = "row"
    dropped: list[str] = field(default_factory=list)
    positions: np.ndarray | None = None
    marks: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.columns = list(self.columns)
        _check_column_names(self.columns, where="columns")
        lengths = {len(self.values[c]) for c in self.columns}
        if len(lengths) > 1:
            raise ValueError(f"every column must have the same length; got lengths {sorted(lengths)}")
        n = lengths.pop() if lengths else 0
        if self.rows is None:
            self.rows = np.arange(1, n + 1)
        if self.positions is None:
            self.positions = np.arange(1, n + 1)
        bad = [c for c in self.columns if self.kinds.get(c) not in KINDS]
        if bad:
            raise ValueError(f"kinds must give one of {KINDS} for every column; missing or unknown for {bad}")

    def __len__(self) -> int:
        return len(self.rows)  # type: ignore[arg-type]

    @property
    def n_dropped(self) -> int:
        return len(self.dropped)

    def where(self, i: int) -> str:
        """Where row ``i`` (0-based) is in the file: ``"line 3 (data row 2)"`` or ``"row 5"``."""
        number = int(self.rows[i])  # type: ignore[index]
        if self.row_style == "line":
            return f"line {number} (data row {int(self.positions[i])})"  # type: ignore[index]
        return f"row {number}"

    def check_columns(self, names) -> None:
        """Raise the :class:`~bpnn.io.DataError` of :meth:`Table.select` (close matches and all)
        when a name is not a column."""
        Table(self.columns, np.empty((0, len(self.columns))), source=self.source)._indices(list(names))

    def missing(self, column: str) -> np.ndarray:
        """Boolean mask of the missing cells of ``column``."""
        values = self.values[column]
        if self.kinds[column] == "number":
            return np.isnan(values)
        return np.array([v is None for v in values], dtype=bool)

    def missing_message(self, column: str, i: int) -> str:
        """``"<file>, line 3 (data row 2): column 'a' is empty, a missing value"``."""
        mark = self.marks[column][i] if column in self.marks else None
        shown = f"holds {mark!r}" if mark else "is empty"
        return f"{self._prefix()}{self.where(i)}: column {column!r} {shown}, a missing value"

    def _prefix(self) -> str:
        return f"{self.source}, " if self.source else ""

    def take(self, keep: np.ndarray) -> Frame:
        """A new frame with the rows ``keep`` (an index array or boolean mask)."""
        keep = np.flatnonzero(keep) if np.asarray(keep).dtype == bool else np.asarray(keep)
        return Frame(
            list(self.columns),
            {c: v[keep] for c, v in self.values.items()},
            dict(self.kinds),
            self.source,
            self.rows[keep],  # type: ignore[index]
            self.row_style,
            list(self.dropped),
            self.positions[keep],  # type: ignore[index]
            {c: m[keep] for c, m in self.marks.items()},
        )

    def drop_rows(self, mask: np.ndarray) -> Frame:
        """Drop the rows where ``mask`` is True, remembering where they were."""
        gone = [f"{self.row_style} {int(self.rows[i])}" for i in np.flatnonzero(mask)]  # type: ignore[index]
        out = self.take(~np.asarray(mask, dtype=bool))
        out.dropped = self.dropped + gone
        return out


# --------------------------------------------------------------------------- #
# Reading


def read_frame(path, *, sep: str | None = None, sheet: str | int | None = None) -> Frame:
    """Read a table file into a :class:`Frame`, choosing the reader by its extension.

    Parameters
    ----------
    path : str or path-like
        ``.csv`` (or any other name: read as CSV), ``.tsv``, ``.xlsx``/``.xlsm`` or ``.parquet``.
    sep : str or None, default=None
        Field separator of a CSV file; None: a tab for ``.tsv``, else ``","``.
    sheet : str or int or None, default=None
        The sheet of an Excel file, by name or 0-based position; None: the first.

    Returns
    -------
    Frame

    Raises
    ------
    DataError
        For anything wrong with the file, in one line naming the file and, where it
        applies, the line or row, the column and the value; also when the reader of the
        format is not installed (the message names the pip extra).
    """
    name = os.fspath(path)
    ext = os.path.splitext(name)[1].lower()
    fmt, extra, module = FORMATS.get(ext, ("csv", None, None))
    if sheet is not None and fmt != "excel":
        raise ValueError(f"--sheet is only for Excel files (.xlsx); {name} is read as {fmt}")
    if fmt in ("csv", "tsv"):
        return _read_csv_frame(name, ("\t" if fmt == "tsv" else ",") if sep is None else sep)
    if sep is not None and sep != ",":
        raise ValueError(f"--sep is only for CSV and TSV files; {name} is read as {fmt}")
    if not os.path.exists(name):
        raise DataError(f"{name}: no such file")
    if os.path.isdir(name):
        raise DataError(f"{name} is a directory, not a {fmt} file")
    try:
        __import__(module)
    except ImportError:
        raise DataError(
            f"reading {ext} files needs the {module} package (bpnn's '{extra}' extra); "
            f"install it with: pip install {module}"
        ) from None
    import pandas as pd

    try:
        if fmt == "excel":
            df = _read_sheet(pd, name, sheet)
        else:
            df = pd.read_parquet(name)
    except DataError:
        raise
    except Exception as exc:  # a damaged file: zip, XML or Arrow errors of every kind
        raise DataError(f"{name} cannot be read as {fmt}: {type(exc).__name__}: {' '.join(str(exc).split())}") from None
    return _frame_from_pandas(df, name, fmt)


def _read_sheet(pd, name: str, sheet: str | int | None):
    """One sheet of a workbook as a DataFrame; the workbook is closed whatever happens."""
    with pd.ExcelFile(name, engine="openpyxl") as book:
        names = book.sheet_names
        if isinstance(sheet, str) and sheet not in names:
            raise DataError(f"{name} has no sheet {sheet!r}; its sheets are {', '.join(map(repr, names))}")
        if isinstance(sheet, int) and not 0 <= sheet < len(names):
            raise DataError(f"{name} has {len(names)} sheets; sheet {sheet} does not exist")
        return pd.read_excel(book, sheet_name=0 if sheet is None else sheet)


def _read_csv_frame(name: str, sep: str) -> Frame:
    from bpnn.io.csvdata import read_csv_cells

    header, rows, lines = read_csv_cells(name, sep=sep)
    cells = np.array(rows, dtype=object)
    frame_rows = np.asarray(lines)
    values, kinds, marks = {}, {}, {}
    for j, column in enumerate(header):
        values[column], kinds[column] = _type_text_column(cells[:, j], column, name, frame_rows)
        stripped = np.array([c.strip() for c in cells[:, j]], dtype=object)
        marked = np.array([bool(c) and c.lower() in MISSING_MARKERS for c in stripped])
        if marked.any():
            marks[column] = np.where(marked, stripped, None)
    return Frame(header, values, kinds, name, frame_rows, "line", marks=marks)


def _type_text_column(cells: np.ndarray, column: str, name: str, lines: np.ndarray) -> tuple[np.ndarray, str]:
    """A column of CSV cells as numbers (if every present cell is one) or text."""
    import pandas as pd

    stripped = pd.Series(cells, dtype=object).str.strip()
    missing = stripped.str.lower().isin(MISSING_MARKERS).to_numpy()
    present = stripped[~missing].to_numpy(dtype=str)
    try:
        # NumPy's cast parses exactly as float() does, so values read back bit for bit.
        numbers = present.astype(np.float64)
    except ValueError:
        numbers = None
    if numbers is not None:
        out = np.full(len(cells), np.nan)
        out[~missing] = numbers
        if np.isinf(numbers).any():
            i = int(np.flatnonzero(~missing)[np.flatnonzero(np.isinf(numbers))[0]])
            raise DataError(
                f"{name}, line {lines[i]} (data row {i + 1}): column {column!r} holds "
                f"{_shorten(cells[i])!r}, which is infinite; only finite numbers can be used"
            )
        return out, "number"
    parsed = pd.to_numeric(pd.Series(present, dtype=object), errors="coerce").to_numpy()
    if np.isnan(parsed.astype(np.float64)).all():
        text = np.empty(len(cells), dtype=object)
        text[~missing] = present
        return text, "text"
    # Numbers and text in one column: most likely a typing slip; say which cell.
    first_text = int(np.flatnonzero(~missing)[np.flatnonzero(np.isnan(parsed.astype(np.float64)))[0]])
    _parse_cell(cells[first_text], name, column, int(lines[first_text]), first_text + 1)
    raise AssertionError("unreachable: _parse_cell raises for text")  # pragma: no cover


def _frame_from_pandas(df, name: str, fmt: str) -> Frame:
    columns = [str(c).strip() for c in df.columns]
    if fmt == "excel":
        # pandas names header cells it found empty "Unnamed: 3"
        for j, c in enumerate(columns, start=1):
            if c.startswith("Unnamed: "):
                raise DataError(f"{name}, row 1: column {j} has an empty name")
    try:
        _check_column_names(columns, where=f"{name}, {'row 1' if fmt == 'excel' else 'header'}")
    except ValueError as exc:
        raise DataError(str(exc)) from None
    if len(df) == 0:
        raise DataError(f"{name} has a header {'row' if fmt == 'excel' else ''} but no data rows".replace("  ", " "))
    # Excel: the header is row 1, so data row i is sheet row i + 2.
    rows = np.arange(len(df)) + (2 if fmt == "excel" else 1)
    values, kinds = {}, {}
    for column, original in zip(columns, df.columns):
        values[column], kinds[column] = _type_pandas_column(df[original], column, name, rows)
    return Frame(columns, values, kinds, name, rows, "row")


def _type_pandas_column(series, column: str, name: str, rows: np.ndarray) -> tuple[np.ndarray, str]:
    from pandas.api import types

    if types.is_bool_dtype(series.dtype):
        return _object(series.to_numpy(dtype=object), series.isna().to_numpy()), "bool"
    if types.is_numeric_dtype(series.dtype):
        out = series.to_numpy(dtype=np.float64, na_value=np.nan)
        _check_finite(out, column, name, rows)
        return out, "number"
    if types.is_datetime64_any_dtype(series.dtype):
        # as ISO 8601 text, the way a CSV file writes them: the table schema then treats
        # dates alike whatever the file format (bpnn.io.dates)
        stamps = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
        timed = bool((stamps.dropna() != stamps.dropna().dt.normalize()).any())
        text = stamps.dt.strftime("%Y-%m-%d %H:%M:%S" if timed else "%Y-%m-%d")
        return _object(text.to_numpy(dtype=object), series.isna().to_numpy()), "text"
    values = series.to_numpy(dtype=object)
    missing = series.isna().to_numpy()
    for i, v in enumerate(values):
        if isinstance(v, str) and v.strip().lower() in MISSING_MARKERS:
            missing[i] = True
    present = [v for v, m in zip(values, missing) if not m]
    if all(isinstance(v, (bool, np.bool_)) for v in present):
        return _object(values, missing), "bool"
    if all(isinstance(v, str) for v in present):
        return _object(
            np.array([v.strip() if isinstance(v, str) else v for v in values], dtype=object), missing
        ), "text"
    # Numbers, perhaps some stored as text (Excel does that): all must read as numbers.
    out = np.full(len(values), np.nan)
    for i, (v, m) in enumerate(zip(values, missing)):
        if m:
            continue
        try:
            if isinstance(v, (bool, np.bool_)):
                raise TypeError
            out[i] = float(v.strip() if isinstance(v, str) else v)
        except (TypeError, ValueError):
            shown = _shorten(str(v))
            raise DataError(
                f"{name}, row {rows[i]}: column {column!r} holds {shown!r}, which is not a number "
                "(the column's other cells are numbers)"
            ) from None
    _check_finite(out, column, name, rows)
    return out, "number"


def _object(values: np.ndarray, missing: np.ndarray) -> np.ndarray:
    out = np.array(values, dtype=object)
    out[np.asarray(missing, dtype=bool)] = None
    if out.size and not np.asarray(missing).all():
        # numpy bools to Python bools, so labels compare and print alike
        out = np.array(
            [None if v is None else (bool(v) if isinstance(v, (bool, np.bool_)) else v) for v in out], dtype=object
        )
    return out


def _check_finite(values: np.ndarray, column: str, name: str, rows: np.ndarray) -> None:
    bad = np.isinf(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            f"{name}, row {rows[i]}: column {column!r} holds {values[i]!r}, which is infinite; "
            "only finite numbers can be used"
        )
