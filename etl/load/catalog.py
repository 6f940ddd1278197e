"""What the published warehouse holds: the file versions it loaded, its row counts, its columns
and the top lists a load shows as previews."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.load.connection import read_published
from etl.load.schema import PUBLISHED_TABLES, schema_version, stored_value


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
        if stored_value(con, "schema_version") != schema_version():
            return {}  # built by another schema: everything is reloaded
        rows = con.execute(
            "SELECT source_file, sha256, size_bytes, status, pipeline_version FROM dim_source_file"
        ).fetchall()
    return {name: LoadedFile(sha, size, status, version) for name, sha, size, status, version in rows}


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in PUBLISHED_TABLES}


def describe(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, str, str]]]:
    """(column, type, comment) of every published table, as DuckDB reports them."""
    rows = con.execute(
        "SELECT table_name, column_name, data_type, coalesce(comment, '') FROM duckdb_columns() "
        "WHERE table_name IN (SELECT unnest(?)) ORDER BY table_name, column_index",
        [list(PUBLISHED_TABLES)],
    ).fetchall()
    columns: dict[str, list[tuple[str, str, str]]] = {}
    for table, column, data_type, comment in rows:
        columns.setdefault(table, []).append((column, data_type, comment))
    return columns


def top_entities(con: duckdb.DuckDBPyConnection, limit: int = 10) -> list[tuple[str, str, int, int]]:
    """Counted from the analyst view, not dim_entity's totals: those include files marked deleted."""
    return con.execute(
        "SELECT entity_name, entity_type, mentions, articles FROM entity_summary "
        "ORDER BY mentions DESC, entity_name, entity_type LIMIT ?",
        [limit],
    ).fetchall()


def top_speakers(con: duckdb.DuckDBPyConnection, limit: int = 10) -> list[tuple[str, str, int, int]]:
    return con.execute(
        "SELECT speaker_name, speaker_type, quotations, articles FROM quotes_by_speaker "
        "ORDER BY quotations DESC, speaker_name LIMIT ?",
        [limit],
    ).fetchall()
