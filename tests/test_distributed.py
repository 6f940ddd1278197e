"""Per-file work on a real Dask cluster: a scheduler and two worker processes on 127.0.0.1, started
here, and `python -m etl build` pointed at them (ETL_DASK_SCHEDULER). What it publishes must be
what local processes publish, even when a worker is killed mid-load; files that crash or hang
their workers are rejected with the reason after the scheduler's tries, and never tried again."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from etl.paths import staging_dir
from helpers import SEEDS, Cluster, build, make_corpus, settle, table_fingerprints, warehouse_fingerprint

pytestmark = pytest.mark.slow
FAULTS = Path(__file__).parent / "cluster_faults.py"
FAULTY_BUILD = Path(__file__).parent / "faulty_build.py"


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    folder = tmp_path / "cluster-logs"
    folder.mkdir()
    running = Cluster(folder)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    landing = make_corpus(tmp_path_factory.mktemp("distributed") / "landing", 3, "--seed", "21")
    settle(landing)
    return landing


@pytest.fixture(scope="module")
def local_build(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple]:
    warehouse = tmp_path_factory.mktemp("local") / "news.duckdb"
    result = build("--landing", str(corpus), "--warehouse", str(warehouse), ETL_WORKERS="2")
    assert result.returncode == 0, result.stderr
    return table_fingerprints(warehouse)


def test_a_build_on_the_cluster_publishes_what_local_processes_publish(
    cluster: Cluster, corpus: Path, local_build: dict, tmp_path: Path
):
    cluster.add_worker()
    cluster.add_worker()
    cluster.wait_for_workers(2)
    warehouse = tmp_path / "news.duckdb"
    result = build("--landing", str(corpus), "--warehouse", str(warehouse), ETL_DASK_SCHEDULER=cluster.address)
    assert result.returncode == 0, result.stderr
    fingerprints = table_fingerprints(warehouse)
    assert fingerprints["fact_mention"][0] > 10_000
    assert fingerprints == local_build


def test_a_worker_killed_mid_load_loses_nothing(cluster: Cluster, corpus: Path, local_build: dict, tmp_path: Path):
    doomed = cluster.add_worker()
    cluster.add_worker()
    cluster.wait_for_workers(2)
    warehouse = tmp_path / "news.duckdb"
    extracted = staging_dir(warehouse).glob
    with open(tmp_path / "build.log", "w") as log:
        load = subprocess.Popen(
            [sys.executable, "-m", "etl", "build", "--landing", str(corpus), "--warehouse", str(warehouse)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "ETL_DASK_SCHEDULER": cluster.address},
        )
        deadline = time.monotonic() + 240
        while not list(extracted("mentions-*/*.outcomes.parquet")) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert load.poll() is None, "the load ended before a worker could be killed mid-way"
        done_before_kill = len(list(extracted("mentions-*/*.outcomes.parquet")))
        cluster.kill(doomed)
        assert load.wait(timeout=300) == 0, (tmp_path / "build.log").read_text()
    assert len(list(extracted("mentions-*/*.outcomes.parquet"))) > done_before_kill  # the survivor went on
    assert table_fingerprints(warehouse) == local_build


def test_files_that_crash_or_hang_workers_are_rejected_after_bounded_tries_and_never_retried(
    tmp_path: Path,
):
    folder = tmp_path / "cluster-logs"
    folder.mkdir()
    cluster = Cluster(folder, allowed_failures=1)
    try:
        cluster.add_worker(FAULTS)
        cluster.add_worker(FAULTS)
        cluster.wait_for_workers(2)
        _bad_files_are_rejected_and_the_rest_published(
            tmp_path, [sys.executable, "-m", "etl", "build"], {"ETL_DASK_SCHEDULER": cluster.address}
        )
    finally:
        cluster.close()


def test_files_that_crash_or_hang_local_worker_processes_are_rejected_too(tmp_path: Path):
    """The default engine: once a local worker process dies, the rest of the load goes through a
    cluster the build starts, which tells the bad files from the good."""
    _bad_files_are_rejected_and_the_rest_published(
        tmp_path,
        [sys.executable, str(FAULTY_BUILD)],
        {"ETL_WORKERS": "2", "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"},
    )


def _bad_files_are_rejected_and_the_rest_published(tmp_path: Path, command: list[str], env: dict[str, str]) -> None:
    """A corpus with four bad files (see cluster_faults.py), loaded twice by `command` with `env`
    (workers allowed 2 tries): the bad files are rejected with the reason, once; the rest is what
    a load without them publishes."""
    from cluster_faults import CRASH_EXTRACTING, CRASH_SPLITTING, HANG_SPLITTING, RECURSE_SPLITTING

    # Enough files that they travel in chunks of several: a bad file's chunk fails, and its
    # good files must still be published.
    clean_landing = make_corpus(tmp_path / "clean_landing", 0.6, "--seed", "5")
    landing = tmp_path / "landing"
    shutil.copytree(clean_landing, landing)
    article = (SEEDS / "000_7e8e55041918a3c3.txt").read_bytes()
    poisoned = {
        "crashes_splitting.txt": article + CRASH_SPLITTING,
        "hangs_splitting.txt": article + HANG_SPLITTING,
        "crashes_extracting.txt": article + b"\n" + CRASH_EXTRACTING.encode() + b" said the minister.\n",
        "recurses_splitting.txt": article + RECURSE_SPLITTING,
    }
    for name, data in poisoned.items():
        (landing / name).write_bytes(data)
    settle(landing)
    warehouse = tmp_path / "news.duckdb"
    load = [*command, "--landing", str(landing), "--warehouse", str(warehouse)]
    env = {**os.environ, **env, "ETL_TASK_SECONDS": "5"}
    result = subprocess.run(load, capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rejected = dict(con.execute("SELECT source_file, reason FROM rejected_files").fetchall())
    assert set(rejected) == set(poisoned)
    assert rejected.pop("recurses_splitting.txt") == (
        "Processing the file failed: RecursionError: maximum recursion depth exceeded"
    )
    for reason in rejected.values():
        assert "crashed or hung (ran over 5 s) the Dask worker processing it, on each of 2 tries" in reason
    again = subprocess.run(load, capture_output=True, text=True, timeout=600, env=env)
    assert again.returncode == 0, again.stderr
    files = len(list(landing.iterdir()))
    assert files > 40
    assert f"0 new, 0 changed, 0 outdated, {files} unchanged" in again.stdout
    clean = tmp_path / "clean.duckdb"
    settle(clean_landing)
    assert build("--landing", str(clean_landing), "--warehouse", str(clean)).returncode == 0
    published = {name: value for name, value in warehouse_fingerprint(warehouse).items() if name != "dim_source_file"}
    assert published == {
        name: value for name, value in warehouse_fingerprint(clean).items() if name != "dim_source_file"
    }


def test_a_cluster_started_by_the_build_itself_publishes_what_local_processes_publish(tmp_path: Path, landing: Path):
    local, on_cluster = tmp_path / "local.duckdb", tmp_path / "cluster.duckdb"
    assert build("--landing", str(landing), "--warehouse", str(local)).returncode == 0
    result = build(
        "--landing", str(landing), "--warehouse", str(on_cluster), ETL_DASK_SCHEDULER="local", ETL_WORKERS="2"
    )
    assert result.returncode == 0, result.stderr
    assert table_fingerprints(on_cluster) == table_fingerprints(local)


def test_a_scheduler_that_cannot_be_reached_stops_the_load_with_its_address_and_publishes_nothing(
    tmp_path: Path, landing: Path
):
    warehouse = tmp_path / "news.duckdb"
    result = build("--landing", str(landing), "--warehouse", str(warehouse), ETL_DASK_SCHEDULER="tcp://127.0.0.1:9")
    assert result.returncode == 1
    assert "Cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert not warehouse.exists()
