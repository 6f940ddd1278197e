"""Write staged articles and mentions into the DuckDB star schema.

All SQL lives in `sql/*.sql` beside this module. Batches arrive as Arrow tables registered on
the connection, so no value from a file is ever formatted into SQL. A load is one
transaction into a private working copy of the warehouse, which replaces the published
file only once the integrity rules pass on it: a load is published whole or not at all.
"""

from __future__ import annotations

import fcntl
import hashlib
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

from etl.durable import fsync, process_alive
from etl.settings import DEFAULT_MEMORY_LIMIT
from etl.staging import ARTICLE_SCHEMA, MENTION_SCHEMA, QUOTE_SCHEMA

PUBLISHED_TABLES = (
    "dim_source_file",
    "dim_article",
    "dim_entity",
    "dim_entity_alias",
    "dim_date",
    "fact_article",
    "fact_mention",
    "fact_quote",
)

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
            "If these files are meant to go, purge with --force-purge or ETL_PURGE_FORCE=1.")


class IntegrityError(RuntimeError):
    """A load would have published inconsistent data; it was discarded."""

    def __init__(self, violations: dict[str, int]):
        self.violations = violations  # violating rows of every rule, inside the rolled-back load
        broken = ", ".join(f"{name} ({n} rows)" for name, n in violations.items() if n)
        super().__init__(f"Load discarded, integrity rules violated: {broken}")


class Published(NamedTuple):
    tables: dict[str, int]  # rows of every published table
    rules: dict[str, int]  # violating rows of every integrity rule, counted in the load (so none)


@dataclass(frozen=True)
class Batch:
    """Everything one load writes: the files' outcomes and where their staged rows are."""

    files: pl.DataFrame  # source_file, sha256, size_bytes, encoding, repair, status, reason, articles_file,
    # mentions_file, quotes_file
    article_files: list[Path]  # staged Parquet, read by DuckDB directly (streamed, not held in Python)
    mention_files: list[Path]
    quote_files: list[Path]
    deleted: list[str]
    extractor_version: str
    quotes_version: str
    pipeline_version: str
    purge_deleted: bool = False  # drop the rows of files gone from the landing folder
    force_purge: bool = False  # even more than MAX_PURGE_SHARE of the warehouse's files


#: Package data, so an installed package finds its SQL wherever it runs.
SQL_DIR = Path(__file__).parent / "sql"


def sql_file(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class IntegrityRule:
    name: str  # "<table>.<check>"
    description: str
    query: str  # returns the number of violating rows


def integrity_rules() -> dict[str, IntegrityRule]:
    """The rules of integrity.sql, by name."""
    text = sql_file("integrity.sql")
    parts = re.split(r"^-- name: (\S+)\s*$", text, flags=re.MULTILINE)
    rules = {}
    for name, body in zip(parts[1::2], parts[2::2]):
        description, _, query = body.strip().partition("\n")
        rules[name] = IntegrityRule(name, description.removeprefix("--").strip(), query.strip().rstrip(";"))
    return rules


def violations(con: duckdb.DuckDBPyConnection, rules: dict[str, IntegrityRule] | None = None) -> dict[str, int]:
    return {name: con.execute(rule.query).fetchall()[0][0] for name, rule in (rules or integrity_rules()).items()}


@contextmanager
def connect(path: Path, read_only: bool = False, memory_limit: str = DEFAULT_MEMORY_LIMIT,
            spill_dir: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    con = _open(path, read_only, memory_limit, spill_dir)
    try:
        yield con
    finally:
        con.close()


def _open(path: Path, read_only: bool, memory_limit: str = DEFAULT_MEMORY_LIMIT,
          spill_dir: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A bounded memory budget: large loads spill to disk (into `spill_dir` if given, else
    DuckDB's default beside the file) instead of growing with the corpus."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    config = {"memory_limit": memory_limit, "preserve_insertion_order": False}
    if spill_dir is not None:
        config["temp_directory"] = str(spill_dir)
    return duckdb.connect(str(path), read_only=read_only, config=config)


_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")


def _lock_holder(exc: duckdb.Error) -> str | None:
    """"<program> (PID n)" of the process whose read-write connection refused ours, or None."""
    found = _LOCK_HOLDER.search(str(exc))
    return f"{found[1]} (PID {found[2]})" if found else None


def read_write_holder(path: Path) -> str | None:
    """The process holding the published warehouse open read-write (a DuckDB CLI opened
    without -readonly, a notebook), which locks every reader out; None when there is none."""
    try:
        _open(path, read_only=True).close()
    except duckdb.IOException as exc:
        return _lock_holder(exc)
    return None


def held_note(path: Path, holder: str) -> str:
    """What a load tells the user when an analyst's session holds the warehouse read-write."""
    return (f"{path} is open read-write in {holder}. A load replaces the file regardless: that session keeps "
            "the previous load until it reconnects, and anything written there is lost. Open the warehouse "
            "read-only (`duckdb -readonly FILE`, or `read_only=True` in Python); keep your own tables in another "
            "database that ATTACHes it read-only.")


@contextmanager
def read_published(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published warehouse. When a read-write holder locks it,
    to a private copy of it instead: what a load needs to read (which files are loaded, the
    counts after a load) must never wait for an analyst's session to close."""
    snapshot = None
    try:
        con = _open(path, read_only=True)
    except duckdb.IOException as exc:
        if _lock_holder(exc) is None:
            raise
        _remove_dead_snapshots(path)
        snapshot = path.with_name(f".{path.name}.{os.getpid()}{_SNAPSHOT_SUFFIX}")
        shutil.copyfile(path, snapshot)
        con = _open(snapshot, read_only=True)
    try:
        yield con
    finally:
        con.close()
        if snapshot is not None:
            snapshot.unlink(missing_ok=True)


_SNAPSHOT_SUFFIX = ".snapshot"


def _remove_dead_snapshots(path: Path) -> None:
    """Private copies left by readers that were killed (their PID names them); matched by exact
    prefix and suffix, never as a pattern another warehouse's name could match."""
    prefix = f".{path.name}."
    for name in os.listdir(path.parent):
        pid = name[len(prefix) : -len(_SNAPSHOT_SUFFIX)]
        if name.startswith(prefix) and name.endswith(_SNAPSHOT_SUFFIX) and pid.isdigit() and not process_alive(int(pid)):
            (path.parent / name).unlink(missing_ok=True)


#: Whatever in SQL text is layout: string literals and quoted names (kept as written, group 1),
#: or a run of whitespace and comments (collapsed to one space).
_SQL_LAYOUT = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*")|(?:\s|--[^\n]*|/\*.*?\*/)+""", re.DOTALL)
_SCHEMA_FILES = ("schema.sql", "views.sql")


def _schema_statements() -> list[str]:
    """The statements of the schema files, without their comments and with whitespace collapsed."""
    return [_SQL_LAYOUT.sub(lambda found: found[1] or " ", statement.query).strip()
            for name in _SCHEMA_FILES for statement in duckdb.extract_statements(sql_file(name))]


def _is_comment(statement: str) -> bool:
    return statement.upper().startswith("COMMENT ON ")


def _hash(statements: list[str]) -> str:
    return hashlib.sha256("\n".join(statements).encode("utf-8")).hexdigest()[:16]


def schema_version() -> str:
    """A hash of the DDL and views alone: a changed COMMENT, SQL comment or layout keeps it, so only
    a change to what the warehouse holds empties it."""
    return _hash([statement for statement in _schema_statements() if not _is_comment(statement)])


def comments_version() -> str:
    """A hash of the COMMENT statements, which every load applies in place."""
    return _hash([statement for statement in _schema_statements() if _is_comment(statement)])


def _stored(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A value of etl_meta; None in a warehouse without it."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'etl_meta'").fetchall()[0][0]:
        return None
    rows = con.execute("SELECT value FROM etl_meta WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


def comments_outdated(path: Path) -> bool:
    """The published warehouse carries other COMMENTs than the SQL files: a load publishes then even
    with nothing to load, to apply them (no file is reprocessed)."""
    with read_published(path) as con:
        return _stored(con, "comments_version") != comments_version()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the schema and apply its COMMENTs; a warehouse built by another schema version is
    emptied first.

    The warehouse is derived data: after a schema change the load that follows
    reprocesses every file in the landing folder (`loaded_versions` reports none).
    """
    current = schema_version()
    stored = _stored(con, "schema_version")
    if stored is not None and stored != current:
        for (view,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall():
            con.execute(f'DROP VIEW IF EXISTS "{view}"')
        for table in (*PUBLISHED_TABLES, "etl_meta"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    for name in _SCHEMA_FILES:
        con.execute(sql_file(name))
    con.executemany("INSERT OR REPLACE INTO etl_meta VALUES (?, ?)",
                    [("schema_version", current), ("comments_version", comments_version())])


@dataclass(frozen=True)
class LoadedFile:
    sha256: str | None  # None for a file rejected without being read
    size_bytes: int | None
    status: str
    pipeline_version: str | None


def loaded_versions(path: Path) -> dict[str, LoadedFile]:
    """Every file name the warehouse knows, with the version it holds."""
    if not path.exists():
        return {}
    with read_published(path) as con:
        if _stored(con, "schema_version") != schema_version():
            return {}  # built by another schema: everything is reloaded
        rows = con.execute(
            "SELECT source_file, sha256, size_bytes, status, pipeline_version FROM dim_source_file").fetchall()
    return {name: LoadedFile(sha, size, status, version) for name, sha, size, status, version in rows}


def publish(path: Path, batch: Batch, memory_limit: str = DEFAULT_MEMORY_LIMIT) -> Published:
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
            fsync(work)
            os.replace(work, path)
            fsync(path.parent)
        except (OSError, duckdb.IOException) as exc:
            raise PublishError(f"Could not write the warehouse {path} (via {work.name}): "
                               f"{getattr(exc, 'strerror', None) or exc}. The published warehouse is unchanged.") from exc
        finally:
            load_files.remove()
    return Published(tables, rules)


def _apply(con: duckdb.DuckDBPyConnection, batch: Batch) -> dict[str, int]:
    """Run the load in one transaction, then the integrity rules on the committed working
    copy (a third faster than inside the transaction); returns their counts of violating rows."""
    ensure_schema(con)
    con.register("batch_files", batch.files.to_arrow())
    _register_parquet(con, "staged_articles", batch.article_files, ARTICLE_SCHEMA)
    _register_parquet(con, "staged_mentions", batch.mention_files, MENTION_SCHEMA)
    _register_parquet(con, "staged_quotes", batch.quote_files, QUOTE_SCHEMA)
    con.register("batch_deleted", pl.DataFrame({"source_file": batch.deleted}, schema={"source_file": pl.String}).to_arrow())
    con.register("batch_meta", pl.DataFrame({
        "extractor_version": [batch.extractor_version], "quotes_version": [batch.quotes_version],
        "pipeline_version": [batch.pipeline_version],
        "purge_deleted": [batch.purge_deleted],
    }).to_arrow())
    if batch.purge_deleted and not batch.force_purge:
        purged, files = con.execute(sql_file("purge_share.sql")).fetchall()[0]
        if purged > files * MAX_PURGE_SHARE:
            raise PurgeRefused(purged, files)  # `publish` discards the working copy
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(sql_file("publish.sql"))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    found = violations(con)
    if any(found.values()):
        raise IntegrityError(found)  # `publish` discards the working copy
    return found


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


def table_comments() -> dict[str, str]:
    """`COMMENT ON TABLE` of every table in schema.sql: one description for DuckDB and Dagster."""
    return dict(re.findall(r"^COMMENT ON TABLE (\w+) IS '((?:[^']|'')*)';", sql_file("schema.sql"), re.MULTILINE))


def describe(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str, str]]]:
    """(column, type, comment) of every published table, as DuckDB reports them."""
    rows = con.execute(
        "SELECT table_name, column_name, data_type, coalesce(comment, '') FROM duckdb_columns() "
        "WHERE table_name IN (SELECT unnest(?)) ORDER BY table_name, column_index", [list(PUBLISHED_TABLES)],
    ).fetchall()
    columns: dict[str, list[tuple[str, str, str]]] = {}
    for table, column, data_type, comment in rows:
        columns.setdefault(table, []).append((column, data_type, comment))
    return columns


def top_entities(con: duckdb.DuckDBPyConnection, limit: int = 10) -> list[tuple[str, str, int, int]]:
    return con.execute(
        "SELECT canonical_name, entity_type, mention_count, article_count FROM dim_entity "
        "ORDER BY mention_count DESC, canonical_name LIMIT ?", [limit],
    ).fetchall()


def top_speakers(con: duckdb.DuckDBPyConnection, limit: int = 10) -> list[tuple[str, str, int, int]]:
    return con.execute(
        "SELECT speaker_name, speaker_type, quotations, articles FROM quotes_by_speaker "
        "ORDER BY quotations DESC, speaker_name LIMIT ?", [limit],
    ).fetchall()


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in PUBLISHED_TABLES}
