"""The sensor keeps the warehouse in step with the landing folder: a run per change, retries after
failures, nothing left behind. Ticks are evaluated as the daemon evaluates them, and the runs they
request are executed in process."""

import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import dagster as dg
import duckdb
import pytest

import etl.defs.automation
import etl.load.publishing
from etl.definitions import build_definitions
from etl.defs.automation import landing_sensor
from etl.defs.resources import LandingFolder, Warehouse
from helpers import settle

NEW_ARTICLE = "A new title\n\nKeir Starmer said Labour would win in London.\n"


class SensorDaemon:
    """Ticks of `landing_sensor` as the daemon runs them: the cursor carries over, a request whose
    run key an earlier run already has is dropped, the others run tagged as the daemon tags them."""

    def __init__(self, instance: dg.DagsterInstance, landing: Path, warehouse: Path):
        self.instance = instance
        self.resources = {"landing": LandingFolder(path=str(landing)), "warehouse": Warehouse(path=str(warehouse))}
        self.job = build_definitions(landing, warehouse).resolve_job_def("ingest_job")
        self.cursor: str | None = None
        self.skip_reason: str | None = None
        self.run_keys: list[str] = []

    def tick(self) -> list[bool]:
        """The success of every run the tick started."""
        context = dg.build_sensor_context(instance=self.instance, cursor=self.cursor, resources=self.resources)
        result = landing_sensor(context)
        if isinstance(result, dg.SkipReason):
            self.skip_reason = result.skip_message
            return []
        self.cursor = result.cursor
        self.skip_reason = result.skip_reason.skip_message if result.skip_reason else None
        started = []
        for request in result.run_requests or []:
            if self.instance.get_runs(dg.RunsFilter(tags={"dagster/run_key": request.run_key})):
                continue
            self.run_keys.append(request.run_key)
            tags = {**request.tags, "dagster/run_key": request.run_key, "dagster/sensor_name": landing_sensor.name}
            started.append(self.job.execute_in_process(instance=self.instance, raise_on_error=False, tags=tags).success)
        return started


def _query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_sensor_runs_once_per_change_even_back_to_an_earlier_listing(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "w.duckdb"
    new = landing / "005_new.txt"
    with dg.instance_for_test() as instance:
        daemon = SensorDaemon(instance, landing, warehouse)
        assert daemon.tick() == [True]
        assert daemon.tick() == [] and daemon.skip_reason == "The warehouse holds the landing folder as it is."
        new.write_text(NEW_ARTICLE, encoding="utf-8")
        assert daemon.tick() == []  # still being written, as far as anyone can tell
        settle(new)
        assert daemon.tick() == [True]
        new.unlink()  # the folder is back to its listing of the first run
        assert daemon.tick() == [True]
        assert daemon.tick() == []
    assert len(set(daemon.run_keys)) == 3
    assert _query(warehouse, "SELECT status FROM dim_source_file WHERE source_file = '005_new.txt'") == [("deleted",)]


@contextmanager
def _publishing_fails(monkeypatch: pytest.MonkeyPatch):
    """Every load fails to write the warehouse, as on a full disk."""

    def refuse(*args, **kwargs):
        raise etl.load.publishing.PublishError("Could not write the warehouse: No space left on device.")

    with monkeypatch.context() as patched:
        patched.setattr(etl.load.publishing, "publish", refuse)
        yield


def test_a_failed_run_is_retried_without_any_folder_change(
    tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch
):
    warehouse = tmp_path / "w.duckdb"
    with dg.instance_for_test() as instance:
        daemon = SensorDaemon(instance, landing, warehouse)
        assert daemon.tick() == [True]
        (landing / "005_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        settle(landing)
        with _publishing_fails(monkeypatch):
            assert daemon.tick() == [False]
            assert daemon.tick() == [False]  # the first failure is retried at the next tick
            assert daemon.tick() == []  # further ones back off
            assert daemon.skip_reason.startswith("The last 2 runs for the landing folder as it is failed; the next try")
        now = time.time
        monkeypatch.setattr(etl.defs.automation, "time", SimpleNamespace(time=lambda: now() + 121))
        assert daemon.tick() == [True]  # the folder is as it was: only the retry loads the new file
        assert daemon.tick() == []
    assert _query(warehouse, "SELECT count(*) FROM articles") == [(9,)]


def test_a_file_rewritten_after_fingerprinting_is_left_for_the_next_run(
    tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch
):
    import etl.planning

    warehouse = tmp_path / "w.duckdb"
    new = landing / "005_new.txt"
    new.write_text("Half a title\n\nHalf a bo", encoding="utf-8")
    settle(new)
    real = etl.planning.fingerprint

    def fingerprint_then_rewrite(path: Path, *args):
        found = real(path, *args)
        if path == new and found[0].size_bytes != len(NEW_ARTICLE):  # a writer finishes the file meanwhile
            new.write_text(NEW_ARTICLE, encoding="utf-8")
            settle(new)
        return found

    monkeypatch.setattr(etl.planning, "fingerprint", fingerprint_then_rewrite)
    with dg.instance_for_test() as instance:
        daemon = SensorDaemon(instance, landing, warehouse)
        assert daemon.tick() == [True]
        assert _query(warehouse, "SELECT count(*) FROM dim_source_file WHERE source_file = '005_new.txt'") == [(0,)]
        assert daemon.tick() == [True]  # the warehouse does not hold the folder as it is: the next run loads it
        assert daemon.tick() == []
    assert _query(warehouse, "SELECT status FROM dim_source_file WHERE source_file = '005_new.txt'") == [("loaded",)]
    assert _query(warehouse, "SELECT title FROM articles WHERE source_file = '005_new.txt'") == [("A new title",)]
