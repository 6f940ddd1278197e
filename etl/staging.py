"""Per-file work (decode → split → extract) staged as Parquet, keyed by content hash.

Staged outputs are content-addressed (file sha256 + code version), so an
unchanged file is never parsed twice, a renamed file is not re-parsed, and a
code change writes to a fresh directory. Every write goes to a temporary name
and is renamed into place, so a crash never leaves a half-written stage.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import polars as pl

from etl.articles import SPLITTER_VERSION, Paragraph, split_articles
from etl.ingest import RejectedFile, decode
from etl.mentions import EXTRACTOR_VERSION, extract_mentions

#: Changes whenever splitting or extraction would give different rows for the same bytes.
PIPELINE_VERSION = f"{SPLITTER_VERSION}/{EXTRACTOR_VERSION}"

PARAGRAPH_TYPE = pl.List(pl.Struct({"role": pl.String, "start": pl.Int32, "end": pl.Int32}))
ARTICLE_SCHEMA = {
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
    "word_count": pl.Int32,
    "text": pl.String,
    "paragraphs": PARAGRAPH_TYPE,
}
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
    "in_quote": pl.Boolean,
}


@dataclass(frozen=True)
class FileOutcome:
    """What splitting made of one file version."""

    sha256: str
    status: str  # "loaded" | "rejected"
    encoding: str | None
    reason: str | None
    article_count: int
    repair: str | None = None


class Stage:
    """The staging folder of one warehouse."""

    def __init__(self, root: Path):
        self.root = root
        self.articles_dir = root / f"articles-{SPLITTER_VERSION}"
        self.mentions_dir = root / f"mentions-{SPLITTER_VERSION}-{EXTRACTOR_VERSION}"

    def article_path(self, sha256: str) -> Path:
        return self.articles_dir / f"{sha256}.parquet"

    def outcome_path(self, sha256: str) -> Path:
        return self.articles_dir / f"{sha256}.json"

    def mention_path(self, sha256: str) -> Path:
        return self.mentions_dir / f"{sha256}.parquet"

    def split_file(self, sha256: str, data: bytes) -> FileOutcome:
        """Decode and split one file version, or reuse its staged result."""
        cached = self.outcome_path(sha256)
        if cached.exists() and (self.article_path(sha256).exists() or _read_outcome(cached).status == "rejected"):
            return _read_outcome(cached)
        try:
            decoded = decode(data)
        except RejectedFile as exc:
            outcome = FileOutcome(sha256, "rejected", None, str(exc), 0)
        else:
            frame = articles_frame(sha256, decoded.text)
            if frame.height == 0:
                outcome = FileOutcome(sha256, "rejected", decoded.encoding, "No article text found in the file.", 0)
            else:
                _write_atomic(self.article_path(sha256), frame.write_parquet)
                outcome = FileOutcome(sha256, "loaded", decoded.encoding, None, frame.height, decoded.repair)
        _write_atomic(cached, lambda tmp: Path(tmp).write_text(json.dumps(asdict(outcome)), encoding="utf-8"))
        return outcome

    def extract_file(self, sha256: str) -> int:
        """Mentions of one staged file version; returns how many."""
        target = self.mention_path(sha256)
        if target.exists():
            return pl.scan_parquet(target).select(pl.len()).collect().item()
        articles = pl.read_parquet(self.article_path(sha256))
        frame = mentions_frame(articles)
        _write_atomic(target, frame.write_parquet)
        return frame.height


    def articles(self, sha256s: Sequence[str]) -> pl.LazyFrame:
        """Staged articles of these file versions (already split)."""
        return _scan([self.article_path(s) for s in dict.fromkeys(sha256s)], ARTICLE_SCHEMA)

    def mentions(self, sha256s: Sequence[str]) -> pl.LazyFrame:
        """Staged mentions of these file versions (already extracted)."""
        return _scan([self.mention_path(s) for s in dict.fromkeys(sha256s)], MENTION_SCHEMA)


def _scan(paths: list[Path], schema: dict) -> pl.LazyFrame:
    return pl.scan_parquet(paths, schema=schema) if paths else pl.LazyFrame(schema=schema)


def articles_frame(sha256: str, text: str) -> pl.DataFrame:
    rows = [
        {
            "sha256": sha256,
            "article_index": a.index,
            "article_id": a.article_id,
            "char_start": a.char_start,
            "char_end": a.char_end,
            "title": a.title,
            "standfirst": a.standfirst,
            "body": a.body,
            "byline": a.byline,
            "captions": a.captions,
            "published_date": a.published_date,
            "word_count": a.word_count,
            "text": a.text,
            "paragraphs": [{"role": p.role, "start": p.start, "end": p.end} for p in a.paragraphs],
        }
        for a in split_articles(text)
    ]
    return pl.DataFrame(rows, schema=ARTICLE_SCHEMA)


def mentions_frame(articles: pl.DataFrame) -> pl.DataFrame:
    rows = []
    for row in articles.iter_rows(named=True):
        paragraphs = [Paragraph(p["role"], p["start"], p["end"]) for p in row["paragraphs"]]
        for m in extract_mentions(row["text"], paragraphs):
            rows.append(
                {
                    "sha256": row["sha256"],
                    "article_index": row["article_index"],
                    "char_start": m.start,
                    "char_end": m.end,
                    "surface": m.surface,
                    "entity_name": m.entity_name,
                    "entity_type": m.entity_type,
                    "paragraph_index": m.paragraph_index,
                    "paragraph_role": m.paragraph_role,
                    "sentence_index": m.sentence_index,
                    "in_quote": m.in_quote,
                }
            )
    return pl.DataFrame(rows, schema=MENTION_SCHEMA)


def _read_outcome(path: Path) -> FileOutcome:
    return FileOutcome(**json.loads(path.read_text(encoding="utf-8")))


def _write_atomic(target: Path, write: Callable[[str], object]) -> None:
    """Write via a temporary sibling and rename, so readers never see a partial file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
