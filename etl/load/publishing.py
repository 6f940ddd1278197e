"""The load of one batch: one transaction into a private working copy of the warehouse, renamed
over the published file once it has committed and passed the integrity rules."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import duckdb
import polars as pl

from etl.durable import fsync
from etl.load.catalog import table_counts
from etl.load.connection import connect
from etl.load.integrity import IntegrityError, violations
from etl.load.lake import publish_snapshot
from etl.load.schema import ensure_schema
from etl.load.sql_files import sql_file
from etl.settings import DEFAULT_MEMORY_LIMIT
from etl.staging.frames import ARTICLE_SCHEMA, MENTION_SCHEMA, QUOTE_SCHEMA, SIGNATURE_SCHEMA
from etl.stories.cluster import STORY_INPUT_SCHEMA, assign_stories

#: A purging load may drop at most this share of the warehouse's files unless forced.
MAX_PURGE_SHARE = 0.5


class PublishError(RuntimeError):
    """The warehouse file could not be written (disk full, no permission...); nothing was published."""


class PurgeRefused(RuntimeError):
    """A purging load would drop most of the warehouse: more likely an empty or unmounted
    landing folder than files deleted on purpose. Nothing was published."""

    def __init__(self, purged: int, files: int):
        super().__init__(
            f"Purge refused: the load would drop {purged} of the warehouse's {files} files, more than "
            f"{MAX_PURGE_SHARE:.0%} at once. Is the landing folder complete (mounted, not emptied by mistake)? "
            "If these files are meant to go, purge with --force-purge or ETL_PURGE_FORCE=1."
        )


class Published(NamedTuple):
    tables: dict[str, int]  # rows of every published table
    rules: dict[str, int]  # violating rows of every integrity rule, counted in the load (so none)


@dataclass(frozen=True)
class Batch:
    """Everything one load writes: the files' outcomes and where their staged rows are."""

    files: pl.DataFrame  # source_file, sha256, size_bytes, encoding, repair, status, reason, articles_file,
    # mentions_file, quotes_file, signatures_file
    article_files: list[Path]  # staged Parquet, read by DuckDB directly (streamed, not held in Python)
    mention_files: list[Path]
    quote_files: list[Path]
    signature_files: list[Path]
    deleted: list[str]
    extractor_version: str
    quotes_version: str
    pipeline_version: str
    purge_deleted: bool = False  # drop the rows of files gone from the landing folder
    force_purge: bool = False  # even more than MAX_PURGE_SHARE of the warehouse's files


def publish(path: Path, batch: Batch, memory_limit: str = DEFAULT_MEMORY_LIMIT, lake: Path | None = None) -> Published:
    """Apply one batch and swap it in whole.

    The load is written to a private copy of the warehouse and renamed over it only once
    it has committed and passed the integrity rules. Readers that hold the file open (a
    DuckDB CLI, a notebook) keep the snapshot they opened and never block the load; a
    crash at any point leaves the published file as it was. A lock file beside the
    warehouse makes concurrent loads from separate processes take turns.
    """
    with _writer_lock(path):
        load_files = LoadFiles.of(path)
        work = load_files.working_copy
        try:
            if path.exists():
                shutil.copyfile(path, work)
            with connect(work, memory_limit=memory_limit, spill_dir=load_files.spill_dir) as con:
                rules = _apply(con, batch)
                con.execute("CHECKPOINT")
                tables = table_counts(con)
                if lake is not None:
                    publish_snapshot(con, lake)
            fsync(work)
            os.replace(work, path)
            fsync(path.parent)
        except (OSError, duckdb.IOException) as exc:
            raise PublishError(
                f"Could not write the warehouse {path} (via {work.name}): "
                f"{getattr(exc, 'strerror', None) or exc}. The published warehouse is unchanged."
            ) from exc
        finally:
            load_files.remove()
    return Published(tables, rules)


def _apply(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    """Run the load in one transaction, then the integrity rules on the committed working
    copy (faster there than inside the transaction); returns their counts of violating rows."""
    ensure_schema(con)
    con.register("batch_files", batch.files.to_arrow())
    _register_parquet(con, "staged_articles", batch.article_files, ARTICLE_SCHEMA)
    _register_parquet(con, "staged_mentions", batch.mention_files, MENTION_SCHEMA)
    _register_parquet(con, "staged_quotes", batch.quote_files, QUOTE_SCHEMA)
    _register_parquet(con, "staged_signatures", batch.signature_files, SIGNATURE_SCHEMA)
    con.register(
        "batch_deleted", pl.DataFrame({"source_file": batch.deleted}, schema={"source_file": pl.String}).to_arrow()
    )
    con.register(
        "batch_meta",
        pl.DataFrame(
            {
                "extractor_version": [batch.extractor_version],
                "quotes_version": [batch.quotes_version],
                "pipeline_version": [batch.pipeline_version],
                "purge_deleted": [batch.purge_deleted],
            }
        ).to_arrow(),
    )
    if batch.purge_deleted and not batch.force_purge:
        purged, files = con.execute(sql_file("purge_share.sql")).fetchall()[0]
        if purged > files * MAX_PURGE_SHARE:
            raise PurgeRefused(purged, files)  # `publish` discards the working copy
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(sql_file("publish.sql"))
        _assign_stories(con)
        con.execute(sql_file("search_index.sql"))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    found = violations(con)
    if any(found.values()):
        raise IntegrityError(found)  # `publish` discards the working copy
    return found


def _assign_stories(con: duckdb.DuckDBPyConnection) -> None:
    """Cluster every article the warehouse now holds into stories (files marked deleted taken as
    such) and record each article's story_id."""
    articles = con.execute(sql_file("story_input.sql")).pl().cast(pl.Schema(STORY_INPUT_SCHEMA))
    con.register("assigned_stories", assign_stories(articles).to_arrow())
    con.execute(sql_file("story_update.sql"))
    con.unregister("assigned_stories")


@dataclass(frozen=True)
class LoadFiles:
    """What a load creates beside the warehouse: the working copy, its write-ahead log and the
    folder DuckDB spills to. Named after the warehouse alone, as the writer lock lets one load
    at a time use them: whatever a killed load left behind is exactly these, and removing
    them touches nothing else (no pattern that another warehouse's name could match)."""

    working_copy: Path
    wal: Path
    spill_dir: Path

    @classmethod
    def of(cls, warehouse: Path) -> LoadFiles:
        work = warehouse.with_name(f".{warehouse.name}.loading")
        return cls(work, work.with_name(work.name + ".wal"), work.with_name(work.name + ".tmp"))

    def remove(self) -> None:
        for path in (self.working_copy, self.wal, self.spill_dir):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)


@contextmanager
def _writer_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            LoadFiles.of(path).remove()  # holding the lock, these belong to a load that died
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _register_parquet(con: duckdb.DuckDBPyConnection, name: str, files: list[Path], schema: dict) -> None:
    """The staged rows as a view of this connection only: a view stored in the warehouse would
    point at staging paths that break when staging is cleaned or the file is copied elsewhere."""
    if files:
        con.register(name, con.read_parquet([_literal(f) for f in dict.fromkeys(files)], filename=True))
    else:
        con.register(name, pl.DataFrame(schema={**schema, "filename": pl.String}).to_arrow())


def _literal(path: Path) -> str:
    """The path as DuckDB's file readers take it literally: they read `*`, `?` and `[` as a
    pattern (even in a list of files) unless bracketed, so a warehouse named `w[1].duckdb`
    would read no staged file, and one named `w*.duckdb` those of every warehouse."""
    return re.sub(r"([*?\[])", r"[\1]", str(path))
