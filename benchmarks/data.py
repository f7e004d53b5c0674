"""The data sets of the benchmark cases, built deterministically from seeds.

Every builder returns a :class:`Data`, so a runner never needs to know which case it
is serving. Nothing is downloaded: the MNIST-sized set is synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Data:
    """Train and test arrays of one case.

    Attributes
    ----------
    X_train : ndarray of shape (n_train, n_features)
    Y_train : ndarray of shape (n_train, n_outputs)
        One-hot targets for classification, the regression targets otherwise.
    y_train : ndarray of shape (n_train,) or None
        Integer class labels; ``None`` for regression.
    X_test, Y_test, y_test : the same for the held-out set.
    """

    X_train: np.ndarray
    Y_train: np.ndarray
    y_train: np.ndarray | None
    X_test: np.ndarray
    Y_test: np.ndarray
    y_test: np.ndarray | None

    @property
    def is_classification(self) -> bool:
        return self.y_train is not None

    @property
    def nbytes(self) -> int:
        arrays = (self.X_train, self.Y_train, self.y_train, self.X_test, self.Y_test, self.y_test)
        return sum(_nbytes(a) for a in arrays if a is not None)

    def head(self, n: int) -> Data:
        """The first ``n`` training rows (test set unchanged); used for warm-up runs."""
        y = None if self.y_train is None else self.y_train[:n]
        return Data(self.X_train[:n], self.Y_train[:n], y, self.X_test, self.Y_test, self.y_test)

    def describe(self) -> str:
        return (
            f"{self.X_train.shape[0]} train × {self.X_train.shape[1]} features, "
            f"{self.X_test.shape[0]} test, {self.X_train.dtype}"
        )


def _nbytes(a) -> int:
    """Bytes held by an array, or by the three arrays of a scipy.sparse CSR/CSC matrix."""
    if hasattr(a, "indptr"):
        return int(a.data.nbytes + a.indices.nbytes + a.indptr.nbytes)
    return int(a.nbytes)


def sparse_bag_of_words(
    n_train: int = 20_000, n_test: int = 5_000, n_features: int = 50_000, density: float = 0.002, seed: int = 0
) -> Data:
    """Sparse float32 data shaped like a bag of words: CSR rows with ``density`` of the columns
    set (counts 1-3), two classes from a fixed random linear teacher. Dense, the training
    matrix would take ``n_train * n_features * 4`` bytes (4 GB at the defaults); the case
    shows that no dense (and no float64) copy of it is made."""
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    n = n_train + n_test
    X = sp.random(n, n_features, density=density, format="csr", dtype=np.float32, random_state=rng,
                  data_rvs=lambda k: rng.integers(1, 4, k).astype(np.float32))  # fmt: skip
    teacher = rng.standard_normal(n_features).astype(np.float32)
    score = X @ teacher
    y = (score > np.median(score)).astype(np.int64)
    Y = one_hot(y, 2, np.float32)
    return Data(X[:n_train], Y[:n_train], y[:n_train], X[n_train:], Y[n_train:], y[n_train:])


def one_hot(y: np.ndarray, n_classes: int, dtype) -> np.ndarray:
    Y = np.zeros((y.shape[0], n_classes), dtype=dtype)
    Y[np.arange(y.shape[0]), y] = 1
    return Y


def _classification(X_train, X_test, y_train, y_test, n_classes, dtype) -> Data:
    y_train = np.ascontiguousarray(y_train, dtype=np.int64)
    y_test = np.ascontiguousarray(y_test, dtype=np.int64)
    return Data(
        np.ascontiguousarray(X_train, dtype=dtype),
        one_hot(y_train, n_classes, dtype),
        y_train,
        np.ascontiguousarray(X_test, dtype=dtype),
        one_hot(y_test, n_classes, dtype),
        y_test,
    )


def moons(n_samples: int = 2000, dtype=np.float64) -> Data:
    """Seed 004's data: ``make_moons(2000, noise=0.2, random_state=100)``, 70/30 split with
    ``random_state=42``."""
    from sklearn.datasets import make_moons
    from sklearn.model_selection import train_test_split

    X, y = make_moons(n_samples=n_samples, noise=0.2, random_state=100)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=42)
    return _classification(X_train, X_test, y_train, y_test, 2, dtype)


def mnist_like(
    n_train: int = 60_000,
    n_test: int = 10_000,
    n_features: int = 784,
    n_classes: int = 10,
    seed: int = 0,
    dtype=np.float32,
) -> Data:
    """Synthetic MNIST-sized data: pixels uniform in [0, 1), labels from a fixed random
    linear teacher, so the task is learnable but needs training.

    Generated directly in ``dtype`` so that no float64 copy of the inputs ever exists
    (the peak memory of the child process is then the data plus what training adds).
    """
    rng = np.random.default_rng(seed)
    teacher = rng.standard_normal((n_features, n_classes)).astype(dtype)

    def draw(n):
        X = rng.random((n, n_features), dtype=dtype)
        y = np.empty(n, dtype=np.int64)
        for start in range(0, n, 1000):  # blockwise: the centred copy stays ~3 MB
            y[start : start + 1000] = np.argmax((X[start : start + 1000] - 0.5) @ teacher, axis=1)
        return X, y

    X_train, y_train = draw(n_train)
    X_test, y_test = draw(n_test)
    return Data(X_train, one_hot(y_train, n_classes, dtype), y_train, X_test, one_hot(y_test, n_classes, dtype), y_test)


def digits(dtype=np.float32) -> Data:
    """scikit-learn's ``load_digits`` (1797 × 64), pixels scaled to [0, 1], 80/20 split."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X / 16.0, y, test_size=0.2, random_state=42, stratify=y)
    return _classification(X_train, X_test, y_train, y_test, 10, dtype)


def sine(n_train: int = 1000, n_test: int = 1000, seed: int = 0, dtype=np.float64) -> Data:
    """Regression: x uniform in [−π, π], targets ``(sin x, 1)``."""
    rng = np.random.default_rng(seed)

    def draw(n):
        x = rng.uniform(-np.pi, np.pi, size=n)
        return x[:, None].astype(dtype), np.column_stack([np.sin(x), np.ones(n)]).astype(dtype)

    X_train, Y_train = draw(n_train)
    X_test, Y_test = draw(n_test)
    return Data(X_train, Y_train, None, X_test, Y_test, None)
