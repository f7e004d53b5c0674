"""From table columns to the numbers a network sees: imputation, one-hot and ordinal codes.

A :class:`TableEncoder` is fitted by ``bpnn train`` on the feature columns of a
:class:`~bpnn.io.frames.Frame`, stored in the model file (as JSON: names, categories,
fill values; no code) and applied by ``bpnn predict``, :meth:`bpnn.io.model.Model.predict`
and the ONNX graph (:mod:`bpnn.io.onnx`). Per column, in the model's feature order:

* ``"number"``: the value as it is; a missing value becomes ``fill``;
* ``"bool"``: True -> 1, False -> 0; a missing value becomes ``fill`` (0 or 1);
* ``"onehot"``: one 0/1 column per category (in ``categories`` order), named
  ``column=category``; a missing value becomes the category ``fill``; a category
  not seen in training is an error naming the column and the value, or, with
  ``unknown="ignore"``, all zeros;
  With ``"infrequent": true``, one more column, ``column=(infrequent)``, is 1 for every
  other category (the rare ones of the training rows, and any category unseen in
  training), as scikit-learn's ``OneHotEncoder(max_categories=, min_frequency=)`` does;
* ``"ordinal"``: the index of the value in ``categories`` (0, 1, ...); an unseen
  category is an error, or ``-1`` with ``unknown="ignore"``;
* ``"date"``: the calendar ``parts`` (``year``, ``month``, ``day``, ``weekday``,
  ``hour``) of a date written in ``format`` (:mod:`bpnn.io.dates`), one input per part
  named ``column.part``; a cell written otherwise is an error; ``fill`` holds one value
  per part.

``fill`` is None when the model was trained without imputation: a missing value is
then an error. With imputation every column has one, whether or not its training rows
had a gap. Fill values come from the training rows only: the median, mean or most
frequent value of a number column (or calendar part), the most frequent category (the
first in sorted order among ties, as scikit-learn's ``SimpleImputer`` picks) otherwise.

Which columns are features, and which are dates or many-category text, is decided
before the encoder is fitted, by the table schema (:mod:`bpnn.tables.schema`), and
passed to :meth:`TableEncoder.fit` as ``roles``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from bpnn.io.csvdata import DataError, _shorten
from bpnn.io.dates import DATE_FORMATS, PARTS, calendar_parts

__all__ = ["TableEncoder", "IMPUTE_STRATEGIES", "UNKNOWN_POLICIES", "parse_ordinal"]

IMPUTE_STRATEGIES = ("median", "mean", "most_frequent")
UNKNOWN_POLICIES = ("error", "ignore")
ENCODED_KINDS = ("number", "bool", "onehot", "ordinal", "date")
#: The name of the one-hot input that stands for every infrequent category of a column.
INFREQUENT = "(infrequent)"
#: what each policy does with a category not seen in training, as ``bpnn info`` says it
UNSEEN_CATEGORY = {"error": "refused (unknown=error)", "ignore": "encoded as all zeros (unknown=ignore)"}

#: The hint every "missing value" error ends with.
MISSING_HINT = "pass --impute median, mean or most_frequent to fill missing cells, or --dropna to drop their rows"


def parse_ordinal(specs: Sequence[str]) -> dict[str, list[str] | None]:
    """``["size=small,medium,large", "grade"]`` -> ``{"size": [...], "grade": None}`` (None: sorted order)."""
    out: dict[str, list[str] | None] = {}
    for spec in specs:
        name, _, order = str(spec).partition("=")
        name = name.strip()
        if not name:
            raise ValueError(f"--ordinal takes COL or COL=first,second,...; got {spec!r}")
        levels = [part.strip() for part in order.split(",")] if order else None
        if levels is not None and (not all(levels) or len(set(levels)) != len(levels)):
            raise ValueError(f"--ordinal {spec!r}: the order must list distinct, non-empty categories")
        out[name] = levels
    return out


class TableEncoder:
    """The encoding of a model's feature columns (see the module docstring).

    Parameters
    ----------
    columns : list of dict
        One ``{"name", "kind", "categories", "fill"}`` per feature column, in order.
    unknown : {"error", "ignore"}, default="error"
        What a category not seen in training does at predict time.
    impute : str or None, default=None
        The strategy the fill values came from, for ``bpnn info``.
    """

    def __init__(self, columns: list[dict], unknown: str = "error", impute: str | None = None):
        self.columns = [dict(c) for c in columns]
        self.unknown = unknown
        self.impute = impute
        self._check()

    # -- fitting ------------------------------------------------------------------------
    @classmethod
    def fit(
        cls,
        frame,
        features: Sequence[str],
        train_rows: np.ndarray,
        *,
        impute: str | None = None,
        ordinal: Mapping[str, list[str] | None] | None = None,
        unknown: str = "error",
        roles: Mapping[str, Mapping[str, Any]] | None = None,
        max_categories: int | None = None,
        min_frequency: int = 1,
    ) -> TableEncoder:
        """Learn categories and fill values; fill values come from ``train_rows`` only.

        Parameters
        ----------
        frame : Frame
        features : sequence of str
        train_rows : ndarray of int
            The training split's rows.
        impute : {"median", "mean", "most_frequent"} or None
            With a strategy, every column gets a fill value (whether or not its training
            rows had a gap), so that a gap at predict time is always filled.
        ordinal : dict of str to list of str or None
            Text columns to code as 0, 1, ... (in the given order, or sorted).
        unknown : {"error", "ignore"}
        roles : dict of str to dict, optional
            Per column, the table schema's decision (:mod:`bpnn.tables.schema`): ``{"role":
            "date", "format": ..., "parts": [...]}`` for calendar parts, ``{"role": "text"}``
            for a text column whose rare categories fold into one ``infrequent`` input.
            A column not named takes its kind from the frame.
        max_categories : int or None, default=None
            For ``"text"`` columns: at most this many one-hot inputs, the most frequent
            categories of the training rows and one for all the others (scikit-learn's
            ``OneHotEncoder(max_categories=)``).
        min_frequency : int, default=1
            A category seen in fewer training rows than this is infrequent (every text
            column; 1: none is).
        """
        if impute is not None and impute not in IMPUTE_STRATEGIES:
            raise ValueError(f"--impute must be one of {', '.join(IMPUTE_STRATEGIES)}; got {impute!r}")
        if unknown not in UNKNOWN_POLICIES:
            raise ValueError(f"--unknown must be error or ignore; got {unknown!r}")
        ordinal = dict(ordinal or {})
        roles = dict(roles or {})
        not_features = [c for c in ordinal if c not in features]
        if not_features:
            raise ValueError(f"--ordinal names {', '.join(map(repr, not_features))}, which is not a feature column")
        columns = []
        for name in features:
            kind = frame.kinds[name]
            values = frame.values[name]
            missing = frame.missing(name)
            train_present = train_rows[~missing[train_rows]]
            role = dict(roles.get(name, {}))
            spec: dict[str, Any] = {"name": name, "categories": None, "fill": None}
            if role.get("role") == "date":
                spec.update(kind="date", format=role["format"], parts=list(role["parts"]))
                if impute is not None:
                    parts, _ = calendar_parts(values[train_present], spec["format"], spec["parts"])
                    spec["fill"] = [_fill_number(p, impute, name) for p in parts.T]
            elif kind in ("number", "bool"):
                if name in ordinal:
                    raise ValueError(
                        f"--ordinal {name}: the column holds {'numbers' if kind == 'number' else 'true/false'}"
                    )
                spec["kind"] = kind
                numbers = values[train_present].astype(np.float64)
                if impute is not None:
                    spec["fill"] = _fill_number(numbers, impute if kind == "number" else "most_frequent", name)
            else:
                present = values[~missing].astype(str)
                found = sorted(set(present.tolist()))
                order = ordinal.get(name)
                if order is not None:
                    extra = [c for c in found if c not in order]
                    if extra:
                        raise ValueError(
                            f"--ordinal {name}: the column also holds {', '.join(map(repr, extra[:5]))}, "
                            "which the given order lacks"
                        )
                    found = list(order)
                spec["kind"] = "ordinal" if name in ordinal else "onehot"
                trained = values[train_present].astype(str)
                if spec["kind"] == "onehot" and (role.get("role") == "text" or min_frequency > 1):
                    frequent = _frequent(trained, found, max_categories if role.get("role") == "text" else None,
                                         min_frequency)  # fmt: skip
                    if len(frequent) < len(found):
                        found, spec["infrequent"] = frequent, True
                spec["categories"] = found
                if impute is not None:
                    fill = _most_frequent_text(trained, name)
                    spec["fill"] = fill if fill in found else INFREQUENT
            columns.append(spec)
        return cls(columns, unknown=unknown, impute=impute)

    # -- what it produces -----------------------------------------------------------------
    @property
    def feature_names(self) -> list[str]:
        return [c["name"] for c in self.columns]

    @property
    def encoded_names(self) -> list[str]:
        """The names of the network's inputs: ``color=red``, ``color=blue``, ``size``, ..."""
        names = []
        for c in self.columns:
            if c["kind"] == "onehot":
                names += [f"{c['name']}={cat}" for cat in c["categories"]]
                names += [f"{c['name']}={INFREQUENT}"] if c.get("infrequent") else []
            elif c["kind"] == "date":
                names += [f"{c['name']}.{part}" for part in c["parts"]]
            else:
                names.append(c["name"])
        return names

    @property
    def n_outputs(self) -> int:
        return len(self.encoded_names)

    @property
    def text_columns(self) -> list[str]:
        """The columns whose cells are text: categories and dates."""
        return [c["name"] for c in self.columns if c["kind"] in ("onehot", "ordinal", "date")]

    @property
    def numeric_only(self) -> bool:
        """True when no column holds text: the inputs are one float matrix."""
        return not self.text_columns

    def transform(self, X, *, unknown: str | None = None, frame=None) -> np.ndarray:
        """Encode feature columns into a float64 matrix of shape (n_samples, n_outputs).

        Parameters
        ----------
        X : Frame, pandas DataFrame, dict of column arrays, or array of shape (n_samples, n_features)
            Columns by name (a Frame, DataFrame or dict) or in the model's feature order.
        unknown : {"error", "ignore"} or None, default=None
            Overrides the policy stored in the model.
        frame : Frame, optional
            Used for row locations in messages (set when ``X`` is a Frame).
        """
        unknown = self.unknown if unknown is None else unknown
        if unknown not in UNKNOWN_POLICIES:
            raise ValueError(f"--unknown must be error or ignore; got {unknown!r}")
        columns = self._columns(X)
        if hasattr(X, "kinds"):
            frame = X
        n = len(next(iter(columns.values()))) if columns else 0
        parts = []
        for spec in self.columns:
            name = spec["name"]
            values = columns[name]
            missing = np.array([_is_missing(v) for v in values], dtype=bool) if values.dtype == object else None
            if spec["kind"] in ("number", "bool"):
                parts.append(self._numbers(spec, values, missing, frame)[:, None])
                continue
            text = np.array(["" if _is_missing(v) else str(v).strip() for v in values], dtype=object)
            if missing is None:
                missing = np.array([_is_missing(v) for v in values], dtype=bool)
            if spec["kind"] == "date":
                parts.append(self._dates(spec, text, missing, frame))
                continue
            if missing.any():
                if spec["fill"] is None:
                    raise DataError(self._missing_message(name, int(np.flatnonzero(missing)[0]), frame))
                text[missing] = spec["fill"]
            index = {cat: k for k, cat in enumerate(spec["categories"])}
            codes = np.array([index.get(t, -1) for t in text], dtype=np.int64)
            if (codes < 0).any() and unknown == "error" and not spec.get("infrequent"):
                i = int(np.flatnonzero(codes < 0)[0])
                raise DataError(self._unknown_message(spec, text[i], i, frame))
            if spec["kind"] == "ordinal":
                parts.append(codes.astype(np.float64)[:, None])
            else:
                onehot = np.zeros((n, len(spec["categories"])))
                known = codes >= 0
                onehot[np.flatnonzero(known), codes[known]] = 1.0
                parts.append(onehot)
                if spec.get("infrequent"):  # every other category, also one unseen in training
                    parts.append((~known).astype(np.float64)[:, None])
        return np.hstack(parts) if parts else np.empty((n, 0))

    def _dates(self, spec: dict, text: np.ndarray, missing: np.ndarray, frame) -> np.ndarray:
        cells = np.where(missing, None, text)
        out, unreadable = calendar_parts(cells, spec["format"], spec["parts"])
        if unreadable.any():
            i = int(np.flatnonzero(unreadable)[0])
            raise DataError(
                f"{self._where(i, frame)}: column {spec['name']!r} holds {_shorten(str(text[i]))!r}, which is not "
                f"a date written as the training rows were ({spec['format']})"
            )
        holes = np.isnan(out[:, 0])
        if holes.any():
            if spec["fill"] is None:
                raise DataError(self._missing_message(spec["name"], int(np.flatnonzero(holes)[0]), frame))
            out[holes] = spec["fill"]
        return out

    def _numbers(self, spec: dict, values: np.ndarray, missing, frame) -> np.ndarray:
        name = spec["name"]
        try:
            if values.dtype == object:
                out = np.array([math.nan if m else _number(v, spec["kind"]) for v, m in zip(values, missing)])
            else:
                out = np.asarray(values, dtype=np.float64).copy()
        except (TypeError, ValueError):
            i = next(i for i, v in enumerate(values) if not _is_missing(v) and not _is_number(v, spec["kind"]))
            raise DataError(
                f"{self._where(i, frame)}: column {name!r} holds {_shorten(str(values[i]))!r}, which is not "
                f"{'a number' if spec['kind'] == 'number' else 'true or false'}"
            ) from None
        holes = np.isnan(out)
        if holes.any():
            if spec["fill"] is None:
                raise DataError(self._missing_message(name, int(np.flatnonzero(holes)[0]), frame))
            out[holes] = spec["fill"]
        return out

    def _columns(self, X) -> dict[str, np.ndarray]:
        names = self.feature_names
        if hasattr(X, "kinds") and hasattr(X, "values"):  # a Frame
            return {n: np.asarray(X.values[n]) for n in names}
        if hasattr(X, "columns") and hasattr(X, "to_numpy"):  # a pandas DataFrame
            lacking = [n for n in names if n not in X.columns]
            if lacking:
                raise DataError(f"the table lacks the model's feature columns {', '.join(map(repr, lacking))}")
            return {n: _pandas_column(X[n]) for n in names}
        if isinstance(X, Mapping):
            lacking = [n for n in names if n not in X]
            if lacking:
                raise DataError(f"the columns lack the model's features {', '.join(map(repr, lacking))}")
            return {n: np.asarray(X[n]) for n in names}
        array = np.asarray(X)
        if array.ndim == 1:
            array = array.reshape(1, -1)
        if array.ndim != 2 or array.shape[1] != len(names):
            raise ValueError(
                f"X must have shape (n_samples, {len(names)}), one column per feature "
                f"({', '.join(names)}); got shape {array.shape}"
            )
        return {n: array[:, j] for j, n in enumerate(names)}

    def _where(self, i: int, frame) -> str:
        if frame is not None:
            return f"{frame.source + ', ' if frame.source else ''}{frame.where(i)}"
        return f"row {i + 1}"

    def _missing_message(self, name: str, i: int, frame) -> str:
        return (
            f"{self._where(i, frame)}: column {name!r} is empty, a missing value; the model was trained "
            "without --impute, so it cannot fill it in (fill the cell or drop the row)"
        )

    def _unknown_message(self, spec: dict, value: str, i: int, frame) -> str:
        known = spec["categories"]
        shown = ", ".join(map(repr, known[:10])) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
        return (
            f"{self._where(i, frame)}: column {spec['name']!r} holds {_shorten(value)!r}, a category the model "
            f"was not trained on (it knows {shown}); pass --unknown ignore to encode it as none of them"
        )

    # -- files ----------------------------------------------------------------------------
    def get_config(self) -> dict:
        """JSON-ready description, stored in the model file."""
        return {"columns": [dict(c) for c in self.columns], "unknown": self.unknown, "impute": self.impute}

    @classmethod
    def from_config(cls, config: Any) -> TableEncoder:
        """Rebuild from :meth:`get_config`; ValueError naming what is wrong."""
        if not isinstance(config, dict) or not isinstance(config.get("columns"), list):
            raise ValueError("the encoder description is missing its 'columns' list")
        return cls(config["columns"], unknown=config.get("unknown", "error"), impute=config.get("impute"))

    def _check(self) -> None:
        if self.unknown not in UNKNOWN_POLICIES:
            raise ValueError(f"the encoder's 'unknown' must be one of {UNKNOWN_POLICIES}; got {self.unknown!r}")
        if self.impute is not None and self.impute not in IMPUTE_STRATEGIES:
            raise ValueError(f"the encoder's 'impute' must be one of {IMPUTE_STRATEGIES} or null; got {self.impute!r}")
        if not self.columns:
            raise ValueError("the encoder has no columns")
        seen = set()
        for j, c in enumerate(self.columns):
            if not isinstance(c.get("name"), str) or not c["name"] or c["name"] in seen:
                raise ValueError(f"encoder column {j} has a missing or repeated name: {c.get('name')!r}")
            seen.add(c["name"])
            kind, cats, fill = c.get("kind"), c.get("categories"), c.get("fill")
            if kind not in ENCODED_KINDS:
                raise ValueError(f"encoder column {c['name']!r} has unknown kind {kind!r} (written by a newer bpnn?)")
            infrequent = c.get("infrequent", False)
            if infrequent not in (True, False) or (infrequent and kind != "onehot"):
                raise ValueError(f"encoder column {c['name']!r} has 'infrequent' {infrequent!r}; only a one-hot "
                                 "column may have it, true or false")  # fmt: skip
            if kind in ("onehot", "ordinal"):
                if not isinstance(cats, list) or not (cats or infrequent) or not all(isinstance(x, str) for x in cats):
                    raise ValueError(f"encoder column {c['name']!r} needs a non-empty list of text categories")
                if len(set(cats)) != len(cats):
                    raise ValueError(f"encoder column {c['name']!r} lists a category twice")
                if fill is not None and fill not in cats and not (infrequent and fill == INFREQUENT):
                    raise ValueError(f"encoder column {c['name']!r} fills with {fill!r}, which is not a category")
            elif kind == "date":
                _check_date_spec(c)
            else:
                if cats is not None:
                    raise ValueError(f"encoder column {c['name']!r} of kind {kind!r} cannot have categories")
                if fill is not None and (
                    isinstance(fill, bool) or not isinstance(fill, (int, float)) or not math.isfinite(fill)
                ):
                    raise ValueError(f"encoder column {c['name']!r} has fill {fill!r}; expected a finite number")

    def describe(self) -> list[str]:
        """Lines for ``bpnn info``."""
        lines = []
        numbers = [
            f"{c['name']} {c['fill']!r}"
            for c in self.columns
            if c["kind"] in ("number", "bool") and c["fill"] is not None
        ]
        if numbers:  # one line however many columns: every one has a fill value with --impute
            lines.append(f"missing numbers -> {_shown(numbers, first=6)}")
        for c in self.columns:
            fill = "" if c["fill"] is None else f", missing -> {c['fill']!r}"
            if c["kind"] == "onehot":
                shown = _shown(c["categories"]) + (f" and {INFREQUENT}" if c.get("infrequent") else "")
                lines.append(f"{c['name']}: one-hot over {shown}{fill}")
            elif c["kind"] == "date":
                lines.append(f"{c['name']}: date ({c['format']}) -> {', '.join(c['parts'])}{fill}")
            elif c["kind"] == "ordinal":
                lines.append(f"{c['name']}: ordinal {' < '.join(c['categories'])}{fill}")
        if self.impute:
            lines.append(f"imputation {self.impute} (training rows)")
        if self.text_columns:
            lines.append(f"a category not seen in training: {UNSEEN_CATEGORY[self.unknown]}")
        return lines

    def __repr__(self) -> str:
        return f"TableEncoder({self.encoded_names!r}, unknown={self.unknown!r}, impute={self.impute!r})"


def _shown(names: list[str], first: int = 10) -> str:
    return ", ".join(names[:first]) + (f" and {len(names) - first} more" if len(names) > first else "")


def _frequent(trained: np.ndarray, found: list[str], max_categories: int | None, min_frequency: int) -> list[str]:
    """The categories of ``found`` kept as inputs of their own (in ``found``'s order), as
    scikit-learn's ``OneHotEncoder(min_frequency=, max_categories=)`` chooses them from the
    training rows: those seen in fewer than ``min_frequency`` rows (or in none) are infrequent;
    when the frequent ones and the infrequent input would still be more than
    ``max_categories`` inputs, only the ``max_categories - 1`` most frequent stay (among
    equal counts, the later in sorted order). The others share the ``infrequent`` input."""
    uniques, counts = np.unique(trained, return_counts=True)
    infrequent = counts < max(min_frequency, 1)
    if max_categories is not None and max_categories < counts.size - infrequent.sum() + 1:
        infrequent[np.argsort(counts, kind="mergesort")[: counts.size - (max_categories - 1)]] = True
    kept = set(uniques[~infrequent].tolist())
    return [c for c in found if c in kept]


def _check_date_spec(c: dict) -> None:
    parts, fill = c.get("parts"), c.get("fill")
    if c.get("format") not in DATE_FORMATS:
        raise ValueError(f"encoder column {c['name']!r} has date format {c.get('format')!r}, not one bpnn reads")
    if not isinstance(parts, list) or not parts or not set(parts) <= set(PARTS) or len(set(parts)) != len(parts):
        raise ValueError(f"encoder column {c['name']!r} needs distinct calendar parts from {PARTS}; got {parts!r}")
    if c.get("categories") is not None:
        raise ValueError(f"encoder column {c['name']!r} of kind 'date' cannot have categories")
    if fill is not None and (
        not isinstance(fill, list)
        or len(fill) != len(parts)
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in fill)
    ):
        raise ValueError(f"encoder column {c['name']!r} has fill {fill!r}; expected one finite number per part")


def _fill_number(values: np.ndarray, strategy: str, name: str) -> float:
    if values.size == 0:
        raise ValueError(f"column {name!r} has no values in the training rows to impute from")
    if strategy == "median":
        return float(np.median(values))
    if strategy == "mean":
        return float(np.mean(values))
    uniques, counts = np.unique(values, return_counts=True)
    return float(uniques[np.argmax(counts)])  # np.unique sorts: the smallest of the most frequent


def _most_frequent_text(values: np.ndarray, name: str) -> str:
    if values.size == 0:
        raise ValueError(f"column {name!r} has no values in the training rows to impute from")
    uniques, counts = np.unique(values, return_counts=True)
    return str(uniques[np.argmax(counts)])


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, (float, np.floating)):
        return math.isnan(value)
    if isinstance(value, str):
        return value.strip().lower() in ("", "na", "n/a", "nan", "null")
    return False


def _number(value: Any, kind: str) -> float:
    if kind == "bool":
        if isinstance(value, (bool, np.bool_)):
            return float(value)
        text = str(value).strip().lower()
        if text in ("true", "1", "1.0"):
            return 1.0
        if text in ("false", "0", "0.0"):
            return 0.0
        raise ValueError(value)
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(value)
    return float(value.strip() if isinstance(value, str) else value)


def _is_number(value: Any, kind: str) -> bool:
    try:
        _number(value, kind)
    except (TypeError, ValueError):
        return False
    return True


def _pandas_column(series) -> np.ndarray:
    values = series.to_numpy()
    if values.dtype.kind in "iufb":
        return values.astype(np.float64) if values.dtype.kind != "f" else values
    return series.to_numpy(dtype=object)
