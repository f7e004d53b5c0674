"""``python -m bpnn.cli``: the same as the ``bpnn`` command."""

import sys

from bpnn.cli.main import main

sys.exit(main())
