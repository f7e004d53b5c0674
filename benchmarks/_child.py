"""``python -m benchmarks._child '<json request>'``: one isolated run (see harness.child_main).

Prints the result as one JSON line on stdout, the last line the parent reads.
"""

import json
import sys

from .harness import child_main

if __name__ == "__main__":
    print(json.dumps(child_main(json.loads(sys.argv[1]))))
