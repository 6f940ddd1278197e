"""The staging folder after crashes and damage: interrupted writes are cleaned up, a damaged
staged file is redone instead of failing every later load."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from etl.paths import staging_dir
from helpers import build, settle, warehouse_fingerprint


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid  # exited and reaped: no process has this PID now


def _staged(warehouse: Path, pattern: str) -> list[Path]:
    return sorted(staging_dir(warehouse).glob(f"*/{pattern}"))


def test_damaged_staged_files_are_redone_not_fatal(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "news.duckdb"
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    expected = warehouse_fingerprint(warehouse)
    rows = [p for p in _staged(warehouse, "*.parquet") if not p.name.endswith(".outcomes.parquet")]
    articles, mentions = (next(p for p in rows if p.parent.name.startswith(kind)) for kind in ("articles", "mentions"))
    articles.write_bytes(b"")  # a power cut after the rename, before the data reached the disk
    mentions.write_bytes(mentions.read_bytes()[: mentions.stat().st_size // 2])  # a full disk
    outcomes = _staged(warehouse, "*.outcomes.parquet")[0]
    outcomes.write_bytes(b"")
    warehouse.unlink()  # every file is new again: its staged outcomes are looked up
    result = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stdout + result.stderr
    assert warehouse_fingerprint(warehouse) == expected
    assert all(p.stat().st_size > 0 for p in _staged(warehouse, "*.parquet"))


def test_temporary_files_of_killed_writes_are_removed_and_running_ones_kept(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "news.duckdb"
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    folder = _staged(warehouse, "*.outcomes.parquet")[0].parent
    host = socket.gethostname()
    killed = folder / f".tmp-{_dead_pid()}@{host}@k1ll3d"
    running = folder / f".tmp-{os.getpid()}@{host}@runn1ng"  # this test process: alive
    # A worker on another machine sharing the folder: its PID means nothing here, its file's age does.
    elsewhere = folder / f".tmp-{os.getpid()}@other-host.example@wr1t1ng"
    elsewhere_long_ago = folder / f".tmp-{os.getpid()}@other-host.example@l0ng4go"
    for tmp in (killed, running, elsewhere, elsewhere_long_ago):
        tmp.write_bytes(b"PAR1 half written")
    two_hours_ago = time.time() - 7200
    os.utime(elsewhere_long_ago, (two_hours_ago, two_hours_ago))
    shutil.copy(landing / "000_7e8e55041918a3c3.txt", landing / "005_copy.txt")  # something to stage
    settle(landing)
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    assert not killed.exists() and running.exists()
    assert elsewhere.exists() and not elsewhere_long_ago.exists()
