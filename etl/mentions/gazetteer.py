"""Reference data for typing mentions: the curated lexicon, tiered places and personal names.

Loaded once per process. Sources and licences are listed in the README.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import ahocorasick_rs
import pycountry

from etl.mentions.rules import DATA, LANGUAGE

LEXICON_FILE = DATA / LANGUAGE / "lexicon.tsv"
PLACES_FILE = DATA / LANGUAGE / "places.tsv"
COMPANIES_FILE = DATA / LANGUAGE / "companies.txt"
COMMON_WORDS_FILE = DATA / LANGUAGE / "common_words.txt"
FIRST_NAMES_FILE = DATA / LANGUAGE / "first_names.txt"
#: The commonest surnames of the US Census list, by frequency rank.
_SURNAME_RANKS = 30_000
#: A first name is taken as one sex's when at least this share of its bearers (by census frequency) are of that sex.
_ONE_SEX_SHARE = 0.9
_BRACKETED = re.compile(r"\s*\[.*\]$")  # "Wales [Cymru GB-CYM]" -> "Wales"


@dataclass(frozen=True)
class LexiconEntry:
    canonical: str
    entity_type: str
    adjectival: bool  # "Tory attacks": counts only as a possessive or bare noun


@functools.cache
def lexicon() -> dict[str, LexiconEntry]:
    """Alias → entry, from the curated TSV."""
    entries = {}
    for line in LEXICON_FILE.read_text(encoding="utf-8").splitlines():
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
def longest_alias_words() -> int:
    """Words in the lexicon's longest alias: no longer phrase need be looked up."""
    return max(alias.count(" ") + 1 for alias in lexicon())


@functools.cache
def lexicon_automaton() -> ahocorasick_rs.AhoCorasick:
    """Aho–Corasick automaton over every alias (pattern i is `lexicon_aliases()[i]`), for one
    pass per article."""
    return ahocorasick_rs.AhoCorasick(lexicon_aliases(), matchkind=ahocorasick_rs.MatchKind.Standard)


@functools.cache
def place_tiers() -> dict[str, int]:
    """Place name → 1 (matches on its own) or 2 (needs evidence): GeoNames towns from the shipped
    list, countries and first-level subdivisions from ISO 3166 (pycountry), and every subdivision
    of the UK and Ireland (counties such as Kent)."""
    tiers = {}
    for line in PLACES_FILE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, tier = line.split("\t")
            tiers[name] = int(tier)
    for country in pycountry.countries:
        for country_name in (country.name, getattr(country, "common_name", None)):
            if country_name and "," not in country_name:
                tiers[country_name] = 1
    for sub in pycountry.subdivisions:
        if sub.parent_code is None or sub.country_code in ("GB", "IE"):
            tiers[_BRACKETED.sub("", sub.name)] = 1
    return tiers


@functools.cache
def companies() -> frozenset[str]:
    """Names of listed companies, with and without their legal endings."""
    return read_word_lines(COMPANIES_FILE)


@functools.cache
def common_words() -> frozenset[str]:
    """Words written lower-case again and again in the open training corpora (see `train`)."""
    return read_word_lines(COMMON_WORDS_FILE)


def read_word_lines(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _census_names(file: str, limit: int | None = None) -> frozenset[str]:
    """Title-cased names from a US Census list shipped by the `names` package (public domain data)."""
    path = Path(str(resources.files("names").joinpath(file)))
    names = []
    for line in path.read_text(encoding="ascii").splitlines()[:limit]:
        word = line.split(" ", 1)[0]
        if word:
            names.append(word.title())
    return frozenset(names)


@functools.cache
def first_names() -> frozenset[str]:
    """US Census first names, and the first names of people named in the open training corpora
    (see `train`), which add the British and other names the census lacks."""
    return _census_names("dist.male.first") | _census_names("dist.female.first") | read_word_lines(FIRST_NAMES_FILE)


@functools.cache
def pronoun_of_first_name() -> dict[str, str]:
    """The pronoun news uses for someone with a first name the US Census finds almost only among
    men or almost only among women ('George': 0.927% of men, 0.005% of women)."""
    male, female = _census_shares("dist.male.first"), _census_shares("dist.female.first")
    pronouns = {}
    for name in male.keys() | female.keys():
        he, she = male.get(name, 0.0), female.get(name, 0.0)
        if he >= _ONE_SEX_SHARE * (he + she):
            pronouns[name] = "he"
        elif she >= _ONE_SEX_SHARE * (he + she):
            pronouns[name] = "she"
    return pronouns


def _census_shares(file: str) -> dict[str, float]:
    """Title-cased name -> the percentage of that sex's population bearing it, from a US Census list."""
    path = Path(str(resources.files("names").joinpath(file)))
    shares = {}
    for line in path.read_text(encoding="ascii").splitlines():
        fields = line.split()
        if len(fields) >= 2:
            shares[fields[0].title()] = float(fields[1])
    return shares


@functools.cache
def surnames() -> frozenset[str]:
    return _census_names("dist.all.last", _SURNAME_RANKS)


def as_written(surface: str) -> str:
    """A name in capitals ("LONDON", "NEW YORK" in a newswire dateline) as usually written, for
    looking it up in the lists."""
    return surface.title() if len(surface) > 3 and surface.isupper() else surface


def is_first_name(token: str) -> bool:
    return token in first_names()


def warm_up() -> None:
    """Load every reference table now, e.g. once per worker process rather than mid-task."""
    lexicon_automaton()
    place_tiers()
    first_names()
    surnames()
    companies()
    common_words()
