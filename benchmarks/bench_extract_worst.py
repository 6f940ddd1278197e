"""Extraction on one article built to stress every per-name step, at doubling sizes: the time
per MB should stay flat (linear in the input).

Each sentence opens with a distinct capitalised word, names a distinct two-word person whose
surname recurs alone later, a distinct organisation and a place, so the article has as many
distinct names to classify, resolve and look up as its size allows.

    python benchmarks/bench_extract_worst.py --kb 100 --doublings 4
"""

from __future__ import annotations

import argparse
import time

from etl.articles.split import split_articles
from etl.mentions import classify, gazetteer
from etl.mentions.extract import extract_mentions


def _word(i: int) -> str:
    letters = ""
    while True:
        letters += "abcdefghijklmnopqrstuvwxyz"[i % 26]
        i //= 26
        if not i:
            return letters


def worst_article(kb: int) -> str:
    sentences, i = [], 0
    while sum(map(len, sentences)) < kb * 1000:
        w = _word(i)
        sentences.append(
            f"Zq{w} Brown{w} met Ann Smith{w} of Acme{w} Holdings in Paris. Smith{w} said Brown{w} "
            f"would stay. Opening{w} talks began."
        )
        i += 1
    return "A worst case\n\n" + "\n\n".join(" ".join(sentences[j : j + 5]) for j in range(0, len(sentences), 5)) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=100, help="size of the smallest article")
    parser.add_argument("--doublings", type=int, default=4)
    args = parser.parse_args()
    gazetteer.warm_up()  # reference tables and weights load before the first timing
    classify.model()
    for step in range(args.doublings):
        kb = args.kb * 2**step
        article = split_articles(worst_article(kb))[0]
        started = time.perf_counter()
        mentions = extract_mentions(article.text, article.paragraphs)
        seconds = time.perf_counter() - started
        mb = len(article.text.encode()) / 1e6
        print(f"{mb:6.2f} MB  {len(mentions):7d} mentions  {seconds:6.2f} s  {seconds / mb:6.2f} s/MB", flush=True)


if __name__ == "__main__":
    main()
