"""What a lake snapshot costs beside the warehouse file swap: a first build with ETL_LAKE_DIR, then a
build after 1% of the landing files changed. Prints the warehouse file size (what the swap copies),
the snapshot's partitions written and linked, and the bytes written anew.

    python benchmarks/bench_lake.py LANDING WORKDIR   (LANDING is copied; WORKDIR must not exist)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from etl.load import lake


def build(landing: Path, warehouse: Path, folder: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "etl", "build", "--landing", str(landing), "--warehouse", str(warehouse)],
        check=True,
        capture_output=True,
        env={**os.environ, "ETL_LAKE_DIR": str(folder), "ETL_RUN_HISTORY": "0", "ETL_SETTLE_SECONDS": "0"},
    )
    return time.perf_counter() - started


def report(label: str, seconds: float, warehouse: Path, folder: Path) -> None:
    with duckdb.connect(str(folder / lake.CURRENT), read_only=True) as con:
        [(number,)] = con.execute("SELECT snapshot FROM lake_snapshot").fetchall()
    files = [f for f in (folder / lake.SNAPSHOTS / f"{number:06d}").rglob("*") if f.is_file()]
    new = [f for f in files if f.stat().st_nlink == 1]
    print(
        f"{label}: build {seconds:.1f} s; warehouse file {warehouse.stat().st_size / 2**20:.1f} MB; snapshot "
        f"{sum(f.stat().st_size for f in files) / 2**20:.1f} MB in {len(files)} files, written anew "
        f"{sum(f.stat().st_size for f in new) / 2**20:.2f} MB in {len(new)} files "
        f"(views file {(folder / lake.CURRENT).stat().st_size / 2**20:.2f} MB)"
    )


def main(source: Path, work: Path) -> None:
    landing, warehouse, folder = work / "landing", work / "w.duckdb", work / "lake"
    shutil.copytree(source, landing)
    report("first build", build(landing, warehouse, folder), warehouse, folder)
    report("nothing changed (no publish)", build(landing, warehouse, folder), warehouse, folder)
    names = sorted(landing.glob("*.txt"))
    for path in names[:: max(1, len(names) // max(1, len(names) // 100))][: max(1, len(names) // 100)]:
        path.write_text(path.read_text(encoding="utf-8") + "\n\nA paragraph added by the benchmark.\n")
    report(f"1% of {len(names)} files changed", build(landing, warehouse, folder), warehouse, folder)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
