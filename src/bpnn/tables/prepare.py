"""The rows of a table before the split: targets, missing cells, the task.

:func:`bpnn.tables.train_table` turns what it is given into a
:class:`~bpnn.io.frames.Frame` (:func:`as_frame`), decides the columns' roles
(:mod:`bpnn.tables.schema`), then calls :func:`frame_targets` for the rows to keep and
the targets, before it splits the rows; the encoder
(:class:`~bpnn.io.encoding.TableEncoder`) is then fitted on the training split.
"""

from __future__ import annotations

import numpy as np

from bpnn.io.csvdata import DataError
from bpnn.io.encoding import MISSING_HINT
from bpnn.io.frames import Frame

__all__ = ["as_frame", "frame_targets", "decide_label_task"]


def as_frame(table) -> Frame:
    """A :class:`~bpnn.io.csvdata.Table` of numbers as a :class:`Frame` of number columns (a
    Frame as it is), so that every table walks the same path."""
    if isinstance(table, Frame):
        return table
    data = np.asarray(table.data, dtype=np.float64)
    values = {name: data[:, j] for j, name in enumerate(table.columns)}
    return Frame(list(table.columns), values, dict.fromkeys(table.columns, "number"), table.source)


def frame_targets(
    frame: Frame, features: list[str], targets: list[str], *, impute: str | None, dropna: bool
) -> tuple[Frame, np.ndarray]:
    """Drop or refuse rows with missing cells; return the kept rows and the targets.

    A missing target cell is an error, or its row is dropped with ``dropna``. A missing
    feature cell is kept when ``impute`` is set (the encoder fills it), else dropped
    with ``dropna``, else an error whose hint names ``--impute`` and ``--dropna``.

    Returns
    -------
    frame : Frame
        The rows kept (``frame.dropped`` says where the others were).
    Y : ndarray of shape (n_rows, n_targets)
        float64 when every target column holds numbers; else an object array of the
        labels as read (str or bool).
    """
    drop = np.zeros(len(frame), dtype=bool)
    for name in targets:
        missing = frame.missing(name)
        if missing.any() and not dropna:
            i = int(np.flatnonzero(missing)[0])
            raise DataError(
                frame.missing_message(name, i) + " in the target column; a row without a target cannot be "
                "used for training: pass --dropna to drop such rows"
            )
        drop |= missing
    if impute is None:
        for name in features:
            missing = frame.missing(name)
            if missing.any() and not dropna:
                i = int(np.flatnonzero(missing)[0])
                raise DataError(frame.missing_message(name, i) + "; " + MISSING_HINT)
            drop |= missing
    if drop.all():
        raise DataError(
            f"{frame.source or 'the table'}: all {len(frame)} data rows have missing values; "
            "nothing is left after dropna"
        )
    if drop.any():
        frame = frame.drop_rows(drop)
    kinds = {frame.kinds[t] for t in targets}
    if kinds == {"number"}:
        Y = np.column_stack([frame.values[t] for t in targets]).astype(np.float64)
    else:
        if len(targets) != 1:
            raise ValueError(
                f"target columns {', '.join(map(repr, targets))} mix text or true/false with other columns; "
                "several targets must all hold numbers (regression)"
            )
        Y = np.empty((len(frame), 1), dtype=object)
        Y[:, 0] = frame.values[targets[0]]
    return frame, Y


def decide_label_task(requested: str, n_targets: int, distinct: list) -> tuple[str, str]:
    """The task for a target of text or true/false labels: classification, or a clear error."""
    if requested not in ("auto", "classification", "regression"):
        raise ValueError(f"--task must be auto, classification or regression; got {requested!r}")
    shown = ", ".join(repr(str(v)) for v in distinct[:3]) + (", ..." if len(distinct) > 3 else "")
    if requested == "regression":
        raise ValueError(
            f"--task regression needs a target of numbers, but it holds text or true/false ({shown}); "
            "use --task classification"
        )
    if n_targets != 1:
        raise ValueError(f"classification takes one target column; got {n_targets}")
    if len(distinct) < 2:
        raise ValueError(f"classification needs at least 2 classes; the target holds only one value ({shown})")
    if requested == "classification":
        return "classification", "as asked (--task classification)"
    kind = "true/false" if all(isinstance(v, (bool, np.bool_)) for v in distinct) else "text"
    return "classification", f"the target holds {kind}: {len(distinct)} distinct labels"
