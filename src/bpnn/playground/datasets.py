"""The playground's data: two-dimensional point sets and the input features made from them.

Every generator takes ``(n, noise, rng)`` and returns ``(P, y)``: ``P`` of shape (n, 2), the
points, and ``y`` of shape (n,), the target (class labels 0, 1, ... for classification, a value in
about [-1, 1] for regression). ``noise`` is a fraction in [0, 0.5]. The points of the datasets TensorFlow
Playground has lie in [-6, 6]^2; the seed experiments' data keep their own coordinates, so each
dataset also says what part of the plane to draw (its ``extent``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

CLASSIFICATION = "classification"
REGRESSION = "regression"


@dataclass(frozen=True)
class Dataset:
    """A named point set: its generator, its kind and the part of the plane it is drawn on."""

    name: str
    kind: str
    make: Callable
    extent: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax
    fixed_size: int | None = None  # the seed-000 XOR has exactly its four points
    classes: int = 2  # for classification: the labels are 0 .. classes - 1


def _circle(n, noise, rng):
    # half the points inside radius 2.5 (label 1), half in a ring from 3.5 to 5 (label 0)
    half = n // 2
    r = np.concatenate([rng.uniform(0, 2.5, half), rng.uniform(3.5, 5.0, n - half)])
    angle = rng.uniform(0, 2 * np.pi, n)
    P = np.column_stack([r * np.cos(angle), r * np.sin(angle)])
    y = np.concatenate([np.ones(half), np.zeros(n - half)])
    P = P + rng.normal(scale=noise * 2.5, size=P.shape)  # labels stay those of the clean points
    return P, y


def _xor(n, noise, rng):
    P = rng.uniform(-5, 5, size=(n, 2))
    P += np.where(P > 0, 0.3, -0.3)  # keep a gap along both axes
    y = (P[:, 0] * P[:, 1] > 0).astype(float)
    return P + rng.normal(scale=noise * 2.5, size=P.shape), y


def _gauss(n, noise, rng):
    half = n // 2
    spread = 0.6 + noise * 4.0
    P = np.concatenate([rng.normal((2.0, 2.0), spread, (half, 2)), rng.normal((-2.0, -2.0), spread, (n - half, 2))])
    y = np.concatenate([np.ones(half), np.zeros(n - half)])
    return P, y


def _arms(n, noise, rng, arms: int):
    """``arms`` spirals turning out of the centre, rotated by a full turn / ``arms`` from each other;
    arm ``k`` has label ``k`` (the two-arm set keeps TensorFlow Playground's labels: arm 0 is 1)."""
    sizes = [n // arms + (1 if k >= arms - n % arms else 0) for k in range(arms)]
    out, labels = [], []
    for k, m in enumerate(sizes):
        t = np.linspace(0.0, 1.0, m, endpoint=False)
        r = 5.0 * t
        angle = 1.75 * 2 * np.pi * t + k * 2 * np.pi / arms
        P = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
        out.append(P + rng.normal(scale=noise * 1.5, size=P.shape))
        labels.append(np.full(m, (1 - k) if arms == 2 else k, dtype=float))
    return np.concatenate(out), np.concatenate(labels)


def _spiral(n, noise, rng):
    return _arms(n, noise, rng, 2)


def _spiral3(n, noise, rng):
    return _arms(n, noise, rng, 3)


def _blobs4(n, noise, rng):
    # four Gaussian blobs, one per quadrant, counter-clockwise from (3, 3): labels 0, 1, 2, 3
    label = np.arange(n) % 4
    centres = np.array([[3.0, 3.0], [-3.0, 3.0], [-3.0, -3.0], [3.0, -3.0]])
    spread = 0.6 + noise * 4.0
    return centres[label] + rng.normal(scale=spread, size=(n, 2)), label.astype(float)


def _moons(n, noise, rng):
    # seed 004's data: scikit-learn's two moons (seed 004 uses noise 0.2 and 2000 points)
    from sklearn.datasets import make_moons

    P, y = make_moons(n_samples=n, noise=noise, random_state=int(rng.integers(2**31 - 1)))
    return P, y.astype(float)


def _xor4(n, noise, rng):
    # seed 000's XOR: the four corners of the unit square, nothing else
    P = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    return P, np.array([0.0, 1.0, 1.0, 0.0])


def _plane(n, noise, rng):
    P = rng.uniform(-6, 6, size=(n, 2))
    y = (P[:, 0] + P[:, 1]) / 12.0
    return P, y + rng.normal(scale=noise, size=n)


def _multi_gauss(n, noise, rng):
    P = rng.uniform(-6, 6, size=(n, 2))
    bumps = [((-4, 2.5), 1), ((0, 2.5), -1), ((4, 2.5), 1), ((-4, -2.5), -1), ((0, -2.5), 1), ((4, -2.5), -1)]
    y = np.zeros(n)
    for (cx, cy), sign in bumps:
        y += sign * np.exp(-((P[:, 0] - cx) ** 2 + (P[:, 1] - cy) ** 2) / 2.0)
    return P, y + rng.normal(scale=noise, size=n)


def _sine(n, noise, rng):
    # seed 004's related article: sin x for x in [-pi, pi]; the second input carries nothing
    P = rng.uniform(-np.pi, np.pi, size=(n, 2))
    return P, np.sin(P[:, 0]) + rng.normal(scale=noise, size=n)


DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset("circle", CLASSIFICATION, _circle, (-6, 6, -6, 6)),
        Dataset("xor", CLASSIFICATION, _xor, (-6, 6, -6, 6)),
        Dataset("gauss", CLASSIFICATION, _gauss, (-6, 6, -6, 6)),
        Dataset("spiral", CLASSIFICATION, _spiral, (-6, 6, -6, 6)),
        Dataset("spiral3", CLASSIFICATION, _spiral3, (-6, 6, -6, 6), classes=3),
        Dataset("blobs4", CLASSIFICATION, _blobs4, (-6, 6, -6, 6), classes=4),
        Dataset("moons", CLASSIFICATION, _moons, (-1.6, 2.6, -1.3, 1.8)),
        Dataset("xor4", CLASSIFICATION, _xor4, (-0.5, 1.5, -0.5, 1.5), fixed_size=4),
        Dataset("plane", REGRESSION, _plane, (-6, 6, -6, 6)),
        Dataset("multigauss", REGRESSION, _multi_gauss, (-6, 6, -6, 6)),
        Dataset("sine", REGRESSION, _sine, (-np.pi, np.pi, -np.pi, np.pi)),
    )
}

# The input features: name -> (formula on the points, label shown in the page and the script)
FEATURES: dict[str, tuple[Callable[[np.ndarray], np.ndarray], str]] = {
    "x1": (lambda P: P[:, 0], "x1"),
    "x2": (lambda P: P[:, 1], "x2"),
    "x1sq": (lambda P: P[:, 0] ** 2, "x1^2"),
    "x2sq": (lambda P: P[:, 1] ** 2, "x2^2"),
    "x1x2": (lambda P: P[:, 0] * P[:, 1], "x1*x2"),
    "sinx1": (lambda P: np.sin(P[:, 0]), "sin(x1)"),
    "sinx2": (lambda P: np.sin(P[:, 1]), "sin(x2)"),
    "cosx1": (lambda P: np.cos(P[:, 0]), "cos(x1)"),
    "cosx2": (lambda P: np.cos(P[:, 1]), "cos(x2)"),
}

# The same formulas as Python source, for the exported files
FEATURE_CODE = {
    "x1": "P[:, 0]",
    "x2": "P[:, 1]",
    "x1sq": "P[:, 0] ** 2",
    "x2sq": "P[:, 1] ** 2",
    "x1x2": "P[:, 0] * P[:, 1]",
    "sinx1": "np.sin(P[:, 0])",
    "sinx2": "np.sin(P[:, 1])",
    "cosx1": "np.cos(P[:, 0])",
    "cosx2": "np.cos(P[:, 1])",
}


def features(P: np.ndarray, names) -> np.ndarray:
    """The feature columns ``names`` (keys of :data:`FEATURES`) of the points ``P``, shape (n, len(names))."""
    return np.column_stack([FEATURES[name][0](P) for name in names])


def split(n: int, train_fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Shuffled row indices of the training and test points (each side keeps at least one point)."""
    order = rng.permutation(n)
    n_train = min(max(int(round(train_fraction * n)), 1), n - 1) if n > 1 else n
    return np.sort(order[:n_train]), np.sort(order[n_train:])


__all__ = ["DATASETS", "FEATURES", "FEATURE_CODE", "Dataset", "features", "split", "CLASSIFICATION", "REGRESSION"]
