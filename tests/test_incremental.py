"""Loads that follow the landing folder: readers never blocked, crashes never half-publish."""

import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from helpers import PROJECT, build, make_corpus, settle, warehouse_fingerprint


def test_second_load_with_nothing_new_changes_nothing(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "news.duckdb"
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    before = warehouse_fingerprint(warehouse)
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    assert warehouse_fingerprint(warehouse) == before


def test_a_reader_holding_the_file_neither_blocks_the_load_nor_sees_half_of_it(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "news.duckdb"
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import duckdb, sys, time\n"
                f"con = duckdb.connect({str(warehouse)!r}, read_only=True)\n"
                "print(con.execute('SELECT count(*) FROM articles').fetchall()[0][0], flush=True)\n"
                "sys.stdin.readline()\n"
                "print(con.execute('SELECT count(*) FROM articles').fetchall()[0][0], flush=True)\n"
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "8"  # the reader now holds the file open
        (landing / "005_extra.txt").write_text("A new title\n\nJeremy Corbyn met Labour members.\n", encoding="utf-8")
        settle(landing)
        result = build("--landing", str(landing), "--warehouse", str(warehouse))
        assert result.returncode == 0, result.stderr[-2000:]
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "8"  # its snapshot is whole and unchanged
    finally:
        reader.kill()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(9,)]


def test_a_read_write_holder_neither_blocks_the_load_nor_goes_unexplained(tmp_path: Path, landing: Path):
    """A DuckDB CLI opened without -readonly locks every reader out of the file; the load reads
    what it needs from a private copy, publishes, and says who holds the file and what to do."""
    warehouse = tmp_path / "news.duckdb"
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import duckdb, sys\n"
                f"con = duckdb.connect({str(warehouse)!r})\n"  # read-write: an exclusive lock
                "print('holding', flush=True)\n"
                "sys.stdin.readline()\n"
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        unchanged = build("--landing", str(landing), "--warehouse", str(warehouse))
        assert unchanged.returncode == 0, unchanged.stderr[-2000:]
        assert "5 unchanged" in unchanged.stdout and "warehouse 8 articles" in unchanged.stdout
        (landing / "005_extra.txt").write_text("A new title\n\nJeremy Corbyn met Labour members.\n", encoding="utf-8")
        settle(landing)
        result = build("--landing", str(landing), "--warehouse", str(warehouse))
        assert result.returncode == 0, result.stderr[-2000:]
        assert "1 new" in result.stdout and "warehouse 9 articles" in result.stdout
        assert f"(PID {holder.pid})" in result.stdout and "-readonly" in result.stdout
    finally:
        holder.kill()
        holder.wait()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(9,)]
    assert not list(tmp_path.glob(".news.duckdb.*"))  # no private copy left behind


@pytest.mark.slow
def test_killing_a_load_at_any_moment_keeps_the_last_good_warehouse(tmp_path: Path, landing: Path):
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 2)
    clean = tmp_path / "clean.duckdb"  # reference: seeds, then the corpus, never interrupted
    assert build("--landing", str(landing), "--warehouse", str(clean)).returncode == 0
    good = warehouse_fingerprint(clean)
    for path in corpus.glob("*.txt"):
        shutil.copy(path, landing)
    settle(landing)
    started = time.perf_counter()
    assert build("--landing", str(landing), "--warehouse", str(clean)).returncode == 0
    full = time.perf_counter() - started
    expected = warehouse_fingerprint(clean)

    for fraction in (0.35, 0.6, 0.8, 0.95):
        warehouse, process = _load_over_the_seeds(tmp_path, landing, f"killed_{fraction}")
        time.sleep(full * fraction)
        os.killpg(process.pid, signal.SIGKILL)  # the build and its worker processes, mid-flight
        process.wait()
        state = warehouse_fingerprint(warehouse)  # opens: never corrupt, never half a load
        assert state in (good, expected), fraction
        assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
        assert warehouse_fingerprint(warehouse) == expected, fraction


@pytest.mark.slow
def test_killing_a_load_while_duckdb_spills_to_disk_blocks_no_later_load(
    tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch
):
    """A small memory budget makes the publish spill; a load killed meanwhile leaves the spill folder."""
    monkeypatch.setenv("ETL_DUCKDB_MEMORY", "100MB")  # every build below, killed or not
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 6)
    clean = tmp_path / "clean.duckdb"
    assert build("--landing", str(landing), "--warehouse", str(clean)).returncode == 0
    good = warehouse_fingerprint(clean)
    for path in corpus.glob("*.txt"):
        shutil.copy(path, landing)
    settle(landing)
    assert build("--landing", str(landing), "--warehouse", str(clean)).returncode == 0
    expected = warehouse_fingerprint(clean)

    for delay in (0.0, 0.5):  # the moment the spill folder appears, and while it fills
        warehouse, process = _load_over_the_seeds(tmp_path, landing, f"spilling_{delay}")
        while not _spill_folders(warehouse) and process.poll() is None:
            time.sleep(0.01)
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        assert _spill_folders(warehouse), "the load never spilled: lower ETL_DUCKDB_MEMORY or enlarge the corpus"
        assert warehouse_fingerprint(warehouse) in (good, expected), delay
        result = build("--landing", str(landing), "--warehouse", str(warehouse))
        assert result.returncode == 0, result.stderr[-2000:]
        assert warehouse_fingerprint(warehouse) == expected, delay
        assert not _spill_folders(warehouse)


def _load_over_the_seeds(tmp_path: Path, landing: Path, name: str) -> tuple[Path, subprocess.Popen]:
    """A warehouse built from the bundled samples, and a build of `landing` into it started in
    the background, in a process group of its own (to be killed with its workers)."""
    warehouse = tmp_path / f"{name}.duckdb"
    seeds_only = tmp_path / f"seeds_{name}"
    shutil.copytree(PROJECT / "warehouse" / "landing", seeds_only)
    settle(seeds_only)
    assert build("--landing", str(seeds_only), "--warehouse", str(warehouse)).returncode == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "etl", "build", "--landing", str(landing), "--warehouse", str(warehouse)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return warehouse, process


def _spill_folders(warehouse: Path) -> list[Path]:
    """The folders DuckDB spills a load of this warehouse into (beside its working copy)."""
    return [
        p
        for p in warehouse.parent.iterdir()
        if p.is_dir() and p.name.startswith(f".{warehouse.name}.") and p.name.endswith(".tmp")
    ]


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the limit fail with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_load_that_cannot_write_says_where_and_leaves_the_warehouse_as_it_was(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "news.duckdb"
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    before = warehouse_fingerprint(warehouse)
    corpus = tmp_path / "corpus"
    make_corpus(corpus, 1)
    for path in corpus.glob("*.txt"):
        shutil.copy(path, landing)
    settle(landing)
    starved = subprocess.run(
        [sys.executable, "-m", "etl", "build", "--landing", str(landing), "--warehouse", str(warehouse)],
        capture_output=True,
        text=True,
        preexec_fn=_limit_file_size(warehouse.stat().st_size // 2),
    )
    assert starved.returncode == 1
    assert f"Could not write the warehouse {warehouse}" in starved.stderr and "File too large" in starved.stderr
    assert warehouse_fingerprint(warehouse) == before
    assert not list(tmp_path.glob(".news.duckdb.*"))  # no working copy left behind
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    assert warehouse_fingerprint(warehouse)["articles"][0] > before["articles"][0]


def test_what_a_killed_load_left_behind_is_removed_and_nothing_else(tmp_path: Path, landing: Path):
    """A load killed while DuckDB spilled leaves its working copy, write-ahead log and spill folder."""
    warehouse = tmp_path / "news.duckdb"
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    leftovers = [tmp_path / ".news.duckdb.loading", tmp_path / ".news.duckdb.loading.wal"]
    for path in leftovers:
        path.write_bytes(b"half a load")
    spill = tmp_path / ".news.duckdb.loading.tmp"
    (spill / "duckdb_temp_storage_DEFAULT-0.tmp").parent.mkdir()
    (spill / "duckdb_temp_storage_DEFAULT-0.tmp").write_bytes(b"spilled pages")
    # Look-alikes the loader did not create: another warehouse's load, and a user's files.
    others = [tmp_path / ".news.duckdb.x.loading.tmp", tmp_path / ".news2.duckdb.loading", tmp_path / "news.duckdb.tmp"]
    for path in others:
        path.mkdir()
    (landing / "005_extra.txt").write_text("A new title\n\nJeremy Corbyn met Labour members.\n", encoding="utf-8")
    settle(landing)
    result = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stderr[-2000:]
    assert [p for p in [*leftovers, spill] if p.exists()] == []
    assert all(p.is_dir() for p in others)


def test_a_deleted_file_that_returns_is_present_again_and_survives_a_purge(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "news.duckdb"
    name = "002_a314f3057370094f.txt"
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    shutil.move(landing / name, tmp_path / name)
    assert "1 deleted" in build("--landing", str(landing), "--warehouse", str(warehouse)).stdout
    shutil.move(tmp_path / name, landing / name)  # back, as it was
    restored = build("--landing", str(landing), "--warehouse", str(warehouse), "--purge-deleted")
    assert restored.returncode == 0, restored.stderr[-2000:]
    assert "4 unchanged, 0 deleted, 1 restored" in restored.stdout
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT status FROM dim_source_file WHERE source_file = ?", [name]).fetchall() == [
            ("loaded",)
        ]
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(8,)]


def test_a_file_dated_in_the_future_loads_by_the_second_run(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "news.duckdb"
    dated = landing / "005_dated_ahead.txt"
    dated.write_text("A title\n\nJeremy Corbyn met Labour members in Leeds.\n", encoding="utf-8")
    ahead = time.time() + 86400  # a day ahead: a skewed clock, or dates kept by an archive
    os.utime(dated, (ahead, ahead))
    first = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert first.returncode == 0 and "1 still being written" in first.stdout
    second = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert second.returncode == 0 and "1 new" in second.stdout and "0 still being written" in second.stdout
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(9,)]
