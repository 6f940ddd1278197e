"""Which files in the landing folder have settled, and a cheap digest of the folder's listing.

A file has settled, so it is ready to read, once the clock says it was left alone for
`settle_seconds`, or when it looks the same as at the previous look (size, modification and
status-change times): a file dated in the future (a skewed clock, dates kept by an archive)
never grows old by the clock, but settles on the second look. The sensor and the load both
look this way, each remembering its own last look (the sensor in its cursor, the load in the
staging folder). Pure: no Dagster, no DuckDB, no file contents read.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from etl.ingest.files import discover

#: What a listing sees of a file: size in bytes, modification and status-change times in ns.
#: The status-change time also moves when a file's permissions are repaired, which rewrites nothing.
Look = tuple[int, int, int]

#: A file modified more recently than this is taken to be still being written.
DEFAULT_SETTLE_SECONDS = 1.0


@dataclass(frozen=True)
class Listing:
    settled: dict[Path, Look]  # ready to read, with how each looked
    in_flight: list[Path]  # still being written: left for a later look
    unsettled: dict[str, Look]  # every file the clock does not call settled: compared at the next look

    @property
    def state(self) -> str:
        return listing_state((path.name, look) for path, look in self.settled.items())


def look_at(
    root: Path, settle_seconds: float, last_looks: Mapping[str, Sequence[int]], now: float | None = None
) -> Listing:
    """The landing folder's files, settled or in flight, given the looks remembered from the previous look."""
    now = time.time() if now is None else now
    settled: dict[Path, Look] = {}
    in_flight: list[Path] = []
    unsettled: dict[str, Look] = {}
    for path in discover(root):
        try:
            stat = path.stat()
        except OSError:
            if os.path.lexists(path):  # there but not to be stat-ed (a symlink loop): the load rejects it
                settled[path] = (0, 0, 0)
            continue  # else gone since it was listed
        look = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
        if now - stat.st_mtime < settle_seconds:  # modified moments ago, or dated in the future
            unsettled[path.name] = look
            if tuple(last_looks.get(path.name, ())) != look:
                in_flight.append(path)
                continue
        settled[path] = look
    return Listing(settled, in_flight, unsettled)


def listing_state(looks: Iterable[tuple[str, Sequence[int]]]) -> str:
    """A short digest of file names with their looks: adding, removing, rewriting or touching
    any file changes it."""
    digest = hashlib.sha256()
    for name, (size, mtime_ns, ctime_ns) in sorted(looks):
        # The name as bytes: a name that is not UTF-8 cannot be encoded as text.
        digest.update(os.fsencode(name) + f"\0{size}\0{mtime_ns}\0{ctime_ns}\n".encode())
    return digest.hexdigest()[:32]
