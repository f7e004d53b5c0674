"""``bpnn train --chunksize``: the file is parsed once into a binary cache that every epoch
reads; the cache holds exactly what pandas reads, and goes away whatever happens."""

import os

import numpy as np
import pandas as pd
import pytest

import bpnn
import bpnn.tables
import bpnn.tables.chunked as chunked
from bpnn.io import DataError
from bpnn.io.csvdata import ReadOptions
from bpnn.io.frames import read_frame
from bpnn.tables.chunked import BinaryCache, _chunks_with_split, train_csv_chunks
from cli_helpers import error_line, run

SPLIT = (0.7, 0.15, 0.15)
SETTINGS = dict(epochs=4, seed=3, hidden=(5,), solver="adam", split=SPLIT)


def table(path, n=500, bad_row=None):
    rng = np.random.default_rng(1)
    x = rng.uniform(-1, 1, size=(n, 3))
    y = np.sin(x[:, 0]) + x[:, 1] * x[:, 2]
    with open(path, "w") as f:
        f.write("x1,x2,id,x3,y\n")
        for i, (row, target) in enumerate(zip(x, y)):
            cells = [repr(float(row[0])), repr(float(row[1])), str(i), repr(float(row[2])), repr(float(target))]
            if i == bad_row:
                cells[3] = "n/a?"
            f.write(",".join(cells) + "\n")
    return path


def leftovers(folder):
    return [name for name in os.listdir(folder) if name.startswith(".bpnn-cache-")]


def test_cache_holds_what_pandas_reads_in_the_same_chunks_and_splits(tmp_path):
    path = table(tmp_path / "t.csv")
    features = ["x1", "x2", "x3"]
    with BinaryCache(str(path), 37, ReadOptions(), False, features, ["y"], tmp_path) as cache:
        assert len(leftovers(tmp_path)) == 1
        parts = list(cache.chunks(SPLIT, 9))
    assert leftovers(tmp_path) == []
    expected = pd.read_csv(path)
    np.testing.assert_array_equal(np.concatenate([X for X, _, _ in parts]), expected[features].to_numpy())
    np.testing.assert_array_equal(np.concatenate([Y for _, Y, _ in parts]), expected[["y"]].to_numpy())
    reference = list(_chunks_with_split(str(path), 37, ",", False, features, ["y"], SPLIT, 9))
    assert [len(X) for X, _, _ in parts] == [len(X) for X, _, _ in reference] == [37] * 13 + [19]
    for (_, _, codes), (_, _, ref) in zip(parts, reference):
        np.testing.assert_array_equal(codes, ref)


def test_the_file_is_parsed_once_and_training_matches_pandas_read_arrays(tmp_path, monkeypatch):
    path = table(tmp_path / "t.csv")
    parses = []
    real = chunked.iter_csv_chunks
    monkeypatch.setattr(chunked, "iter_csv_chunks", lambda *a, **k: parses.append(a) or real(*a, **k))
    run_cached = train_csv_chunks(path, ["y"], 64, ignore=["id"], cache_dir=tmp_path, **SETTINGS)
    assert len(parses) == 1 and leftovers(tmp_path) == []
    assert run_cached.model.settings["epochs_run"] == 4

    # the same training fed chunk by chunk from the arrays pandas reads
    frame = pd.read_csv(path)
    X, Y = frame[["x1", "x2", "x3"]].to_numpy(), frame[["y"]].to_numpy()

    def from_pandas(self, split, seed):
        rng = np.random.default_rng(seed)
        cuts = np.array([split[0], split[0] + split[1]])
        for start in range(0, len(X), 64):
            u = rng.random(len(X[start : start + 64]))
            yield X[start : start + 64], Y[start : start + 64], np.searchsorted(cuts, u, side="right")

    monkeypatch.setattr(BinaryCache, "chunks", from_pandas)
    run_pandas = train_csv_chunks(path, ["y"], 64, ignore=["id"], cache_dir=tmp_path, **SETTINGS)
    for a, b in zip(run_cached.model.network.get_weights(), run_pandas.model.network.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert run_cached.model.metrics == run_pandas.model.metrics


def test_cache_is_deleted_after_a_bad_cell_and_after_an_error_in_training(tmp_path, monkeypatch):
    bad = table(tmp_path / "bad.csv", bad_row=321)
    with pytest.raises(DataError, match=r"line 323 \(data row 322\): column 'x3' holds 'n/a\?'"):
        train_csv_chunks(bad, ["y"], 50, ignore=["id"], cache_dir=tmp_path, **SETTINGS)
    assert leftovers(tmp_path) == []

    seen = []

    def failing(self, net, X, T):
        seen.append(leftovers(tmp_path))
        raise RuntimeError("boom")

    monkeypatch.setattr(bpnn.OPTIMIZERS["adam"], "train_batch", failing)
    with pytest.raises(RuntimeError, match="boom"):
        train_csv_chunks(table(tmp_path / "t.csv"), ["y"], 50, ignore=["id"], cache_dir=tmp_path, **SETTINGS)
    assert len(seen[0]) == 1 and leftovers(tmp_path) == []


def test_cli_chunksize_reads_decimal_commas_and_writes_its_cache_next_to_the_model(capsys, tmp_path):
    rng = np.random.default_rng(4)
    x = np.round(rng.uniform(0, 10, size=(200, 2)), 2)
    with open(tmp_path / "eu.csv", "w") as f:
        f.write("a;b;y\n")
        for row in x:
            f.write(";".join(f"{v:.2f}".replace(".", ",") for v in (*row, row[0] - row[1])) + "\n")
    models = tmp_path / "models"
    models.mkdir()
    code, out, err = run(capsys, "train", tmp_path / "eu.csv", "--sep", ";", "--decimal", ",", "--target", "y",
                         "--chunksize", "32", "--epochs", "3", "-o", models / "m.bpnn")  # fmt: skip
    assert code == 0, err
    model = bpnn.load(models / "m.bpnn")
    assert model.feature_names == ["a", "b"] and model.settings["read"] == {"sep": ";", "decimal": ","}
    expected = pd.read_csv(tmp_path / "eu.csv", sep=";", decimal=",")
    train_rows = np.concatenate(
        [
            codes == 0
            for _, _, codes in _chunks_with_split(
                str(tmp_path / "eu.csv"), 32, ";", False, ["a", "b"], ["y"], SPLIT, 0, ReadOptions(";", ",")
            )
        ]
    )
    np.testing.assert_array_equal(model.x_scaler.data_min_, expected[["a", "b"]].to_numpy()[train_rows].min(axis=0))
    assert sorted(os.listdir(models)) == ["m.bpnn"]


def test_ctrl_c_leaves_no_cache_behind(capsys, tmp_path, monkeypatch):
    def interrupted(self, net, X, T):
        raise KeyboardInterrupt

    monkeypatch.setattr(bpnn.OPTIMIZERS["adam"], "train_batch", interrupted)
    path = table(tmp_path / "t.csv")
    code, _, err = run(capsys, "train", path, "--target", "y", "--ignore", "id", "--chunksize", "50",
                       "-o", tmp_path / "m.bpnn")  # fmt: skip
    assert code == 2 and err.count("\n") == 1 and "interrupted" in err
    assert leftovers(tmp_path) == [] and not (tmp_path / "m.bpnn").exists()


def with_constant(path, n=500, change_at=None):
    """:func:`table` with a column ``unit`` that holds 7 everywhere (but ``change_at``)."""
    frame = pd.read_csv(table(path, n))
    frame.insert(1, "unit", 7.0)
    if change_at is not None:
        frame.loc[change_at, "unit"] = 8.0
    frame.to_csv(path, index=False)
    return path


def test_chunked_schema_is_the_in_memory_schema_and_bpnn_info_shows_it(capsys, tmp_path):
    path = with_constant(tmp_path / "t.csv")
    chunked_run = train_csv_chunks(path, ["y"], 64, cache_dir=tmp_path, **SETTINGS)
    memory_run = bpnn.tables.train_table(read_frame(path), ["y"], **SETTINGS)
    roles = {c.name: (c.role, c.reason) for c in chunked_run.schema.columns}
    assert roles == {c.name: (c.role, c.reason) for c in memory_run.schema.columns}
    # what pandas shows of the file: 'id' counts the rows 0, 1, ..., 'unit' holds one value
    frame = pd.read_csv(path)
    assert (frame["id"] == np.arange(len(frame))).all() and frame["unit"].nunique() == 1
    assert roles["id"][0] == "identifier" and roles["unit"][0] == "constant"
    assert chunked_run.model.feature_names == ["x1", "x2", "x3"]
    assert any("'id'" in note for note in chunked_run.notes) and any("'unit'" in note for note in chunked_run.notes)

    code, out, err = run(capsys, "train", path, "--target", "y", "--chunksize", "64", "--epochs", "2",
                         "-o", tmp_path / "m.bpnn")  # fmt: skip
    assert code == 0, err
    assert bpnn.load(tmp_path / "m.bpnn").schema == memory_run.schema.get_config()
    code, out, err = run(capsys, "info", tmp_path / "m.bpnn")
    assert code == 0, err
    for line in memory_run.schema.lines():
        assert line in out


def test_a_column_constant_only_in_the_first_rows_stays_a_feature(tmp_path, monkeypatch):
    monkeypatch.setattr(chunked, "SCHEMA_ROWS", 50)
    path = with_constant(tmp_path / "t.csv", change_at=400)
    run_ = train_csv_chunks(path, ["y"], 32, cache_dir=tmp_path, **SETTINGS)
    assert pd.read_csv(path)["unit"].nunique() == 2  # as pandas reads the whole file
    assert run_.schema["unit"].role == "number"
    assert run_.model.feature_names == ["x1", "unit", "x2", "x3"]
    memory = bpnn.tables.train_table(read_frame(path), ["y"], **SETTINGS)
    assert run_.schema.get_config() == memory.schema.get_config()


@pytest.mark.parametrize(
    "column, cells, role",
    [("day", [f"2024-01-{d % 28 + 1:02d}" for d in range(500)], "date"),
     ("color", ["red", "green"] * 250, "category")],
)  # fmt: skip
def test_chunksize_refuses_a_column_it_cannot_read_in_one_line(capsys, tmp_path, column, cells, role):
    path = tmp_path / "t.csv"
    frame = pd.read_csv(table(path))
    frame[column] = cells
    frame.to_csv(path, index=False)
    err = error_line(capsys, "train", path, "--target", "y", "--chunksize", "50", "-o", tmp_path / "m.bpnn")
    assert f"column {column!r}" in err and f"a {role} column" in err and "leave out --chunksize" in err
    assert leftovers(tmp_path) == [] and not (tmp_path / "m.bpnn").exists()
