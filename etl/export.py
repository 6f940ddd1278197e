"""The warehouse's views as Parquet or CSV files with a README of their columns, for analysts who
work in R, pandas or a spreadsheet rather than SQL.

The published warehouse is only read, through `read_published` (a running load or an analyst's
read-write session never blocks an export), and from one connection, so every file comes from the
same load. The files are written into a hidden folder inside the target and renamed into place only
once all of them are written: a failed or killed export leaves no file that looks complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from etl.durable import fsync, process_alive
from etl.load.connection import read_published
from etl.load.sql_files import sql_file

#: Each format and the SQL that writes one view in it.
FORMATS = {"parquet": "export_parquet.sql", "csv": "export_csv.sql"}
README = "README.md"
_WORK_PREFIX = ".export-"

_HOW_TO_READ = {
    "parquet": (
        "Parquet keeps the column types listed below (dates stay dates, lists stay lists).\n\n"
        '- R: `arrow::read_parquet("articles.parquet")` (package arrow)\n'
        '- pandas: `pandas.read_parquet("articles.parquet")` (with pyarrow installed)\n'
        "- Spreadsheets do not open Parquet: export with `--format csv` instead.\n"
    ),
    "csv": (
        "CSV files are UTF-8, comma-separated, with a header line. An empty field is a missing value "
        "(NULL); dates are written YYYY-MM-DD, lists (types ending in `[]`) as `[a, b]`.\n\n"
        '- R: `readr::read_csv("articles.csv")`, or `read.csv("articles.csv", encoding = "UTF-8")`\n'
        '- pandas: `pandas.read_csv("articles.csv")`\n'
        "- Spreadsheets: open the file, choosing UTF-8 and comma as separator if asked.\n"
    ),
}


class ExportError(Exception):
    """The export cannot start: no warehouse there, or a target folder that cannot be written."""


class ExportFailed(Exception):
    """Reading or writing a view failed; nothing of this export was left in the target folder."""


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str  # DuckDB's name for it, as in the warehouse
    comment: str | None


@dataclass(frozen=True)
class View:
    name: str
    comment: str | None
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class ExportedView:
    view: View
    file_name: str
    rows: int


def export_views(warehouse: Path, target: Path, file_format: str = "parquet") -> list[ExportedView]:
    """Write every view of the warehouse to `target` (created if missing) as `<view>.<format>`, and
    README.md documenting them; files of an earlier export of the same names are replaced."""
    if file_format not in FORMATS:
        raise ExportError(f"unknown format {file_format!r}: expected one of {', '.join(FORMATS)}")
    if not warehouse.is_file():
        raise ExportError(f"no warehouse at {warehouse}: build it first (python -m etl build), or give its path")
    try:
        target.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_exports(target)
        work = Path(tempfile.mkdtemp(dir=target, prefix=f"{_WORK_PREFIX}{os.getpid()}-"))
    except OSError as exc:
        raise ExportError(f"cannot write into {target}: {exc.strerror or exc}") from None
    try:
        with read_published(warehouse) as con:
            exported = [_write_view(con, view, work, file_format) for view in _views(con, warehouse)]
        (work / README).write_text(readme(exported, file_format, warehouse.name), encoding="utf-8")
        for name in [*(e.file_name for e in exported), README]:  # the README last: it vouches for the rest
            fsync(work / name)
            os.replace(work / name, target / name)
        fsync(target)
    except duckdb.Error as exc:
        raise ExportFailed(f"cannot read the warehouse {warehouse}: {exc}") from None
    except OSError as exc:
        raise ExportFailed(f"writing into {target} failed: {exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return exported


def _views(con: duckdb.DuckDBPyConnection, warehouse: Path) -> list[View]:
    columns: dict[tuple[str, str | None], list[Column]] = {}
    for view, view_comment, column, data_type, column_comment in con.execute(sql_file("export_views.sql")).fetchall():
        columns.setdefault((view, view_comment), []).append(Column(column, data_type, column_comment))
    if not columns:
        raise ExportError(f"{warehouse} holds no views: is it a warehouse built by python -m etl build?")
    return [View(name, comment, tuple(found)) for (name, comment), found in columns.items()]


def _write_view(con: duckdb.DuckDBPyConnection, view: View, folder: Path, file_format: str) -> ExportedView:
    file_name = f"{view.name}.{file_format}"
    try:
        path = str(folder / file_name)
        [(rows,)] = con.execute(sql_file(FORMATS[file_format]), {"view": view.name, "path": path}).fetchall()
    except duckdb.Error as exc:
        raise ExportFailed(f"exporting the view {view.name} failed: {exc}") from None
    return ExportedView(view, file_name, rows)


def readme(exported: list[ExportedView], file_format: str, warehouse_name: str) -> str:
    """What each exported file holds, column by column, from the warehouse's own COMMENTs."""
    exported_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# Views of {warehouse_name}",
        "",
        f"Exported {exported_at}, all from the same load: one file per view of the warehouse.",
        "Deleted files (gone from the landing folder) are left out, as in the views.",
        "",
        _HOW_TO_READ[file_format],
        "| file | rows | what a row is |",
        "|---|---|---|",
        *(f"| [{e.file_name}](#{e.view.name}) | {e.rows} | {_cell(e.view.comment)} |" for e in exported),
    ]
    for e in exported:
        lines += ["", f"## {e.view.name}", "", f"`{e.file_name}`, {e.rows} rows. {_cell(e.view.comment)}", ""]
        lines += ["| column | type | description |", "|---|---|---|"]
        lines += [f"| `{c.name}` | {c.data_type} | {_cell(c.comment)} |" for c in e.view.columns]
    return "\n".join(lines) + "\n"


def _cell(text: str | None) -> str:
    """Text fit for one markdown table cell."""
    return " ".join((text or "(no description)").split()).replace("|", "\\|")


def _remove_abandoned_exports(target: Path) -> None:
    """Work folders of exports that were killed (their PID names them)."""
    for entry in target.iterdir():
        pid = entry.name.removeprefix(_WORK_PREFIX).split("-", 1)[0]
        if entry.name.startswith(_WORK_PREFIX) and entry.is_dir() and pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)
