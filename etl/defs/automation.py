"""The ingest job, a sensor that keeps the warehouse in step with the landing folder, and a daily
backstop schedule."""

import json
import time
from datetime import datetime, timezone
from itertools import takewhile

import dagster as dg

from etl.defs.assets import LANDING_STATE
from etl.defs.resources import LandingFolder, Warehouse
from etl.ingest.listing import look_at

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.all(),
    description="Ingest new and changed files from the landing folder and publish them to the warehouse.",
)


SENSOR_INTERVAL_SECONDS = 60
#: After this many failed runs in a row for the same listing, retries back off to this delay at most.
MAX_RETRY_DELAY_SECONDS = 3600
RETRY_HISTORY = 8  # enough failed runs to reach the longest delay
#: Tag of the runs the sensor requests: the listing state each was requested for.
STATE_TAG = "etl/landing_state"


@dg.sensor(
    job=ingest_job,
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts an ingest run whenever the landing folder's listing differs from what the warehouse "
    "last loaded, until a run has loaded it: a failed run is retried, backing off while failures repeat.",
)
def landing_sensor(context: dg.SensorEvaluationContext, landing: LandingFolder, warehouse: Warehouse):
    if not landing.root.is_dir():
        return dg.SkipReason(f"Landing folder {landing.root} does not exist.")
    cursor = json.loads(context.cursor) if context.cursor and context.cursor.startswith("{") else {}
    requests = cursor.get("requests", 0)
    listing = look_at(landing.root, landing.settle_seconds, cursor.get("unsettled", {}))
    state = listing.state
    wait = _reason_to_wait(context.instance, state, warehouse)
    if wait:
        return dg.SensorResult(skip_reason=wait, cursor=_cursor(requests, listing.unsettled))
    # Numbered: a listing seen before (a deletion undoing an addition, a retry) still gets a run of its own.
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"{state}-{requests + 1}", tags={STATE_TAG: state})],
        cursor=_cursor(requests + 1, listing.unsettled),
    )


def _cursor(requests: int, unsettled: dict) -> str:
    """The runs requested so far (numbering run keys) and the files not settled by the clock at this look."""
    return json.dumps({"requests": requests, "unsettled": unsettled})


def _reason_to_wait(instance: dg.DagsterInstance, state: str, warehouse: Warehouse) -> str | None:
    """Why no run is needed for this listing state now, or None."""
    if state == _state_held(instance, warehouse):
        return "The warehouse holds the landing folder as it is."
    runs = instance.get_run_records(dg.RunsFilter(tags={STATE_TAG: state}), limit=RETRY_HISTORY)
    if runs and not runs[0].dagster_run.is_finished:
        return "A run for the landing folder as it is is queued or running."
    failed = list(
        takewhile(lambda r: r.dagster_run.status in (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED), runs)
    )
    last_failed = failed[0].end_time or failed[0].create_timestamp.timestamp() if failed else 0.0
    retry_at = last_failed + _retry_delay(len(failed))
    if time.time() < retry_at:
        at = datetime.fromtimestamp(retry_at, timezone.utc).strftime("%H:%M:%S UTC")
        return f"The last {len(failed)} runs for the landing folder as it is failed; the next try is at {at}."
    return None


def _retry_delay(failures: int) -> float:
    """The first failure is retried at the next tick; each further one doubles the wait, up to an hour."""
    return 0.0 if failures < 2 else min(SENSOR_INTERVAL_SECONDS * 2 ** (failures - 1), MAX_RETRY_DELAY_SECONDS)


def _state_held(instance: dg.DagsterInstance, warehouse: Warehouse) -> str | None:
    """The listing state the last successful load left the warehouse holding (recorded on dim_source_file)."""
    if not warehouse.file.exists():
        return None
    event = instance.get_latest_materialization_event(dg.AssetKey("dim_source_file"))
    entry = event.asset_materialization.metadata.get(LANDING_STATE) if event and event.asset_materialization else None
    return entry.value if isinstance(entry, dg.TextMetadataValue) else None


daily_ingest = dg.ScheduleDefinition(
    name="daily_ingest",
    job=ingest_job,
    cron_schedule="0 3 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Backstop: a full ingest every night, in case the sensor missed anything.",
)
