"""Split decoded files into articles and label each paragraph with its role.

Rules are written from the layout of scraped news pages, not from particular
texts: a photo-credit line followed by `Show Hide image` separates articles; a
short first line followed by a blank line is a title; the next short paragraph
is the standfirst; trailing "Name is role at Outlet" paragraphs are the author
bio; `… Photograph: Agency` paragraphs are captions. Everything else is body.

Offsets are kept faithful to the decoded file so later stages can point back
into it; `matching_form` gives a same-length normalised copy for matching.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

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
_CAPTION = re.compile(r"\b(?:photograph|photo|picture|image)s?[ \t\xa0]*:[ \t\xa0]*[^.\n]{1,60}\.?$", re.IGNORECASE)
_BIO = re.compile(
    r"^(?:(?:[A-Z][\w'’.-]+[ \t\xa0]+){2,4}(?:is|was|writes|has[ \t]+been)\b"
    r"|(?:He|She|They)[ \t\xa0]+(?:tweets|writes|blogs)\b"
    r"|(?:Follow|Twitter:?)[ \t\xa0]+@?\w)"
)
WORD_PATTERN = r"\w+(?:['’-]\w+)*"
_WORD = re.compile(WORD_PATTERN)
_SENTENCE_END = re.compile(r"(?:(?<!\.)\.|[:;,])['’\"”)]*$")  # an ellipsis may end a headline

TITLE_MAX_CHARS = 200
STANDFIRST_MAX_WORDS = 60
BIO_MAX_WORDS = 80
CAPTION_TAIL_CHARS = 90
#: Publication dates outside this range are typing slips or placeholders (0001-01-01, 9999-12-31):
#: left unknown, so the warehouse's calendar spans only real years.
EARLIEST_PUBLISHED = dt.date(1800, 1, 1)
LATEST_PUBLISHED_AHEAD = dt.timedelta(days=365)  # after the day the file is split

# Same-length replacements, so offsets in the matching form equal offsets in the text.
_MATCHING_PAIRS = tuple({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "\xa0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\t": " ",
}.items())

# Every whitespace character but space and newline (U+3000 is the last one in Unicode).
_RARE_WHITESPACE = tuple(c for c in map(chr, range(0x3001)) if c.isspace() and c not in " \n")


class Paragraph(NamedTuple):
    role: str
    start: int  # offsets into the article text
    end: int


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


def matching_form(text: str) -> str:
    """Curly quotes, dashes and odd spaces folded, with every offset preserved."""
    # One str.replace per character: far faster than str.translate() with a non-ASCII table.
    for source, target in _MATCHING_PAIRS:
        if source in text:
            text = text.replace(source, target)
    return text


def normalise(text: str) -> str:
    """Canonical form for identity: NFC, folded punctuation, collapsed whitespace."""
    text = unicodedata.normalize("NFC", matching_form(text))
    if any(space in text for space in _RARE_WHITESPACE):
        return " ".join(text.split())
    # Spaces and newlines only, the usual case: collapsed by str.replace, several times faster.
    # Newline runs (paragraph breaks) go first: a search for a rare character skips ahead, one
    # for two spaces crawls, so that slow search then runs once, over text that rarely has one.
    while "\n\n" in text:
        text = text.replace("\n\n", "\n")
    text = text.replace("\n", " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ")


def split_articles(text: str) -> list[Article]:
    """Every article in a decoded file; a file with no separator is one article."""
    articles = []
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
    first = re.compile(r"\s*").match(text, start, end).end()
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
    roles = _roles(article_text, rel)
    return Article(
        index=index,
        char_start=art_start,
        char_end=art_end,
        text=article_text,
        published_date=published,
        paragraphs=[Paragraph(role, s, e) for role, (s, e) in zip(roles, rel)],
        unusable_date=unusable,
    )


def _roles(text: str, spans: list[tuple[int, int]]) -> list[str]:
    paras = [text[s:e] for s, e in spans]
    roles = ["caption" if _is_caption(p) else "body" for p in paras]
    # Trailing bios, possibly interleaved with captions.
    for i in range(len(paras) - 1, 0, -1):
        if roles[i] == "caption":
            continue
        if _BIO.match(paras[i]) and len(_WORD.findall(paras[i])) <= BIO_MAX_WORDS:
            roles[i] = "bio"
        else:
            break
    if len(paras) > 1 and roles[0] == "body" and _is_title(paras[0]):
        roles[0] = "title"
        if len(paras) > 2 and roles[1] == "body" and _is_standfirst(paras[1]):
            roles[1] = "standfirst"
    return roles


def _is_caption(paragraph: str) -> bool:
    """Captions end with their credit ("... Photograph: Getty Images."); only the tail is read."""
    tail = paragraph[-CAPTION_TAIL_CHARS:]
    return ":" in tail and _CAPTION.search(tail) is not None


def _is_title(paragraph: str) -> bool:
    """A headline is one short line that does not end like a sentence."""
    return "\n" not in paragraph and len(paragraph) <= TITLE_MAX_CHARS and not _SENTENCE_END.search(paragraph[-8:])


def _is_standfirst(paragraph: str) -> bool:
    return "\n" not in paragraph and len(_WORD.findall(paragraph)) <= STANDFIRST_MAX_WORDS
