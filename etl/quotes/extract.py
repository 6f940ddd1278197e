"""Direct quotations of an article with their speakers, ready to stage.

Spans between quotation marks (`detect`) become quotations unless they read as labels: a
title-case phrase ('Blue Labour', "Project Fear") is a name or a title of a work, and a fragment
of four words or fewer with no reporting word in its sentence is a scare quote ("working class").
Fragments that someone is reported as saying are kept and flagged (`is_fragment`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from etl.articles.forms import WORD_PATTERN
from etl.articles.paragraphs import Paragraph
from etl.mentions.extract import Mention
from etl.quotes.attribute import attribute_all, language
from etl.quotes.detect import Span, quotation_spans

FRAGMENT_MAX_WORDS = 4
TITLE_MAX_CHARS = 80  # longer spans are speech, not a name or a title
_WORD = re.compile(WORD_PATTERN)


class Quotation(NamedTuple):
    """One quotation; the fields travel to staged columns in this order."""

    start: int  # offsets into the article text, quotation marks included
    end: int
    paragraph_index: int
    quote_text: str
    word_count: int
    is_fragment: bool
    speaker_name: str | None  # canonical entity name, None when unattributed
    speaker_type: str | None
    cue: str  # name | org | pronoun | role | previous | none
    rule: str | None
    verb: str | None


def extract_quotations(text: str, paragraphs: Sequence[Paragraph], mentions: Sequence[Mention]) -> list[Quotation]:
    """Every direct quotation of the article, in text order, attributed where a rule allows."""
    spans = quotation_spans(text, paragraphs)
    if not spans:
        return []
    counts = [_word_count(text, s.start, s.end) for s in spans]
    kept = [i for i, n in enumerate(counts) if n and not _is_title(text, spans[i])]
    spans = [spans[i] for i in kept]
    counts = [counts[i] for i in kept]
    fragments = [count <= FRAGMENT_MAX_WORDS for count in counts]
    attributions = attribute_all(text, paragraphs, spans, mentions, fragments)
    quotations = []
    for span, count, fragment, (attribution, reported) in zip(spans, counts, fragments, attributions, strict=True):
        if fragment and not reported:
            continue  # a scare quote or a term, not speech
        quotations.append(
            Quotation(
                span.start, span.end, span.paragraph_index, text[span.start : span.end], count, fragment, *attribution
            )
        )
    return quotations


def _word_count(text: str, start: int, end: int) -> int:
    return len(_WORD.findall(text, start, end))


def _is_title(text: str, span: Span) -> bool:
    """A name or a title of a work: a few words, every one but small ones capitalised, more than
    one ('Blue Labour', 'The Apprentice'); a one-word quotation is judged by its sentence instead."""
    if span.end - span.start > TITLE_MAX_CHARS:
        return False
    words = _WORD.findall(text, span.start, span.end)
    small = language().title_small_words
    return len(words) > 1 and words[0][0].isupper() and all(w[0].isupper() or w in small for w in words)
