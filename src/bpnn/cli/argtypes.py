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
