"""What the report pictures add to `python -m etl build`.

For the bundled samples and a generated corpus: a cold build into an empty warehouse, and a build
with nothing new (the pictures are redrawn all the same), each timed as a whole, with the report
step's own seconds read off the build's `report` line, as a share of the build; and the report
alone in a fresh process, in CPU seconds (steadier than wall time on a shared machine): importing
Matplotlib and the rest, then reading and drawing. Median of `--runs`.

    python benchmarks/bench_reports.py --mb 10 --runs 3
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))
from helpers import SEEDS, make_corpus, settle  # noqa: E402  (the corpus generator the tests use)

REPORT_ALONE = """
import sys, time
started = time.process_time()
from pathlib import Path
from etl.reports.writing import write_report
imported = time.process_time()
write_report(Path(sys.argv[1]), Path(sys.argv[2]))
print(f"{imported - started:.3f} {time.process_time() - imported:.3f}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10, help="size of the generated corpus in MB")
    parser.add_argument("--runs", type=int, default=3, help="builds of each kind per corpus (median reported)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="etl-reports-"))
    try:
        corpora = {"samples": SEEDS, f"{args.mb:g} MB": make_corpus(work / "corpus", args.mb)}
        print(
            f"{'corpus':>8} {'build':>10} {'cold s':>7} {'report s':>8} {'share':>6}   "
            f"{'alone, CPU: import s':>20} {'draw s':>6}"
        )
        for name, source in corpora.items():
            landing = work / f"landing-{name.replace(' ', '')}"
            shutil.copytree(source, landing)
            settle(landing)
            cold, again = [], []
            for run in range(args.runs):
                warehouse = work / f"run{run}" / "news.duckdb"
                cold.append(_build(landing, warehouse))
                again.append(_build(landing, warehouse))
            alone = [_report_alone(warehouse, work / "alone") for _ in range(args.runs)]
            for kind, builds in (("cold", cold), ("unchanged", again)):
                seconds = statistics.median(b[0] for b in builds)
                report = statistics.median(b[1] for b in builds)
                print(
                    f"{name:>8} {kind:>10} {seconds:>7.2f} {report:>8.2f} {report / seconds:>6.0%}   "
                    f"{statistics.median(a[0] for a in alone):>20.2f} {statistics.median(a[1] for a in alone):>6.2f}"
                )
            for run in range(args.runs):
                shutil.rmtree(work / f"run{run}")
    finally:
        shutil.rmtree(work)


def _build(landing: Path, warehouse: Path) -> tuple[float, float]:
    """(wall seconds, report seconds) of one `python -m etl build`."""
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--landing", str(landing), "--warehouse", str(warehouse)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    seconds = time.perf_counter() - started
    return seconds, float(re.search(r"^report .*\((\d+\.\d+) s\)$", out, re.M).group(1))


def _report_alone(warehouse: Path, folder: Path) -> tuple[float, float]:
    """(import, reading and drawing) CPU seconds of the report in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", REPORT_ALONE, str(warehouse), str(folder)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    imported, drawn = out.split()
    return float(imported), float(drawn)


if __name__ == "__main__":
    main()
