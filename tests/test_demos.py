"""The seed experiments of ``bpnn.demos``, at reduced size where they are slow, with their
figures checked against independent computations (scikit-learn's metrics, hand-written scalar
code, the figures the seed documents publish).

``BPNN_FULL=1`` also runs seed 004's moons experiment at full size (1000 epochs; about 15 s
through the compiled path when numba is installed, minutes without).
"""

import gzip
import os

import numpy as np
import pytest

import bpnn
from bpnn.demos import seeds as demos
from seed002_published import PUBLISHED_ITERATION_1, PUBLISHED_LATER, PUBLISHED_OUTPUTS_1000


def quiet(**kwargs):
    return {"echo": lambda line: None, "progress": "quiet", **kwargs}


# -- seed 002 -------------------------------------------------------------------------------


def scalar_run(iterations, slip_w34=False, slip_w78=False):
    """Seed 002's loop in scalars; the two slips of its derivative lines can be switched on.

    Returns the loss, outputs and hidden outputs of every iteration (from its forward pass).
    """
    s = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    x1, x2, y1, y2 = 0.10, 0.88, 0.55, 1.0
    w1 = w2 = w3 = w4 = w5 = w6 = w7 = w8 = 1.0
    trace = []
    for _ in range(iterations):
        h1, h2 = s(w1 * x1 + w2 * x2), s(w3 * x1 + w4 * x2)
        o1, o2 = s(w5 * h1 + w6 * h2), s(w7 * h1 + w8 * h2)
        trace.append(((y1 - o1) ** 2 / 2 + (y2 - o2) ** 2 / 2, (o1, o2), (h1, h2)))
        d1, d2 = (o1 - y1) * o1 * (1 - o1), (o2 - y2) * o2 * (1 - o2)
        g5, g6 = d1 * h1, d1 * h2
        g7, g8 = (d2 * h2, d2 * h1) if slip_w78 else (d2 * h1, d2 * h2)
        e1 = (d1 * w5 + d2 * w7) * h1 * (1 - h1)
        e2 = ((d2 * w6 + d1 * w8) if slip_w34 else (d1 * w6 + d2 * w8)) * h2 * (1 - h2)
        g1, g2, g3, g4 = e1 * x1, e1 * x2, e2 * x1, e2 * x2
        w1, w2, w3, w4 = w1 - 0.5 * g1, w2 - 0.5 * g2, w3 - 0.5 * g3, w4 - 0.5 * g4
        w5, w6, w7, w8 = w5 - 0.5 * g5, w6 - 0.5 * g6, w7 - 0.5 * g7, w8 - 0.5 * g8
    return trace


@pytest.fixture(scope="module")
def worked():
    return demos.run_worked_example(**quiet())


def test_worked_example_iteration_1_matches_the_blog(worked):
    ours = worked["results"]["iteration_1"]
    assert list(ours) == list(PUBLISHED_ITERATION_1)  # the blog's order
    for name, published in PUBLISHED_ITERATION_1.items():
        assert f"{ours[name]:.6f}" == f"{published:.6f}", name
    assert worked["results"]["iteration_1_matches_blog"] == 25


def test_worked_example_later_iterations_follow_the_correct_gradient(worked):
    correct = scalar_run(1000)
    rows = {r["iteration"]: r for r in worked["results"]["checkpoints"]}
    assert sorted(rows) == [1, 10, 100, 1000]
    for k, r in rows.items():
        loss, outputs, _ = correct[k - 1]
        assert r["loss"] == pytest.approx(loss, rel=1e-10)
        np.testing.assert_allclose(r["outputs"], outputs, rtol=1e-10)
        assert r["gradcheck"] < 1e-8
    # the correct figures differ from the published ones from iteration 10 on
    for k, published in PUBLISHED_LATER.items():
        assert abs(rows[k]["loss"] - published) > 1e-6


def test_the_blogs_later_figures_come_from_its_two_slips(worked):
    """Re-running the blog's lines (both slips) reproduces every published later figure; either
    slip alone does not; and with the w3/w4 line right, the w7/w8 swap changes nothing,
    because the hidden neurons then stay equal."""
    both = scalar_run(1000, slip_w34=True, slip_w78=True)
    only_w34 = scalar_run(1000, slip_w34=True)
    only_w78 = scalar_run(1000, slip_w78=True)
    correct = scalar_run(1000)
    for k, published in PUBLISHED_LATER.items():
        assert both[k - 1][0] == pytest.approx(published, rel=1e-11)
        assert abs(only_w34[k - 1][0] - published) > 1e-11  # the published figures carry 12 digits
        assert only_w78[k - 1][0] == pytest.approx(correct[k - 1][0], rel=1e-13)
    np.testing.assert_allclose(both[999][1], PUBLISHED_OUTPUTS_1000, rtol=1e-10)
    assert all(h1 == pytest.approx(h2, rel=1e-14) for _, _, (h1, h2) in correct)
    assert abs(both[999][2][0] - both[999][2][1]) > 0.05
    # the demo's own re-run of the blog's lines agrees with this scalar one
    rows = {r["iteration"]: r for r in worked["results"]["checkpoints"]}
    for k in (10, 100, 1000):
        assert rows[k]["blog_lines_loss"] == pytest.approx(both[k - 1][0], rel=1e-11)
        assert rows[k]["blog_published_loss"] == PUBLISHED_LATER[k]


def test_the_blog_gradient_goes_wrong_at_iteration_2_exactly_for_w3_w4(worked):
    """At iteration 1 every blog line is right; at iteration 2 only w3 and w4 are wrong
    (the hidden neurons are still equal, so the w7/w8 swap is still harmless)."""
    W1, W2 = np.ones((2, 2)), np.ones((2, 2))
    net = demos.worked_example_network()
    for dW, num in zip(
        demos.blog_lines_gradients(W1, W2), bpnn.numerical_gradients(net, demos.WORKED_X, demos.WORKED_Y)
    ):
        np.testing.assert_allclose(dW, num, rtol=1e-8)
    assert sorted(worked["results"]["blog_wrong_at_iteration_2"]) == ["w3", "w4"]
    for blog, numeric in worked["results"]["blog_wrong_at_iteration_2"].values():
        assert abs(blog - numeric) > 1e-5


def test_worked_example_at_another_learning_rate_reports_no_blog_comparison():
    r = demos.run_worked_example(epochs=20, learning_rate=0.1, **quiet())
    assert r["results"]["iteration_1_matches_blog"] is None
    assert [row["iteration"] for row in r["results"]["checkpoints"]] == [1, 10, 20]
    assert all(row["blog_published_loss"] is None for row in r["results"]["checkpoints"])


# -- seed 000, 003 --------------------------------------------------------------------------


def forward(net, X):
    """An independent forward pass from the network's weights."""
    fns = {
        "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
        "relu": lambda z: np.maximum(z, 0),
        "identity": lambda z: z,
        "tanh": np.tanh,
    }
    a = X
    for layer in net.layers:
        a = fns[layer.activation.name](a @ layer.weights + layer.bias)
    return a


def test_xor_defaults_solve_it():
    r = demos.run_xor(**quiet())
    out = forward(r["network"], demos.XOR_X)[:, 0]
    np.testing.assert_allclose(r["results"]["outputs"], out, rtol=1e-12)
    assert ((out >= 0.5) == demos.XOR_Y[:, 0].astype(bool)).all()
    assert r["results"]["correct"] == 4
    # the last epoch's loss is measured before its update, so it is a little above the loss after it
    after = 0.5 * np.mean((out - demos.XOR_Y[:, 0]) ** 2)
    assert after < r["results"]["final_loss"] < after * 1.01
    assert len(r["results"]["loss_every_100"]) == 51  # epoch 1, then 100, 200, ..., 5000


def test_binary_classifier_learns_the_blobs():
    from sklearn.metrics import accuracy_score, log_loss

    r = demos.run_binary(epochs=3000, learning_rate=0.1, **quiet())
    X_train, X_test, y_train, y_test = demos.binary_data()
    p = forward(r["network"], X_test)[:, 0]
    assert r["results"]["test_accuracy"] == pytest.approx(accuracy_score(y_test, p >= 0.5))
    assert r["results"]["test_accuracy"] >= 0.9
    assert r["results"]["final_cost"] < 0.35
    assert len(r["results"]["cost_every_1000"]) == 4  # iteration 1, 1000, 2000, 3000
    # the cost is the binary cross-entropy (before the last update, so compare loosely)
    p_train = forward(r["network"], X_train)[:, 0]
    assert r["results"]["final_cost"] == pytest.approx(log_loss(y_train, p_train), rel=0.02)


# -- seed 004 -------------------------------------------------------------------------------


def test_moons_reduced_learns_and_reports_like_the_blog():
    from sklearn.metrics import accuracy_score

    r = demos.run_moons(epochs=3, learning_rate=1.0, every=1, **quiet())
    X, y, X_train, X_test, y_train, y_test = demos.moons_data()
    assert (len(X_train), len(X_test)) == (1400, 600)
    net = r["network"]
    assert [layer.weights.shape for layer in net.layers] == [(2, 25), (25, 50), (50, 25), (25, 2)]
    out_test = forward(net, X_test)
    assert r["results"]["test_accuracy"] == pytest.approx(accuracy_score(y_test, out_test.argmax(1)))
    assert r["results"]["test_accuracy"] >= 0.85
    # the blog's MSE: the mean of the squared error over every output of the training set
    mse = np.mean((np.eye(2)[y_train] - forward(net, X_train)) ** 2)
    assert r["results"]["final_mse"] == pytest.approx(mse, rel=1e-10)
    assert r["results"]["log"]["epoch"] == [1, 2, 3]


def _numba_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("numba") is not None


# Full size takes ~5-15 s on the compiled path (numba, installed by `make test`) but about four
# minutes on the NumPy path, so without numba it runs only when BPNN_FULL=1 asks for it.
@pytest.mark.skipif(
    not _numba_available() and os.environ.get("BPNN_FULL") != "1",
    reason="full-size moons without numba takes ~4 minutes: set BPNN_FULL=1",
)
def test_moons_full_size_reaches_97_percent():
    r = demos.run_moons(**quiet())
    assert r["results"]["test_accuracy"] >= 0.97
    assert r["results"]["log"]["epoch"][:3] == [1, 10, 20] and r["results"]["log"]["epoch"][-1] == 1000


def test_sine_regression_fits():
    from sklearn.metrics import mean_squared_error

    r = demos.run_sine(n_train=2000, epochs=30, **quiet())
    _, _, X_test, Y_test = demos.sine_data(2000)
    pred = forward(r["network"], X_test)
    assert r["results"]["test_rmse"] == pytest.approx(np.sqrt(mean_squared_error(Y_test, pred)), rel=1e-10)
    assert r["results"]["test_rmse_sin"] == pytest.approx(np.sqrt(mean_squared_error(Y_test[:, 0], pred[:, 0])))
    assert r["results"]["test_rmse"] < 0.1  # sin alone has RMSE 0.71 around 0


def test_digits_reach_95_percent_with_plain_sgd():
    from sklearn.metrics import accuracy_score, confusion_matrix

    r = demos.run_digits(**quiet())
    X_train, X_test, y_train, y_test, shape, _ = demos.digits_data()
    assert shape == (8, 8) and X_test.shape[1] == 64
    net = r["network"]
    # softmax output: recompute it by hand from the last layer
    hidden = np.maximum(X_test @ net.layers[0].weights + net.layers[0].bias, 0)
    z = hidden @ net.layers[1].weights + net.layers[1].bias
    predicted = z.argmax(1)
    assert r["results"]["test_accuracy"] == pytest.approx(accuracy_score(y_test, predicted))
    assert r["results"]["test_accuracy"] >= 0.95
    np.testing.assert_array_equal(r["results"]["confusion_matrix"], confusion_matrix(y_test, predicted))
    assert r["results"]["misclassified"] == int(np.sum(predicted != y_test))


def write_fake_mnist(folder, n_train=300, n_test=100, compress=False, seed=0):
    """Four IDX files in MNIST's layout: digit k is a bright 4x4 block at a place of its own, plus noise."""
    from bpnn.io import write_idx

    rng = np.random.default_rng(seed)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        labels = rng.integers(0, 10, size=n).astype(np.uint8)
        images = rng.integers(0, 60, size=(n, 28, 28)).astype(np.uint8)
        for i, k in enumerate(labels):
            r, c = divmod(int(k), 5)
            images[i, 4 + 10 * r : 8 + 10 * r, 2 + 5 * c : 6 + 5 * c] = 250
        for kind, array in (("images-idx3-ubyte", images), ("labels-idx1-ubyte", labels)):
            path = folder / f"{prefix}-{kind}"
            write_idx(path, array)
            if compress:
                with open(path, "rb") as f, gzip.open(str(path) + ".gz", "wb") as g:
                    g.write(f.read())
                path.unlink()


@pytest.mark.parametrize("compress", [False, True])
def test_digits_runs_on_mnist_idx_files(tmp_path, compress):
    write_fake_mnist(tmp_path, compress=compress)
    out = tmp_path / "pictures"
    r = demos.run_digits(data_dir=tmp_path, epochs=3, out_dir=out, **quiet())
    assert r["settings"]["data"] == f"MNIST from {tmp_path}"
    assert r["network"].layers[0].weights.shape == (784, 64)
    assert r["results"]["test_accuracy"] >= 0.9
    assert sum(map(sum, r["results"]["confusion_matrix"])) == 100
    assert {os.path.basename(f) for f in r["files"]} == {"confusion_matrix.png", "misclassified.png", "history.png"}


def test_digits_with_a_broken_data_dir_raises_a_one_line_data_error(tmp_path):
    from bpnn.io import DataError

    with pytest.raises(DataError, match="missing"):
        demos.run_digits(data_dir=tmp_path, **quiet())
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"not an idx file")
    for name in ("train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
        (tmp_path / name).write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x00")
    with pytest.raises(DataError) as info:
        demos.run_digits(data_dir=tmp_path, **quiet())
    assert "\n" not in str(info.value)


# -- pictures, the table --------------------------------------------------------------------


def test_pictures_are_written_and_announced(tmp_path):
    lines = []
    r = demos.run_moons(
        epochs=1, n_samples=200, out_dir=tmp_path / "new" / "folder", echo=lines.append, progress="quiet"
    )
    names = sorted(os.path.basename(f) for f in r["files"])
    assert names == ["dataset.png", "dataset.svg", "decision_boundary.png", "decision_boundary.svg", "history.png"]
    for f in r["files"]:
        assert f"saved {f}" in lines
        with open(f, "rb") as fh:
            head = fh.read(8)
        assert head.startswith(b"\x89PNG") if f.endswith(".png") else head.startswith(b"<?xml")


def test_out_dir_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ValueError, match="--out folder"):
        demos.run_xor(epochs=1, out_dir=target, **quiet())


def test_every_demo_takes_its_listed_overrides():
    import inspect

    for name, demo in demos.DEMOS.items():
        params = inspect.signature(demo.run).parameters
        for option in (*demo.options, "out_dir", "echo", "progress"):
            assert option in params, (name, option)
    with pytest.raises(ValueError, match="Unknown demo 'nope'"):
        demos.run_demo("nope")
    with pytest.raises(ValueError, match="'hidden'"):
        demos.run_xor(hidden=(0,), **quiet())
