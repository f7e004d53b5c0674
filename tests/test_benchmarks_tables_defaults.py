"""The table-defaults benchmark runs and scores both sides on the same test rows (no timing checked)."""

import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `benchmarks/` sits next to `src/`, not inside the package
    sys.path.insert(0, str(REPO))

from benchmarks import tables_defaults  # noqa: E402


def test_iris_both_sides_on_the_test_rows_of_bpnns_split():
    df, target = tables_defaults.load_table("iris")
    assert df.shape == (150, 5) and set(df[target]) == {"setosa", "versicolor", "virginica"}
    (row,) = tables_defaults.measure(["iris"], seeds=(0,))
    assert row["test_rows"] == 24 and row["metric"] == "accuracy"  # 15% of each class of 50: 8 rows, 3 classes
    for side in ("bpnn", "sklearn"):
        (score,) = row["scores"][side]
        assert 0.8 <= score <= 1 and np.isclose(score * 24, round(score * 24))  # a count of the 24 rows
