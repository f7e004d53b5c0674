"""Input checks shared by the engine. Every message names the argument, what was
expected and what was received, so a user can fix the call without reading code."""

from __future__ import annotations

import numbers

import numpy as np


def check_array(
    value, name: str, dtype=np.float64, ndim: int = 2, n_cols: int | None = None, cols_what: str = ""
) -> np.ndarray:
    """Return ``value`` as a C-contiguous float array of ``dtype`` and ``ndim`` dimensions.

    A 1-D array is accepted where 2-D is expected when ``n_cols == 1`` (it becomes a
    column). No copy is made when ``value`` already has the right dtype and layout.
    A SciPy sparse matrix or array (see :func:`is_sparse`) comes back in CSR format
    with ``dtype``, never densified.
    """
    if value is None:
        raise ValueError(f"The '{name}' argument must be an array; got None.")
    if is_sparse(value):
        return _check_sparse(value, name, dtype, ndim, n_cols, cols_what)
    arr = np.asarray(value)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(
            f"The '{name}' argument must hold numbers; got an array of dtype {arr.dtype}"
            + (f" (first value {_plain(arr.flat[0])!r})" if arr.size else "")
            + "."
        )
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"The '{name}' argument must hold real numbers; got complex dtype {arr.dtype}.")
    if ndim == 2 and arr.ndim == 1 and n_cols == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != ndim:
        shape_hint = "(n_samples, n_features)" if ndim == 2 else f"{ndim} dimensions"
        raise ValueError(
            f"The '{name}' argument must be a {ndim}-D array of shape {shape_hint}; got shape {arr.shape}."
        )
    if arr.size == 0:
        raise ValueError(f"The '{name}' argument must not be empty; got shape {arr.shape}.")
    if n_cols is not None and arr.shape[1] != n_cols:
        raise ValueError(
            f"The '{name}' argument must have {n_cols} columns{cols_what}; got {arr.shape[1]} (shape {arr.shape})."
        )
    arr = np.ascontiguousarray(arr, dtype=dtype)
    # One pass: the sum is NaN or infinite if any entry is, without the boolean copy of the
    # data that isfinite(arr).all() would allocate. A sum can also overflow on finite data;
    # then min and max (NaN if any entry is, and showing any infinity) decide.
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(arr, axis=None)
    if not np.isfinite(total) and not (np.isfinite(arr.min()) and np.isfinite(arr.max())):
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise ValueError(
            f"The '{name}' argument must contain only finite numbers; found "
            f"{arr[tuple(bad)]} at index {tuple(int(i) for i in bad)}."
        )
    return arr


def is_sparse(value) -> bool:
    """Whether ``value`` is a SciPy sparse matrix or array, recognised by what it offers
    (``tocsr``, ``nnz``, ``shape``), so that the engine never imports SciPy."""
    return not isinstance(value, np.ndarray) and all(hasattr(value, name) for name in ("tocsr", "nnz", "shape"))


def _check_sparse(value, name: str, dtype, ndim: int, n_cols: int | None, cols_what: str):
    """``check_array`` for a sparse ``value``: CSR of ``dtype``, checked without densifying.

    CSR because the training loop takes batches of rows. A CSR input of the right dtype is
    returned as it is; another format or dtype costs one copy of the stored entries only.
    """
    if ndim != 2 or len(value.shape) != 2:
        raise ValueError(f"The '{name}' argument is a sparse matrix, which is 2-D; a {ndim}-D array is expected.")
    if value.shape[0] == 0 or value.shape[1] == 0:
        raise ValueError(f"The '{name}' argument must not be empty; got shape {value.shape}.")
    if n_cols is not None and value.shape[1] != n_cols:
        raise ValueError(
            f"The '{name}' argument must have {n_cols} columns{cols_what}; got {value.shape[1]} (shape {value.shape})."
        )
    stored = np.dtype(value.dtype)
    if not (np.issubdtype(stored, np.number) or stored.kind == "b") or np.issubdtype(stored, np.complexfloating):
        raise TypeError(f"The '{name}' argument must hold real numbers; got a sparse matrix of dtype {stored}.")
    csr = value if getattr(value, "format", None) == "csr" else value.tocsr()
    if csr.dtype != dtype:
        csr = csr.astype(dtype)
    data = np.asarray(csr.data)
    with np.errstate(over="ignore", invalid="ignore"):
        finite = np.isfinite(np.add.reduce(data, axis=None)) or (np.isfinite(data.min()) and np.isfinite(data.max()))
    if data.size and not finite:
        raise ValueError(
            f"The '{name}' argument must contain only finite numbers; its stored entries include NaN or inf."
        )
    return csr


def _plain(value):
    """A NumPy scalar as the Python value it holds, for readable messages."""
    return value.item() if isinstance(value, np.generic) else value


def check_same_rows(X: np.ndarray, y: np.ndarray, x_name: str = "X", y_name: str = "y") -> None:
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"'{x_name}' and '{y_name}' must have the same number of rows; got {X.shape[0]} and {y.shape[0]}."
        )


def check_int(value, name: str, minimum: int | None = None, maximum: int | None = None, allow_none: bool = False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"The '{name}' parameter must be an int; got {value!r} ({type(value).__name__}).")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"The '{name}' parameter must be >= {minimum}; got {value}.")
    if maximum is not None and value > maximum:
        raise ValueError(f"The '{name}' parameter must be <= {maximum}; got {value}.")
    return value


def check_float(
    value,
    name: str,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"The '{name}' parameter must be a real number; got {value!r} ({type(value).__name__}).")
    value = float(value)
    lo_ok = low is None or (value >= low if low_inclusive else value > low)
    hi_ok = high is None or (value <= high if high_inclusive else value < high)
    if not (lo_ok and hi_ok and np.isfinite(value)):
        lo = "" if low is None else ("[" if low_inclusive else "(") + f"{low}"
        hi = "" if high is None else f"{high}" + ("]" if high_inclusive else ")")
        if low is not None and high is not None:
            rng = f"in {lo}, {hi}"
        elif low is not None:
            rng = (">= " if low_inclusive else "> ") + f"{low}"
        else:
            rng = ("<= " if high_inclusive else "< ") + f"{high}"
        raise ValueError(f"The '{name}' parameter must be {rng}; got {value!r}.")
    return value


# -- memory ------------------------------------------------------------------------------------------
class InsufficientMemoryError(ValueError):
    """A request that cannot fit in memory, refused before anything is allocated.

    A ValueError, so that scikit-learn's conventions and the command line's one-line
    errors treat it as the bad argument it is; the message says how much memory the
    request needs, how much there is, and what to change.
    """


def available_memory() -> int | None:
    """Bytes this process may still allocate, or None when that cannot be told.

    The smallest of: the ``BPNN_MAX_MEMORY`` environment variable (bytes; for tests and
    shared machines), the address-space limit (``ulimit -v``) and the kernel's estimate of
    available memory (``MemAvailable`` in ``/proc/meminfo``, Linux).
    """
    import os

    limits = []
    text = os.environ.get("BPNN_MAX_MEMORY", "").strip()
    if text.isdigit():
        limits.append(int(text))
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        if soft != resource.RLIM_INFINITY and soft > 0:
            limits.append(int(soft))
    except (ImportError, OSError, ValueError):
        pass
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    limits.append(int(line.split()[1]) * 1024)
                    break
    except (OSError, ValueError, IndexError):
        pass
    return min(limits) if limits else None


def format_bytes(n: float) -> str:
    """``1536`` -> ``"1.5 KiB"``: a size as a person reads it."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.3g} {unit}"
        n /= 1024
    return f"{n:.3g} TiB"  # pragma: no cover - the loop returns


def check_memory(needed: int, what: str, advice: str) -> None:
    """Raise :class:`InsufficientMemoryError` when ``needed`` bytes exceed :func:`available_memory`.

    Parameters
    ----------
    needed : int
        Bytes the request would allocate.
    what : str
        The request, as the start of the message ("the 'lm' solver's Jacobian ...").
    advice : str
        What to change so that it fits.
    """
    limit = available_memory()
    if limit is not None and needed > limit:
        raise InsufficientMemoryError(
            f"{what} needs {format_bytes(needed)} of memory, more than the {format_bytes(limit)} available; {advice}"
        )


def lookup(table: dict, name: str, argument: str, alternatives: str):
    """The entry of a name -> class ``table`` for ``name`` (any case), or a ValueError that names
    ``argument`` and lists every name; ``alternatives`` says what else the argument accepts
    (e.g. ``" or an object with value() and gradient()"``)."""
    key = name.lower()
    if key not in table:
        raise ValueError(
            f"The '{argument}' parameter must be one of {sorted(table)}{alternatives}. Got {name!r} instead."
        )
    return table[key]


def with_methods(obj, methods: tuple[str, ...], argument: str, accepted: str):
    """``obj`` (an instance of it, if it is a class) when it has every one of ``methods``, else a
    TypeError naming ``argument``, what it accepts and the type received."""
    if isinstance(obj, type):
        obj = obj()
    if all(callable(getattr(obj, m, None)) for m in methods):
        return obj
    raise TypeError(f"The '{argument}' parameter must be {accepted}. Got {type(obj).__name__} instead.")
