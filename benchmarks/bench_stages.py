"""Splitting and extraction alone, on one core: MB/s of raw text and articles/s.
Quotation extraction (given the article's mentions) is timed on its own too, with its share
of the time extraction of mentions takes.

Generates (or reuses) a seed-format corpus with the shared make_corpus.py, decodes and
splits every file, then extracts mentions from every article, several times, and prints
the median of each. It runs as a worker process does (`etl.workers`: one Polars thread,
garbage collection tuned, reference tables loaded). Extraction is timed after one pass that
fills the caches of classified names, as in a long-running worker; that first pass, as in
a fresh worker, is printed too.

    python benchmarks/bench_stages.py --mb 50 --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import etl.workers  # noqa: F401  (first: worker conditions are set before Polars loads)
from etl.articles.split import split_articles
from etl.ingest.decoding import decode
from etl.mentions.extract import extract_mentions
from etl.quotes.extract import extract_quotations

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from helpers import make_corpus  # noqa: E402  (the corpus generator the tests use)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=None, help="an existing landing folder to use instead")
    args = parser.parse_args()
    corpus = args.corpus
    if corpus is None:
        corpus = Path(tempfile.mkdtemp(prefix="etl-stages-")) / "corpus"
        make_corpus(corpus, args.mb)
    raw = [path.read_bytes() for path in sorted(corpus.glob("*.txt"))]
    megabytes = sum(map(len, raw)) / 1e6

    split_seconds, articles = [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        articles = [a for data in raw for a in split_articles(decode(data).text)]
        split_seconds.append(time.perf_counter() - started)
    article_megabytes = sum(len(a.text.encode("utf-8")) for a in articles) / 1e6

    started = time.perf_counter()
    for article in articles:  # fills the caches
        extract_mentions(article.text, article.paragraphs)
    first_pass = time.perf_counter() - started
    extract_seconds, quote_seconds, found = [], [], []
    for _ in range(args.runs):  # interleaved, so both see the same load on the machine
        started = time.perf_counter()
        found = [extract_mentions(a.text, a.paragraphs) for a in articles]
        extract_seconds.append(time.perf_counter() - started)
        started = time.perf_counter()
        quotations = sum(len(extract_quotations(a.text, a.paragraphs, m)) for a, m in zip(articles, found, strict=True))
        quote_seconds.append(time.perf_counter() - started)
    mentions = sum(map(len, found))

    split, extract, quotes = (
        statistics.median(split_seconds),
        statistics.median(extract_seconds),
        statistics.median(quote_seconds),
    )
    print(
        f"corpus: {len(raw)} files, {megabytes:.1f} MB, {len(articles)} articles, {mentions} mentions; "
        f"median of {args.runs} runs, one core"
    )
    print(f"decode+split: {megabytes / split:6.1f} MB/s of raw text, {len(articles) / split:8.0f} articles/s")
    print(
        f"extract:      {article_megabytes / extract:6.1f} MB/s of article text, "
        f"{len(articles) / extract:8.0f} articles/s"
    )
    print(f"  first pass: {article_megabytes / first_pass:6.1f} MB/s (caches empty, as in a fresh worker)")
    print(
        f"quotations:   {article_megabytes / quotes:6.1f} MB/s of article text, {quotations} quotations, "
        f"{quotes / extract:.0%} of the time mentions take"
    )


if __name__ == "__main__":
    main()
