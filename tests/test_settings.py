"""Settings are validated once, up front: a bad value is one clear sentence, never a traceback or an empty load."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pydantic
import pytest

from etl.defs.resources import LandingFolder, Warehouse
from etl.settings import RULES, Settings, SettingError


def _build(landing: Path, warehouse: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", "build", "--landing", str(landing), "--warehouse", str(warehouse),
                           *args], capture_output=True, text=True, timeout=300, env={**os.environ, **env})


@pytest.mark.parametrize("variable, value, accepted", [
    ("ETL_WORKERS", "abc", "a whole number of at least 1"),
    ("ETL_WORKERS", "0", "a whole number of at least 1"),
    ("ETL_SETTLE_SECONDS", "nan", "a number of seconds, 0 or more"),
    ("ETL_SETTLE_SECONDS", "-1", "a number of seconds, 0 or more"),
    ("ETL_MAX_FILE_MB", "0", "a number of MB above 0"),
    ("ETL_DUCKDB_MEMORY", "lots", "a size such as 512MB"),
    ("ETL_PURGE_DELETED", "maybe", "1, true, yes, on, 0, false, no or off"),
    ("ETL_PURGE_FORCE", "2", "1, true, yes, on, 0, false, no or off"),
])
def test_a_bad_setting_stops_the_build_with_one_sentence(tmp_path: Path, landing: Path, variable: str, value: str,
                                                         accepted: str):
    result = _build(landing, tmp_path / "w.duckdb", **{variable: value})
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {variable}={value!r} is not a valid setting: expected {accepted}")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_settings_are_read_from_the_environment_with_defaults_for_the_rest():
    settings = Settings.from_environment({"ETL_WORKERS": "3", "ETL_SETTLE_SECONDS": "0", "ETL_MAX_FILE_MB": "0.5",
                                          "ETL_DUCKDB_MEMORY": "1.5 GiB", "ETL_PURGE_DELETED": "Yes",
                                          "ETL_WAREHOUSE": "/data/w.duckdb", "ETL_PURGE_FORCE": ""})
    assert (settings.workers, settings.settle_seconds, settings.max_file_mb) == (3, 0.0, 0.5)
    assert (settings.duckdb_memory, settings.purge_deleted, settings.force_purge) == ("1.5 GiB", True, False)
    assert settings.warehouse == Path("/data/w.duckdb") and settings.landing == RULES["landing"].default
    with pytest.raises(SettingError, match="ETL_SETTLE_SECONDS='inf'"):
        Settings.from_environment({"ETL_SETTLE_SECONDS": "inf"})


@pytest.mark.parametrize("size", ["512MB", "100 mb", "2GiB", "1.5GB", "64KiB", "1TB"])
def test_every_memory_budget_accepted_is_one_duckdb_accepts(size: str):
    assert RULES["duckdb_memory"].check(size) == size
    duckdb.connect(config={"memory_limit": size}).close()


def test_resources_check_their_fields_by_the_same_rules():
    assert Warehouse(path="w.duckdb", workers="2", purge_deleted="on").workers == 2
    for resource, field, value in [(Warehouse, "workers", 0), (Warehouse, "duckdb_memory", "lots"),
                                   (LandingFolder, "settle_seconds", float("nan")), (LandingFolder, "max_file_mb", -1)]:
        with pytest.raises(pydantic.ValidationError, match=RULES[field].accepted[:20]):
            resource(path="x", **{field: value})


def test_a_purge_of_most_of_the_warehouse_is_refused_unless_forced(tmp_path: Path, landing: Path):
    """An unmounted landing folder looks empty: purging would wipe the warehouse."""
    warehouse = tmp_path / "w.duckdb"
    assert _build(landing, warehouse).returncode == 0
    empty = tmp_path / "unmounted"
    empty.mkdir()
    refused = _build(empty, warehouse, ETL_PURGE_DELETED="1")
    assert refused.returncode == 1
    assert "Purge refused: the load would drop 5 of the warehouse's 5 files" in refused.stderr
    assert "--force-purge or ETL_PURGE_FORCE=1" in refused.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:  # untouched, not even marked deleted
        assert con.execute("SELECT count(*), count(*) FILTER (status = 'loaded') FROM dim_source_file").fetchall() \
            == [(5, 5)]
    assert not [p.name for p in tmp_path.iterdir() if ".loading" in p.name]
    forced = _build(empty, warehouse, "--force-purge", ETL_PURGE_DELETED="1")
    assert forced.returncode == 0, forced.stderr[-2000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM dim_source_file").fetchall() == [(0,)]


def test_a_purge_of_fewer_than_half_the_files_goes_ahead(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "w.duckdb"
    assert _build(landing, warehouse).returncode == 0
    for path in sorted(landing.iterdir())[:2]:
        path.unlink()
    result = _build(landing, warehouse, "--purge-deleted")
    assert result.returncode == 0, result.stderr[-2000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM dim_source_file").fetchall() == [(3,)]
