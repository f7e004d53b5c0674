"""bpnn.io.model: networks and table models saved and loaded bit for bit, bad files refused clearly."""

import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import bpnn
from bpnn.core.activations import Activation, Sigmoid
from bpnn.io import ModelFileError, load_container, save_container
from bpnn.io.container import FORMAT_VERSION
from bpnn.io.model import Model, network_from_parts, network_to_parts
from bpnn.io.scaling import MinMaxScaler, StandardScaler

RNG = np.random.default_rng(0)
X = RNG.normal(size=(20, 3))


def mixed_network(dtype=np.float64, cls=bpnn.Network, layer=bpnn.Dense):
    return cls(
        [
            layer(3, 5, "sigmoid"),
            layer(5, 4, bpnn.core.activations.LeakyReLU(0.2)),
            layer(4, 4, "relu", use_bias=False),
            layer(4, 3, "tanh"),
            layer(3, 2, "softmax"),
        ],
        loss="categorical_crossentropy",
        seed=1,
        dtype=dtype,
        alpha=0.05,
    )


def same_network(a, b, X=X):
    assert type(a) is type(b)
    assert repr(a) == repr(b)
    assert a.dtype == b.dtype and a.alpha == b.alpha and a.epochs_trained == b.epochs_trained
    assert [type(x) for x in a.layers] == [type(x) for x in b.layers]
    for p, q in zip(a.params, b.params):
        assert p.dtype == q.dtype and np.array_equal(p, q)
    assert np.array_equal(a.predict(X.astype(a.dtype)), b.predict(X.astype(b.dtype)))


# --------------------------------------------------------------------------- networks


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_network_round_trip_is_bit_identical(tmp_path, dtype):
    net = mixed_network(dtype)
    net.epochs_trained = 17
    net.save(tmp_path / "net.bpnn")
    same_network(net, bpnn.load(tmp_path / "net.bpnn"))


def test_seed_004_classes_are_kept(tmp_path):
    net = mixed_network(cls=bpnn.NeuralNetwork, layer=bpnn.Layer)
    net.save(tmp_path / "n.bpnn")
    loaded = bpnn.load(tmp_path / "n.bpnn")
    same_network(net, loaded)
    assert hasattr(loaded, "feed_forward")


def test_loaded_network_trains_on_exactly_like_the_original(tmp_path):
    y = np.eye(2)[RNG.integers(0, 2, 20)]
    net = mixed_network()
    net.fit(X, y, epochs=3, learning_rate=0.1)
    net.save(tmp_path / "n.bpnn")
    loaded = bpnn.load(tmp_path / "n.bpnn")
    for model in (net, loaded):
        model.fit(X, y, epochs=4, learning_rate=0.1, batch_size=5, seed=3)
    same_network(net, loaded)
    assert loaded.epochs_trained == 7


def test_mse_loss_and_identity_output(tmp_path):
    net = bpnn.Network([bpnn.Dense(3, 1)], loss="mse", seed=0)
    bpnn.io.model.save(net, tmp_path / "lin.bpnn")
    same_network(net, bpnn.load(tmp_path / "lin.bpnn"))


class Cube(Activation):
    name = "cube"

    def forward(self, z):
        return z**3

    def derivative(self, a):
        return 3 * np.cbrt(a) ** 2


class LoudSigmoid(Sigmoid):
    pass


class MyLoss:
    def value(self, y_true, y_pred, sample_weight=None):
        return float(np.abs(y_pred - y_true).mean())

    def gradient(self, y_true, y_pred, sample_weight=None):
        return np.sign(y_pred - y_true) / len(y_true)


@pytest.mark.parametrize(
    "net, text",
    [
        (lambda: bpnn.Network([bpnn.Dense(3, 2, Cube())]), "layer 0: its activation Cube is user-defined"),
        (
            lambda: bpnn.Network([bpnn.Dense(3, 2), bpnn.Dense(2, 1, LoudSigmoid())]),
            "layer 1: its activation LoudSigmoid is user-defined",
        ),
        (lambda: bpnn.Network([bpnn.Dense(3, 2)], loss=MyLoss()), "the network: its loss MyLoss is user-defined"),
    ],
)
def test_user_defined_pieces_are_refused_at_save_time(tmp_path, net, text):
    path = tmp_path / "m.bpnn"
    bpnn.Network([bpnn.Dense(3, 1)], seed=0).save(path)
    before = path.read_bytes()
    with pytest.raises(ValueError, match=text):
        net().save(path)
    assert path.read_bytes() == before  # the old file is untouched


def test_user_defined_layer_is_refused():
    class Scale:
        n_in = n_out = 3

        def forward(self, X, training=False):
            return 2 * X

        def backward(self, grad, need_input_grad=True):
            return 2 * grad

    net = bpnn.Network([bpnn.Dense(3, 3), Scale()])
    with pytest.raises(ValueError, match=r"Cannot save layer 1 \(Scale\)"):
        network_to_parts(net)


def test_import_bpnn_stays_light_and_load_is_lazy():
    code = (
        "import sys, bpnn\n"
        "before = [m for m in ('bpnn.io.model', 'bpnn.io', 'bpnn.io.scaling') if m in sys.modules]\n"
        "bpnn.load, bpnn.Model\n"
        "print(before, 'bpnn.io.model' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(__import__("pathlib").Path(bpnn.__file__).parents[1])},
    )
    assert out.stdout.strip() == "[] True"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        bpnn.nope  # noqa: B018


def test_file_is_a_plain_npz_without_pickle(tmp_path):
    mixed_network().save(tmp_path / "n.bpnn")
    with np.load(tmp_path / "n.bpnn", allow_pickle=False) as z:
        assert "layer0.weights" in z.files and z["layer2.weights"].shape == (4, 4)
        assert "layer2.bias" not in z.files


# --------------------------------------------------------------------------- table models


def regression_model(scale=MinMaxScaler):
    X_raw = RNG.normal(size=(30, 3)) * [1, 10, 100]
    Y_raw = RNG.normal(size=(30, 2)) * [5, 0.1]
    net = bpnn.Network([bpnn.Dense(3, 4, "tanh"), bpnn.Dense(4, 2)], seed=2)
    return Model(
        net,
        scale().fit(X_raw),
        scale().fit(Y_raw),
        ["a", "b", "c"],
        ["u", "v"],
        "regression",
        settings={"solver": "sgd", "split": [0.7, 0.15, 0.15]},
        metrics={"test": {"rows": 5, "r2": {"u": 0.5, "v": None}}},
        history={"loss": [1.0, 0.5], "val_loss": [1.1, 0.7]},
    ), X_raw


def classification_model():
    X_raw = RNG.normal(size=(30, 2))
    net = bpnn.Network([bpnn.Dense(2, 3, "tanh"), bpnn.Dense(3, 3, "softmax")], loss="cce", seed=3)
    return Model(
        net, StandardScaler().fit(X_raw), None, ["p", "q"], ["kind"], "classification", classes=[2.0, 5.0, 7.0]
    ), X_raw


@pytest.mark.parametrize("scale", [MinMaxScaler, StandardScaler])
def test_regression_model_round_trip(tmp_path, scale):
    model, X_raw = regression_model(scale)
    model.save(tmp_path / "m.bpnn")
    loaded = bpnn.load(tmp_path / "m.bpnn")
    assert isinstance(loaded, Model)
    assert np.array_equal(loaded.predict(X_raw), model.predict(X_raw))
    for key in ("feature_names", "target_names", "task", "settings", "metrics", "history", "bpnn_version"):
        assert getattr(loaded, key) == getattr(model, key), key
    same_network(model.network, loaded.network)


def test_regression_model_predicts_in_original_units():
    model, X_raw = regression_model()
    # independent forward pass: mapminmax, tanh layer, linear layer, inverse mapminmax
    xs, ys = model.x_scaler, model.y_scaler
    z = 2 * (X_raw - xs.data_min_) / (xs.data_max_ - xs.data_min_) - 1
    l1, l2 = model.network.layers
    out = np.tanh(z @ l1.weights + l1.bias) @ l2.weights + l2.bias
    expected = (out + 1) / 2 * (ys.data_max_ - ys.data_min_) + ys.data_min_
    np.testing.assert_allclose(model.predict(X_raw), expected, rtol=1e-12, atol=1e-12)


def test_classification_model_round_trip(tmp_path):
    model, X_raw = classification_model()
    model.save(tmp_path / "c.bpnn")
    loaded = Model.load(tmp_path / "c.bpnn")
    assert np.array_equal(loaded.predict_proba(X_raw), model.predict_proba(X_raw))
    labels = loaded.predict(X_raw)
    assert set(labels) <= {2.0, 5.0, 7.0}
    assert np.array_equal(labels, np.array([2.0, 5.0, 7.0])[model.predict_proba(X_raw).argmax(axis=1)])
    assert loaded.y_scaler is None and loaded.classes.tolist() == [2.0, 5.0, 7.0]
    with pytest.raises(ValueError, match="only for classification"):
        regression_model()[0].predict_proba(X_raw)


def test_model_checks_its_parts():
    net = bpnn.Network([bpnn.Dense(2, 3, "softmax")])
    xs = MinMaxScaler().fit(np.ones((2, 2)))
    with pytest.raises(ValueError, match="feature_names has 3 names"):
        Model(net, xs, None, ["a", "b", "c"], ["t"], "classification", classes=[0, 1, 2])
    with pytest.raises(ValueError, match="one class label per network output"):
        Model(net, xs, None, ["a", "b"], ["t"], "classification", classes=[0, 1])
    with pytest.raises(ValueError, match="'task' parameter"):
        Model(net, xs, None, ["a", "b"], ["t"], "clustering")
    with pytest.raises(ValueError, match="needs a y_scaler"):
        Model(net, xs, None, ["a", "b"], ["t", "u", "v"], "regression")


def test_unsavable_settings_are_refused(tmp_path):
    model, _ = regression_model()
    model.settings["callback"] = print
    with pytest.raises(ValueError, match="not plain data"):
        model.save(tmp_path / "m.bpnn")
    assert not (tmp_path / "m.bpnn").exists()


# --------------------------------------------------------------------------- damaged files


def load_error(path):
    with pytest.raises(ModelFileError) as info:
        bpnn.load(path)
    text = str(info.value)
    assert "\n" not in text and str(path) in text
    return text


def rewrite(path, change):
    """Load a model file's parts, let ``change(arrays, metadata)`` edit them, save them back."""
    arrays, meta = load_container(path)
    kind = meta["kind"]
    meta = {k: v for k, v in meta.items() if k not in ("format", "format_version", "bpnn_version", "kind")}
    change(arrays, meta)
    save_container(path, arrays, meta, kind=kind)


@pytest.fixture
def net_file(tmp_path):
    path = tmp_path / "net.bpnn"
    mixed_network().save(path)
    return path


@pytest.mark.parametrize(
    "change, text",
    [
        (lambda a, m: m.pop("network"), "the network description is missing"),
        (lambda a, m: m["network"].pop("layers"), "the network description lacks 'layers'"),
        (lambda a, m: m["network"].update(layers=[]), "the network has no layers"),
        (lambda a, m: m["network"].update(dtype="float16"), "unsupported dtype 'float16'"),
        (lambda a, m: m["network"].update({"class": "Transformer"}), "unknown network class 'Transformer'"),
        (
            lambda a, m: m["network"]["layers"][1].update(activation="swish"),
            "layer 1 has unknown activation 'swish' (written by a newer bpnn?)",
        ),
        (lambda a, m: m["network"]["layers"][0].update({"class": "Conv2D"}), "layer 0 has unknown class 'Conv2D'"),
        (lambda a, m: m["network"]["layers"][0].pop("n_out"), "layer 0 lacks 'n_out'"),
        (lambda a, m: m["network"].update(loss="hinge"), "unknown loss 'hinge'"),
        (lambda a, m: m["network"].update(epochs_trained=-3), "epochs_trained must be a non-negative integer"),
        (
            lambda a, m: a.update({"layer0.weights": np.ones((3, 4))}),
            "array 'layer0.weights' has shape (3, 4), but the architecture needs (3, 5)",
        ),
        (
            lambda a, m: a.update({"layer1.bias": np.ones(4, dtype=np.float32)}),
            "array 'layer1.bias' has dtype float32, but the network is float64",
        ),
        (lambda a, m: a.pop("layer3.bias"), "array 'layer3.bias' is missing"),
        (lambda a, m: a["layer0.weights"].__setitem__((0, 0), np.nan), "array 'layer0.weights' holds NaN"),
        (
            lambda a, m: m["network"]["layers"][1].update(activation_config={"slope": 7}),
            "layer 1's activation 'leaky_relu' has bad settings",
        ),
    ],
)
def test_inconsistent_network_files_name_the_problem(net_file, change, text):
    rewrite(net_file, change)
    assert text in load_error(net_file)


def test_layers_that_do_not_chain(net_file):
    def change(arrays, meta):
        meta["network"]["layers"][1].update(n_in=6)
        arrays["layer1.weights"] = np.ones((6, 4))

    rewrite(net_file, change)
    assert "cannot be rebuilt: Layer sizes do not chain" in load_error(net_file)


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "model.bpnn"
    regression_model()[0].save(path)
    return path


@pytest.mark.parametrize(
    "change, text",
    [
        (lambda a, m: m.pop("feature_names"), "the model description lacks 'feature_names'"),
        (lambda a, m: m.update(feature_names=["a", "b"]), "inconsistent: feature_names has 2 names"),
        (lambda a, m: m.update(target_names="u"), "must be lists of strings"),
        (lambda a, m: m.update(task="ranking"), "inconsistent: The 'task' parameter"),
        (lambda a, m: a.pop("x_scaler.data_max_"), "the x_scaler cannot be rebuilt"),
        (lambda a, m: m["y_scaler"].update(name="quantile"), "the y_scaler cannot be rebuilt: unknown scaler"),
        (lambda a, m: a.update({"x_scaler.data_min_": np.zeros(4)}), "the x_scaler cannot be rebuilt"),
        (lambda a, m: a.pop("history.val_loss"), "history curves ['val_loss'] are missing"),
        (lambda a, m: a.pop("network.layer1.weights"), "array 'network.layer1.weights' is missing"),
    ],
)
def test_inconsistent_model_files_name_the_problem(model_file, change, text):
    rewrite(model_file, change)
    assert text in load_error(model_file)


def test_truncated_file(net_file):
    data = net_file.read_bytes()
    for cut in (10, len(data) // 2, len(data) - 5):
        net_file.write_bytes(data[:cut])
        assert "truncated" in load_error(net_file) or "damaged" in load_error(net_file)


def test_corrupted_weights_fail_the_checksum(net_file):
    data = bytearray(net_file.read_bytes())
    with zipfile.ZipFile(net_file) as zf:
        info = zf.getinfo("layer0.weights.npy")
    data[info.header_offset + 30 + len(info.filename) + 200] ^= 0x10  # a byte of the weights
    net_file.write_bytes(bytes(data))
    assert "fails its CRC-32 checksum" in load_error(net_file)


def test_foreign_files(tmp_path):
    np.savez(tmp_path / "weights.npz", W=np.ones(3))
    assert "not a bpnn model file" in load_error(tmp_path / "weights.npz")
    (tmp_path / "notes.txt").write_text("hello")
    assert "text file" in load_error(tmp_path / "notes.txt")
    assert "no such file" in load_error(tmp_path / "missing.bpnn")


def test_future_format_version(net_file, monkeypatch):
    monkeypatch.setattr("bpnn.io.container.FORMAT_VERSION", FORMAT_VERSION + 1)
    mixed_network().save(net_file)
    monkeypatch.undo()
    assert "upgrade bpnn to load it" in load_error(net_file)


def test_unknown_kind(tmp_path):
    save_container(tmp_path / "x.bpnn", {}, {}, kind="ensemble")
    assert "holds a 'ensemble', which this bpnn cannot load" in load_error(tmp_path / "x.bpnn")


def test_model_loader_refuses_a_network_file(net_file):
    with pytest.raises(ModelFileError, match="holds a 'network', not a 'model'"):
        Model.load(net_file)


def test_metadata_is_json(net_file):
    with zipfile.ZipFile(net_file) as zf:
        raw = np.lib.format.read_array(zf.open("__bpnn_metadata__.npy"))
    doc = json.loads(raw.tobytes())
    assert doc["kind"] == "network"
    assert [layer["activation"] for layer in doc["metadata"]["network"]["layers"]] == [
        "sigmoid",
        "leaky_relu",
        "relu",
        "tanh",
        "softmax",
    ]


def test_network_from_parts_round_trip_without_a_file():
    net = mixed_network(np.float32)
    arrays, config = network_to_parts(net, prefix="inner.")
    assert all(name.startswith("inner.") for name in arrays)
    same_network(net, network_from_parts(arrays, json.loads(json.dumps(config)), "inner."))


# --------------------------------------------------------------------------- scikit-learn estimators


def fitted_attributes(est):
    return {k: v for k, v in vars(est).items() if k.endswith("_") and not k.startswith("_")}


def comparable(params):
    """get_params with a RandomState replaced by its state, which is what must survive."""
    out = dict(params)
    if isinstance(out["random_state"], np.random.RandomState):
        state = out["random_state"].get_state()
        out["random_state"] = (state[0], state[1].tolist(), *state[2:])
    return out


def same_estimator(a, b, X):
    assert type(a) is type(b) and comparable(a.get_params()) == comparable(b.get_params())
    fa, fb = fitted_attributes(a), fitted_attributes(b)
    assert fa.keys() == fb.keys()
    for key in fa:
        if key == "network_":
            same_network(fa[key], fb[key], np.asarray(X))
        elif isinstance(fa[key], np.ndarray):
            assert fa[key].dtype == fb[key].dtype and np.array_equal(fa[key], fb[key]), key
        elif key in ("coefs_", "intercepts_"):
            assert all((p is None and q is None) or np.array_equal(p, q) for p, q in zip(fa[key], fb[key])), key
        elif key != "target_scaler_":
            assert fa[key] == fb[key] or (fa[key] != fa[key] and fb[key] != fb[key]), key
    assert np.array_equal(a.predict(X), b.predict(X))
    if hasattr(a, "predict_proba"):
        assert np.array_equal(a.predict_proba(X), b.predict_proba(X))


@pytest.fixture(scope="module")
def iris():
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    return X, np.array(["setosa", "versicolor", "virginica"], dtype=object)[y]


@pytest.mark.parametrize("solver, labels", [("adam", 3), ("sgd", 2), ("lbfgs", 3)])
def test_classifier_round_trip_and_continued_training(tmp_path, iris, solver, labels):
    X, y = iris
    keep = np.isin(y, np.unique(y)[:labels])
    X, y = X[keep], y[keep]
    clf = bpnn.BPClassifier(hidden_layer_sizes=(5,), solver=solver, max_iter=8, tol=0.0, random_state=0)
    with pytest.warns(Warning):  # not converged in 8 epochs
        clf.fit(X, y)
    clf.save(tmp_path / "clf.bpnn")
    loaded = bpnn.load(tmp_path / "clf.bpnn")
    same_estimator(clf, loaded, X)
    assert loaded.coefs_[0] is loaded.network_.layers[0].weights  # tied to the network, as after fit
    for est in (clf, loaded):  # the optimizer state came along: training continues identically
        if solver == "lbfgs":  # a whole-batch solver has no partial_fit (as in MLP): a warm start
            with pytest.warns(Warning):  # not converged in 2 more iterations
                est.set_params(warm_start=True, max_iter=2).fit(X, y)
        else:
            est.partial_fit(X[::2], y[::2])
    same_estimator(clf, loaded, X)


@pytest.mark.parametrize("target_scaling", ["minmax", "standard", None])
def test_regressor_round_trip(tmp_path, target_scaling):
    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 3))
    Y = np.column_stack([X @ [1.0, -2.0, 0.5] * 40 + 300, np.sin(X[:, 0])])
    reg = bpnn.BPRegressor(
        hidden_layer_sizes=(6, 3),
        solver="lm",
        max_iter=5,
        tol=0.0,
        random_state=1,
        early_stopping=True,
        target_scaling=target_scaling,
        dropout=0.0,
    )
    with pytest.warns(Warning):
        reg.fit(X, Y)
    bpnn.save(reg, tmp_path / "reg.bpnn")
    same_estimator(reg, bpnn.load(tmp_path / "reg.bpnn"), X)


def test_dropout_and_feature_names_round_trip(tmp_path):
    pd = pytest.importorskip("pandas")  # feature_names_in_ only exists for DataFrames

    rng = np.random.default_rng(5)
    X = pd.DataFrame(rng.normal(size=(40, 2)), columns=["width", "height"])
    y = X["width"].to_numpy() * 2
    reg = bpnn.BPRegressor(
        hidden_layer_sizes=(8,), dropout=0.25, max_iter=4, tol=0.0, random_state=np.random.RandomState(2)
    )
    with pytest.warns(Warning):
        reg.fit(X, y)
    reg.save(tmp_path / "reg.bpnn")
    loaded = bpnn.load(tmp_path / "reg.bpnn")
    assert loaded.feature_names_in_.tolist() == ["width", "height"] and loaded.feature_names_in_.dtype == object
    same_estimator(reg, loaded, X)
    assert isinstance(loaded.get_params()["random_state"], np.random.RandomState)
    for est in (reg, loaded):  # dropout masks continue from the same generator state
        est.partial_fit(X, y)
    same_estimator(reg, loaded, X)


def test_unfitted_estimator_round_trip(tmp_path):
    clf = bpnn.BPClassifier(hidden_layer_sizes=(3, 2), activation="tanh", alpha=0.5)
    clf.save(tmp_path / "u.bpnn")
    loaded = bpnn.load(tmp_path / "u.bpnn")
    assert loaded.get_params() == clf.get_params() and loaded.hidden_layer_sizes == (3, 2)
    assert not hasattr(loaded, "network_")


def test_estimator_attributes_that_cannot_be_stored(tmp_path, iris):
    X, y = iris
    clf = bpnn.BPClassifier(hidden_layer_sizes=(3,), solver="lbfgs", max_iter=3, random_state=0)
    with pytest.warns(Warning):
        clf.fit(X, y)
    clf.callback_ = print
    with pytest.raises(ValueError, match="state.callback_ holds a builtins.builtin_function_or_method"):
        clf.save(tmp_path / "c.bpnn")
    with pytest.raises(TypeError, match="takes a BPClassifier or BPRegressor"):
        bpnn.estimators.files.save_estimator(object(), tmp_path / "c.bpnn")


def test_estimator_file_cannot_name_arbitrary_classes(tmp_path):
    bpnn.BPRegressor().save(tmp_path / "r.bpnn")

    def plant(arrays, meta):
        meta["state"]["__dict__"]["evil_"] = {"__object__": ["os", "system"], "state": {"__dict__": {}}}

    rewrite(tmp_path / "r.bpnn", plant)
    assert "class os.system, which bpnn does not rebuild from files" in load_error(tmp_path / "r.bpnn")

    def rename(arrays, meta):
        meta["class"] = "BPTransformer"

    rewrite(tmp_path / "r.bpnn", rename)
    assert "unknown estimator class 'BPTransformer'" in load_error(tmp_path / "r.bpnn")


def test_estimator_file_with_a_missing_array(tmp_path, iris):
    X, y = iris
    clf = bpnn.BPClassifier(hidden_layer_sizes=(3,), solver="lbfgs", max_iter=2, random_state=0)
    with pytest.warns(Warning):
        clf.fit(X, y)
    clf.save(tmp_path / "c.bpnn")
    rewrite(tmp_path / "c.bpnn", lambda a, m: a.pop("state.classes_"))
    assert "array 'state.classes_' is missing" in load_error(tmp_path / "c.bpnn")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver", ["adam", "lm"])
def test_optimizer_caches_stay_out_of_model_files_and_pickles(tmp_path, monkeypatch, solver):
    """Scratch arrays, the compiled step's constants and LM's last forward pass (which holds
    the training data) are caches: a saved or pickled estimator carries its optimizer's state
    but none of them, and trains on after loading."""
    import pickle

    from bpnn.estimators.mlp import BPRegressor

    monkeypatch.setenv("BPNN_FAST", "0")  # the NumPy Adam, which fills its scratch arrays
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(40, 2))
    y = np.sin(X.sum(axis=1)) + 0.3
    est = BPRegressor(hidden_layer_sizes=(5,), solver=solver, max_iter=5, random_state=0, batch_size=40, tol=0).fit(
        X, y
    )
    opt = est._optimizer
    transient = [name for name in type(opt)._transient if getattr(opt, name, None) is not None]
    assert transient  # something was cached during training
    path = tmp_path / "model.bpnn"
    bpnn.save(est, path)
    with np.load(path, allow_pickle=False) as archive:
        for name in archive.files:
            assert not (archive[name].shape == X.shape and np.array_equal(archive[name], X)), name
    for loaded in (bpnn.load(path), pickle.loads(pickle.dumps(est))):
        for name in type(opt)._transient:
            assert getattr(loaded._optimizer, name) is None
        np.testing.assert_array_equal(loaded.predict(X), est.predict(X))
        loaded.partial_fit(X, y) if solver == "adam" else loaded.set_params(warm_start=True).fit(X, y)
        assert np.isfinite(loaded.predict(X)).all()
