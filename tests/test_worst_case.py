"""Pathological files: every stage stays linear in file size and mention count (the figures are in
benchmarks/bench_worst_files.py; nothing here is timed), and a file beyond the mention budget is
rejected with its reason instead of filling the warehouse."""

import polars as pl

from etl.staging import articles_frame, mentions_frame, misplaced_mentions

PACKED_SENTENCE = "Tony Blair met Gordon Brown in Zürich. "  # three mentions, one non-ASCII character


def test_staged_offsets_check_of_a_long_article_packed_with_mentions():
    articles = articles_frame([("packed", PACKED_SENTENCE * 5_000)])
    mentions = mentions_frame(articles)
    assert mentions.height == 15_000
    assert misplaced_mentions(mentions, articles).is_empty()
    shifted = mentions.with_columns(pl.when(pl.col("char_start") > 150_000).then(pl.col("char_start") + 1)
                                    .otherwise("char_start").alias("char_start"))
    assert misplaced_mentions(shifted, articles)["char_start"].min() > 150_000
    assert misplaced_mentions(shifted, articles).height == shifted.filter(pl.col("char_start") > 150_000).height > 0
