"""What full-text search costs a load, and what a search costs an analyst.

Builds a seed-format corpus (the shared generator) into a warehouse with `python -m etl build`,
then, on copies of that warehouse, times the index maintenance a publish runs (search_index.sql,
in a transaction as the load runs it): indexing every article, as the first load of a corpus
does, and indexing a tenth of them, as a load of new files does, over the rest already indexed.
Also prints the index's rows and its size on its own, and the time of a search and of the example
query warehouse/queries/search_by_month.sql on a read-only connection.

    python benchmarks/bench_search.py --mb 10 --runs 3
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))
from etl.load.sql_files import sql_file  # noqa: E402
from helpers import make_corpus  # noqa: E402  (the corpus generator the tests use)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10, help="corpus size in MB")
    parser.add_argument("--runs", type=int, default=3, help="timings per figure (median reported)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="etl-bench-search-"))
    landing = make_corpus(workdir / "landing", args.mb)
    warehouse = workdir / "news.duckdb"
    built = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--landing", str(landing), "--warehouse", str(warehouse)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
    )
    if built.returncode != 0:
        raise SystemExit(built.stderr[-2000:])
    megabytes = sum(f.stat().st_size for f in landing.glob("*.txt")) / 1e6
    print(f"corpus {megabytes:.1f} MB; build: {next(line for line in built.stdout.splitlines() if 'stages' in line)}")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        articles, words = con.execute("SELECT count(*), sum(term_count) FROM search_documents").fetchall()[0]
        postings, terms = con.execute("SELECT count(*), count(DISTINCT term) FROM search_postings").fetchall()[0]
    print(f"index: {articles} articles, {words} words indexed, {terms} distinct terms, {postings} postings")
    size = _index_size(warehouse, workdir)
    print(f"index alone: {size / 1e6:.1f} MB; whole warehouse {warehouse.stat().st_size / 1e6:.1f} MB")
    for label, share in (("every article (first load)", 1.0), ("a tenth of them (new files)", 0.1)):
        seconds = statistics.median(_index(warehouse, workdir / "copy.duckdb", share) for _ in range(args.runs))
        print(f"indexing {label}: {seconds:.2f} s")
    example = (PROJECT / "warehouse" / "queries" / "search_by_month.sql").read_text()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for label, query in (
            ("search_articles('immigration')", "SELECT count(*) FROM search_articles('immigration')"),
            ("search_articles, 3 words", "SELECT count(*) FROM search_articles('labour party immigration')"),
            ("search_by_month.sql", example),
        ):
            seconds = statistics.median(_timed(con, query) for _ in range(max(args.runs, 5)))
            print(f"query {label}: {seconds * 1000:.0f} ms")


def _index(warehouse: Path, copy: Path, share: float) -> float:
    """Seconds search_index.sql takes to index `share` of the articles, the others already indexed."""
    shutil.copyfile(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(
            "CREATE TEMP TABLE dropped AS SELECT article_key FROM search_documents WHERE hash(article_key) % 100 < ?",
            [round(share * 100)],
        )
        con.execute("DELETE FROM search_postings WHERE article_key IN (SELECT article_key FROM dropped)")
        con.execute("DELETE FROM search_documents WHERE article_key IN (SELECT article_key FROM dropped)")
        con.execute("CHECKPOINT")
        started = time.perf_counter()
        con.execute("BEGIN TRANSACTION")
        con.execute(sql_file("search_index.sql"))
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
        return time.perf_counter() - started


def _index_size(warehouse: Path, workdir: Path) -> int:
    """Bytes of a database file holding the two index tables alone."""
    alone = workdir / "index_alone.duckdb"
    with duckdb.connect(str(warehouse), read_only=True) as source, duckdb.connect(str(alone)) as con:
        for table in ("search_documents", "search_postings"):
            con.register("rows", source.sql(f"FROM {table}").arrow())
            con.execute(f"CREATE TABLE {table} AS FROM rows")
            con.unregister("rows")
        con.execute("CHECKPOINT")
    return alone.stat().st_size


def _timed(con: duckdb.DuckDBPyConnection, query: str) -> float:
    started = time.perf_counter()
    con.execute(query).fetchall()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
