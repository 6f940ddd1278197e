"""End-to-end throughput of `python -m etl build` against the DuckDB raw-load floor.

For each corpus size: generate a seed-format corpus with the shared make_corpus.py, time
the floor (DuckDB loading the same bytes: `CREATE TABLE raw AS SELECT filename, content
FROM read_text(...)`) and a cold `python -m etl build` into an empty warehouse, both in
the same run, and print MB/s, articles/s, the ratio to the floor, the time per stage and
the peak memory of the whole process tree (main process plus workers, sampled from /proc).
The floor is timed twice: with the files in the page cache, as the build reads them, and
read from disk (their cached pages dropped first), the floor as a first read of new files
would see it.

    python benchmarks/bench_build.py --sizes 10,50,200 --runs 3

`--engines local,cluster:2,cluster:1` also times the builds with per-file work on a Dask cluster
of that many worker processes (a scheduler and workers started on 127.0.0.1 beforehand, as a
cluster would be running; ETL_DASK_SCHEDULER points the build at it), interleaved run by run
with the local builds, each engine on its own row with its ratio to the first engine's build
(peak memory then counts the build's processes only, not the cluster's workers).
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
import threading
import time
from pathlib import Path

import duckdb

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))
from helpers import Cluster, make_corpus  # noqa: E402  (the corpus generator and cluster the tests use)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50,200", help="corpus sizes in MB, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="cold builds per size below 100 MB (median reported)")
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where corpora and warehouses go (default: a temp dir)"
    )
    parser.add_argument(
        "--engines", default="local", help="local and cluster:<workers>, comma-separated (first is the reference)"
    )
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="etl-bench-"))
    print(f"machine: {os.cpu_count()} cores; workdir {workdir}")
    clusters = {}
    try:
        for engine in args.engines.split(","):
            clusters[engine] = _engine_env(engine, workdir)
        _measure(args, workdir, clusters)
    finally:
        for cluster, _ in clusters.values():
            if cluster is not None:
                cluster.close()


def _engine_env(engine: str, workdir: Path) -> tuple[Cluster | None, dict[str, str]]:
    """The cluster an engine runs on (None: local processes) and the settings pointing a build at it."""
    if engine == "local":
        return None, {}
    kind, _, workers = engine.partition(":")
    if kind != "cluster" or not workers.isdigit():
        raise SystemExit(f"unknown engine {engine!r}: expected local or cluster:<workers>")
    folder = workdir / f"{kind}{workers}"
    folder.mkdir(parents=True, exist_ok=True)
    cluster = Cluster(folder)
    for _ in range(int(workers)):
        cluster.add_worker()
    cluster.wait_for_workers(int(workers))
    return cluster, {"ETL_DASK_SCHEDULER": cluster.address}


def _measure(args: argparse.Namespace, workdir: Path, clusters: dict) -> None:
    print(
        f"{'MB':>5} {'engine':>10} {'files':>6} {'articles':>8} {'floor s':>8} {'disk s':>7} {'build s':>8} "
        f"{'MB/s':>6} {'art/s':>7} {'x floor':>7} {'x disk':>6} {'x ref':>5} {'peak RSS MB':>11}  stages (s)"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        landing = workdir / f"corpus_{size}mb"
        if not landing.exists():
            make_corpus(landing, size)
        files = list(landing.glob("*.txt"))
        megabytes = sum(f.stat().st_size for f in files) / 1e6
        runs = args.runs if size < 100 else 1
        floors = [_floor(landing) for _ in range(max(runs, 3))]
        disk_floors = [_floor(landing, from_disk=True) for _ in range(max(runs, 3))]
        builds: dict[str, list[dict]] = {engine: [] for engine in clusters}
        for _ in range(runs):  # interleaved: each engine sees the machine as the others did
            for engine, (_, env) in clusters.items():
                builds[engine].append(_cold_build(landing, workdir / f"warehouse_{size}mb", env))
        floor, disk_floor = statistics.median(floors), statistics.median(disk_floors)
        reference = statistics.median(b["seconds"] for b in next(iter(builds.values())))
        for engine, engine_builds in builds.items():
            seconds = statistics.median(b["seconds"] for b in engine_builds)
            best = min(engine_builds, key=lambda b: abs(b["seconds"] - seconds))
            print(
                f"{size:>5} {engine:>10} {len(files):>6} {best['articles']:>8} {floor:>8.2f} {disk_floor:>7.2f} "
                f"{seconds:>8.2f} {megabytes / seconds:>6.2f} {best['articles'] / seconds:>7.0f} "
                f"{seconds / floor:>7.1f} {seconds / disk_floor:>6.1f} {seconds / reference:>5.2f} "
                f"{max(b['peak_rss_mb'] for b in engine_builds):>11.0f}  {best['stages']}"
            )


def _floor(landing: Path, from_disk: bool = False) -> float:
    if from_disk:
        for path in landing.glob("*.txt"):
            _drop_cached_pages(path)
    con = duckdb.connect()
    started = time.perf_counter()
    con.execute("CREATE TABLE raw AS SELECT filename, content FROM read_text(?)", [str(landing / "*.txt")])
    elapsed = time.perf_counter() - started
    con.close()
    return elapsed


def _drop_cached_pages(path: Path) -> None:
    """Evict a file from the page cache (written back first: only clean pages can be dropped)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def _cold_build(landing: Path, folder: Path, engine_env: dict[str, str]) -> dict:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    # The pipeline's time, not that of recording the run.
    env = {**os.environ, "ETL_RUN_HISTORY": "off", **engine_env}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "etl", "build", "--landing", str(landing), "--warehouse", str(folder / "news.duckdb")],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    peak = _PeakTreeRss(process.pid)
    peak.start()
    out, _ = process.communicate()
    seconds = time.perf_counter() - started
    peak.stop()
    if process.returncode != 0:
        raise SystemExit(f"build failed ({process.returncode}):\n{out}")
    articles = int(re.search(r"this load (\d+) articles", out).group(1))
    stages = re.search(r"stages\s+(.*)", out).group(1)
    return {"seconds": seconds, "articles": articles, "stages": stages, "peak_rss_mb": peak.peak / 1e6}


class _PeakTreeRss(threading.Thread):
    """Largest sum of resident memory over a process and all its descendants."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root, self.peak, self._done = root, 0, threading.Event()

    def run(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._done.is_set():
            self.peak = max(self.peak, sum(_rss_pages(pid) for pid in _tree(self.root)) * page)
            self._done.wait(0.1)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree(root: int) -> list[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def _rss_pages(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


if __name__ == "__main__":
    main()
