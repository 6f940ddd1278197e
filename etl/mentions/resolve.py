"""Within-article resolution of typed candidates: acronyms to the names they abbreviate, surnames
and first names to the nearest full name, a company's short name to its full name, and full
names to agree with the surname used alone."""

from __future__ import annotations

import re
from collections.abc import Sequence

from etl.mentions.candidates import Candidate
from etl.mentions.gazetteer import is_first_name, place_tiers
from etl.mentions.rules import rules

_ACRONYM_DEFINITION = re.compile(r" \(([A-Z][A-Z&]{1,7})\)")


def define_acronyms(folded: str, candidates: Sequence[Candidate]) -> None:
    """ "Institute for Public Policy Research (IPPR)" makes IPPR an alias in this article."""
    expansions = {}
    for c in candidates:
        if c.entity_type == "ORG" and len(c.tokens) > 1:
            m = _ACRONYM_DEFINITION.match(folded, c.end)
            if m and _initials_match(c.tokens, m.group(1)):
                expansions[m.group(1)] = c.entity_name or c.surface
    for c in candidates:
        if len(c.tokens) == 1 and c.tokens[0] in expansions and not c.from_lexicon:
            c.entity_type, c.entity_name = "ORG", expansions[c.tokens[0]]


def _initials_match(tokens: Sequence[str], acronym: str) -> bool:
    initials = "".join(t[0] for t in tokens if t[0].isupper())
    return acronym == initials or all(ch in initials for ch in acronym)


def agree_people(candidates: Sequence[Candidate]) -> None:
    """A full name opening with a first name whose surname the article also uses alone, as a
    person, is that person ("Jeremy Corbyn's team" ... "Corbyn said"), whatever its own
    contexts suggested."""
    alone = {c.tokens[0] for c in candidates if len(c.tokens) == 1 and c.entity_type == "PERSON" and not c.from_lexicon}
    if not alone:
        return
    for c in candidates:
        if (
            len(c.tokens) > 1
            and c.entity_type != "PERSON"
            and c.entry is None
            and c.tokens[-1] in alone
            and is_first_name(c.tokens[0])
        ):
            c.entity_type, c.entity_name = "PERSON", c.surface


def resolve_organisations(candidates: Sequence[Candidate]) -> None:
    """A one-word name that is the last word of exactly one longer organisation named in the
    article, legal endings aside, is that organisation ("Manchester United" ... "United",
    "Royal Dutch Shell Plc" ... "Shell"), unless it is a person or a well-known place."""
    by_last: dict[str, set[str]] = {}
    for c in candidates:
        if c.entity_type == "ORG" and len(c.tokens) > 1 and c.entry is None:
            words = list(c.tokens)
            while len(words) > 1 and words[-1] in rules().legal_endings:
                words.pop()
            if len(words) > 1:
                by_last.setdefault(words[-1], set()).add(c.entity_name or c.surface)
    if not by_last:
        return
    places = place_tiers()
    for c in candidates:
        if (
            len(c.tokens) == 1
            and c.entity_type in (None, "ORG", "PLACE")
            and c.entry is None
            and places.get(c.tokens[0]) != 1
        ):
            names = by_last.get(c.tokens[0])
            if names and len(names) == 1:
                c.entity_type, c.entity_name = "ORG", next(iter(names))


def resolve_people(candidates: Sequence[Candidate]) -> None:
    """A one-word name that is the first or last word of a person named in the article is that
    person (the nearest one before it); when it could be two people and none came before, it is
    left out rather than guessed."""
    people_by_token: dict[str, list[Candidate]] = {}
    for p in candidates:
        if p.entity_type == "PERSON" and len(p.tokens) > 1:
            for token in {p.tokens[0], p.tokens[-1]}:
                people_by_token.setdefault(token, []).append(p)
    if not people_by_token:
        return
    for c in candidates:
        if len(c.tokens) != 1 or c.from_lexicon:
            continue
        if c.entity_type not in (None, "PERSON") and not (c.entity_type == "PLACE" and not c.person_evidence):
            continue
        matches = people_by_token.get(c.tokens[0])
        if not matches:
            continue
        before = [p for p in matches if p.start < c.start]
        names = {p.entity_name for p in matches}
        if before:
            c.entity_type, c.entity_name = "PERSON", max(before, key=lambda p: p.start).entity_name
        elif len(names) == 1:
            c.entity_type, c.entity_name = "PERSON", names.pop()
        else:
            c.entity_type = None
