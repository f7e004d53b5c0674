"""The IDX format of the MNIST files, and a loader for the four MNIST files.

An IDX file is a 4-byte magic number, then one big-endian uint32 per dimension,
then the values, big-endian, in C order. The magic number is two zero bytes, a
type code and the number of dimensions::

    0x00 0x00 <type> <ndim>     type: 0x08 uint8, 0x09 int8, 0x0B int16,
                                      0x0C int32, 0x0D float32, 0x0E float64

MNIST images are ``0x00000803`` (uint8, 3 dimensions: n x 28 x 28) and labels
``0x00000801`` (uint8, 1 dimension). Files may be gzip-compressed; this is
recognised from their first bytes, whatever their name.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from typing import Any, Union

import numpy as np

from bpnn.io.container import atomic_write, open_for_reading
from bpnn.io.csvdata import DataError, _float_dtype

__all__ = ["read_idx", "write_idx", "load_mnist", "MNIST_FILES"]

PathLike = Union[str, "os.PathLike[str]"]

# type code -> big-endian dtype, as listed in the module docstring.
_CODE_TO_DTYPE = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_KIND_SIZE_TO_CODE = {(dt.kind, dt.itemsize): code for code, dt in _CODE_TO_DTYPE.items()}

#: The standard names, in the order load_mnist returns their contents.
MNIST_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)


def read_idx(path: PathLike) -> np.ndarray:
    """Read an IDX file, plain or gzip-compressed.

    Parameters
    ----------
    path : str or path-like
        The file.

    Returns
    -------
    ndarray of shape given by the file's dimensions
        In native byte order, with the file's type (uint8 for MNIST).

    Raises
    ------
    DataError
        If the file is missing, not IDX (bad magic number), a broken gzip
        stream, shorter than its header promises, or longer.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "labels-idx1-ubyte.gz"
    >>> write_idx(p, np.array([5, 0, 4], dtype=np.uint8))
    >>> read_idx(p)
    array([5, 0, 4], dtype=uint8)
    """
    name = os.fspath(path)
    with open_for_reading(name, DataError, "an IDX file", "rb") as f:
        compressed = f.read(2) == b"\x1f\x8b"
        f.seek(0)
        stream = gzip.GzipFile(fileobj=f, mode="rb") if compressed else f
        try:
            return _read_stream(stream, name)
        except (OSError, EOFError, zlib.error) as exc:
            if not compressed:
                raise DataError(f"cannot read {name}: {exc}") from exc
            # gzip reports a damaged or cut-short stream with any of these.
            raise DataError(f"{name} is a damaged or truncated gzip file ({exc})") from exc
        finally:
            if compressed:
                stream.close()


def write_idx(path: PathLike, array: Any) -> None:
    """Write an array as an IDX file, gzip-compressed if ``path`` ends in ``.gz``.

    The write is atomic: ``path`` is replaced only once the file is complete.

    Parameters
    ----------
    path : str or path-like
        Target file.
    array : array-like with 1 to 255 dimensions
        dtype uint8, int8, int16, int32, float32 or float64 (the types IDX has).

    Raises
    ------
    TypeError
        If the dtype has no IDX type code (e.g. int64: convert it first).
    ValueError
        If the array has no dimensions, more than 255, or one of 2**32 or more.
    """
    array = np.asarray(array)
    code = _KIND_SIZE_TO_CODE.get((array.dtype.kind, array.dtype.itemsize))
    if code is None:
        raise TypeError(
            f"array dtype must be one IDX stores (uint8, int8, int16, int32, float32, float64), "
            f"got {array.dtype}; convert it with .astype() first"
        )
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"array must have 1 to 255 dimensions, got {array.ndim}")
    if max(array.shape) >= 2**32:
        raise ValueError(f"array dimensions must be below 2**32, got shape {array.shape}")
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    body = np.ascontiguousarray(array, dtype=_CODE_TO_DTYPE[code]).tobytes()
    with atomic_write(path, "wb") as f:
        if os.fspath(path).endswith(".gz"):
            # mtime=0 keeps the bytes the same for the same array.
            with gzip.GzipFile(fileobj=f, mode="wb", mtime=0) as gz:
                gz.write(header + body)
        else:
            f.write(header + body)


def load_mnist(data_dir: PathLike, *, dtype: Any = np.float64) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Load MNIST (or Fashion-MNIST) from the four standard IDX files in a folder.

    Each file is looked for under its standard name (see :data:`MNIST_FILES`),
    then with ``.gz`` appended; the ``train-images.idx3-ubyte`` spelling of some
    mirrors is accepted too.

    Parameters
    ----------
    data_dir : str or path-like
        Folder holding the files.
    dtype : floating dtype, default=np.float64
        dtype of the images. float64 MNIST takes 440 MB; float32 halves it.

    Returns
    -------
    X_train : ndarray of shape (n_train, 784)
        Training images, pixels scaled to [0, 1] (``value / 255``), one row each.
    y_train : ndarray of shape (n_train,), int64
        Training labels.
    X_test : ndarray of shape (n_test, 784)
    y_test : ndarray of shape (n_test,), int64

    Raises
    ------
    DataError
        If the folder or a file is missing (the message lists the names looked
        for), a file is damaged, or images and labels do not match.
    """
    resolved = _float_dtype(dtype)
    directory = os.fspath(data_dir)
    if not os.path.exists(directory):
        raise DataError(f"MNIST folder {directory} does not exist")
    if not os.path.isdir(directory):
        raise DataError(f"MNIST folder {directory} is not a folder")

    found = {base: _find(directory, base) for base in MNIST_FILES}
    missing = [base for base, path in found.items() if path is None]
    if missing:
        listed = ", ".join(f"{m}[.gz]" for m in missing)
        raise DataError(f"MNIST files missing in {directory}: looked for {listed}")

    result = []
    for images_path, labels_path in [
        (found[MNIST_FILES[0]], found[MNIST_FILES[1]]),
        (found[MNIST_FILES[2]], found[MNIST_FILES[3]]),
    ]:
        images, labels = read_idx(images_path), read_idx(labels_path)
        if images.ndim != 3 or images.dtype != np.uint8:
            raise DataError(
                f"{images_path} should hold uint8 images (n, rows, cols), got {images.dtype} of shape {images.shape}"
            )
        if labels.ndim != 1 or labels.dtype != np.uint8:
            raise DataError(f"{labels_path} should hold uint8 labels (n,), got {labels.dtype} of shape {labels.shape}")
        if len(images) != len(labels):
            raise DataError(f"{images_path} has {len(images)} images but {labels_path} has {len(labels)} labels")
        X = images.reshape(len(images), -1).astype(resolved)
        X /= 255.0
        result += [X, labels.astype(np.int64)]
    return tuple(result)  # type: ignore[return-value]


def _read_stream(stream: Any, name: str) -> np.ndarray:
    magic = stream.read(4)
    if len(magic) < 4 or magic[:2] != b"\x00\x00" or magic[2] not in _CODE_TO_DTYPE or magic[3] == 0:
        hint = " (an HTML page? the download may have failed)" if magic[:1] == b"<" else ""
        raise DataError(
            f"{name} is not an IDX file: magic number {magic.hex() or 'missing'}{hint}; "
            "expected 0000 then a type code (08 09 0b 0c 0d 0e) and the number of dimensions"
        )
    dtype = _CODE_TO_DTYPE[magic[2]]
    ndim = magic[3]
    dims_raw = stream.read(4 * ndim)
    if len(dims_raw) < 4 * ndim:
        raise DataError(f"{name} is truncated: it ends inside its header ({ndim} dimensions expected)")
    shape = struct.unpack(f">{ndim}I", dims_raw)
    expected = math.prod(shape) * dtype.itemsize
    # One byte more than needed tells whether anything follows the data.
    body = _read_at_most(stream, expected + 1)
    if len(body) < expected:
        dims = " x ".join(map(str, shape))
        raise DataError(
            f"{name} is truncated: its header promises {dims} values ({expected} bytes) "
            f"but only {len(body)} bytes follow"
        )
    if len(body) > expected:
        raise DataError(f"{name} has data after the {expected} bytes its header promises; it is not a valid IDX file")
    # astype copies into native byte order, so the caller gets a writeable array.
    values = np.frombuffer(body, dtype=dtype, count=math.prod(shape))
    return values.reshape(shape).astype(dtype.newbyteorder("="))


def _read_at_most(stream: Any, n: int) -> bytes:
    # Reading in pieces: a damaged header can promise far more bytes than exist,
    # and a single read(n) would try to allocate all of them first.
    pieces = []
    while n > 0:
        piece = stream.read(min(n, 1 << 22))
        if not piece:
            break
        pieces.append(piece)
        n -= len(piece)
    return b"".join(pieces)


def _find(directory: str, base: str) -> str | None:
    dotted = base.replace("-idx", ".idx")  # e.g. train-images.idx3-ubyte
    for candidate in (base, base + ".gz", dotted, dotted + ".gz"):
        path = os.path.join(directory, candidate)
        if os.path.isfile(path):
            return path
    return None
