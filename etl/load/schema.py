"""The warehouse's schema: its DDL and views, their versions, and applying them.

Only a change to what the warehouse holds (its DDL or views) is a new schema version, which
empties the warehouse so the next load rebuilds it from the landing folder; a changed
COMMENT, SQL comment or layout is applied in place.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb

from etl.load.connection import read_published
from etl.load.sql_files import sql_file

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
#: The full-text search index (search.sql): derived from dim_article, emptied with it.
SEARCH_TABLES = ("search_documents", "search_postings")

#: Whatever in SQL text is layout: string literals and quoted names (kept as written, group 1),
#: or a run of whitespace and comments (collapsed to one space).
_SQL_LAYOUT = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*")|(?:\s|--[^\n]*|/\*.*?\*/)+""", re.DOTALL)
_SCHEMA_FILES = ("schema.sql", "views.sql", "search.sql")


def _schema_statements() -> list[str]:
    """The statements of the schema files, without their comments and with whitespace collapsed."""
    return [
        _SQL_LAYOUT.sub(lambda found: found[1] or " ", statement.query).strip()
        for name in _SCHEMA_FILES
        for statement in duckdb.extract_statements(sql_file(name))
    ]


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


def stored_value(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    """A value of etl_meta; None in a warehouse without it."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'etl_meta'").fetchall()[0][0]:
        return None
    rows = con.execute("SELECT value FROM etl_meta WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None


def comments_outdated(path: Path) -> bool:
    """The published warehouse carries other COMMENTs than the SQL files: a load publishes then even
    with nothing to load, to apply them (no file is reprocessed)."""
    with read_published(path) as con:
        return stored_value(con, "comments_version") != comments_version()


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the schema and apply its COMMENTs; a warehouse built by another schema version is
    emptied first.

    The warehouse is derived data: after a schema change the load that follows
    reprocesses every file in the landing folder (`catalog.loaded_versions` reports none).
    """
    current = schema_version()
    stored = stored_value(con, "schema_version")
    if stored is not None and stored != current:
        for (view,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall():
            con.execute(f'DROP VIEW IF EXISTS "{view}"')
        for table in (*PUBLISHED_TABLES, *SEARCH_TABLES, "etl_meta"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
    for name in _SCHEMA_FILES:
        con.execute(sql_file(name))
    con.executemany(
        "INSERT OR REPLACE INTO etl_meta VALUES (?, ?)",
        [("schema_version", current), ("comments_version", comments_version())],
    )


def table_comments() -> dict[str, str]:
    """`COMMENT ON TABLE` of every table in schema.sql: one description for DuckDB and Dagster."""
    return dict(re.findall(r"^COMMENT ON TABLE (\w+) IS '((?:[^']|'')*)';", sql_file("schema.sql"), re.MULTILINE))
