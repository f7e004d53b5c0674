"""Column scaling for tables: min-max to [-1, 1] (MATLAB's ``mapminmax``), standard, none.

A network learns faster when every input column has a similar range, and a regression
network with a linear output fits targets of any size better when they are brought
to a range near 1. A scaler is fitted on the training rows, applied to every split
and to new data, and stored in the model file with the network, so that predictions
come back in the original units.

Every scaler works column by column on arrays of shape (n_samples, n_columns):

* ``fit(X)`` learns the statistics, ``partial_fit(X)`` updates them from one more
  chunk (for files larger than memory; the result equals ``fit`` on all rows);
* ``transform(X)`` scales, ``inverse_transform(Z)`` undoes it.

Constant columns
----------------
A column whose values are all equal (range below ``10 * eps``, the rule scikit-learn
uses) cannot be stretched to [-1, 1]. :class:`MinMaxScaler` then divides by 1 instead of
the range, so the training value maps to the low end -1 and a new value ``x`` maps to
``-1 + 2 (x - x_min)``. This is what scikit-learn's ``MinMaxScaler(feature_range=(-1, 1))``
does and what MATLAB's ``mapminmax`` did up to Neural Network Toolbox 6. Later
MATLAB releases set the gain to 1 *and* the offset to ``ymin``, which passes a
constant row through unchanged (a constant 500 stays 500); we keep the older rule
because an unscaled input can saturate every ``tanh`` unit it feeds.
:class:`StandardScaler` divides a constant column by 1, so it maps to 0.

Examples
--------
>>> import numpy as np
>>> from bpnn.io.scaling import MinMaxScaler
>>> s = MinMaxScaler().fit(np.array([[0.0, 10.0], [5.0, 30.0], [10.0, 20.0]]))
>>> s.transform(np.array([[5.0, 10.0]]))
array([[ 0., -1.]])
>>> s.inverse_transform(np.array([[1.0, 1.0]]))
array([[10., 30.]])
"""

from __future__ import annotations

import numpy as np

from bpnn.core.checks import check_array

# Ranges and standard deviations below this multiple of eps count as zero, as in
# scikit-learn's preprocessing, so tests can compare with it exactly.
_ZERO_SCALE = 10 * np.finfo(np.float64).eps


class Scaler:
    """Base class: the column statistics and the fit / transform / inverse protocol.

    Subclasses set ``name``, implement ``_merge(chunk)`` (update the statistics from
    one more chunk of rows) and ``_affine()`` (the ``(offset, gain, low)`` with
    ``z = (x - offset) * gain + low``), and list their statistics in ``_state``.

    Attributes
    ----------
    n_features_in_ : int
        Number of columns seen by ``fit``.
    n_samples_seen_ : int
        Number of rows the statistics were computed from.
    data_min_, data_max_ : ndarray of shape (n_features_in_,)
        Smallest and largest value of each column.
    """

    name = "scaler"
    #: names of the fitted arrays, saved in model files
    _state: tuple[str, ...] = ("data_min_", "data_max_")

    def fit(self, X) -> Scaler:
        """Learn the statistics of ``X`` of shape (n_samples, n_columns); returns self."""
        self._reset()
        return self.partial_fit(X)

    def partial_fit(self, X) -> Scaler:
        """Update the statistics with more rows of shape (n_samples, n_columns); returns self."""
        X = self._check(X, "X", fitting=True)
        if getattr(self, "n_samples_seen_", 0) == 0:
            self.n_features_in_ = X.shape[1]
            self.n_samples_seen_ = 0
            self.data_min_ = X.min(axis=0)
            self.data_max_ = X.max(axis=0)
        else:
            np.minimum(self.data_min_, X.min(axis=0), out=self.data_min_)
            np.maximum(self.data_max_, X.max(axis=0), out=self.data_max_)
        self._merge(X)
        self.n_samples_seen_ += X.shape[0]
        return self

    def transform(self, X) -> np.ndarray:
        """Scale ``X`` of shape (n_samples, n_features_in_); returns a new float64 array."""
        X = self._check(X, "X")
        offset, gain, low = self._affine()
        return (X - offset) * gain + low

    def inverse_transform(self, Z) -> np.ndarray:
        """Undo :meth:`transform`: ``Z`` of shape (n_samples, n_features_in_) back to original units."""
        Z = self._check(Z, "Z")
        offset, gain, low = self._affine()
        return (Z - low) / gain + offset

    def fit_transform(self, X) -> np.ndarray:
        return self.fit(X).transform(X)

    # -- what subclasses fill in ----------------------------------------------------
    def _reset(self) -> None:
        for name in self._state + ("n_features_in_", "n_samples_seen_"):
            self.__dict__.pop(name, None)

    def _merge(self, X: np.ndarray) -> None:
        pass

    def _affine(self) -> tuple[np.ndarray, np.ndarray, float]:
        raise NotImplementedError

    # -- helpers --------------------------------------------------------------------
    @property
    def fitted(self) -> bool:
        return getattr(self, "n_samples_seen_", 0) > 0

    def _check(self, X, name: str, fitting: bool = False) -> np.ndarray:
        if not fitting and not self.fitted:
            raise ValueError(f"This {type(self).__name__} is not fitted yet; call fit(X) first.")
        n_cols = getattr(self, "n_features_in_", None) if self.fitted else None
        what = " (the number of columns the scaler was fitted on)" if n_cols else ""
        return check_array(X, name, np.float64, n_cols=n_cols, cols_what=what)

    def get_config(self) -> dict:
        """The constructor arguments, as JSON-ready values."""
        return {}

    def get_state(self) -> dict[str, np.ndarray]:
        """The fitted statistics as named arrays (for model files)."""
        if not self.fitted:
            raise ValueError(f"This {type(self).__name__} is not fitted yet; there is nothing to save.")
        state = {name: np.asarray(getattr(self, name), dtype=np.float64) for name in self._state}
        state["n_samples_seen_"] = np.array(self.n_samples_seen_, dtype=np.int64)
        return state

    def set_state(self, state: dict) -> Scaler:
        """Restore statistics made by :meth:`get_state`; checks names and shapes."""
        missing = [name for name in self._state + ("n_samples_seen_",) if name not in state]
        if missing:
            raise ValueError(f"{type(self).__name__} state lacks {missing}.")
        first = np.asarray(state[self._state[0]])
        if first.ndim != 1 or first.size == 0:
            raise ValueError(f"{type(self).__name__} state arrays must be 1-D and non-empty; got shape {first.shape}.")
        for name in self._state:
            value = np.asarray(state[name], dtype=np.float64)
            if value.shape != first.shape:
                raise ValueError(
                    f"{type(self).__name__} state array {name!r} has shape {value.shape}; expected {first.shape}."
                )
            if not np.isfinite(value).all():
                raise ValueError(f"{type(self).__name__} state array {name!r} holds non-finite values.")
            setattr(self, name, value.copy())
        if np.any(self.data_min_ > self.data_max_):
            raise ValueError(f"{type(self).__name__} state has a column whose minimum exceeds its maximum.")
        if np.any(getattr(self, "var_", 0.0) < 0):
            raise ValueError(f"{type(self).__name__} state has a negative variance.")
        seen = np.asarray(state["n_samples_seen_"])
        if seen.shape != () or seen.dtype.kind not in "iu":
            raise ValueError(f"{type(self).__name__} state's n_samples_seen_ must be one integer; got {seen!r}.")
        seen = int(seen)
        if seen < 1:
            raise ValueError(f"{type(self).__name__} state says it saw {seen} samples; expected >= 1.")
        self.n_samples_seen_ = seen
        self.n_features_in_ = int(first.size)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _safe_divisor(values: np.ndarray) -> np.ndarray:
    """``values`` with entries that are (nearly) zero replaced by 1."""
    return np.where(values < _ZERO_SCALE, 1.0, values)


class MinMaxScaler(Scaler):
    """Map each column's minimum and maximum to ``feature_range`` (MATLAB's ``mapminmax``).

    ``z = (x - x_min) * gain + low`` with ``gain = (high - low) / (x_max - x_min)``.
    A constant column is divided by 1 instead of its zero range (see the module
    docstring), so its training value maps to ``low``.

    Parameters
    ----------
    feature_range : (float, float), default=(-1.0, 1.0)
        ``(low, high)`` with ``low < high``; MATLAB's default is (-1, 1).
    """

    name = "minmax"

    def __init__(self, feature_range: tuple[float, float] = (-1.0, 1.0)):
        try:
            low, high = (float(v) for v in feature_range)
        except (TypeError, ValueError):
            raise TypeError(
                f"The 'feature_range' parameter must be a pair of numbers (low, high); got {feature_range!r}."
            ) from None
        if not (np.isfinite(low) and np.isfinite(high) and low < high):
            raise ValueError(f"The 'feature_range' parameter must be finite with low < high; got {feature_range!r}.")
        self.feature_range = (low, high)

    def _affine(self):
        low, high = self.feature_range
        gain = (high - low) / _safe_divisor(self.data_max_ - self.data_min_)
        return self.data_min_, gain, low

    def get_config(self):
        return {"feature_range": list(self.feature_range)}


class StandardScaler(Scaler):
    """Center each column on its mean and divide by its standard deviation.

    ``z = (x - mean) / std`` with the population standard deviation (divide by n,
    as scikit-learn's ``StandardScaler``; MATLAB's ``mapstd`` divides by n - 1).
    A constant column is divided by 1, so it maps to 0. ``partial_fit`` merges
    chunks exactly (Chan, Golub and LeVeque's pairwise update of mean and sum of
    squared deviations), so the statistics do not depend on the chunk size beyond
    rounding.

    Attributes
    ----------
    mean_, var_ : ndarray of shape (n_features_in_,)
    scale_ : ndarray of shape (n_features_in_,)
        The divisor: ``sqrt(var_)``, or 1 for a constant column.
    """

    name = "standard"
    _state = ("data_min_", "data_max_", "mean_", "var_")

    def _merge(self, X):
        n_b = X.shape[0]
        mean_b = X.mean(axis=0)
        m2_b = ((X - mean_b) ** 2).sum(axis=0)
        n_a = self.n_samples_seen_
        if n_a == 0:
            self.mean_, self.var_ = mean_b, m2_b / n_b
            return
        n = n_a + n_b
        delta = mean_b - self.mean_
        m2 = self.var_ * n_a + m2_b + delta**2 * (n_a * n_b / n)
        self.mean_ = self.mean_ + delta * (n_b / n)
        self.var_ = m2 / n

    @property
    def scale_(self) -> np.ndarray:
        constant = self.data_max_ == self.data_min_
        return np.where(constant, 1.0, _safe_divisor(np.sqrt(self.var_)))

    def _affine(self):
        return self.mean_, 1.0 / self.scale_, 0.0

    def transform(self, X):
        # Divide rather than multiply by 1/scale: the same rounding as scikit-learn.
        X = self._check(X, "X")
        return (X - self.mean_) / self.scale_

    def inverse_transform(self, Z):
        Z = self._check(Z, "Z")
        return Z * self.scale_ + self.mean_


class NoScaler(Scaler):
    """Leave the values as they are (``--scale none``); still checks the column count."""

    name = "none"

    def _affine(self):
        zeros = np.zeros(self.n_features_in_)
        return zeros, np.ones(self.n_features_in_), 0.0

    def transform(self, X):
        return self._check(X, "X").copy()

    def inverse_transform(self, Z):
        return self._check(Z, "Z").copy()


SCALERS = {"minmax": MinMaxScaler, "mapminmax": MinMaxScaler, "standard": StandardScaler, "none": NoScaler}


def get_scaler(scale) -> Scaler:
    """A new, unfitted scaler from a name (``"minmax"``, ``"standard"``, ``"none"``) or None."""
    if scale is None:
        return NoScaler()
    if isinstance(scale, str) and scale.lower() in SCALERS:
        return SCALERS[scale.lower()]()
    raise ValueError(f"The 'scale' parameter must be one of {sorted(SCALERS)} or None; got {scale!r}.")


def scaler_from_state(name: str, config: dict, state: dict) -> Scaler:
    """Rebuild a fitted scaler from its ``name``, :meth:`Scaler.get_config` and :meth:`Scaler.get_state`."""
    if name not in SCALERS:
        raise ValueError(f"unknown scaler {name!r}; this bpnn knows {sorted(SCALERS)}")
    return SCALERS[name](**config).set_state(state)


__all__ = ["MinMaxScaler", "NoScaler", "SCALERS", "Scaler", "StandardScaler", "get_scaler", "scaler_from_state"]
