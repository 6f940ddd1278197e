"""Per-article MinHash signatures over word shingles, the part of story detection that runs per file.

The signature covers the standfirst and body only: a copy under another headline is the same
story, and captions and author bios are the boilerplate that differs most between publishers."""

from __future__ import annotations

import re
from collections.abc import Sequence

from datasketch import MinHash

#: Words per shingle: long enough that unrelated articles share few (common phrases are shorter),
#: short enough that one edited word changes only this many shingles.
SHINGLE_WORDS = 5
#: Hash functions per signature: the estimated Jaccard similarity has a standard error of
#: at most 1/sqrt(2 * 128), about 0.044.
NUM_PERM = 128
#: Fixed, so signatures staged by any run compare with each other.
SEED = 1
#: The datasketch permutation scheme; stated, so a library upgrade cannot change it silently.
SCHEME = "affine32"

_WORD = re.compile(r"\w+")


def shingles(text: str) -> list[bytes]:
    """The distinct runs of SHINGLE_WORDS words of a text, case folded (a text shorter than that is
    one shingle; a text without words has none)."""
    words = _WORD.findall(text.casefold())
    if len(words) <= SHINGLE_WORDS:
        return [" ".join(words).encode()] if words else []
    return list(
        dict.fromkeys(" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1))
    )


def signatures(texts: Sequence[str]) -> list[list[int] | None]:
    """The MinHash signature of each text (NUM_PERM unsigned 32-bit values); None for a text without
    words, which is a story of its own."""
    shingled = [shingles(text) for text in texts]
    hashed = iter(MinHash.bulk([s for s in shingled if s], num_perm=NUM_PERM, seed=SEED, scheme=SCHEME))
    return [next(hashed).hashvalues.tolist() if s else None for s in shingled]


def signature_text(standfirst: str | None, body: str | None) -> str:
    """What of an article its signature covers."""
    return "\n\n".join(part for part in (standfirst, body) if part)
