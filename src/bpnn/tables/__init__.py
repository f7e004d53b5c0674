"""The table workflow behind ``bpnn train``: a table in, a split, scaling, training with a
validation stop, metrics per split and a :class:`bpnn.io.model.Model` out (``workflow.py``;
``chunked.py`` for tables larger than memory)."""

from bpnn.tables.workflow import SPLITS, TrainingRun, train_table

__all__ = ["SPLITS", "TrainingRun", "train_table"]
