"""skl2onnx converters for :class:`BPClassifier` and :class:`BPRegressor`.

With them registered, a scikit-learn ``Pipeline`` that ends in a bpnn estimator converts
like any other::

    import bpnn.estimators.onnx_converters  # registers the converters (needs skl2onnx)
    from skl2onnx import to_onnx

    pipe = Pipeline([("columns", ColumnTransformer(...)), ("net", BPClassifier())]).fit(X, y)
    onx = to_onnx(pipe, X[:1], options={"zipmap": False})

``import bpnn.estimators`` registers them by itself when ``skl2onnx`` has been imported
before it (importing skl2onnx only to register would cost a second or more on every
``import bpnn.estimators``).

The layers are written by the same code as :meth:`BPClassifier.to_onnx`
(:func:`bpnn.io.onnx._network`), here into skl2onnx's graph: the input cast to double,
the dense layers in the network's dtype, then for a classifier the class probabilities
(two classes with one sigmoid output: ``[1 - p, p]``) and the label of the largest, and
for a regressor the inverse of the target scaling. The classifier follows skl2onnx's
conventions: outputs ``label`` and ``probabilities`` (a ZipMap of them unless
``options={"zipmap": False}``).
"""

from __future__ import annotations

from typing import cast

import numpy as np
from onnx import TensorProto, numpy_helper
from skl2onnx import update_registered_converter
from skl2onnx.common.shape_calculator import (
    calculate_linear_classifier_output_shapes,
    calculate_linear_regressor_output_shapes,
)

from bpnn.estimators.mlp import BPClassifier, BPRegressor
from bpnn.io.onnx import _Graph, _label_tensor, _network, _sklearn_inverse

__all__ = ["register"]


class _ContainerGraph:
    """What :func:`bpnn.io.onnx._network` needs of a graph (``name``, ``const``, ``node``),
    writing into skl2onnx's scope and container."""

    def __init__(self, scope, container):
        self.scope, self.container = scope, container

    def name(self, stem: str) -> str:
        return self.scope.get_unique_variable_name(f"bpnn_{stem}")

    def const(self, value, stem: str = "const", dtype=None) -> str:
        array = np.asarray(value, dtype=dtype)
        if array.dtype.kind == "U":
            array = array.astype(object)
        name = self.name(stem)
        if array.dtype == object:  # strings: skl2onnx copies only the raw data of a TensorProto
            self.container.add_initializer(name, TensorProto.STRING, list(array.shape), [str(v) for v in array.ravel()])
        else:
            self.container.add_initializer(name, None, None, numpy_helper.from_array(array, name))
        return name

    def node(self, op: str, inputs: list[str], stem: str | None = None, output: str | None = None, **attrs) -> str:
        out = output or self.name(stem or op.lower())
        self.container.add_node(op, inputs, [out], name=self.scope.get_unique_operator_name(f"bpnn_{op}"), **attrs)
        return out


def _layers(scope, operator, container) -> tuple[_ContainerGraph, str]:
    estimator = operator.raw_operator
    estimator._adopt_coefs()
    g = _ContainerGraph(scope, container)
    x = g.node("Cast", [operator.inputs[0].full_name], "x", to=TensorProto.DOUBLE)
    return g, _network(cast(_Graph, g), x, estimator.network_)  # duck-typed: name, const, node


def _convert_classifier(scope, operator, container) -> None:
    estimator = operator.raw_operator
    if estimator._kind() in ("single", "multilabel"):
        raise ValueError(
            f"Cannot convert a BPClassifier fitted on a {estimator._kind()} target: ONNX classifiers give "
            "one label per row from two or more classes."
        )
    g, out = _layers(scope, operator, container)
    if estimator.network_.n_outputs == 1:
        one_minus = g.node("Sub", [g.const(np.array([[1.0]])), out], "negative")
        out = g.node("Concat", [one_minus, out], "proba", axis=1)
    index = g.node("ArgMax", [out], "index", axis=1, keepdims=0)
    labels, _ = _label_tensor(np.asarray(estimator.classes_))
    g.node("Gather", [g.const(labels), index], output=operator.outputs[0].full_name, axis=0)
    g.node("Cast", [out], output=operator.outputs[1].full_name, to=TensorProto.FLOAT)


def _convert_regressor(scope, operator, container) -> None:
    estimator = operator.raw_operator
    g, out = _layers(scope, operator, container)
    if getattr(estimator, "target_scaler_", None) is not None:
        out = _sklearn_inverse(cast(_Graph, g), out, estimator.target_scaler_)
    g.node("Cast", [out], output=operator.outputs[0].full_name, to=TensorProto.FLOAT)


def _regressor_shapes(operator) -> None:
    calculate_linear_regressor_output_shapes(operator)
    n_outputs = operator.raw_operator.network_.n_outputs
    operator.outputs[0].type.shape = [None, n_outputs]


def register() -> None:
    """Register the converters with skl2onnx (done when this module is imported)."""
    update_registered_converter(
        BPClassifier,
        "BpnnBPClassifier",
        calculate_linear_classifier_output_shapes,
        _convert_classifier,
        options={"zipmap": [True, False, "columns"], "nocl": [True, False]},
    )
    update_registered_converter(BPRegressor, "BpnnBPRegressor", _regressor_shapes, _convert_regressor)


register()
