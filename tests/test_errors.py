"""Bad input gets a clear error naming the argument, what was expected and what was received."""

import numpy as np
import pytest

import bpnn


def small_net(**kw):
    return bpnn.Network([bpnn.Dense(2, 3, "sigmoid"), bpnn.Dense(3, 1, "sigmoid")], seed=0, **kw)


X = np.zeros((4, 2))
Y = np.zeros((4, 1))


def test_rows_differ():
    with pytest.raises(ValueError, match=r"'X' and 'y' must have the same number of rows; got 4 and 3"):
        small_net().fit(X, np.zeros((3, 1)))


def test_x_columns_do_not_match_first_layer():
    with pytest.raises(ValueError, match=r"'X' argument must have 2 columns \(the first layer's n_in\); got 3"):
        small_net().fit(np.zeros((4, 3)), Y)
    with pytest.raises(ValueError, match=r"'X'.*2 columns.*got 5"):
        small_net().predict(np.zeros((4, 5)))


def test_y_columns_do_not_match_last_layer():
    with pytest.raises(ValueError, match=r"'y' argument must have 1 columns \(the last layer's n_out\); got 2"):
        small_net().fit(X, np.zeros((4, 2)))


def test_layer_sizes_do_not_chain():
    with pytest.raises(ValueError, match=r"layer 1 expects n_in=4 inputs but the layer before it has n_out=3"):
        bpnn.Network([bpnn.Dense(2, 3), bpnn.Dense(4, 1)])


def test_finite_data_whose_sum_overflows_is_accepted():
    # the finiteness check sums the data in one pass; an overflowing sum of finite numbers
    # must not be taken for an infinity (min and max decide then)
    from bpnn.core.checks import check_array

    big = np.full((4, 3), 3e38, dtype=np.float32)
    np.testing.assert_array_equal(check_array(big, "X", np.float32), big)
    with pytest.raises(ValueError, match=r"found -inf at index \(1, 2\)"):
        bad = big.copy()
        bad[1, 2] = -np.inf
        check_array(bad, "X", np.float32)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_data(bad):
    Xb = X.copy()
    Xb[2, 1] = bad
    with pytest.raises(ValueError, match=r"'X' argument must contain only finite numbers; found .* at index \(2, 1\)"):
        small_net().fit(Xb, Y)
    Yb = Y.copy()
    Yb[0, 0] = bad
    with pytest.raises(ValueError, match=r"'y' argument must contain only finite"):
        small_net().fit(X, Yb)


def test_empty_arrays():
    with pytest.raises(ValueError, match=r"'X' argument must not be empty; got shape \(0, 2\)"):
        small_net().fit(np.zeros((0, 2)), np.zeros((0, 1)))


def test_non_numeric_data():
    with pytest.raises(
        TypeError, match=r"'X' argument must hold numbers; got an array of dtype <U1 \(first value 'a'\)"
    ):
        small_net().fit([["a", "b"]] * 4, Y)
    with pytest.raises(TypeError, match=r"'y' argument must hold numbers"):
        small_net().fit(X, np.array([None] * 4))


def test_wrong_dimensions():
    with pytest.raises(
        ValueError, match=r"'X' argument must be a 2-D array of shape \(n_samples, n_features\); got shape \(4,\)"
    ):
        small_net().fit(np.zeros(4), Y)


@pytest.mark.parametrize("lr", [0, -0.1, float("nan")])
def test_learning_rate_not_positive(lr):
    with pytest.raises(ValueError, match=r"'learning_rate' parameter must be > 0.0; got"):
        small_net().fit(X, Y, learning_rate=lr)


def test_learning_rate_wrong_type():
    with pytest.raises(TypeError, match=r"'learning_rate' parameter must be a real number; got '0.1' \(str\)"):
        small_net().fit(X, Y, learning_rate="0.1")


def test_epochs_below_one():
    with pytest.raises(ValueError, match=r"'epochs' parameter must be >= 1; got 0"):
        small_net().fit(X, Y, epochs=0)
    with pytest.raises(TypeError, match=r"'epochs' parameter must be an int; got 2.5 \(float\)"):
        small_net().fit(X, Y, epochs=2.5)


def test_batch_size_out_of_range():
    with pytest.raises(ValueError, match=r"'batch_size' parameter must be >= 1; got 0"):
        small_net().fit(X, Y, batch_size=0)
    with pytest.raises(ValueError, match=r"'batch_size' parameter must be <= the number of samples \(4\); got 5"):
        small_net().fit(X, Y, batch_size=5)


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(
        ValueError, match=r"'activation' parameter must be one of \[.*'relu'.*'sigmoid'.*\].*Got 'sigmoidd'"
    ):
        bpnn.Dense(2, 3, activation="sigmoidd")
    with pytest.raises(ValueError, match=r"'loss' parameter must be one of \[.*'mse'.*\].*Got 'l2'"):
        bpnn.Network([bpnn.Dense(2, 1)], loss="l2")
    with pytest.raises(ValueError, match=r"'init' parameter must be one of \[.*'he'.*'xavier'.*\].*Got 'kaiming'"):
        bpnn.Dense(2, 3, init="kaiming")
    with pytest.raises(ValueError, match=r"'bias_init' parameter must be one of"):
        bpnn.Dense(2, 3, bias_init="rand")
    with pytest.raises(ValueError, match=r"'optimizer' parameter must be one of \[.*'sgd'.*\].*Got 'sgdd'"):
        small_net().fit(X, Y, optimizer="sgdd")


def test_softmax_only_in_the_last_layer():
    with pytest.raises(ValueError, match=r"softmax is only allowed in the last layer"):
        bpnn.Network([bpnn.Dense(2, 3, "softmax"), bpnn.Dense(3, 2)])
    net = bpnn.NeuralNetwork()
    net.add_layer(bpnn.Layer(2, 3, "softmax"))
    with pytest.raises(ValueError, match=r"softmax is only allowed in the last layer"):
        net.add_layer(bpnn.Layer(3, 2))


def test_explicit_weights_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"'weights' argument must have shape \(2, 3\); got \(3, 2\)"):
        bpnn.Dense(2, 3, weights=np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"'bias' argument must have shape \(3,\); got \(2,\)"):
        bpnn.Dense(2, 3, bias=np.ones(2))


def test_layer_sizes_must_be_positive_ints():
    with pytest.raises(ValueError, match=r"'n_out' parameter must be >= 1; got 0"):
        bpnn.Dense(2, 0)
    with pytest.raises(TypeError, match=r"'n_in' parameter must be an int; got '2' \(str\)"):
        bpnn.Dense("2", 3)


def test_empty_network():
    with pytest.raises(ValueError, match=r"The network has no layers"):
        bpnn.Network([]).fit(X, Y)


def test_bad_dtype():
    with pytest.raises(ValueError, match=r"'dtype' parameter must be float32 or float64; got int64"):
        bpnn.Network([bpnn.Dense(2, 1)], dtype=np.int64)


def test_failed_fit_changes_nothing():
    net = small_net()
    before = net.get_weights()
    with pytest.raises(ValueError):
        net.fit(X, np.zeros((4, 2)), epochs=3)
    for a, b in zip(before, net.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert net.epochs_trained == 0
