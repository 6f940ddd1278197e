"""A longer fuzz pass than the suite's: decoding, splitting and extraction on random input.

    python benchmarks/fuzz.py --examples 20000

Runs the property tests of tests/test_properties.py under the "fuzz" Hypothesis profile and
prints how many cases each tried (Hypothesis' own statistics) and whether any failed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20_000)
    args = parser.parse_args()
    env = {**os.environ, "HYPOTHESIS_PROFILE": "fuzz", "FUZZ_EXAMPLES": str(args.examples)}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--hypothesis-show-statistics",
            "tests/test_properties.py",
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
    )
    for line in result.stdout.splitlines():
        if "passing," in line or "test_properties.py::" in line or " passed" in line or "failed" in line:
            print(line.strip())
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
