"""Tests for bpnn.io.container: the atomic, pickle-free model file."""

import io
import json
import os
import random
import re
import signal
import stat
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

import bpnn
from bpnn.io import ModelFileError, load_container, save_container
from bpnn.io.container import FORMAT_VERSION

META_MEMBER = "__bpnn_metadata__.npy"


def sample_arrays():
    rng = np.random.default_rng(0)
    return {
        "W0": rng.standard_normal((4, 3)),
        "b0": rng.standard_normal(3).astype(np.float32),
        "counts": np.array([[1, -2], [3, 2**40]], dtype=np.int64),
        "mask": np.array([True, False, True]),
        "big_endian": np.arange(5, dtype=">f8") / 7,
        "fortran": np.asfortranarray(rng.standard_normal((3, 2))),
        "scalar": np.array(2.5),
        "empty": np.zeros((0, 3)),
        "classes": np.array(["cat", "dog"]),
        "special": np.array([np.nan, np.inf, -0.0, 5e-324]),
    }


SAMPLE_METADATA = {"sizes": [4, 3], "activation": "tanh", "nested": {"lr": 0.1, "note": "λ ok"}, "none": None}


def saved(tmp_path, name="model.npz"):
    path = tmp_path / name
    save_container(path, sample_arrays(), SAMPLE_METADATA, kind="network")
    return path


def write_raw(path, document, members):
    """Build a container by hand (zipfile + np.lib.format), independently of save_container."""
    with zipfile.ZipFile(path, "w") as zf:
        if document is not None:
            raw = np.frombuffer(json.dumps(document).encode(), dtype=np.uint8)
            with zf.open(META_MEMBER, "w") as f:
                np.lib.format.write_array(f, raw)
        for member, payload in members.items():
            if isinstance(payload, bytes):
                zf.writestr(member, payload)
            else:
                with zf.open(member, "w") as f:
                    np.lib.format.write_array(f, payload, allow_pickle=True)


def document(**changes):
    doc = {
        "format": "bpnn-model",
        "format_version": 1,
        "bpnn_version": "0.1.0",
        "kind": "network",
        "arrays": ["W"],
        "metadata": {},
    }
    doc.update(changes)
    return doc


def load_error(path):
    with pytest.raises(ModelFileError) as excinfo:
        load_container(path)
    return str(excinfo.value)


# --------------------------------------------------------------------------- #
# Round trip


def test_round_trip_is_bit_identical(tmp_path):
    path = saved(tmp_path)
    arrays, metadata = load_container(path)
    original = sample_arrays()
    assert list(arrays) == list(original)
    for name, array in original.items():
        back = arrays[name]
        assert back.dtype == array.dtype, name
        assert back.shape == array.shape, name
        assert back.tobytes(order="A") == array.tobytes(order="A"), name
        assert back.flags.writeable, name
    assert arrays["fortran"].flags.f_contiguous


def test_metadata_comes_back_with_format_fields(tmp_path):
    _, metadata = load_container(saved(tmp_path))
    assert metadata == {
        "format": "bpnn-model",
        "format_version": 1,
        "bpnn_version": metadata["bpnn_version"],
        "kind": "network",
        **SAMPLE_METADATA,
    }
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", metadata["bpnn_version"])
    assert metadata["bpnn_version"] == getattr(bpnn, "__version__", metadata["bpnn_version"])


def test_numpy_scalars_in_metadata_become_python_numbers(tmp_path):
    path = tmp_path / "m.npz"
    save_container(path, {}, {"n": np.int64(3), "loss": np.float32(0.5), "ok": np.bool_(True)}, kind="k")
    _, metadata = load_container(path)
    assert (metadata["n"], metadata["loss"], metadata["ok"]) == (3, 0.5, True)
    assert type(metadata["n"]) is int and type(metadata["ok"]) is bool


def test_file_is_a_plain_npz_that_numpy_opens_without_pickle(tmp_path):
    path = saved(tmp_path)
    with np.load(path, allow_pickle=False) as npz:
        assert set(npz.files) == set(sample_arrays()) | {"__bpnn_metadata__"}
        np.testing.assert_array_equal(npz["W0"], sample_arrays()["W0"])
        doc = json.loads(npz["__bpnn_metadata__"].tobytes())
    assert doc["format"] == "bpnn-model" and doc["format_version"] == 1 and doc["kind"] == "network"
    assert doc["arrays"] == list(sample_arrays())
    assert doc["metadata"] == SAMPLE_METADATA


def test_same_content_gives_same_bytes(tmp_path):
    assert saved(tmp_path, "a.npz").read_bytes() == saved(tmp_path, "b.npz").read_bytes()


def test_array_names_that_clash_with_numpy_parameters(tmp_path):
    path = tmp_path / "m.npz"
    arrays = {"file": np.ones(2), "allow_pickle": np.zeros(1), "layers/0/W": np.eye(2)}
    save_container(path, arrays, {}, kind="network")
    back, _ = load_container(path)
    assert list(back) == list(arrays)
    np.testing.assert_array_equal(back["layers/0/W"], np.eye(2))


def test_kind_is_checked_when_asked(tmp_path):
    path = saved(tmp_path)
    assert load_container(path, kind="network")[1]["kind"] == "network"
    with pytest.raises(ModelFileError) as excinfo:
        load_container(path, kind="scaler")
    assert str(excinfo.value) == f"{path} holds a 'network', not a 'scaler'"


def test_saving_replaces_an_existing_file(tmp_path):
    path = saved(tmp_path)
    save_container(path, {"W": np.ones(1)}, {"v": 2}, kind="network")
    arrays, metadata = load_container(path)
    assert list(arrays) == ["W"] and metadata["v"] == 2
    assert os.listdir(tmp_path) == ["model.npz"]


def test_saved_file_permissions_follow_umask(tmp_path):
    umask = os.umask(0o022)
    try:
        path = saved(tmp_path)
    finally:
        os.umask(umask)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o644


# --------------------------------------------------------------------------- #
# What save_container refuses (nothing is written)


@pytest.mark.parametrize(
    "arrays, metadata, kind, error, text",
    [
        (
            {"x": np.array([{}, 1], dtype=object)},
            {},
            "k",
            TypeError,
            r"arrays\['x'\] has dtype object, which holds Python objects",
        ),
        (
            {"x": np.ma.masked_array([1.0])},
            {},
            "k",
            TypeError,
            r"arrays\['x'\] must be a plain ndarray, got MaskedArray",
        ),
        ({"": np.ones(1)}, {}, "k", ValueError, "array names must be non-empty str not starting with '__bpnn', got ''"),
        ({"__bpnn_metadata__": np.ones(1)}, {}, "k", ValueError, "not starting with '__bpnn'"),
        ({3: np.ones(1)}, {}, "k", ValueError, "got 3"),
        ({}, {"kind": "x"}, "k", ValueError, r"metadata keys \['kind'\] are reserved for the file format"),
        (
            {},
            {"f": lambda: 0},
            "k",
            TypeError,
            "metadata must be JSON-serializable: Object of type function is not JSON serializable",
        ),
        ({}, {"a": np.ones(2)}, "k", TypeError, "Object of type ndarray is not JSON serializable"),
        ({}, [], "k", TypeError, "metadata must be a dict, got list"),
        ([], {}, "k", TypeError, "arrays must be a dict of name -> ndarray, got list"),
        ({}, {}, "", TypeError, "kind must be a non-empty str such as 'network', got ''"),
    ],
)
def test_save_refuses_what_it_cannot_store(tmp_path, arrays, metadata, kind, error, text):
    with pytest.raises(error, match=text):
        save_container(tmp_path / "m.npz", arrays, metadata, kind=kind)
    assert os.listdir(tmp_path) == []


def test_save_into_missing_folder_names_the_target(tmp_path):
    target = tmp_path / "no" / "model.npz"
    with pytest.raises(FileNotFoundError) as excinfo:
        save_container(target, {}, {}, kind="k")
    assert str(excinfo.value) == f"[Errno 2] cannot write {target}: No such file or directory"


def test_save_over_a_directory_names_the_target(tmp_path):
    target = tmp_path / "model.npz"
    target.mkdir()
    with pytest.raises(IsADirectoryError) as excinfo:
        save_container(target, {}, {}, kind="k")
    assert str(excinfo.value) == f"[Errno 21] cannot write {target}: Is a directory"
    assert os.listdir(tmp_path) == ["model.npz"] and os.listdir(target) == []


def test_very_long_file_name(tmp_path):
    # The temporary name adds host, pid and a random part; it must still fit in 255 bytes.
    path = tmp_path / ("m" * 240 + ".npz")
    save_container(path, {"W": np.ones(2)}, {}, kind="network")
    save_container(path, {"W": np.zeros(2)}, {}, kind="network")
    np.testing.assert_array_equal(load_container(path)[0]["W"], [0.0, 0.0])
    assert os.listdir(tmp_path) == [path.name]


def test_failed_save_keeps_the_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    path = saved(tmp_path)
    before = path.read_bytes()
    real_write_array = np.lib.format.write_array
    calls = []

    def fail_on_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_write_array(*args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", fail_on_third)
    with pytest.raises(OSError, match="No space left"):
        save_container(path, {"a": np.ones(10**5), "b": np.ones(10**5)}, {}, kind="network")
    assert len(calls) == 3
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]


# --------------------------------------------------------------------------- #
# What load_container refuses


def test_missing_file(tmp_path):
    assert load_error(tmp_path / "gone.npz") == f"{tmp_path / 'gone.npz'}: no such file"


def test_directory(tmp_path):
    assert load_error(tmp_path) == f"{tmp_path} is a directory, not a model file"


def test_unreadable_file(tmp_path, monkeypatch):
    # Simulated, because file permissions do not stop root (CI often runs as root).
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    path = saved(tmp_path)
    monkeypatch.setattr("bpnn.io.container.open", refuse, raising=False)
    assert load_error(path) == f"cannot read {path}: Permission denied"


def test_empty_file(tmp_path):
    path = tmp_path / "m.npz"
    path.write_bytes(b"")
    assert load_error(path) == f"{path} is empty (0 bytes), not a bpnn model file"


@pytest.mark.parametrize(
    "content, description",
    [
        (b"epochs: 10\nlayers: [2, 3]\n", "it is a text file, not a zip archive"),
        (
            b"\x80\x04\x95\x10\x00",
            "it looks like a Python pickle, which bpnn never loads because unpickling can run code",
        ),
        (b"\x1f\x8b\x08\x00\x00", "it is gzip-compressed, not a zip archive"),
        (b"\x00\xff\xfe\x01\x80\x90", "it is not a zip archive"),
        (b"P", "it is too short to be a zip archive; it was probably cut short"),
    ],
)
def test_not_a_zip(tmp_path, content, description):
    path = tmp_path / "m.npz"
    path.write_bytes(content)
    assert load_error(path) == f"{path} is not a bpnn model file ({description})"


def test_single_npy_file(tmp_path):
    path = tmp_path / "m.npy"
    np.save(path, np.ones(3))
    assert load_error(path) == f"{path} is not a bpnn model file (it is a single .npy array, not an .npz archive)"


def test_foreign_npz(tmp_path):
    path = tmp_path / "weights.npz"
    np.savez(path, W=np.ones(2), b=np.zeros(2))
    assert load_error(path) == (
        f"{path} is a NumPy .npz archive but not a bpnn model file (no bpnn metadata; it holds arrays 'W', 'b')"
    )


def test_foreign_zip(tmp_path):
    path = tmp_path / "m.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("README.txt", "hello")
    assert load_error(path) == f"{path} is a zip archive but not a bpnn model file (no bpnn metadata)"


def test_empty_zip(tmp_path):
    path = tmp_path / "m.npz"
    zipfile.ZipFile(path, "w").close()
    assert load_error(path) == f"{path} is a zip archive but not a bpnn model file (no bpnn metadata)"


def test_other_format_marker(tmp_path):
    path = tmp_path / "m.npz"
    write_raw(path, document(format="keras-ish"), {"W.npy": np.ones(1)})
    assert load_error(path) == f"{path} is not a bpnn model file (its metadata says format 'keras-ish')"


def test_future_format_version(tmp_path):
    path = tmp_path / "m.npz"
    write_raw(path, document(format_version=FORMAT_VERSION + 1, bpnn_version="9.0.0"), {"W.npy": np.ones(1)})
    text = load_error(path)
    assert text.startswith(
        f"{path} has model format version {FORMAT_VERSION + 1} (written by bpnn 9.0.0), but this bpnn ("
    )
    assert text.endswith(f") reads format version {FORMAT_VERSION} at most; upgrade bpnn to load it")


@pytest.mark.parametrize("version", [0, -1, "1", 1.0, True, None])
def test_invalid_format_version(tmp_path, version):
    path = tmp_path / "m.npz"
    write_raw(path, document(format_version=version), {"W.npy": np.ones(1)})
    assert load_error(path) == f"{path} is damaged: its format_version {version!r} is not a positive integer"


def test_metadata_without_required_fields(tmp_path):
    path = tmp_path / "m.npz"
    doc = document()
    del doc["arrays"]
    write_raw(path, doc, {"W.npy": np.ones(1)})
    assert load_error(path) == f"{path} is damaged: its metadata lacks 'kind', 'arrays' or 'metadata'"


def test_metadata_not_json(tmp_path):
    path = tmp_path / "m.npz"
    with zipfile.ZipFile(path, "w") as zf:
        with zf.open(META_MEMBER, "w") as f:
            np.lib.format.write_array(f, np.frombuffer(b"{not json", dtype=np.uint8))
    assert load_error(path) == f"{path} is damaged: its metadata is not valid JSON"


def test_missing_arrays_named_in_metadata(tmp_path):
    path = tmp_path / "m.npz"
    write_raw(path, document(arrays=["W0", "b0", "W1", "b1"]), {"W0.npy": np.ones(1), "b0.npy": np.ones(1)})
    assert load_error(path) == f"{path} is incomplete: arrays 'W1', 'b1' are listed in its metadata but missing"


def test_members_not_named_in_metadata(tmp_path):
    path = tmp_path / "m.npz"
    write_raw(path, document(), {"W.npy": np.ones(1), "extra.npy": np.ones(1), "notes.txt": b"hi"})
    assert load_error(path) == (
        f"{path} holds members 'extra.npy', 'notes.txt' not listed in its metadata; "
        "it was modified or not written by bpnn"
    )


def test_object_array_is_refused_and_never_unpickled(tmp_path):
    marker = tmp_path / "code-ran"

    class Evil:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))

    payload = np.empty(1, dtype=object)
    payload[0] = Evil()
    path = tmp_path / "m.npz"
    write_raw(path, document(), {"W.npy": payload})
    assert load_error(path) == (
        f"{path}: array 'W' holds Python objects (dtype object); bpnn refuses to load "
        "object arrays because unpickling them could run code"
    )
    assert not marker.exists()
    # The file really would run code if unpickled, so the test above means something.
    with np.load(path, allow_pickle=True) as npz:
        npz["W"]
    assert marker.exists()


def test_header_claiming_more_data_than_present(tmp_path):
    path = tmp_path / "m.npz"
    # A valid .npy header for 10**9 float64 values, followed by just 16 bytes.
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**9,)})
    fake = header.getvalue() + bytes(16)
    write_raw(path, document(), {"W.npy": fake})
    assert load_error(path) == f"{path} is damaged: array 'W' should hold 8000000000 bytes of data but holds 16"


def test_unreadable_npy_header(tmp_path):
    path = tmp_path / "m.npz"
    write_raw(path, document(), {"W.npy": b"\x93NUMPY\x01\x00garbage"})
    assert load_error(path) == f"{path} is damaged: array 'W' has an unreadable .npy header"


def test_model_file_error_is_a_value_error():
    assert issubclass(ModelFileError, ValueError)


# --------------------------------------------------------------------------- #
# Damage: cut short anywhere, or any byte flipped


def small_model(tmp_path):
    path = tmp_path / "m.npz"
    save_container(
        path, {"W": np.arange(6.0).reshape(2, 3), "b": np.array([0.5, -1.0])}, {"act": "relu"}, kind="network"
    )
    return path


@pytest.fixture
def served_from_memory(monkeypatch):
    """Make load_container read the bytes in ``content["raw"]`` instead of the file.

    The loops below load a thousand variants of a file; writing each to disk would
    take most of the test suite's time budget. Everything after open() is real.
    """
    content = {}

    def fake_open(name, mode="r"):
        assert mode == "rb"
        return io.BytesIO(content["raw"])

    monkeypatch.setattr("bpnn.io.container.open", fake_open, raising=False)
    return content


def test_truncated_anywhere_gives_model_file_error(tmp_path, served_from_memory):
    path = small_model(tmp_path)
    full = path.read_bytes()
    messages = {}
    for length in range(len(full)):
        served_from_memory["raw"] = full[:length]
        messages[length] = load_error(path)
    assert messages[0] == f"{path} is empty (0 bytes), not a bpnn model file"
    assert messages[1] == (
        f"{path} is not a bpnn model file (it is too short to be a zip archive; it was probably cut short)"
    )
    for length in (2, 100, len(full) // 2, len(full) - 1):
        assert messages[length] == (
            f"{path} is truncated or damaged: its zip directory is missing or unreadable "
            "(was the file cut short while copying or downloading?)"
        ), length


def test_flipped_data_byte_fails_checksum(tmp_path):
    path = small_model(tmp_path)
    raw = bytearray(path.read_bytes())
    position = raw.index(np.arange(6.0).tobytes()) + 20  # inside array 'W'
    raw[position] ^= 0x01
    path.write_bytes(bytes(raw))
    assert load_error(path) == f"{path} is damaged: array 'W' fails its CRC-32 checksum"


def test_flipped_metadata_byte_fails_checksum(tmp_path):
    path = small_model(tmp_path)
    raw = bytearray(path.read_bytes())
    raw[raw.index(b'"relu"') + 2] ^= 0x20
    path.write_bytes(bytes(raw))
    assert load_error(path) == f"{path} is damaged: the metadata fails its CRC-32 checksum"


@pytest.mark.parametrize("mask", [0x01, 0x80])
def test_any_flipped_byte_gives_error_or_identical_model(tmp_path, served_from_memory, mask):
    # A flip may land where zip keeps nothing that matters (e.g. a timestamp); then the
    # model must load unchanged. Anything else must be a ModelFileError, never a raw
    # exception and never different numbers.
    path = small_model(tmp_path)
    full = path.read_bytes()
    served_from_memory["raw"] = full
    good_arrays, good_meta = load_container(path)
    outcomes = {"error": 0, "same": 0}
    for position in range(len(full)):
        raw = bytearray(full)
        raw[position] ^= mask
        served_from_memory["raw"] = bytes(raw)
        try:
            arrays, meta = load_container(path)
        except ModelFileError:
            outcomes["error"] += 1
            continue
        assert meta == good_meta, position
        assert arrays.keys() == good_arrays.keys(), position
        for name in arrays:
            assert arrays[name].tobytes() == good_arrays[name].tobytes(), (position, name)
            assert arrays[name].dtype == good_arrays[name].dtype
        outcomes["same"] += 1
    # Data and headers make up most of the file, so most flips must be caught.
    assert outcomes["error"] > outcomes["same"]


# --------------------------------------------------------------------------- #
# Crash safety: SIGKILL in the middle of saving


SAVER = """
import sys
import numpy as np
from bpnn.io import save_container

path, version = sys.argv[1], int(sys.argv[2])
weights = np.empty(400_000)  # 3.2 MB, so that a save takes a while
print("ready", flush=True)
sys.stdin.readline()  # wait for "go"
while True:
    version += 1
    weights.fill(version)
    save_container(path, {"w": weights, "v": np.array([version])}, {"version": version}, kind="kill-test")
"""


def temp_files(folder):
    return sorted(name for name in os.listdir(folder) if name != "model.npz")


def check_complete(path):
    arrays, metadata = load_container(path, kind="kill-test")
    version = metadata["version"]
    assert arrays["v"].tolist() == [version]
    assert arrays["w"].shape == (400_000,)
    assert np.all(arrays["w"] == version)
    return version


@pytest.mark.skipif(os.name != "posix", reason="needs SIGKILL")
def test_sigkill_during_saves_leaves_old_or_new_file(tmp_path):
    path = tmp_path / "model.npz"
    save_container(path, {"w": np.zeros(400_000), "v": np.array([0])}, {"version": 0}, kind="kill-test")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(bpnn.__file__).resolve().parent.parent)] + [p for p in [env.get("PYTHONPATH")] if p]
    )
    # All savers start (and import NumPy) at once, then each saves only when told to
    # "go": starting Python ten times in a row would take most of the time budget.
    children = [
        subprocess.Popen(
            [sys.executable, "-c", SAVER, str(path), str((k + 1) * 1_000_000)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        for k in range(10)
    ]
    rng = random.Random(1234)
    versions, killed, kills_mid_save = [0], [], 0
    try:
        for k, child in enumerate(children):
            start = (k + 1) * 1_000_000
            assert child.stdout.readline() == "ready\n"
            child.stdin.write("go\n")
            child.stdin.flush()
            time.sleep(rng.uniform(0.03, 0.15))
            child.send_signal(signal.SIGKILL)
            assert child.wait(timeout=10) == -signal.SIGKILL
            killed.append(child.pid)

            version = check_complete(path)
            # Old (an earlier saver's, or 0) or new (this saver's), never in between.
            assert version == versions[-1] or start < version < start + 1_000_000
            versions.append(version)
            # At most one leftover: the killed saver's own temporary file, or, if it was
            # killed before its first save began, the one its predecessor left.
            leftovers = temp_files(tmp_path)
            assert len(leftovers) <= 1, leftovers
            for name in leftovers:
                match = re.fullmatch(r"\.model\.npz\.[A-Za-z0-9-]+\.(\d+)\.[0-9a-f]{8}\.bpnn-tmp", name)
                assert match and int(match.group(1)) in killed, (name, killed)
            kills_mid_save += any(f".{child.pid}." in name for name in leftovers)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
            child.stdin.close()
            child.stdout.close()
    # The kills must really have hit saves in progress, and saves must have completed.
    assert kills_mid_save >= 1
    assert len(set(versions)) >= 3
    # The next save cleans up after the last killed saver.
    save_container(path, {"w": np.ones(400_000), "v": np.array([1])}, {"version": 1}, kind="kill-test")
    assert temp_files(tmp_path) == []
    assert check_complete(path) == 1


def test_leftovers_of_live_processes_are_kept(tmp_path):
    small_model(tmp_path)
    host = re.sub(r"[^A-Za-z0-9-]", "-", __import__("socket").gethostname())[:40] or "host"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    dead_pid = int(dead.stdout)
    names = {
        "dead": f".m.npz.{host}.{dead_pid}.0123abcd.bpnn-tmp",
        "alive": f".m.npz.{host}.{os.getppid()}.0123abcd.bpnn-tmp",
        "other_host": f".m.npz.elsewhere.{dead_pid}.0123abcd.bpnn-tmp",
        "other_target": f".n.npz.{host}.{dead_pid}.0123abcd.bpnn-tmp",
        "unrelated": "notes.txt",
    }
    for name in names.values():
        (tmp_path / name).write_bytes(b"x")
    small_model(tmp_path)
    remaining = set(os.listdir(tmp_path))
    expected = {"m.npz"} | {n for key, n in names.items() if key != "dead"}
    if os.name != "posix":
        expected.add(names["dead"])
    assert remaining == expected
