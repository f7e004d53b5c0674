"""Argument types shared by the command-line modules (``cli.py``, ``cli_tables.py``).

Each raises :class:`argparse.ArgumentTypeError` with a message that says what was expected
and what was received; argparse prefixes the option's name.
"""

from __future__ import annotations

import argparse
import math


def whole_number(minimum: int):
    """An argparse type accepting whole numbers ``>= minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"expected a whole number >= {minimum}; got {text!r}")
        return value

    parse.__name__ = f"whole_number_{minimum}"
    return parse


positive_int = whole_number(1)
non_negative_int = whole_number(0)


def positive_float(text: str) -> float:
    """An argparse type accepting finite numbers > 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number; got {text!r}")
    return value


def one_character(text: str) -> str:
    """An argparse type for a single character; ``tab`` and ``\\t`` mean a tab, ``space`` a space."""
    text = {"tab": "\t", "\\t": "\t", "space": " "}.get(text, text)
    if len(text) != 1:
        raise argparse.ArgumentTypeError(f"expected one character; got {text!r}")
    return text


#: The options that say how a CSV file writes its numbers and where its table starts:
#: (flag, metavar, argparse type, help). Their values go to :func:`bpnn.io.frames.read_frame`.
READ_OPTIONS = (
    ("--decimal", "CHAR", one_character, "decimal mark: '.' or ',' (3,14)"),
    ("--thousands", "CHAR", one_character, "thousands separator: ',', '.', ' ' (or space), \"'\" or '_' (1,016,620)"),
    ("--encoding", "NAME", str, "text encoding of a CSV file, e.g. latin-1 or cp1252 (default: UTF-8)"),
    ("--comment", "CHAR", one_character, "skip lines starting with this character, e.g. '#', and text after it"),
    ("--skiprows", "N", whole_number(0), "skip this many lines at the start of the file, before the header"),
)


def add_read_options(parser: argparse.ArgumentParser, default: str) -> None:
    """Add :data:`READ_OPTIONS` to ``parser``; ``default`` says what leaving them out means."""
    group = parser.add_argument_group(
        "reading CSV files", f"How the file writes its numbers and where its table starts ({default})."
    )
    for flag, metavar, kind, text in READ_OPTIONS:
        group.add_argument(flag, metavar=metavar, type=kind, default=None, help=text)


def read_options(args: argparse.Namespace, stored: dict | None = None) -> dict:
    """The reading options given on the command line (with ``--sep``), over ``stored`` ones."""
    given = dict(stored or {})
    for flag in ("--sep", *(option[0] for option in READ_OPTIONS)):
        value = getattr(args, flag[2:], None)
        if value is not None:
            given[flag[2:]] = value
    return given


def same_file(a: str, b: str) -> bool:
    """Whether paths ``a`` and ``b`` name one file: through symlinks, hard links, ``..`` or case."""
    import os

    try:
        return os.path.samefile(a, b)
    except OSError:
        # ``a`` does not exist (yet): compare where it would be, with symlinks in the folders resolved
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def refuse_overwriting_inputs(out: str | None, flag: str, inputs: dict[str, str]) -> None:
    """Raise ValueError when the output file ``out`` is one of the command's ``inputs``.

    Called before any work, so that a command never replaces a file it reads: the
    table ``bpnn predict m.bpnn data.csv -o data.csv`` reads, or the model it loads.

    Parameters
    ----------
    out : str or None
        The output path given with ``flag`` (None: nothing is written).
    flag : str
        The option, for the message (``--out``).
    inputs : dict of str to str
        What each input is (``"the data file"``) to its path.
    """
    if out is None:
        return
    for what, path in inputs.items():
        if path is not None and same_file(out, path):
            raise ValueError(
                f"{flag} {out} is {what} this command reads ({path}); writing there would destroy it. "
                f"Give {flag} another file name"
            )


#: Every command's one-line summary (``bpnn --help``) and description (``bpnn NAME --help``).
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": (
        "run one of the seed experiments",
        "Run one of the seed experiments. Each demo prints its figures; --out DIR saves its pictures, "
        "--json prints the final figures as JSON. 'bpnn demo NAME --help' shows a demo's settings.",
    ),
    "explain": (
        "one training step of a small network, every number written out",
        "One step of backpropagation for a small network: the weighted sums, activations, loss, each "
        "layer's delta, each gradient and each updated weight, with textbook labels (w_ij^[l] joins "
        "neuron i of layer l-1 to neuron j of layer l).",
    ),
    "playground": (
        "watch a network learn in the browser, every number one click away",
        "Start the bpnn playground, a local web page where a network trained by bpnn learns two-"
        "dimensional data live; click a neuron or a weight to see its numbers (needs the 'playground' "
        "extra: pip install -e '.[playground]').",
    ),
    "train": (
        "train a network on a table (.csv, .tsv, .xlsx, .parquet) and save it",
        "Train a network on a table with a header line (.csv, .tsv, .xlsx or .parquet; text labels, text "
        "columns and, with --impute, empty cells allowed): scale, split train/validation/test, train with"
        " early stopping, report, save the model (and plots).",
    ),
    "predict": (
        "apply a saved model to a table",
        "Apply a model saved by 'bpnn train' to a table with the same feature columns (in any order; "
        "target columns may be present and are ignored); the predictions are written as CSV.",
    ),
    "info": (
        "describe a saved model",
        "Print a model's architecture, settings, metrics and features.",
    ),
    "export": (
        "write a model as a standalone Python file (NumPy only) or an ONNX graph",
        "Write a saved model as a standalone, readable Python file that needs only NumPy (the counterpart"
        " of MATLAB's genFunction), or with --format onnx as an ONNX graph for onnxruntime and other runtimes.",
    ),
}


def add_command(subparsers, name: str, **options) -> argparse.ArgumentParser:
    """Add the subcommand ``name`` with its summary and description from :data:`COMMANDS`."""
    summary, description = COMMANDS[name]
    return subparsers.add_parser(name, help=summary, description=description, **options)
