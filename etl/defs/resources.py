"""Where the pipeline reads from and writes to, configurable per deployment."""

import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import dagster as dg
from pydantic import Field, ValidationInfo, field_validator

from etl import paths
from etl.parallel import Progress, map_chunks
from etl.settings import RULES
from etl.staging.store import Stage


class CheckedBySettings(dg.ConfigurableResource):
    """A resource whose fields named like a setting are checked by that setting's rule (see
    `etl.settings`), whether they come from the environment or from a run's config."""

    @field_validator("*", mode="before")
    @classmethod
    def _by_settings_rule(cls, value: object, info: ValidationInfo) -> object:
        rule = RULES.get(info.field_name) if info.field_name else None
        return value if rule is None else rule.check(value)


class LandingFolder(CheckedBySettings):
    """The folder scrapers and people drop raw news files into."""

    path: str
    settle_seconds: float = Field(
        default=RULES["settle_seconds"].default,
        description="A file modified more recently than this is still being written and waits for the next run.",
    )
    max_file_mb: float = Field(
        default=RULES["max_file_mb"].default,
        description="Files larger than this many MB are rejected without being read.",
    )

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 2**20)

    @property
    def root(self) -> Path:
        return Path(self.path)


class Warehouse(CheckedBySettings):
    """The DuckDB warehouse file, with its staging folder beside it."""

    path: str
    workers: int = Field(default=RULES["workers"].default, description="Processes for per-file work.")
    dask_scheduler: str = Field(
        default=RULES["dask_scheduler"].default,
        description="Run per-file work on this Dask cluster (a scheduler address, or local for one started "
        "here) instead of local processes.",
    )
    task_seconds: float = Field(
        default=RULES["task_seconds"].default,
        description="A chunk of per-file work running longer than this ends its worker process as hung; "
        "a file that does so on every try is rejected.",
    )
    duckdb_memory: str = Field(
        default=RULES["duckdb_memory"].default,
        description="DuckDB's memory budget during a load; beyond it, it spills to disk.",
    )
    purge_deleted: bool = Field(
        default=RULES["purge_deleted"].default,
        description="Drop the rows of files gone from the landing folder instead of keeping them marked deleted.",
    )
    force_purge: bool = Field(
        default=RULES["force_purge"].default,
        description="Purge even when more than half of the warehouse's files are gone from the landing folder.",
    )
    max_mentions_per_article: int = Field(
        default=RULES["max_mentions_per_article"].default,
        description="A file with an article holding more mentions than this is rejected, not published.",
    )
    lake: str = Field(
        default=RULES["lake"].default,
        description="A folder every publish also writes a snapshot to (Parquet files and a views file), "
        "for readers on other machines; empty for none.",
    )

    @property
    def file(self) -> Path:
        return Path(self.path)

    @property
    def lake_dir(self) -> Path | None:
        return Path(self.lake) if self.lake else None

    @property
    def stage(self) -> Stage:
        return Stage(paths.staging_dir(self.file))

    def map_files(self, task: Callable, items: Sequence, on_progress: Callable[[Progress], None]) -> Iterator:
        """`task` over chunks of items on the engine configured: local processes or the Dask cluster."""
        from etl import distributed

        root = str(self.stage.root.absolute())  # the same path for workers started elsewhere
        if self.dask_scheduler:
            return distributed.map_chunks(
                self.dask_scheduler, self.workers, self.task_seconds, task, root, items, on_progress
            )

        def rescue(rest: Sequence) -> Iterator:
            """After a worker process died: the rest on a cluster started here, which finds the bad file."""
            return distributed.map_chunks("local", self.workers, self.task_seconds, task, root, rest, on_progress)

        return map_chunks(task, root, items, self.workers, on_progress, self.task_seconds, rescue)

    def writable_problem(self) -> str | None:
        """Why the warehouse and its staging folder cannot be written, or None."""
        for folder in (self.file.parent, self.stage.root):
            try:
                folder.mkdir(parents=True, exist_ok=True)
                with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-test-"):
                    pass
            except OSError as exc:
                return f"Cannot write to {folder}: {exc.strerror or exc}."
        return None
