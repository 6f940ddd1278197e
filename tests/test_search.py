"""Full-text search (search_articles) on real builds with the CLI: the bundled samples, then a new
file added, then a sample file deleted (kept, marked deleted), then purged.

Expected matches come from reading the files: "immigration" stands in 000#1, 001#1, 002#1 and 004
(dated 2017-08-07) and nowhere else; "immigrants" only in 002; every sample article mentions Labour.
"""

import datetime
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from helpers import PROJECT, SEEDS, build, settle

QUERIES = PROJECT / "warehouse" / "queries"
DELETED = "000_7e8e55041918a3c3.txt"
IMMIGRATION = {
    ("000_7e8e55041918a3c3.txt", 1),
    ("001_666f149987165847.txt", 1),
    ("002_a314f3057370094f.txt", 1),
    ("004_1dfb63bf47ca936e.txt", 1),
}
ZEPPELINS = """Zeppelins return to the skies over Friedrichshafen

A zeppelin carrying tourists flew over Lake Constance on Sunday, the first of the season.

The operator said immigration rules had delayed two of its pilots.
"""
#: The index as a load from scratch would build it from dim_article, to compare the kept one with.
REBUILT_INDEX = """
SELECT term, article_key, count(*) AS term_frequency
FROM (SELECT article_key, unnest(search_words(concat_ws(' ', title, body))) AS term FROM dim_article)
GROUP BY ALL
"""


@pytest.fixture(scope="module")
def warehouses(tmp_path_factory) -> dict[str, Path]:
    """samples; added: with the zeppelin file; deleted: then without DELETED; purged: then purged."""
    root = tmp_path_factory.mktemp("search")
    landing = root / "landing"
    shutil.copytree(SEEDS, landing)
    settle(landing)
    live = root / "news.duckdb"
    found = {}
    for step in ("samples", "added", "deleted", "purged"):
        if step == "added":
            (landing / "005_zeppelins.txt").write_text(ZEPPELINS, encoding="utf-8")
            settle(landing)
        if step == "deleted":
            shutil.move(landing / DELETED, root / DELETED)
        options = ["--purge-deleted"] if step == "purged" else []
        result = build("--landing", str(landing), "--warehouse", str(live), *options)
        assert result.returncode == 0, result.stderr[-2000:]
        found[step] = root / f"{step}.duckdb"
        shutil.copyfile(live, found[step])
    return found


def _rows(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def _matches(warehouse: Path, query: str, include_deleted: bool = False) -> list[tuple]:
    return _rows(
        warehouse,
        "SELECT source_file, article_index, score, matched_terms, source_status "
        "FROM search_articles(?, include_deleted := ?)",
        [query, include_deleted],
    )


def test_example_query_search_by_month(warehouses):
    rows = _rows(warehouses["samples"], (QUERIES / "search_by_month.sql").read_text())
    assert rows == [
        (datetime.date(2017, 8, 1), 1, "004_1dfb63bf47ca936e.txt"),  # 004 has no title
        (None, 3, "Labour is developing the right instincts on immigration"),
    ]


def test_matches_are_the_articles_holding_the_word_best_first(warehouses):
    matches = _matches(warehouses["samples"], "Immigration")
    assert {(file, index) for file, index, *_ in matches} == IMMIGRATION
    scores = [score for _, _, score, *_ in matches]
    assert scores == sorted(scores, reverse=True) and all(score > 0 for score in scores)
    assert {tuple(terms) for *_, terms, _ in matches} == {("immigration",)}


def test_plurals_case_and_common_words_fold(warehouses):
    # 002 writes "Immigrants" and "immigrants", no article "immigrant"; "the" and "of" are not indexed.
    assert [row[:2] + row[3:4] for row in _matches(warehouses["samples"], "the IMMIGRANT of")] == [
        ("002_a314f3057370094f.txt", 1, ["immigrant"])
    ]
    assert _matches(warehouses["samples"], "the of") == []


def test_rarer_words_weigh_more(warehouses):
    # 002 alone writes "immigrants" (twice); "immigration" stands in four articles, 002 among them.
    both = {
        (file, index): score for file, index, score, *_ in _matches(warehouses["samples"], "immigrants immigration")
    }
    alone = {(file, index): score for file, index, score, *_ in _matches(warehouses["samples"], "immigration")}
    assert set(both) == IMMIGRATION
    assert max(both, key=both.get) == ("002_a314f3057370094f.txt", 1)
    assert both[("002_a314f3057370094f.txt", 1)] > 2 * alone[("002_a314f3057370094f.txt", 1)]


def test_a_new_file_becomes_searchable(warehouses):
    assert _matches(warehouses["samples"], "zeppelin") == []
    zeppelins = _matches(warehouses["added"], "zeppelins")
    assert [row[:2] + row[3:] for row in zeppelins] == [("005_zeppelins.txt", 1, ["zeppelin"], "loaded")]
    assert {row[:2] for row in _matches(warehouses["added"], "immigration")} == IMMIGRATION | {("005_zeppelins.txt", 1)}


def test_a_deleted_file_leaves_search_unless_included(warehouses):
    expected = IMMIGRATION - {(DELETED, 1)} | {("005_zeppelins.txt", 1)}
    assert {row[:2] for row in _matches(warehouses["deleted"], "immigration")} == expected
    included = {row[:2]: row[4] for row in _matches(warehouses["deleted"], "immigration", include_deleted=True)}
    assert set(included) == expected | {(DELETED, 1)}
    assert included[(DELETED, 1)] == "deleted"
    assert {row[:2] for row in _matches(warehouses["purged"], "immigration", include_deleted=True)} == expected


@pytest.mark.parametrize("step", ["samples", "added", "deleted", "purged"])
def test_the_kept_index_is_the_one_a_fresh_load_builds(warehouses, step):
    kept = _rows(warehouses[step], "SELECT term, article_key, term_frequency FROM search_postings")
    assert sorted(kept) == sorted(_rows(warehouses[step], REBUILT_INDEX))
    documents = _rows(warehouses[step], "SELECT article_key FROM search_documents ORDER BY ALL")
    assert documents == _rows(warehouses[step], "SELECT article_key FROM dim_article ORDER BY ALL")


def test_search_needs_no_extension_in_a_read_only_session(warehouses):
    """A reader with extension loading switched off, as on a machine that cannot download one."""
    script = (
        "import duckdb, sys\n"
        "con = duckdb.connect(sys.argv[1], read_only=True,\n"
        "    config={'autoinstall_known_extensions': False, 'autoload_known_extensions': False})\n"
        "print(con.execute(\"SELECT count(*) FROM search_articles('immigration')\").fetchall()[0][0])\n"
        "print(con.execute(\"SELECT count(*) FROM duckdb_extensions() WHERE loaded AND extension_name = 'fts'\")"
        ".fetchall()[0][0])\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(warehouses["samples"])], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["4", "0"]
