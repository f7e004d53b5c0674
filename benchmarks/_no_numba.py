"""``python -m benchmarks._no_numba '<json request>'``: bpnn without numba (doors.without_numba).

numba is made unimportable before anything else is imported, exactly as if it were not
installed; the result is printed as one JSON line, the last line the parent reads.
"""

import sys

sys.modules["numba"] = None  # type: ignore[assignment]  # `import numba` raises ImportError from here on

import json  # noqa: E402

from .doors import no_numba_child  # noqa: E402

if __name__ == "__main__":
    print(json.dumps(no_numba_child(json.loads(sys.argv[1]))))
