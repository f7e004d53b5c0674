"""Every registered activation and optimizer, through every door that reads the registries.

A door either supports an entry, and a round trip shows it (train, explain with a formula,
save and load, the Python export, ONNX against onnxruntime, the estimator, the playground's
menus), or refuses it with a message naming the capability it lacks. A toy activation and a
toy optimizer registered from a temporary module must reach every door by name alone, so an
application that kept its own list would fail here.
"""

import importlib.util
import inspect
import sys
import textwrap
import warnings

import numpy as np
import pytest

import bpnn
from bpnn.core.activations import ACTIVATIONS
from bpnn.explain.render import render
from bpnn.io.export import export_python
from bpnn.io.onnx import network_to_onnx
from bpnn.playground import session as playground
from bpnn.training.optimizers import OPTIMIZERS

ort = pytest.importorskip("onnxruntime")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(24, 3))
Y_REG = np.column_stack([np.sin(X[:, 0]), X[:, 1] * X[:, 2]])


def _network(name: str) -> bpnn.Network:
    """A 3-4-2 network with ``name`` where the registry says it may go (hidden, else output)."""
    hidden = ACTIVATIONS.capability(name, "hidden")
    layers = [bpnn.Dense(3, 4, name if hidden else "tanh"), bpnn.Dense(4, 2, None if hidden else name)]
    loss = "categorical_crossentropy" if name == "softmax" else "poisson" if name == "exp" else "mse"
    return bpnn.Network(layers, loss=loss, seed=1)


def _targets(name: str) -> np.ndarray:
    if name == "softmax":
        return np.eye(2)[(X[:, 0] > 0).astype(int)]
    if name == "exp":
        return np.exp(0.3 * Y_REG)
    return Y_REG


def _exported_predict(source: str, tmp_path, module: str):
    path = tmp_path / f"{module}.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(module, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.predict


def _onnx_predict(net, X):
    proto = network_to_onnx(net, dtype="float64")
    sess = ort.InferenceSession(proto.SerializeToString())
    return sess.run(None, {sess.get_inputs()[0].name: X})[0]


def _check_activation_doors(name: str, tmp_path) -> None:
    """Every door for the activation ``name``: supported with a round trip, or refused by capability."""
    caps = ACTIVATIONS.capabilities(name)
    net = _network(name)
    y = _targets(name)
    net.fit(X, y, epochs=3, learning_rate=0.01, fast=False)
    expected = net.predict(X)
    assert np.isfinite(expected).all()

    # explain: its formula from the registry (symbol, and the derivative for an elementwise one)
    text = render(net.explain(X[:1], y[:1]))
    if caps["formula"] is not None:
        assert caps["formula"].symbol in text
        if caps["formula"].derivative and not caps["formula"].words:
            assert caps["formula"].derivative in text
    # save and load
    path = tmp_path / f"{name}.bpnn"
    net.save(path)
    np.testing.assert_array_equal(bpnn.load(path).predict(X), expected)
    # the Python export
    if caps["python"] is None:
        with pytest.raises(ValueError, match="'python' capability"):
            export_python(net)
    else:
        predict = _exported_predict(export_python(net), tmp_path, f"exported_{name}")
        np.testing.assert_allclose(predict(X), expected, rtol=1e-12, atol=1e-14)
    # ONNX, run by onnxruntime (a double network's erf is computed in float: see GELU's builder)
    if caps["onnx"] is None:
        with pytest.raises(ValueError, match="'onnx' capability"):
            network_to_onnx(net)
    else:
        tol = 1e-6 if name == "gelu" else 1e-12
        np.testing.assert_allclose(_onnx_predict(net, X), expected, rtol=tol, atol=tol)
    # the estimator and the playground offer exactly the hidden ones
    if caps["hidden"]:
        est = bpnn.BPRegressor(hidden_layer_sizes=(4,), activation=name, max_iter=3, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # max_iter=3 does not converge
            est.fit(X, Y_REG)
        assert np.isfinite(est.predict(X)).all()
        assert name in playground.catalog()["activations"]
        assert playground.validate_settings({"activation": name}).activation == name
    else:
        with pytest.raises(ValueError, match="activation"):
            bpnn.BPRegressor(activation=name).fit(X, Y_REG)
        assert name not in playground.catalog()["activations"]
        with pytest.raises(playground.SettingsError, match=name):
            playground.validate_settings({"activation": name})


@pytest.mark.parametrize("name", ACTIVATIONS.names())
def test_every_registered_activation_reaches_every_door(name, tmp_path):
    _check_activation_doors(name, tmp_path)


# the estimator value each optimizer keyword receives, and what BPClassifier is given to produce it
ESTIMATOR_VALUES = {
    "momentum": ({"momentum": 0.7}, 0.7),
    "nesterov": ({"nesterovs_momentum": True, "momentum": 0.7}, True),
    "beta_1": ({"beta_1": 0.55}, 0.55),
    "beta_2": ({"beta_2": 0.95}, 0.95),
    "epsilon": ({"epsilon": 3e-7}, 3e-7),
    "gtol": ({"tol": 2e-3}, 2e-3),
    "max_fun": ({"max_fun": 1234}, 1234),
    "norm": ({}, np.inf),
    "ftol": ({}, 1e7 * np.finfo(np.float64).eps),
}


def _check_solver_params(name: str) -> None:
    """``BPClassifier(solver=name, **params)`` hands the optimizer every parameter it takes."""
    takes = OPTIMIZERS.capability(name, "params")
    given = {}
    for keyword in takes:
        given.update(ESTIMATOR_VALUES[keyword][0])
    est = bpnn.BPClassifier(solver=name, learning_rate_init=0.02, **given)
    opt = est._make_optimizer()
    for keyword in takes:
        assert getattr(opt, keyword) == ESTIMATOR_VALUES[keyword][1], (name, keyword)
    if OPTIMIZERS.capability(name, "learning_rate"):
        assert opt.learning_rate == 0.02
    # and the registered keywords are ones the optimizer's class takes
    accepted = inspect.signature(OPTIMIZERS[name]).parameters
    assert set(takes) <= set(accepted), (name, set(takes) - set(accepted))


@pytest.mark.parametrize("name", OPTIMIZERS.names())
def test_every_registered_optimizer_takes_its_estimator_parameters(name):
    _check_solver_params(name)
    est = bpnn.BPClassifier(hidden_layer_sizes=(4,), solver=name, max_iter=3, random_state=0)
    y = (X[:, 0] > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    assert est.predict(X).shape == (len(X),)
    assert name in playground.catalog()["optimizers"]
    assert playground.validate_settings({"optimizer": name}).optimizer == name


def test_a_parameter_the_solver_does_not_take_is_ignored():
    """As scikit-learn's MLP documents: beta_1 only concerns adam; sgd trains without it."""
    opt = bpnn.BPClassifier(solver="sgd", beta_1=0.1, momentum=0.0)._make_optimizer()
    assert not hasattr(opt, "beta_1")


TOY_MODULE = '''
import numpy as np

from bpnn.core.activations import ACTIVATIONS, Activation, Formula
from bpnn.training.optimizers import OPTIMIZERS, Optimizer


@ACTIVATIONS.register(
    "toy_cubic",
    formula=Formula("cubic", r"\\operatorname{cubic}", "1 + 3z²", "1+3z^2"),
    python="""def toy_cubic(z):
    return z + z**3""",
    onnx=lambda g, z, act, dtype: g.node("Add", [z, g.node("Mul", [z, g.node("Mul", [z, z])])]),
)
class ToyCubic(Activation):
    """f(z) = z + z^3; f'(z) = 1 + 3 z^2, from z (the output does not give it cheaply)."""

    name = "toy_cubic"
    needs = ("z",)

    def forward(self, z, out=None):
        return z + z**3

    def derivative(self, a, z=None):
        return 1.0 + 3.0 * z * z


@ACTIVATIONS.register("toy_bare")  # nothing but the mathematics: the exports must refuse it
class ToyBare(Activation):
    name = "toy_bare"

    def forward(self, z, out=None):
        return np.arctan(z)

    def derivative(self, a, z=None):
        return np.cos(a) ** 2


@OPTIMIZERS.register("toy_sign", params=("beta_1",))
class ToySign(Optimizer):
    """w <- w - lr * sign(m), m <- beta_1 m + (1 - beta_1) g: a rule in a few lines."""

    _slots = ("m",)

    def __init__(self, learning_rate=0.01, beta_1=0.9):
        super().__init__(learning_rate)
        self.beta_1 = beta_1
        self.m = None

    def _update(self, i, param, grad):
        m = self.m[i]  # the slots start at zeros (Optimizer.step)
        m *= self.beta_1
        m += (1 - self.beta_1) * grad
        param -= self.lr * np.sign(m)


@OPTIMIZERS.register("toy_decay", params=("weight_decay",))
class ToyDecay(ToySign):
    def __init__(self, learning_rate=0.01, weight_decay=0.0):
        super().__init__(learning_rate)
        self.weight_decay = weight_decay
'''


@pytest.fixture
def toy_module(tmp_path):
    """Register the toy entries from a module of their own, and remove them afterwards."""
    path = tmp_path / "toy_entries.py"
    path.write_text(textwrap.dedent(TOY_MODULE))
    spec = importlib.util.spec_from_file_location("toy_entries", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["toy_entries"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        for name in ("toy_cubic", "toy_bare"):
            if name in ACTIVATIONS:
                ACTIVATIONS.unregister(name)
        for name in ("toy_sign", "toy_decay"):
            if name in OPTIMIZERS:
                OPTIMIZERS.unregister(name)
        sys.modules.pop("toy_entries", None)


def test_a_toy_activation_registered_elsewhere_reaches_every_door(toy_module, tmp_path):
    assert bpnn.gradcheck(bpnn.Network([bpnn.Dense(3, 4, "toy_cubic"), bpnn.Dense(4, 2)], seed=0), X, Y_REG) < 1e-7
    _check_activation_doors("toy_cubic", tmp_path)
    _check_activation_doors("toy_bare", tmp_path)  # trains, explains, saves; both exports refuse by capability


def test_a_toy_optimizer_registered_elsewhere_reaches_every_door(toy_module):
    _check_solver_params("toy_sign")
    est = bpnn.BPClassifier(hidden_layer_sizes=(4,), solver="toy_sign", beta_1=0.3, max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, (X[:, 0] > 0).astype(int))
    assert est.network_.optimizer.beta_1 == 0.3
    assert "toy_sign" in playground.catalog()["optimizers"]
    # an optimizer taking a parameter the estimator does not have is refused, by that name
    with pytest.raises(ValueError, match="weight_decay"):
        bpnn.BPClassifier(solver="toy_decay")._make_optimizer()
    # unregistered, it is gone from every door
    OPTIMIZERS.unregister("toy_sign")
    assert "toy_sign" not in playground.catalog()["optimizers"]
    with pytest.raises(ValueError, match="solver"):
        bpnn.BPClassifier(solver="toy_sign").fit(X, (X[:, 0] > 0).astype(int))


def test_registry_refuses_unknown_capabilities_and_names_the_missing_one():
    with pytest.raises(TypeError, match="hiden"):
        ACTIVATIONS.register("typo", bpnn.core.activations.Tanh, hiden=True)
    assert "typo" not in ACTIVATIONS
    with pytest.raises(ValueError, match="does not know the activation 'nope'"):
        ACTIVATIONS.require("nope", "python", "The Python export")
    assert ACTIVATIONS.canonical("logistic") == "sigmoid"
    assert "logistic" in ACTIVATIONS.names(aliases=True) and "logistic" not in ACTIVATIONS.names()


def _table_paths(text: str) -> list[list[str]]:
    """For each row of the "where a change goes" table: the file paths it names, in order."""
    import re

    rows = [line for line in text.splitlines() if line.startswith("| ") and "`" in line]
    return [re.findall(r"`((?:src|tests|docs)/[^`]*|[\w/]*\.py)`", row) for row in rows]


def test_the_contributing_table_names_real_files_in_both_languages():
    from pathlib import Path

    root = Path(__file__).parents[1]
    english = _table_paths((root / "CONTRIBUTING.md").read_text())
    chinese = _table_paths((root / "docs" / "contributing.zh.md").read_text())
    assert english and english == chinese  # the same rows, naming the same files
    for row in english:
        for path in row:
            if path.startswith(("src/", "tests/", "docs/")):
                assert list(root.glob(path.rstrip("/"))), path
