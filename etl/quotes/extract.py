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

from etl.articles import WORD_PATTERN, Paragraph
from etl.mentions.extract import Mention
from etl.quotes.attribute import attribute_all, language
from etl.quotes.detect import quotation_spans

FRAGMENT_MAX_WORDS = 4
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
    words = [_WORD.findall(text, s.start, s.end) for s in spans]
    kept = [i for i, w in enumerate(words) if w and not _is_title(w)]
    spans = [spans[i] for i in kept]
    words = [words[i] for i in kept]
    quotations = []
    for span, quoted, (attribution, reported) in zip(spans, words, attribute_all(text, paragraphs, spans, mentions)):
        fragment = len(quoted) <= FRAGMENT_MAX_WORDS
        if fragment and not reported:
            continue  # a scare quote or a term, not speech
        quotations.append(Quotation(span.start, span.end, span.paragraph_index, text[span.start : span.end],
                                    len(quoted), fragment, *attribution))
    return quotations


def _is_title(words: list[str]) -> bool:
    """A name or a title of a work: every word but small ones capitalised, more than one word
    ('Blue Labour', 'The Apprentice'); a one-word quotation is judged by its sentence instead."""
    return len(words) > 1 and all(w[0].isupper() or w in language().title_small_words for w in words) and words[0][0].isupper()
