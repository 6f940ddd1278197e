"""The warehouse as a lake: immutable snapshots of Parquet files plus a small views file, for many
readers on other machines (a shared filesystem) while one writer publishes.

Layout of the lake folder:

    current.duckdb                        the views file of the newest snapshot, renamed into place
    snapshots/000007/views.duckdb         the same views file, kept with its snapshot
    snapshots/000007/<table>/lake_bucket=<n>/part0.parquet

Each table is split into `BUCKETS` partitions by its key. A snapshot writes only the partitions
whose content changed since the previous one and hard-links the others from it, so every snapshot
folder is complete on its own and retention is removing whole folders. The views file holds a
view per table over that snapshot's files (paths relative to the lake folder) and the warehouse's
own views and macros (views.sql, search.sql), which run unchanged over them. A reader opening
`current.duckdb` gets one whole snapshot, old or new, and keeps it for as long as its snapshot
folder is retained (the newest `RETAINED_SNAPSHOTS`).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.durable import fsync
from etl.load.sql_files import sql_file

CURRENT = "current.duckdb"
SNAPSHOTS = "snapshots"
VIEWS_FILE = "views.duckdb"
#: Partitions per table. A publish touching k files rewrites about k of them per fact table (keys are
#: hashes, so changed files spread): more partitions rewrite less, but make more, smaller files.
BUCKETS = 32
#: Snapshots kept: a reader that opened an older one fails once its files are removed.
RETAINED_SNAPSHOTS = 3
#: The column each table is partitioned by: fact rows go with their file, the index with its article.
PARTITION_KEYS = {
    "dim_source_file": "source_file_key",
    "dim_article": "article_key",
    "dim_entity": "entity_key",
    "dim_entity_alias": "entity_key",
    "dim_date": "date_key",
    "fact_article": "source_file_key",
    "fact_mention": "source_file_key",
    "fact_quote": "source_file_key",
    "search_documents": "article_key",
    "search_postings": "article_key",
}


@dataclass(frozen=True)
class Snapshot:
    number: int
    written: int  # partitions written anew
    linked: int  # partitions linked unchanged from the previous snapshot


def publish_snapshot(con: duckdb.DuckDBPyConnection, lake: Path, buckets: int = BUCKETS) -> Snapshot:
    """Write the warehouse `con` is connected to as the lake's next snapshot and switch
    `current.duckdb` to it. The caller holds the warehouse's writer lock, so one snapshot is
    written at a time and whatever an interrupted one left is abandoned."""
    snapshots = lake / SNAPSHOTS
    snapshots.mkdir(parents=True, exist_ok=True)
    number, previous = _current(lake)
    _remove_abandoned(snapshots, number)
    folder = snapshots / f"{number + 1:06d}"
    partitions: list[tuple[str, int, int, str]] = []
    written = linked = 0
    for table, key in PARTITION_KEYS.items():
        found = con.execute(
            sql_file("lake_partitions.sql"), {"table": table, "key": key, "buckets": buckets}
        ).fetchall()
        partitions += [(table, bucket, rows, fingerprint) for bucket, rows, fingerprint in found]
        changed = [bucket for bucket, _, fingerprint in found if previous.get((table, bucket)) != fingerprint]
        (folder / table).mkdir(parents=True)
        if changed:
            parameters = {"table": table, "key": key, "buckets": buckets, "changed": changed}
            con.execute(sql_file("lake_write.sql"), {**parameters, "folder": str(folder / table)})
        if not found:
            con.execute(sql_file("lake_empty.sql"), {"table": table, "path": str(folder / table / "empty.parquet")})
        for bucket, _, _ in found:
            if bucket not in changed:
                _link(snapshots / f"{number:06d}" / table / _bucket(bucket), folder / table / _bucket(bucket))
        written, linked = written + len(changed), linked + len(found) - len(changed)
    _write_views_file(lake, folder, number + 1, partitions)
    _switch(lake, folder / VIEWS_FILE)
    _apply_retention(snapshots)
    return Snapshot(number + 1, written, linked)


def has_snapshot(lake: Path) -> bool:
    return (lake / CURRENT).is_file()


def _bucket(bucket: int) -> str:
    return f"lake_bucket={bucket}"


def _current(lake: Path) -> tuple[int, dict[tuple[str, int], str]]:
    """The number of the current snapshot (0 without one) and its partitions' fingerprints."""
    if not has_snapshot(lake):
        return 0, {}
    with duckdb.connect(str(lake / CURRENT), read_only=True) as con:
        [(number,)] = con.execute("SELECT snapshot FROM lake_snapshot").fetchall()
        rows = con.execute("SELECT table_name, bucket, fingerprint FROM lake_partitions").fetchall()
    return number, {(table, bucket): fingerprint for table, bucket, fingerprint in rows}


def _remove_abandoned(snapshots: Path, current: int) -> None:
    """Snapshot folders newer than the current one: left by a publish that was interrupted."""
    for entry in snapshots.iterdir():
        if entry.name.isdigit() and int(entry.name) > current:
            shutil.rmtree(entry)


def _link(source: Path, target: Path) -> None:
    """The previous snapshot's files of an unchanged partition, hard-linked (copied where the
    filesystem has no hard links): snapshots share their bytes, yet each folder is complete."""
    target.mkdir()
    for file in sorted(source.iterdir()):
        try:
            os.link(file, target / file.name)
        except OSError:
            shutil.copyfile(file, target / file.name)


def _write_views_file(lake: Path, folder: Path, number: int, partitions: list[tuple[str, int, int, str]]) -> None:
    """A view per table over the snapshot's files, then the warehouse's views and macros over those.
    DDL takes no parameters, so each path, relative to the lake folder, is written as a quoted literal."""
    with duckdb.connect(str(folder / VIEWS_FILE)) as con:
        con.execute("SET file_search_path = $lake", {"lake": str(lake)})
        for table in PARTITION_KEYS:
            files = sorted(f.relative_to(lake).as_posix() for f in (folder / table).rglob("*.parquet"))
            listed = ", ".join(_quoted(file) for file in files)
            con.execute(f'CREATE VIEW "{table}" AS FROM read_parquet([{listed}], hive_partitioning = false)')
        con.execute(sql_file("views.sql"))
        con.execute(sql_file("search.sql"))
        con.execute(sql_file("lake_meta.sql"))
        con.executemany("INSERT INTO lake_partitions VALUES (?, ?, ?, ?)", partitions)
        con.execute("INSERT INTO lake_snapshot VALUES (?, now())", [number])
        con.execute("CHECKPOINT")
    for file in folder.rglob("*"):
        fsync(file)
    fsync(folder)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _switch(lake: Path, views_file: Path) -> None:
    """Rename a copy of the snapshot's views file over current.duckdb: a reader opening it gets the
    old snapshot or the new one, never a mix."""
    work = lake / f".{CURRENT}.writing"
    shutil.copyfile(views_file, work)
    fsync(work)
    os.replace(work, lake / CURRENT)
    fsync(lake)


def _apply_retention(snapshots: Path) -> None:
    numbered = sorted(entry for entry in snapshots.iterdir() if entry.name.isdigit())
    for entry in numbered[:-RETAINED_SNAPSHOTS]:
        shutil.rmtree(entry)
