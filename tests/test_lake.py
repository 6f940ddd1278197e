"""The lake (ETL_LAKE_DIR): snapshots of Parquet files and a views file that readers in other
processes, on other machines, open while the writer publishes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from etl.load import lake
from tests.helpers import build, make_corpus, settle

PUBLIC_VIEWS = ("articles", "article_entities", "rejected_files", "quotes")


def _open_lake(folder: Path) -> duckdb.DuckDBPyConnection:
    """What a reader runs: the views file, read-only, with the lake folder as the base of its paths."""
    con = duckdb.connect(str(folder / lake.CURRENT), read_only=True)
    con.execute("SET file_search_path = $lake", {"lake": str(folder)})
    return con


def _rows(con: duckdb.DuckDBPyConnection, view: str) -> list[tuple]:
    return con.execute(f"FROM {view} ORDER BY ALL").fetchall()


def _add_copy(landing: Path, name: str) -> None:
    shutil.copyfile(sorted(landing.glob("*.txt"))[0], landing / name)
    settle(landing / name)


@pytest.mark.parametrize("corpus", ["samples", "generated"])
def test_the_views_file_answers_the_rows_of_the_public_views(tmp_path: Path, landing: Path, corpus: str):
    if corpus == "generated":
        landing = make_corpus(tmp_path / "generated", 0.3, "--bad", "1")
        settle(landing)
    warehouse, folder = tmp_path / "w.duckdb", tmp_path / "lake"
    result = build("--landing", str(landing), "--warehouse", str(warehouse), ETL_LAKE_DIR=str(folder))
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(warehouse), read_only=True) as published, _open_lake(folder) as reader:
        for view in PUBLIC_VIEWS:
            assert _rows(reader, view) == _rows(published, view), view
        assert len(_rows(reader, "articles")) >= 8
        if corpus == "generated":
            assert len(_rows(reader, "rejected_files")) > 0
        search = "FROM search_articles('minister') ORDER BY ALL"
        assert reader.execute(search).fetchall() == published.execute(search).fetchall() != []
        assert (
            reader.execute("FROM find_entity('labour')").fetchall()
            == published.execute("FROM find_entity('labour')").fetchall()
        )


def test_an_older_snapshot_stays_readable_while_the_next_is_published(tmp_path: Path, landing: Path):
    warehouse, folder = tmp_path / "w.duckdb", tmp_path / "lake"
    assert build("--landing", str(landing), "--warehouse", str(warehouse), ETL_LAKE_DIR=str(folder)).returncode == 0
    old_reader = _open_lake(folder)
    old_articles = _rows(old_reader, "articles")

    _add_copy(landing, "zz_added.txt")
    assert build("--landing", str(landing), "--warehouse", str(warehouse), ETL_LAKE_DIR=str(folder)).returncode == 0

    assert _rows(old_reader, "articles") == old_articles  # the first snapshot, whole, after the second
    assert old_reader.execute("SELECT snapshot FROM lake_snapshot").fetchall() == [(1,)]
    old_reader.close()  # DuckDB shares one open database per path within a process: until then, the old one
    with _open_lake(folder) as new_reader, duckdb.connect(str(warehouse), read_only=True) as published:
        assert new_reader.execute("SELECT snapshot FROM lake_snapshot").fetchall() == [(2,)]
        assert _rows(new_reader, "articles") == _rows(published, "articles")
        added = [row for row in _rows(new_reader, "articles") if row[0] == "zz_added.txt"]
        assert len(_rows(new_reader, "articles")) == len(old_articles) + len(added) and added
    # One file added: the fact tables' other partitions are the first snapshot's files, linked.
    first, second = (folder / lake.SNAPSHOTS / name / "fact_mention" for name in ("000001", "000002"))
    files = list(second.rglob("*.parquet"))
    shared = [
        f for f in files if (first / f.relative_to(second)).exists() and _same_file(first / f.relative_to(second), f)
    ]
    assert 0 < len(shared) < len(files)


def _same_file(a: Path, b: Path) -> bool:
    return a.stat().st_ino == b.stat().st_ino


READER = textwrap.dedent(
    """
    import json, sys, duckdb
    from pathlib import Path
    folder, stop = Path(sys.argv[1]), Path(sys.argv[2])
    while True:
        last = stop.exists()
        con = duckdb.connect(str(folder / "current.duckdb"), read_only=True)
        con.execute("SET file_search_path = $lake", {"lake": str(folder)})
        [(snapshot,)] = con.execute("SELECT snapshot FROM lake_snapshot").fetchall()
        recorded = dict(con.execute("SELECT table_name, sum(rows) FROM lake_partitions GROUP BY ALL").fetchall())
        seen = {table: con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0] for table in recorded}
        print(json.dumps({"snapshot": snapshot, "recorded": recorded, "seen": seen}), flush=True)
        con.close()
        if last:
            break
    """
)


def test_a_reader_in_another_process_sees_complete_snapshots_only(tmp_path: Path, landing: Path):
    warehouse, folder, stop = tmp_path / "w.duckdb", tmp_path / "lake", tmp_path / "stop"
    assert build("--landing", str(landing), "--warehouse", str(warehouse), ETL_LAKE_DIR=str(folder)).returncode == 0
    reader = subprocess.Popen([sys.executable, "-c", READER, str(folder), str(stop)], stdout=subprocess.PIPE, text=True)
    for n in range(3):
        _add_copy(landing, f"zz_added_{n}.txt")
        result = build("--landing", str(landing), "--warehouse", str(warehouse), ETL_LAKE_DIR=str(folder))
        assert result.returncode == 0, result.stderr
    stop.touch()
    out, _ = reader.communicate(timeout=120)
    assert reader.returncode == 0
    seen = [json.loads(line) for line in out.splitlines()]
    assert seen and all(s["seen"] == s["recorded"] for s in seen)
    assert {s["snapshot"] for s in seen} <= {1, 2, 3, 4} and seen[-1]["snapshot"] == 4
    # Three snapshots are kept: the first is gone.
    assert sorted(p.name for p in (folder / lake.SNAPSHOTS).iterdir()) == ["000002", "000003", "000004"]


def test_the_partitions_cover_every_table_the_views_read():
    from etl.load.schema import PUBLISHED_TABLES, SEARCH_TABLES

    assert set(lake.PARTITION_KEYS) == {*PUBLISHED_TABLES, *SEARCH_TABLES}
