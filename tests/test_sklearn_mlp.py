"""BPClassifier / BPRegressor as drop-ins for MLPClassifier / MLPRegressor: what scikit-learn's
own test-suite (tests/test_sklearn_mlp_port.py) does not pin down, checked against
independent computations -- scikit-learn's MLP itself started from the same weights,
scikit-learn's metrics and GLMs, dense input for sparse input, float64 for float32."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris, make_classification, make_multilabel_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss, mean_poisson_deviance, r2_score
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler, scale
from threadpoolctl import threadpool_limits

import bpnn
from bpnn.core.layers import Dense
from bpnn.estimators.mlp import BPClassifier, BPRegressor


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(limits=1):
        yield


def _hand_weights(sizes, seed=0):
    rng = np.random.default_rng(seed)
    coefs = [rng.uniform(-0.5, 0.5, size=(a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    intercepts = [rng.uniform(-0.5, 0.5, size=b) for b in sizes[1:]]
    return coefs, intercepts


def _mlp_from(coefs, intercepts, **params):
    """An MLPRegressor set up by hand to continue from the given weights, as its own test_fit does."""
    mlp = MLPRegressor(warm_start=True, **params)
    mlp.coefs_ = [c.copy() for c in coefs]
    mlp.intercepts_ = [b.copy() for b in intercepts]
    mlp.n_outputs_, mlp.n_layers_, mlp.out_activation_ = coefs[-1].shape[1], len(coefs) + 1, "identity"
    mlp.n_iter_, mlp.t_, mlp.loss_curve_, mlp.best_loss_, mlp._no_improvement_count = 0, 0, [], np.inf, 0
    return mlp


@pytest.mark.parametrize("schedule", ["constant", "invscaling", "adaptive"])
def test_sgd_and_learning_rate_schedules_follow_mlp_step_for_step(schedule):
    # Both estimators continue from the same hand-set weights (coefs_ / intercepts_ set by hand,
    # then a warm-started fit), full batch, no shuffling effect: the same arithmetic up to rounding.
    X, y = make_regression(n_samples=40, n_features=3, noise=5.0, random_state=0)
    X, y = scale(X), scale(y)
    coefs, intercepts = _hand_weights([3, 5, 1])
    params = dict(
        hidden_layer_sizes=(5,),
        activation="tanh",
        solver="sgd",
        momentum=0.0,
        alpha=1e-3,
        learning_rate=schedule,
        learning_rate_init=0.05,
        power_t=0.3,
        batch_size=40,
        max_iter=60,
        tol=0.02 if schedule == "adaptive" else 1e-4,  # adaptive: the step is cut several times
        n_iter_no_change=3,
    )
    ours = BPRegressor(warm_start=True, target_scaling=None, **params)
    ours.coefs_, ours.intercepts_ = [c.copy() for c in coefs], [b.copy() for b in intercepts]
    theirs = _mlp_from(coefs, intercepts, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y)
        theirs.fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ and ours.t_ == theirs.t_
    assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    assert ours._optimizer.learning_rate == pytest.approx(theirs._optimizer.learning_rate, rel=1e-12)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    if schedule == "adaptive":
        assert ours._optimizer.learning_rate < 0.05 / 5  # cut at least twice
    assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-9, atol=1e-12)


def test_hand_set_weights_of_a_classifier_continue_by_partial_fit():
    # one sgd step from set weights, checked against a step worked out with NumPy
    X = np.array([[0.6, 0.8, 0.7], [0.1, -0.4, 0.3]])
    y = np.array([0, 1])
    clf = BPClassifier(
        solver="sgd", learning_rate_init=0.1, alpha=0.1, activation="logistic", hidden_layer_sizes=2, momentum=0
    )
    W1, W2 = np.array([[0.1, 0.2], [0.3, 0.1], [0.5, 0.0]]), np.array([[0.1], [0.2]])
    b1, b2 = np.array([0.1, 0.1]), np.array([1.0])
    clf.coefs_, clf.intercepts_ = [W1.copy(), W2.copy()], [b1.copy(), b2.copy()]
    clf.partial_fit(X, y, classes=[0, 1])

    def sig(z):
        return 1.0 / (1.0 + np.exp(-z))

    h = sig(X @ W1 + b1)
    p = sig(h @ W2 + b2)
    d2 = (p - y[:, None]) / 2  # mean binary cross-entropy after a sigmoid output
    d1 = d2 @ W2.T * h * (1 - h)
    expected = [
        W1 - 0.1 * (X.T @ d1 + 0.1 / 2 * W1),
        W2 - 0.1 * (h.T @ d2 + 0.1 / 2 * W2),
        b1 - 0.1 * d1.sum(0),
        b2 - 0.1 * d2.sum(0),
    ]
    for got, want in zip(clf.coefs_ + clf.intercepts_, expected):
        assert_allclose(got, want, rtol=1e-12)
    assert clf.coefs_[0] is clf.network_.layers[0].weights and clf.out_activation_ == "logistic"


def test_lbfgs_quality_case_of_the_issue_matches_mlp():
    # make_regression(200, 10, bias=20, noise=100, seed 7), scaled y, 50 logistic units, tol=1e-3:
    # bpnn used to stop at 75 iterations with R^2 0.959 (the n_iter_no_change rule); MLP reaches 0.994
    X, y = make_regression(n_samples=200, n_features=10, bias=20.0, noise=100.0, random_state=7)
    y = scale(y)
    params = dict(solver="lbfgs", hidden_layer_sizes=50, tol=1e-3, activation="logistic", random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = BPRegressor(**params).fit(X, y)
        theirs = MLPRegressor(**params).fit(X, y)
    assert r2_score(y, ours.predict(X)) >= r2_score(y, theirs.predict(X)) - 0.005
    assert ours.score(X, y) > 0.99 and ours.n_iter_ > 100


def test_lbfgs_has_no_n_iter_no_change_rule_but_max_fun_and_convergence_warnings():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    # n_iter_no_change=1 with a huge tol would stop sgd after two epochs; lbfgs ignores it
    with pytest.warns(ConvergenceWarning, match="max_iter=30"):
        clf = BPClassifier(solver="lbfgs", hidden_layer_sizes=(5,), tol=1e-12, n_iter_no_change=1, max_iter=30).fit(
            X, y
        )
    assert clf.n_iter_ == 30
    with pytest.warns(ConvergenceWarning, match="max_fun=7"):
        clf = BPClassifier(solver="lbfgs", hidden_layer_sizes=(5,), max_fun=7, random_state=0).fit(X, y)
    assert clf.n_iter_ <= 7 and clf._optimizer.n_fun >= 7 and clf._optimizer.budget_exhausted
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # converged: no warning
        clf = BPClassifier(solver="lbfgs", hidden_layer_sizes=(5,), tol=1e-2, random_state=0).fit(X, y)
    assert clf.n_iter_ < clf.max_iter  # stopped by its own test (gtol, ftol)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_n_iter_no_change_inf_runs_to_max_iter_with_a_warning(solver):
    X, y = load_iris(return_X_y=True)
    with pytest.warns(ConvergenceWarning, match="max_iter=15"):
        clf = BPClassifier(solver=solver, hidden_layer_sizes=(3,), tol=1e9, n_iter_no_change=np.inf, max_iter=15).fit(
            X, y
        )
    assert clf.n_iter_ == 15 and clf._no_improvement_count == 14


def test_partial_fit_exists_only_for_per_batch_solvers():
    for solver in sorted(bpnn.OPTIMIZERS):
        per_batch = not getattr(bpnn.OPTIMIZERS[solver], "full_batch", False)
        assert hasattr(BPClassifier(solver=solver), "partial_fit") is per_batch, solver
        assert hasattr(BPRegressor(solver=solver), "partial_fit") is per_batch, solver
    assert {"lbfgs", "lm", "br", "rprop"} == {
        s for s in bpnn.OPTIMIZERS if not hasattr(BPRegressor(solver=s), "partial_fit")
    }
    with pytest.raises(AttributeError, match="has no attribute 'partial_fit'") as info:
        BPClassifier(solver="lbfgs").partial_fit  # noqa: B018
    assert "solver='lbfgs' works on the whole training set" in str(info.value.__cause__)


@pytest.mark.parametrize("cls", [BPClassifier, BPRegressor])
def test_unknown_keywords_name_the_public_class(cls):
    with pytest.raises(TypeError, match=rf"{cls.__name__}\.__init__\(\) got an unexpected keyword argument 'hidden'"):
        cls(hidden=3)


def test_overflow_raises_a_value_error():
    rng = np.random.RandomState(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    y = rng.standard_normal(size=10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match="lower learning_rate_init") as info:
            BPRegressor(hidden_layer_sizes=(4,)).fit(X, y)
    assert isinstance(info.value, bpnn.DivergenceError)


def test_warm_start_with_other_classes_raises():
    X, y = load_iris(return_X_y=True)
    params = dict(hidden_layer_sizes=2, solver="lbfgs", warm_start=True, random_state=42, tol=1e-2)
    clf = BPClassifier(**params).fit(X, y)
    clf.fit(X, np.array([0] * 40 + [1] * 40 + [2] * 70))  # the same classes: fine
    for other in ([0] * 75 + [1] * 75, [0] * 50 + [1] * 50 + [3] * 50):
        with pytest.raises(ValueError, match=r"classes \[0, 1, 2\], but y has the classes"):
            clf.fit(X, np.array(other))
    BPClassifier(**{**params, "warm_start": False}).fit(X, y).fit(X, np.array([0] * 75 + [1] * 75))


def test_a_single_class_is_always_predicted():
    X, _ = load_iris(return_X_y=True)
    y = np.full(len(X), "only")
    clf = BPClassifier(hidden_layer_sizes=(3,), max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    assert_array_equal(clf.classes_, ["only"])
    assert_array_equal(clf.predict(X[:5]), ["only"] * 5)
    assert_array_equal(clf.predict_proba(X[:5]), np.ones((5, 1)))
    assert clf.score(X, y) == 1.0


def test_multilabel_targets_get_one_sigmoid_per_label():
    X, Y = make_multilabel_classification(n_samples=60, n_classes=4, random_state=0)
    clf = BPClassifier(solver="lbfgs", hidden_layer_sizes=20, alpha=0.0, max_iter=300, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, Y)
    assert_array_equal(clf.classes_, np.arange(4)) and clf.n_outputs_ == 4
    proba = clf.predict_proba(X)
    # an independent forward pass: ReLU hidden layer, one logistic sigmoid per label
    z = np.maximum(X @ clf.coefs_[0] + clf.intercepts_[0], 0) @ clf.coefs_[1] + clf.intercepts_[1]
    assert_allclose(proba, 1 / (1 + np.exp(-z)), rtol=1e-12)
    assert not np.allclose(proba.sum(axis=1), 1.0)  # not a softmax
    assert_array_equal(clf.predict(X), (proba > 0.5).astype(int))
    # the training loss is the binary log-loss summed over the labels (no L2: alpha=0)
    per_label = sum(log_loss(Y[:, k], proba[:, k], labels=[0, 1]) for k in range(4))
    assert_allclose(clf.network_.loss(X, Y), per_label, rtol=1e-9)
    assert clf.score(X, Y) > 0.9
    with pytest.raises(ValueError, match="needs 'classes'"):
        BPClassifier().partial_fit(X, Y)
    streamed = BPClassifier(hidden_layer_sizes=5, random_state=0).partial_fit(X, Y, classes=[0, 1, 2, 3])
    assert streamed.predict(X).shape == Y.shape


@pytest.fixture
def no_densifying(monkeypatch):
    """Make densifying a SciPy sparse matrix or array an error while the test runs."""

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"a {type(self).__name__} of shape {self.shape} was densified")

    for cls in (sp.csr_matrix, sp.csr_array, sp.csc_matrix, sp.csc_array, sp.coo_matrix, sp.coo_array):
        monkeypatch.setattr(cls, "toarray", refuse)
        monkeypatch.setattr(cls, "todense", refuse)


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csr_array, sp.csc_matrix, sp.csc_array])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_sparse_input_trains_like_dense_input_without_densifying(container, solver, no_densifying):
    X, y = make_classification(n_samples=120, n_features=30, n_informative=5, random_state=0)
    X[np.abs(X) < 1.0] = 0.0  # about two thirds zeros
    params = dict(hidden_layer_sizes=(6,), solver=solver, max_iter=40, batch_size=32, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dense = BPClassifier(**params).fit(X, y)
        sparse = BPClassifier(**params).fit(container(X), y)
    # the same arithmetic but for the order of the sums in X @ W and X^T delta
    for a, b in zip(dense.coefs_ + dense.intercepts_, sparse.coefs_ + sparse.intercepts_):
        assert_allclose(a, b, rtol=1e-6, atol=1e-9)
    assert_allclose(sparse.predict_proba(container(X)), dense.predict_proba(X), rtol=1e-6, atol=1e-9)


def test_sparse_input_with_early_stopping_and_a_regressor(no_densifying):
    X, y = make_regression(n_samples=150, n_features=20, random_state=1)
    X[np.abs(X) < 0.8] = 0.0
    params = dict(hidden_layer_sizes=(5,), early_stopping=True, max_iter=30, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        dense = BPRegressor(**params).fit(X, y)
        sparse = BPRegressor(**params).fit(sp.csr_array(X), y)
    assert_allclose(sparse.validation_scores_, dense.validation_scores_, rtol=1e-7)
    assert_allclose(sparse.predict(sp.csr_matrix(X)), dense.predict(X), rtol=1e-7, atol=1e-9)


def test_network_trains_on_sparse_rows_like_dense_rows(no_densifying):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 8)) * (rng.random((50, 8)) < 0.3)
    y = rng.normal(size=(50, 2))

    def train(data):
        net = bpnn.Network([Dense(8, 4, "tanh"), Dense(4, 2)], seed=3, alpha=0.1)
        history = net.fit(data, y, epochs=5, batch_size=7, seed=1, optimizer="adam", validation_split=0.2)
        return net, history

    dense, h_dense = train(X)
    sparse, h_sparse = train(sp.csr_matrix(X))
    assert_allclose(h_sparse["loss"], h_dense["loss"], rtol=1e-12)
    for a, b in zip(sparse.get_weights(), dense.get_weights()):
        assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match="X is a sparse matrix"):
        bpnn.Network([Dense(8, 2)], seed=0).fit(sp.csr_matrix(X), y, fast=True)


@pytest.mark.parametrize("cls", [BPClassifier, BPRegressor])
def test_float32_stays_float32_end_to_end(cls, monkeypatch):
    X, y = load_iris(return_X_y=True)
    X32 = StandardScaler().fit_transform(X).astype(np.float32)
    seen = set()
    forward = Dense.forward

    def spy(self, X, training=False):
        seen.add(X.dtype)  # the data every layer computes with, while training and predicting
        return forward(self, X, training)

    monkeypatch.setattr(Dense, "forward", spy)
    params = dict(hidden_layer_sizes=(8,), max_iter=50, random_state=0, learning_rate_init=0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est32 = cls(**params).fit(X32, y)
        out32 = est32.predict_proba(X32) if cls is BPClassifier else est32.predict(X32)
    assert seen == {np.dtype(np.float32)}
    assert {c.dtype for c in est32.coefs_ + est32.intercepts_} == {np.dtype(np.float32)}
    assert out32.dtype == np.float32
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est64 = cls(**params).fit(X32.astype(np.float64), y)
    out64 = (
        est64.predict_proba(X32.astype(np.float64)) if cls is BPClassifier else est64.predict(X32.astype(np.float64))
    )
    assert out64.dtype == np.float64 and est64.coefs_[0].dtype == np.float64
    assert_allclose(out32, out64, rtol=2e-3, atol=2e-4)  # the same training, rounded to float32


def test_poisson_loss_is_half_the_poisson_deviance_and_matches_the_glm():
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(80, 2))
    y = rng.poisson(np.exp(X @ [1.0, -0.5] + 0.5)).astype(float)
    reg = BPRegressor(loss="poisson", hidden_layer_sizes=(1,), activation="identity", alpha=0, solver="lbfgs", tol=1e-8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
    assert reg.out_activation_ == "exp" and reg.target_scaler_ is None
    pred = reg.predict(X)
    assert_allclose(reg.network_.loss(X, y), mean_poisson_deviance(y, pred) / 2, rtol=1e-10)
    from sklearn.linear_model import PoissonRegressor

    glm = PoissonRegressor(alpha=0, tol=1e-10).fit(X, y)
    assert_allclose(pred, glm.predict(X), rtol=1e-4)
    net = bpnn.Network([Dense(2, 3, "tanh"), Dense(3, 1, "exp")], loss="poisson", seed=0)
    assert bpnn.gradcheck(net, X[:10], y[:10, None]) < 1e-6
    with pytest.raises(ValueError, match="needs targets y >= 0"):
        BPRegressor(loss="poisson").fit(X, y - 5)
    with pytest.raises(ValueError, match="must be 'squared_error' with solver='lm'"):
        BPRegressor(loss="poisson", solver="lm").fit(X, y)


def test_warm_started_fits_keep_the_records_aligned():
    X, y = load_iris(return_X_y=True)
    clf = BPClassifier(max_iter=6, warm_start=True, early_stopping=True, n_iter_no_change=100, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
        clf.set_params(max_iter=4).fit(X, y)
    assert clf.n_iter_ == 4  # the epochs of the last fit, as in MLP
    assert len(clf.loss_curve_) == len(clf.validation_scores_) == len(clf.validation_loss_curve_) == 10
    assert clf.best_validation_score_ == max(clf.validation_scores_) and clf.best_loss_ is None
    assert clf.t_ == 10 * (len(X) - 15)  # training samples seen: 15 of 150 are held out


def test_new_fitted_state_survives_save_and_load(tmp_path):
    X, Y = make_multilabel_classification(n_samples=40, n_classes=3, random_state=1)
    X32 = sp.csr_matrix(X.astype(np.float32))
    clf = BPClassifier(hidden_layer_sizes=(4,), solver="lbfgs", max_fun=30, random_state=0)
    with pytest.warns(ConvergenceWarning):
        clf.fit(X32, Y)
    reg = BPRegressor(loss="poisson", hidden_layer_sizes=(3,), solver="sgd", learning_rate="invscaling", max_iter=5)
    with pytest.warns(ConvergenceWarning):
        reg.fit(X[:, :4] / 10, Y[:, 0] * 3.0)
    for est, data in ((clf, X32), (reg, X[:, :4] / 10)):
        est.save(tmp_path / "m.bpnn")
        loaded = bpnn.load(tmp_path / "m.bpnn")
        assert_array_equal(loaded.predict(data), est.predict(data))
        assert loaded.coefs_[0].dtype == est.coefs_[0].dtype and loaded.t_ == est.t_
        assert loaded._optimizer.get_config() == est._optimizer.get_config()
    assert loaded.out_activation_ == "exp" and loaded._optimizer.learning_rate == reg._optimizer.learning_rate


def test_onnx_export_of_the_new_kinds():
    ort = pytest.importorskip("onnxruntime")
    rng = np.random.default_rng(1)
    X = rng.uniform(size=(30, 2)).astype(np.float32)
    y = rng.poisson(np.exp(X @ [1.0, 0.5])).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg = BPRegressor(loss="poisson", hidden_layer_sizes=(3,), max_iter=20, random_state=0).fit(X, y)
        multilabel = BPClassifier(hidden_layer_sizes=(3,), max_iter=5).fit(X, np.column_stack([y > 1, y > 2]))
    session = ort.InferenceSession(reg.to_onnx().SerializeToString())
    assert_allclose(session.run(None, {"input": X})[0], reg.predict(X), rtol=1e-5)  # the exp output node
    with pytest.raises(ValueError, match="fitted on a multilabel target to ONNX"):
        multilabel.to_onnx()


@pytest.mark.parametrize("optimizer", ["lbfgs", "rprop", "lm", "br"])
def test_whole_batch_solvers_take_sparse_input(optimizer):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 8)) * (rng.random((50, 8)) < 0.3)
    y = rng.normal(size=(50, 2))
    losses = []
    for data in (X, sp.csc_matrix(X)):  # CSC is taken as CSR
        net = bpnn.Network([Dense(8, 4, "tanh"), Dense(4, 2)], seed=3)
        losses.append(net.fit(data, y, epochs=5, optimizer=optimizer)["loss"])
    assert_allclose(losses[1], losses[0], rtol=1e-12)


def test_an_estimator_pickled_before_these_attributes_existed_still_works():
    import pickle

    X, y = load_iris(return_X_y=True)
    clf = BPClassifier(hidden_layer_sizes=(4,), max_iter=5, random_state=0)
    with pytest.warns(ConvergenceWarning):
        clf.fit(X, y)
    old = pickle.loads(pickle.dumps(clf))
    for name in ("learning_rate", "power_t", "max_fun", "t_", "_label_kind", "_best_weights"):
        del old.__dict__[name]  # what an older bpnn's BPClassifier did not have
    restored = pickle.loads(pickle.dumps(old))
    assert restored.get_params() == clf.get_params()  # the new parameters at their defaults
    assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))
    with pytest.warns(ConvergenceWarning):
        restored.set_params(warm_start=True).fit(X, y)
    assert restored.n_iter_ == 5 and len(restored.loss_curve_) == 10
