"""Reading tables as people write them: decimal commas, thousands separators, comments,
Latin-1, and the exact place of a bad cell after the fast parser (pandas' C engine).

Every number read is compared with what pandas' ``read_csv`` reads from the same file
with the matching options; every refusal is one line naming the column, a value and the
option that fixes it.
"""

import numpy as np
import pandas as pd
import pytest

import bpnn
from bpnn.io import DataError, iter_csv_chunks, read_csv, read_frame
from cli_helpers import error_line, run

FAST = ["--epochs", "5", "--seed", "1"]


def european(path, n=60, seed=0):
    """A ';'-separated table with decimal commas; returns the path and the same numbers as floats."""
    rng = np.random.default_rng(seed)
    x = np.round(rng.uniform(-5, 5, size=(n, 2)), 3)
    y = np.round(x[:, 0] * 2 - x[:, 1], 3)
    with open(path, "w") as f:
        f.write("a;b;y\n")
        for row in np.column_stack([x, y]):
            f.write(";".join(f"{v:.3f}".replace(".", ",") for v in row) + "\n")
    return path


def test_decimal_comma_is_read_right_with_the_option(tmp_path):
    path = european(tmp_path / "eu.csv")
    expected = pd.read_csv(path, sep=";", decimal=",")
    frame = read_frame(path, sep=";", decimal=",")
    assert frame.kinds == {"a": "number", "b": "number", "y": "number"}
    for column in expected.columns:
        np.testing.assert_array_equal(frame.values[column], expected[column].to_numpy())
    table = read_csv(path, sep=";", decimal=",")
    np.testing.assert_array_equal(table.data, expected.to_numpy())


def test_decimal_comma_without_the_option_is_refused_naming_column_value_and_option(tmp_path):
    path = european(tmp_path / "eu.csv")
    with pytest.raises(DataError) as excinfo:
        read_frame(path, sep=";")
    message = str(excinfo.value)
    first = path.read_text().splitlines()[1].split(";")[0]
    assert f"line 2 (data row 1): column 'a' holds {first!r}" in message
    assert "pass --decimal ," in message and "\n" not in message


@pytest.mark.parametrize(
    "cells, sep, options, hint",
    [
        (['"1,016,620"', '"2,500.75"', '"12"'], ",", {"thousands": ","}, "--thousands ,"),
        (["1.016.620", "2.500,75", "12"], ";", {"thousands": ".", "decimal": ","}, "--decimal , --thousands ."),
        (["1 016 620", "2 500", "12"], ";", {"thousands": " "}, "--thousands ' '"),
        (["1'016'620", "2'500", "12"], ";", {"thousands": "'"}, '--thousands "\'"'),
    ],
)
def test_thousands_separators(tmp_path, cells, sep, options, hint):
    path = tmp_path / "t.csv"
    path.write_text(f"n{sep}y\n" + "".join(f"{c}{sep}{i}\n" for i, c in enumerate(cells)))
    expected = pd.read_csv(path, sep=sep, **options)["n"].to_numpy(dtype=float)
    frame = read_frame(path, sep=sep, **options)
    assert frame.kinds["n"] == "number"
    np.testing.assert_array_equal(frame.values["n"], expected)
    np.testing.assert_array_equal(read_csv(path, sep=sep, **options).select("n"), expected)
    with pytest.raises(DataError, match=f"column 'n' holds .*{hint.replace('.', '[.]')}"):
        read_frame(path, sep=sep)


def test_ambiguous_comma_names_both_readings(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('n,y\n"1,016",1\n"2,500",2\n')
    with pytest.raises(DataError, match="--decimal , if ',' is the decimal mark .* or --thousands ,"):
        read_frame(path)


def test_text_that_merely_has_commas_stays_text(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('city,y\n"Paris, France",1\n"Rome, Italy",2\n')
    assert read_frame(path).kinds["city"] == "text"


def test_train_refuses_decimal_commas_then_reads_them_and_predict_remembers(capsys, tmp_path):
    path = european(tmp_path / "eu.csv", n=120)
    out = tmp_path / "m.bpnn"
    err = error_line(capsys, "train", path, "--sep", ";", "--target", "y", "-o", out, *FAST)
    assert "column 'a' holds" in err and "pass --decimal ," in err
    code, _, err = run(capsys, "train", path, "--sep", ";", "--decimal", ",", "--target", "y", "-o", out, *FAST)
    assert code == 0 and err == ""
    model = bpnn.load(out)
    assert model.settings["read"] == {"sep": ";", "decimal": ","}
    assert model.network.n_inputs == 2  # two number columns, not one-hot categories
    # predict reads the file as the model's training data was read, without the options again
    code, text, _ = run(capsys, "predict", out, path)
    assert code == 0
    expected = model.predict(pd.read_csv(path, sep=";", decimal=",")[["a", "b"]].to_numpy())[:, 0]
    got = np.array([float(line) for line in text.splitlines()[1:]])
    np.testing.assert_array_equal(got, expected)
    code, info, _ = run(capsys, "info", out)
    assert code == 0 and "read" in info and "decimal" in info


def test_commented_first_line(capsys, tmp_path):
    path = tmp_path / "c.csv"
    rng = np.random.default_rng(2)
    data = np.round(rng.normal(size=(50, 3)), 4)
    with open(path, "w") as f:
        f.write("# Data source: a lab notebook, 2024\nx1,x2,y\n")
        for i, row in enumerate(data):
            f.write(",".join(map(str, row)) + (" # checked\n" if i == 3 else "\n"))
            if i == 10:
                f.write("# a comment between rows\n")
    err = error_line(capsys, "train", path, "--target", "y", "-o", tmp_path / "m.bpnn", *FAST)
    assert "the header line starts with '#': if it is a comment, pass --comment '#'" in err
    expected = pd.read_csv(path, comment="#").to_numpy()
    np.testing.assert_array_equal(read_csv(path, comment="#").data, expected)
    frame = read_frame(path, comment="#")
    np.testing.assert_array_equal(np.column_stack([frame.values[c] for c in frame.columns]), expected)
    # the rows keep their lines: line 2 is the header, the comment line after data row 11 shifts the rest
    assert frame.rows[0] == 3 and frame.rows[11] == 15
    code, _, err = run(capsys, "train", path, "--comment", "#", "--target", "y", "-o", tmp_path / "m.bpnn", *FAST)
    assert code == 0 and err == ""
    assert bpnn.load(tmp_path / "m.bpnn").settings["read"] == {"comment": "#"}


def test_skiprows(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Exported by a logger\nunits: SI\nx,y\n1.5,2\n2.5,3\n")
    expected = pd.read_csv(path, skiprows=2).to_numpy()
    np.testing.assert_array_equal(read_csv(path, skiprows=2).data, expected)
    frame = read_frame(path, skiprows=2)
    assert frame.columns == ["x", "y"] and list(frame.rows) == [4, 5]
    np.testing.assert_array_equal(frame.values["x"], expected[:, 0])


def test_latin1_file(capsys, tmp_path):
    path = tmp_path / "l.csv"
    rows = ["ville,temp\u00e9rature,y"] + [
        f"{c},{t},{i % 2}"
        for i, (c, t) in enumerate([("Besan\u00e7on", 12.5), ("Orl\u00e9ans", 14.0), ("N\u00eemes", 19.5)] * 20)
    ]
    path.write_bytes(("\n".join(rows) + "\n").encode("latin-1"))
    err = error_line(capsys, "train", path, "--target", "y", "-o", tmp_path / "m.bpnn", *FAST)
    assert "is not UTF-8 text (byte 0xe9 on line 1)" in err and "--encoding latin-1" in err
    expected = pd.read_csv(path, encoding="latin-1")
    frame = read_frame(path, encoding="latin-1")
    assert frame.columns == list(expected.columns)
    assert list(frame.values["ville"]) == list(expected["ville"])
    np.testing.assert_array_equal(frame.values["temp\u00e9rature"], expected["temp\u00e9rature"].to_numpy())
    code, _, err = run(capsys, "train", path, "--encoding", "latin-1", "--target", "y", "-o", tmp_path / "m.bpnn",
                       "--task", "classification", *FAST)  # fmt: skip
    assert code == 0, err
    code, out, err = run(capsys, "predict", tmp_path / "m.bpnn", path)
    assert code == 0 and err == "" and len(out.splitlines()) == 61


def test_bad_options_are_one_line_errors(capsys, tmp_path):
    path = european(tmp_path / "eu.csv")
    for extra, message in [
        (["--decimal", "x"], "decimal (--decimal) must be '.' or ','"),
        (["--encoding", "klingon"], "must be a text encoding"),
        (["--skiprows", "-1"], "expected a whole number >= 0"),
        (["--decimal", ",", "--thousands", ","], "decimal and thousands must differ"),
    ]:
        assert message in error_line(capsys, "train", path, "--target", "y", "-o", tmp_path / "m.bpnn", *extra)


# --------------------------------------------------------------------------- the fast path and its messages


def big_numeric(path, n=30000, bad=None):
    """A numbers-only CSV of n rows; ``bad`` = (row, column, text) puts one bad cell in it."""
    rng = np.random.default_rng(0)
    data = rng.normal(size=(n, 4))
    with open(path, "w") as f:
        f.write("a,b,c,d\n")
        for i, row in enumerate(data):
            cells = [repr(float(v)) for v in row]
            if bad is not None and i == bad[0]:
                cells[bad[1]] = bad[2]
            f.write(",".join(cells) + "\n")
    return path


@pytest.fixture
def tokenized(monkeypatch):
    """Rows that Python's csv module tokenized (the slow reader); pandas' calls, counted."""
    import csv

    import bpnn.io.csvdata

    counts = {"python rows": 0, "pandas calls": 0}

    real_reader = csv.reader

    class CountingReader:
        def __init__(self, *args, **kwargs):
            self.reader = real_reader(*args, **kwargs)

        def __iter__(self):
            return self

        def __next__(self):
            row = next(self.reader)
            counts["python rows"] += 1
            return row

        @property
        def line_num(self):
            return self.reader.line_num

    def counting_read_csv(*args, **kwargs):
        counts["pandas calls"] += 1
        return real_read_csv(*args, **kwargs)

    real_read_csv = pd.read_csv
    monkeypatch.setattr(bpnn.io.csvdata.csv, "reader", CountingReader)
    monkeypatch.setattr(pd, "read_csv", counting_read_csv)
    return counts


def test_fast_path_reads_what_pandas_reads(tmp_path, tokenized):
    path = big_numeric(tmp_path / "big.csv")
    expected = pd.read_csv(path).to_numpy()
    tokenized["pandas calls"] = 0
    np.testing.assert_array_equal(read_csv(path).data, expected)
    frame = read_frame(path)
    np.testing.assert_array_equal(np.column_stack([frame.values[c] for c in "abcd"]), expected)
    assert frame.rows[0] == 2 and frame.rows[-1] == 30001
    chunks = list(iter_csv_chunks(path, 7000))
    assert [len(c) for c in chunks] == [7000] * 4 + [2000]
    np.testing.assert_array_equal(np.concatenate([c.data for c in chunks]), expected)
    # only the header went through Python's tokenizer; the rows went through pandas' C parser
    assert tokenized["python rows"] <= 3 and tokenized["pandas calls"] == 3


@pytest.mark.parametrize("row, column, text", [(25000, 2, "oops"), (29999, 0, "1.5.2"), (12345, 3, "inf")])
def test_a_bad_cell_after_the_fast_path_is_located(tmp_path, row, column, text, tokenized):
    path = big_numeric(tmp_path / "big.csv", bad=(row, column, text))
    name = "abcd"[column]
    where = f"line {row + 2} (data row {row + 1}): column {name!r} holds {text!r}"
    for read in (read_csv, read_frame, lambda p: list(iter_csv_chunks(p, 4096))):
        with pytest.raises(DataError) as excinfo:
            read(path)
        assert str(excinfo.value).startswith(f"{path}, {where}, which is "), str(excinfo.value)
    assert tokenized["pandas calls"] >= 3  # the fast parser went first


def test_a_short_row_after_the_fast_path_is_located(tmp_path):
    path = big_numeric(tmp_path / "big.csv")
    lines = path.read_text().splitlines()
    lines[20001] = lines[20001].rsplit(",", 1)[0]  # data row 20001 loses its last cell
    path.write_text("\n".join(lines) + "\n")
    for read in (read_csv, read_frame):
        with pytest.raises(DataError, match=r"line 20002: expected 4 fields like the header, found 3"):
            read(path)


@pytest.mark.parametrize("row", [0, 15000])
def test_a_long_row_is_located_even_in_columns_left_unread(tmp_path, row):
    path = big_numeric(tmp_path / "big.csv", n=20000)
    lines = path.read_text().splitlines()
    lines[row + 1] += ",7"  # one field too many (pandas would take a first long row for an index)
    path.write_text("\n".join(lines) + "\n")
    message = f"line {row + 2}: expected 4 fields like the header, found 5"
    for read in (read_csv, read_frame, lambda p: read_frame(p, columns=["a"])):
        with pytest.raises(DataError, match=message):
            read(path)


def test_a_commented_header_with_commas_gets_the_comment_hint(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("# Source: a survey, 2024\nx,y\n1,2\n")
    with pytest.raises(DataError, match=r"holds 'x', which is not a number; the header line starts with '#'"):
        read_frame(path)
    path.write_text("# Source and notes\nx,y\n1,2\n")
    with pytest.raises(DataError, match=r"line 2: expected 1 fields .* pass --comment '#'"):
        read_csv(path)
    path.write_text("# Source: a survey; 2024\nx;y\n1;2\n")
    with pytest.raises(DataError, match=r"looks like a comment, not a header line; pass --comment '#'"):
        read_frame(path)
    path.write_text("#,name\n1,2\n")  # a column named '#' is a header
    assert read_frame(path).columns == ["#", "name"]


def test_blank_lines_keep_line_numbers_in_messages(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("a,b\n1,2\n\n3,\n\n5,6\n")
    frame = read_frame(path)
    assert list(frame.rows) == [2, 4, 6]
    assert frame.missing_message("b", 1).endswith("line 4 (data row 2): column 'b' is empty, a missing value")


@pytest.mark.parametrize("suffix", [".xlsx", ".parquet"])
def test_numbers_stored_as_text_with_a_decimal_comma_in_excel_and_parquet_are_refused(tmp_path, suffix):
    path = tmp_path / f"t{suffix}"
    df = pd.DataFrame({"n": ["3,14", "2,5", "10,25"], "city": ["Lyon", "Nice", "Lyon"], "y": [1, 2, 3]})
    df.to_excel(path, index=False) if suffix == ".xlsx" else df.to_parquet(path)
    with pytest.raises(DataError, match=r"column 'n' holds '3,14': numbers stored as text .* --decimal ,"):
        read_frame(path)
    assert read_frame(path, columns=["city", "y"]).kinds == {"city": "text", "y": "number"}


def test_empty_last_cells_are_checked_line_by_line_not_by_reading_the_file_again(tmp_path, tokenized):
    path = big_numeric(tmp_path / "big.csv", n=20000)
    lines = path.read_text().splitlines()
    for row in range(0, 20000, 1000):
        lines[row + 1] = lines[row + 1].rsplit(",", 1)[0] + ","  # an empty last cell: 20 of them
    path.write_text("\n".join(lines) + "\n")
    frame = read_frame(path)
    expected = pd.read_csv(path)["d"].to_numpy()
    np.testing.assert_array_equal(frame.values["d"], expected)
    assert np.isnan(expected).sum() == 20 and tokenized["python rows"] <= 1 + 20
    lines[15001 + 1] = lines[15001 + 1].rsplit(",", 1)[0]  # and one short row
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError, match=r"line 15003: expected 4 fields like the header, found 3"):
        read_frame(path)


def test_utf16_file_with_empty_last_cells(tmp_path):
    path = tmp_path / "u.csv"
    path.write_text("a,b\nx,\ny,3\n\u010az,\n", encoding="utf-16")  # U+010A holds a 0x0A byte
    frame = read_frame(path, encoding="utf-16")
    expected = pd.read_csv(path, encoding="utf-16")
    assert frame.kinds == {"a": "text", "b": "number"} and list(frame.rows) == [2, 3, 4]
    np.testing.assert_array_equal(frame.values["b"], expected["b"].to_numpy())
