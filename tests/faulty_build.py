"""`python -m etl build` with the faults of cluster_faults.py in its worker processes: run as a
script, it is the main module the worker processes preload (`etl.parallel` forks them from a server
that imports `__main__`; a cluster started by the build spawns them from it too)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import cluster_faults  # noqa: E402, F401  (applies the faults on import)

if __name__ == "__main__":
    from etl.__main__ import main

    sys.exit(main(["build", *sys.argv[1:]]))
