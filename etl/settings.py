"""Every setting the pipeline reads from the environment, validated once at start-up.

A bad value stops the run before any work, with one sentence naming the variable, the value
and what is accepted, instead of a traceback mid-run or a silently empty load. The Dagster
resources check the values of their fields (set here, or in a run's config) by the same rules.
No other module reads the environment or counts cores: values reach them from one `Settings`,
through the resources or as parameters (tests/test_settings.py checks).
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from etl import paths
from etl.ingest.files import DEFAULT_MAX_FILE_BYTES
from etl.ingest.listing import DEFAULT_SETTLE_SECONDS

DEFAULT_MEMORY_LIMIT = "512MB"
#: Far above any real article (the BBC corpus peaks at 173 mentions): a file beyond it is a machine's output.
DEFAULT_MAX_MENTIONS_PER_ARTICLE = 10_000
_MEMORY = re.compile(r"\d+(\.\d+)?\s*([KMGT]i?B)", re.IGNORECASE)
#: A chunk of per-file work running longer than this is taken to hang (see `etl.parallel.watched`).
DEFAULT_TASK_SECONDS = 600.0
_SCHEDULER = re.compile(r"local|(tcp|tls|ws|wss|ucx)://\S+")
T = TypeVar("T")


class SettingError(ValueError):
    """An environment variable holds a value the pipeline cannot use; the message says which and why."""


@dataclass(frozen=True)
class Rule(Generic[T]):
    """One setting: where it is read from, its default and how its text becomes a value."""

    variable: str
    default: T
    accepted: str  # what `parse` accepts, in words
    parse: Callable[[str], T]  # raises ValueError on anything else

    def check(self, value: object) -> T:
        """The value, parsed from text if it is text; ValueError saying what is accepted otherwise."""
        try:
            return self.parse(value.strip() if isinstance(value, str) else str(value))
        except ValueError:
            raise ValueError(f"{value!r} is not accepted: expected {self.accepted}") from None


def _whole_number(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        number = int(text)
        if number < minimum:
            raise ValueError(text)
        return number

    return parse


def _number(minimum: float, inclusive: bool) -> Callable[[str], float]:
    def parse(text: str) -> float:
        number = float(text)
        if not math.isfinite(number) or number < minimum or (number == minimum and not inclusive):
            raise ValueError(text)
        return number

    return parse


def _memory(text: str) -> str:
    if not _MEMORY.fullmatch(text):
        raise ValueError(text)
    return text


_SWITCH = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _switch(text: str) -> bool:
    try:
        return _SWITCH[text.lower()]
    except KeyError:
        raise ValueError(text) from None


def _scheduler(text: str) -> str:
    if text and not _SCHEDULER.fullmatch(text):
        raise ValueError(text)
    return text


def _path(text: str) -> Path:
    if not text:
        raise ValueError(text)
    return Path(text)


_SWITCH_WORDS = "1, true, yes, on, 0, false, no or off"

#: By `Settings` field name. The settings differ in type, so a rule looked up by name is a
#: Rule[Any]; tests/test_settings.py checks that each yields its field's type.
RULES: dict[str, Rule[Any]] = {
    "landing": Rule("ETL_LANDING_DIR", paths.DEFAULT_LANDING, "a folder path", _path),
    "warehouse": Rule("ETL_WAREHOUSE", paths.DEFAULT_WAREHOUSE, "a file path", _path),
    "workers": Rule("ETL_WORKERS", os.cpu_count() or 1, "a whole number of at least 1", _whole_number(1)),
    "dask_scheduler": Rule(
        "ETL_DASK_SCHEDULER",
        "",
        "empty (processes on this machine), local (a Dask cluster started on this machine) "
        "or a Dask scheduler address such as tcp://10.0.0.5:8786",
        _scheduler,
    ),
    "task_seconds": Rule(
        "ETL_TASK_SECONDS", DEFAULT_TASK_SECONDS, "a number of seconds above 0", _number(0.0, inclusive=False)
    ),
    "settle_seconds": Rule(
        "ETL_SETTLE_SECONDS", DEFAULT_SETTLE_SECONDS, "a number of seconds, 0 or more", _number(0.0, inclusive=True)
    ),
    "max_file_mb": Rule(
        "ETL_MAX_FILE_MB", DEFAULT_MAX_FILE_BYTES / 2**20, "a number of MB above 0", _number(0.0, inclusive=False)
    ),
    "duckdb_memory": Rule(
        "ETL_DUCKDB_MEMORY",
        DEFAULT_MEMORY_LIMIT,
        "a size such as 512MB or 2GiB (units KB, MB, GB, TB, KiB, MiB, GiB, TiB)",
        _memory,
    ),
    "purge_deleted": Rule("ETL_PURGE_DELETED", False, _SWITCH_WORDS, _switch),
    "force_purge": Rule("ETL_PURGE_FORCE", False, _SWITCH_WORDS, _switch),
    "max_mentions_per_article": Rule(
        "ETL_MAX_MENTIONS_PER_ARTICLE",
        DEFAULT_MAX_MENTIONS_PER_ARTICLE,
        "a whole number of at least 1",
        _whole_number(1),
    ),
    # Dagster's own variable: where the UI (`dagster dev`) keeps its instance. The CLI's runs go to the
    # same instance, the project's by default, so the UI shows them too.
    "dagster_home": Rule("DAGSTER_HOME", paths.DEFAULT_DAGSTER_HOME, "a folder path", _path),
    "run_history": Rule("ETL_RUN_HISTORY", True, _SWITCH_WORDS, _switch),
    "lake": Rule("ETL_LAKE_DIR", "", "a folder path, or nothing for no lake", str),
}


@dataclass(frozen=True)
class Settings:
    landing: Path
    warehouse: Path
    workers: int  # processes for per-file work
    dask_scheduler: str  # per-file work on this Dask cluster instead; empty: local processes
    task_seconds: float  # a chunk of per-file work running longer hangs its worker process
    settle_seconds: float  # a file modified more recently is still being written
    max_file_mb: float  # larger files are rejected unread
    duckdb_memory: str  # DuckDB's memory budget during a load
    purge_deleted: bool  # drop the rows of files gone from the landing folder
    force_purge: bool  # purge even when most of the warehouse's files seem gone
    max_mentions_per_article: int  # a file with an article holding more is rejected
    dagster_home: Path  # the Dagster instance `python -m etl build` records its runs in
    run_history: bool  # record the CLI's runs there; off: a temporary instance, forgotten at exit
    lake: str  # folder every publish also writes a snapshot of Parquet files and a views file to; "" for none

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Raises SettingError on the first variable holding a value that is not accepted."""
        values = {}
        for name, rule in RULES.items():
            text = environ.get(rule.variable, "")
            if not text:
                values[name] = rule.default
                continue
            try:
                values[name] = rule.check(text)
            except ValueError:
                raise SettingError(
                    f"{rule.variable}={text!r} is not a valid setting: expected {rule.accepted}."
                ) from None
        return cls(**values)

    def overridden(
        self,
        *,
        landing: Path | None = None,
        warehouse: Path | None = None,
        purge_deleted: bool | None = None,
        force_purge: bool | None = None,
    ) -> Settings:
        """These settings with the values given on the command line; None means not given."""
        return dataclasses.replace(
            self,
            landing=self.landing if landing is None else landing,
            warehouse=self.warehouse if warehouse is None else warehouse,
            purge_deleted=self.purge_deleted if purge_deleted is None else purge_deleted,
            force_purge=self.force_purge if force_purge is None else force_purge,
        )
