"""The staging folder of one warehouse: content-addressed (outcomes keyed by a file version's
sha256, folders by code version), so safe to share between runs; every write is atomic."""

from __future__ import annotations

import hashlib
import os
import socket
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import NamedTuple, get_type_hints

import polars as pl

from etl.articles.split import SPLITTER_VERSION
from etl.durable import fsync, process_alive
from etl.ingest.files import readable_name
from etl.mentions.version import EXTRACTOR_VERSION
from etl.quotes.version import QUOTES_VERSION
from etl.stories.version import STORIES_VERSION


class SplitOutcome(NamedTuple):
    """What decoding and splitting made of one file version (a named tuple: outcomes become
    frame rows as they are)."""

    sha256: str
    size_bytes: int
    status: str  # "loaded" | "rejected"
    encoding: str | None
    repair: str | None
    reason: str | None
    article_count: int
    malformed_articles: int  # articles failing the shape rules (see `article_problems`)
    articles_file: str | None  # staged Parquet holding its articles


class ExtractOutcome(NamedTuple):
    """What extraction made of one staged file version."""

    sha256: str
    mention_count: int
    articles_without_mentions: int
    misplaced_mentions: int  # offsets that do not slice the surface text
    most_mentions_in_article: int  # held against the mention budget when the file is published
    names_classified: int  # distinct names per article the classifier typed
    names_rejected: int  # of those, names it found not to be entities
    mentions_file: str
    quote_count: int
    quotes_attributed: int  # quotations with a speaker
    quotes_file: str
    signatures_file: str  # staged story signatures of its articles


def _outcome_schema(outcome: type[NamedTuple]) -> dict:
    return {name: pl.Int64 if kind is int else pl.String for name, kind in get_type_hints(outcome).items()}


SPLIT_OUTCOME_SCHEMA = _outcome_schema(SplitOutcome)
EXTRACT_OUTCOME_SCHEMA = _outcome_schema(ExtractOutcome)


class Stage:
    """The staging folder of one warehouse: content-addressed, so safe to share between runs."""

    def __init__(self, root: Path):
        self.root = root
        self.articles_dir = root / f"articles-{SPLITTER_VERSION}"
        # Quotations are extracted with the mentions they attribute to, and story signatures taken,
        # in the same pass.
        self.mentions_dir = root / f"mentions-{SPLITTER_VERSION}-{EXTRACTOR_VERSION}-{QUOTES_VERSION}-{STORIES_VERSION}"
        self._looks_file = root / "landing-looks.parquet"

    def last_looks(self) -> dict[str, tuple[int, ...]]:
        """What the previous load saw of the landing files that had not settled by the clock."""
        if not self._looks_file.exists():
            return {}
        return {name: tuple(look) for name, look in pl.read_parquet(self._looks_file).iter_rows()}

    def remember_looks(self, looks: Mapping[str, tuple[int, ...]]) -> None:
        write_atomic(
            self._looks_file,
            pl.DataFrame(
                {
                    "source_file": [readable_name(name) for name in looks],
                    "look": [list(look) for look in looks.values()],
                },
                schema={"source_file": pl.String, "look": pl.List(pl.Int64)},
            ),
        )

    def split_outcomes(self, sha256s: Sequence[str]) -> pl.DataFrame:
        """Outcomes already staged for these file versions."""
        return _lookup(self.articles_dir, sha256s, SPLIT_OUTCOME_SCHEMA, ("articles_file",))

    def extract_outcomes(self, sha256s: Sequence[str]) -> pl.DataFrame:
        return _lookup(
            self.mentions_dir, sha256s, EXTRACT_OUTCOME_SCHEMA, ("mentions_file", "quotes_file", "signatures_file")
        )

    def remove_interrupted_writes(self) -> list[Path]:
        """Remove the temporary files of writes whose process has died (killed mid-write);
        those of running processes are left alone. Returns what was removed."""
        removed = []
        for folder in (self.articles_dir, self.mentions_dir):
            for tmp in folder.glob(f"{_TMP_PREFIX}*") if folder.is_dir() else ():
                if not _writer_alive(tmp):
                    tmp.unlink(missing_ok=True)
                    removed.append(tmp)
        return removed


def chunk_id(keys: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(keys).encode("utf-8")).hexdigest()[:32]


def save_outcomes(folder: Path, chunk: str, outcomes: Sequence, schema: dict) -> None:
    """Outcomes go last: once they exist, the rows they point to are complete."""
    frame = pl.DataFrame(outcomes, schema=schema, orient="row")
    write_atomic(folder / f"{chunk}.outcomes.parquet", frame)


def _lookup(folder: Path, sha256s: Sequence[str], schema: dict, rows_columns: tuple[str, ...]) -> pl.DataFrame:
    """Staged outcomes of these versions whose staged rows are intact. A damaged staged file
    (cut short by a crash or a full disk) is removed with its chunk, so its files are redone
    instead of failing every load that reads it."""
    outcome_files = sorted(folder.glob("*.outcomes.parquet")) if folder.is_dir() else []
    if not outcome_files or not sha256s:
        return pl.DataFrame(schema=schema)
    try:
        outcomes = read_versions(outcome_files, sha256s, schema=schema)
    except pl.exceptions.ComputeError:
        intact = [f for f in outcome_files if _intact(f) or not _discard_chunk(f)]
        outcomes = read_versions(intact, sha256s, schema=schema) if intact else pl.DataFrame(schema=schema)
    for column in rows_columns:
        damaged = [name for name in outcomes[column].drop_nulls().unique().to_list() if not _intact(folder / name)]
        for name in damaged:
            _discard_chunk(folder / name)
        outcomes = outcomes.filter(~pl.col(column).is_in(damaged).fill_null(False))
    return outcomes.unique(subset="sha256", keep="first", maintain_order=True)


def _intact(path: Path) -> bool:
    """Whether a staged Parquet file is whole: its footer, which comes last, reads."""
    try:
        pl.read_parquet_schema(path)
    except (OSError, pl.exceptions.ComputeError):
        return False
    return True


def _discard_chunk(path: Path) -> bool:
    """Remove a chunk's rows and outcomes (given either), so its files are staged again."""
    chunk = path.name.split(".", 1)[0]
    for name in (
        f"{chunk}.parquet",
        f"{chunk}.quotes.parquet",
        f"{chunk}.signatures.parquet",
        f"{chunk}.outcomes.parquet",
    ):
        (path.parent / name).unlink(missing_ok=True)
    return True


def read_versions(files: list[Path] | list[str], sha256s: Sequence[str], **read_options) -> pl.DataFrame:
    """The rows of these file versions. Read whole and filtered after: a filter pushed into the
    Parquet scan is several times slower here (figures in benchmarks/README.md).
    Paths are taken literally, not as patterns: the staging folder is named after the warehouse,
    whose name may hold `*`, `?` or `[`."""
    return pl.read_parquet(files, glob=False, **read_options).filter(pl.col("sha256").is_in(list(sha256s)))


_TMP_PREFIX = ".tmp-"
_HOST = socket.gethostname().replace("@", "_")
#: A staged write by another host untouched this long was interrupted (a write takes seconds).
FOREIGN_WRITE_SECONDS = 3600.0


def write_atomic(target: Path, frame: pl.DataFrame) -> None:
    """Write via a temporary sibling, flushed to disk, and rename, so readers never see a
    partial file and a power cut never leaves a renamed but empty one. The temporary name
    carries the writer's PID, so a later run can tell an interrupted write from a running one.
    Uncompressed: staged files are read back once or twice, and compressing them (even with
    LZ4) cost more time than it saved disk."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f"{_TMP_PREFIX}{os.getpid()}@{_HOST}@")
    os.close(fd)
    try:
        frame.write_parquet(tmp, compression="uncompressed")
        fsync(tmp)
        os.replace(tmp, target)
        fsync(target.parent)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _writer_alive(tmp: Path) -> bool:
    """Whether the process that named this temporary file may still be writing it. One on another
    host cannot be asked: its write is taken as interrupted once the file has not changed for
    `FOREIGN_WRITE_SECONDS`."""
    pid, _, host = tmp.name.removeprefix(_TMP_PREFIX).partition("@")
    host = host.partition("@")[0]
    if host and host != _HOST:
        try:
            return time.time() - tmp.stat().st_mtime < FOREIGN_WRITE_SECONDS
        except FileNotFoundError:  # finished meanwhile
            return True
    pid = pid.split("-", 1)[0]  # names without a host carried the PID alone
    return pid.isdigit() and process_alive(int(pid))
