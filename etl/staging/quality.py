"""The rules staged rows are checked by: the shape of every article, mentions that slice their
text, dates left unknown, and the mention budget held against a file when it is published."""

from __future__ import annotations

import polars as pl

from etl.articles.split import EARLIEST_PUBLISHED
from etl.settings import RULES


def over_mention_budget(outcomes: pl.DataFrame, max_per_article: int) -> pl.DataFrame:
    """File versions (sha256) among extraction outcomes with an article holding more mentions than
    `max_per_article`, with the reason. Held against the budget at publication, not when staged,
    so a changed budget applies to the next files loaded."""
    return outcomes.filter(pl.col("most_mentions_in_article") > max_per_article).select(
        "sha256",
        reason=pl.format(
            f"An article of the file has {{}} mentions, more than the {max_per_article} an article "
            f"may have (raise {RULES['max_mentions_per_article'].variable} to accept it).",
            "most_mentions_in_article",
        ),
    )


def with_rejections(files: pl.DataFrame, rejections: pl.DataFrame) -> pl.DataFrame:
    """`files` (rows of outcomes) with the versions in `rejections` (sha256, reason) rejected, their
    staged rows left unpublished."""
    rejected = pl.col("rejection").is_not_null()
    return (
        files.join(rejections.rename({"reason": "rejection"}), on="sha256", how="left")
        .with_columns(
            status=pl.when(rejected).then(pl.lit("rejected")).otherwise("status"),
            reason=pl.coalesce("rejection", "reason"),
            articles_file=pl.when(rejected).then(None).otherwise("articles_file"),
            mentions_file=pl.when(rejected).then(None).otherwise("mentions_file"),
        )
        .drop("rejection")
    )


def article_problems(articles: pl.DataFrame) -> pl.DataFrame:
    """Articles breaking the shape every split must have, with the rule each breaks."""
    return articles.select(
        "sha256",
        "article_index",
        pl.when(pl.col("text").str.strip_chars() == "")
        .then(pl.lit("empty text"))
        .when(pl.col("char_start") >= pl.col("char_end"))
        .then(pl.lit("empty span"))
        .when(pl.col("text").str.len_chars() != pl.col("char_end") - pl.col("char_start"))
        .then(pl.lit("span length differs from text"))
        .when(pl.col("article_index") != pl.int_range(1, pl.len() + 1).over("sha256"))
        .then(pl.lit("article indexes not consecutive"))
        .alias("problem"),
    ).drop_nulls("problem")


#: Unusable dates a file's repair lists by name; the rest are counted.
DATES_LISTED = 5


def unusable_dates(articles: pl.DataFrame) -> dict[str, str]:
    """Per file version, in words: the date lines giving no plausible publication date, which
    were left unknown."""
    found = (
        articles.filter(pl.col("unusable_date").is_not_null())
        .group_by("sha256", maintain_order=True)
        .agg(pl.format("{} (article {})", "unusable_date", "article_index").alias("dates"))
    )
    return {
        sha256: f"publication dates left unknown, not calendar dates from {EARLIEST_PUBLISHED} to a year ahead: "
        + ", ".join(dates[:DATES_LISTED])
        + (f" and {len(dates) - DATES_LISTED} more" if len(dates) > DATES_LISTED else "")
        for sha256, dates in found.iter_rows()
    }


def misplaced_mentions(mentions: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Mentions whose offsets do not cut exactly their surface text out of their article. Sliced
    in Python, where a slice costs only its length: Polars slices by character by walking the
    text from its start, quadratic in a long article packed with mentions."""
    texts = dict(
        zip(
            zip(articles["sha256"].to_list(), articles["article_index"].to_list(), strict=True),
            articles["text"].to_list(),
            strict=True,
        )
    )
    placed = [
        0 <= start < end and (text := texts.get(key)) is not None and text[start:end] == surface
        for key, start, end, surface in zip(
            zip(mentions["sha256"].to_list(), mentions["article_index"].to_list(), strict=True),
            mentions["char_start"].to_list(),
            mentions["char_end"].to_list(),
            mentions["surface"].to_list(),
            strict=True,
        )
    ]
    return mentions.filter(~pl.Series(placed, dtype=pl.Boolean))
