"""Tests for bpnn.io.idx: the IDX format and the MNIST loader."""

import gzip
import os
import re

import numpy as np
import pytest

from bpnn.io import DataError, load_mnist, read_idx, write_idx

NAMES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]


def tiny_mnist(rng, n_train=6, n_test=3, side=4):
    return (
        rng.integers(0, 256, size=(n_train, side, side), dtype=np.uint8),
        rng.integers(0, 10, size=n_train, dtype=np.uint8),
        rng.integers(0, 256, size=(n_test, side, side), dtype=np.uint8),
        rng.integers(0, 10, size=n_test, dtype=np.uint8),
    )


# --------------------------------------------------------------------------- #
# The format itself


def test_labels_file_bytes_follow_the_spec(tmp_path):
    path = tmp_path / "labels-idx1-ubyte"
    write_idx(path, np.array([5, 0, 4], dtype=np.uint8))
    # magic 00 00 08 01, one big-endian dimension (3), then the bytes.
    assert path.read_bytes() == bytes([0, 0, 8, 1, 0, 0, 0, 3, 5, 0, 4])


def test_images_file_bytes_follow_the_spec(tmp_path):
    path = tmp_path / "images-idx3-ubyte"
    images = np.arange(2 * 3 * 2, dtype=np.uint8).reshape(2, 3, 2)
    write_idx(path, images)
    assert path.read_bytes() == bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 2]) + bytes(range(12))


def test_reads_a_file_written_by_hand(tmp_path):
    path = tmp_path / "hand-idx2-short"
    # int16 (0x0B), 2 dims 1 x 3, big-endian values 1, -2, 256.
    path.write_bytes(bytes([0, 0, 0x0B, 2, 0, 0, 0, 1, 0, 0, 0, 3, 0, 1, 0xFF, 0xFE, 1, 0]))
    array = read_idx(path)
    assert array.dtype == np.int16 and array.dtype.isnative
    np.testing.assert_array_equal(array, [[1, -2, 256]])


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize("shape", [(7,), (5, 28, 28)])
def test_uint8_round_trip_plain_and_gzip(tmp_path, suffix, shape):
    rng = np.random.default_rng(1)
    array = rng.integers(0, 256, size=shape, dtype=np.uint8)
    path = tmp_path / ("data-idx-ubyte" + suffix)
    write_idx(path, array)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == (suffix == ".gz")
    back = read_idx(path)
    assert back.dtype == np.uint8 and back.shape == shape
    np.testing.assert_array_equal(back, array)
    back[0] = 0  # the result is the caller's to modify


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.float32, np.float64])
def test_other_idx_types_round_trip(tmp_path, dtype):
    array = (np.arange(12).reshape(3, 4) - 5).astype(dtype) * dtype(3)
    path = tmp_path / "x.idx.gz"
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(back, array)


def test_gzip_is_recognised_by_content_not_name(tmp_path):
    gz = tmp_path / "a.gz"
    write_idx(gz, np.array([1, 2], dtype=np.uint8))
    renamed = tmp_path / "no-extension"
    gz.rename(renamed)
    np.testing.assert_array_equal(read_idx(renamed), [1, 2])


def test_gzip_output_is_reproducible(tmp_path):
    array = np.arange(10, dtype=np.uint8)
    write_idx(tmp_path / "a.gz", array)
    write_idx(tmp_path / "b.gz", array)
    assert (tmp_path / "a.gz").read_bytes() == (tmp_path / "b.gz").read_bytes()


@pytest.mark.parametrize(
    "array, error, text",
    [
        (np.arange(3, dtype=np.int64), TypeError, "got int64; convert it with .astype"),
        (np.array([True]), TypeError, "got bool"),
        (np.uint8(3), ValueError, "array must have 1 to 255 dimensions, got 0"),
    ],
)
def test_write_idx_refuses(tmp_path, array, error, text):
    with pytest.raises(error, match=text):
        write_idx(tmp_path / "x", array)
    assert os.listdir(tmp_path) == []


# --------------------------------------------------------------------------- #
# Broken IDX files


def test_missing_file(tmp_path):
    with pytest.raises(DataError) as excinfo:
        read_idx(tmp_path / "gone")
    assert str(excinfo.value) == f"{tmp_path / 'gone'}: no such file"


def test_bad_magic(tmp_path):
    path = tmp_path / "bad"
    path.write_bytes(b"\x01\x02\x03\x04" + bytes(20))
    with pytest.raises(DataError) as excinfo:
        read_idx(path)
    assert str(excinfo.value) == (
        f"{path} is not an IDX file: magic number 01020304; "
        "expected 0000 then a type code (08 09 0b 0c 0d 0e) and the number of dimensions"
    )


@pytest.mark.parametrize("head", [b"\x00\x00\x07\x01", b"\x00\x00\x08\x00", b"\x00\x00"])
def test_unknown_type_code_no_dimensions_or_short_magic(tmp_path, head):
    path = tmp_path / "bad"
    path.write_bytes(head)
    with pytest.raises(DataError, match=f"is not an IDX file: magic number {head.hex()};"):
        read_idx(path)


def test_html_instead_of_idx_gets_a_hint(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(b"<!DOCTYPE html><html>Not Found</html>")
    with pytest.raises(DataError, match=r"magic number 3c21444f \(an HTML page\? the download may have failed\)"):
        read_idx(path)


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_truncated_data(tmp_path, suffix):
    path = tmp_path / "full"
    write_idx(path, np.zeros((2, 3, 4), dtype=np.uint8))
    raw = path.read_bytes()[:-5]
    cut = tmp_path / ("cut" + suffix)
    cut.write_bytes(gzip.compress(raw) if suffix else raw)
    with pytest.raises(DataError) as excinfo:
        read_idx(cut)
    assert str(excinfo.value) == (
        f"{cut} is truncated: its header promises 2 x 3 x 4 values (24 bytes) but only 19 bytes follow"
    )


def test_truncated_header(tmp_path):
    path = tmp_path / "cut"
    path.write_bytes(bytes([0, 0, 8, 3, 0, 0, 0, 2, 0, 0]))
    with pytest.raises(DataError, match="is truncated: it ends inside its header \\(3 dimensions expected\\)"):
        read_idx(path)


def test_header_promising_huge_data_fails_cleanly(tmp_path):
    path = tmp_path / "huge"
    # 4 dimensions of 2**32 - 1: far more bytes than any machine has.
    path.write_bytes(bytes([0, 0, 8, 4]) + b"\xff" * 16 + b"abc")
    with pytest.raises(DataError, match="but only 3 bytes follow"):
        read_idx(path)


def test_trailing_bytes_are_refused(tmp_path):
    path = tmp_path / "long"
    path.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 2, 7, 7, 7]))
    with pytest.raises(DataError, match="has data after the 2 bytes its header promises"):
        read_idx(path)


def test_truncated_gzip_stream(tmp_path):
    path = tmp_path / "x.gz"
    write_idx(path, np.random.default_rng(0).integers(0, 256, 5000, dtype=np.uint8))
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DataError, match="^" + re.escape(f"{path} is a damaged or truncated gzip file (")):
        read_idx(path)


def test_corrupted_gzip_stream(tmp_path):
    path = tmp_path / "x.gz"
    write_idx(path, np.arange(200, dtype=np.uint8))
    raw = bytearray(path.read_bytes())
    raw[-8] ^= 0xFF  # inside the CRC-32 trailer
    path.write_bytes(bytes(raw))
    with pytest.raises(DataError, match="is a damaged or truncated gzip file \\(CRC check failed"):
        read_idx(path)


# --------------------------------------------------------------------------- #
# load_mnist


@pytest.mark.parametrize("suffixes", [["", "", "", ""], [".gz"] * 4, ["", ".gz", ".gz", ""]])
def test_load_mnist_plain_and_gzipped(tmp_path, suffixes):
    parts = tiny_mnist(np.random.default_rng(2))
    for name, suffix, array in zip(NAMES, suffixes, parts):
        write_idx(tmp_path / (name + suffix), array)
    X_train, y_train, X_test, y_test = load_mnist(tmp_path)
    assert X_train.shape == (6, 16) and X_test.shape == (3, 16)
    assert X_train.dtype == np.float64 and y_train.dtype == np.int64
    assert 0.0 <= X_train.min() and X_train.max() <= 1.0
    # Pixel (i, r, c) lands in column r * side + c, divided by 255.
    assert X_train[4, 2 * 4 + 3] == parts[0][4, 2, 3] / 255.0
    np.testing.assert_array_equal(X_train, parts[0].reshape(6, 16) / 255.0)
    np.testing.assert_array_equal(X_test, parts[2].reshape(3, 16) / 255.0)
    np.testing.assert_array_equal(y_train, parts[1])
    np.testing.assert_array_equal(y_test, parts[3])


def test_load_mnist_full_range_and_float32(tmp_path):
    images = np.array([[[0, 255], [128, 1]]], dtype=np.uint8)
    labels = np.array([9], dtype=np.uint8)
    for name, array in zip(NAMES, [images, labels, images, labels]):
        write_idx(tmp_path / name, array)
    X_train, y_train, _, _ = load_mnist(tmp_path, dtype=np.float32)
    assert X_train.dtype == np.float32
    np.testing.assert_array_equal(X_train, np.array([[0.0, 1.0, 128 / 255, 1 / 255]], dtype=np.float32))
    assert y_train.tolist() == [9]


def test_load_mnist_accepts_dotted_names(tmp_path):
    parts = tiny_mnist(np.random.default_rng(3))
    for name, array in zip(NAMES, parts):
        write_idx(tmp_path / name.replace("-idx", ".idx"), array)
    X_train, y_train, _, _ = load_mnist(tmp_path)
    np.testing.assert_array_equal(y_train, parts[1])


def test_load_mnist_missing_folder(tmp_path):
    with pytest.raises(DataError) as excinfo:
        load_mnist(tmp_path / "mnist")
    assert str(excinfo.value) == f"MNIST folder {tmp_path / 'mnist'} does not exist"


def test_load_mnist_folder_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(DataError, match="is not a folder"):
        load_mnist(tmp_path / "f")


def test_load_mnist_lists_missing_files(tmp_path):
    parts = tiny_mnist(np.random.default_rng(4))
    write_idx(tmp_path / NAMES[0], parts[0])
    write_idx(tmp_path / (NAMES[3] + ".gz"), parts[3])
    with pytest.raises(DataError) as excinfo:
        load_mnist(tmp_path)
    assert str(excinfo.value) == (
        f"MNIST files missing in {tmp_path}: looked for train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz]"
    )


def test_load_mnist_count_mismatch(tmp_path):
    parts = list(tiny_mnist(np.random.default_rng(5)))
    parts[1] = parts[1][:-1]
    for name, array in zip(NAMES, parts):
        write_idx(tmp_path / name, array)
    with pytest.raises(DataError) as excinfo:
        load_mnist(tmp_path)
    assert str(excinfo.value) == (f"{tmp_path / NAMES[0]} has 6 images but {tmp_path / NAMES[1]} has 5 labels")


def test_load_mnist_swapped_files(tmp_path):
    parts = tiny_mnist(np.random.default_rng(6))
    order = [parts[1], parts[0], parts[2], parts[3]]  # labels where the images should be
    for name, array in zip(NAMES, order):
        write_idx(tmp_path / name, array)
    expected = f"{tmp_path / NAMES[0]} should hold uint8 images (n, rows, cols), got uint8 of shape (6,)"
    with pytest.raises(DataError) as excinfo:
        load_mnist(tmp_path)
    assert str(excinfo.value) == expected


def test_load_mnist_refuses_integer_dtype(tmp_path):
    with pytest.raises(ValueError, match="dtype must be a floating-point dtype .* got uint8"):
        load_mnist(tmp_path, dtype=np.uint8)


def test_load_mnist_reports_damaged_file_by_name(tmp_path):
    parts = tiny_mnist(np.random.default_rng(7))
    for name, array in zip(NAMES, parts):
        write_idx(tmp_path / name, array)
    damaged = tmp_path / NAMES[2]
    damaged.write_bytes(damaged.read_bytes()[:30])
    with pytest.raises(DataError, match="^" + re.escape(f"{damaged} is truncated")):
        load_mnist(tmp_path)
