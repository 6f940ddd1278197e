"""Settings are validated once, up front: a bad value is one clear sentence, never a traceback or an empty load."""

import ast
import dataclasses
import os
import shutil
import subprocess
import sys
import typing
from pathlib import Path

import duckdb
import pydantic
import pytest

from etl.defs.resources import LandingFolder, Warehouse
from etl.settings import RULES, SettingError, Settings
from helpers import PROJECT, build

PACKAGE = Path(__file__).resolve().parent.parent / "etl"
#: What reads configuration from the process: the environment, directly or through Dagster, and the core count.
ENVIRONMENT_READERS = {
    "environ",
    "environb",
    "getenv",
    "getenvb",
    "EnvVar",
    "cpu_count",
    "process_cpu_count",
    "sched_getaffinity",
}
#: Written, not read: worker processes must start with Polars on one thread (see `etl.workers`).
ALLOWED_WRITE = ("workers.py", "POLARS_MAX_THREADS")


@pytest.mark.parametrize(
    "variable, value, accepted",
    [
        ("ETL_WORKERS", "abc", "a whole number of at least 1"),
        ("ETL_WORKERS", "0", "a whole number of at least 1"),
        ("ETL_SETTLE_SECONDS", "nan", "a number of seconds, 0 or more"),
        ("ETL_SETTLE_SECONDS", "-1", "a number of seconds, 0 or more"),
        ("ETL_MAX_FILE_MB", "0", "a number of MB above 0"),
        ("ETL_DUCKDB_MEMORY", "lots", "a size such as 512MB"),
        ("ETL_PURGE_DELETED", "maybe", "1, true, yes, on, 0, false, no or off"),
        ("ETL_PURGE_FORCE", "2", "1, true, yes, on, 0, false, no or off"),
        ("ETL_DASK_SCHEDULER", "10.0.0.5:8786", "empty (processes on this machine), local"),
        ("ETL_TASK_SECONDS", "0", "a number of seconds above 0"),
    ],
)
def test_a_bad_setting_stops_the_build_with_one_sentence(
    tmp_path: Path, landing: Path, variable: str, value: str, accepted: str
):
    result = build("--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb"), **{variable: value})
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {variable}={value!r} is not a valid setting: expected {accepted}")
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "w.duckdb").exists()


def _environment_reads(path: Path) -> list[str]:
    """`file:line name` of every use of an environment reader in a module, but the one allowed write."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = {
        id(node.value)
        for node in ast.walk(tree)  # the `os.environ` of `os.environ[key] = ...`
        if isinstance(node, ast.Subscript)
        and isinstance(node.ctx, ast.Store)
        and isinstance(node.slice, ast.Constant)
        and (path.name, node.slice.value) == ALLOWED_WRITE
    }
    found = []
    for node in ast.walk(tree):
        names = (
            [node.attr]
            if isinstance(node, ast.Attribute) and id(node) not in allowed
            else [node.id]
            if isinstance(node, ast.Name)
            else [alias.name for alias in node.names]
            if isinstance(node, ast.ImportFrom)
            else []
        )
        found += [
            f"{path.relative_to(PACKAGE.parent)}:{node.lineno} {name}" for name in names if name in ENVIRONMENT_READERS
        ]
    return found


def test_no_module_but_settings_reads_the_environment():
    """Configuration is read once, in `etl.settings`, and passed down: a module reading a variable
    of its own would escape validation and could disagree with the resources."""
    modules = sorted(path for path in PACKAGE.rglob("*.py") if path != PACKAGE / "settings.py")
    assert len(modules) > 30 and _environment_reads(PACKAGE / "settings.py")  # the scan sees reads where they are
    assert [read for path in modules for read in _environment_reads(path)] == []


def test_settings_are_read_from_the_environment_with_defaults_for_the_rest():
    settings = Settings.from_environment(
        {
            "ETL_WORKERS": "3",
            "ETL_SETTLE_SECONDS": "0",
            "ETL_MAX_FILE_MB": "0.5",
            "ETL_DUCKDB_MEMORY": "1.5 GiB",
            "ETL_PURGE_DELETED": "Yes",
            "ETL_WAREHOUSE": "/data/w.duckdb",
            "ETL_PURGE_FORCE": "",
        }
    )
    assert (settings.workers, settings.settle_seconds, settings.max_file_mb) == (3, 0.0, 0.5)
    assert (settings.duckdb_memory, settings.purge_deleted, settings.force_purge) == ("1.5 GiB", True, False)
    assert settings.warehouse == Path("/data/w.duckdb") and settings.landing == RULES["landing"].default
    with pytest.raises(SettingError, match="ETL_SETTLE_SECONDS='inf'"):
        Settings.from_environment({"ETL_SETTLE_SECONDS": "inf"})


#: Settings only `python -m etl build` reads (where it records its runs).
CLI_ONLY = ("dagster_home", "run_history")
#: A value other than the default for every setting.
NOT_DEFAULTS = {
    "ETL_LANDING_DIR": "/data/landing",
    "ETL_WAREHOUSE": "/data/w.duckdb",
    "ETL_WORKERS": "3",
    "ETL_SETTLE_SECONDS": "7.5",
    "ETL_MAX_FILE_MB": "2",
    "ETL_DUCKDB_MEMORY": "300MB",
    "ETL_PURGE_DELETED": "yes",
    "ETL_PURGE_FORCE": "on",
    "ETL_MAX_MENTIONS_PER_ARTICLE": "42",
    "DAGSTER_HOME": "/data/dagster",
    "ETL_RUN_HISTORY": "off",
    "ETL_DASK_SCHEDULER": "tcp://10.0.0.5:8786",
    "ETL_TASK_SECONDS": "90",
    "ETL_LAKE_DIR": "/data/lake",
}


def test_every_rule_yields_the_type_of_its_settings_field():
    """The rules are looked up by name (typed Any there): here each default and parsed value is checked
    against the field it fills."""
    fields = typing.get_type_hints(Settings)
    assert set(fields) == set(RULES)
    for name, rule in RULES.items():
        assert isinstance(rule.default, fields[name]), name
        assert isinstance(rule.check(NOT_DEFAULTS[rule.variable]), fields[name]), name


def test_every_setting_in_the_environment_reaches_the_resources_through_one_settings_object(
    monkeypatch: pytest.MonkeyPatch,
):
    from etl.definitions import build_definitions

    assert set(NOT_DEFAULTS) == {rule.variable for rule in RULES.values()}
    for variable, value in NOT_DEFAULTS.items():
        monkeypatch.setenv(variable, value)
    expected = {name: rule.check(NOT_DEFAULTS[rule.variable]) for name, rule in RULES.items()}
    assert all(expected[name] != rule.default for name, rule in RULES.items())
    resources = build_definitions().resources
    landing, warehouse = resources["landing"], resources["warehouse"]
    given = {
        "landing": Path(landing.path),
        "warehouse": Path(warehouse.path),
        **{
            name: getattr(resource, name)
            for resource in (landing, warehouse)
            for name in type(resource).model_fields
            if name != "path"
        },
    }
    assert given == {name: value for name, value in expected.items() if name not in CLI_ONLY}
    assert dataclasses.asdict(Settings.from_environment()) == expected


def test_the_memory_budget_in_the_environment_is_the_one_duckdb_loads_with(tmp_path: Path, landing: Path):
    """1 MB is far too little to publish the samples: DuckDB's error shows the budget it was given."""
    warehouse = tmp_path / "w.duckdb"
    result = build("--landing", str(landing), "--warehouse", str(warehouse), ETL_DUCKDB_MEMORY="1MB")
    assert result.returncode == 1
    assert "Out of Memory Error" in result.stderr and "/976.5 KiB used)" in result.stderr  # 1 MB = 10⁶ bytes
    assert not warehouse.exists()
    assert build("--landing", str(landing), "--warehouse", str(warehouse), ETL_DUCKDB_MEMORY="100MB").returncode == 0


def test_a_build_records_its_run_in_the_dagster_instance_dagster_home_names(tmp_path: Path, landing: Path):
    import dagster as dg

    home = tmp_path / "instance"  # created by the build
    where = ("--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb"))
    assert build(*where, DAGSTER_HOME=str(home), ETL_RUN_HISTORY="on").returncode == 0
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
    assert [(run.job_name, run.status) for run in runs] == [("ingest_job", dg.DagsterRunStatus.SUCCESS)]
    assert build(*where, DAGSTER_HOME=str(home), ETL_RUN_HISTORY="off").returncode == 0  # a temporary instance
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert len(instance.get_runs()) == 1


def test_without_dagster_home_a_build_records_its_run_where_the_ui_command_looks(tmp_path: Path, landing: Path):
    """In a checkout, `dagster_home/` beside the code: what the README's `dagster dev` command opens,
    so the first build of the samples shows in the UI. Run from a copy of the checkout, elsewhere."""
    import dagster as dg

    checkout, elsewhere = tmp_path / "checkout", tmp_path / "elsewhere"
    shutil.copytree(PROJECT / "etl", checkout / "etl", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "pyproject.toml", checkout)
    (checkout / "dagster_home").mkdir()
    shutil.copy(PROJECT / "dagster_home" / "dagster.yaml", checkout / "dagster_home")
    elsewhere.mkdir()
    environment = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", "ETL_RUN_HISTORY")}
    built = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb")],
        cwd=elsewhere,
        env={**environment, "PYTHONPATH": str(checkout)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    with dg.DagsterInstance.from_config(str(checkout / "dagster_home")) as instance:
        assert [run.status for run in instance.get_runs()] == [dg.DagsterRunStatus.SUCCESS]
        assert not instance.telemetry_enabled  # the settings of its dagster.yaml
    assert list(elsewhere.iterdir()) == []
    assert "DAGSTER_HOME=$PWD/dagster_home .venv/bin/dagster dev" in (PROJECT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("size", ["512MB", "100 mb", "2GiB", "1.5GB", "64KiB", "1TB"])
def test_every_memory_budget_accepted_is_one_duckdb_accepts(size: str):
    assert RULES["duckdb_memory"].check(size) == size
    duckdb.connect(config={"memory_limit": size}).close()


def test_resources_check_their_fields_by_the_same_rules():
    assert Warehouse(path="w.duckdb", workers="2", purge_deleted="on").workers == 2
    for resource, field, value in [
        (Warehouse, "workers", 0),
        (Warehouse, "duckdb_memory", "lots"),
        (LandingFolder, "settle_seconds", float("nan")),
        (LandingFolder, "max_file_mb", -1),
    ]:
        with pytest.raises(pydantic.ValidationError, match=RULES[field].accepted[:20]):
            resource(path="x", **{field: value})


def test_a_purge_of_most_of_the_warehouse_is_refused_unless_forced(tmp_path: Path, landing: Path):
    """An unmounted landing folder looks empty: purging would wipe the warehouse."""
    warehouse = tmp_path / "w.duckdb"
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    empty = tmp_path / "unmounted"
    empty.mkdir()
    refused = build("--landing", str(empty), "--warehouse", str(warehouse), ETL_PURGE_DELETED="1")
    assert refused.returncode == 1
    assert "Purge refused: the load would drop 5 of the warehouse's 5 files" in refused.stderr
    assert "--force-purge or ETL_PURGE_FORCE=1" in refused.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:  # untouched, not even marked deleted
        assert con.execute("SELECT count(*), count(*) FILTER (status = 'loaded') FROM dim_source_file").fetchall() == [
            (5, 5)
        ]
    assert not [p.name for p in tmp_path.iterdir() if ".loading" in p.name]
    forced = build("--landing", str(empty), "--warehouse", str(warehouse), "--force-purge", ETL_PURGE_DELETED="1")
    assert forced.returncode == 0, forced.stderr[-2000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM dim_source_file").fetchall() == [(0,)]


def test_a_purge_of_fewer_than_half_the_files_goes_ahead(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "w.duckdb"
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    for path in sorted(landing.iterdir())[:2]:
        path.unlink()
    result = build("--landing", str(landing), "--warehouse", str(warehouse), "--purge-deleted")
    assert result.returncode == 0, result.stderr[-2000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM dim_source_file").fetchall() == [(3,)]
