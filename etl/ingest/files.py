"""Which landing files are article files, and reading one with its identity (name, size, sha256)."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from etl.ingest.errors import FileInFlight, RejectedFile

#: Only these suffixes are treated as article files; anything else in the
#: landing folder (manifests, images, editor swap files) is ignored.
ARTICLE_SUFFIXES = frozenset({".txt"})

#: Larger files are rejected unread: no scraped news page comes near it, and reading one
#: whole would cost memory out of proportion to every other file.
DEFAULT_MAX_FILE_BYTES = 64 * 2**20


@dataclass(frozen=True)
class LandingFile:
    source_file: str
    size_bytes: int
    sha256: str


def discover(landing_dir: Path) -> list[Path]:
    """Article files directly inside the landing folder, in name order.

    Hidden files and links that resolve outside the folder are skipped so a
    stray symlink cannot pull arbitrary files into the warehouse. A symlink loop is
    listed, for `fingerprint` to reject (it cannot be read) rather than fail the listing.
    """
    root = landing_dir.resolve()
    found = []
    for path in landing_dir.iterdir():
        if path.name.startswith(".") or path.suffix.lower() not in ARTICLE_SUFFIXES:
            continue
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except FileNotFoundError:  # dangling: nothing to read
                continue
            except (OSError, RuntimeError):  # a loop (RuntimeError before Python 3.13)
                found.append(path)
                continue
            if root not in target.parents:
                continue
        if path.is_file():
            found.append(path)
    return sorted(found, key=lambda p: p.name)


def readable_name(name: str) -> str:
    """A file name as text: bytes that are not UTF-8 (which Python keeps as lone surrogates, that
    Polars, DuckDB and Dagster refuse) shown as escapes, like `bad\\xff.txt`."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def fingerprint(path: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> tuple[LandingFile, bytes]:
    """The file's identity (name, size, sha256) and its bytes, read once.

    Raises FileInFlight when the file changed while it was being read: a scraper or a copy
    is still writing it (whether a file has settled before it is read is the listing's to
    say: `etl.ingest.listing`). Raises RejectedFile, without reading it, when its name is not
    UTF-8 (see `readable_name`) or the file is
    larger than `max_bytes`.
    """
    if readable_name(path.name) != path.name:
        raise RejectedFile(
            "The file name is not valid UTF-8 (shown here with its invalid bytes escaped); rename the file to load it."
        )
    before = path.stat()
    if before.st_size > max_bytes:
        raise RejectedFile(
            f"The file is {before.st_size / 2**20:,.0f} MB, more than the {max_bytes / 2**20:,.0f} MB "
            "a news file may have (raise ETL_MAX_FILE_MB to accept it)."
        )
    data = path.read_bytes()
    after = path.stat()
    if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns) or len(data) != after.st_size:
        raise FileInFlight(f"{path.name} changed while it was being read.")
    record = LandingFile(
        source_file=path.name,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    return record, data
