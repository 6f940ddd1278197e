"""The extractor's version: a hash of everything that changes its results (its code, rule data,
lexicon, place list and weights, and the versions of the packages its name lists come from),
so staged mentions of another version are never published."""

from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path

_PACKAGE = Path(__file__).parent
_NAME_SOURCES = ("pycountry", "names")


def extractor_version(package: Path = _PACKAGE) -> str:
    digest = hashlib.sha256()
    files = sorted(package.glob("*.py")) + sorted((package / "data").rglob("*"))
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    for source in _NAME_SOURCES:
        digest.update(f"{source}=={version(source)}".encode())
    return f"learned-{digest.hexdigest()[:12]}"


EXTRACTOR_VERSION = extractor_version()
