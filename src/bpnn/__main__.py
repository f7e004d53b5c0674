"""``python -m bpnn``: the same as the ``bpnn`` command."""

import sys

from bpnn.cli.main import main

if __name__ == "__main__":  # not on a plain import (the API reference's docstring inspection imports it)
    sys.exit(main())
