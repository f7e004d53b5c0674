"""Reading and writing files: CSV tables, MNIST's IDX files and bpnn model files.

Nothing here is needed by the engine, and nothing here imports the engine:

* :mod:`bpnn.io.csvdata` - numeric CSV tables (:func:`read_csv`, :func:`iter_csv_chunks`,
  :func:`write_csv`); problems with them raise :class:`DataError`.
* :mod:`bpnn.io.frames` - tables with text, true/false and missing cells from ``.csv``,
  ``.tsv``, ``.xlsx`` and ``.parquet`` files (:func:`read_frame`), for ``bpnn train``;
  :mod:`bpnn.io.encoding` turns their columns into numbers (one-hot, ordinal, imputation)
  and :mod:`bpnn.io.onnx` exports models as ONNX graphs.
* :mod:`bpnn.io.idx` - the IDX format of MNIST (:func:`read_idx`, :func:`write_idx`,
  :func:`load_mnist`); also :class:`DataError`.
* :mod:`bpnn.io.container` - the model file, an ``.npz`` holding named arrays and
  JSON metadata, saved atomically and loaded without pickle (:func:`save_container`,
  :func:`load_container`); problems raise :class:`ModelFileError`.

Both error classes subclass ``ValueError`` and carry a one-line message that a
command line can print as it is.
"""

from bpnn.io.container import ModelFileError, load_container, save_container
from bpnn.io.csvdata import DataError, Table, iter_csv_chunks, read_csv, write_csv
from bpnn.io.frames import Frame, read_frame
from bpnn.io.idx import load_mnist, read_idx, write_idx

__all__ = [
    "DataError",
    "ModelFileError",
    "Table",
    "Frame",
    "read_frame",
    "read_csv",
    "iter_csv_chunks",
    "write_csv",
    "read_idx",
    "write_idx",
    "load_mnist",
    "save_container",
    "load_container",
]
