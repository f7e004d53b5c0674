"""The playground's model features without a browser: more than two classes (softmax), an activation
and a dropout rate per hidden layer, weights and biases edited by hand, zero initialization, cos features.

Every number is checked against a NumPy forward pass written here (and finite differences of it),
never against the session's own arithmetic.
"""

from __future__ import annotations

import base64
import subprocess
import sys

import numpy as np
import pytest

import bpnn

pytest.importorskip("starlette")

from bpnn.explain.step import explain_step  # noqa: E402
from bpnn.playground.datasets import DATASETS  # noqa: E402
from bpnn.playground.session import Session, SettingsError, catalog, validate_settings  # noqa: E402

NUMPY_ACTS = {
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "identity": lambda z: z,
}


def floats(b64: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), dtype=np.float32)


def softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def forward(params: list[np.ndarray], acts: list[str], X: np.ndarray) -> np.ndarray:
    """The test-time output of a network with hidden activations ``acts`` and a softmax output."""
    a = X
    for k in range(0, len(params) - 2, 2):
        a = NUMPY_ACTS[acts[k // 2]](a @ params[k] + params[k + 1])
    return softmax(a @ params[-2] + params[-1])


def cross_entropy(params, acts, X, labels) -> float:
    p = forward(params, acts, X)
    return float(-np.mean(np.log(p[np.arange(len(labels)), labels])))


def central_differences(f, p: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """(f(p + eps) - f(p - eps)) / (2 eps) for each entry of ``p`` in turn (``f`` reads ``p``)."""
    out = np.zeros_like(p)
    flat, grad = p.reshape(-1), out.reshape(-1)
    for k, keep in enumerate(flat.copy()):
        flat[k] = keep + eps
        grad[k] = f()
        flat[k] = keep - eps
        grad[k] = (grad[k] - f()) / (2 * eps)
        flat[k] = keep
    return out


# -- datasets ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, classes", [("spiral3", 3), ("blobs4", 4)])
def test_the_multi_class_datasets_have_their_classes_in_equal_parts(name, classes):
    P, y = DATASETS[name].make(301, 0.1, np.random.default_rng(0))
    assert P.shape == (301, 2) and np.isfinite(P).all()
    counts = np.bincount(y.astype(int))
    assert len(counts) == classes and counts.max() - counts.min() <= 1
    assert catalog()["classes"][name] == classes


def test_the_four_blobs_sit_in_the_four_quadrants():
    P, y = DATASETS["blobs4"].make(400, 0.0, np.random.default_rng(1))
    quadrant = {(1, 1): 0, (-1, 1): 1, (-1, -1): 2, (1, -1): 3}
    by_sign = np.array([quadrant[(int(np.sign(a)), int(np.sign(b)))] for a, b in P])
    assert np.mean(by_sign == y) > 0.99


def test_an_uploaded_file_with_three_classes_gets_a_softmax_output():
    rng = np.random.default_rng(3)
    P = rng.normal(size=(240, 2))
    kind = np.array([30, 10, 20])[np.digitize(np.arctan2(P[:, 1], P[:, 0]), [-np.pi / 3, np.pi / 3])]
    text = "u,v,kind\n" + "".join(f"{a},{b},{k}\n" for (a, b), k in zip(P, kind))
    session = Session()
    session.load_csv("pets.csv", text.encode())
    session.apply({"dataset": "upload", "ux": "u", "uy": "v", "ut": "kind", "optimizer": "adam", "hidden": [6]})
    assert session.classes == 3 and session.network_spec()["sizes"] == [2, 6, 3]
    # class k is the k-th smallest value: 10, 20, 30
    labels = np.concatenate([session.y_train, session.y_test]).astype(int)
    np.testing.assert_array_equal(np.bincount(labels), [np.sum(kind == v) for v in (10, 20, 30)])
    session.step(60)
    predicted = np.argmax(session.net.predict(session.X_test), axis=1)
    assert np.mean(predicted == session.y_test) > 0.85


def test_the_cos_features_are_the_formulas():
    session = Session()
    session.apply({"features": ["x1", "cosx1", "cosx2"], "hidden": [3]})
    P = session.P_train
    np.testing.assert_array_equal(session.X_train, np.column_stack([P[:, 0], np.cos(P[:, 0]), np.cos(P[:, 1])]))


# -- softmax and categorical cross-entropy ---------------------------------------------------------
def test_three_classes_get_a_softmax_output_and_its_gradients_are_finite_differences_of_the_cross_entropy():
    session = Session()
    session.apply({"dataset": "spiral3", "hidden": [5, 4], "acts": ["relu", "tanh"], "optimizer": "adam"})
    session.step(3)
    assert session.network_spec()["sizes"] == [2, 5, 4, 3]
    assert session.net.layers[-1].activation.name == "softmax"
    assert session.net.loss_fn.name == "categorical_crossentropy"
    X, labels = session.X_train[:12], session.y_train[:12].astype(int)
    params, acts = session.net.get_weights(), ["relu", "tanh"]
    # the session's targets are one-hot rows
    np.testing.assert_array_equal(session.targets(session.y_train[:12]), np.eye(3)[labels])
    # the engine's backprop (through the explain step) against central differences of a NumPy twin
    step = explain_step(session.net, X, np.eye(3)[labels], 0.1)
    analytic = [g for layer in step.layers for g in (layer.grad_weights, layer.grad_bias)]
    for p, g in zip(params, analytic):
        numeric = central_differences(lambda: cross_entropy(params, acts, X, labels), p)
        np.testing.assert_allclose(g, numeric, rtol=1e-5, atol=1e-8)
    # the decision surface: one probability per class and cell, as the NumPy twin computes it
    out = floats(session.frame()["output"]).reshape(-1, 3)
    np.testing.assert_allclose(out, forward(params, acts, session.X_grid), rtol=1e-5, atol=1e-6)
    # the loss shown is the mean cross-entropy
    assert session.losses()[0] == pytest.approx(
        cross_entropy(params, acts, session.X_train, session.y_train.astype(int)), rel=1e-10
    )


def test_the_explain_panel_works_through_the_softmax():
    session = Session()
    session.apply({"dataset": "blobs4", "hidden": [3]})
    session.step(1)
    got = session.explain(2, 3, sample=5)
    x, label = session.X_train[5], int(session.y_train[5])
    p = forward(session.net.get_weights(), ["tanh"], x[None, :])[0]
    assert got["values"]["a"] == pytest.approx(p[2], rel=1e-10)
    # softmax with categorical cross-entropy: delta_j = a_j - y_j
    assert got["values"]["target"] == float(label == 2)
    assert got["values"]["delta"] == pytest.approx(p[2] - (label == 2), rel=1e-9, abs=1e-12)
    assert got["classes"] == 4 and got["target"] == label


@pytest.mark.parametrize("name, bound", [("good-spiral3", 0.9), ("good-blobs4", 0.95)])
def test_the_multi_class_presets_learn(name, bound):
    from bpnn.playground.session import PRESETS

    session = Session()
    session.apply(PRESETS[name]["settings"])
    session.step(PRESETS[name]["epochs"])
    # the accuracy from a NumPy forward pass, and the session's own figure, agree and pass the bound
    hidden = session.settings.acts
    predicted = np.argmax(forward(session.net.get_weights(), list(hidden), session.X_test), axis=1)
    accuracy = float(np.mean(predicted == session.y_test))
    assert accuracy >= bound
    assert session.accuracies()[1] == pytest.approx(accuracy)


# -- per-layer activations and dropout -------------------------------------------------------------
def test_each_hidden_layer_has_its_own_activation():
    s = validate_settings({"hidden": [4, 3, 2], "acts": ["relu", "sigmoid", "identity"]})
    assert s.acts == ("relu", "sigmoid", "identity")
    session = Session(s)
    assert [layer.activation.name for layer in session.net.layers] == ["relu", "sigmoid", "identity", "sigmoid"]
    # a layer added without one takes the common activation; a removed layer's entry goes
    session.apply({"hidden": [4, 3, 2, 2]})
    assert session.settings.acts == ("relu", "sigmoid", "identity", "tanh")
    session.apply({"hidden": [4]})
    assert session.settings.acts == ("relu",)
    # the common activation alone sets every layer
    session.apply({"hidden": [4, 4], "activation": "relu"})
    assert session.settings.acts == ("relu", "relu")
    with pytest.raises(SettingsError, match="acts: expected one of .*relu.*; got .softmax."):
        validate_settings({"acts": ["softmax"]})


def test_dropout_is_on_while_training_and_off_at_test_time():
    session = Session()
    session.apply({"dataset": "moons", "hidden": [8, 6], "dropout": [0.5, 0], "optimizer": "adam"})
    kinds = [type(layer).__name__ for layer in session.net.layers]
    assert kinds == ["Dense", "Dropout", "Dense", "Dense"]
    assert session.net.layers[1].rate == 0.5
    session.step(2)
    W1, b1, W2, b2, W3, b3 = session.net.get_weights()

    def test_time(X):  # no dropout, no rescaling
        h = np.tanh(np.tanh(X @ W1 + b1) @ W2 + b2)
        return 1 / (1 + np.exp(-(h @ W3 + b3)))

    # what the page draws and the losses it shows are the network without dropout
    np.testing.assert_allclose(floats(session.frame()["output"]), test_time(session.X_grid)[:, 0], rtol=1e-5)
    y = session.y_train[:, None]
    p = test_time(session.X_train)
    bce = float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
    assert session.losses()[0] == pytest.approx(bce, rel=1e-9)
    # while training, about half of the first layer's outputs are zeroed and the rest doubled
    h = np.tanh(session.X_train @ W1 + b1)
    dropped = session.net.layers[1].forward(h, True)
    kept = dropped != 0
    assert 0.35 < kept.mean() < 0.65
    np.testing.assert_allclose(dropped[kept], 2 * h[kept])
    # the explain panel shows the step at test time and the rate of the neuron's layer
    got = session.explain(1, 2, sample=0)
    assert got["values"]["dropout"] == 0.5 and got["dropout"] == [0.5, 0.0]
    assert got["values"]["a"] == pytest.approx(h[0, 1], rel=1e-10)
    assert "dropout" not in session.explain(2, 1)["values"]


def test_dropout_is_refused_with_the_whole_batch_solvers_and_out_of_range():
    with pytest.raises(SettingsError, match="dropout: the 'lbfgs' optimizer"):
        validate_settings({"optimizer": "lbfgs", "dropout": [0.2, 0]})
    with pytest.raises(SettingsError, match=r"dropout: expected a dropout rate from 0 to 0.9; got 1"):
        validate_settings({"dropout": [1, 0]})


# -- editing a weight, zero initialization, the exported script ---------------------------------------
def test_an_edited_weight_changes_the_prediction_as_a_numpy_forward_pass_predicts():
    session = Session()
    session.apply({"dataset": "spiral3", "hidden": [4]})
    session.step(2)
    session.edit(2, 3, 4, 2.5)  # w_43^[2]: hidden neuron 4 -> output 3
    session.edit(1, 2, None, -1.25)  # b_2^[1]
    W1, b1, W2, b2 = session.net.get_weights()
    assert W2[3, 2] == 2.5 and b1[1] == -1.25
    expected = forward([W1, b1, W2, b2], ["tanh"], session.X_grid)
    np.testing.assert_allclose(floats(session.frame()["output"]).reshape(-1, 3), expected, rtol=1e-5, atol=1e-6)
    # the losses of this epoch are the edited network's
    labels = session.y_train.astype(int)
    assert session.history[-1][1] == pytest.approx(cross_entropy([W1, b1, W2, b2], ["tanh"], session.X_train, labels))
    got = session.explain(2, 3, source=4)
    assert got["values"]["weight"] == 2.5
    for bad, field in (((3, 1, None, 0.0), "layer"), ((1, 1, 9, 0.0), "from"), ((1, 1, None, 1e9), "value")):
        with pytest.raises(SettingsError) as info:
            session.edit(*bad)
        assert info.value.field == field


def test_zero_initialization():
    session = Session(validate_settings({"init": "zero", "hidden": [3]}))
    assert all(not p.any() for p in session.net.get_weights())
    with pytest.raises(SettingsError, match="init: expected one of random, zero"):
        validate_settings({"init": "ones"})


def test_the_script_repeats_a_multi_class_run_with_dropout_and_edits(tmp_path):
    session = Session()
    session.apply({"dataset": "spiral3", "hidden": [6, 4], "dropout": [0.3, 0], "acts": ["relu", "tanh"]})
    session.apply({"optimizer": "adam"})
    session.step(3)
    session.edit(1, 1, 2, 0.75)
    session.step(2)
    session.edit(3, 2, None, 0.5)
    path = tmp_path / "run.py"
    path.write_text(session.export_script(), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(path), str(tmp_path / "again.bpnn")], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    again = bpnn.load(tmp_path / "again.bpnn")
    for a, b in zip(again.get_weights(), session.net.get_weights()):
        np.testing.assert_array_equal(a, b)
