"""Features of a candidate name, pooled over all its mentions in one article, for the classifier.

Two parts: features of the name itself (its words, shapes, gazetteer tiers, cue words), cached
per name since names repeat across articles, and features of its contexts in this article
(the words around each mention, honorific and verb cues), pooled as a set.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick_rs

from etl.mentions import gazetteer as gaz
from etl.mentions.candidates import ACRONYM, DERIVED_SUFFIX, Candidate, read_context, read_evidence
from etl.mentions.rules import rules

_R = rules()
_DIGIT = re.compile(r"\d")
_SHAPE_RUNS = re.compile(r"(.)\1+")
_SPORT_WORDS_NEEDED = 2
_ROLES = _R.person_titles | _R.role_words


def _shape(word: str) -> str:
    """ "Blair" -> "Xx", "BBC" -> "X", "G8" -> "Xd", "McDonald" -> "XxXx", "O'Neill" -> "X'Xx"."""
    mapped = "".join("X" if c.isupper() else "x" if c.islower() else "d" if c.isdigit() else c for c in word)
    return _SHAPE_RUNS.sub(r"\1", mapped)


def _context_word(word: str) -> str:
    """A context word as a feature: digits as 0, and a handle, hashtag or link by its kind only
    (they never recur in news, and the weights keep no one's user name)."""
    if word[0] in "@#":
        return word[0]
    if word.startswith(("http", "www")):
        return "link"
    return _DIGIT.sub("0", word) if _DIGIT.search(word) else word


@functools.lru_cache(maxsize=200_000)
def name_features(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Features of the name's own words: what it looks like and which lists it is in."""
    surface = " ".join(tokens)
    first, last = tokens[0], tokens[-1]
    n = len(tokens)
    f = [
        "bias",
        f"len={min(n, 4)}",
        f"first={first.lower()}",
        f"last={last.lower()}",
        f"suf3={last[-3:].lower()}",
        f"shape={'_'.join(_shape(t) for t in tokens[:3])}",
    ]
    f += [f"w={t.lower()}" for t in tokens[1:-1]]
    tiers = gaz.place_tiers()
    known = gaz.as_written(surface)  # "LONDON" in a newswire dateline is London
    tier = tiers.get(known)
    if tier:
        f.append(f"place{tier}")
    elif n > 1 and first in _R.compass and tiers.get(" ".join(tokens[1:])) == 1:
        f.append("compass+place1")
    elif n > 1 and last in _R.compass and " ".join(tokens[:-1]) in tiers:
        f.append("place+compass")  # constituencies: "Derby North", "Leicester South"
    elif n > 1 and any(tiers.get(t) == 1 for t in tokens):
        f.append("has_place1")
    if known in gaz.companies():
        f.append("company")
    entry = gaz.lexicon().get(surface)
    if entry is not None:
        f.append(f"lex={entry.entity_type}{'~' if entry.adjectival else ''}")
    elif n > 1 and any(_lexicon_type(t) == "ORG" for t in tokens):
        f.append("has_lex_org")
    if n == 1:
        if gaz.is_first_name(first):
            f.append("first_name_alone")
        if first in gaz.surnames():
            f.append("surname_alone")
        if ACRONYM.fullmatch(first):
            f.append("acronym")
        if DERIVED_SUFFIX.search(first):
            f.append("derived_suffix")
    else:
        if gaz.is_first_name(first):
            f.append("first_name")
        if last in gaz.surnames():
            f.append("surname_last")
        if len(first) == 2 and first[1] == ".":
            f.append("initial_first")
    if last in _R.org_cues:
        f.append("org_cue_last")
    elif any(t in _R.org_cues for t in tokens):
        f.append("org_cue")
    if last in _R.event_cues:
        f.append("event_cue_last")
    if first in _R.place_cues or last in _R.place_cues:
        f.append("place_cue")
    if first in _R.honorifics_kept:
        f.append("peerage")
    if all(t in _R.person_titles or t in _R.role_words or t in _R.honorifics_kept for t in tokens):
        f.append("all_titles")
    if n > 1 and last in _R.roman_numerals:
        f.append("roman_last")
    if any(t[0].islower() or t == "&" for t in tokens):
        f.append("connector")
    return tuple(f)


def _lexicon_type(token: str) -> str | None:
    entry = gaz.lexicon().get(token)
    return entry.entity_type if entry is not None and not entry.adjectival else None


@functools.cache
def _sport_automaton() -> ahocorasick_rs.AhoCorasick:
    return ahocorasick_rs.AhoCorasick([f" {w}" for w in sorted(_R.sport_words)])


def is_sports_report(text: str) -> bool:
    """Several distinct words of sports reports (written lower-case, as in running text): place
    names there often stand for teams."""
    found = set()
    for pattern, _, end in _sport_automaton().find_matches_as_indexes(text, overlapping=True):
        if end == len(text) or not text[end].isalpha():
            found.add(pattern)
    return len(found) >= _SPORT_WORDS_NEEDED


@dataclass
class ArticleContext:
    """What the features of one name need to know about the rest of its article."""

    folded: str  # the article's matching form
    singles: frozenset[str]  # its one-word candidates
    lasts: frozenset[str]  # last and first words of its longer candidates
    firsts: frozenset[str]
    sport: bool  # reads like a sports report

    @functools.cached_property
    def words(self) -> frozenset[str]:
        """Its words as written, split at spaces: read once, when a name first asks."""
        return frozenset(self.folded.split())


def article_context(candidates: Sequence[Candidate], folded: str) -> ArticleContext:
    longer = [c.tokens for c in candidates if len(c.tokens) > 1]
    return ArticleContext(
        folded,
        frozenset(c.tokens[0] for c in candidates if len(c.tokens) == 1),
        frozenset(t[-1] for t in longer),
        frozenset(t[0] for t in longer),
        is_sports_report(folded),
    )


def context_features(mentions: Iterable[Candidate], article: ArticleContext) -> set[str]:
    """Features of one name's mentions in an article, pooled: the word before and after each
    mention, cues, whether a name seen only at sentence starts is also written lower-case,
    whether it is part of a longer name there; in a sports report, the place tier and context
    words are also seen together with "sport"."""
    f: set[str] = set()
    count, initial_only = 0, True
    tokens: tuple[str, ...] = ()
    folded = article.folded
    for c in mentions:
        left, right = read_context(folded, c)
        read_evidence(folded, c)
        count += 1
        tokens = c.tokens
        initial_only &= c.sentence_initial
        f.add(f"L={left if left.isalpha() else _context_word(left)}" if left else "L=^")
        if right:
            f.add(f"R={right if right.isalpha() else _context_word(right)}")
            if right.title() in _ROLES:
                f.add("R=role")  # "England coach", "Bath prop", "BBC correspondent"
        else:
            f.add("R=$")
        if c.honorific:
            f.add("honorific")
        if c.person_evidence:
            f.add("person_after")
        if c.event_after:
            f.add("event_after")
        if not c.noun_use:
            f.add("modifier_use")
    if initial_only:
        f.add("initial_only")
    if count > 1:
        f.add("repeated")
    if len(tokens) == 1:
        word = tokens[0]
        lower = word.lower()
        if initial_only and lower != word and lower in article.words:
            f.add("also_lower")  # capitalised only for opening a sentence
        if word in article.lasts:
            f.add("last_of_longer")
        if word in article.firsts:
            f.add("first_of_longer")
    elif tokens and tokens[-1] in article.singles:
        f.add("last_alone_elsewhere")
    if article.sport:
        tier = gaz.place_tiers().get(" ".join(tokens))
        f |= {f"sport&{x}" for x in f if x[0] in "LR"}
        f.add(f"sport&place{tier}" if tier else "sport")
    return f
