"""The benchmark suite's tables section: its runners on a tiny file, its summary and its docs block."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import cli, tables_read  # noqa: E402


def test_the_table_written_is_what_pandas_reads_back(tmp_path):
    tables_read.write_table(tmp_path / "t.csv", 250, target=True)
    frame = pd.read_csv(tmp_path / "t.csv")
    assert frame.shape == (250, 21) and list(frame.columns[-1:]) == ["y"]
    X = frame.to_numpy()
    np.testing.assert_allclose(X[:, -1], np.tanh(X[:, 0] - X[:, 1]) + 0.5 * X[:, 2] * X[:, 3], rtol=1e-15)


def test_children_read_and_train(tmp_path):
    tables_read.write_table(tmp_path / "t.csv", 400, target=True)
    for kind in tables_read.READERS:
        result = tables_read.child({"kind": kind, "path": str(tmp_path / "t.csv")})
        assert result["rows"] == 400 and result["seconds"] > 0 and result["peak_added"] >= 0
    for kind in tables_read.EPOCHS:
        request = {"kind": kind, "path": str(tmp_path / "t.csv"), "epochs": 3, "chunksize": 100}
        result = tables_read.child(request)
        assert len(result["epochs"]) == 2 and result["seconds"] == np.median(result["epochs"]) > 0
        assert np.isfinite(result["test_r2"]) and result["test_r2"] <= 1
    assert not [name for name in tmp_path.iterdir() if name.name.startswith(".bpnn-cache-")]


def fake_results(read_seconds=(2.0, 2.5, 2.2), epoch_seconds=(0.3, 0.5)):
    runs = {k: [{"seconds": t, "peak_added": 2.4e8}] for k, t in zip(tables_read.READERS, read_seconds)}
    epochs = {k: [{"seconds": t}] for k, t in zip(tables_read.EPOCHS, epoch_seconds)}
    results = {
        "date": "2026-01-02",
        "quick": False,
        "repeats": 1,
        "cores_usable": 2,
        "load_average": [1.0, 1.0, 1.0],
        "read": {"rows": 10**6, "columns": 20, "array_bytes": 1.6e8, "file_bytes": 4e8, "runs": runs},
        "epoch": {"rows": 200_000, "columns": 20, "epochs": 12, "chunksize": 10_000, "runs": epochs},
    }
    results["summary"] = tables_read.summary(results)
    return results


def test_summary_divides_medians_and_judges_the_targets():
    s = fake_results()["summary"]
    verdicts = {v["what"]: v for v in s["verdicts"]}
    assert verdicts["bpnn read_frame: time / pandas' time"]["value"] == 2.5 / 2.0
    assert verdicts["bpnn read_frame: peak memory / the float64 array"]["value"] == 1.5
    assert verdicts["--chunksize epoch / in-memory epoch"]["value"] == 0.5 / 0.3
    assert all(v["met"] for v in verdicts.values())
    slow = {v["what"]: v["met"] for v in fake_results(read_seconds=(1.0, 1.6, 1.2))["summary"]["verdicts"]}
    assert slow["bpnn read_frame: time / pandas' time"] is False and slow["bpnn read_csv: time / pandas' time"]


def test_docs_block_is_replaced_in_place(tmp_path):
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\nthe rest\n")
    tables_read.write_docs(fake_results(), docs)
    tables_read.write_docs(fake_results(epoch_seconds=(0.3, 0.45)), docs)
    text = docs.read_text()
    assert text.startswith("# Benchmarks\n\nthe rest\n") and text.count(tables_read.BEGIN) == 1
    assert "| `--chunksize 10000` | 0.450 | 1.50 |" in text and "2026-01-02" in text


def test_the_tables_section_is_selected_by_its_name():
    assert cli.parse_args(["--section", "tables"]).section == ["tables"]
