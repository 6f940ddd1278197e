"""`python -m etl build` end to end, in a real subprocess."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from helpers import GOLD, SHARED, build, entity_f1, settle

CONTRACT = {
    "articles": [
        "source_file",
        "article_index",
        "article_id",
        "title",
        "standfirst",
        "body",
        "byline",
        "published_date",
        "word_count",
    ],
    "article_entities": [
        "source_file",
        "article_index",
        "title",
        "entity_name",
        "entity_type",
        "mention_count",
        "surface_forms",
    ],
    "rejected_files": ["source_file", "reason"],
}


def test_build_then_rebuild(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "news.duckdb"
    first = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert first.returncode == 0, first.stderr
    assert "5 new, 0 changed, 0 outdated, 0 unchanged" in first.stdout
    assert "checks    all passed" in first.stdout
    assert "BetaWarning" not in first.stderr  # Dagster's notes on features it calls beta are for its developers
    stages = dict(re.findall(r"(\w+) (\d+\.\d) s", first.stdout.split("stages", 1)[1].splitlines()[0]))
    assert set(stages) == {"fingerprint", "split", "extract", "publish"} and float(stages["publish"]) > 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(8,)]
        for view, columns in CONTRACT.items():
            found = [
                c
                for (c,) in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                    [view],
                ).fetchall()
            ]
            assert found[: len(columns)] == columns, view
        surface = con.execute(
            "SELECT surface_forms FROM article_entities WHERE source_file = '004_1dfb63bf47ca936e.txt' "
            "AND entity_name = 'Jeremy Corbyn'"
        ).fetchall()
    assert surface == [(["Corbyn", "Jeremy Corbyn"],)]
    second = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert second.returncode == 0, second.stderr
    assert "0 new, 0 changed, 0 outdated, 5 unchanged" in second.stdout


def test_scorer_reads_the_warehouse(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "news.duckdb"
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    assert entity_f1(warehouse, GOLD) >= 0.92  # the spaCy small model scores 0.63 on the same gold
    scored = subprocess.run(
        [
            sys.executable,
            str(SHARED / "tools" / "score_quotes.py"),
            "--db",
            str(warehouse),
            "--gold",
            str(SHARED / "gold" / "quotes_seeds.jsonl"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert scored.returncode == 0, scored.stderr
    last = scored.stdout.strip().splitlines()[-1].split()  # quote F1 x speaker accuracy y
    assert float(last[2]) >= 0.95 and float(last[5]) >= 0.75, last


def test_missing_landing_folder_is_a_clear_error(tmp_path: Path):
    result = build("--landing", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2
    assert "nope" in result.stderr and "does not exist" in result.stderr
    assert not (tmp_path / "w.duckdb").exists()


def test_unwritable_warehouse_is_a_clear_error_and_damages_nothing(tmp_path: Path, landing: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the warehouse folder should be")
    result = build("--landing", str(landing), "--warehouse", str(blocker / "news.duckdb"))
    assert result.returncode == 2
    assert str(blocker) in result.stderr and "cannot be written" in result.stderr
    assert blocker.read_text() == "a file where the warehouse folder should be"


def test_pattern_characters_in_the_warehouse_name_are_taken_literally(tmp_path: Path, landing: Path):
    """`w[1]` read as a pattern matches `w1`, and `w*` every warehouse: each must see only its own staging."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    for i, path in enumerate(sorted(landing.iterdir())):
        shutil.copy2(path, first if i < 3 else second)
    builds = {"w1.duckdb": first, "w[1].duckdb": second, "w*.duckdb": first}
    for name, folder in builds.items():
        result = build("--landing", str(folder), "--warehouse", str(tmp_path / name))
        assert result.returncode == 0, name + result.stderr[-2000:]
    for name, folder in builds.items():
        with duckdb.connect(str(tmp_path / name), read_only=True) as con:
            files = sorted(f for (f,) in con.execute("SELECT DISTINCT source_file FROM articles").fetchall())
            articles = con.execute(
                "SELECT count(*), count(DISTINCT (source_file, article_index)) FROM articles"
            ).fetchall()
        assert files == sorted(p.name for p in folder.iterdir()), name
        assert articles[0][0] == articles[0][1], name  # no article read twice


def test_a_symlink_loop_and_a_name_that_is_not_utf8_are_rejected_and_the_rest_loads(tmp_path: Path, landing: Path):
    (landing / "loop.txt").symlink_to("loop.txt")
    (landing / os.fsdecode(b"bad\xff.txt")).write_text("A title\n\nJeremy Corbyn met Labour members.\n")
    settle(landing / os.fsdecode(b"bad\xff.txt"))
    warehouse = tmp_path / "news.duckdb"
    first = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert first.returncode == 0, first.stderr[-2000:]
    assert "7 new" in first.stdout and "2 rejected" in first.stdout
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rejected = dict(con.execute("SELECT source_file, reason FROM rejected_files").fetchall())
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(8,)]
    assert rejected == {
        "bad\\xff.txt": "The file name is not valid UTF-8 (shown here with its invalid bytes escaped); "
        "rename the file to load it.",
        "loop.txt": "The file could not be read: Too many levels of symbolic links.",
    }
    again = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert again.returncode == 0, again.stderr[-2000:]
    assert "0 new, 0 changed, 0 outdated, 7 unchanged" in again.stdout
