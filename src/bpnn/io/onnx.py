"""ONNX export: a bpnn model as a graph that onnxruntime (and every ONNX runtime) can run.

The graph is built node by node with the ``onnx`` package's helper API; a
feed-forward network is a few ``MatMul``/``Add``/activation nodes, and the scaling,
the encoding of text columns and the imputation of missing cells are a few more, so
nothing outside bpnn decides what the graph computes. What goes in and out:

* **inputs**: for a model whose features are all numbers (or true/false as 0/1),
  one ``float`` tensor named ``input`` of shape [N, n_features], columns in the
  model's feature order, NaN for a missing cell. A model with text columns takes
  one input per feature column, named after it, of shape [N, 1]: ``float`` for
  number columns, ``string`` for text columns (an empty string is a missing cell).
* **outputs**: ``label`` [N] (the original class labels: string, int64, float or
  bool) and ``probabilities`` [N, n_classes] for classifiers; ``prediction``
  [N, n_targets] for regressors ([N] for a ``BPRegressor`` fitted on a 1-D ``y``).

Inside, everything runs in float64 (the network in its own dtype), as
:meth:`bpnn.io.model.Model.predict` does; only the graph's float inputs and outputs
are float32 (``dtype="float64"`` makes them double). A graph cannot raise an error,
so it treats a category unseen in training as ``--unknown ignore`` does (all
one-hot columns 0, ordinal code -1; the ``infrequent`` input of a column that has
one), and a missing cell of a model trained without imputation gives NaN outputs;
with imputation every column has a fill value, so a row with gaps in every column
gives what ``bpnn predict`` gives. A date column is a ``string`` input read by
``StringSplit`` (opset 20 for such a graph) in the format stored in the model, for the
numeric formats (ISO 8601, ``2007/11/28``, ``11/28/2007``, ``28/11/2007``,
``28.11.2007``, with or without a time); one with month names is refused.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from bpnn.core.activations import ACTIVATIONS
from bpnn.core.network import Network
from bpnn.io.container import atomic_write
from bpnn.io.model import Model, network_to_parts
from bpnn.io.scaling import MinMaxScaler, NoScaler, StandardScaler

__all__ = ["table_model_to_onnx", "network_to_onnx", "estimator_to_onnx", "save_onnx", "OPSET"]

_OUTPUT_NAMES = ("label", "probabilities", "prediction", "output")

#: ai.onnx opset of the graphs (19: Equal on strings) and the IR version (9: onnxruntime >= 1.16).
OPSET = 19
#: The opset of a graph that reads dates from text (20: StringSplit, StringConcat).
DATE_OPSET = 20
IR_VERSION = 9


def _onnx():
    try:
        import onnx
    except ImportError:
        raise ImportError(
            "ONNX export needs the onnx package (bpnn's 'onnx' extra); install it with: pip install onnx"
        ) from None
    return onnx


class _Graph:
    """Collects nodes, constants, inputs and outputs, naming every intermediate tensor uniquely."""

    def __init__(self):
        self.onnx = _onnx()
        self.helper = self.onnx.helper
        self.nodes: list = []
        self.initializers: list = []
        self.inputs: list = []
        self.outputs: list = []
        self._count = 0
        self.opset = OPSET  # raised to DATE_OPSET by a date column

    def name(self, stem: str) -> str:
        # "bpnn." in front: no clash with an input named after a column
        self._count += 1
        return f"bpnn.{stem}_{self._count}"

    def const(self, value, stem: str = "const", dtype=None) -> str:
        from onnx import numpy_helper

        array = np.asarray(value, dtype=dtype)
        if array.dtype.kind == "U":
            array = array.astype(object)
        name = self.name(stem)
        self.initializers.append(numpy_helper.from_array(array, name))
        return name

    def node(self, op: str, inputs: list[str], stem: str | None = None, output: str | None = None, **attrs) -> str:
        out = output or self.name(stem or op.lower())
        self.nodes.append(self.helper.make_node(op, inputs, [out], name=self.name(op), **attrs))
        return out

    def input(self, name: str, elem_type: int, shape: list) -> str:
        if name in _OUTPUT_NAMES or name.startswith("bpnn."):
            raise ValueError(
                f"Cannot export to ONNX: the feature column {name!r} would have the name of one of the graph's "
                f"outputs or internal values ({', '.join(_OUTPUT_NAMES)}, bpnn.*); rename the column and train again."
            )
        self.inputs.append(self.helper.make_tensor_value_info(name, elem_type, shape))
        return name

    def output(self, name: str, elem_type: int, shape: list) -> None:
        self.outputs.append(self.helper.make_tensor_value_info(name, elem_type, shape))

    def model(self, doc: str, metadata: dict[str, str]):
        helper = self.helper
        graph = helper.make_graph(self.nodes, "bpnn", self.inputs, self.outputs, self.initializers)
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", self.opset)],
            producer_name="bpnn",
            producer_version=metadata.get("bpnn_version", ""),
            doc_string=doc,
        )
        model.ir_version = IR_VERSION
        helper.set_model_props(model, metadata)
        try:
            self.onnx.checker.check_model(model, full_check=True)
        except Exception as exc:  # onnx's ValidationError and shape-inference errors: a bug of ours, said in one line
            raise ValueError(f"the ONNX graph failed onnx's checker: {' '.join(str(exc).split())}") from None
        return model


def _float_type(dtype: str) -> tuple[int, Any]:
    from onnx import TensorProto

    if dtype == "float32":
        return TensorProto.FLOAT, np.float32
    if dtype == "float64":
        return TensorProto.DOUBLE, np.float64
    raise ValueError(f"dtype must be 'float32' or 'float64'; got {dtype!r}")


# --------------------------------------------------------------------------- #
# The pieces


def _numeric_input(g: _Graph, n_features: int, io_type: int) -> str:
    from onnx import TensorProto

    x = g.input("input", io_type, ["N", n_features])
    return g.node("Cast", [x], "x", to=TensorProto.DOUBLE)


def _encoded_inputs(g: _Graph, encoder, io_type: int) -> str:
    """The encoder's output (double [N, n_encoded]) from one input per column, or from ``input``."""
    from onnx import TensorProto

    if encoder.numeric_only:
        x = _numeric_input(g, len(encoder.columns), io_type)
        fills = [np.nan if c["fill"] is None else float(c["fill"]) for c in encoder.columns]
        if all(np.isnan(fills)):
            return x
        # Where(IsNaN(x), fill, x): a column without a fill value keeps its NaN.
        return g.node("Where", [g.node("IsNaN", [x]), g.const(np.array([fills])), x], "imputed")
    parts = []
    for c in encoder.columns:
        name = c["name"]
        if c["kind"] in ("number", "bool"):
            x = g.node("Cast", [g.input(name, io_type, ["N", 1])], "x", to=TensorProto.DOUBLE)
            if c["fill"] is not None:
                x = g.node("Where", [g.node("IsNaN", [x]), g.const(np.array([[float(c["fill"])]])), x], "imputed")
            parts.append(x)
            continue
        if c["kind"] == "date":
            parts.append(_date_parts(g, c))
            continue
        s = g.input(name, TensorProto.STRING, ["N", 1])
        if c["fill"] is not None:
            empty = g.node("Equal", [s, g.const(np.array([[""]], dtype=object))], "empty")
            s = g.node("Where", [empty, g.const(np.array([[c["fill"]]], dtype=object)), s], "filled")
        cats = np.array([c["categories"]], dtype=object)
        onehot = g.node("Cast", [g.node("Equal", [s, g.const(cats)], "match")], "onehot", to=TensorProto.DOUBLE)
        if c["kind"] == "onehot":
            parts.append(onehot)
            if c.get("infrequent"):  # 1 where no kept category matched: a rare or unseen one
                known = g.node("ReduceSum", [onehot, g.const(np.array([1], dtype=np.int64))], "known", keepdims=1)
                parts.append(g.node("Sub", [g.const(np.array([[1.0]])), known], "infrequent"))
            continue
        # ordinal: index of the match, or -1 when nothing matched (known = 0)
        k = len(c["categories"])
        code = g.node("MatMul", [onehot, g.const(np.arange(k, dtype=np.float64).reshape(k, 1))], "code")
        known = g.node("MatMul", [onehot, g.const(np.ones((k, 1)))], "known")
        parts.append(g.node("Add", [code, g.node("Sub", [known, g.const(np.array([[1.0]]))])], "ordinal"))
    return parts[0] if len(parts) == 1 else g.node("Concat", parts, "encoded", axis=1)


#: Per date format the graph reads: the separator of the date and where year, month and day are.
_DATE_LAYOUTS = {"ISO8601": ("-", (0, 1, 2)), "%Y/%m/%d": ("/", (0, 1, 2)), "%m/%d/%Y": ("/", (2, 0, 1)),
                 "%d/%m/%Y": ("/", (2, 1, 0)), "%d.%m.%Y": (".", (2, 1, 0))}  # fmt: skip


def _date_parts(g: _Graph, c: dict) -> str:
    """The calendar parts (double [N, n_parts]) of a date column given as text [N, 1], as
    :func:`bpnn.io.dates.calendar_parts` reads them: the text split at the date's separator,
    the space (or ISO's ``T``) and the colons, the pieces cast to numbers, the weekday from
    the day count of the proleptic Gregorian calendar; an empty cell gives the fill values."""
    from onnx import TensorProto

    name, fmt = c["name"], c["format"]
    date_fmt, _, time_fmt = fmt.partition(" ")
    if date_fmt not in _DATE_LAYOUTS or time_fmt not in ("", "%H:%M", "%H:%M:%S"):
        raise ValueError(
            f"Cannot export to ONNX: the column {name!r} holds dates written {fmt}, which the graph cannot read "
            f"(it reads {', '.join(_DATE_LAYOUTS)}, with or without a time); train with --role {name}=ignored, "
            "or use bpnn predict."
        )
    g.opset = DATE_OPSET
    sep, order = _DATE_LAYOUTS[date_fmt]
    s = g.input(name, TensorProto.STRING, ["N", 1])
    empty = g.node("Equal", [s, g.const(np.array([[""]], dtype=object))], "empty")
    s = g.node("Where", [empty, g.const(np.array([["2000" + sep + "01" + sep + "01"]], dtype=object)), s])

    def split(text: str, delimiter: str) -> str:  # [N, 1] -> [N, 1, k]
        pieces = g.name("pieces")
        g.nodes.append(g.helper.make_node("StringSplit", [text], [pieces, g.name("counts")],
                                          name=g.name("StringSplit"), delimiter=delimiter))  # fmt: skip
        return pieces

    def piece(pieces: str, k: int) -> str:  # [N, 1, k] -> [N, 1]
        return g.node("Gather", [pieces, g.const(np.array(k, dtype=np.int64))], "piece", axis=2)

    # "date time" or ISO's "dateTtime": a colon after the text makes every time split
    halves = split(g.node("StringConcat", [s, g.const(np.array([[" :"]], dtype=object))], "spaced"), " ")
    day, clock = piece(halves, 0), piece(halves, 1)
    if fmt == "ISO8601":
        t_halves = split(g.node("StringConcat", [day, g.const(np.array([["T:"]], dtype=object))], "t"), "T")
        day = piece(t_halves, 0)
        t_clock = piece(t_halves, 1)
        no_t = g.node("Equal", [t_clock, g.const(np.array([[":"]], dtype=object))], "no_t")
        clock = g.node("Where", [no_t, clock, t_clock], "clock")
    ymd = split(day, sep)
    numbers = {
        part: g.node("Cast", [piece(ymd, k)], part, to=TensorProto.DOUBLE)
        for part, k in zip(("year", "month", "day"), order)
    }
    hour = piece(split(clock, ":"), 0)
    hour = g.node("Where", [g.node("Equal", [hour, g.const(np.array([[""]], dtype=object))]),
                            g.const(np.array([["0"]], dtype=object)), hour], "hour_text")  # fmt: skip
    numbers["hour"] = g.node("Cast", [hour], "hour", to=TensorProto.DOUBLE)
    numbers["weekday"] = _weekday(g, numbers["year"], numbers["month"], numbers["day"])
    out = g.node("Concat", [numbers[p] for p in c["parts"]], "calendar", axis=1)
    fill = np.array([[np.nan] * len(c["parts"]) if c["fill"] is None else c["fill"]], dtype=np.float64)
    return g.node("Where", [empty, g.const(fill), out], "dates")


def _weekday(g: _Graph, year: str, month: str, day: str) -> str:
    """0 = Monday ... 6 = Sunday, from the days since 1970-01-01 (a Thursday) by the civil-from-days
    count of the proleptic Gregorian calendar, in doubles (exact for any year of four digits)."""
    from onnx import TensorProto

    def c(v: float) -> str:
        return g.const(np.array([[v]]))

    def floor_div(a: str, b: float) -> str:
        return g.node("Floor", [g.node("Div", [a, c(b)])])

    march = g.node("Cast", [g.node("LessOrEqual", [month, c(2.0)])], to=TensorProto.DOUBLE)  # 1 for Jan, Feb
    y = g.node("Sub", [year, march])
    era = floor_div(y, 400.0)
    yoe = g.node("Sub", [y, g.node("Mul", [era, c(400.0)])])
    shifted = g.node("Sub", [g.node("Add", [month, g.node("Mul", [march, c(12.0)])]), c(3.0)])  # March = 0
    doy = g.node("Add", [floor_div(g.node("Add", [g.node("Mul", [shifted, c(153.0)]), c(2.0)]), 5.0),
                         g.node("Sub", [day, c(1.0)])])  # fmt: skip
    doe = g.node("Add", [g.node("Sub", [g.node("Add", [g.node("Mul", [yoe, c(365.0)]), floor_div(yoe, 4.0)]),
                                        floor_div(yoe, 100.0)]), doy])  # fmt: skip
    days = g.node("Sub", [g.node("Add", [g.node("Mul", [era, c(146097.0)]), doe]), c(719468.0 - 3.0)])
    return g.node("Sub", [days, g.node("Mul", [floor_div(days, 7.0), c(7.0)])], "weekday")


def _scale(g: _Graph, x: str, scaler) -> str:
    """The input scaling, in the order of operations of :mod:`bpnn.io.scaling`."""
    if scaler is None or isinstance(scaler, NoScaler):
        return x
    if isinstance(scaler, MinMaxScaler):
        offset, gain, low = scaler._affine()
        z = g.node("Mul", [g.node("Sub", [x, g.const(offset)]), g.const(gain)])
        return g.node("Add", [z, g.const(np.array(float(low)))], "scaled")
    if isinstance(scaler, StandardScaler):
        return g.node("Div", [g.node("Sub", [x, g.const(scaler.mean_)]), g.const(scaler.scale_)], "scaled")
    raise ValueError(f"Cannot export a {type(scaler).__name__} to ONNX; only minmax, standard and none scaling.")


def _unscale(g: _Graph, z: str, scaler) -> str:
    """The inverse target scaling of a table model."""
    if scaler is None or isinstance(scaler, NoScaler):
        return z
    if isinstance(scaler, MinMaxScaler):
        offset, gain, low = scaler._affine()
        y = g.node("Div", [g.node("Sub", [z, g.const(np.array(float(low)))]), g.const(gain)])
        return g.node("Add", [y, g.const(offset)], "unscaled")
    if isinstance(scaler, StandardScaler):
        return g.node("Add", [g.node("Mul", [z, g.const(scaler.scale_)]), g.const(scaler.mean_)], "unscaled")
    raise ValueError(f"Cannot export a {type(scaler).__name__} to ONNX; only minmax, standard and none scaling.")


def _network(g: _Graph, x: str, net: Network) -> str:
    """The dense layers (dropout is skipped, as at predict time), in the network's dtype; returns double."""
    from onnx import TensorProto

    _, config = network_to_parts(net)  # refuses user-defined pieces with a clear message
    net_type = TensorProto.FLOAT if net.dtype == np.float32 else TensorProto.DOUBLE
    a = x if net_type == TensorProto.DOUBLE else g.node("Cast", [x], "a", to=net_type)
    for i, layer in enumerate(net.layers):
        if type(layer).__name__ == "Dropout":
            continue
        spec = config["layers"][i]
        z = g.node("MatMul", [a, g.const(layer.weights)], f"layer{i}_matmul")
        if layer.bias is not None:
            z = g.node("Add", [z, g.const(layer.bias)], f"layer{i}_z")
        # the activation's own nodes, from its registry entry (its ``onnx`` capability)
        build = ACTIVATIONS.require(spec["activation"], "onnx", "The ONNX export")
        a = build(g, z, layer.activation, net.dtype)
    return a if net_type == TensorProto.DOUBLE else g.node("Cast", [a], "out", to=TensorProto.DOUBLE)


def _label_tensor(classes: np.ndarray) -> tuple[np.ndarray, int]:
    from onnx import TensorProto

    kind = classes.dtype.kind
    if kind in "US":
        return classes.astype(object), TensorProto.STRING
    if kind == "O":
        return np.array([str(c) for c in classes], dtype=object), TensorProto.STRING
    if kind == "b":
        return classes.astype(bool), TensorProto.BOOL
    if kind in "iu":
        return classes.astype(np.int64), TensorProto.INT64
    return classes.astype(np.float64), TensorProto.DOUBLE


def _classifier_outputs(g: _Graph, proba: str, classes: np.ndarray, io_type: int) -> None:
    from onnx import TensorProto

    index = g.node("ArgMax", [proba], "index", axis=1, keepdims=0)
    labels, label_type = _label_tensor(np.asarray(classes))
    g.node("Gather", [g.const(labels), index], output="label", axis=0)
    g.node("Cast", [proba], output="probabilities", to=io_type)
    g.output("label", label_type, ["N"])
    g.output("probabilities", io_type, ["N", len(classes)])
    del TensorProto


def _metadata(**values) -> dict[str, str]:
    import json

    from bpnn.io.container import _bpnn_version

    out = {"bpnn_version": _bpnn_version()}
    out.update({k: json.dumps(v) for k, v in values.items()})
    return out


# --------------------------------------------------------------------------- #
# Entry points


def table_model_to_onnx(model: Model, dtype: str = "float32"):
    """The ONNX graph of a table :class:`~bpnn.io.model.Model` (scaling, encoding, imputation included).

    Parameters
    ----------
    model : Model
    dtype : {"float32", "float64"}, default="float32"
        Type of the float inputs and outputs.

    Returns
    -------
    onnx.ModelProto
    """
    io_type, _ = _float_type(dtype)
    g = _Graph()
    if model.encoder is None:
        x = _numeric_input(g, model.n_features, io_type)
    else:
        x = _encoded_inputs(g, model.encoder, io_type)
    out = _network(g, _scale(g, x, model.x_scaler), model.network)
    if model.task == "classification":
        _classifier_outputs(g, out, model.classes, io_type)
    else:
        g.node("Cast", [_unscale(g, out, model.y_scaler)], output="prediction", to=io_type)
        g.output("prediction", io_type, ["N", len(model.target_names)])
    doc = f"bpnn {model.task} model: features {', '.join(model.feature_names)} -> {', '.join(model.target_names)}"
    meta = _metadata(features=model.feature_names, targets=model.target_names, task=model.task)
    return g.model(doc, meta)


def estimator_to_onnx(
    network: Network,
    n_features: int,
    *,
    classes=None,
    target_scaler=None,
    one_dimensional: bool = False,
    dtype: str = "float32",
):
    """The ONNX graph of a fitted ``BPClassifier`` (``classes``) or ``BPRegressor`` (``target_scaler``).

    Parameters
    ----------
    network : Network
        The estimator's ``network_``; it takes the raw features.
    n_features : int
    classes : array of shape (n_classes,), optional
        The classifier's ``classes_``. Two classes and one sigmoid output give
        probabilities ``[1 - p, p]``, as ``predict_proba`` does.
    target_scaler : scikit-learn MinMaxScaler or StandardScaler, optional
        The regressor's ``target_scaler_``; its inverse is applied to the outputs.
    one_dimensional : bool, default=False
        The regressor was fitted on a 1-D ``y``: ``prediction`` has shape [N].
    dtype : {"float32", "float64"}, default="float32"
    """
    io_type, _ = _float_type(dtype)
    g = _Graph()
    out = _network(g, _numeric_input(g, n_features, io_type), network)
    if classes is not None:
        if network.n_outputs == 1:
            one_minus = g.node("Sub", [g.const(np.array([[1.0]])), out], "negative")
            out = g.node("Concat", [one_minus, out], "proba", axis=1)
        _classifier_outputs(g, out, np.asarray(classes), io_type)
        doc, meta = "bpnn BPClassifier", _metadata(estimator="BPClassifier")
    else:
        if target_scaler is not None:
            out = _sklearn_inverse(g, out, target_scaler)
        if one_dimensional:
            out = g.node("Reshape", [out, g.const(np.array([-1], dtype=np.int64))], "flat")
        g.node("Cast", [out], output="prediction", to=io_type)
        g.output("prediction", io_type, ["N"] if one_dimensional else ["N", network.n_outputs])
        doc, meta = "bpnn BPRegressor", _metadata(estimator="BPRegressor")
    return g.model(doc, meta)


def _sklearn_inverse(g: _Graph, z: str, scaler) -> str:
    """scikit-learn's ``inverse_transform`` of a MinMaxScaler or StandardScaler, as nodes."""
    name = type(scaler).__name__
    if name == "MinMaxScaler":  # X = (Z - min_) / scale_
        return g.node("Div", [g.node("Sub", [z, g.const(scaler.min_)]), g.const(scaler.scale_)], "unscaled")
    if name == "StandardScaler":  # X = Z * scale_ + mean_
        y = z
        if scaler.scale_ is not None:
            y = g.node("Mul", [y, g.const(scaler.scale_)])
        if scaler.mean_ is not None and getattr(scaler, "with_mean", True):
            y = g.node("Add", [y, g.const(scaler.mean_)])
        return y
    raise ValueError(f"Cannot export a target scaler {name} to ONNX.")


def network_to_onnx(network: Network, dtype: str = "float32"):
    """The ONNX graph of a bare network: ``input`` [N, n_inputs] -> ``output`` [N, n_outputs], its raw outputs."""
    io_type, _ = _float_type(dtype)
    g = _Graph()
    out = _network(g, _numeric_input(g, network.n_inputs, io_type), network)
    g.node("Cast", [out], output="output", to=io_type)
    g.output("output", io_type, ["N", network.n_outputs])
    return g.model("bpnn network", _metadata())


def save_onnx(obj, path, dtype: str = "float32") -> str:
    """Write the ONNX graph of ``obj`` to ``path`` atomically and return the path.

    Parameters
    ----------
    obj : Model, Network, BPClassifier or BPRegressor
        Estimators are recognised by their ``to_onnx`` method.
    path : str or path-like
    dtype : {"float32", "float64"}, default="float32"
    """
    if isinstance(obj, Model):
        proto = table_model_to_onnx(obj, dtype)
    elif isinstance(obj, Network):
        proto = network_to_onnx(obj, dtype)
    elif callable(getattr(obj, "to_onnx", None)):
        proto = obj.to_onnx(dtype=dtype)
    else:
        raise TypeError(f"Cannot export a {type(obj).__name__} to ONNX.")
    with atomic_write(path, "wb") as f:
        f.write(proto.SerializeToString())
    return os.fspath(path)
