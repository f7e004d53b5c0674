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
import contextlib
import csv
import difflib
import math
import os
import re
import warnings
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

# First characters of a line that is more likely a comment than a header.
_COMMENT_MARKS = ("#", "%", ";", "/")

# read_csv is built on the chunk reader; this only bounds the memory taken by
# Python lists of floats (about 32 bytes a cell) before they become an array.
_READ_CSV_CHUNK_ROWS = 16384


class DataError(ValueError):
    """A data file cannot be used; the message is one line, fit for the command line."""


#: Characters that may group thousands with ``thousands=``: comma, dot, space, apostrophe
#: and underscore (a space also matches the no-break spaces spreadsheets write).
THOUSANDS = (",", ".", " ", "'", "_")
_SPACES = (" ", "\u00a0", "\u202f")


@dataclass(frozen=True)
class ReadOptions:
    """How a CSV file writes its numbers and where its table starts (pandas' ``read_csv`` names).

    Parameters
    ----------
    sep : str, default=","
        The one-character field separator.
    decimal : str, default="."
        The decimal mark, ``"."`` or ``","`` (``3,14``).
    thousands : str or None, default=None
        The character grouping thousands (``1,016,620``; one of :data:`THOUSANDS`), removed
        before a cell is read as a number; None: none.
    encoding : str or None, default=None
        The text encoding (``"latin-1"``, ``"cp1252"``, ...); None: UTF-8, with or without
        a byte-order mark.
    comment : str or None, default=None
        A character that starts a comment: a line starting with it is skipped, and the
        rest of a line after it is ignored.
    skiprows : int, default=0
        Lines skipped at the start of the file, before the header.

    Examples
    --------
    >>> ReadOptions(sep=";", decimal=",").given()
    {'sep': ';', 'decimal': ','}
    """

    sep: str = ","
    decimal: str = "."
    thousands: str | None = None
    encoding: str | None = None
    comment: str | None = None
    skiprows: int = 0

    def __post_init__(self) -> None:
        _check_sep(self.sep)
        if self.decimal not in (".", ","):
            raise ValueError(f"decimal (--decimal) must be '.' or ','; got {self.decimal!r}")
        if self.thousands is not None and self.thousands not in THOUSANDS:
            raise ValueError(
                f"thousands (--thousands) must be one of {', '.join(map(repr, THOUSANDS))}; got {self.thousands!r}"
            )
        if self.thousands is not None and self.thousands == self.decimal:
            raise ValueError(f"decimal and thousands must differ; both are {self.decimal!r}")
        if self.encoding is not None:
            try:
                codecs.lookup(self.encoding)
            except (LookupError, TypeError):
                raise ValueError(
                    f"encoding (--encoding) must be a text encoding such as utf-8, latin-1 or cp1252; "
                    f"got {self.encoding!r}"
                ) from None
        if self.comment is not None and (
            not isinstance(self.comment, str) or len(self.comment) != 1 or self.comment in ('"', "\r", "\n", self.sep)
        ):
            raise ValueError(
                f"comment (--comment) must be one character other than the separator; got {self.comment!r}"
            )
        if isinstance(self.skiprows, bool) or not isinstance(self.skiprows, (int, np.integer)) or self.skiprows < 0:
            raise ValueError(f"skiprows (--skiprows) must be a whole number >= 0; got {self.skiprows!r}")

    @property
    def text_encoding(self) -> str:
        """The codec to open the file with (``utf-8-sig`` drops a byte-order mark)."""
        if self.encoding is None or codecs.lookup(self.encoding).name == "utf-8":
            return "utf-8-sig"
        return self.encoding

    @property
    def bytewise_lines(self) -> bool:
        """Whether a line break is the byte ``\\n`` and nothing else is (UTF-8, Latin-1, cp1252
        yes; UTF-16 no): only then can lines be counted and found in the raw bytes."""
        sample = "\n,;\t a1"
        encoded = sample.encode(self.text_encoding.replace("-sig", ""))
        return encoded == sample.encode("ascii")

    @property
    def plain_numbers(self) -> bool:
        """Whether numbers are written as Python writes them (``.`` decimals, no grouping)."""
        return self.decimal == "." and self.thousands is None

    def given(self) -> dict[str, Any]:
        """The options that differ from the defaults, as plain data (what a model file stores)."""
        defaults = ReadOptions()
        return {k: v for k, v in vars(self).items() if v != getattr(defaults, k)}

    def number(self, text: str) -> float:
        """``text`` read as a number the way this file writes them (ValueError if it is not one)."""
        if self.plain_numbers:
            return float(text)
        stripped = text.strip()
        if self.thousands is not None:
            for space in _SPACES if self.thousands == " " else (self.thousands,):
                stripped = stripped.replace(space, "")
        if self.decimal == ",":
            if "." in stripped:
                raise ValueError(f"{text!r} has a '.' but the decimal mark is ','")
            stripped = stripped.replace(",", ".")
        if "_" in stripped:  # float() accepts 1_000, a file's cell should not
            raise ValueError(text)
        return float(stripped)


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
    decimal: str = ".",
    thousands: str | None = None,
    encoding: str | None = None,
    comment: str | None = None,
    skiprows: int = 0,
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
    decimal, thousands, encoding, comment, skiprows
        How the file writes numbers and where the table starts; see :class:`ReadOptions`.

    Returns
    -------
    Table
        ``data`` has shape (n_rows, n_cols) with n_rows >= 1.

    Notes
    -----
    A clean file (every cell a number) is parsed by pandas' C parser; a file it refuses,
    or one with a missing, infinite or text cell, is read again by Python's :mod:`csv`
    module, which knows every cell's line and so names the file, line, column and value
    of the first problem.

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
    options = ReadOptions(sep, decimal, thousands, encoding, comment, skiprows)
    chunks = list(iter_csv_chunks(path, _READ_CSV_CHUNK_ROWS, options=options, dropna=dropna, dtype=dtype, whole=True))
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
    options: ReadOptions | None = None,
    whole: bool = False,
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
    options : ReadOptions, optional
        How the file writes numbers (its ``sep`` then replaces ``sep``).
    whole : bool, default=False
        Let the fast parser yield the whole file as one chunk (what :func:`read_csv` does).

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
    options = ReadOptions(sep=sep) if options is None else options
    if not isinstance(dropna, bool):
        raise TypeError(f"dropna must be True or False, got {type(dropna).__name__} {dropna!r}")
    dtype = _float_dtype(dtype)
    # Arguments are checked above, eagerly; the file is opened only once iteration
    # starts so that an iterator that is never used leaves no open file behind.
    return _chunks(os.fspath(path), int(chunksize), options, dropna, dtype, whole)


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


def _chunks(
    name: str, chunksize: int, options: ReadOptions, dropna: bool, dtype: np.dtype, whole: bool = False
) -> Iterator[Table]:
    yielded, pending = 0, None
    try:
        # A chunk goes out once the next one is known to be clean: rows dropped after a
        # chunk (dropna) are reported with it, by the slow reader below.
        for table in _fast_chunks(name, None if whole else chunksize, options, dtype):
            if pending is not None:
                yield pending
                yielded += 1
            pending = table
    except _NotPlain:
        pass
    else:
        if pending is not None:
            yield pending
        return
    # The slow reader yields the same chunks as the fast one up to the first block the
    # fast one refused; from there on it reports the problem precisely, or goes on.
    with _csv_rows(name, options) as reader:
        for i, table in enumerate(_parse(reader, name, chunksize, options, dropna, dtype)):
            if whole or i >= yielded:
                yield table


class _NotPlain(Exception):
    """The fast parser cannot read this file (or part of it) as finite numbers."""


#: Rows per block of pandas' chunked reading: a block of 20 columns is 20 MB, small next to
#: a big file's array, large enough that the blocks cost pandas little time.
FAST_BLOCK_ROWS = 1 << 17


def pandas_csv_options(options: ReadOptions) -> dict[str, Any]:
    """The arguments of :func:`pandas.read_csv` that read a file the way ``options`` say,
    with only an empty cell counted as missing (the other markers are left to the caller)."""
    return dict(
        sep=options.sep,
        decimal=options.decimal,
        thousands=options.thousands,
        comment=options.comment,
        encoding=options.text_encoding,
        engine="c",
        keep_default_na=False,
        na_values=[""],
        skip_blank_lines=True,
        quotechar='"',
        # a row with more fields than the names then warns (turned into an error by
        # strict_fields), where pandas would otherwise take the extra field for an index
        index_col=False,
    )


@contextlib.contextmanager
def strict_fields() -> Iterator[None]:
    """Make pandas' warning about a row longer than the header an error (ParserWarning)."""
    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        yield


def _fast_chunks(name: str, chunksize: int | None, options: ReadOptions, dtype: np.dtype) -> Iterator[Table]:
    """The file's chunks parsed by pandas' C parser (``chunksize`` None: the whole file in
    one array filled block by block, so the peak memory stays near the array's size);
    raises :class:`_NotPlain` at the first block that is not all finite numbers."""
    header, header_line = read_csv_header(name, options)
    if chunksize is not None:
        for block in numeric_blocks(name, options, header_line, len(header), chunksize, dtype):
            if not np.isfinite(block).all():
                raise _NotPlain
            yield Table(header, block, source=name)
        return
    # column by column (Fortran order), as pandas hands its blocks over: no transposing copy
    out = np.empty((max(0, count_lines(name) - header_line), len(header)), dtype=dtype, order="F")
    n = 0
    for block in numeric_blocks(name, options, header_line, len(header), FAST_BLOCK_ROWS, dtype):
        if n + len(block) > len(out) or not np.isfinite(block).all():
            raise _NotPlain
        out[n : n + len(block)] = block
        n += len(block)
    yield Table(header, out[:n], source=name)


def numeric_blocks(
    name: str, options: ReadOptions, header_line: int, n_cols: int, rows: int, dtype: np.dtype, usecols=None
) -> Iterator[np.ndarray]:
    """Blocks of at most ``rows`` rows of the data after line ``header_line``, parsed by pandas'
    C parser and cast to ``dtype``, of shape (rows, n_cols) or (rows, len(usecols)); NaN for an empty cell.

    Raises :class:`_NotPlain` when a cell is not a number, a row has more fields than the
    header, or the parser refuses the file, and at the end when there were no rows: the
    caller then reads the file with Python's reader, which says precisely what is wrong.
    """
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency; Python's reader still works
        raise _NotPlain from None
    yielded = False
    wanted = list(range(n_cols)) if usecols is None else list(usecols)
    try:
        # every column is read (pandas ignores the extra fields of a long row in columns it
        # is told to leave out), and only the wanted ones are typed and kept
        with (
            strict_fields(),
            pd.read_csv(
                name,
                header=None,
                names=list(range(n_cols)),
                skiprows=header_line,
                chunksize=rows,
                **pandas_csv_options(options),
            ) as reader,
        ):
            for part in reader:
                # Typed by pandas (asking for float64 makes its parser 2-3 times slower); a
                # text or true/false column sends the file to the caller's other reader.
                part = part[wanted]
                if not all(t.kind in "iuf" for t in part.dtypes):
                    raise _NotPlain
                with np.errstate(over="ignore"):  # too large for float32: the caller's finite check
                    block = part.to_numpy(dtype=dtype)
                if len(block):
                    yielded = True
                    yield block
    except (ValueError, UnicodeDecodeError, OverflowError, pd.errors.ParserError, pd.errors.ParserWarning):
        raise _NotPlain from None
    if not yielded:
        raise _NotPlain


def check_fields(name: str, options: ReadOptions, lines: np.ndarray, n_cols: int) -> None:
    """Raise the :class:`DataError` of Python's reader for the first of ``lines`` (1-based,
    physical, ascending) that does not hold ``n_cols`` fields. For a file whose lines are
    all rows, where pandas' padding of a short row cannot be told from empty last cells:
    only these lines are tokenized, not the whole file."""
    if not len(lines):
        return
    wanted, found = np.asarray(lines, dtype=np.int64), {}
    # the byte offset of each line's start, gathered block by block up to the last line wanted
    starts, n_starts = [np.zeros(1, dtype=np.int64)], 1
    with open(name, "rb") as f:
        offset = 0
        for block in iter(lambda: f.read(1 << 24), b""):
            starts.append(np.flatnonzero(np.frombuffer(block, dtype=np.uint8) == 10) + offset + 1)
            n_starts += len(starts[-1])
            offset += len(block)
            if n_starts >= wanted[-1]:
                break
        at = np.concatenate(starts)
        for line in wanted.tolist():
            f.seek(int(at[line - 1]))
            found[line] = f.readline()
    for line, raw in found.items():
        text = raw.decode(options.text_encoding)
        if options.comment is not None and options.comment in text:
            text = text[: text.index(options.comment)]
        row = next(csv.reader([text], delimiter=options.sep), [])
        if len(row) != n_cols:
            raise DataError(f"{name}, line {line}: expected {n_cols} fields like the header, found {len(row)}")


def count_lines(name: str) -> int:
    """Line breaks in the file, plus one for a last line without one: a bound on its rows."""
    lines, last = 0, b"\n"
    with open(name, "rb") as f:
        for block in iter(lambda: f.read(1 << 24), b""):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


@contextlib.contextmanager
def _csv_rows(name: str, options: ReadOptions) -> Iterator[Any]:
    """A :func:`csv.reader` over the file whose ``line_num`` is the physical line, with the
    lines before ``skiprows`` and the comments blanked (blank rows are skipped by every
    reader), and decoding and tokenizing errors turned into one-line :class:`DataError`."""
    # newline="" hands \r\n to csv, which knows line endings (and newlines inside quoted
    # fields) better than we do.
    with open_for_reading(name, DataError, "a CSV file", "r", encoding=options.text_encoding, newline="") as f:
        lines = _bounded_lines(f, name)
        if options.skiprows or options.comment:
            lines = _blank_skipped(lines, options)
        reader = csv.reader(lines, delimiter=options.sep)
        try:
            yield reader
        except UnicodeDecodeError as exc:
            raise DataError(_decode_message(name, options, exc)) from exc
        except csv.Error as exc:
            raise DataError(f"{name}, line {reader.line_num}: {exc}") from exc


def _blank_skipped(lines: Iterator[str], options: ReadOptions) -> Iterator[str]:
    """``lines`` with the first ``skiprows`` and the comments made empty, so that line numbers hold."""
    for number, line in enumerate(lines, start=1):
        if number <= options.skiprows:
            yield "\n"
            continue
        if options.comment is not None and options.comment in line:
            line = line[: line.index(options.comment)]
            yield line if line.strip() else "\n"
            continue
        yield line


def _decode_message(name: str, options: ReadOptions, exc: UnicodeDecodeError) -> str:
    if options.encoding is not None and options.text_encoding != "utf-8-sig":
        return f"{name} is not {options.encoding} text ({exc.reason} at byte {exc.start}); check --encoding"
    return (
        f"{name} is not UTF-8 text ({_locate_bad_byte(name)}); pass its encoding, "
        "e.g. --encoding latin-1 (or cp1252), or save it as UTF-8"
    )


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


def _data_rows(reader: Any, name: str, header: list[str]) -> Iterator[tuple[int, int, list[str]]]:
    """``(line, data_row, cells)`` for every non-blank row after the header, with as many cells as the header."""
    n_cols = len(header)
    n_data_rows = 0  # data rows seen, kept or dropped; numbers rows in messages
    for row in reader:
        if _is_blank(row):
            continue
        n_data_rows += 1
        line = reader.line_num
        if len(row) != n_cols:
            message = f"{name}, line {line}: expected {n_cols} fields like the header, found {len(row)}"
            raise DataError(message)
        yield line, n_data_rows, row


def read_csv_cells(
    path: PathLike, *, sep: str = ",", options: ReadOptions | None = None
) -> tuple[list[str], list[list[str]], list[int]]:
    """Read a CSV file as text cells: ``(columns, rows, lines)``, nothing converted.

    The same checks as :func:`read_csv` for everything that is not about the cells'
    values (encoding, header, field counts, separator), with the same messages;
    ``lines[i]`` is the 1-based line of ``rows[i]`` in the file, for messages about
    cells. Used by :func:`bpnn.io.frames.read_frame` to locate a problem the fast
    parser met, and for files it cannot read.
    """
    options = ReadOptions(sep=sep) if options is None else options
    name = os.fspath(path)
    with _csv_rows(name, options) as reader:
        header = _header(reader, name, options.sep)
        rows, lines = [], []
        for line, _, row in _data_rows(reader, name, header):
            rows.append(row)
            lines.append(line)
    if not rows:
        raise DataError(f"{name} has a header line but no data rows")
    return header, rows, lines


def read_csv_header(name: str, options: ReadOptions) -> tuple[list[str], int]:
    """The checked column names of a CSV file and the line they are on (1-based)."""
    with _csv_rows(name, options) as reader:
        return _header(reader, name, options.sep), reader.line_num


def _parse(
    reader: Any, name: str, chunksize: int, options: ReadOptions, dropna: bool, dtype: np.dtype
) -> Iterator[Table]:
    header = _header(reader, name, options.sep)
    with hinting_comments(header, options):
        yield from _parse_rows(reader, name, header, chunksize, options, dropna, dtype)


def _parse_rows(
    reader: Any, name: str, header: list[str], chunksize: int, options: ReadOptions, dropna: bool, dtype: np.dtype
) -> Iterator[Table]:
    number = float if options.plain_numbers else options.number

    rows: list[list[float]] = []
    dropped: list[int] = []
    n_yielded = 0
    for line, n_data_rows, row in _data_rows(reader, name, header):
        try:
            values = list(map(number, row))
        except ValueError:
            values = [_parse_cell(cell, name, header[j], line, n_data_rows, options) for j, cell in enumerate(row)]
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


def _parse_cell(
    text: str, name: str, column: str, line: int, data_row: int, options: ReadOptions | None = None
) -> float:
    options = options or ReadOptions()
    stripped = text.strip()
    if stripped.lower() in MISSING_MARKERS:
        return math.nan
    try:
        return options.number(stripped)
    except ValueError:
        pass
    message = (
        f"{name}, line {line} (data row {data_row}): column {column!r} holds {_shorten(text)!r}, which is not a number"
    )
    hint = number_hint([stripped], options)
    if hint:
        message += f" ({hint})"
    raise DataError(message)


# Numbers as people write them, when the options say otherwise (see number_hint).
_GROUPED = r"[+-]?\d{1,3}(?:%s\d{3})+"
_WRITTEN = {
    "comma-decimal": re.compile(r"[+-]?\d*,\d+"),
    "comma-thousands": re.compile(_GROUPED % "," + r"(?:\.\d*)?"),
    "dot-thousands": re.compile(_GROUPED % r"\." + r"(?:,\d*)?"),
    "space-thousands": re.compile(_GROUPED % "[ \u00a0\u202f]" + r"(?:[.,]\d*)?"),
    "apostrophe-thousands": re.compile(_GROUPED % "'" + r"(?:\.\d*)?"),
}


def number_hint(cells: Sequence[str], options: ReadOptions) -> str | None:
    """The option that would read ``cells`` (stripped, not missing, not all plain numbers) as
    numbers, as advice for an error message; None when they are not numbers written another way.

    ``3,14`` asks for ``--decimal ,``; ``1,016,620`` or ``2,500.75`` for ``--thousands ,``;
    ``1.016.620`` or ``1.234,5`` for ``--decimal , --thousands .``; ``1 016 620`` for
    ``--thousands ' '``; ``1'016'620`` for ``--thousands "'"``. A column of cells like
    ``1,016`` alone is ambiguous (a thousand and sixteen, or one point zero one six), and
    the advice names both readings.
    """
    if not options.plain_numbers:
        return None
    odd = []
    for cell in cells:
        if _is_float(cell):
            continue
        if not any(p.fullmatch(cell) for p in _WRITTEN.values()):
            return None  # text: known at its first cell of text, not after a pass over the column
        odd.append(cell)
    if not odd:
        return None
    fits = {kind: all(p.fullmatch(c) for c in odd) for kind, p in _WRITTEN.items()}
    if fits["comma-thousands"] and (any(c.count(",") > 1 or "." in c for c in odd) or not fits["comma-decimal"]):
        return "pass --thousands , to read numbers written like 1,016,620"
    if fits["comma-decimal"]:
        if fits["comma-thousands"]:
            return "pass --decimal , if ',' is the decimal mark (3,14), or --thousands , if it groups thousands"
        return "pass --decimal , to read numbers written with a decimal comma, like 3,14"
    if fits["dot-thousands"]:
        return "pass --decimal , --thousands . to read numbers written like 1.016.620,5"
    if fits["space-thousands"]:
        decimal = " --decimal ," if any("," in c for c in odd) else ""
        return f"pass --thousands ' '{decimal} to read numbers written like 1 016 620"
    if fits["apostrophe-thousands"]:
        return "pass --thousands \"'\" to read numbers written like 1'016'620"
    return None


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


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
                if header[0][:1] in _COMMENT_MARKS:
                    raise DataError(f"{name}, line {line}: {_shorten(header[0])!r} {_comment_advice(header[0], line)}")
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


def _comment_advice(first: str, line: int) -> str:
    mark = first[:1]
    return (
        f"looks like a comment, not a header line; pass --comment '{mark}' to skip comment lines, "
        f"or --skiprows {line} to skip {'it' if line == 1 else f'the first {line} lines'}"
    )


@contextlib.contextmanager
def hinting_comments(header: list[str], options: ReadOptions) -> Iterator[None]:
    """Add :func:`comment_hint` to a :class:`DataError` about the rows of a file whose header
    may be a comment line (when ``options`` have no comment character)."""
    try:
        yield
    except DataError as exc:
        hint = "" if options.comment is not None else comment_hint(header)
        if not hint or hint in str(exc):
            raise
        raise DataError(str(exc) + hint) from exc


def comment_hint(header: list[str]) -> str:
    """``"; the header line starts with '#' ..."`` when it may be a comment, for the end of a
    message about the file (a column named ``#`` alone is a header, not a comment); else ``""``."""
    first = header[0]
    if first[:1] not in _COMMENT_MARKS or len(first) < 2:
        return ""
    return f"; the header line starts with {first[:1]!r}: if it is a comment, pass --comment '{first[:1]}'"


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
