"""scikit-learn estimators over the bpnn engine: :class:`BPClassifier` and :class:`BPRegressor`
(``mlp.py``), their model files (``files.py``) and their skl2onnx converters
(``onnx_converters.py``, registered here when skl2onnx is already imported)."""

import sys

from bpnn.estimators.files import estimator_from_parts
from bpnn.estimators.mlp import BPClassifier, BPRegressor

if "skl2onnx" in sys.modules:
    import bpnn.estimators.onnx_converters  # noqa: F401  (registers the converters)

CLASSES = {"BPClassifier": BPClassifier, "BPRegressor": BPRegressor}


def load_estimator(arrays, metadata, source):
    """Rebuild an estimator from a model file's parts (what ``bpnn.load`` calls for kind "estimator")."""
    return estimator_from_parts(arrays, metadata, source, CLASSES)


__all__ = ["BPClassifier", "BPRegressor", "load_estimator"]
