"""The bpnn model file: named arrays plus JSON metadata in one safe ``.npz`` file.

Layout
------
A model file is an ordinary NumPy ``.npz`` archive (a zip of ``.npy`` members), so
``np.load(path)`` can open it too. Besides the model's own arrays it holds one
reserved member, ``__bpnn_metadata__.npy``: a uint8 array whose bytes are this
UTF-8 JSON document::

    {"format": "bpnn-model", "format_version": 1, "bpnn_version": "0.1.0",
     "kind": "network", "arrays": ["W0", "b0", ...], "metadata": {...}}

``kind`` says what was saved (the loader of that kind knows how to rebuild it),
``arrays`` lists the member arrays so that a missing one is noticed, and
``metadata`` is whatever the caller passed to :func:`save_container`.

Safety
------
* Loading never runs code: object arrays are refused before anything is read,
  and arrays are parsed with ``allow_pickle=False``.
* Saving is atomic. The archive is written to a temporary file in the target's
  directory, flushed and fsynced, then moved over the target with
  ``os.replace``. A crash, ``SIGKILL`` or full disk mid-save leaves the previous
  file intact; only a temporary file may be left behind.
* Leftover temporary files are named ``.<target name>.<host>.<pid>.<random>.bpnn-tmp``
  (hidden on POSIX). Every save to a target first deletes that target's
  leftovers whose process (same host, POSIX only) is no longer running, so at
  most one leftover per killed process exists, and only until the next save.
  Files of processes that may still be writing are never touched.
* Every failure to load is a :class:`ModelFileError` with a one-line message.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import hashlib
import json
import math
import os
import re
import secrets
import socket
import stat
import sys
import zipfile
from collections.abc import Iterator, Mapping
from typing import IO, Any, Union

import numpy as np

__all__ = [
    "ModelFileError",
    "save_container",
    "load_container",
    "atomic_write",
    "open_for_reading",
    "FORMAT",
    "FORMAT_VERSION",
]

PathLike = Union[str, "os.PathLike[str]"]

FORMAT = "bpnn-model"
#: The format version this bpnn writes and the newest it can read.
FORMAT_VERSION = 1
#: Keys the loader adds to the metadata it returns; callers may not use them.
RESERVED_KEYS = frozenset({"format", "format_version", "bpnn_version", "kind"})

#: The largest metadata document read (bytes): a table model's is a few kilobytes.
MAX_METADATA_BYTES = 64 * 2**20
#: The most that compressed members (which bpnn never writes) may inflate to, in total.
MAX_INFLATED_BYTES = 2**30

_READ_PIECE = 4 * 2**20

_META_NAME = "__bpnn_metadata__"
_META_MEMBER = _META_NAME + ".npy"
_TEMP_SUFFIX = ".bpnn-tmp"
# Fixed zip timestamps make equal saves produce byte-identical files.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class ModelFileError(ValueError):
    """A model file cannot be loaded; the message is one line, fit for the command line."""


def save_container(
    path: PathLike,
    arrays: Mapping[str, np.ndarray],
    metadata: Mapping[str, Any],
    *,
    kind: str,
) -> None:
    """Save named arrays and JSON metadata to one model file, atomically.

    Parameters
    ----------
    path : str or path-like
        Target file, conventionally ending in ``.npz``. It is replaced only once
        the new file is completely on disk.
    arrays : mapping of str to ndarray
        The numbers (weights, biases, scaler statistics, ...). Names must be
        non-empty and not start with ``__bpnn``; dtypes must be numeric, bool or
        string (no ``object``). Arrays come back bit-identical, same dtype and shape.
    metadata : mapping of str to JSON-serializable values
        Configuration needed to rebuild the object (layer sizes, activation
        names, ...). NumPy scalars are stored as Python numbers; tuples come back
        as lists. Keys may not be any of ``format``, ``format_version``,
        ``bpnn_version``, ``kind``.
    kind : str
        What is being saved, e.g. ``"network"``; :func:`load_container` can check it.

    Raises
    ------
    TypeError, ValueError
        For arguments that cannot be stored; nothing is written.
    OSError
        If the file cannot be written; the target is then left as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "m.npz"
    >>> save_container(p, {"W0": np.eye(2)}, {"sizes": [2, 2]}, kind="network")
    >>> arrays, meta = load_container(p, kind="network")
    >>> arrays["W0"].tolist(), meta["sizes"], meta["format_version"]
    ([[1.0, 0.0], [0.0, 1.0]], [2, 2], 1)
    """
    if not isinstance(kind, str) or not kind:
        raise TypeError(f"kind must be a non-empty str such as 'network', got {kind!r}")
    if not isinstance(arrays, Mapping):
        raise TypeError(f"arrays must be a dict of name -> ndarray, got {type(arrays).__name__}")
    if not isinstance(metadata, Mapping):
        raise TypeError(f"metadata must be a dict, got {type(metadata).__name__}")
    clash = sorted(RESERVED_KEYS.intersection(metadata))
    if clash:
        raise ValueError(f"metadata keys {clash} are reserved for the file format; rename them")

    checked = {}
    for name, value in arrays.items():
        if not isinstance(name, str) or not name or name.startswith("__bpnn") or "\x00" in name:
            raise ValueError(f"array names must be non-empty str not starting with '__bpnn', got {name!r}")
        array = np.asanyarray(value)
        if type(array) is not np.ndarray:
            raise TypeError(f"arrays[{name!r}] must be a plain ndarray, got {type(array).__name__}")
        if array.dtype.hasobject:
            raise TypeError(
                f"arrays[{name!r}] has dtype {array.dtype}, which holds Python objects; "
                "model files store only numeric, bool or string arrays"
            )
        checked[name] = array

    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "bpnn_version": _bpnn_version(),
        "kind": kind,
        "arrays": list(checked),
        "metadata": dict(metadata),
    }
    try:
        text = json.dumps(document, default=_json_default, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"metadata must be JSON-serializable: {exc}") from exc

    with atomic_write(path, "wb") as f:
        with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            # Metadata first: a reader streaming the archive learns what it is at once.
            _write_member(zf, _META_MEMBER, np.frombuffer(text.encode("utf-8"), dtype=np.uint8))
            for name, array in checked.items():
                _write_member(zf, name + ".npy", array)


def load_container(path: PathLike, *, kind: str | None = None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Load a model file written by :func:`save_container`, without ever running code.

    Parameters
    ----------
    path : str or path-like
        The model file.
    kind : str or None, default=None
        If given, the file must hold this kind of object.

    Returns
    -------
    arrays : dict of str to ndarray
        The saved arrays, in saving order, writeable, bit-identical to what was saved.
    metadata : dict
        The saved metadata plus ``format``, ``format_version``, ``bpnn_version``
        (the version that wrote the file) and ``kind``.

    Raises
    ------
    ModelFileError
        If the file is missing, unreadable, empty, truncated, corrupted, not a
        bpnn model file, from a newer format version, incomplete, holds object
        arrays, or is of another ``kind``. The message is one line.
    """
    name = os.fspath(path)
    with open_for_reading(name, ModelFileError, "a model file", "rb") as f:
        head = f.read(4)
        if not head:
            raise ModelFileError(f"{name} is empty (0 bytes), not a bpnn model file")
        if not head.startswith(b"PK"):
            raise ModelFileError(f"{name} is not a bpnn model file ({_describe_non_zip(head, f)})")
        f.seek(0)
        try:
            zf = zipfile.ZipFile(f)
        except Exception as exc:  # zipfile raises several types for a damaged archive
            if b"PK\x03\x04".startswith(head):
                raise ModelFileError(
                    f"{name} is truncated or damaged: its zip directory is missing or unreadable "
                    "(was the file cut short while copying or downloading?)"
                ) from exc
            raise _damaged(name, exc) from exc
        with zf:
            try:
                return _read_container(zf, name, kind)
            except (ModelFileError, MemoryError):
                raise
            except Exception as exc:
                # A damaged archive can fail in many zipfile/zlib/struct ways; all of
                # them mean the same thing to the user.
                raise _damaged(name, exc) from exc


def open_for_reading(name: str, error: type[ValueError], what: str, mode: str = "rb", **open_kwargs: Any) -> IO[Any]:
    """Open a file for reading, turning the usual failures into one-line ``error`` messages.

    Parameters
    ----------
    name : str
        The file.
    error : ValueError subclass
        Raised instead of the OSError (e.g. DataError, ModelFileError).
    what : str
        What the file should be, for "x is a directory, not <what>".
    mode, **open_kwargs
        Passed to :func:`open`.
    """
    try:
        return open(name, mode, **open_kwargs)
    except FileNotFoundError as exc:
        raise error(f"{name}: no such file") from exc
    except IsADirectoryError as exc:
        raise error(f"{name} is a directory, not {what}") from exc
    except OSError as exc:
        raise error(f"cannot read {name}: {exc.strerror or exc}") from exc


@contextlib.contextmanager
def atomic_write(path: PathLike, mode: str = "wb", **open_kwargs: Any) -> Iterator[IO[Any]]:
    """Context manager giving a file whose content replaces ``path`` only on success.

    The file is a temporary one in the same directory (so ``os.replace`` is
    atomic). On leaving the block it is flushed, fsynced and moved over
    ``path``; if the block raises, it is deleted and ``path`` is untouched.
    Leftovers of killed writers are handled as described in the module docstring.

    Two kinds of path are not replaced that way. A symbolic link stays a link: the
    file it points to is replaced (atomically, in that file's folder). A path that
    exists and is not a regular file (a FIFO, a device such as ``/dev/null``, the
    terminal, ``/dev/stdout``) cannot be renamed over and is written in place, as
    a plain ``open`` would.

    Parameters
    ----------
    path : str or path-like
        Target file.
    mode : str, default="wb"
        ``"wb"`` or ``"w"``.
    **open_kwargs
        Passed to :func:`open` (e.g. ``encoding``, ``newline`` for text).

    Yields
    ------
    file object
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    if writes_in_place(path):
        try:
            f = open(os.fspath(path), mode, **open_kwargs)
        except OSError as exc:
            raise _write_error(path, exc) from exc
        with f:
            yield f
        return
    # a symlink's target is replaced, never the link itself
    if not os.path.basename(os.fspath(path)):
        raise ValueError(f"path must name a file, got {os.fspath(path)!r}")
    target = os.path.realpath(os.fspath(path))
    directory, base = os.path.split(target)
    _remove_stale_temps(directory, base)
    prefix = f"{_temp_prefix(base)}{os.getpid()}."
    while True:
        temp = os.path.join(directory, prefix + secrets.token_hex(4) + _TEMP_SUFFIX)
        try:
            # Mode 0o666 lets the umask decide permissions, as for a plain open();
            # tempfile.mkstemp would leave the model file readable by its owner only.
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
        except OSError as exc:
            raise _write_error(path, exc) from exc
    try:
        with os.fdopen(fd, mode, **open_kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        try:
            os.replace(temp, target)
        except OSError as exc:
            raise _write_error(path, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_directory(directory)


def writes_in_place(path: PathLike) -> bool:
    """Whether :func:`atomic_write` writes ``path`` in place: it exists (through any links)
    and is not a regular file, or it leads into ``/proc`` (``/dev/stdout`` -> ``/proc/self/fd/1``)."""
    name = os.fspath(path)
    try:
        info = os.stat(name)
    except OSError:
        return False
    return not stat.S_ISREG(info.st_mode) or os.path.realpath(name).startswith("/proc/")


# --------------------------------------------------------------------------- #
# Writing helpers


def _write_member(zf: zipfile.ZipFile, member: str, array: np.ndarray) -> None:
    info = zipfile.ZipInfo(member, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_STORED
    with zf.open(info, "w", force_zip64=True) as out:
        np.lib.format.write_array(out, array, allow_pickle=False)


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic) and value.dtype.kind in "biuf":
        return value.item()
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


@functools.cache
def _bpnn_version() -> str:
    # Cached: importlib.metadata scans every installed distribution, which is slow.
    version = getattr(sys.modules.get("bpnn"), "__version__", None)
    if isinstance(version, str):
        return version
    try:
        from importlib.metadata import PackageNotFoundError
        from importlib.metadata import version as dist_version

        return dist_version("bpnn")
    except PackageNotFoundError:
        return "0.1.0"


def _write_error(path: PathLike, exc: OSError) -> OSError:
    # Names the target rather than our temporary file; OSError(errno, ...) builds
    # the matching subclass (FileNotFoundError, PermissionError, ...).
    return OSError(exc.errno, f"cannot write {os.fspath(path)}: {exc.strerror}")


def _temp_prefix(base: str) -> str:
    """``.<base>.<host>.`` - the start of every temporary name for target ``base``."""
    if len(base) > 120:
        # Keep the whole name under the usual 255-byte limit while staying unique.
        base = base[:100] + "~" + hashlib.sha256(base.encode()).hexdigest()[:12]
    # Dots separate the fields of a temporary name, so the host may not contain any.
    host = re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"
    return f".{base}.{host}."


def _remove_stale_temps(directory: str, base: str) -> None:
    """Delete temporary files for ``base`` left by dead processes on this host."""
    if os.name != "posix":
        # os.kill(pid, 0) only probes on POSIX (on Windows it would kill), so we
        # cannot tell dead writers from live ones there and leave everything.
        return
    prefix = _temp_prefix(base)
    try:
        entries = os.listdir(directory)
    except OSError:
        return
    for entry in entries:
        if not (entry.startswith(prefix) and entry.endswith(_TEMP_SUFFIX)):
            continue
        pid_text = entry[len(prefix) :].split(".", 1)[0]
        if not pid_text.isdigit() or _process_alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(directory, entry))


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists but belongs to someone else, or we cannot tell: keep its file
    return True


def _fsync_directory(directory: str) -> None:
    # Makes the rename itself survive a power cut; not possible everywhere.
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --------------------------------------------------------------------------- #
# Reading helpers


def _read_container(zf: zipfile.ZipFile, name: str, kind: str | None) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    members = zf.namelist()
    if _META_MEMBER not in members:
        if members and all(m.endswith(".npy") for m in members):
            keys = [m[: -len(".npy")] for m in members]
            raise ModelFileError(
                f"{name} is a NumPy .npz archive but not a bpnn model file "
                f"(no bpnn metadata; it holds {_names(keys, 'array')})"
            )
        raise ModelFileError(f"{name} is a zip archive but not a bpnn model file (no bpnn metadata)")

    _check_declared_sizes(zf, name)
    document = _read_document(zf, name)
    written_by = document.get("bpnn_version", "an unknown version")
    version = document.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ModelFileError(f"{name} is damaged: its format_version {version!r} is not a positive integer")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{name} has model format version {version} (written by bpnn {written_by}), "
            f"but this bpnn ({_bpnn_version()}) reads format version {FORMAT_VERSION} at most; "
            "upgrade bpnn to load it"
        )
    array_names = document.get("arrays")
    user_metadata = document.get("metadata")
    file_kind = document.get("kind")
    if (
        not isinstance(file_kind, str)
        or not isinstance(user_metadata, dict)
        or not isinstance(array_names, list)
        or not all(isinstance(a, str) for a in array_names)
    ):
        raise ModelFileError(f"{name} is damaged: its metadata lacks 'kind', 'arrays' or 'metadata'")
    if kind is not None and file_kind != kind:
        raise ModelFileError(f"{name} holds a {file_kind!r}, not a {kind!r}")

    present = {m[: -len(".npy")] for m in members if m.endswith(".npy")} - {_META_NAME}
    missing = [a for a in array_names if a not in present]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise ModelFileError(
            f"{name} is incomplete: {_names(missing, 'array')} {verb} listed in its metadata but missing"
        )
    extra = sorted(set(members) - {a + ".npy" for a in array_names} - {_META_MEMBER})
    if extra:
        raise ModelFileError(
            f"{name} holds {_names(extra, 'member')} not listed in its metadata; it was modified or not written by bpnn"
        )

    arrays = {a: _read_array(zf, a + ".npy", name, f"array {a!r}") for a in array_names}
    metadata = {
        "format": FORMAT,
        "format_version": version,
        "bpnn_version": written_by,
        "kind": file_kind,
        **user_metadata,
    }
    return arrays, metadata


def _check_declared_sizes(zf: zipfile.ZipFile, name: str) -> None:
    """Refuse, before reading a byte, members whose declared sizes do not fit the limits.

    bpnn stores members uncompressed, so their sizes are bounded by the file's own. A
    compressed member (written by another tool) could inflate a small file to gigabytes
    (a "zip bomb"); the zip directory declares every member's inflated size, and zipfile
    never returns more than that, so checking the declarations is enough.
    """
    inflated = 0
    for info in zf.infolist():
        if info.filename == _META_MEMBER and info.file_size > MAX_METADATA_BYTES:
            raise ModelFileError(
                f"{name}: its metadata declares {info.file_size:,} bytes, more than the {MAX_METADATA_BYTES:,} "
                "bpnn reads; the file was not written by bpnn or was modified"
            )
        if info.compress_type == zipfile.ZIP_STORED:
            if info.file_size != info.compress_size:
                raise ModelFileError(f"{name} is damaged: member {info.filename!r} declares two different sizes")
        else:
            inflated += info.file_size
    if inflated > MAX_INFLATED_BYTES:
        raise ModelFileError(
            f"{name}: its compressed members would inflate to {inflated:,} bytes, more than the "
            f"{MAX_INFLATED_BYTES:,} bpnn inflates (bpnn itself never compresses model files)"
        )
    from bpnn.core.checks import check_memory

    check_memory(
        sum(info.file_size for info in zf.infolist()),
        f"loading {name}",
        "load it on a machine with more memory",
    )


def _read_document(zf: zipfile.ZipFile, name: str) -> dict[str, Any]:
    raw = _read_array(zf, _META_MEMBER, name, "the metadata")
    if raw.dtype != np.uint8 or raw.ndim != 1:
        raise ModelFileError(f"{name} is damaged: its metadata is not a byte string")
    try:
        document = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{name} is damaged: its metadata is not valid JSON") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise ModelFileError(f"{name} is not a bpnn model file (its metadata says format {found!r})")
    return document


def _read_array(zf: zipfile.ZipFile, member: str, name: str, label: str) -> np.ndarray:
    try:
        with zf.open(member) as fp:
            return _read_npy(fp, zf.getinfo(member).file_size, name, label)
    except zipfile.BadZipFile as exc:
        if "CRC" in str(exc):
            raise ModelFileError(f"{name} is damaged: {label} fails its CRC-32 checksum") from exc
        raise _damaged(name, exc) from exc


def _read_npy(fp: IO[bytes], size: int, name: str, label: str) -> np.ndarray:
    """Stream one ``.npy`` member of ``size`` bytes into a new array, holding it once.

    The .npy header is parsed here rather than by np.lib.format.read_array so that
    object dtypes are refused before any byte of data is looked at (read_array with
    allow_pickle=False would refuse too, but later), and so that a header promising
    more data than the member holds is caught before anything is allocated. The data
    itself is never unpickled: it is raw numbers, read straight into the array; zipfile
    checks the member's CRC-32 when its last byte has been read.
    """
    fp = _Counting(fp)
    try:
        npy_version = np.lib.format.read_magic(fp)
        if npy_version == (1, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_1_0(fp)
        elif npy_version == (2, 0):
            shape, fortran_order, dtype = np.lib.format.read_array_header_2_0(fp)
        else:
            raise ValueError(f".npy version {npy_version} is not supported")
    except ValueError as exc:
        raise ModelFileError(f"{name} is damaged: {label} has an unreadable .npy header") from exc
    if dtype.hasobject:
        raise ModelFileError(
            f"{name}: {label} holds Python objects (dtype {dtype}); bpnn refuses to load "
            "object arrays because unpickling them could run code"
        )
    count = math.prod(shape)
    expected = count * dtype.itemsize
    found = size - fp.tell()
    if found != expected:
        raise ModelFileError(f"{name} is damaged: {label} should hold {expected} bytes of data but holds {found}")
    flat = np.empty(count, dtype=dtype)
    view = memoryview(flat).cast("B")
    done = 0
    while done < expected:
        # pieces of a few MiB: one copy each, and zipfile's reads stay linear in the size
        piece = fp.read(min(expected - done, _READ_PIECE))
        if not piece:
            raise ModelFileError(f"{name} is damaged: {label} ends after {done} of its {expected} bytes")
        view[done : done + len(piece)] = piece
        done += len(piece)
    fp.read(1)  # reach the end of the member, where zipfile compares the CRC-32
    # The caller gets a writeable array that owns its memory, in the saved layout.
    return flat.reshape(shape, order="F" if fortran_order else "C")


class _Counting:
    """A read-only stream wrapper that knows how many bytes were read (``tell``), which
    zipfile's member streams do not always report cheaply."""

    def __init__(self, raw: IO[bytes]):
        self.raw, self.position = raw, 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.position += len(data)
        return data

    def tell(self) -> int:
        return self.position


def _damaged(name: str, exc: BaseException) -> ModelFileError:
    detail = " ".join(str(exc).split()) or type(exc).__name__
    return ModelFileError(f"{name} is damaged and cannot be read ({detail})")


def _describe_non_zip(head: bytes, f: IO[bytes]) -> str:
    if b"PK\x03\x04".startswith(head):
        return "it is too short to be a zip archive; it was probably cut short"
    if head.startswith(b"\x93NUM"):
        return "it is a single .npy array, not an .npz archive"
    if head[:1] == b"\x80":
        return "it looks like a Python pickle, which bpnn never loads because unpickling can run code"
    if head.startswith(b"\x1f\x8b"):
        return "it is gzip-compressed, not a zip archive"
    f.seek(0)
    try:
        # Incremental, so a character cut at the end of the sample is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(f.read(512))
    except UnicodeDecodeError:
        return "it is not a zip archive"
    return "it is a text file, not a zip archive"


def _names(names: list[str], noun: str, limit: int = 5) -> str:
    text = ", ".join(repr(n) for n in names[:limit])
    if len(names) > limit:
        text += f" and {len(names) - limit} more"
    return f"{noun} {text}" if len(names) == 1 else f"{noun}s {text}"
