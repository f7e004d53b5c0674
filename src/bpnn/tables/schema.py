"""The table schema: every column's role, decided once, with its reason.

``bpnn train`` reads a table, then decides here, before anything else, what each column
is; the split, the encoder (:class:`~bpnn.io.encoding.TableEncoder`), the report, the
model file, ``bpnn info``, ``bpnn predict`` and the ONNX export all take the decision
from the :class:`Schema` instead of deciding again. The roles, and the rules that give
them (the first that applies wins):

========== ================================================================== =========
role       rule                                                               inputs
========== ================================================================== =========
target     named by ``--target``                                              (output)
ignored    named by ``--ignore``                                              none
constant   at most one distinct value in the present cells (only in tables    none
           of at least :data:`MIN_ROWS_TO_DROP` rows)
identifier a text column with one distinct value per row, or a column of      none
           whole numbers that count the rows (k, k+1, k+2, ... in file
           order); only in tables of at least :data:`MIN_ROWS_TO_DROP` rows
date       a text column whose every present cell is a date in one format     one per
           (:mod:`bpnn.io.dates`; Excel dates and Parquet timestamps too)     part
number     numbers (true/false: 1 and 0)                                      one
category   text with at most ``max_categories`` distinct values, or named     one per
           by ``--ordinal``                                                   category
text       text with more distinct values than ``max_categories``: the        max_
           most frequent categories of the training rows and one              categories
           ``infrequent`` input for the rest
========== ================================================================== =========

A column of all-distinct numbers that are not a row count (prices, measurements) stays a
number: counting the rows is what tells an identifier apart. ``--role COL=ROLE``
overrides any decision.

:data:`MAX_CATEGORIES` is 20: one text column then adds at most 20 inputs, about as many
as a typical table has columns, so no one-hot block dwarfs the rest of the data (a
300-category column one-hot encoded would add 300).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bpnn.io.dates import DATE_FORMATS, PARTS, date_format, has_time
from bpnn.io.frames import Frame

__all__ = ["Schema", "Column", "decide_schema", "ROLES", "MAX_CATEGORIES", "MIN_ROWS_TO_DROP", "parse_roles"]

#: Every role, in the order the report lists them.
ROLES = ("target", "number", "category", "text", "date", "identifier", "constant", "ignored")
#: Roles whose columns are left out of the network's inputs.
DROPPED = ("identifier", "constant", "ignored")
#: The roles ``--role`` may give.
CHOOSABLE = ("number", "category", "text", "date", "identifier", "ignored")
#: The default of ``--max-categories`` (see the module docstring).
MAX_CATEGORIES = 20
#: Identifiers and constant columns are only dropped in tables of at least this many rows:
#: in a tiny table a genuine feature may well hold 1, 2, 3, ... or all-distinct words, and
#: what the user needs to hear first is that the table is too small to split.
MIN_ROWS_TO_DROP = 20
#: How many names a line of the printout shows before "and N more".
SHOWN = 6


@dataclass
class Column:
    """One column's role and why.

    Attributes
    ----------
    name : str
    role : str
        One of :data:`ROLES`.
    reason : str
        Why, in words for the report.
    format : str or None
        For a date column: the format its cells are written in (:data:`bpnn.io.dates.DATE_FORMATS`).
    parts : list of str or None
        For a date column: the calendar parts that become inputs.
    """

    name: str
    role: str
    reason: str
    format: str | None = None
    parts: list[str] | None = None

    def get_config(self) -> dict:
        out: dict[str, Any] = {"name": self.name, "role": self.role, "reason": self.reason}
        if self.role == "date":
            out.update(format=self.format, parts=list(self.parts or []))
        return out


@dataclass
class Schema:
    """The roles of a table's columns (see the module docstring), in file order.

    Attributes
    ----------
    columns : list of Column
    max_categories : int
    min_frequency : int
    """

    columns: list[Column]
    max_categories: int = MAX_CATEGORIES
    min_frequency: int = 1
    _by_name: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._by_name = {c.name: c for c in self.columns}

    def __getitem__(self, name: str) -> Column:
        return self._by_name[name]

    def names(self, *roles: str) -> list[str]:
        """The columns with one of ``roles``, in file order."""
        return [c.name for c in self.columns if c.role in roles]

    @property
    def features(self) -> list[str]:
        """The columns the network's inputs come from."""
        return self.names("number", "category", "text", "date")

    @property
    def targets(self) -> list[str]:
        return self.names("target")

    def encoder_roles(self) -> dict[str, dict]:
        """What :meth:`bpnn.io.encoding.TableEncoder.fit` takes as ``roles``."""
        return {c.name: c.get_config() for c in self.columns if c.role in ("date", "text")}

    # -- what the user reads -----------------------------------------------------------------
    def lines(self) -> list[str]:
        """The schema for the report and ``bpnn info``: one line per role and reason, names
        shortened to the first few (``and 58 more``)."""
        groups: dict[tuple[str, str], list[str]] = {}
        for role in ROLES:
            for c in self.columns:
                if c.role == role:
                    groups.setdefault((role, c.reason), []).append(c.name)
        out = []
        for (role, reason), names in groups.items():
            dropped = ", dropped" if role in DROPPED else ""
            out.append(f"{role:<10} {shorten(names)}: {reason}{dropped}")
        return out

    def notes(self) -> list[str]:
        """One short note per kind of dropped column the user did not ask to drop."""
        out = []
        for role, what in (("identifier", "one distinct value per row"), ("constant", "no information")):
            names = self.names(role)
            if names:
                many = len(names) > 1
                out.append(
                    f"{len(names)} {role} column{'s' if many else ''} dropped ({what}): {shorten(names, quote=True)}"
                )
        return out

    # -- files ---------------------------------------------------------------------------------
    def get_config(self) -> dict:
        """JSON-ready; stored in the model file."""
        return {
            "columns": [c.get_config() for c in self.columns],
            "max_categories": self.max_categories,
            "min_frequency": self.min_frequency,
        }

    @classmethod
    def from_config(cls, config: Any) -> Schema:
        """Rebuild from :meth:`get_config`; ValueError naming what is wrong."""
        if not isinstance(config, dict) or not isinstance(config.get("columns"), list):
            raise ValueError("the schema is missing its 'columns' list")
        columns = []
        for j, c in enumerate(config["columns"]):
            if not isinstance(c, dict) or not isinstance(c.get("name"), str) or c.get("role") not in ROLES:
                raise ValueError(f"schema column {j} needs a name and one of the roles {', '.join(ROLES)}; got {c!r}")
            if c["role"] == "date" and (c.get("format") not in DATE_FORMATS or not c.get("parts")):
                raise ValueError(f"schema column {c['name']!r} is a date without a known format and parts")
            columns.append(Column(c["name"], c["role"], str(c.get("reason", "")), c.get("format"), c.get("parts")))
        return cls(columns, config.get("max_categories", MAX_CATEGORIES), config.get("min_frequency", 1))


def shorten(names: Sequence[str], quote: bool = False) -> str:
    """``a, b, c, d, e, f and 24 more``: the first :data:`SHOWN` names (quoted with ``quote``)."""
    shown = [repr(n) if quote else n for n in names[:SHOWN]]
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return ", ".join(shown) + more


def parse_roles(specs: Sequence[str]) -> dict[str, str]:
    """``["id=number", "code=category"]`` -> ``{"id": "number", "code": "category"}`` (``--role``)."""
    out = {}
    for spec in specs:
        name, _, role = str(spec).partition("=")
        name, role = name.strip(), role.strip().lower()
        if not name or role not in CHOOSABLE:
            raise ValueError(f"--role takes COL=ROLE with ROLE one of {', '.join(CHOOSABLE)}; got {spec!r}")
        out[name] = role
    return out


def decide_schema(
    frame: Frame,
    targets: Sequence[str],
    *,
    ignore: Sequence[str] = (),
    ordinal: Mapping[str, Any] | None = None,
    roles: Mapping[str, str] | None = None,
    max_categories: int = MAX_CATEGORIES,
    min_frequency: int = 1,
) -> Schema:
    """Decide every column's role (see the module docstring).

    Parameters
    ----------
    frame : Frame
        The whole table as read.
    targets : sequence of str
    ignore : sequence of str, default=()
    ordinal : dict, optional
        Columns named by ``--ordinal``: categories, whatever their count.
    roles : dict of str to str, optional
        ``--role`` overrides: a column name to one of ``number``, ``category``, ``text``,
        ``date``, ``identifier``, ``ignored``.
    max_categories : int, default=20
        A text column with more distinct values is a ``text`` column (most frequent
        categories kept, the rest folded into one ``infrequent`` input). At least 2.
    min_frequency : int, default=1
        A category seen in fewer training rows is folded into ``infrequent`` too.

    Returns
    -------
    Schema
    """
    if isinstance(max_categories, bool) or not isinstance(max_categories, (int, np.integer)) or max_categories < 2:
        raise ValueError(f"--max-categories must be a whole number of at least 2; got {max_categories!r}")
    if isinstance(min_frequency, bool) or not isinstance(min_frequency, (int, np.integer)) or min_frequency < 1:
        raise ValueError(f"--min-frequency must be a positive whole number; got {min_frequency!r}")
    roles = dict(roles or {})
    frame.check_columns(list(roles))
    clash = sorted(set(roles) & set(targets))
    if clash:
        raise ValueError(f"--role names the target column {clash[0]!r}; a target has no other role")
    ordinal = dict(ordinal or {})
    columns = []
    for name in frame.columns:
        if name in targets:
            columns.append(Column(name, "target", "--target"))
        elif name in ignore:
            columns.append(Column(name, "ignored", "--ignore"))
        elif name in roles:
            columns.append(_chosen(frame, name, roles[name]))
        else:
            columns.append(_decide(frame, name, name in ordinal, max_categories))
    return Schema(columns, int(max_categories), int(min_frequency))


def _present(frame: Frame, name: str) -> np.ndarray:
    return frame.values[name][~frame.missing(name)]


def _decide(frame: Frame, name: str, ordinal: bool, max_categories: int) -> Column:
    kind = frame.kinds[name]
    present = _present(frame, name)
    distinct = np.unique(present.astype(str) if kind != "number" else present)
    if len(distinct) <= 1 and len(frame) >= MIN_ROWS_TO_DROP:
        held = f"every cell holds {_cell(distinct[0])}" if len(distinct) else "every cell is empty"
        return Column(name, "constant", held + (" or is empty" if len(distinct) and len(present) < len(frame) else ""))
    if kind == "bool":
        return Column(name, "number", "true/false, as 1 and 0")
    if kind == "number":
        if _counts_rows(frame.values[name]):
            first = int(frame.values[name][0])
            return Column(name, "identifier", f"whole numbers counting the rows ({first}, {first + 1}, ...)")
        return Column(name, "number", "numbers")
    if ordinal:
        return Column(name, "category", "codes 0, 1, ... (--ordinal)")
    date = _date_column(frame, name)
    if date is not None:
        return date
    if len(distinct) == len(frame) >= MIN_ROWS_TO_DROP:
        sample = ", ".join(str(v) for v in present[:2])
        return Column(name, "identifier", f"text with one distinct value per row ({sample}, ...)")
    if len(distinct) > max_categories:
        return Column(name, "text", _text_reason(len(distinct), max_categories))
    return Column(name, "category", f"{len(distinct)} categories, one-hot")


def _text_reason(k: int, max_categories: int) -> str:
    return (
        f"{k} categories, more than --max-categories {max_categories}: the {max_categories - 1} "
        "most frequent one-hot, the others as one 'infrequent'"
    )


def _date_column(frame: Frame, name: str) -> Column | None:
    values = frame.values[name]
    fmt = date_format(values)
    if fmt is None:
        return None
    parts = list(PARTS if has_time(values, fmt) else PARTS[:-1])
    return Column(name, "date", f"dates written {fmt}, as {', '.join(parts)}", fmt, parts)


def _chosen(frame: Frame, name: str, role: str) -> Column:
    """The column as ``--role`` says, or a ValueError when its cells cannot be that."""
    kind = frame.kinds[name]
    if role in ("identifier", "ignored"):
        return Column(name, role, f"--role {role}")
    if role == "number":
        if kind == "text":
            raise ValueError(f"--role {name}=number: the column holds text; choose category or text")
        return Column(name, "number", "numbers (--role)")
    if role == "date":
        column = _date_column(frame, name) if kind == "text" else None
        if column is None:
            raise ValueError(
                f"--role {name}=date: the column's cells are not dates in one of the formats bpnn reads "
                "(such as 2007-11-28, 11/28/2007, 28.11.2007)"
            )
        return column
    if kind == "number":
        raise ValueError(f"--role {name}={role}: the column holds numbers; its values would be read as text first")
    k = len(np.unique(_present(frame, name).astype(str)))
    if role == "text":
        return Column(name, "text", f"{k} categories (--role): the most frequent one-hot, the others 'infrequent'")
    return Column(name, "category", f"{k} categories, one-hot (--role)")


def _counts_rows(values: np.ndarray) -> bool:
    """Whether ``values`` are k, k+1, k+2, ... in order: the row numbers (an index or id)."""
    n = len(values)
    if n < MIN_ROWS_TO_DROP or not np.isfinite(values).all() or values[0] != np.round(values[0]):
        return False
    with np.errstate(over="ignore", invalid="ignore"):  # a column spanning +-1.7e308 is no row count
        return bool(np.array_equal(values - values[0], np.arange(n, dtype=np.float64)))


def _cell(value: Any) -> str:
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return repr(value.item() if isinstance(value, np.generic) else value)
