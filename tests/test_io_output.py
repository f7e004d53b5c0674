"""Where predictions and files go: ``-o -``, symbolic links, FIFOs and devices.

A regular file is replaced atomically (tests/test_io_container.py); a symbolic link stays a
link and its target is replaced; a FIFO or a device is written in place, never renamed over.
"""

import csv
import io
import os
import stat
import threading
from pathlib import Path

import numpy as np
import pytest

from bpnn.io.container import atomic_write
from cli_helpers import run

ROOT = Path(__file__).resolve().parents[1]
REGRESSION = ROOT / "examples" / "data" / "regression.csv"


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    from bpnn.cli.main import main

    folder = tmp_path_factory.mktemp("out")
    argv = ["train", str(REGRESSION), "--target", "period_s", "-o", str(folder / "m.bpnn"), "--epochs", "3", "-q"]
    assert main(argv) == 0
    return folder / "m.bpnn"


def read_fifo(path, into):
    """Read a FIFO to its end in a thread (opening it blocks until a writer opens it)."""

    def reader():
        with open(path) as f:
            into.append(f.read())

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    return thread


def test_atomic_write_replaces_a_symlinks_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real" / "data.txt"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    old_inode = target.stat().st_ino
    with atomic_write(link, "w") as f:
        f.write("new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new" and target.stat().st_ino != old_inode  # replaced, not rewritten
    assert sorted(os.listdir(target.parent)) == ["data.txt"] and sorted(os.listdir(tmp_path)) == ["link.txt", "real"]


def test_atomic_write_writes_a_fifo_in_place(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    thread = read_fifo(fifo, got)
    with atomic_write(fifo, "w") as f:
        f.write("through the pipe")
    thread.join(10)
    assert got == ["through the pipe"]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a FIFO, not a regular file put in its place
    assert os.listdir(tmp_path) == ["pipe"]


def test_predict_dash_writes_csv_to_standard_output(capsys, model):
    code, default, _ = run(capsys, "predict", model, REGRESSION)
    code_dash, out, err = run(capsys, "predict", model, REGRESSION, "-o", "-")
    assert code == code_dash == 0 and err == ""
    assert out == default and not os.path.exists("-")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["period_s"] and len(rows) == 301
    assert np.isfinite(np.array(rows[1:], dtype=float)).all()


def test_predict_onto_a_symlink_and_onto_a_fifo(capsys, model, tmp_path):
    _, expected, _ = run(capsys, "predict", model, REGRESSION)
    target = tmp_path / "predictions.csv"
    target.write_text("old")
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    code, out, _ = run(capsys, "predict", model, REGRESSION, "-o", link)
    assert code == 0 and f"wrote {link}: 300 rows" in out
    assert link.is_symlink() and target.read_text() == expected

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    thread = read_fifo(fifo, got)
    code, out, err = run(capsys, "predict", model, REGRESSION, "-o", fifo)
    thread.join(10)
    assert code == 0 and got == [expected]
    assert out == "" and f"wrote {fifo}: 300 rows" in err  # the note is kept out of what may be the data
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
