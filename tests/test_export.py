"""`python -m etl export` end to end: a warehouse built from the samples, exported in a real subprocess."""

from __future__ import annotations

import csv
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from helpers import SEEDS, build, settle


def export(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "etl", "export", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples built, plus an empty file, so every view has rows (rejected_files one)."""
    folder = tmp_path_factory.mktemp("export")
    landing = folder / "landing"
    shutil.copytree(SEEDS, landing)
    (landing / "empty.txt").write_text("")
    settle(landing)
    built = build("--landing", str(landing), "--warehouse", str(folder / "news.duckdb"))
    assert built.returncode == 0, built.stderr
    return folder / "news.duckdb"


def views(warehouse: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Each view's (column, type, comment), read straight from the warehouse."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for view, column, data_type, comment in con.execute(
            "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
            "WHERE table_name IN (SELECT view_name FROM duckdb_views() WHERE NOT internal) ORDER BY column_index"
        ).fetchall():
            found.setdefault(view, []).append((column, data_type, comment))
    return found


def row_counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {view: con.execute(f'SELECT count(*) FROM "{view}"').fetchall()[0][0] for view in views(warehouse)}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_parquet_export_holds_every_view_with_its_rows_and_types(tmp_path: Path, warehouse: Path):
    before = digest(warehouse)
    out = tmp_path / "out"
    result = export("--to", str(out), "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stderr
    expected = views(warehouse)
    assert {"articles", "article_entities", "quotes", "rejected_files", "entity_summary"} <= set(expected)
    assert sorted(p.name for p in out.iterdir()) == sorted([*(f"{v}.parquet" for v in expected), "README.md"])
    counts = row_counts(warehouse)
    assert all(counts.values()), counts
    with duckdb.connect() as con:
        for view, columns in expected.items():
            path = str(out / f"{view}.parquet")
            assert con.execute("SELECT count(*) FROM read_parquet(?)", [path]).fetchall() == [(counts[view],)], view
            described = con.execute("SELECT column_name, column_type FROM (DESCRIBE FROM read_parquet(?))", [path])
            assert described.fetchall() == [(name, data_type) for name, data_type, _ in columns], view
            assert pq.read_table(path).num_rows == counts[view]  # what pandas and R's arrow read with
    assert f"{'articles.parquet':<40} {counts['articles']:>9} rows" in result.stdout
    assert digest(warehouse) == before  # only ever read


def test_csv_export_is_readable_with_a_header(tmp_path: Path, warehouse: Path):
    out = tmp_path / "out"
    result = export("--to", str(out), "--format", "csv", "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stderr
    counts = row_counts(warehouse)
    for view, columns in views(warehouse).items():
        with (out / f"{view}.csv").open(encoding="utf-8", newline="") as file:
            rows = list(csv.reader(file))
        assert rows[0] == [name for name, _, _ in columns], view
        assert len(rows) - 1 == counts[view], view
    with (out / "article_entities.csv").open(encoding="utf-8", newline="") as file:
        corbyn = [r for r in csv.DictReader(file) if r["entity_name"] == "Jeremy Corbyn"]
    assert {r["surface_forms"] for r in corbyn} >= {"[Corbyn, Jeremy Corbyn]"}
    assert "readr::read_csv" in (out / "README.md").read_text(encoding="utf-8")


def test_the_readme_lists_every_column_of_every_view_with_its_comment(tmp_path: Path, warehouse: Path):
    out = tmp_path / "out"
    assert export("--to", str(out), "--warehouse", str(warehouse)).returncode == 0
    readme = (out / "README.md").read_text(encoding="utf-8")
    counts = row_counts(warehouse)
    for view, columns in views(warehouse).items():
        section = readme.split(f"\n## {view}\n", 1)[1].split("\n## ", 1)[0]
        assert f"`{view}.parquet`, {counts[view]} rows." in section
        for name, data_type, comment in columns:
            assert comment, f"{view}.{name} has no COMMENT"
            assert f"| `{name}` | {data_type} | {comment.replace('|', chr(92) + '|')} |" in section, (view, name)


def test_an_export_reads_a_warehouse_an_analyst_holds_open_read_write(tmp_path: Path, warehouse: Path):
    """A read-write session locks readers out: the export reads a private copy instead and leaves no trace."""
    held = tmp_path / "held.duckdb"
    shutil.copyfile(warehouse, held)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; c = duckdb.connect({str(held)!r}); print('open', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "open\n"
        result = export("--to", str(tmp_path / "out"), "--warehouse", str(held))
    finally:
        holder.communicate("")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "articles.parquet").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["held.duckdb", "out"]


def test_a_failed_export_leaves_the_previous_files_and_nothing_half_written(tmp_path: Path, warehouse: Path):
    broken = tmp_path / "broken.duckdb"
    shutil.copyfile(warehouse, broken)
    with duckdb.connect(str(broken)) as con:  # sorts last: every other view is written before it fails
        con.execute("CREATE VIEW zz_fails AS SELECT error('fails on purpose') AS x")
    out = tmp_path / "out"
    assert export("--to", str(out), "--warehouse", str(warehouse)).returncode == 0
    previous = {p.name: digest(p) for p in out.iterdir()}
    abandoned = out / ".export-999999999-x"  # left by an export that was killed (no such process)
    abandoned.mkdir()
    (abandoned / "articles.parquet").write_bytes(b"PAR1 cut short")

    result = export("--to", str(out), "--warehouse", str(broken))
    assert result.returncode == 1
    assert "zz_fails" in result.stderr and "fails on purpose" in result.stderr
    assert {p.name: digest(p) for p in out.iterdir()} == previous


def test_a_missing_warehouse_is_a_clear_error_and_writes_nothing(tmp_path: Path):
    result = export("--to", str(tmp_path / "out"), "--warehouse", str(tmp_path / "nope.duckdb"))
    assert result.returncode == 2
    assert "no warehouse at" in result.stderr and "nope.duckdb" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("target", ["a-file", "a-file/out"])
def test_a_folder_that_cannot_be_written_is_a_clear_error(tmp_path: Path, warehouse: Path, target: str):
    (tmp_path / "a-file").write_text("not a folder")
    result = export("--to", str(tmp_path / target), "--warehouse", str(warehouse))
    assert result.returncode == 2
    assert f"cannot write into {tmp_path / target}" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["a-file"]
