"""Where the pipeline reads from and writes to, configurable per deployment."""

import tempfile
from pathlib import Path

import dagster as dg
from pydantic import Field, ValidationInfo, field_validator

from etl import paths
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
