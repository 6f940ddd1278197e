"""The analyst views and the example queries in warehouse/queries, on the bundled samples.

Expected values come from reading the eight sample articles (and their hand annotation in
the shared gold file), not from the code's output.
"""

import duckdb
import pytest

from etl.load.schema import PUBLISHED_TABLES
from helpers import PROJECT, SEEDS, build, settle

QUERIES = PROJECT / "warehouse" / "queries"


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("queries")
    shutil.copytree(SEEDS, root / "landing")
    settle(root / "landing")
    warehouse = root / "news.duckdb"
    assert build("--landing", str(root / "landing"), "--warehouse", str(warehouse)).returncode == 0
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        yield connection


def _run(con, name: str) -> list[tuple]:
    return con.sql((QUERIES / f"{name}.sql").read_text()).fetchall()


def test_top_entities(con):
    top = _run(con, "top_entities")
    # "Labour" (or "Labour party"/"Labour Party") appears in every article: 10+6+4+15+10+7+12+14 times.
    assert top[0] == ("Labour Party", "ORG", 78, 8)
    # Momentum: 21 times in the Jackie Walker piece, 5 in the Brighton one.
    assert top[1] == ("Momentum", "ORG", 26, 2)


def test_co_mentions_with_labour(con):
    # Ed Miliband is named in 000#1, 001#1, 002 and 003#1; Jeremy Corbyn in 000#2, 003#2 and 004.
    assert _run(con, "co_mentions")[:2] == [("Ed Miliband", 4), ("Jeremy Corbyn", 3)]


def test_mentions_by_month(con):
    # Only 004 carries a date (2017-08-07): Corbyn 5 times, Umunna, Lewis and Jones twice each.
    rows = _run(con, "mentions_by_month")
    assert {name for _, name, _ in rows} == {
        "Jeremy Corbyn",
        "Chuka Umunna",
        "Clive Lewis",
        "Owen Jones",
        "David Lammy",
        "Geraint Davies",
    }
    assert rows[0][1:] == ("Jeremy Corbyn", 5) and str(rows[0][0]) == "2017-08-01"


def test_keyword_in_context(con):
    rows = _run(con, "keyword_in_context")
    assert len(rows) == 26
    assert (
        "000_7e8e55041918a3c3.txt",
        2,
        "body",
        "His major opposition within Momentum and on its ruling executive comes from the AWL.",
    ) in rows
    assert all("Momentum" in sentence for *_, sentence in rows)


def test_titles_vs_bodies(con):
    rows = {name: counts for name, _, *counts in _run(con, "titles_vs_bodies")}
    # Titles: "Labour is developing...", "Labour is a pioneer ... sexism in Labour", "Labour's establishment ..."
    assert rows["Labour Party"][0] == 4
    assert rows["Momentum"][0] == 2 and rows["Ed Miliband"][0] == 1 and rows["Jackie Walker"][0] == 1


def test_every_table_and_column_is_documented(con):
    undocumented = con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE table_name IN (SELECT unnest(?)) "
        "AND coalesce(comment, '') = ''",
        [list(PUBLISHED_TABLES)],
    ).fetchall()
    assert undocumented == []
    tables = dict(con.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
    views = dict(con.execute("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal").fetchall())
    assert all(tables[t] for t in PUBLISHED_TABLES)
    assert {
        "articles",
        "article_entities",
        "rejected_files",
        "entity_summary",
        "co_mentions",
        "mention_context",
        "mentions_by_role",
        "entity_mentions_by_month",
    } <= {v for v, c in views.items() if c}


def test_most_quoted(con):
    # 002 quotes Tim Finch of the IPPR four times at length (and "macro"), Hina Majid three times.
    top = _run(con, "most_quoted")
    assert top[0][:4] == ("Tim Finch", "PERSON", 4, 1)
    assert ("Hina Majid", "PERSON", 3, 1) in [row[:4] for row in top]


def test_what_did_they_say(con):
    said = _run(con, "what_did_they_say")
    assert [row[2][:30] for row in said] == [
        "“If you asked what policies pe",
        "“The problem with the core vot",
        "“Now it is the number one or t",
        "“The worry for some of us is t",
    ]
    assert {row[0] for row in said} == {"002_a314f3057370094f.txt"}
