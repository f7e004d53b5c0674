"""Property-based hostile input (issue 14): random tables, random edits of model files and
random hyper-parameters thrown at the command line and the Python API.

Whatever comes in, the promises are the same:

* the command line ends with status 0 or 2, and on 2 with one line ``bpnn: error: ...``
  on standard error and no traceback (here: no exception escapes ``main``);
* the API raises a ValueError or TypeError (DivergenceError and ModelFileError are
  ValueErrors) or returns, never an IndexError, KeyError, ZeroDivisionError, ...;
* every input file is byte-identical afterwards;
* no file is left half-written: the output is absent or complete (it loads), and no
  temporary file stays behind.

The examples are derandomized (the same every run, as CI needs) and few, so that the
module runs in well under a minute on two cores; ``HYPOTHESIS_PROFILE=thorough`` runs more.
"""

import json
import math
import os
import warnings
from pathlib import Path

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import bpnn  # noqa: E402
from bpnn.cli.main import main  # noqa: E402
from bpnn.io.container import RESERVED_KEYS, ModelFileError, load_container, save_container  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REGRESSION = ROOT / "examples" / "data" / "regression.csv"
CLASSIFICATION = ROOT / "examples" / "data" / "classification.csv"

settings.register_profile(
    "ci",
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,  # nothing written into the repository; every run is the same
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
settings.register_profile("thorough", parent=settings.get_profile("ci"), max_examples=500, derandomize=False)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def cli(*argv) -> tuple[int, str]:
    """Run ``bpnn`` in this process; return (status, stderr) and fail on any escaping exception."""
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:  # argparse
            code = exc.code
    text = err.getvalue()
    assert code in (0, 2), (argv, code, text)
    if code == 2:
        assert text.splitlines()[-1].startswith("bpnn: error: "), (argv, text)
        assert "Traceback" not in text
    return code, text


def snapshot(folder: Path) -> dict:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def no_leftovers(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.endswith((".bpnn-tmp", ".tmp"))]


# -- random tables ----------------------------------------------------------------------------------------
cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-5, 5).map(str),
    st.sampled_from(["", "nan", "NA", "abc", "1e309", "-1.7e308", "1.7e308", " 3 ", "0x10", '"1,5"']),
)
names = st.sampled_from(["a", "b", "c", "y", "y", "", " a", "id"])


@st.composite
def tables(draw):
    regular = draw(st.booleans())  # numbers under a clean header, so that training is reached often
    n_cols = draw(st.integers(1, 5))
    header = ["a", "b", "c", "d", "y"][-n_cols:] if regular else [draw(names) for _ in range(n_cols)]
    n_rows = draw(st.integers(8, 30) if regular else st.integers(0, 30))
    rows = []
    for _ in range(n_rows):
        width = n_cols if regular or draw(st.integers(0, 9)) else draw(st.integers(0, n_cols + 1))
        if regular:
            rows.append([repr(draw(st.floats(-10, 10, allow_nan=False))) for _ in range(width)])
        else:
            rows.append([draw(cells) for _ in range(width)])
    sep = "," if regular else draw(st.sampled_from([",", ",", ";"]))
    text = "\n".join(sep.join(r) for r in [header, *rows]) + draw(st.sampled_from(["\n", "", "\r\n"]))
    return text, header


#: Settings that are all valid (training is reached), then settings of every kind.
sane_hyper = st.fixed_dictionaries(
    {},
    optional={
        "--task": st.sampled_from(["auto", "classification", "regression"]),
        "--hidden": st.sampled_from(["1", "3", "2,2"]),
        "--solver": st.sampled_from(["lm", "br", "adam", "sgd", "rprop", "lbfgs"]),
        "--scale": st.sampled_from(["minmax", "standard", "none"]),
        "--split": st.sampled_from(["0.7,0.15,0.15", "1,0,0", "60,20,20"]),
        "--epochs": st.sampled_from(["1", "2", "3"]),
        "--learning-rate": st.sampled_from(["0.01", "1", "1e308"]),
        "--chunksize": st.sampled_from(["5", "1"]),
    },
)
hostile_hyper = st.fixed_dictionaries(
    {},
    optional={
        "--task": st.sampled_from(["auto", "classification", "regression", "ranking"]),
        "--hidden": st.sampled_from(["1", "3", "2,2", "0", "-1", "a", ""]),
        "--solver": st.sampled_from(["lm", "br", "adam", "sgd", "rprop", "lbfgs", "LM", "newton"]),
        "--scale": st.sampled_from(["minmax", "standard", "none"]),
        "--split": st.sampled_from(["0.7,0.15,0.15", "1,0,0", "0,1,0", "0.5,0.5", "60,20,20", "nan,1,1"]),
        "--seed": st.sampled_from(["0", "1", "-1", "x", "99999999999999999999"]),
        "--epochs": st.sampled_from(["1", "2", "3", "0"]),
        "--patience": st.sampled_from(["1", "6", "0"]),
        "--batch-size": st.sampled_from(["1", "4", "1000", "0"]),
        "--learning-rate": st.sampled_from(["0.01", "1", "1e308", "-1", "nan", "inf"]),
        "--chunksize": st.sampled_from(["5", "1", "0"]),
        "--activation": st.sampled_from(["tanh", "relu", "sigmoid", "softmax", "nope"]),
    },
)


@PROFILE
@given(
    table=tables(),
    options=st.one_of(sane_hyper, hostile_hyper),
    target=st.one_of(st.just("y"), names),
    dropna=st.booleans(),
)
def test_random_tables_and_settings_train_or_refuse_cleanly(tmp_path_factory, table, options, target, dropna):
    folder = tmp_path_factory.mktemp("t")
    text, _ = table
    data = folder / "data.csv"
    data.write_text(text, encoding="utf-8")
    out = folder / "model.bpnn"
    argv = ["train", data, "--target", target, "-o", out, "-q"]
    for flag, value in options.items():
        argv += [flag, value] if not value.startswith("-") else [f"{flag}={value}"]
    if dropna:
        argv.append("--dropna")
    before = snapshot(folder)
    code, _ = cli(*argv)
    assert data.read_bytes() == before["data.csv"]
    no_leftovers(folder)
    if code == 0:
        model = bpnn.load(out)  # complete: it loads
        assert cli("predict", out, data, "-o", folder / "p.csv")[0] in (0, 2)
        assert cli("info", out)[0] == 0
        assert data.read_bytes() == before["data.csv"]
    else:
        assert not out.exists()
        model = None
    no_leftovers(folder)
    del model


# -- random edits of model files --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def model_files(tmp_path_factory):
    """One file of each kind: table models (regression, classification), a network, an estimator."""
    from sklearn.datasets import load_iris

    folder = tmp_path_factory.mktemp("models")
    assert main(["train", str(REGRESSION), "--target", "period_s", "--epochs", "3", "-q", "-o", str(folder / "r")]) == 0
    assert (
        main(["train", str(CLASSIFICATION), "--target", "material", "--epochs", "3", "-q", "-o", str(folder / "c")])
        == 0
    )
    bpnn.Network([bpnn.Dense(4, 3, "tanh"), bpnn.Dropout(0.2, seed=1), bpnn.Dense(3, 1)], seed=0).save(folder / "n")
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bpnn.save(bpnn.BPClassifier(hidden_layer_sizes=(3,), max_iter=2, random_state=0).fit(X, y), folder / "e")
    return _Files({name: (folder / name).read_bytes() for name in "rcne"})


class _Files(dict):
    """The model files' bytes, shown briefly in hypothesis's reports."""

    def __repr__(self) -> str:
        return f"<{len(self)} model files>"


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**40), 2**40),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(["", "x", "Dense", "tanh", "float64", "minmax", "classification", "__array__"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["a", "class", "__tuple__", "__dict__", "rows"]), inner, max_size=3),
    ),
    max_leaves=6,
)


def _paths(node, prefix=()):
    """Every place in a JSON tree, as a tuple of keys / indexes."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


def _replace(node, path, value):
    if not path:
        return value
    node[path[0]] = _replace(node[path[0]], path[1:], value)
    return node


@PROFILE
@given(
    which=st.sampled_from("rcne"),
    kind=st.sampled_from(["bytes", "truncate", "json", "json", "array"]),
    picks=st.lists(st.integers(0, 2**30), min_size=6, max_size=6),
    value=json_values,
    fill=st.sampled_from([0.0, -1.0, math.nan, math.inf, 1e300, 7.0]),
)
def test_edited_model_files_load_or_fail_with_model_file_error(
    tmp_path_factory, model_files, which, kind, picks, value, fill
):
    # Every random choice is drawn up front and mapped onto the file (index % length), so
    # that what hypothesis draws never depends on the file's content.
    folder = tmp_path_factory.mktemp("m")
    path = folder / "edited.bpnn"
    original = model_files[which]
    if kind == "bytes":
        raw = bytearray(original)
        for pick in picks[: 1 + picks[-1] % 4]:
            raw[pick % len(raw)] = (pick // len(raw)) % 256
        path.write_bytes(bytes(raw))
    elif kind == "truncate":
        path.write_bytes(original[: picks[0] % len(original)])
    else:
        path.write_bytes(original)
        arrays, meta = load_container(path)
        file_kind = meta["kind"]
        meta = {k: v for k, v in meta.items() if k not in RESERVED_KEYS}
        if kind == "json":
            places = list(_paths(meta))[1:]
            meta = _replace(meta, places[picks[0] % len(places)], value)
        else:
            names = sorted(arrays)
            name = names[picks[0] % len(names)]
            shape = [arrays[name].shape, (0,), (2,), (3, 3), ()][picks[1] % 5]
            dtype = ["float64", "float32", "int64", "bool", "<U3"][picks[2] % 5]
            with np.errstate(invalid="ignore", over="ignore"):
                arrays[name] = np.full(shape, fill).astype(dtype) if dtype != "<U3" else np.full(shape, "x")
        save_container(path, arrays, meta, kind=file_kind)
    edited = path.read_bytes()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            obj = bpnn.load(path)
    except ModelFileError as exc:
        assert "\n" not in str(exc)
        obj = None
    code, _ = cli("info", path)
    assert code == (2 if obj is None else 0)
    cli("predict", path, REGRESSION if which != "c" else CLASSIFICATION)
    cli("export", path, "-o", folder / "exported.py")
    assert path.read_bytes() == edited
    no_leftovers(folder)


# -- random hyper-parameters for the API ------------------------------------------------------------------
numbers = st.one_of(
    st.sampled_from([0, 1, 2, -1, 0.5, 1e-3, 1e308, math.nan, math.inf, "auto", None, True, "x", (3,), []])
)
estimator_params = st.fixed_dictionaries(
    {},
    optional={
        "hidden_layer_sizes": st.sampled_from([(), (3,), (2, 2), (0,), 3, "3", (-1,), None]),
        "solver": st.sampled_from(["adam", "sgd", "lm", "br", "lbfgs", "rprop", "newton", 3]),
        "activation": st.sampled_from(["relu", "tanh", "logistic", "identity", "softmax", None]),
        "alpha": numbers,
        "learning_rate_init": numbers,
        "max_iter": st.sampled_from([1, 2, 3, 0, -1, 2.5, None]),
        "batch_size": numbers,
        "tol": numbers,
        "momentum": numbers,
        "early_stopping": st.booleans(),
        "validation_fraction": numbers,
        "n_iter_no_change": st.sampled_from([1, 2, 0, -1, 1.5]),
        "random_state": st.sampled_from([0, 1, None, -1, "x"]),
        "dropout": numbers,
    },
)


@PROFILE
@given(params=estimator_params, classifier=st.booleans(), n=st.integers(0, 25), scale=st.sampled_from([1.0, 1e6, 1e-6]))
def test_random_estimator_settings_fit_or_raise_value_or_type_errors(tmp_path_factory, params, classifier, n, scale):
    rng = np.random.default_rng(n)
    X = rng.normal(size=(n, 3)) * scale
    y = (X[:, 0] > 0).astype(int) if classifier else X[:, 0]
    est = (bpnn.BPClassifier if classifier else bpnn.BPRegressor)(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            est.fit(X, y)
        except (ValueError, TypeError):
            return
        pred = est.predict(X)
    assert pred.shape[0] == n
    path = tmp_path_factory.mktemp("e") / "est.bpnn"
    try:
        bpnn.save(est, path)
    except ValueError:  # e.g. weights that are not finite: refused, nothing written
        assert not path.exists()
        return
    np.testing.assert_array_equal(bpnn.load(path).predict(X), pred)


fit_kwargs = st.fixed_dictionaries(
    {},
    optional={
        "epochs": st.sampled_from([1, 2, 0, -1, 2.5, None]),
        "learning_rate": numbers,
        "batch_size": st.sampled_from([None, 1, 3, 0, 10**6, 2.0]),
        "optimizer": st.sampled_from(["sgd", "adam", "lm", "br", "lbfgs", "rprop", "rmsprop", "nope", 3]),
        "validation_split": st.sampled_from([None, 0.2, 0.0, 1.0, -1, 0.5]),
        "shuffle": st.booleans(),
        "seed": st.sampled_from([0, 1, None, -1]),
        "metrics": st.sampled_from([None, "accuracy", ["accuracy"], "nope", [3]]),
    },
)


@PROFILE
@given(kwargs=fit_kwargs, n=st.integers(1, 12), scale=st.sampled_from([1.0, 1e150]))
def test_random_fit_arguments_train_or_raise_value_or_type_errors(kwargs, n, scale):
    rng = np.random.default_rng(n)
    X = rng.normal(size=(n, 2)) * scale
    y = np.tanh(X[:, :1])
    net = bpnn.Network([bpnn.Dense(2, 3, "tanh"), bpnn.Dense(3, 1)], seed=0)
    try:
        history = net.fit(X, y, **kwargs)
    except (ValueError, TypeError):
        assert all(np.isfinite(p).all() for p in net.params)  # a DivergenceError keeps finite weights too
        return
    assert all(np.isfinite(p).all() for p in net.params)
    assert len(history) >= 1 and all(np.isfinite(history["loss"]))


def test_the_profile_is_deterministic_and_small():
    """CI runs the same few examples every time (the run time of this module stays modest)."""
    assert PROFILE.derandomize or os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
    assert PROFILE.max_examples <= 500
    assert json.dumps(PROFILE.deadline) == "null"
