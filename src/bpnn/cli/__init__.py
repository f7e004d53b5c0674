"""The ``bpnn`` command line: ``main.py`` (demo, explain, the parser), ``tables.py`` (train,
predict, info, export) and ``argtypes.py`` (argument checks that name the flag)."""

from bpnn.cli.main import main

__all__ = ["main"]
