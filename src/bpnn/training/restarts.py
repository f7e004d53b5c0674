"""Restarts: train several differently seeded copies of a network and keep the best.

Backpropagation finds a local minimum that depends on the initial weights; the seeds'
remedy is to train from several starting points and keep the network that does best on
validation data. :func:`train_best_of` does that, in parallel through joblib (imported
only when called).
"""

from __future__ import annotations

import numpy as np

from bpnn.core.checks import check_float, check_int
from bpnn.training.loop import DivergenceError, validation_split_indices


class BestOf:
    """What :func:`train_best_of` returns.

    Attributes
    ----------
    network : Network
        The restart with the lowest score.
    history : History
        Its history.
    index : int
        Its position among the restarts (0-based).
    seeds : list of int
        The seed of every restart (passed to ``build`` and to ``fit``).
    scores : list of float
        Every restart's score: the loss on the validation data (or on the training data
        without any), ``inf`` for a restart that diverged.
    """

    def __init__(self, network, history, index, seeds, scores):
        self.network, self.history, self.index = network, history, index
        self.seeds, self.scores = seeds, scores

    def __repr__(self):
        return f"BestOf(index={self.index}, score={self.scores[self.index]:.6g}, n={len(self.scores)})"


def _train_one(build, seed, X, y, validation_data, validation_split, fit_kwargs):
    net = build(seed)
    try:
        history = net.fit(
            X, y, seed=seed, validation_data=validation_data, validation_split=validation_split, **fit_kwargs
        )
    except DivergenceError as exc:
        return net, exc.history, np.inf
    if validation_data is not None:
        score = net.loss(*validation_data)
    elif validation_split is not None:
        # the rows fit held out: its split is the first thing drawn from default_rng(seed)
        X_, y_ = net._check_xy(X, y)[:2]
        rows = validation_split_indices(y_, validation_split, np.random.default_rng(seed))
        score = net.loss(X_[rows], y_[rows])
    else:
        score = net.loss(X, y)
    return net, history, float(score)


def train_best_of(
    n: int,
    build,
    X,
    y,
    *,
    seed=0,
    n_jobs: int | None = None,
    validation_data=None,
    validation_split: float | None = None,
    **fit_kwargs,
) -> BestOf:
    """Train ``n`` networks from different seeds and keep the one with the lowest validation loss.

    Parameters
    ----------
    n : int
        Number of restarts, >= 1.
    build : callable
        ``build(seed) -> Network``: makes a fresh network whose initial weights come from
        ``seed`` (for example ``lambda s: bpnn.Network([...], seed=s)``).
    X : array of shape (n_samples, n_inputs)
    y : array of shape (n_samples, n_outputs)
    seed : int or None, default=0
        Master seed; the restarts' seeds are drawn from it with ``numpy.random.SeedSequence``.
    n_jobs : int or None, default=None
        Processes used by joblib (None: one, -1: all cores). The result is the same for every value.
    validation_data : (X_val, y_val), optional
    validation_split : float, optional
        As in :meth:`Network.fit`; the score is the final loss on the validation rows (on the
        training data when neither is given).
    **fit_kwargs
        Passed to :meth:`Network.fit` (``epochs``, ``optimizer``, ``callbacks``, ...).

    Returns
    -------
    BestOf
        ``.network``, ``.history``, ``.index``, ``.seeds``, ``.scores``.

    Examples
    --------
    >>> import numpy as np, bpnn
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    >>> y = np.array([[0], [1], [1], [0]], dtype=float)
    >>> build = lambda s: bpnn.Network([bpnn.Dense(2, 3, "tanh"), bpnn.Dense(3, 1, "sigmoid")], seed=s)
    >>> best = bpnn.train_best_of(3, build, X, y, epochs=50, learning_rate=1.0)
    >>> len(best.scores), best.scores[best.index] == min(best.scores)
    (3, True)
    """
    n = check_int(n, "n", minimum=1)
    if not callable(build):
        raise TypeError(f"The 'build' argument must be a callable build(seed) -> Network; got {type(build).__name__}.")
    if validation_split is not None:
        validation_split = check_float(
            validation_split, "validation_split", low=0.0, high=1.0, low_inclusive=False, high_inclusive=False
        )
    seeds = [int(s) for s in np.random.SeedSequence(seed).generate_state(n, dtype=np.uint32)]
    from joblib import Parallel, delayed

    results = Parallel(n_jobs=n_jobs)(
        delayed(_train_one)(build, s, X, y, validation_data, validation_split, fit_kwargs) for s in seeds
    )
    scores = [r[2] for r in results]
    if not np.isfinite(scores).any():
        raise DivergenceError(f"All {n} restarts diverged; try a smaller learning_rate.", results[0][1])
    best = int(np.argmin(scores))  # the first of equal scores
    return BestOf(results[best][0], results[best][1], best, seeds, scores)
