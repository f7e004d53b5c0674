"""Export a trained model as a standalone Python file (MATLAB's ``genFunction``).

The file needs NumPy and nothing else: the weights are written into it as Python
literals (``repr`` of each float, which reads back to the identical number), the
scaling and the activations are written out as the formulas bpnn uses, in the same
order of operations, so the file's ``predict`` gives the same numbers as
:meth:`bpnn.Model.predict` (the tests hold it to 1e-12; in practice the results
are bit-identical). It can be imported (``from predict_model import predict``) or
run on a CSV file (``python predict_model.py new.csv > predictions.csv``).
"""

from __future__ import annotations

import numpy as np

from bpnn.core.activations import ACTIVATIONS
from bpnn.core.network import Network
from bpnn.io.model import Model, network_to_parts
from bpnn.io.scaling import MinMaxScaler, NoScaler, StandardScaler

__all__ = ["export_python"]


def _activation_call(name: str, config: dict) -> str:
    """How the exported file applies the activation ``name`` to ``z``: ``"z"`` for the identity,
    else a call of the NumPy function its registry entry writes out (its ``python`` capability,
    a function of the same name), with the activation's settings as keywords."""
    source = ACTIVATIONS.require(name, "python", "The Python export")
    if source == "":  # nothing to write out: a = z
        return "z"
    function = ACTIVATIONS.canonical(name)
    settings = "".join(f", {key}={value!r}" for key, value in config.items())
    return f"{function}(z{settings})"


def _literal(array: np.ndarray) -> str:
    """A NumPy array as a readable Python literal whose floats read back exactly (one row a line)."""
    array = np.asarray(array, dtype=np.float64)
    if array.ndim == 1:
        return "[" + ", ".join(repr(float(v)) for v in array) + "]"
    return "[\n" + "".join("    " + _literal(row) + ",\n" for row in array) + "]"


def _scaler_lines(prefix: str, scaler) -> tuple[list[str], str, str]:
    """Constants, the forward formula on ``{x}`` and the inverse formula on ``{z}``."""
    if scaler is None or isinstance(scaler, NoScaler):
        return [f"# {prefix}: no scaling"], "{x}", "{z}"
    if isinstance(scaler, MinMaxScaler):
        offset, gain, low = scaler._affine()
        lines = [
            f"# {prefix}: min-max scaling to {list(scaler.feature_range)} (MATLAB's mapminmax):",
            f"#   z = (x - {prefix}_OFFSET) * {prefix}_GAIN + {prefix}_LOW",
            f"{prefix}_OFFSET = np.array({_literal(offset)})",
            f"{prefix}_GAIN = np.array({_literal(gain)})",
            f"{prefix}_LOW = {float(low)!r}",
        ]
        return (
            lines,
            f"({{x}} - {prefix}_OFFSET) * {prefix}_GAIN + {prefix}_LOW",
            f"({{z}} - {prefix}_LOW) / {prefix}_GAIN + {prefix}_OFFSET",
        )
    if isinstance(scaler, StandardScaler):
        lines = [
            f"# {prefix}: standard scaling, z = (x - {prefix}_MEAN) / {prefix}_SCALE",
            f"{prefix}_MEAN = np.array({_literal(scaler.mean_)})",
            f"{prefix}_SCALE = np.array({_literal(scaler.scale_)})",
        ]
        return lines, f"({{x}} - {prefix}_MEAN) / {prefix}_SCALE", f"{{z}} * {prefix}_SCALE + {prefix}_MEAN"
    raise ValueError(f"Cannot export a {type(scaler).__name__}; only minmax, standard and none scaling.")


def _label_literal(value) -> str:
    if isinstance(value, (str, np.str_, bool, np.bool_)):
        return repr(value.item() if isinstance(value, np.generic) else value)
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _fill_lines(model: Model | None) -> tuple[list[str], list[str]]:
    """Constants and code for a model's imputation; an error for text columns, which this export cannot encode."""
    encoder = None if model is None else model.encoder
    if encoder is None:
        return [], []
    if not encoder.numeric_only:
        raise ValueError(
            f"The Python export takes numbers only; this model has text columns "
            f"({', '.join(map(repr, encoder.text_columns))}). Use --format onnx, which encodes them."
        )
    fills = [np.nan if c["fill"] is None else float(c["fill"]) for c in encoder.columns]
    if all(np.isnan(fills)):
        return [], []
    literal = "[" + ", ".join("np.nan" if np.isnan(f) else repr(f) for f in fills) + "]"
    lines = [
        f"# Missing inputs (NaN) are filled with the {encoder.impute} of the training rows:",
        f"FILL = np.array({literal})",
    ]
    return lines, ["    X = np.where(np.isnan(X), FILL, X)"]


def export_python(model, source: str = "a bpnn model", module: str = "predict_model") -> str:
    """The source code of a standalone predictor for ``model``.

    Parameters
    ----------
    model : Model or Network
        A table model (scaling and labels included) or a bare network (raw outputs).
    source : str, default="a bpnn model"
        Where the model came from, for the file's docstring.
    module : str, default="predict_model"
        The name the file will be imported by, for the usage lines of its docstring.

    Returns
    -------
    str
        Python source that defines ``FEATURES``, ``predict(X)`` (and ``predict_proba``
        for classification) and a ``main`` that reads a CSV file.

    Raises
    ------
    ValueError
        If the network has layers other than Dense (dropout is dropped, as at predict
        time) or activations bpnn cannot write out.
    """
    from bpnn.io.container import _bpnn_version

    if isinstance(model, Network):
        net, x_scaler, y_scaler = model, None, None
        features = [f"x{i}" for i in range(net.n_inputs)]
        targets = [f"y{j}" for j in range(net.n_outputs)]
        task, classes = "network", None
    elif isinstance(model, Model):
        net, x_scaler, y_scaler = model.network, model.x_scaler, model.y_scaler
        features, targets, task, classes = model.feature_names, model.target_names, model.task, model.classes
    else:
        raise TypeError(f"export_python takes a bpnn Model or Network; got {type(model).__name__}.")
    _, config = network_to_parts(net)  # refuses user-defined pieces with a clear message
    dtype = net.dtype.name

    fill_lines, fill_body = _fill_lines(model if isinstance(model, Model) else None)
    x_lines, x_forward, _ = _scaler_lines("X", x_scaler)
    x_lines = fill_lines + x_lines
    y_lines, _, y_inverse = _scaler_lines("Y", y_scaler) if task == "regression" else ([], "", "")
    layer_lines, body, used = [], [], []
    dense = [(i, layer) for i, layer in enumerate(net.layers) if type(layer).__name__ != "Dropout"]
    for n, (i, layer) in enumerate(dense, start=1):
        spec = config["layers"][i]
        act = spec["activation"]
        layer_lines.append(f"# Layer {n}: {layer.n_in} inputs -> {layer.n_out} neurons, activation {act}")
        layer_lines.append(f"W{n} = np.array({_literal(layer.weights)}, dtype=DTYPE)  # shape {layer.weights.shape}")
        line = f"    z = a @ W{n}"
        if layer.bias is not None:
            layer_lines.append(f"B{n} = np.array({_literal(layer.bias)}, dtype=DTYPE)")
            line += f"\n    z += B{n}"
        layer_lines.append("")
        call = _activation_call(act, spec["activation_config"])
        if call != "z" and ACTIVATIONS.canonical(act) not in used:
            used.append(ACTIVATIONS.canonical(act))
        body.append(f"{line}\n    a = {call}")

    version = _bpnn_version()
    doc_task = {
        "regression": f"regression of {', '.join(targets)}",
        "classification": f"classification of {targets[0]} into classes {', '.join(_label_literal(c) for c in classes)}"
        if classes is not None
        else "",
        "network": "the raw outputs of a bpnn network",
    }[task]
    out: list[str] = [
        f'"""Standalone predictor exported by bpnn {version} from {source}.',
        "",
        f"Task: {doc_task}.",
        f"Inputs, in this order: {', '.join(features)}.",
        "Depends on NumPy only; the counterpart of MATLAB's genFunction.",
        "",
        "From Python:",
        "",
        f"    from {module} import predict",
        f"    y = predict(X)   # X: array of shape (n_samples, {len(features)}), columns as FEATURES",
        "",
        "From the shell, on a CSV file whose header names the inputs (other columns are ignored):",
        "",
        f"    python {module}.py new.csv > predictions.csv",
        '"""',
        "",
        "import csv",
        "import sys",
        "",
        "import numpy as np",
        "",
        f"DTYPE = np.{dtype}",
        f"FEATURES = {features!r}",
        f"TARGETS = {targets!r}",
    ]
    if classes is not None:
        out.append(f"CLASSES = [{', '.join(_label_literal(c) for c in classes)}]")
    out += [""] + x_lines + [""] + (y_lines + [""] if y_lines else []) + layer_lines
    for act in used:
        out += [ACTIVATIONS.capability(act, "python"), "", ""]
    out += [
        "def _outputs(X):",
        '    """The network\'s outputs for raw inputs X of shape (n_samples, len(FEATURES))."""',
        "    X = np.asarray(X, dtype=np.float64)",
        *fill_body,
        "    if X.ndim == 1:",
        "        X = X.reshape(1, -1)",
        "    if X.ndim != 2 or X.shape[1] != len(FEATURES):",
        '        raise ValueError(f"X must have shape (n_samples, {len(FEATURES)}); got {X.shape}")',
        f"    a = ({x_forward.format(x='X')}).astype(DTYPE)",
        *body,
        "    return a",
        "",
        "",
    ]
    if task == "regression":
        out += [
            "def predict(X):",
            f'    """Predicted {", ".join(targets)}, shape (n_samples, {len(targets)}), in the original units."""',
            "    out = np.asarray(_outputs(X), dtype=np.float64)",
            f"    return {y_inverse.format(z='out')}",
        ]
    elif task == "classification":
        out += [
            "def predict_proba(X):",
            '    """Probability of each class (columns in the order of CLASSES), shape (n_samples, n_classes)."""',
            "    return np.asarray(_outputs(X), dtype=np.float64)",
            "",
            "",
            "def predict(X):",
            '    """The most probable class of each row, shape (n_samples,)."""',
            "    return np.asarray(CLASSES)[np.argmax(_outputs(X), axis=1)]",
        ]
    else:
        out += [
            "def predict(X):",
            '    """The network\'s outputs, shape (n_samples, n_outputs)."""',
            "    return np.asarray(_outputs(X), dtype=np.float64)",
        ]
    out += ["", "", _MAIN, ""]
    return "\n".join(out)


_MAIN = '''def _cell(value):
    value = float(value)
    return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)


def main(argv=None):
    """Read a CSV file with a header, print one line of predictions per row."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(f"usage: python {sys.argv[0]} data.csv > predictions.csv", file=sys.stderr)
        return 2
    with open(argv[0], newline="", encoding="utf-8-sig") as f:
        rows = [row for row in csv.reader(f) if row and any(cell.strip() for cell in row)]
    if not rows:
        print(f"error: {argv[0]} is empty", file=sys.stderr)
        return 2
    header = [name.strip() for name in rows[0]]
    missing = [name for name in FEATURES if name not in header]
    if missing:
        print(f"error: {argv[0]} lacks the columns {missing}", file=sys.stderr)
        return 2
    columns = [header.index(name) for name in FEATURES]
    try:
        X = np.array(
            [[float(row[j]) if row[j].strip() else float("nan") for j in columns] for row in rows[1:]],
            dtype=np.float64,
        )
    except (ValueError, IndexError) as exc:
        print(f"error: {argv[0]}: {exc}", file=sys.stderr)
        return 2
    X = X.reshape(-1, len(FEATURES))
    result = np.asarray(predict(X))
    result = result.reshape(len(X), -1)
    names = TARGETS if result.shape[1] == len(TARGETS) else [f"y{j}" for j in range(result.shape[1])]
    writer = csv.writer(sys.stdout, lineterminator="\\n")
    writer.writerow(names)
    for row in result:
        writer.writerow([_cell(v) for v in row])
    return 0


if __name__ == "__main__":
    sys.exit(main())'''
