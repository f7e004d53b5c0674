"""Numeric CSV tables for ``bpnn train data.csv --target COL`` and ``bpnn predict``.

The format accepted is deliberately narrow: one header line of column names, then
rows of numbers, all separated by one character (``sep``). Everything a user can
get wrong in such a file is reported as a :class:`DataError` whose message is a
single line naming the file, the line, the column and the offending value, so the
command line can print it as it is.

What is accepted without fuss: a UTF-8 byte-order mark, Windows (``\\r\\n``) line
endings, quoted fields, spaces around numbers and column names, blank lines.
A cell counts as *missing* when it is empty or one of ``NA``, ``N/A``, ``NaN``,
``null`` (any case); missing cells are an error unless ``dropna=True``, which
drops their rows and records which lines were dropped.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import math
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

import numpy as np

from bpnn.io.container import atomic_write, open_for_reading

__all__ = ["DataError", "Table", "read_csv", "iter_csv_chunks", "write_csv"]

PathLike = Union[str, "os.PathLike[str]"]

#: Cell texts (compared after stripping and lower-casing) that mean "no value".
MISSING_MARKERS = frozenset({"", "na", "n/a", "nan", "null"})

# Separators we look for in a lone header name to guess that ``sep`` was wrong.
_COMMON_SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "'|' characters"}

# read_csv is built on the chunk reader; this only bounds the memory taken by
# Python lists of floats (about 32 bytes a cell) before they become an array.
_READ_CSV_CHUNK_ROWS = 16384


class DataError(ValueError):
    """A data file cannot be used; the message is one line, fit for the command line."""


@dataclass
class Table:
    """A numeric table read from a CSV file.

    Parameters
    ----------
    columns : list of str
        Column names, in file order, unique and non-empty.
    data : ndarray of shape (n_rows, n_cols)
        The values; ``data[:, j]`` is the column named ``columns[j]``.
    dropped_lines : list of int, default=[]
        1-based line numbers of the rows that ``dropna=True`` removed because
        they had a missing cell.
    source : str or None, default=None
        Where the table came from (a file name), used in error messages.

    Examples
    --------
    >>> t = Table(["x", "y"], np.array([[1.0, 2.0], [3.0, 4.0]]))
    >>> t.select("y")
    array([2., 4.])
    >>> t.drop("y").columns
    ['x']
    """

    columns: list[str]
    data: np.ndarray
    dropped_lines: list[int] = field(default_factory=list)
    source: str | None = None

    def __post_init__(self) -> None:
        self.columns = list(self.columns)
        self.data = np.asarray(self.data)
        if self.data.ndim != 2 or self.data.shape[1] != len(self.columns):
            raise ValueError(
                f"data must have shape (n_rows, {len(self.columns)}) to match columns, got shape {self.data.shape}"
            )
        _check_column_names(self.columns, where="columns")

    @property
    def n_dropped(self) -> int:
        """Number of rows dropped because of missing cells (``dropna=True``)."""
        return len(self.dropped_lines)

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_rows, n_cols)``."""
        return self.data.shape  # type: ignore[return-value]

    def __len__(self) -> int:
        return self.data.shape[0]

    def select(self, names: str | Sequence[str]) -> np.ndarray:
        """Return the values of one or several columns.

        Parameters
        ----------
        names : str or sequence of str
            One column name, or a list of them.

        Returns
        -------
        ndarray of shape (n_rows,) or (n_rows, len(names))
            1-D for a single name given as a str (a target), 2-D for a list.

        Raises
        ------
        DataError
            If a name is not a column; the message lists what is missing and
            suggests close matches.
        """
        if isinstance(names, str):
            return self.data[:, self._indices([names])[0]]
        return self.data[:, self._indices(list(names))]

    def drop(self, names: str | Sequence[str]) -> Table:
        """Return a new table without the given columns (e.g. the features without the target).

        Parameters
        ----------
        names : str or sequence of str
            Columns to leave out. Each must exist.

        Returns
        -------
        Table
            The remaining columns in their original order; ``dropped_lines`` and
            ``source`` are kept.
        """
        gone = set(self._indices([names] if isinstance(names, str) else list(names)))
        keep = [j for j in range(len(self.columns)) if j not in gone]
        return Table(
            [self.columns[j] for j in keep],
            self.data[:, keep],
            dropped_lines=list(self.dropped_lines),
            source=self.source,
        )

    def _indices(self, names: list[str]) -> list[int]:
        for name in names:
            if not isinstance(name, str):
                raise TypeError(f"column names must be str, got {type(name).__name__} {name!r}")
        position = {name: j for j, name in enumerate(self.columns)}
        missing = [name for name in names if name not in position]
        if missing:
            raise DataError(self._missing_message(missing))
        return [position[name] for name in names]

    def _missing_message(self, missing: list[str]) -> str:
        where = f" in {self.source}" if self.source else ""
        noun = "column" if len(missing) == 1 else "columns"
        message = f"{noun} {_quoted_list(missing)} not found{where}"
        hints = []
        for name in missing:
            # Case differences are the most common slip ('Price' vs 'price').
            lower = [c for c in self.columns if c.lower() == name.lower()]
            close = lower or difflib.get_close_matches(name, self.columns, n=1)
            if close:
                hints.append(f"{close[0]!r} for {name!r}" if len(missing) > 1 else repr(close[0]))
        if hints:
            message += f"; did you mean {', '.join(hints)}?"
        return message + f" (available: {_quoted_list(self.columns, limit=10)})"


def read_csv(
    path: PathLike,
    *,
    sep: str = ",",
    dropna: bool = False,
    dtype: Any = np.float64,
) -> Table:
    """Read a numeric CSV file with a header line into a :class:`Table`.

    Parameters
    ----------
    path : str or path-like
        The file. It must be UTF-8 (a byte-order mark is fine); ``\\n`` and
        ``\\r\\n`` line endings both work.
    sep : str, default=","
        The one-character field separator, e.g. ``";"`` or ``"\\t"``.
    dropna : bool, default=False
        If False, a missing cell (empty, ``NA``, ``N/A``, ``NaN``, ``null``) is an
        error. If True, rows with a missing cell are dropped and their line
        numbers kept in ``Table.dropped_lines``.
    dtype : floating dtype, default=np.float64
        dtype of ``Table.data``.

    Returns
    -------
    Table
        ``data`` has shape (n_rows, n_cols) with n_rows >= 1.

    Raises
    ------
    DataError
        For anything wrong with the file; the message is one line that names the
        file and, where it applies, the line, the column and the value.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "d.csv"
    >>> _ = p.write_text("x,y\\n1,2\\n3,4\\n")
    >>> read_csv(p).select("y")
    array([2., 4.])
    """
    chunks = list(iter_csv_chunks(path, _READ_CSV_CHUNK_ROWS, sep=sep, dropna=dropna, dtype=dtype))
    if len(chunks) == 1:
        return chunks[0]
    return Table(
        chunks[0].columns,
        np.concatenate([c.data for c in chunks]),
        dropped_lines=[line for c in chunks for line in c.dropped_lines],
        source=chunks[0].source,
    )


def iter_csv_chunks(
    path: PathLike,
    chunksize: int,
    *,
    sep: str = ",",
    dropna: bool = False,
    dtype: Any = np.float64,
) -> Iterator[Table]:
    """Read a numeric CSV file piece by piece, never holding more than one chunk.

    Meant for out-of-core training: ``for t in iter_csv_chunks(p, 1000): net.partial_fit(...)``.
    Stacking the chunks gives exactly what :func:`read_csv` returns.

    Parameters
    ----------
    path : str or path-like
        The file; see :func:`read_csv`.
    chunksize : int
        Maximum number of rows per chunk (>= 1). Every chunk but the last has
        exactly ``chunksize`` rows; rows dropped by ``dropna`` do not count.
    sep, dropna, dtype
        As in :func:`read_csv`.

    Yields
    ------
    Table
        ``data`` of shape (n, n_cols) with 1 <= n <= chunksize. A chunk's
        ``dropped_lines`` are the rows dropped since the previous chunk.

    Raises
    ------
    TypeError, ValueError
        At call time, for a bad ``chunksize``, ``sep``, ``dropna`` or ``dtype``.
    DataError
        While iterating, for anything wrong with the file. Chunks already
        yielded before a bad line stay valid.
    """
    if isinstance(chunksize, bool) or not isinstance(chunksize, (int, np.integer)):
        raise TypeError(f"chunksize must be a positive int, got {type(chunksize).__name__} {chunksize!r}")
    if chunksize < 1:
        raise ValueError(f"chunksize must be a positive int, got {chunksize}")
    _check_sep(sep)
    if not isinstance(dropna, bool):
        raise TypeError(f"dropna must be True or False, got {type(dropna).__name__} {dropna!r}")
    dtype = _float_dtype(dtype)
    # Arguments are checked above, eagerly; the file is opened only once iteration
    # starts so that an iterator that is never used leaves no open file behind.
    return _chunks(os.fspath(path), int(chunksize), sep, dropna, dtype)


def write_csv(
    path: PathLike,
    columns: Sequence[str],
    data: Any,
    *,
    sep: str = ",",
) -> None:
    """Write a table as CSV, atomically: the file is complete or untouched.

    Floats are written with ``repr``, which :func:`read_csv` reads back to the
    identical value; NaN is written as ``nan`` and so reads back as missing.

    Parameters
    ----------
    path : str or path-like
        Target file. It is replaced only once the new content is fully on disk.
    columns : sequence of str
        Column names, unique and non-empty.
    data : array-like of shape (n_rows, len(columns)), or (n_rows,) for one column
        Values, usually numbers; strings (e.g. class labels) are written as they are.
    sep : str, default=","
        The one-character field separator.

    Raises
    ------
    TypeError, ValueError
        If ``columns`` and ``data`` do not fit together.
    OSError
        If the file cannot be written (the file is written atomically, so the target is
        then left as it was).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "pred.csv"
    >>> write_csv(p, ["y_pred"], np.array([0.25, 1.0]))
    >>> p.read_text()
    'y_pred\\n0.25\\n1.0\\n'
    """
    _check_sep(sep)
    if isinstance(columns, str):
        raise TypeError(f"columns must be a list of str, got the str {columns!r}; use [{columns!r}]")
    columns = list(columns)
    _check_column_names(columns, where="columns")
    values = np.asarray(data)
    if values.ndim == 1 and len(columns) == 1:
        values = values[:, np.newaxis]
    if values.ndim != 2 or values.shape[1] != len(columns):
        raise ValueError(
            f"data must have shape (n_rows, {len(columns)}) to match {len(columns)} columns, got shape {values.shape}"
        )
    if values.dtype.kind == "c":
        raise TypeError("data must be real numbers or strings, got complex numbers")
    if values.dtype.kind == "b":
        values = values.astype(np.int8)  # True/False would not read back as numbers
    with atomic_write(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=sep, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(values.tolist())


# --------------------------------------------------------------------------- #
# Reading


def _chunks(name: str, chunksize: int, sep: str, dropna: bool, dtype: np.dtype) -> Iterator[Table]:
    # utf-8-sig drops a byte-order mark; newline="" hands \r\n to csv, which
    # knows line endings (and newlines inside quoted fields) better than we do.
    with open_for_reading(name, DataError, "a CSV file", "r", encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(_bounded_lines(f, name), delimiter=sep)
        try:
            yield from _parse(reader, name, chunksize, sep, dropna, dtype)
        except UnicodeDecodeError as exc:
            raise DataError(f"{name} is not UTF-8 text ({_locate_bad_byte(name)}); save it as UTF-8 CSV") from exc
        except csv.Error as exc:
            raise DataError(f"{name}, line {reader.line_num}: {exc}") from exc


#: Longest line read (characters): far beyond any table's (csv's own limit is 131072 per
#: field), short enough that a file without line breaks (/dev/zero) ends with an error, not
#: with all memory taken.
MAX_LINE_CHARS = 2**26


def _bounded_lines(f, name: str) -> Iterator[str]:
    """The lines of ``f``, refusing one longer than :data:`MAX_LINE_CHARS`."""
    number = 0
    while True:
        line = f.readline(MAX_LINE_CHARS)
        if not line:
            return
        number += 1
        if len(line) >= MAX_LINE_CHARS and not line.endswith(("\n", "\r")):
            raise DataError(
                f"{name}, line {number}: longer than {MAX_LINE_CHARS:,} characters without a line break; "
                "it is not a CSV table (or not one bpnn can read line by line)"
            )
        yield line


def _header(reader: Any, name: str, sep: str) -> list[str]:
    """The first non-blank row, checked as column names."""
    header = None
    for row in reader:
        if not _is_blank(row):
            header = [cell.strip() for cell in row]
            break
    if header is None:
        raise DataError(f"{name} is empty; expected a header line with column names")
    _check_header(header, name, sep, reader.line_num)
    return header


def _data_rows(reader: Any, name: str, n_cols: int) -> Iterator[tuple[int, int, list[str]]]:
    """``(line, data_row, cells)`` for every non-blank row after the header, with as many cells as the header."""
    n_data_rows = 0  # data rows seen, kept or dropped; numbers rows in messages
    for row in reader:
        if _is_blank(row):
            continue
        n_data_rows += 1
        line = reader.line_num
        if len(row) != n_cols:
            raise DataError(f"{name}, line {line}: expected {n_cols} fields like the header, found {len(row)}")
        yield line, n_data_rows, row


def read_csv_cells(path: PathLike, *, sep: str = ",") -> tuple[list[str], list[list[str]], list[int]]:
    """Read a CSV file as text cells: ``(columns, rows, lines)``, nothing converted.

    The same checks as :func:`read_csv` for everything that is not about the cells'
    values (encoding, header, field counts, separator), with the same messages;
    ``lines[i]`` is the 1-based line of ``rows[i]`` in the file, for messages about
    cells. Used by :func:`bpnn.io.frames.read_frame` for tables with text columns.
    """
    _check_sep(sep)
    name = os.fspath(path)
    with open_for_reading(name, DataError, "a CSV file", "r", encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(_bounded_lines(f, name), delimiter=sep)
        try:
            header = _header(reader, name, sep)
            rows, lines = [], []
            for line, _, row in _data_rows(reader, name, len(header)):
                rows.append(row)
                lines.append(line)
        except UnicodeDecodeError as exc:
            raise DataError(f"{name} is not UTF-8 text ({_locate_bad_byte(name)}); save it as UTF-8 CSV") from exc
        except csv.Error as exc:
            raise DataError(f"{name}, line {reader.line_num}: {exc}") from exc
    if not rows:
        raise DataError(f"{name} has a header line but no data rows")
    return header, rows, lines


def _parse(reader: Any, name: str, chunksize: int, sep: str, dropna: bool, dtype: np.dtype) -> Iterator[Table]:
    header = _header(reader, name, sep)
    n_cols = len(header)

    rows: list[list[float]] = []
    dropped: list[int] = []
    n_yielded = 0
    for line, n_data_rows, row in _data_rows(reader, name, n_cols):
        try:
            values = list(map(float, row))
        except ValueError:
            values = [_parse_cell(cell, name, header[j], line, n_data_rows) for j, cell in enumerate(row)]
        # One C-level sum tells whether any cell is NaN or infinite, so the
        # per-cell check below runs only for the rare rows that need it.
        if not math.isfinite(sum(values)):
            missing = _check_row_finite(values, row, header, name, line, n_data_rows)
            if missing is not None:
                if not dropna:
                    raise DataError(
                        missing + "; pass dropna=True (--dropna on the command line) to drop rows with missing values"
                    )
                dropped.append(line)
                continue
        # Flush a full chunk only when the next kept row shows up, so rows dropped
        # after it are still reported with it rather than lost at the end of file.
        if len(rows) == chunksize:
            yield _make_chunk(header, rows, dropped, name, dtype)
            n_yielded += 1
            rows, dropped = [], []
        rows.append(values)

    if rows:
        yield _make_chunk(header, rows, dropped, name, dtype)
    elif n_yielded == 0:
        if dropped:
            raise DataError(f"{name}: all {len(dropped)} data rows have missing values; nothing is left after dropna")
        raise DataError(f"{name} has a header line but no data rows")


def _parse_cell(text: str, name: str, column: str, line: int, data_row: int) -> float:
    stripped = text.strip()
    if stripped.lower() in MISSING_MARKERS:
        return math.nan
    try:
        return float(stripped)
    except ValueError:
        pass
    message = (
        f"{name}, line {line} (data row {data_row}): column {column!r} holds {_shorten(text)!r}, which is not a number"
    )
    if stripped.count(",") == 1 and stripped.replace(",", "", 1).lstrip("+-").isdigit():
        message += " (write decimals with '.', not ',')"
    raise DataError(message)


def _check_row_finite(
    values: list[float], row: list[str], header: list[str], name: str, line: int, data_row: int
) -> str | None:
    """Raise for an infinite cell; return a message for the first missing one, else None."""
    missing = None
    for j, value in enumerate(values):
        if math.isnan(value):
            if missing is None:
                shown = "is empty" if not row[j].strip() else f"holds {row[j].strip()!r}"
                missing = f"{name}, line {line} (data row {data_row}): column {header[j]!r} {shown}, a missing value"
        elif math.isinf(value):
            raise DataError(
                f"{name}, line {line} (data row {data_row}): column {header[j]!r} holds "
                f"{_shorten(row[j])!r}, which is infinite; only finite numbers can be used"
            )
    return missing


def _make_chunk(header: list[str], rows: list[list[float]], dropped: list[int], name: str, dtype: np.dtype) -> Table:
    with np.errstate(over="ignore"):  # overflow is reported below, as a DataError
        data = np.array(rows, dtype=dtype)
    if dtype != np.float64 and not np.isfinite(data).all():
        i, j = np.argwhere(~np.isfinite(data))[0]
        raise DataError(f"{name}: column {header[j]!r} holds {rows[i][j]!r}, which is too large for {dtype.name}")
    return Table(list(header), data, dropped_lines=list(dropped), source=name)


def _locate_bad_byte(name: str) -> str:
    """Say where the first byte that is not UTF-8 is, as "byte 0x.. on line N"."""
    # The text layer decodes ahead in blocks, so the csv reader's line number is
    # not where the bad byte is; a second, bounded pass over the raw bytes finds it.
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with open(name, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                # exc.start counts from the start of the bytes the decoder held.
                pending = len(exc.object) - len(block)
                offset = exc.start - pending
                line += block.count(b"\n", 0, max(offset, 0))
                return f"byte 0x{exc.object[exc.start]:02x} on line {line}"
            line += block.count(b"\n")
    return "it ends in the middle of a character"


def _check_header(header: list[str], name: str, sep: str, line: int) -> None:
    if len(header) == 1:
        for other, label in _COMMON_SEPARATORS.items():
            if other != sep and other in header[0]:
                raise DataError(
                    f"{name}: the header {_shorten(header[0])!r} reads as a single column, "
                    f"but it contains {label}; is the separator {other!r}? "
                    f"(pass sep={other!r}; --sep {other!r} on the command line)"
                )
    try:
        _check_column_names(header, where=f"{name}, line {line}")
    except ValueError as exc:
        raise DataError(str(exc)) from None


def _check_column_names(columns: list[Any], *, where: str) -> None:
    seen: dict[str, int] = {}
    for j, column in enumerate(columns, start=1):
        if not isinstance(column, str):
            raise TypeError(f"{where}: column names must be str, got {type(column).__name__} {column!r}")
        if not column.strip():
            raise ValueError(f"{where}: column {j} has an empty name")
        if column in seen:
            raise ValueError(f"{where}: column name {column!r} appears twice (columns {seen[column]} and {j})")
        seen[column] = j


def _is_blank(row: list[str]) -> bool:
    return not row or (len(row) == 1 and not row[0].strip())


def _check_sep(sep: Any) -> None:
    if not isinstance(sep, str):
        raise TypeError(f"sep must be a one-character str such as ',' or ';', got {type(sep).__name__} {sep!r}")
    if len(sep) != 1 or sep in '"\r\n':
        raise ValueError(f"sep must be one character other than a quote or newline, such as ',' or ';', got {sep!r}")


def _float_dtype(dtype: Any) -> np.dtype:
    try:
        resolved = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"dtype must be a floating-point dtype such as np.float64, got {dtype!r}") from exc
    # An integer dtype would silently truncate 0.5 to 0; features and targets are floats.
    if resolved.kind != "f":
        raise ValueError(f"dtype must be a floating-point dtype such as np.float64 or np.float32, got {resolved}")
    return resolved


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _quoted_list(names: list[str], limit: int | None = None) -> str:
    shown = names if limit is None else names[:limit]
    text = ", ".join(repr(n) for n in shown)
    if limit is not None and len(names) > limit:
        text += f" and {len(names) - limit} more"
    return text
