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

import math
import os
from dataclasses import dataclass, field

import numpy as np

from bpnn.io.csvdata import (
    FAST_BLOCK_ROWS,
    MISSING_MARKERS,
    DataError,
    ReadOptions,
    Table,
    _check_column_names,
    _NotPlain,
    _parse_cell,
    _shorten,
    check_fields,
    count_lines,
    hinting_comments,
    number_hint,
    numeric_blocks,
    pandas_csv_options,
    read_csv_cells,
    read_csv_header,
    strict_fields,
)

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
    skipped : list of str, default=[]
        The file's columns left out by ``read_frame(columns=...)``, never typed.
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
    skipped: list[str] = field(default_factory=list)

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
            list(self.skipped),
        )

    def drop_rows(self, mask: np.ndarray) -> Frame:
        """Drop the rows where ``mask`` is True, remembering where they were."""
        gone = [f"{self.row_style} {int(self.rows[i])}" for i in np.flatnonzero(mask)]  # type: ignore[index]
        out = self.take(~np.asarray(mask, dtype=bool))
        out.dropped = self.dropped + gone
        return out


# --------------------------------------------------------------------------- #
# Reading


def read_frame(
    path,
    *,
    sep: str | None = None,
    sheet: str | int | None = None,
    columns=None,
    decimal: str = ".",
    thousands: str | None = None,
    encoding: str | None = None,
    comment: str | None = None,
    skiprows: int = 0,
) -> Frame:
    """Read a table file into a :class:`Frame`, choosing the reader by its extension.

    Parameters
    ----------
    path : str or path-like
        ``.csv`` (or any other name: read as CSV), ``.tsv``, ``.xlsx``/``.xlsm`` or ``.parquet``.
    sep : str or None, default=None
        Field separator of a CSV file; None: a tab for ``.tsv``, else ``","``.
    sheet : str or int or None, default=None
        The sheet of an Excel file, by name or 0-based position; None: the first.
    columns : list of str or None, default=None
        Read only these columns (those the file has; the others are listed in
        :attr:`Frame.skipped` and never typed, so a column nobody uses cannot fail).
    decimal, thousands, encoding, comment, skiprows
        How a CSV file writes its numbers and where its table starts, as in
        :class:`bpnn.io.csvdata.ReadOptions` (CSV and TSV files only).

    Returns
    -------
    Frame

    Raises
    ------
    DataError
        For anything wrong with the file, in one line naming the file and, where it
        applies, the line or row, the column and the value; also when the reader of the
        format is not installed (the message names the pip extra), and for a column whose
        cells are all numbers written with a decimal comma or thousands separators that
        the options do not declare (the message names the option to pass).
    """
    name = os.fspath(path)
    ext = os.path.splitext(name)[1].lower()
    fmt, extra, module = FORMATS.get(ext, ("csv", None, None))
    if sheet is not None and fmt != "excel":
        raise ValueError(f"--sheet is only for Excel files (.xlsx); {name} is read as {fmt}")
    written = ReadOptions(
        sep=("\t" if fmt == "tsv" else ",") if sep is None else sep,
        decimal=decimal,
        thousands=thousands,
        encoding=encoding,
        comment=comment,
        skiprows=skiprows,
    )
    if fmt in ("csv", "tsv"):
        return _read_csv_frame(name, written, columns)
    if sep is not None and sep != ",":
        raise ValueError(f"--sep is only for CSV and TSV files; {name} is read as {fmt}")
    used = [f"--{k}" for k in written.given() if k != "sep"]
    if used:
        verb = "is" if len(used) == 1 else "are"
        raise ValueError(f"{', '.join(used)} {verb} only for CSV and TSV files; {name} is read as {fmt}")
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
    return _frame_from_pandas(df, name, fmt, columns)


def _read_sheet(pd, name: str, sheet: str | int | None):
    """One sheet of a workbook as a DataFrame; the workbook is closed whatever happens."""
    with pd.ExcelFile(name, engine="openpyxl") as book:
        names = book.sheet_names
        if isinstance(sheet, str) and sheet not in names:
            raise DataError(f"{name} has no sheet {sheet!r}; its sheets are {', '.join(map(repr, names))}")
        if isinstance(sheet, int) and not 0 <= sheet < len(names):
            raise DataError(f"{name} has {len(names)} sheets; sheet {sheet} does not exist")
        return pd.read_excel(book, sheet_name=0 if sheet is None else sheet)


def _read_csv_frame(name: str, options: ReadOptions, columns=None) -> Frame:
    """A CSV file as a Frame: pandas' C parser reads it, Python's :mod:`csv` module finds
    the line of each row only when the file has blank or comment lines, quoted line breaks
    or a short row, and reads the file itself when pandas refuses it."""
    header, header_line = read_csv_header(name, options)
    with hinting_comments(header, options):
        return _read_csv_rows(name, options, columns, header, header_line)


def _read_csv_rows(name: str, options: ReadOptions, columns, header: list[str], header_line: int) -> Frame:
    keep = list(range(len(header))) if columns is None else [j for j, c in enumerate(header) if c in set(columns)]
    # The last column is read too: a short row leaves it empty (pandas pads short rows).
    read = sorted(set(keep) | {len(header) - 1})
    n_lines = count_lines(name)
    try:
        parsed = _numbers_by_column(name, options, header_line, len(header), read, n_lines)
    except _NotPlain:
        parsed = _typed_by_pandas(name, options, header_line, len(header), read)
    if parsed is None or not len(parsed[read[-1]]):
        return _frame_from_cells(name, options, header, keep)
    n = len(parsed[read[-1]])
    lines = np.arange(header_line + 1, header_line + 1 + n)
    if n_lines != header_line + n or not options.bytewise_lines:
        # Blank or comment lines or quoted line breaks: ask Python's reader where each row
        # is (it also refuses a short row, naming its line).
        _, rows, found = read_csv_cells(name, options=options)
        if len(found) != n:
            return _frame_from_cells(name, options, header, keep)
        lines = np.asarray(found)
    else:
        # pandas pads a short row with empty cells: the rows whose last cell is empty are
        # checked, those lines only
        check_fields(name, options, lines[_missing_cells(parsed[read[-1]])], len(header))
    values, kinds, marks = {}, {}, {}
    for j in keep:
        column = header[j]
        cells = parsed[j]
        if cells.dtype.kind == "f":
            _check_finite_cells(cells, column, name, lines, cells)
            values[column], kinds[column] = cells, "number"
        else:
            values[column], kinds[column], mark = _typed_text(cells, column, name, lines, options)
            if mark is not None:
                marks[column] = mark
    skipped = [c for j, c in enumerate(header) if j not in set(keep)]
    return Frame([header[j] for j in keep], values, kinds, name, lines, "line", marks=marks, skipped=skipped)


def _numbers_by_column(
    name, options, header_line: int, n_cols: int, read: list[int], n_lines: int
) -> dict[int, np.ndarray]:
    """The columns ``read`` of an all-number file, each a contiguous float64 array (NaN
    where empty), filled block by block so the peak memory stays near the data's size."""
    out = np.empty((len(read), max(0, n_lines - header_line)), dtype=np.float64)
    n = 0
    for block in numeric_blocks(name, options, header_line, n_cols, FAST_BLOCK_ROWS, np.dtype(np.float64), read):
        if n + len(block) > out.shape[1]:
            raise _NotPlain
        out[:, n : n + len(block)] = block.T
        n += len(block)
    return {j: out[k, :n] for k, j in enumerate(read)}


def _typed_by_pandas(name, options, header_line: int, n_cols: int, read: list[int]) -> dict[int, np.ndarray] | None:
    """The columns ``read`` as pandas types them: float64 for numbers, object arrays of str
    ("" where empty) for the rest; None when pandas refuses the file."""
    import pandas as pd

    settings = dict(header=None, names=list(range(n_cols)), skiprows=header_line, **pandas_csv_options(options))
    try:
        # every column is read: with usecols pandas would not notice a row that is too long
        with strict_fields():
            df = pd.read_csv(name, **settings)
            as_text = [j for j in read if df[j].dtype.kind not in "iuf" and not _all_text(df[j])]
            if as_text:  # true/false, which pandas types: the file's own words, as text
                text = pd.read_csv(name, dtype={j: str for j in as_text}, **settings)
                for j in as_text:
                    df[j] = text[j]
    except (ValueError, UnicodeDecodeError, OverflowError, pd.errors.ParserError, pd.errors.ParserWarning):
        return None  # Python's reader says what is wrong
    out = {}
    for j in read:
        series = df[j]
        if series.dtype.kind in "iuf":
            out[j] = series.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            out[j] = series.fillna("").to_numpy(dtype=object)
    return out


def _all_text(series) -> bool:
    return all(isinstance(v, str) for v in series.dropna().to_numpy(dtype=object))


def _missing_cells(cells: np.ndarray) -> np.ndarray:
    """Where the cells pandas read are empty (NaN for numbers, "" for text)."""
    if cells.dtype.kind == "f":
        return np.isnan(cells)
    return np.array([not c for c in cells], dtype=bool)


def _frame_from_cells(name: str, options: ReadOptions, header: list[str], keep: list[int]) -> Frame:
    """The Frame read by Python's :mod:`csv` module alone: what a file pandas refuses gets,
    with the messages that name the line."""
    header, rows, lines = read_csv_cells(name, options=options)
    cells = np.array(rows, dtype=object)
    frame_rows = np.asarray(lines)
    values, kinds, marks = {}, {}, {}
    for j in keep:
        column = header[j]
        values[column], kinds[column], mark = _typed_text(cells[:, j], column, name, frame_rows, options)
        if mark is not None:
            marks[column] = mark
    skipped = [c for j, c in enumerate(header) if j not in set(keep)]
    return Frame([header[j] for j in keep], values, kinds, name, frame_rows, "line", marks=marks, skipped=skipped)


def _typed_text(cells: np.ndarray, column: str, name: str, lines: np.ndarray, options: ReadOptions):
    """``(values, kind, marks)`` of a column of text cells (see :func:`_type_text_column`)."""
    values, kind = _type_text_column(cells, column, name, lines, options)
    stripped = np.array([c.strip() for c in cells], dtype=object)
    marked = np.array([bool(c) and c.lower() in MISSING_MARKERS for c in stripped])
    return values, kind, (np.where(marked, stripped, None) if marked.any() else None)


def _type_text_column(
    cells: np.ndarray, column: str, name: str, lines: np.ndarray, options: ReadOptions | None = None
) -> tuple[np.ndarray, str]:
    """A column of CSV cells as numbers (if every present cell is one) or text.

    Cells that are all numbers written another way than ``options`` say (``3,14`` without
    ``decimal=","``, ``1,016,620`` without ``thousands=","``) are refused with the option
    to pass, rather than read as text categories: see :func:`bpnn.io.csvdata.number_hint`.
    """
    import pandas as pd

    options = options or ReadOptions()
    stripped = pd.Series(cells, dtype=object).str.strip()
    missing = stripped.str.lower().isin(MISSING_MARKERS).to_numpy()
    present = stripped[~missing].to_numpy(dtype=str)
    try:
        # NumPy's cast parses exactly as float() does, so values read back bit for bit.
        numbers = _as_numbers(present, options)
    except ValueError:
        numbers = None
    if numbers is not None:
        out = np.full(len(cells), np.nan)
        out[~missing] = numbers
        _check_finite_cells(out, column, name, lines, cells)
        return out, "number"
    hint = number_hint(present.tolist(), options)
    if hint:
        odd = next(k for k, c in enumerate(present) if number_hint([c], options))
        i = int(np.flatnonzero(~missing)[odd])
        raise DataError(
            f"{name}, line {lines[i]} (data row {i + 1}): column {column!r} holds {_shorten(cells[i].strip())!r}: "
            f"its cells are numbers written another way; {hint}"
        )
    if options.plain_numbers:
        parsed = pd.to_numeric(pd.Series(present, dtype=object), errors="coerce").to_numpy()
    else:
        parsed = np.array([_or_nan(options, c) for c in present])
    if np.isnan(parsed.astype(np.float64)).all():
        text = np.empty(len(cells), dtype=object)
        text[~missing] = present
        return text, "text"
    # Numbers and text in one column: most likely a typing slip; say which cell.
    first_text = int(np.flatnonzero(~missing)[np.flatnonzero(np.isnan(parsed.astype(np.float64)))[0]])
    _parse_cell(cells[first_text], name, column, int(lines[first_text]), first_text + 1, options)
    raise AssertionError("unreachable: _parse_cell raises for text")  # pragma: no cover


def _as_numbers(present: np.ndarray, options: ReadOptions) -> np.ndarray:
    """Cells (stripped, none missing) as float64; ValueError if one is not a number."""
    if options.plain_numbers:
        return present.astype(np.float64)
    return np.array([options.number(c) for c in present], dtype=np.float64)


def _or_nan(options: ReadOptions, text: str) -> float:
    try:
        return options.number(text)
    except ValueError:
        return math.nan


def _check_finite_cells(values: np.ndarray, column: str, name: str, lines: np.ndarray, cells: np.ndarray) -> None:
    if np.isinf(values).any():
        i = int(np.flatnonzero(np.isinf(values))[0])
        shown = cells[i] if isinstance(cells[i], str) else repr(float(cells[i]))
        raise DataError(
            f"{name}, line {lines[i]} (data row {i + 1}): column {column!r} holds "
            f"{_shorten(shown)!r}, which is infinite; only finite numbers can be used"
        )


def _frame_from_pandas(df, name: str, fmt: str, wanted=None) -> Frame:
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
    kept = [c for c in columns if wanted is None or c in set(wanted)]
    for column, original in zip(columns, df.columns):
        if column in kept:
            values[column], kinds[column] = _type_pandas_column(df[original], column, name, rows)
    skipped = [c for c in columns if c not in kept]
    return Frame(kept, values, kinds, name, rows, "row", skipped=skipped)


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
        hint = number_hint([v.strip() for v in present], ReadOptions())
        if hint:  # numbers stored as text, written 3,14 or 1,016,620: never categories
            i = next(
                i for i, (v, m) in enumerate(zip(values, missing)) if not m and number_hint([v.strip()], ReadOptions())
            )
            raise DataError(
                f"{name}, row {rows[i]}: column {column!r} holds {_shorten(values[i].strip())!r}: numbers stored as "
                "text with a decimal comma or thousands separators; store them as numbers in the file, or save "
                f"it as CSV and {hint}"
            )
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
