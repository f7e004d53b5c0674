"""bpnn.io.scaling: checked against hand calculations and scikit-learn's scalers."""

import numpy as np
import pytest
from sklearn import preprocessing

from bpnn.io.scaling import MinMaxScaler, NoScaler, StandardScaler, get_scaler, scaler_from_state


def data(seed=0, n=40):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * [1.0, 250.0, 1e-3, 3.0] + [0.0, 1e4, 2.0, -7.0]
    X[:, 3] = 7.5  # one constant column
    return X


# --------------------------------------------------------------------------- hand calculations


def test_minmax_by_hand():
    X = np.array([[0.0, 10.0], [5.0, 30.0], [10.0, 20.0]])
    s = MinMaxScaler().fit(X)
    # column 0: (x - 0) * 2/10 - 1; column 1: (x - 10) * 2/20 - 1
    assert s.transform(X).tolist() == [[-1.0, -1.0], [0.0, 1.0], [1.0, 0.0]]
    assert s.transform([[2.5, 15.0]]).tolist() == [[-0.5, -0.5]]
    assert s.inverse_transform([[0.5, -0.5]]).tolist() == [[7.5, 15.0]]


def test_minmax_matlab_documentation_example_rows_as_columns():
    # MATLAB's mapminmax example works on rows; here each row of x1 is a column.
    x1 = np.array([[1, 2, 4], [1, 1, 1], [3, 2, 2], [0, 0, 0]], dtype=float).T
    x2 = np.array([[5, 2, 3], [1, 1, 1], [6, 7, 3], [0, 0, 0]], dtype=float).T
    s = MinMaxScaler().fit(x1)
    y1 = s.transform(x1)
    np.testing.assert_allclose(y1[:, 0], [-1, -1 / 3, 1], rtol=0, atol=1e-15)
    assert y1[:, 1].tolist() == [-1, -1, -1]  # constant: the low end
    assert y1[:, 2].tolist() == [1, -1, -1]
    assert y1[:, 3].tolist() == [-1, -1, -1]
    y2 = s.transform(x2)
    np.testing.assert_allclose(y2[:, 0], [(5 - 1) * 2 / 3 - 1, (2 - 1) * 2 / 3 - 1, (3 - 1) * 2 / 3 - 1], atol=1e-15)
    assert y2[:, 1].tolist() == [-1, -1, -1]
    # x_min 2, x_max 3: (x - 2) * 2 - 1
    assert y2[:, 2].tolist() == [7, 9, 1]
    np.testing.assert_allclose(s.inverse_transform(y1), x1, atol=1e-15)


def test_minmax_constant_column_moves_by_twice_the_distance():
    s = MinMaxScaler().fit(np.full((5, 1), 3.0))
    assert s.transform([[3.0], [3.5], [1.0]]).ravel().tolist() == [-1.0, 0.0, -5.0]


def test_standard_by_hand():
    X = np.array([[1.0, 4.0], [3.0, 4.0]])
    s = StandardScaler().fit(X)
    # column 0: mean 2, population std 1; column 1 constant: divided by 1
    assert s.transform(X).tolist() == [[-1.0, 0.0], [1.0, 0.0]]
    assert s.inverse_transform([[0.5, 2.0]]).tolist() == [[2.5, 6.0]]


# --------------------------------------------------------------------------- scikit-learn


def test_minmax_matches_sklearn():
    X, new = data(0), data(1) * 1.5
    ours = MinMaxScaler().fit(X)
    ref = preprocessing.MinMaxScaler(feature_range=(-1, 1)).fit(X)
    np.testing.assert_allclose(ours.transform(new), ref.transform(new), rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(ours.inverse_transform(new), ref.inverse_transform(new), rtol=1e-13, atol=1e-9)


def test_minmax_other_range_matches_sklearn():
    X = data(2)
    ours = MinMaxScaler(feature_range=(0, 1)).fit(X)
    ref = preprocessing.MinMaxScaler().fit(X)
    np.testing.assert_allclose(ours.transform(X), ref.transform(X), atol=1e-12)


def test_standard_matches_sklearn():
    X, new = data(3), data(4)
    ours = StandardScaler().fit(X)
    ref = preprocessing.StandardScaler().fit(X)
    np.testing.assert_allclose(ours.mean_, ref.mean_, rtol=1e-14)
    np.testing.assert_allclose(ours.var_, ref.var_, rtol=1e-12)
    np.testing.assert_allclose(ours.scale_, ref.scale_, rtol=1e-12)
    np.testing.assert_allclose(ours.transform(new), ref.transform(new), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ours.inverse_transform(new), ref.inverse_transform(new), rtol=1e-12)


@pytest.mark.parametrize("sizes", [[40], [1, 39], [7, 7, 7, 19], [13, 1, 26]])
def test_partial_fit_over_chunks_equals_fit(sizes):
    X = data(5)
    cuts = np.cumsum(sizes)[:-1]
    for cls in (MinMaxScaler, StandardScaler):
        whole = cls().fit(X)
        chunked = cls()
        for part in np.split(X, cuts):
            chunked.partial_fit(part)
        assert chunked.n_samples_seen_ == 40
        np.testing.assert_allclose(chunked.transform(X), whole.transform(X), rtol=1e-12, atol=1e-10)
    ref = preprocessing.StandardScaler()
    for part in np.split(X, cuts):
        ref.partial_fit(part)
    np.testing.assert_allclose(chunked.var_, ref.var_, rtol=1e-10)


def test_fit_starts_over():
    s = StandardScaler().fit(np.ones((3, 2)) * 100)
    s.fit(np.array([[0.0, 0.0], [2.0, 2.0]]))
    assert s.n_samples_seen_ == 2 and s.mean_.tolist() == [1.0, 1.0]


def test_inverse_undoes_transform():
    X = data(6)
    for name in ("minmax", "standard", "none"):
        s = get_scaler(name).fit(X)
        np.testing.assert_allclose(s.inverse_transform(s.transform(X)), X, rtol=1e-12, atol=1e-12)


def test_none_is_identity_but_checks_columns():
    s = NoScaler().fit(np.ones((2, 3)))
    X = np.arange(6.0).reshape(2, 3)
    assert np.array_equal(s.transform(X), X) and s.transform(X) is not X
    with pytest.raises(ValueError, match="must have 3 columns"):
        s.transform(np.ones((2, 2)))


def test_state_round_trip_is_exact():
    X = data(7)
    for name in ("minmax", "standard", "none"):
        s = get_scaler(name).fit(X)
        copy = scaler_from_state(s.name, s.get_config(), s.get_state())
        assert np.array_equal(copy.transform(X), s.transform(X))
        assert np.array_equal(copy.inverse_transform(X), s.inverse_transform(X))


# --------------------------------------------------------------------------- errors


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="not fitted yet"):
        MinMaxScaler().transform(np.ones((2, 2)))
    s = MinMaxScaler().fit(np.ones((2, 2)))
    with pytest.raises(ValueError, match="'X' argument must have 2 columns"):
        s.transform(np.ones((2, 3)))
    with pytest.raises(ValueError, match="finite"):
        MinMaxScaler().fit([[1.0], [np.nan]])
    with pytest.raises(ValueError, match="low < high"):
        MinMaxScaler(feature_range=(1, -1))
    with pytest.raises(TypeError, match="pair of numbers"):
        MinMaxScaler(feature_range=3)
    with pytest.raises(ValueError, match=r"one of \['mapminmax', 'minmax', 'none', 'standard'\]"):
        get_scaler("robust")
    with pytest.raises(ValueError, match="lacks"):
        scaler_from_state("standard", {}, {"data_min_": np.zeros(2)})
    with pytest.raises(ValueError, match="shape"):
        scaler_from_state(
            "minmax", {}, {"data_min_": np.zeros(2), "data_max_": np.ones(3), "n_samples_seen_": np.array(4)}
        )
