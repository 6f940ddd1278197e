"""The example queries shipped in warehouse/queries run on the bundled samples."""

import duckdb

from etl.paths import WAREHOUSE_SQL_DIR
from test_cli import _build


def test_example_queries(tmp_path, landing):
    warehouse = tmp_path / "news.duckdb"
    assert _build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        top = con.sql((WAREHOUSE_SQL_DIR / "queries" / "top_entities.sql").read_text()).fetchall()
        co = con.sql((WAREHOUSE_SQL_DIR / "queries" / "co_mentions.sql").read_text()).fetchall()
    # Every one of the eight sample articles is about the Labour Party.
    assert top[0][:2] == ("Labour Party", "ORG") and top[0][3] == 8
    # Ed Miliband is named in four of them (000#1, 001#1, 002, 003#1).
    assert co[0] == ("Ed Miliband", 4)
