"""Connections to the warehouse: a bounded memory budget, and reads that never wait for an
analyst's read-write session to close."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from etl.durable import process_alive
from etl.settings import DEFAULT_MEMORY_LIMIT


@contextmanager
def connect(
    path: Path, read_only: bool = False, memory_limit: str = DEFAULT_MEMORY_LIMIT, spill_dir: Path | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    con = _open(path, read_only, memory_limit, spill_dir)
    try:
        yield con
    finally:
        con.close()


def _open(
    path: Path, read_only: bool, memory_limit: str = DEFAULT_MEMORY_LIMIT, spill_dir: Path | None = None
) -> duckdb.DuckDBPyConnection:
    """A bounded memory budget: large loads spill to disk (into `spill_dir` if given, else
    DuckDB's default beside the file) instead of growing with the corpus."""
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": memory_limit,
        "preserve_insertion_order": False,
    }
    if spill_dir is not None:
        config["temp_directory"] = str(spill_dir)
    return duckdb.connect(str(path), read_only=read_only, config=config)


_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (.*?) \(PID (\d+)\)")


def _lock_holder(exc: duckdb.Error) -> str | None:
    """ "<program> (PID n)" of the process whose read-write connection refused ours, or None."""
    found = _LOCK_HOLDER.search(str(exc))
    return f"{found[1]} (PID {found[2]})" if found else None


def read_write_holder(path: Path) -> str | None:
    """The process holding the published warehouse open read-write (a DuckDB CLI opened
    without -readonly, a notebook), which locks every reader out; None when there is none."""
    try:
        _open(path, read_only=True).close()
    except duckdb.IOException as exc:
        return _lock_holder(exc)
    return None


def held_note(path: Path, holder: str) -> str:
    """What a load tells the user when an analyst's session holds the warehouse read-write."""
    return (
        f"{path} is open read-write in {holder}. A load replaces the file regardless: that session keeps "
        "the previous load until it reconnects, and anything written there is lost. Open the warehouse "
        "read-only (`duckdb -readonly FILE`, or `read_only=True` in Python); keep your own tables in another "
        "database that ATTACHes it read-only."
    )


@contextmanager
def read_published(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published warehouse. When a read-write holder locks it,
    to a private copy of it instead: what a load needs to read (which files are loaded, the
    counts after a load) must never wait for an analyst's session to close."""
    snapshot = None
    try:
        con = _open(path, read_only=True)
    except duckdb.IOException as exc:
        if _lock_holder(exc) is None:
            raise
        _remove_dead_snapshots(path)
        snapshot = path.with_name(f".{path.name}.{os.getpid()}{_SNAPSHOT_SUFFIX}")
        shutil.copyfile(path, snapshot)
        con = _open(snapshot, read_only=True)
    try:
        yield con
    finally:
        con.close()
        if snapshot is not None:
            snapshot.unlink(missing_ok=True)


_SNAPSHOT_SUFFIX = ".snapshot"


def _remove_dead_snapshots(path: Path) -> None:
    """Private copies left by readers that were killed (their PID names them); matched by exact
    prefix and suffix, never as a pattern another warehouse's name could match."""
    prefix = f".{path.name}."
    for name in os.listdir(path.parent):
        pid = name[len(prefix) : -len(_SNAPSHOT_SUFFIX)]
        if (
            name.startswith(prefix)
            and name.endswith(_SNAPSHOT_SUFFIX)
            and pid.isdigit()
            and not process_alive(int(pid))
        ):
            (path.parent / name).unlink(missing_ok=True)
