"""scikit-learn estimators over the bpnn engine: :class:`BPClassifier` and :class:`BPRegressor`
(``mlp.py``), and their model files (``files.py``)."""

from bpnn.estimators.files import estimator_from_parts
from bpnn.estimators.mlp import BPClassifier, BPRegressor

CLASSES = {"BPClassifier": BPClassifier, "BPRegressor": BPRegressor}


def load_estimator(arrays, metadata, source):
    """Rebuild an estimator from a model file's parts (what ``bpnn.load`` calls for kind "estimator")."""
    return estimator_from_parts(arrays, metadata, source, CLASSES)


__all__ = ["BPClassifier", "BPRegressor", "load_estimator"]
