"""Stories: articles grouped by their signatures, over every article the warehouse holds.

Each story has a leader, its earliest article (by publication date, then article_id), whose
article_id is the story_id. Articles are taken in that order; one joins the leader most similar to
it (estimated Jaccard similarity of their shingles at least SIMILARITY), found through an LSH index
of the leaders only, or else leads a story of its own. Comparing with leaders, not with every
member, keeps the work linear however many copies a story has, and keeps chains of small edits
(A like B, B like C, A unlike C) from merging different stories. Articles only in files marked
deleted come last: they may join a story of the live files, but never lead one that a live article
joins, so they hold no live articles together.
"""

from __future__ import annotations

import polars as pl
from datasketch import LeanMinHash, MinHashLSH

from etl.stories.signature import NUM_PERM, SCHEME, SEED

#: Least estimated Jaccard similarity of two articles' shingles for them to be one story.
SIMILARITY = 0.5

#: What `assign_stories` reads: one row per distinct article text.
STORY_INPUT_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "article_key": pl.Int64,
    "article_id": pl.String,
    "minhash": pl.List(pl.UInt32),
    "live": pl.Boolean,  # occurs in a file not marked deleted
    "first_date": pl.Date,  # earliest publication date of its occurrences (live ones when it has any)
}


def assign_stories(articles: pl.DataFrame, similarity: float = SIMILARITY) -> pl.DataFrame:
    """The story_id of every article (article_key, story_id); `similarity` other than SIMILARITY
    only to measure other thresholds."""
    ordered = articles.sort(
        ["live", "first_date", "article_id", "article_key"], descending=[True, False, False, False], nulls_last=True
    )
    index = MinHashLSH(threshold=similarity, num_perm=NUM_PERM)
    leaders: dict[int, tuple[LeanMinHash, str, int]] = {}  # article_key -> (sketch, story_id, rank)
    story_ids = []
    for key, article_id, minhash in ordered.select("article_key", "article_id", "minhash").iter_rows():
        if minhash is None:  # no words to compare: a story of its own
            story_ids.append(article_id)
            continue
        sketch = LeanMinHash(seed=SEED, hashvalues=minhash, scheme=SCHEME)
        best = max(
            ((sketch.jaccard(leaders[c][0]), -leaders[c][2], c) for c in index.query(sketch)),
            default=None,
        )
        if best is not None and best[0] >= similarity:
            story_ids.append(leaders[best[2]][1])
        else:
            index.insert(key, sketch, check_duplication=False)
            leaders[key] = (sketch, article_id, len(leaders))
            story_ids.append(article_id)
    return ordered.select("article_key").with_columns(story_id=pl.Series(story_ids, dtype=pl.String))
