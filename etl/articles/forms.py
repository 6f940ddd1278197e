"""Normalised forms of article text: one for matching, with every offset kept, one for identity;
and what counts as a word."""

from __future__ import annotations

import unicodedata

WORD_PATTERN = r"\w+(?:['’-]\w+)*"

# Same-length replacements, so offsets in the matching form equal offsets in the text.
_MATCHING_PAIRS = tuple(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
        "\xa0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\t": " ",
    }.items()
)

# Every whitespace character but space and newline (U+3000 is the last one in Unicode).
_RARE_WHITESPACE = tuple(c for c in map(chr, range(0x3001)) if c.isspace() and c not in " \n")


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
