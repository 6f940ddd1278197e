"""The role of each paragraph of an article: title, standfirst, body, caption or author bio.

Read from the layout of scraped news pages: a short first line is a title, the next short
paragraph the standfirst; trailing "Name is role at Outlet" paragraphs are the author bio;
`… Photograph: Agency` paragraphs are captions. Everything else is body.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from etl.articles.forms import WORD_PATTERN

_CAPTION = re.compile(r"\b(?:photograph|photo|picture|image)s?[ \t\xa0]*:[ \t\xa0]*[^.\n]{1,60}\.?$", re.IGNORECASE)
_BIO = re.compile(
    r"^(?:(?:[A-Z][\w'’.-]+[ \t\xa0]+){2,4}(?:is|was|writes|has[ \t]+been)\b"
    r"|(?:He|She|They)[ \t\xa0]+(?:tweets|writes|blogs)\b"
    r"|(?:Follow|Twitter:?)[ \t\xa0]+@?\w)"
)
_WORD = re.compile(WORD_PATTERN)
_SENTENCE_END = re.compile(r"(?:(?<!\.)\.|[:;,])['’\"”)]*$")  # an ellipsis may end a headline

TITLE_MAX_CHARS = 200
STANDFIRST_MAX_WORDS = 60
BIO_MAX_WORDS = 80
CAPTION_TAIL_CHARS = 90


class Paragraph(NamedTuple):
    role: str
    start: int  # offsets into the article text
    end: int


def paragraph_roles(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """The role of each paragraph, given as (start, end) spans of `text`."""
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
