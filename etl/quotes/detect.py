"""Quotation marks paired into spans, paragraph by paragraph.

Double marks (“ ” and ") make quotations; a quotation never crosses a paragraph: one left open
ends with its paragraph (news reports re-open the next paragraph with a new mark), so a missing
closing mark cannot swallow the rest of the article. An opening “ inside an open quotation
re-opens it (a paragraph break lost in scraping): one quotation runs from the first opening mark
to the final closing one. Single marks (‘ ’ and ') make quotations only outside double ones, and
only when they pair up in the paragraph: an apostrophe sits between letters or after one.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import NamedTuple

from etl.articles.paragraphs import Paragraph

_DOUBLE = re.compile(r"[“”\"]")
# The mark first, so the engine skips straight to marks; what precedes it is checked behind.
_SINGLE_OPEN = re.compile(r"[‘'](?<=[\s(\[—–-][‘'])(?=\w)")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.,!?])[’'](?!\w)")
#: Paragraphs whose quotation marks are no quotations: headline fragments.
SKIPPED_ROLES = frozenset({"title"})


class Span(NamedTuple):
    start: int  # offsets into the article text, marks included
    end: int
    paragraph_index: int


def quotation_spans(text: str, paragraphs: Sequence[Paragraph]) -> list[Span]:
    """Every span between quotation marks, in text order."""
    spans: list[Span] = []
    doubles_at = [m.start() for m in _DOUBLE.finditer(text)]  # one scan of the article, then per paragraph
    openings = [m.start() for m in _SINGLE_OPEN.finditer(text)]  # single marks that may open: rare
    for index, para in enumerate(paragraphs):
        if para.role in SKIPPED_ROLES:
            continue
        marks = doubles_at[bisect.bisect_left(doubles_at, para.start) : bisect.bisect_left(doubles_at, para.end)]
        doubles = _double_spans(text, marks, para.start, para.end)
        spans += [Span(start, end, index) for start, end in doubles]
        first = bisect.bisect_left(openings, para.start)
        if first < len(openings) and openings[first] < para.end:
            spans += [Span(start, end, index) for start, end in _single_spans(text, para.start, para.end, doubles)]
    return sorted(spans)


def _double_spans(text: str, marks: list[int], start: int, end: int) -> list[tuple[int, int]]:
    """Pairs of the double marks at `marks` in the paragraph from `start` to `end`."""
    spans = []
    open_at = None
    for at in marks:
        direction = _direction(text, at, start, end)
        if open_at is None:
            if direction != "close":  # a stray closing mark opens nothing
                open_at = at
        elif direction != "open":  # an opening mark inside an open quotation re-opens it
            spans.append((open_at, at + 1))
            open_at = None
    if open_at is not None:
        spans.append((open_at, end))
    return spans


def _direction(text: str, at: int, start: int, end: int) -> str | None:
    """Which way a double mark faces: curly ones say so; a straight one opens after a space and
    before a word, closes after a word and before a space or punctuation; else unknown."""
    char = text[at]
    if char != '"':
        return "open" if char == "“" else "close"
    before = text[at - 1] if at > start else " "
    after = text[at + 1] if at + 1 < end else " "
    if (before.isspace() or before in "([—–-") and not after.isspace():
        return "open"
    if not before.isspace() and (after.isspace() or after in ".,;:!?)]—–-"):
        return "close"
    return None


def _single_spans(text: str, start: int, end: int, doubles: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Single-mark pairs outside the double-mark spans; an unpaired mark is an apostrophe."""
    spans = []
    gaps = (
        [(start, end)]
        if not doubles
        else [
            (a, b)
            for a, b in zip([start] + [e for _, e in doubles], [s for s, _ in doubles] + [end], strict=True)
            if a < b
        ]
    )
    for gap_start, gap_end in gaps:
        position = gap_start
        for opening in _SINGLE_OPEN.finditer(text, gap_start, gap_end):
            if opening.start() < position:
                continue
            closing = _SINGLE_CLOSE.search(text, opening.start() + 1, gap_end)
            if closing is None:
                break
            spans.append((opening.start(), closing.start() + 1))
            position = closing.start() + 1
    return spans
