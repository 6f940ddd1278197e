"""Names that resolve, and files marked deleted, in the analyst views and macros.

Real builds with the CLI: the bundled samples plus one article that calls the Conservatives
"the Tories" and names a "Mr Walker" of its own; then one sample file is deleted (kept, marked
deleted, as loads do without purging) and the landing folder built again. Expected counts come
from reading the files: 002 writes "Labour" 10 times and is the only file quoting Tim Finch.
"""

import shutil
from pathlib import Path

import duckdb
import pytest

from etl.load import catalog
from helpers import PROJECT, SEEDS, build, settle

QUERIES = PROJECT / "warehouse" / "queries"
DELETED = "002_a314f3057370094f.txt"
TORIES = """Tories accused of ignoring the north

The Tories have been accused of ignoring the north of England by Labour, which says the government has cut \
spending in Leeds and Manchester.

Jeremy Corbyn told a rally in Leeds on Saturday: "The Tories have taken the north for granted for far too long."

Mr Corbyn said Labour would invest in rail links. Mr Walker, a councillor in Leeds, said buses mattered more.
"""
# Every view over articles, mentions or quotations; each is a table macro of the same name too.
COUNTING_VIEWS = [
    "articles",
    "article_entities",
    "quotes",
    "quotes_by_speaker",
    "entity_summary",
    "entity_mentions_by_month",
    "co_mentions",
    "mention_context",
    "mentions_by_role",
    "stories",
]


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory) -> dict[str, Path]:
    """before: all files; after: the same warehouse once DELETED has left the landing folder;
    clean: a fresh build of the landing folder without it."""
    root = tmp_path_factory.mktemp("analyst")
    landing = root / "landing"
    shutil.copytree(SEEDS, landing)
    (landing / "005_tories.txt").write_text(TORIES, encoding="utf-8")
    settle(landing)
    after, before, clean = root / "after" / "news.duckdb", root / "before.duckdb", root / "clean" / "news.duckdb"
    first = build("--landing", str(landing), "--warehouse", str(after))
    assert first.returncode == 0, first.stderr[-2000:]
    shutil.copyfile(after, before)
    shutil.move(landing / DELETED, root / DELETED)
    second = build("--landing", str(landing), "--warehouse", str(after))
    assert second.returncode == 0, second.stderr[-2000:]
    assert "5 unchanged, 1 deleted" in second.stdout
    third = build("--landing", str(landing), "--warehouse", str(clean))
    assert third.returncode == 0, third.stderr[-2000:]
    return {"before": before, "after": after, "clean": clean}


def _query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _rows(warehouse: Path, relation: str) -> list[tuple]:
    """A view's or table macro's rows in a stable order, without source_status (which a deletion changes)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = [c for c, *_ in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall() if c != "source_status"]
        return sorted(con.execute(f"SELECT {', '.join(columns)} FROM {relation}").fetchall(), key=repr)


# Names that resolve.


def test_find_entity_finds_the_conservatives_by_what_articles_call_them(warehouses):
    for name in ("tories", "Tories", " TORIES "):
        assert _query(
            warehouses["before"],
            "SELECT rank, entity_name, entity_type, matched_alias, mentions, articles, aliases FROM find_entity(?)",
            [name],
        ) == [
            # "Conservatives" 5 times and "Conservative" once in the samples, "Tories" 3 times in 005.
            (1, "Conservative Party", "ORG", "Tories", 9, 4, ["Conservative", "Conservatives", "Tories"])
        ]


def test_find_entity_ranks_an_exact_canonical_name_first_then_by_mentions(warehouses):
    walkers = "SELECT rank, entity_name, matched_alias, mentions FROM find_entity(?)"
    # Jackie Walker is "Walker" 3 times in 000; 005's councillor is only ever "Mr Walker".
    assert _query(warehouses["before"], walkers, ["walker"]) == [
        (1, "Jackie Walker", "Walker", 5),
        (2, "Walker", "Walker", 1),
    ]
    assert _query(warehouses["before"], walkers, ["Walker"]) == [
        (1, "Walker", "Walker", 1),
        (2, "Jackie Walker", "Walker", 5),
    ]
    assert _query(
        warehouses["before"],
        "SELECT canonical_name('walker'), canonical_name('Walker'), "
        "canonical_name('LABOUR'), canonical_name('uk'), canonical_name('uk', of_type := 'org'), "
        "canonical_name('nobody at all')",
    ) == [("Jackie Walker", "Walker", "Labour Party", "United Kingdom", None, None)]
    # LIKE wildcards: both Milibands, the one mentioned more first.
    assert _query(warehouses["before"], walkers, ["%miliband"]) == [
        (1, "Ed Miliband", "Ed Miliband", 24),
        (2, "David Miliband", "David Miliband", 2),
    ]


def test_co_mentions_of_takes_any_case_or_alias(warehouses):
    db = warehouses["before"]
    labour = _rows(db, "co_mentions_of('Labour Party')")
    assert ("Ed Miliband", "PERSON", 4) in labour and ("Conservative Party", "ORG", 4) in labour
    for name in ("labour", "Labour", "LABOUR PARTY", "labour party"):
        assert _rows(db, f"co_mentions_of('{name}')") == labour
    conservatives = _rows(db, "co_mentions_of('Conservative Party')")
    assert ("Labour Party", "ORG", 4) in conservatives and ("Leeds", "PLACE", 1) in conservatives
    assert _rows(db, "co_mentions_of('Tories')") == _rows(db, "co_mentions_of('conservatives')") == conservatives
    assert _rows(db, "co_mentions_of('nobody at all')") == []


def test_example_query_find_entity(warehouses):
    rows = _query(warehouses["before"], (QUERIES / "find_entity.sql").read_text())
    assert rows == [
        (1, "Ed Miliband", "PERSON", "Ed Miliband", 24),
        (2, "David Miliband", "PERSON", "David Miliband", 2),
    ]


# Files marked deleted.


def test_a_deleted_files_rows_no_longer_count(warehouses):
    after = warehouses["after"]
    assert _query(after, "SELECT count(*) FROM articles WHERE source_file = ?", [DELETED]) == [(0,)]
    assert _query(after, "SELECT count(*) FROM quotes WHERE source_file = ?", [DELETED]) == [(0,)]
    assert _query(after, "SELECT count(*) FROM mention_context WHERE source_file = ?", [DELETED]) == [(0,)]
    # Labour: 78 mentions in the samples, 2 in 005, 10 in 002; eight articles in five files are left.
    assert _query(after, "SELECT mentions, articles, files FROM entity_summary WHERE entity_name = 'Labour Party'") == [
        (70, 8, 5)
    ]
    assert _query(after, "SELECT count(*) FROM entity_summary WHERE entity_name = 'Tim Finch'") == [(0,)]
    assert _query(after, "SELECT count(*) FROM quotes_by_speaker WHERE speaker_name = 'Tim Finch'") == [(0,)]
    assert _query(after, "SELECT * FROM find_entity('finch')") == []
    assert ("Ed Miliband", "PERSON", 3) in _rows(after, "co_mentions_of('labour')")  # 000, 001 and 003 left


def test_the_top_entities_preview_leaves_out_deleted_files_as_a_clean_build_does(warehouses):
    with (
        duckdb.connect(str(warehouses["after"]), read_only=True) as after,
        duckdb.connect(str(warehouses["clean"]), read_only=True) as clean,
    ):
        top = catalog.top_entities(after)
        assert top == catalog.top_entities(clean)
    assert top[0] == ("Labour Party", "ORG", 70, 8)  # not dim_entity's 80 mentions in 9 articles


def test_include_deleted_counts_them_again(warehouses):
    after = warehouses["after"]
    assert _query(
        after, "SELECT DISTINCT source_status FROM articles(include_deleted := true) WHERE source_file = ?", [DELETED]
    ) == [("deleted",)]
    assert _query(
        after,
        "SELECT mentions, articles, files FROM entity_summary(include_deleted := true) "
        "WHERE entity_name = 'Labour Party'",
    ) == [(80, 9, 6)]
    assert _query(
        after, "SELECT quotations FROM quotes_by_speaker(include_deleted := true) WHERE speaker_name = 'Tim Finch'"
    ) == [(5,)]
    assert _query(
        after, "SELECT entity_name, matched_alias, mentions FROM find_entity('finch', include_deleted := true)"
    ) == [("Tim Finch", "Finch", 2)]
    assert ("Ed Miliband", "PERSON", 4) in _rows(after, "co_mentions_of('labour', include_deleted := true)")


@pytest.mark.parametrize("view", COUNTING_VIEWS)
def test_views_leave_out_deleted_files_as_a_clean_build_does(warehouses, view):
    assert _rows(warehouses["after"], view) == _rows(warehouses["clean"], view)
    assert _rows(warehouses["after"], f"{view}(include_deleted := true)") == _rows(warehouses["before"], view)


def test_every_counting_view_has_its_macro_and_every_column_and_macro_a_comment(warehouses):
    db = warehouses["after"]
    views = {v for (v,) in _query(db, "SELECT view_name FROM duckdb_views() WHERE NOT internal")}
    assert views == {*COUNTING_VIEWS, "rejected_files"}
    table_macros = {
        f
        for (f,) in _query(
            db, "SELECT function_name FROM duckdb_functions() WHERE function_type = 'table_macro' AND NOT internal"
        )
    }
    assert set(COUNTING_VIEWS) <= table_macros
    assert (
        _query(
            db,
            "SELECT table_name, column_name FROM duckdb_columns() WHERE table_name IN (SELECT unnest(?)) "
            "AND coalesce(comment, '') = ''",
            [sorted(views)],
        )
        == []
    )
    assert _query(db, "SELECT view_name FROM duckdb_views() WHERE NOT internal AND coalesce(comment, '') = ''") == []
    assert (
        _query(
            db,
            "SELECT function_name FROM duckdb_functions() WHERE function_type IN ('macro', 'table_macro') "
            "AND NOT internal AND coalesce(comment, '') = ''",
        )
        == []
    )
