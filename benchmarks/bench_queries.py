"""Latency of the example queries in warehouse/queries on a large warehouse.

    python benchmarks/bench_queries.py --warehouse /path/to/news.duckdb

Build the warehouse first, e.g. from `make_corpus.py --mb 200` (bench_build.py leaves one
under its workdir). Opens the file read-only, as an analyst would, and prints the median of
five runs of every query after one warm-up run.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import duckdb

QUERIES = Path(__file__).resolve().parent.parent / "warehouse" / "queries"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    con = duckdb.connect(str(args.warehouse), read_only=True)
    mentions = con.execute("SELECT count(*) FROM fact_mention").fetchall()[0][0]
    articles = con.execute("SELECT count(*) FROM fact_article").fetchall()[0][0]
    print(f"warehouse: {articles:,} articles, {mentions:,} mentions; median of {args.runs} runs after a warm-up")
    for query in sorted(QUERIES.glob("*.sql")):
        sql = query.read_text()
        con.sql(sql).fetchall()
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            rows = con.sql(sql).fetchall()
            times.append(time.perf_counter() - started)
        print(f"{query.name:28} {statistics.median(times) * 1000:8.1f} ms  ({len(rows)} rows)")


if __name__ == "__main__":
    main()
