"""Per-article MinHash signatures over word shingles, the part of story detection that runs per file.

The signature covers the standfirst and body only: a copy under another headline is the same
story, and captions and author bios are the boilerplate that differs most between publishers."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np
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
#: Multipliers combining the hashes of a shingle's words in order (powers of an odd 64-bit constant).
_POSITION_WEIGHTS = np.array(
    [pow(0x9E3779B97F4A7C15, SHINGLE_WORDS - 1 - j, 2**64) for j in range(SHINGLE_WORDS)], dtype=np.uint64
)


def shingle_hashes(text: str) -> np.ndarray:
    """32-bit hashes of the distinct runs of SHINGLE_WORDS words of a text, case folded (a shorter
    text is one shingle; a text without words has none). Words are hashed once (CRC-32) and combined
    per shingle in NumPy: several times faster than hashing each shingle's string."""
    words = np.array([zlib.crc32(word.encode()) for word in _WORD.findall(text.casefold())], dtype=np.uint64)
    starts = max(len(words) - SHINGLE_WORDS + 1, 1)
    combined = np.zeros(starts if len(words) else 0, dtype=np.uint64)
    for position in range(min(SHINGLE_WORDS, len(words))):
        combined += words[position : position + starts] * _POSITION_WEIGHTS[position]
    return np.unique(combined >> np.uint64(32))


def signatures(texts: Sequence[str]) -> list[list[int] | None]:
    """The MinHash signature of each text (NUM_PERM unsigned 32-bit values); None for a text without
    words, which is a story of its own. The shingle hashes are the values datasketch permutes."""
    hashed = [shingle_hashes(text) for text in texts]
    sketches = iter(
        MinHash.bulk([h for h in hashed if len(h)], num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=int)
    )
    return [next(sketches).hashvalues.tolist() if len(h) else None for h in hashed]


def signature_text(standfirst: str | None, body: str | None) -> str:
    """What of an article its signature covers."""
    return "\n\n".join(part for part in (standfirst, body) if part)
