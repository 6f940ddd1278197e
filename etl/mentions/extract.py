"""Find people, organisations and places in an article and resolve them to canonical names.

Rules propose candidate names (`candidates`), a learned model types each distinct name of the
article from evidence pooled over its mentions (`classify`), and names are then resolved within
the article (`resolve`): surname to full name, acronym to the name it abbreviates, "United" to
"Manchester United".
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from etl.articles.forms import matching_form
from etl.articles.paragraphs import Paragraph
from etl.mentions.candidates import Candidate, candidates
from etl.mentions.classify import type_candidates
from etl.mentions.resolve import agree_people, define_acronyms, resolve_organisations, resolve_people

ENTITY_TYPES = ("PERSON", "ORG", "PLACE")
_SENTENCE_BREAK = re.compile(r"[.!?]['\")\]]*\s+")
_QUOTE_MARKS = '“”"'


class Mention(NamedTuple):
    """One mention; a named tuple, since an article yields dozens and they only travel to columns."""

    start: int  # offsets into the article text
    end: int
    surface: str
    entity_name: str
    entity_type: str
    paragraph_index: int
    paragraph_role: str
    sentence_index: int
    sentence_start: int  # the sentence around the mention, as offsets into the article text
    sentence_end: int
    in_quote: bool


_new_mention = tuple.__new__  # Mention(...) without the keyword handling of the named tuple's constructor


def typed_candidates(
    text: str, paragraphs: Sequence[Paragraph], tally: Counter | None = None
) -> tuple[str, list[Candidate]]:
    """(matching form of the text, its candidates typed and resolved; None for not-an-entity)."""
    folded = matching_form(text)
    found = candidates(folded, paragraphs)
    type_candidates(found, folded, tally)
    define_acronyms(folded, found)
    agree_people(found)
    resolve_people(found)
    resolve_organisations(found)
    return folded, found


def extract_mentions(text: str, paragraphs: Sequence[Paragraph], tally: Counter | None = None) -> list[Mention]:
    """Every PERSON, ORG and PLACE mention in the article, in text order; `tally` (optional)
    counts the names the classifier typed and rejected (see `classify.type_candidates`)."""
    if not paragraphs:
        return []
    folded, found = typed_candidates(text, paragraphs, tally)
    breaks = [m.end() for m in _SENTENCE_BREAK.finditer(folded)]
    return _mentions(text, paragraphs, breaks, found)


def _mentions(
    text: str, paragraphs: Sequence[Paragraph], breaks: list[int], candidates: list[Candidate]
) -> list[Mention]:
    """Typed candidates as mentions, with their sentence and quotation: one sweep, as both are in text order."""
    quotes = _quote_spans(text, paragraphs)
    quote, quote_count, break_count, paragraph_count = 0, len(quotes), len(breaks), len(paragraphs)
    following = 0  # sentence breaks at or before the candidate
    first_break: dict[int, int] = {}  # sentence breaks at or before each paragraph's start
    sentence: tuple[int, int, int, int] | None = None  # (key, index, start, end) of the last sentence seen
    mentions = []
    for c in candidates:
        if c.entity_type is None:
            continue
        index = c.paragraph_index
        para = paragraphs[index]
        while following < break_count and breaks[following] <= c.start:
            following += 1
        key = following * paragraph_count + index
        if sentence is None or sentence[0] != key:
            if index not in first_break:
                first_break[index] = bisect.bisect_right(breaks, para.start)
            start = breaks[following - 1] if following and breaks[following - 1] > para.start else para.start
            end = breaks[following] if following < break_count and breaks[following] < para.end else para.end
            while end > para.start and text[end - 1].isspace():
                end -= 1
            sentence = (key, following - first_break[index], start, end)
        while quote < quote_count and quotes[quote][1] <= c.start:
            quote += 1
        mentions.append(
            _new_mention(
                Mention,
                (
                    c.start,
                    c.end,
                    text[c.start : c.end],
                    c.entity_name or c.surface,
                    c.entity_type,
                    index,
                    para.role,
                    sentence[1],
                    sentence[2],
                    sentence[3],
                    quote < quote_count and quotes[quote][0] <= c.start,
                ),
            )
        )
    return mentions


def _quote_spans(text: str, paragraphs: Sequence[Paragraph]) -> list[tuple[int, int]]:
    """(start, end) of every quotation, in text order; one left open runs to its paragraph's end."""
    marks = sorted(_occurrences(text, _QUOTE_MARKS))
    spans: list[tuple[int, int]] = []
    if not marks:
        return spans
    mark = 0
    for para in paragraphs:
        open_at = None
        while mark < len(marks) and marks[mark][0] < para.end:
            pos, ch = marks[mark]
            mark += 1
            if pos < para.start:
                continue
            if ch == "“" or (ch == '"' and open_at is None):
                open_at = pos
            elif open_at is not None:
                spans.append((open_at, pos + 1))
                open_at = None
        if open_at is not None:
            spans.append((open_at, para.end))
    return spans


def _occurrences(text: str, chars: str) -> list[tuple[int, str]]:
    """(offset, character) of every occurrence of these characters: a substring search per
    character is several times faster than a regex character class over the whole text."""
    found = []
    for char in chars:
        at = text.find(char)
        while at >= 0:
            found.append((at, char))
            at = text.find(char, at + 1)
    return found
