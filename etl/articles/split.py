"""Split a decoded file into articles, each with its publication date and paragraphs.

A photo-credit line followed by `Show Hide image` separates articles; a `date YYYY-MM-DD` line
opening an article gives its publication date. Offsets are kept faithful to the decoded file so
later stages can point back into it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from etl.articles.forms import normalise
from etl.articles.paragraphs import Paragraph, paragraph_roles

SPLITTER_VERSION = "layout-2"

_SEPARATOR = re.compile(r"[ \t\xa0]*show[ \t\xa0]+hide[ \t\xa0]+image[ \t\xa0]*", re.IGNORECASE)
_CREDIT_LINE = re.compile(
    r"[ \t\xa0]*(?:(?:photo(?:graph)?|picture|image)s?[ \t\xa0]*:[ \t\xa0]*[^\n]{1,60}"
    r"|(?:[A-Z][\w&.'’-]*)(?:[ \t\xa0][A-Z][\w&.'’-]*){0,2})[ \t\xa0]*",
    re.IGNORECASE,
)
_DATE_META = re.compile(r"[ \t\xa0]*date[ \t\xa0]+(\d{4}-\d{2}-\d{2})(?:[ \t\xa0]+|(?=\n)|$)")
# Starts at a non-blank character: a search that tried every position of a long blank line,
# scanning the rest of that line from each, took time quadratic in its length.
_PARAGRAPH = re.compile(r"\S[^\n]*(?:\n[^\S\n]*\S[^\n]*)*")

#: Publication dates outside this range are typing slips or placeholders (0001-01-01, 9999-12-31):
#: left unknown, so the warehouse's calendar spans only real years.
EARLIEST_PUBLISHED = dt.date(1800, 1, 1)
LATEST_PUBLISHED_AHEAD = dt.timedelta(days=365)  # after the day the file is split


@dataclass
class Article:
    index: int  # 1-based position in the file
    char_start: int  # offsets into the decoded file
    char_end: int
    text: str
    published_date: dt.date | None
    paragraphs: list[Paragraph] = field(default_factory=list)
    unusable_date: str | None = None  # a date line's value that is no plausible publication date

    def _joined(self, role: str, sep: str = "\n\n") -> str | None:
        parts = [self.text[p.start : p.end] for p in self.paragraphs if p.role == role]
        return sep.join(parts) if parts else None

    @property
    def title(self) -> str | None:
        return self._joined("title")

    @property
    def standfirst(self) -> str | None:
        return self._joined("standfirst")

    @property
    def body(self) -> str:
        return self._joined("body") or ""

    @property
    def byline(self) -> str | None:
        return self._joined("bio", "\n")

    @property
    def captions(self) -> str | None:
        return self._joined("caption", "\n")

    @property
    def article_id(self) -> str:
        """Stable across files and re-scrapes: hash of the normalised text."""
        return hashlib.sha256(normalise(self.text).encode("utf-8")).hexdigest()[:32]


def split_articles(text: str) -> list[Article]:
    """Every article in a decoded file; a file with no separator is one article."""
    articles: list[Article] = []
    latest = dt.date.today() + LATEST_PUBLISHED_AHEAD
    for start, end in _segments(text):
        article = _parse_segment(text, start, end, len(articles) + 1, latest)
        if article is not None:
            articles.append(article)
    return articles


def _segments(text: str) -> list[tuple[int, int]]:
    """Spans between boundaries; boundary lines (credit + separator) belong to no article."""
    spans, cursor = [], 0
    for sep in _separator_lines(text):
        boundary_start = sep.start()
        line_start = text.rfind("\n", 0, max(sep.start() - 1, 0)) + 1
        if cursor <= line_start < sep.start() and _CREDIT_LINE.fullmatch(text, line_start, sep.start() - 1):
            boundary_start = line_start
        spans.append((cursor, boundary_start))
        cursor = sep.end()
    spans.append((cursor, len(text)))
    return [(start, end) for start, end in spans if start < end]


def _separator_lines(text: str) -> list[re.Match]:
    """`Show Hide image` lines, in order. Only lines holding "mage"/"MAGE" are tried, found
    with plain substring search, since a case-insensitive regex over the whole text is slow.
    The search resumes after the line of each find, so every line is scanned once however
    often it holds the word (scanning back to the line start per find was quadratic)."""
    lines = {}  # start -> end of each line holding a needle
    for needle in ("mage", "MAGE"):
        found = text.find(needle)
        while found >= 0:
            end = text.find("\n", found)
            end = len(text) if end < 0 else end
            lines[text.rfind("\n", 0, found) + 1] = end
            found = text.find(needle, end)
    matches = []
    for start in sorted(lines):
        match = _SEPARATOR.fullmatch(text, start, lines[start])
        if match:
            matches.append(match)
    return matches


def _parse_segment(text: str, start: int, end: int, index: int, latest: dt.date) -> Article | None:
    published = unusable = None
    nonblank = re.compile(r"\S").search(text, start, end)
    first = nonblank.start() if nonblank else end
    meta = _DATE_META.match(text, first, end)
    if meta:
        try:
            published = dt.date.fromisoformat(meta.group(1))
            start = meta.end()
        except ValueError:  # not a calendar date: the line stays in the text
            unusable = meta.group(1)
        if published is not None and not EARLIEST_PUBLISHED <= published <= latest:
            published, unusable = None, meta.group(1)
    spans = []
    for m in _PARAGRAPH.finditer(text, start, end):
        spans.append((m.start(), m.start() + len(m.group().rstrip())))
    if not spans:
        return None
    art_start, art_end = spans[0][0], spans[-1][1]
    article_text = text[art_start:art_end]
    rel = [(s - art_start, e - art_start) for s, e in spans]
    roles = paragraph_roles(article_text, rel)
    return Article(
        index=index,
        char_start=art_start,
        char_end=art_end,
        text=article_text,
        published_date=published,
        paragraphs=[Paragraph(role, s, e) for role, (s, e) in zip(roles, rel, strict=True)],
        unusable_date=unusable,
    )
