"""The extractor's version: a hash of everything that changes its results (its code, rule data,
lexicon, place list and weights, and the versions of the packages its name lists come from),
so staged mentions of another version are never published."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from etl.versioning import content_hash

_PACKAGE = Path(__file__).parent
_NAME_SOURCES = ("pycountry", "names")


def extractor_version(package: Path = _PACKAGE) -> str:
    return f"learned-{content_hash(package, (f'{source}=={version(source)}' for source in _NAME_SOURCES))}"


EXTRACTOR_VERSION = extractor_version()
