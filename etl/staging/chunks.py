"""The per-file work, one chunk of files per task: decode and split files into staged articles,
extract the mentions and quotations of staged articles. Tasks are module-level functions, so
worker processes can import them."""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from etl.articles.split import SPLITTER_VERSION
from etl.ingest.decoding import DecodedText, decode
from etl.ingest.errors import RejectedFile
from etl.mentions.version import EXTRACTOR_VERSION
from etl.quotes.version import QUOTES_VERSION
from etl.staging.frames import articles_frame, extracted_frames, signatures_frame
from etl.staging.quality import article_problems, misplaced_mentions, unusable_dates
from etl.staging.store import (
    EXTRACT_OUTCOME_SCHEMA,
    SPLIT_OUTCOME_SCHEMA,
    ExtractOutcome,
    SplitOutcome,
    Stage,
    chunk_id,
    read_versions,
    save_outcomes,
    write_atomic,
)
from etl.stories.version import STORIES_VERSION

#: Changes whenever splitting or extraction would give different rows for the same bytes.
PIPELINE_VERSION = f"{SPLITTER_VERSION}/{EXTRACTOR_VERSION}/{QUOTES_VERSION}/{STORIES_VERSION}"


def split_chunk(stage_root: str, files: Sequence[tuple[str, int, str]]) -> list[SplitOutcome | None]:
    """Read, decode and split files given as (path, size, sha256) as they were fingerprinted.
    A file that no longer has those bytes (rewritten since, or unreadable now) gives None: it
    is still being written, and the next run fingerprints it afresh."""
    stage = Stage(Path(stage_root))
    results: list[tuple[str, int, DecodedText | str] | None] = []
    for path, size, sha256 in files:
        try:
            data = Path(path).read_bytes()
        except OSError:
            data = None
        if data is None or len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
            results.append(None)
            continue
        try:
            decoded: DecodedText | str = decode(data)
        except RejectedFile as exc:
            decoded = str(exc)
        results.append((sha256, size, decoded))
    read = [r for r in results if r is not None]
    # Identical files (same sha256) are split once: their rows are staged once per chunk.
    decoded_files = list({sha: d.text for sha, _, d in read if not isinstance(d, str)}.items())
    frame = articles_frame(decoded_files)
    counts = dict(frame.group_by("sha256").len().iter_rows())
    malformed = dict(article_problems(frame).group_by("sha256").len().iter_rows())
    dates_left_unknown = unusable_dates(frame)
    chunk = chunk_id([sha for sha, _, _ in read])
    if frame.height:
        write_atomic(stage.articles_dir / f"{chunk}.parquet", frame)
    outcomes: list[SplitOutcome | None] = []
    for r in results:
        if r is None:
            outcomes.append(None)
            continue
        sha256, size, decoded = r
        if isinstance(decoded, str):
            outcomes.append(SplitOutcome(sha256, size, "rejected", None, None, decoded, 0, 0, None))
        elif sha256 not in counts:
            outcomes.append(
                SplitOutcome(
                    sha256,
                    size,
                    "rejected",
                    decoded.encoding,
                    decoded.repair,
                    "No article text found in the file.",
                    0,
                    0,
                    None,
                )
            )
        else:
            repair = "; ".join(filter(None, [decoded.repair, dates_left_unknown.get(sha256)])) or None
            outcomes.append(
                SplitOutcome(
                    sha256,
                    size,
                    "loaded",
                    decoded.encoding,
                    repair,
                    None,
                    counts[sha256],
                    malformed.get(sha256, 0),
                    f"{chunk}.parquet",
                )
            )
    save_outcomes(stage.articles_dir, chunk, [o for o in outcomes if o is not None], SPLIT_OUTCOME_SCHEMA)
    return outcomes


def extract_chunk(stage_root: str, files: Sequence[tuple[str, str]]) -> list[ExtractOutcome]:
    """Extract the mentions and quotations of staged file versions, given as (sha256, articles_file)
    pairs, and take the story signatures of their articles."""
    stage = Stage(Path(stage_root))
    shas = [sha for sha, _ in files]
    articles = read_versions(
        [str(stage.articles_dir / name) for name in dict.fromkeys(n for _, n in files)],
        shas,
        columns=["sha256", "article_index", "text", "paragraphs", "standfirst", "body"],
    ).unique(subset=["sha256", "article_index"], keep="first", maintain_order=True)
    tallies: dict[str, Counter] = defaultdict(Counter)
    mentions, quotes = extracted_frames(articles, tallies)
    chunk = chunk_id(shas)
    target, quotes_target = stage.mentions_dir / f"{chunk}.parquet", stage.mentions_dir / f"{chunk}.quotes.parquet"
    signatures_target = stage.mentions_dir / f"{chunk}.signatures.parquet"
    write_atomic(target, mentions)
    write_atomic(quotes_target, quotes)
    write_atomic(signatures_target, signatures_frame(articles))
    quote_counts = dict(
        quotes.group_by("sha256")
        .agg(pl.len(), pl.col("speaker_name").count())
        .select("sha256", pl.struct("len", "speaker_name"))
        .iter_rows()
    )
    counts = dict(mentions.group_by("sha256").len().iter_rows())
    with_mentions = dict(mentions.group_by("sha256").agg(pl.col("article_index").n_unique()).iter_rows())
    article_counts = dict(articles.group_by("sha256").len().iter_rows())
    misplaced = dict(misplaced_mentions(mentions, articles).group_by("sha256").len().iter_rows())
    most = dict(
        mentions.group_by("sha256", "article_index").len().group_by("sha256").agg(pl.col("len").max()).iter_rows()
    )
    outcomes = [
        ExtractOutcome(
            sha,
            counts.get(sha, 0),
            article_counts.get(sha, 0) - with_mentions.get(sha, 0),
            misplaced.get(sha, 0),
            most.get(sha, 0),
            tallies[sha]["classified"],
            tallies[sha]["rejected"],
            target.name,
            *_quote_tally(quote_counts.get(sha)),
            quotes_target.name,
            signatures_target.name,
        )
        for sha in shas
    ]
    save_outcomes(stage.mentions_dir, chunk, outcomes, EXTRACT_OUTCOME_SCHEMA)
    return outcomes


def _quote_tally(counts: dict | None) -> tuple[int, int]:
    """(quotations, attributed) of one file version."""
    return (counts["len"], counts["speaker_name"]) if counts else (0, 0)
