"""Versions of rule-based stages derived from their content, so that no change to code or
language data can be published with rows staged by the previous version."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path


def content_hash(package: Path, also: Iterable[str] = ()) -> str:
    """A hash of a package's modules and data files (names and bytes) and of `also` (versions of
    what it builds on)."""
    digest = hashlib.sha256()
    files = sorted(package.glob("*.py")) + sorted((package / "data").rglob("*"))
    for path in files:
        if path.is_file():
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    for item in also:
        digest.update(item.encode())
    return digest.hexdigest()[:12]
