"""Tests for bpnn.io.csvdata: reading and writing numeric CSV tables."""

import contextlib
import os

import numpy as np
import pytest

from bpnn.io import DataError, iter_csv_chunks, read_csv, write_csv
from bpnn.io.csvdata import Table


def make(tmp_path, text, name="data.csv", *, crlf=False, bom=False, encoding="utf-8"):
    """Write ``text`` to a file byte for byte (no newline translation) and return its path."""
    if crlf:
        text = text.replace("\n", "\r\n")
    raw = text.encode(encoding)
    if bom:
        raw = b"\xef\xbb\xbf" + raw
    path = tmp_path / name
    path.write_bytes(raw)
    return path


def message(excinfo):
    return str(excinfo.value)


# --------------------------------------------------------------------------- #
# Well-formed files


def test_reads_columns_and_values(tmp_path):
    path = make(tmp_path, "x1,x2,y\n0.5,-2,1\n3e2,4.25,0\n")
    table = read_csv(path)
    assert table.columns == ["x1", "x2", "y"]
    assert table.data.dtype == np.float64
    np.testing.assert_array_equal(table.data, [[0.5, -2.0, 1.0], [300.0, 4.25, 0.0]])
    assert table.n_dropped == 0 and table.dropped_lines == []
    assert table.shape == (2, 3) and len(table) == 2


def test_single_data_row_gives_2d_array(tmp_path):
    table = read_csv(make(tmp_path, "a,b\n1,2\n"))
    assert table.data.shape == (1, 2)
    np.testing.assert_array_equal(table.data, [[1.0, 2.0]])


def test_file_without_final_newline(tmp_path):
    table = read_csv(make(tmp_path, "a,b\n1,2\n3,4"))
    np.testing.assert_array_equal(table.data, [[1, 2], [3, 4]])


def test_constant_column_reads_fine(tmp_path):
    table = read_csv(make(tmp_path, "a,const\n1,7\n2,7\n3,7\n"))
    np.testing.assert_array_equal(table.select("const"), [7.0, 7.0, 7.0])


def test_windows_line_endings(tmp_path):
    text = "a,b\n1.5,2\n3,4\n"
    unix = read_csv(make(tmp_path, text, "unix.csv"))
    windows = read_csv(make(tmp_path, text, "win.csv", crlf=True))
    assert windows.columns == ["a", "b"]
    np.testing.assert_array_equal(windows.data, unix.data)


def test_utf8_bom_is_not_part_of_first_column_name(tmp_path):
    table = read_csv(make(tmp_path, "price,size\n1,2\n", bom=True))
    assert table.columns == ["price", "size"]
    np.testing.assert_array_equal(table.select("price"), [1.0])


def test_bom_with_windows_line_endings_as_excel_writes_them(tmp_path):
    table = read_csv(make(tmp_path, "a;b\n1;2\n3;4\n", bom=True, crlf=True), sep=";")
    assert table.columns == ["a", "b"]
    np.testing.assert_array_equal(table.data, [[1, 2], [3, 4]])


def test_semicolon_separator(tmp_path):
    table = read_csv(make(tmp_path, "a;b;c\n1;2.5;3\n"), sep=";")
    assert table.columns == ["a", "b", "c"]
    np.testing.assert_array_equal(table.data, [[1.0, 2.5, 3.0]])


def test_tab_separator(tmp_path):
    table = read_csv(make(tmp_path, "a\tb\n1\t2\n"), sep="\t")
    np.testing.assert_array_equal(table.data, [[1.0, 2.0]])


def test_quotes_and_spaces_around_names_and_numbers(tmp_path):
    table = read_csv(make(tmp_path, '"a", b \n"1", 2 \n 3 ,"4"\n'))
    assert table.columns == ["a", "b"]
    np.testing.assert_array_equal(table.data, [[1, 2], [3, 4]])


def test_blank_lines_are_skipped_and_line_numbers_stay_true(tmp_path):
    path = make(tmp_path, "\na,b\n1,2\n\n3,4\n\nx,6\n\n")
    with pytest.raises(DataError) as excinfo:
        read_csv(path)
    # Physical line 7, third data row: blank lines count as lines but not as rows.
    assert "line 7 (data row 3)" in message(excinfo)
    table = read_csv(make(tmp_path, "\na,b\n1,2\n\n3,4\n\n", "ok.csv"))
    np.testing.assert_array_equal(table.data, [[1, 2], [3, 4]])


def test_float32_dtype(tmp_path):
    table = read_csv(make(tmp_path, "a\n0.1\n"), dtype=np.float32)
    assert table.data.dtype == np.float32
    assert table.data[0, 0] == np.float32(0.1)


def test_float32_overflow_is_reported(tmp_path):
    with pytest.raises(DataError) as excinfo:
        read_csv(make(tmp_path, "a,b\n1,1e39\n"), dtype=np.float32)
    assert message(excinfo) == f"{tmp_path / 'data.csv'}: column 'b' holds 1e+39, which is too large for float32"


# --------------------------------------------------------------------------- #
# Broken files: each gives one DataError line naming what is wrong


def test_missing_file(tmp_path):
    path = tmp_path / "nope.csv"
    with pytest.raises(DataError) as excinfo:
        read_csv(path)
    assert message(excinfo) == f"{path}: no such file"


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(DataError, match="is a directory, not a CSV file"):
        read_csv(tmp_path)


def test_unreadable_file(tmp_path, monkeypatch):
    # Simulated, because file permissions do not stop root (CI often runs as root).
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("bpnn.io.container.open", refuse, raising=False)
    path = make(tmp_path, "a\n1\n")
    with pytest.raises(DataError) as excinfo:
        read_csv(path)
    assert message(excinfo) == f"cannot read {path}: Permission denied"


@pytest.mark.parametrize("text", ["", "\n\n", "  \r\n"])
def test_empty_file(tmp_path, text):
    path = make(tmp_path, text)
    with pytest.raises(DataError) as excinfo:
        read_csv(path)
    assert message(excinfo) == f"{path} is empty; expected a header line with column names"


@pytest.mark.parametrize("text", ["a,b,c", "a,b,c\n", "a,b,c\r\n\r\n"])
def test_header_only(tmp_path, text):
    path = make(tmp_path, text)
    with pytest.raises(DataError) as excinfo:
        read_csv(path)
    assert message(excinfo) == f"{path} has a header line but no data rows"


def test_duplicate_column_names(tmp_path):
    path = make(tmp_path, "a,b,a\n1,2,3\n")
    with pytest.raises(DataError) as excinfo:
        read_csv(path)
    assert message(excinfo) == f"{path}, line 1: column name 'a' appears twice (columns 1 and 3)"


def test_empty_column_name(tmp_path):
    path = make(tmp_path, "a,,c\n1,2,3\n")
    with pytest.raises(DataError) as excinfo:
        read_csv(path)
    assert message(excinfo) == f"{path}, line 1: column 2 has an empty name"


@pytest.mark.parametrize("row, found", [("1,2", 2), ("1,2,3,4", 4)])
def test_wrong_number_of_fields_names_the_line(tmp_path, row, found):
    path = make(tmp_path, f"a,b,c\n1,2,3\n{row}\n4,5,6\n")
    with pytest.raises(DataError) as excinfo:
        read_csv(path)
    assert message(excinfo) == f"{path}, line 3: expected 3 fields like the header, found {found}"


def test_non_numeric_cell_names_column_line_row_and_value(tmp_path):
    path = make(tmp_path, "age,height\n31,1.8\n42,tall\n")
    with pytest.raises(DataError) as excinfo:
        read_csv(path)
    assert message(excinfo) == (f"{path}, line 3 (data row 2): column 'height' holds 'tall', which is not a number")


def test_non_numeric_cell_with_crlf_and_bom_reports_same_line(tmp_path):
    path = make(tmp_path, "a,b\n1,2\n3,4\n5,x7\n", crlf=True, bom=True)
    with pytest.raises(DataError, match=r"line 4 \(data row 3\): column 'b' holds 'x7'"):
        read_csv(path)


def test_decimal_comma_gets_a_hint(tmp_path):
    path = make(tmp_path, "a;b\n1;2,5\n")
    with pytest.raises(DataError) as excinfo:
        read_csv(path, sep=";")
    assert message(excinfo).endswith(
        "column 'b' holds '2,5', which is not a number "
        "(pass --decimal , to read numbers written with a decimal comma, like 3,14)"
    )


def test_long_bad_values_are_shortened(tmp_path):
    path = make(tmp_path, "a\n" + "z" * 100 + "\n")
    with pytest.raises(DataError) as excinfo:
        read_csv(path)
    assert "'" + "z" * 37 + "...'" in message(excinfo)
    assert "z" * 38 not in message(excinfo)


def test_infinite_value_is_refused(tmp_path):
    path = make(tmp_path, "a,b\n1,2\n3,-inf\n")
    with pytest.raises(DataError) as excinfo:
        read_csv(path)
    assert message(excinfo) == (
        f"{path}, line 3 (data row 2): column 'b' holds '-inf', which is infinite; only finite numbers can be used"
    )


@pytest.mark.parametrize("wrong, right, word", [(";", ",", "semicolons"), ("\t", ",", "tabs"), (",", ";", "commas")])
def test_wrong_separator_is_detected(tmp_path, wrong, right, word):
    path = make(tmp_path, f"a{wrong}b{wrong}c\n1{wrong}2{wrong}3\n")
    with pytest.raises(DataError) as excinfo:
        read_csv(path, sep=right)
    text = message(excinfo)
    assert f"reads as a single column, but it contains {word}" in text
    assert text.endswith(f"is the separator {wrong!r}? (pass sep={wrong!r}; --sep {wrong!r} on the command line)")


def test_single_column_file_is_fine(tmp_path):
    table = read_csv(make(tmp_path, "target\n1\n2\n"))
    assert table.columns == ["target"]
    np.testing.assert_array_equal(table.data, [[1.0], [2.0]])


def test_not_utf8_names_byte_and_line(tmp_path):
    path = make(tmp_path, "name,b\n1,2\ncaf\xe9,3\n", encoding="latin-1")
    with pytest.raises(DataError) as excinfo:
        read_csv(path)
    assert (
        message(excinfo)
        == f"{path} is not UTF-8 text (byte 0xe9 on line 3); pass its encoding, e.g. --encoding latin-1 "
        "(or cp1252), or save it as UTF-8"
    )


def test_not_utf8_far_into_a_big_file_reports_true_line(tmp_path):
    lines = ["a,b"] + [f"{i},{i}" for i in range(20000)] + ["\xe9,1"]
    path = make(tmp_path, "\n".join(lines) + "\n", encoding="latin-1")
    with pytest.raises(DataError, match=r"byte 0xe9 on line 20002\)"):
        read_csv(path)


# --------------------------------------------------------------------------- #
# Missing values


@pytest.mark.parametrize(
    "cell, shown",
    [
        ("", "is empty"),
        (" ", "is empty"),
        ("NA", "holds 'NA'"),
        ("nan", "holds 'nan'"),
        ("NaN", "holds 'NaN'"),
        ("N/A", "holds 'N/A'"),
        ("null", "holds 'null'"),
    ],
)
def test_missing_cell_is_an_error_without_dropna(tmp_path, cell, shown):
    path = make(tmp_path, f"a,b\n1,2\n{cell},4\n")
    with pytest.raises(DataError) as excinfo:
        read_csv(path)
    assert message(excinfo) == (
        f"{path}, line 3 (data row 2): column 'a' {shown}, a missing value; "
        "pass dropna=True (--dropna on the command line) to drop rows with missing values"
    )


def test_dropna_drops_rows_and_reports_them(tmp_path):
    path = make(tmp_path, "a,b,c\n1,2,3\n,5,6\n7,NA,9\n10,11,12\n13,14,nan\n")
    table = read_csv(path, dropna=True)
    np.testing.assert_array_equal(table.data, [[1, 2, 3], [10, 11, 12]])
    assert table.n_dropped == 3
    assert table.dropped_lines == [3, 4, 6]


def test_dropna_still_refuses_non_numeric_cells(tmp_path):
    path = make(tmp_path, "a,b\n,2\noops,4\n")
    with pytest.raises(DataError, match="column 'a' holds 'oops', which is not a number"):
        read_csv(path, dropna=True)


def test_dropna_with_every_row_missing(tmp_path):
    path = make(tmp_path, "a,b\n1,\nNA,2\n")
    with pytest.raises(DataError) as excinfo:
        read_csv(path, dropna=True)
    assert message(excinfo) == f"{path}: all 2 data rows have missing values; nothing is left after dropna"


# --------------------------------------------------------------------------- #
# Table helpers


def test_select_one_or_several_columns(tmp_path):
    table = read_csv(make(tmp_path, "a,b,c\n1,2,3\n4,5,6\n"))
    y = table.select("b")
    assert y.shape == (2,)
    np.testing.assert_array_equal(y, [2, 5])
    X = table.select(["c", "a"])
    assert X.shape == (2, 2)
    np.testing.assert_array_equal(X, [[3, 1], [6, 4]])


def test_drop_keeps_other_columns_in_order(tmp_path):
    table = read_csv(make(tmp_path, "a,b,c\n1,2,3\n4,5,6\n"))
    features = table.drop("b")
    assert features.columns == ["a", "c"]
    np.testing.assert_array_equal(features.data, [[1, 3], [4, 6]])


def test_missing_target_column_suggests_a_close_name(tmp_path):
    path = make(tmp_path, "Price,size,rooms\n1,2,3\n")
    table = read_csv(path)
    with pytest.raises(DataError) as excinfo:
        table.select("price")
    assert message(excinfo) == (
        f"column 'price' not found in {path}; did you mean 'Price'? (available: 'Price', 'size', 'rooms')"
    )


def test_missing_columns_are_all_named(tmp_path):
    table = read_csv(make(tmp_path, "a,b\n1,2\n"))
    with pytest.raises(DataError) as excinfo:
        table.select(["a", "zzz", "qqq"])
    assert message(excinfo).startswith("columns 'zzz', 'qqq' not found in ")
    with pytest.raises(DataError, match="column 'zzz' not found"):
        table.drop(["zzz"])


def test_long_column_list_is_cut_in_message():
    table = Table([f"px{i}" for i in range(30)], np.zeros((1, 30)))
    with pytest.raises(DataError) as excinfo:
        table.select("label")
    assert message(excinfo).endswith("'px9' and 20 more)")


def test_table_checks_its_shape_and_names():
    with pytest.raises(ValueError, match=r"data must have shape \(n_rows, 2\) to match columns, got shape \(3,\)"):
        Table(["a", "b"], np.zeros(3))
    with pytest.raises(ValueError, match="column name 'a' appears twice"):
        Table(["a", "a"], np.zeros((1, 2)))


# --------------------------------------------------------------------------- #
# Chunked reading


def _file_with_gaps(tmp_path):
    rows = ["a,b,c"]
    for i in range(23):
        rows.append(f"{i},{i * 0.5},{'' if i % 7 == 3 else -i}")
    return make(tmp_path, "\n".join(rows) + "\n")


@pytest.mark.parametrize("chunksize", [1, 2, 5, 10, 23, 100])
def test_chunks_stack_to_full_read(tmp_path, chunksize):
    path = _file_with_gaps(tmp_path)
    full = read_csv(path, dropna=True)
    chunks = list(iter_csv_chunks(path, chunksize, dropna=True))
    assert all(c.columns == ["a", "b", "c"] for c in chunks)
    assert all(len(c) == chunksize for c in chunks[:-1])
    assert 1 <= len(chunks[-1]) <= chunksize
    np.testing.assert_array_equal(np.concatenate([c.data for c in chunks]), full.data)
    assert [line for c in chunks for line in c.dropped_lines] == full.dropped_lines
    # Independent check: rows 3, 10 and 17 (file lines 5, 12, 19) have an empty 'c'.
    assert full.dropped_lines == [5, 12, 19]
    assert len(full) == 20


def test_dropped_rows_after_last_full_chunk_are_reported(tmp_path):
    path = make(tmp_path, "a\n1\n2\nNA\n\n")
    chunks = list(iter_csv_chunks(path, 2, dropna=True))
    assert len(chunks) == 1
    assert chunks[0].dropped_lines == [4]


def test_chunks_arrive_before_a_later_bad_line(tmp_path):
    path = make(tmp_path, "a\n1\n2\n3\n4\n5\nbad\n")
    chunks = iter_csv_chunks(path, 2)
    np.testing.assert_array_equal(next(chunks).data, [[1], [2]])
    np.testing.assert_array_equal(next(chunks).data, [[3], [4]])
    # [5] is complete only at end of file, so the bad line is met before it is yielded.
    with pytest.raises(DataError, match="line 7 \\(data row 6\\): column 'a' holds 'bad'"):
        next(chunks)


def test_chunk_reader_reports_header_only(tmp_path):
    with pytest.raises(DataError, match="has a header line but no data rows"):
        list(iter_csv_chunks(make(tmp_path, "a,b\n"), 10))


@pytest.mark.parametrize(
    "chunksize, error, text",
    [
        (0, ValueError, "chunksize must be a positive int, got 0"),
        (-5, ValueError, "chunksize must be a positive int, got -5"),
        ("10", TypeError, "chunksize must be a positive int, got str '10'"),
        (2.0, TypeError, "chunksize must be a positive int, got float 2.0"),
    ],
)
def test_bad_chunksize_is_refused_at_call_time(tmp_path, chunksize, error, text):
    with pytest.raises(error) as excinfo:
        iter_csv_chunks(tmp_path / "never-opened.csv", chunksize)
    assert str(excinfo.value) == text


# --------------------------------------------------------------------------- #
# Arguments


@pytest.mark.parametrize("sep, error", [(";;", ValueError), ("", ValueError), ('"', ValueError), (44, TypeError)])
def test_bad_sep(tmp_path, sep, error):
    path = make(tmp_path, "a\n1\n")
    with pytest.raises(error, match="sep must be"):
        read_csv(path, sep=sep)


def test_integer_dtype_is_refused(tmp_path):
    with pytest.raises(ValueError, match="dtype must be a floating-point dtype .* got int64"):
        read_csv(make(tmp_path, "a\n1\n"), dtype=np.int64)


def test_dropna_must_be_bool(tmp_path):
    with pytest.raises(TypeError, match="dropna must be True or False, got str 'yes'"):
        read_csv(make(tmp_path, "a\n1\n"), dropna="yes")


def test_data_error_is_a_value_error():
    assert issubclass(DataError, ValueError)


# --------------------------------------------------------------------------- #
# Writing


def test_write_then_read_is_bit_identical(tmp_path):
    rng = np.random.default_rng(0)
    data = rng.standard_normal((50, 4)) * 10.0 ** rng.integers(-30, 30, size=(50, 4))
    path = tmp_path / "out.csv"
    write_csv(path, ["a", "b", "c", "d"], data)
    table = read_csv(path)
    assert table.columns == ["a", "b", "c", "d"]
    assert table.data.tobytes() == data.tobytes()


def test_write_exact_text(tmp_path):
    path = tmp_path / "out.csv"
    write_csv(path, ["x", "flag", "label"], np.array([[0.5, 1, 3], [-2.0, 0, 4]]))
    assert path.read_bytes() == b"x,flag,label\n0.5,1.0,3.0\n-2.0,0.0,4.0\n"
    write_csv(path, ["ok"], np.array([True, False]), sep=";")
    assert path.read_text() == "ok\n1\n0\n"


def test_write_one_column_from_1d_and_nan_reads_back_missing(tmp_path):
    path = tmp_path / "pred.csv"
    write_csv(path, ["y_pred"], np.array([1.5, np.nan, 2.0]))
    assert path.read_text() == "y_pred\n1.5\nnan\n2.0\n"
    assert read_csv(path, dropna=True).dropped_lines == [3]


def test_write_strings_and_semicolons(tmp_path):
    path = tmp_path / "labels.csv"
    write_csv(path, ["id", "label"], np.array([["1", "cat"], ["2", "a;b"]]), sep=";")
    assert path.read_text() == 'id;label\n1;cat\n2;"a;b"\n'


@pytest.mark.parametrize(
    "columns, data, error, text",
    [
        (
            ["a", "b"],
            np.zeros((2, 3)),
            ValueError,
            r"data must have shape \(n_rows, 2\) to match 2 columns, got shape \(2, 3\)",
        ),
        (["a", "b"], np.zeros(2), ValueError, r"got shape \(2,\)"),
        ("ab", np.zeros((2, 1)), TypeError, "columns must be a list of str, got the str 'ab'"),
        (["a", "a"], np.zeros((1, 2)), ValueError, "column name 'a' appears twice"),
        (["a", ""], np.zeros((1, 2)), ValueError, "column 2 has an empty name"),
        (["z"], np.ones((1, 1)) * 1j, TypeError, "complex"),
    ],
)
def test_write_refuses_mismatches(tmp_path, columns, data, error, text):
    path = tmp_path / "out.csv"
    with pytest.raises(error, match=text):
        write_csv(path, columns, data)
    assert not path.exists()
    assert os.listdir(tmp_path) == []


def test_failed_write_keeps_old_file_and_leaves_no_temp(tmp_path):
    class Exploding:
        def __str__(self):
            raise RuntimeError("boom")

    path = tmp_path / "out.csv"
    write_csv(path, ["a"], np.array([1.0]))
    before = path.read_bytes()
    rows = np.empty((1000, 1), dtype=object)
    rows[:, 0] = 1.0
    rows[999, 0] = Exploding()  # fails after 999 rows have gone to the temporary file
    with pytest.raises(RuntimeError, match="boom"):
        write_csv(path, ["a"], rows)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["out.csv"]


def test_abandoned_chunk_iterator_closes_its_file(tmp_path):
    path = make(tmp_path, "a\n1\n2\nNA\n3\n")  # the NA sends it to Python's reader too

    def open_files():
        names = []
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):  # the listing's own descriptor is gone
                names.append(os.readlink(f"/proc/self/fd/{fd}"))
        return sorted(names)

    before = open_files()
    for dropna in (False, True):
        chunks = iter_csv_chunks(path, 1, dropna=dropna)
        next(chunks)
        chunks.close()  # what garbage collection does to a generator dropped half-way
        assert open_files() == before
