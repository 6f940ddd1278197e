"""Where the pipeline reads from and writes to, configurable per deployment."""

from pathlib import Path

import dagster as dg

from etl import paths
from etl.staging import Stage


class LandingFolder(dg.ConfigurableResource):
    """The folder scrapers and people drop raw news files into."""

    path: str

    @property
    def root(self) -> Path:
        return Path(self.path)


class Warehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file, with its staging folder beside it."""

    path: str

    @property
    def file(self) -> Path:
        return Path(self.path)

    @property
    def stage(self) -> Stage:
        return Stage(paths.staging_dir(self.file))
