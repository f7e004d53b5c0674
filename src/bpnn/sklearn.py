"""``bpnn.sklearn``: the older import path of :mod:`bpnn.estimators`, kept for users' code."""

from bpnn.estimators import BPClassifier, BPRegressor

__all__ = ["BPClassifier", "BPRegressor"]
