"""The staged rows: articles, mentions and quotations as Polars frames, and their schemas."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import polars as pl

from etl.articles.forms import WORD_PATTERN
from etl.articles.paragraphs import Paragraph
from etl.articles.split import split_articles
from etl.mentions.extract import Mention, extract_mentions
from etl.quotes.extract import Quotation, extract_quotations
from etl.stories.signature import signature_text, signatures

_PARAGRAPH = pl.Struct({"role": pl.String, "start": pl.Int32, "end": pl.Int32})
PARAGRAPH_TYPE = pl.List(_PARAGRAPH)
ARTICLE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "sha256": pl.String,
    "article_index": pl.Int32,
    "article_id": pl.String,
    "char_start": pl.Int32,
    "char_end": pl.Int32,
    "title": pl.String,
    "standfirst": pl.String,
    "body": pl.String,
    "byline": pl.String,
    "captions": pl.String,
    "published_date": pl.Date,
    "unusable_date": pl.String,
    "word_count": pl.Int32,
    "text": pl.String,
    "paragraphs": PARAGRAPH_TYPE,
}
_FLAT_ARTICLE_SCHEMA = {name: dtype for name, dtype in ARTICLE_SCHEMA.items() if name != "paragraphs"}
MENTION_SCHEMA = {
    "sha256": pl.String,
    "article_index": pl.Int32,
    "char_start": pl.Int32,
    "char_end": pl.Int32,
    "surface": pl.String,
    "entity_name": pl.String,
    "entity_type": pl.String,
    "paragraph_index": pl.Int32,
    "paragraph_role": pl.String,
    "sentence_index": pl.Int32,
    "sentence_start": pl.Int32,
    "sentence_end": pl.Int32,
    "in_quote": pl.Boolean,
}
QUOTE_SCHEMA = {
    "sha256": pl.String,
    "article_index": pl.Int32,
    "char_start": pl.Int32,
    "char_end": pl.Int32,
    "paragraph_index": pl.Int32,
    "quote_text": pl.String,
    "word_count": pl.Int32,
    "is_fragment": pl.Boolean,
    "speaker_name": pl.String,
    "speaker_type": pl.String,
    "cue": pl.String,
    "rule": pl.String,
    "verb": pl.String,
}

SIGNATURE_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "sha256": pl.String,
    "article_index": pl.Int32,
    "minhash": pl.List(pl.UInt32),
}


def articles_frame(files: Sequence[tuple[str, str]]) -> pl.DataFrame:
    """Articles of decoded files given as (sha256, text) pairs, one row per article. Paragraphs
    are built as flat columns and nested by a group-by, faster than building nested rows."""
    articles = [(sha256, a) for sha256, text in files for a in split_articles(text)]
    rows = [
        (
            sha256,
            a.index,
            a.article_id,
            a.char_start,
            a.char_end,
            a.title,
            a.standfirst,
            a.body,
            a.byline,
            a.captions,
            a.published_date,
            a.unusable_date,
            0,
            a.text,
        )
        for sha256, a in articles
    ]
    frame = pl.DataFrame(rows, schema=_FLAT_ARTICLE_SCHEMA, orient="row")  # rows in ARTICLE_SCHEMA's order
    owners = [row for row, (_, a) in enumerate(articles) for _ in a.paragraphs]
    columns = zip(*(p for _, a in articles for p in a.paragraphs), strict=True) if owners else ((), (), ())
    paragraphs = (
        pl.DataFrame(
            [owners, *columns],
            schema={"row": pl.Int32, **_PARAGRAPH.to_schema()},
            orient="col",
        )
        .group_by("row", maintain_order=True)
        .agg(paragraphs=pl.struct("role", "start", "end"))
    )
    # Every article has a paragraph (`split_articles` drops those without), so rows line up.
    return frame.with_columns(
        paragraphs["paragraphs"],
        word_count=pl.col("text").str.count_matches(WORD_PATTERN).cast(pl.Int32),
    )


def extracted_frames(
    articles: pl.DataFrame, tallies: dict[str, Counter] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Mentions and quotations of staged articles, one row each. Built column-wise (faster than
    rows): MENTION_SCHEMA and QUOTE_SCHEMA list sha256, article_index, then the fields of
    `Mention` and `Quotation` in their order. `tallies` (optional) collects the classifier's
    counts per file version."""
    shas: list[str] = []
    indexes: list[int] = []
    mentions: list[Mention] = []
    quote_shas: list[str] = []
    quote_indexes: list[int] = []
    quotes: list[Quotation] = []
    for sha256, index, text, paragraphs in articles.select("sha256", "article_index", "text", "paragraphs").iter_rows():
        paragraphs = [Paragraph(p["role"], p["start"], p["end"]) for p in paragraphs]
        found = extract_mentions(text, paragraphs, None if tallies is None else tallies[sha256])
        quoted = extract_quotations(text, paragraphs, found)
        shas += [sha256] * len(found)
        indexes += [index] * len(found)
        mentions += found
        quote_shas += [sha256] * len(quoted)
        quote_indexes += [index] * len(quoted)
        quotes += quoted
    return (
        _columns_frame(shas, indexes, mentions, Mention, MENTION_SCHEMA),
        _columns_frame(quote_shas, quote_indexes, quotes, Quotation, QUOTE_SCHEMA),
    )


def _columns_frame(
    shas: list[str], indexes: list[int], rows: list, row_type: type[Mention] | type[Quotation], schema: dict
) -> pl.DataFrame:
    columns = zip(*rows, strict=True) if rows else ([] for _ in row_type._fields)
    return pl.DataFrame([shas, indexes, *columns], schema=schema, orient="col")


def signatures_frame(articles: pl.DataFrame) -> pl.DataFrame:
    """The story signature of each staged article (sha256, article_index, minhash)."""
    texts = [signature_text(standfirst, body) for standfirst, body in articles.select("standfirst", "body").iter_rows()]
    return pl.DataFrame(
        [articles["sha256"], articles["article_index"], pl.Series(signatures(texts), dtype=pl.List(pl.UInt32))],
        schema=SIGNATURE_SCHEMA,
        orient="col",
    )
