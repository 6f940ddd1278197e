"""The extractor's language data (word lists), loaded once from `data/<language>/` into a frozen object.

Each list is a plain text file, one word per line, `#` for comments, so a rule changes by editing
data, not code. Loading fails when a word sits in two sets that vote for different readings.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, fields
from pathlib import Path

DATA = Path(__file__).parent / "data"
LANGUAGE = "en"

#: Sets whose words would give a name two different readings: no word may sit in two of them.
_CONFLICTING = (
    ("org_cues", "place_cues", "event_cues"),
    ("honorifics_dropped", "honorifics_kept"),
    ("leading_words", "org_cues", "place_cues"),
    ("stop_tokens", "org_cues", "place_cues", "connectors"),
    ("connectors", "name_particles"),
)


class RuleDataError(ValueError):
    """The rule data is inconsistent; the message names the files and words."""


@dataclass(frozen=True)
class Rules:
    """Word lists of one language (see the header of each file for its use)."""

    leading_words: frozenset[str]
    stop_tokens: frozenset[str]
    honorifics_dropped: frozenset[str]
    honorifics_kept: frozenset[str]
    person_titles: frozenset[str]
    offices: frozenset[str]
    role_words: frozenset[str]
    org_cues: frozenset[str]
    event_cues: frozenset[str]
    place_cues: frozenset[str]
    compass: frozenset[str]
    roman_numerals: frozenset[str]
    connectors: frozenset[str]
    name_particles: frozenset[str]
    reporting_verbs: frozenset[str]
    person_roles: frozenset[str]
    sport_words: frozenset[str]
    legal_endings: frozenset[str]

    @functools.cached_property
    def skipped_words(self) -> frozenset[str]:
        """The commonest single capitalised words that are never a name on their own."""
        return self.leading_words | self.stop_tokens

    @functools.cached_property
    def person_after(self) -> re.Pattern[str]:
        """Context that marks the name it follows as a person: "X, who", "X said", "X, the party's director"."""
        verbs = "|".join(sorted(self.reporting_verbs))
        roles = "|".join(sorted(self.person_roles))
        return re.compile(
            rf"(?:'s? )?(?:,? (?:who|whose)\b| (?:{verbs})\b|, (?:the |a |an )?(?:[\w'-]+ ){{0,4}}(?:{roles})\b)"
        )

    @functools.cached_property
    def connector_pattern(self) -> str:
        """Regex alternation of the lower-case words a capitalised run may contain."""
        return "|".join(re.escape(w) for w in sorted(self.connectors | self.name_particles | {"&"}))


def read_word_list(path: Path) -> frozenset[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.update(line.split())
    return frozenset(words)


def load_rules(folder: Path) -> Rules:
    """Every word list of a language folder; RuleDataError on a missing file or a conflict."""
    sets = {}
    for field in fields(Rules):
        path = folder / f"{field.name}.txt"
        if not path.is_file():
            raise RuleDataError(f"{path}: missing word list {field.name!r}")
        sets[field.name] = read_word_list(path)
    for group in _CONFLICTING:
        for i, first in enumerate(group):
            for second in group[i + 1 :]:
                shared = sets[first] & sets[second]
                if shared:
                    raise RuleDataError(f"{folder}: {', '.join(sorted(shared))} in both {first}.txt and {second}.txt")
    return Rules(**sets)


@functools.cache
def rules() -> Rules:
    return load_rules(DATA / LANGUAGE)
