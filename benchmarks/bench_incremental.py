"""What a load costs when little is new: one added file, nothing new, and a sensor tick.

    python benchmarks/bench_incremental.py --mb 20

Prints, from one run: the wall time of `python -m etl build` adding one file to an empty
warehouse and to one built from a `make_corpus.py --mb N` corpus (and their ratio), the
wall time of a build with nothing new, and the time of one sensor evaluation over a
landing folder of 10,000 files of which 10 are new (median of 5 ticks).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg

from etl.defs.automation import landing_sensor
from etl.defs.resources import LandingFolder, Warehouse

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))
from helpers import make_corpus  # noqa: E402  (the corpus generator the tests use)

EXTRA = PROJECT / "warehouse" / "landing" / "000_7e8e55041918a3c3.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="etl-incremental-"))
    corpus = work / "corpus"
    make_corpus(corpus, args.mb)
    _age(corpus)

    empty_landing = work / "one"
    empty_landing.mkdir()
    empty = _add_one(empty_landing, work / "empty" / "news.duckdb")
    full = _add_one(corpus, work / "full" / "news.duckdb")
    nothing_new = _build(corpus, work / "full" / "news.duckdb")
    print(f"add one file: empty warehouse {empty:.2f} s, {args.mb} MB warehouse {full:.2f} s, ratio {full / empty:.2f}")
    print(f"build with nothing new ({len(list(corpus.glob('*.txt')))} files): {nothing_new:.2f} s")
    print(
        f"build of an empty landing folder (start-up): {_build(work / 'nothing', work / 'none' / 'news.duckdb'):.2f} s"
    )
    print(f"sensor tick, 10,000 files of which 10 new: {_sensor_tick(work / 'many') * 1000:.0f} ms (median of 5)")


def _add_one(landing: Path, warehouse: Path) -> float:
    """Build the folder, then time the build that picks up one more file."""
    _build(landing, warehouse)
    shutil.copy(EXTRA, landing / "extra.txt")
    _age(landing / "extra.txt")
    return _build(landing, warehouse)


def _build(landing: Path, warehouse: Path) -> float:
    landing.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "etl", "build", "--landing", str(landing), "--warehouse", str(warehouse)],
        cwd=PROJECT,
        env={**os.environ, "ETL_RUN_HISTORY": "off"},  # the pipeline's time, not that of recording the run
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def _sensor_tick(folder: Path) -> float:
    folder.mkdir()
    for n in range(10_000):
        (folder / f"file_{n:05d}.txt").write_text("Title\n\nBody.\n")
    _age(folder)
    resources = {
        "landing": LandingFolder(path=str(folder)),
        "warehouse": Warehouse(path=str(folder.parent / "w.duckdb")),
    }
    with dg.instance_for_test() as instance:
        cursor = landing_sensor(dg.build_sensor_context(instance=instance, resources=resources)).cursor
        for n in range(10):
            (folder / f"new_{n}.txt").write_text("Title\n\nBody.\n")
        _age(folder)
        ticks = []
        for _ in range(5):
            started = time.perf_counter()
            result = landing_sensor(dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources))
            ticks.append(time.perf_counter() - started)
            assert len(result.run_requests) == 1
    return statistics.median(ticks)


def _age(path: Path) -> None:
    past = time.time() - 60
    for file in path.iterdir() if path.is_dir() else [path]:
        os.utime(file, (past, past))


if __name__ == "__main__":
    main()
