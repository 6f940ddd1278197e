"""Where the pipeline reads from and writes to, configurable per deployment."""

import os
import tempfile
from pathlib import Path

import dagster as dg
from pydantic import Field

from etl import paths
from etl.ingest import DEFAULT_MAX_FILE_BYTES, DEFAULT_SETTLE_SECONDS
from etl.parallel import default_workers
from etl.staging import DEFAULT_MAX_MENTIONS_PER_ARTICLE, MAX_MENTIONS_ENV, Stage


SETTLE_ENV = "ETL_SETTLE_SECONDS"
MAX_FILE_ENV = "ETL_MAX_FILE_MB"
PURGE_ENV = "ETL_PURGE_DELETED"


class LandingFolder(dg.ConfigurableResource):
    """The folder scrapers and people drop raw news files into."""

    path: str
    settle_seconds: float = Field(
        default_factory=lambda: float(os.environ.get(SETTLE_ENV, DEFAULT_SETTLE_SECONDS)),
        description="A file modified more recently than this is still being written and waits for the next run.",
    )

    max_file_mb: float = Field(
        default_factory=lambda: float(os.environ.get(MAX_FILE_ENV, DEFAULT_MAX_FILE_BYTES / 2**20)),
        description="Files larger than this many MB are rejected without being read.",
    )

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 2**20)

    @property
    def root(self) -> Path:
        return Path(self.path)


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file, with its staging folder beside it."""

    path: str
    workers: int = Field(default_factory=default_workers,
                         description="Processes for per-file work (default: $ETL_WORKERS or every core).")
    purge_deleted: bool = Field(
        default_factory=lambda: os.environ.get(PURGE_ENV, "") not in ("", "0", "false", "no"),
        description="Drop the rows of files gone from the landing folder instead of keeping them marked deleted.",
    )
    max_mentions_per_article: int = Field(
        default_factory=lambda: int(os.environ.get(MAX_MENTIONS_ENV, DEFAULT_MAX_MENTIONS_PER_ARTICLE)), gt=0,
        validate_default=True,
        description="A file with an article holding more mentions than this is rejected, not published.",
    )

    @property
    def file(self) -> Path:
        return Path(self.path)

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
