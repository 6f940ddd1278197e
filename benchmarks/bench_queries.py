"""Latency of the example queries in warehouse/queries, and of reading every analyst view whole.

    python benchmarks/bench_queries.py --warehouse /path/to/news.duckdb

Build the warehouse first, e.g. from `make_corpus.py --mb 200` (bench_build.py leaves one
under its workdir). Opens the file read-only, as an analyst would, and prints the median of
five runs of every query after one warm-up run: the example queries, then `SELECT *` of each
view counting files (they count from the facts at query time, deleted files left out) and of
the same with deleted files counted, and a name resolved by find_entity and co_mentions_of.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import duckdb

QUERIES = Path(__file__).resolve().parent.parent / "warehouse" / "queries"
# Every view that is also a table macro taking include_deleted, read from the warehouse itself.
COUNTING_VIEWS_SQL = """
    SELECT function_name FROM duckdb_functions()
    WHERE function_type = 'table_macro' AND list_contains(parameters, 'include_deleted')
      AND function_name IN (SELECT view_name FROM duckdb_views() WHERE NOT internal)
    ORDER BY function_name
"""
NAME_LOOKUPS = {
    "find_entity('labour')": "SELECT * FROM find_entity('labour')",
    "co_mentions_of('labour')": "SELECT * FROM co_mentions_of('labour')",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    con = duckdb.connect(str(args.warehouse), read_only=True)
    mentions = con.execute("SELECT count(*) FROM fact_mention").fetchall()[0][0]
    articles = con.execute("SELECT count(*) FROM fact_article").fetchall()[0][0]
    print(f"warehouse: {articles:,} articles, {mentions:,} mentions; median of {args.runs} runs after a warm-up")
    examples = {query.name: query.read_text() for query in sorted(QUERIES.glob("*.sql"))}
    views = [name for (name,) in con.execute(COUNTING_VIEWS_SQL).fetchall()]
    analyst = {
        **{f"{view} (view)": f"SELECT * FROM {view}" for view in views},
        **{f"{view} (include_deleted)": f"SELECT * FROM {view}(include_deleted := true)" for view in views},
    }
    for name, sql in {**examples, **analyst, **NAME_LOOKUPS}.items():
        con.sql(sql).fetchall()
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            rows = con.sql(sql).fetchall()
            times.append(time.perf_counter() - started)
        print(f"{name:36} {statistics.median(times) * 1000:8.1f} ms  ({len(rows)} rows)")


if __name__ == "__main__":
    main()
