"""Code location: every asset, check, job, sensor and schedule with its resources."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from etl import paths
from etl.defs import assets, automation
from etl.defs.resources import LandingFolder, Warehouse


def build_definitions(
    landing: Path | None = None, warehouse: Path | None = None, purge_deleted: bool | None = None,
) -> dg.Definitions:
    """The one graph the UI, the sensor, the schedule and `python -m etl build` all run."""
    warehouse_config = {"path": str(warehouse or paths.warehouse_file())}
    if purge_deleted is not None:
        warehouse_config["purge_deleted"] = purge_deleted
    return dg.Definitions(
        assets=dg.load_assets_from_modules([assets]),
        asset_checks=dg.build_column_schema_change_checks(assets=[assets.warehouse_tables]),
        jobs=[automation.ingest_job],
        sensors=[automation.landing_sensor],
        schedules=[automation.daily_ingest],
        resources={
            "landing": LandingFolder(path=str(landing or paths.landing_dir())),
            "warehouse": Warehouse(**warehouse_config),
        },
    )


defs = build_definitions()
