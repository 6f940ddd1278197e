"""Command line: `python -m etl build [--landing DIR] [--warehouse FILE]` and
`python -m etl export --to DIR [--format parquet|csv] [--warehouse FILE]`.

`build` runs the same Dagster job as the UI, in process, and prints what the load did; `export`
writes the warehouse's views to files (see `etl.export`).
Exit status: 0 on success, 1 when the run, a blocking check or the export failed, 2 on bad
arguments or settings (see `etl.settings`).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

from etl import paths
from etl.export import FORMATS, README, ExportError, ExportFailed, export_views
from etl.settings import RULES, SettingError, Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="ingest new and changed files and publish them to the warehouse")
    build.add_argument(
        "--landing",
        type=Path,
        default=None,
        help=f"landing folder (default: ${RULES['landing'].variable} or {paths.DEFAULT_LANDING})",
    )
    build.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help=f"DuckDB file (default: ${RULES['warehouse'].variable} or {paths.DEFAULT_WAREHOUSE})",
    )
    build.add_argument(
        "--purge-deleted",
        action="store_true",
        default=None,
        help="drop the rows of files gone from the landing folder (default: keep them, marked deleted)",
    )
    build.add_argument(
        "--force-purge",
        action="store_true",
        default=None,
        help="purge even when more than half of the warehouse's files are gone from the landing folder",
    )
    export = commands.add_parser("export", help="write the warehouse's views to Parquet or CSV files, with a README")
    export.add_argument(
        "--to", type=Path, required=True, metavar="DIR", help="folder to write into (created if missing)"
    )
    export.add_argument("--format", choices=FORMATS, default="parquet", help="file format (default: parquet)")
    export.add_argument(
        "--warehouse",
        type=Path,
        default=None,
        help=f"DuckDB file (default: ${RULES['warehouse'].variable} or {paths.DEFAULT_WAREHOUSE})",
    )
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_environment()
    except SettingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command == "export":
        return run_export(args.warehouse or settings.warehouse, args.to, args.format)
    # Importing Dagster builds hundreds of thousands of long-lived objects: collecting cycles
    # meanwhile finds nothing to free, only slows start-up (see `run_build`).
    gc.disable()

    settings = settings.overridden(
        landing=(args.landing or settings.landing).resolve(),
        warehouse=(args.warehouse or settings.warehouse).resolve(),
        purge_deleted=args.purge_deleted,
        force_purge=args.force_purge,
    )
    if not settings.landing.is_dir():
        print(f"error: landing folder {settings.landing} does not exist or is not a folder", file=sys.stderr)
        return 2
    from etl.parallel import start_worker_server

    if settings.workers > 1 and not settings.dask_scheduler:
        start_worker_server()  # loads in parallel with Dagster below
    from etl.defs.resources import Warehouse

    problem = Warehouse(path=str(settings.warehouse)).writable_problem()
    if problem:
        print(f"error: the warehouse {settings.warehouse} cannot be written. {problem}", file=sys.stderr)
        return 2
    if settings.run_history:
        try:
            settings.dagster_home.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            print(
                f"error: the Dagster instance folder {settings.dagster_home} (DAGSTER_HOME) cannot be created: "
                f"{exc.strerror or exc}",
                file=sys.stderr,
            )
            return 2
    return run_build(settings)


def run_export(warehouse: Path, target: Path, file_format: str) -> int:
    try:
        exported = export_views(warehouse, target, file_format)
    except ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ExportFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for done in exported:
        print(f"{done.file_name:<40} {done.rows:>9} rows")
    print(f"{README:<40} the columns of each, documented (in {target})")
    return 0


def run_build(settings: Settings) -> int:
    import dagster as dg

    from etl.definitions import build_definitions
    from etl.summary import RunSummary

    started = time.perf_counter()
    landing, warehouse = settings.landing, settings.warehouse
    job = build_definitions(settings=settings).resolve_job_def("ingest_job")
    if settings.run_history:
        instance = dg.DagsterInstance.from_config(str(settings.dagster_home.resolve()))
    else:
        instance = dg.DagsterInstance.ephemeral()
    # What start-up built lives until exit: frozen, the collector no longer walks it, during
    # the run or at exit (where walking it is slow: benchmarks/README.md).
    gc.freeze()
    gc.enable()
    with instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    metadata = {}
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        metadata[materialization.asset_key.to_user_string()] = {k: v.value for k, v in materialization.metadata.items()}
    failed_checks = [
        f"{e.asset_key.to_user_string()}.{e.check_name}" for e in result.get_asset_check_evaluations() if not e.passed
    ]
    print(
        RunSummary.from_run(landing, warehouse, metadata, failed_checks, result.success, time.perf_counter() - started)
    )
    if not result.success:
        for event in result.all_events:
            if event.is_step_failure:
                error = event.step_failure_data.error
                cause = f": {(error.cause or error).message.strip()}" if error else ""
                print(f"error: step {event.step_key} failed{cause}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    status = main()
    gc.freeze()  # what is left goes with the process: collecting it first only costs time
    sys.exit(status)
