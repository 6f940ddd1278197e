"""The ingest job, a sensor that notices new or changed files, and a daily backstop schedule."""

import hashlib
import os
import time

import dagster as dg

from etl.defs.resources import LandingFolder
from etl.ingest import discover, is_settled

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.all(),
    description="Ingest new and changed files from the landing folder and publish them to the warehouse.",
)


def landing_state(landing: LandingFolder) -> str:
    """A small digest of the folder listing (names, sizes, modification times): cheap to compute."""
    digest = hashlib.sha256()
    now = time.time()
    for path in discover(landing.root):
        try:
            stat = path.stat()
        except OSError:
            continue  # a symlink loop, or gone since the listing: a run rejects or forgets it
        if not is_settled(stat, landing.settle_seconds, now):
            continue  # still being written: it counts once it has settled
        # The name as bytes: a name that is not UTF-8 cannot be encoded as text.
        digest.update(os.fsencode(path.name) + f"\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]


@dg.sensor(
    job=ingest_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts an ingest run whenever the landing folder's listing changes.",
)
def landing_sensor(context: dg.SensorEvaluationContext, landing: LandingFolder):
    if not landing.root.is_dir():
        return dg.SkipReason(f"Landing folder {landing.root} does not exist.")
    state = landing_state(landing)
    if state == context.cursor:
        return dg.SkipReason("No new, changed or deleted files since the last run.")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=state)], cursor=state)


daily_ingest = dg.ScheduleDefinition(
    name="daily_ingest",
    job=ingest_job,
    cron_schedule="0 3 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Backstop: a full ingest every night, in case the sensor missed anything.",
)
