"""How long a failed sensor run takes to be made good, with no change to the landing folder.

    python benchmarks/bench_sensor_retry.py

Builds a warehouse from the bundled samples, adds one file, and puts a file where the warehouse's
staging folder belongs (as storage not ready yet would), so the run the sensor requests fails.
Then it starts the Dagster daemon on a fresh instance, puts the staging folder back as soon as
the run has failed, and prints when each run was created and ended and
the time from the failed run to the new file being in the warehouse. Takes one or two minutes:
the sensor ticks at most once a minute.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dagster as dg
import duckdb

from etl.defs.automation import SENSOR_INTERVAL_SECONDS
from etl.paths import staging_dir

PROJECT = Path(__file__).resolve().parent.parent
SEEDS = PROJECT / "warehouse" / "landing"
NEW_ARTICLE = "A new title\n\nKeir Starmer said Labour would win in London.\n"
TIMEOUT_SECONDS = 600


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="etl-sensor-retry-"))
    landing, warehouse, home = work / "landing", work / "news.duckdb", work / "dagster_home"
    shutil.copytree(SEEDS, landing)
    home.mkdir()
    shutil.copy(PROJECT / "dagster_home" / "dagster.yaml", home)
    env = {**os.environ, "DAGSTER_HOME": str(home), "ETL_LANDING_DIR": str(landing), "ETL_WAREHOUSE": str(warehouse)}
    _age(landing)
    subprocess.run(
        [sys.executable, "-m", "etl", "build"],
        cwd=PROJECT,
        env={**env, "ETL_RUN_HISTORY": "off"},
        check=True,
        capture_output=True,
    )
    (landing / "005_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    _age(landing)
    staging = staging_dir(warehouse)
    staging.rename(staging.with_name(staging.name + ".away"))
    staging.write_text("not a folder")  # the run finds its staging folder unusable and fails
    daemon = subprocess.Popen(
        [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-w", "workspace.yaml"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    started = time.time()
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        with dg.DagsterInstance.get() as instance:
            failed = _wait_for(lambda: _runs(instance, dg.DagsterRunStatus.FAILURE), "a failed run")[0]
            staging.unlink()
            staging.with_name(staging.name + ".away").rename(staging)
            released = time.time()
            _wait_for(lambda: _articles(warehouse) == 9, "the new file in the warehouse")
            loaded = time.time()
            _wait_for(lambda: _runs(instance, dg.DagsterRunStatus.SUCCESS), "the run to end")
            for record in reversed(instance.get_run_records(limit=10)):
                print(
                    f"run {record.dagster_run.run_id[:8]} {record.dagster_run.status.value:8} created "
                    f"{record.create_timestamp.timestamp() - started:6.1f} s, ended {record.end_time - started:6.1f} s "
                    f"after the daemon started"
                )
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait()
    print(
        f"sensor interval {SENSOR_INTERVAL_SECONDS} s; failed run ended {failed.end_time - started:.1f} s after the "
        f"daemon started; staging folder back {released - failed.end_time:.1f} s after; the new file was loaded "
        f"{loaded - failed.end_time:.1f} s after the failed run ended, with no change to the folder"
    )
    shutil.rmtree(work)


def _runs(instance: dg.DagsterInstance, status: dg.DagsterRunStatus) -> list:
    return list(instance.get_run_records(dg.RunsFilter(statuses=[status])))


def _articles(warehouse: Path) -> int | None:
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            return con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
    except duckdb.Error:
        return None


def _wait_for(found, what: str):
    deadline = time.time() + TIMEOUT_SECONDS
    while time.time() < deadline:
        result = found()
        if result:
            return result
        time.sleep(0.5)
    raise SystemExit(f"gave up waiting for {what} after {TIMEOUT_SECONDS} s")


def _age(folder: Path) -> None:
    past = time.time() - 60
    for file in folder.iterdir():
        os.utime(file, (past, past))


if __name__ == "__main__":
    main()
