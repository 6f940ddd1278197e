"""Code location: every asset, check, job, sensor and schedule with its resources."""

from __future__ import annotations

import warnings
from pathlib import Path

import dagster as dg

from etl.defs import assets, automation, reports
from etl.defs.resources import LandingFolder, Warehouse
from etl.settings import Settings


def build_definitions(
    landing: Path | None = None,
    warehouse: Path | None = None,
    settings: Settings | None = None,
) -> dg.Definitions:
    """The one graph the UI, the sensor, the schedule and `python -m etl build` all run. Settings
    not given are read from the environment (raising SettingError on a bad value); a landing
    folder or warehouse given overrides theirs."""
    settings = (settings or Settings.from_environment()).overridden(landing=landing, warehouse=warehouse)
    with warnings.catch_warnings():
        # Beta means it may change in a minor release: Dagster is pinned to one version, tested with it.
        warnings.filterwarnings("ignore", r"Function `build_column_schema_change_checks`", dg.BetaWarning)
        schema_checks = dg.build_column_schema_change_checks(assets=[assets.warehouse_tables])
    return dg.Definitions(
        assets=dg.load_assets_from_modules([assets, reports]),
        asset_checks=schema_checks,
        jobs=[automation.ingest_job],
        sensors=[automation.landing_sensor],
        schedules=[automation.daily_ingest],
        resources={
            "landing": LandingFolder(
                path=str(settings.landing), settle_seconds=settings.settle_seconds, max_file_mb=settings.max_file_mb
            ),
            "warehouse": Warehouse(
                path=str(settings.warehouse),
                workers=settings.workers,
                dask_scheduler=settings.dask_scheduler,
                task_seconds=settings.task_seconds,
                duckdb_memory=settings.duckdb_memory,
                purge_deleted=settings.purge_deleted,
                force_purge=settings.force_purge,
                max_mentions_per_article=settings.max_mentions_per_article,
                lake=settings.lake,
            ),
        },
    )


defs = build_definitions()
