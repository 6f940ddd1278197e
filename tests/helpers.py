"""What several test modules share: where things are, running the CLI, generating a corpus, reading
a warehouse back. Benchmarks use `make_corpus` too. Fixtures are in conftest.py."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

if TYPE_CHECKING:
    import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
SEEDS = PROJECT / "warehouse" / "landing"
GOLD = SHARED / "gold" / "seeds.jsonl"
BBC = SHARED / "corpus" / "bbc"

#: What `warehouse_fingerprint` compares, per published table or view.
CONTENT = {
    "articles": "SELECT * FROM articles",
    "article_entities": "SELECT * EXCLUDE (surface_forms), list_sort(surface_forms) FROM article_entities",
    "fact_mention": "SELECT * FROM fact_mention",
    "dim_entity": "SELECT * FROM dim_entity",
    "dim_source_file": "SELECT * EXCLUDE (first_seen_at, last_loaded_at) FROM dim_source_file",
}


def build(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`python -m etl build` in a subprocess, with `env` added to this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "etl", "build", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


def make_corpus(out: Path, mb: float, *options: str) -> Path:
    """A seed-format corpus of about `mb` MB from the shared generator, in `out` (its manifest is
    written beside it, as `<out>.manifest.jsonl`); `options` are the generator's (`--seed 7`, `--bad 1`)."""
    subprocess.run(
        [sys.executable, str(SHARED / "tools" / "make_corpus.py"), "--out", str(out), "--mb", str(mb), *options],
        check=True,
        capture_output=True,
    )
    return out


def settle(*paths: Path) -> None:
    """Date files (or every file in folders) a minute back, so loads do not take them for files still
    being written (see ETL_SETTLE_SECONDS)."""
    past = time.time() - 60
    for path in paths:
        for file in path.iterdir() if path.is_dir() else [path]:
            os.utime(file, (past, past))


def shared_scorer(tool: str, *args: str) -> list[str]:
    """The words of the last line a shared scorer (`score_mentions.py`, `score_quotes.py`) prints."""
    scored = subprocess.run(
        [sys.executable, str(SHARED / "tools" / tool), *args], capture_output=True, text=True, timeout=120
    )
    assert scored.returncode == 0, scored.stderr
    return scored.stdout.strip().splitlines()[-1].split()


def entity_f1(warehouse: Path, gold: Path) -> float:
    """The shared scorer's entity F1 for a warehouse against a gold file."""
    return float(shared_scorer("score_mentions.py", "--db", str(warehouse), "--gold", str(gold))[-1])


def warehouse_fingerprint(warehouse: Path) -> dict[str, tuple]:
    """Row count and an order-independent content hash of every published table."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            name: con.execute(f"SELECT count(*), sum(hash(t)) FROM ({query}) t").fetchall()[0]
            for name, query in CONTENT.items()
        }


def table_fingerprints(warehouse: Path) -> dict[str, tuple]:
    """Row count and an order-independent content hash of every table the warehouse holds, its
    load times (TIMESTAMP WITH TIME ZONE columns) left out."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "SELECT table_name, list(column_name ORDER BY column_index) "
            "FILTER (data_type <> 'TIMESTAMP WITH TIME ZONE') "
            "FROM duckdb_columns() WHERE schema_name = 'main' AND table_name IN "
            "(SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main') GROUP BY table_name"
        ).fetchall()
        quoted = {table: ", ".join(f'"{column}"' for column in columns) for table, columns in tables}
        return {
            table: con.execute(f'SELECT count(*), sum(hash(({columns}))) FROM "{table}"').fetchall()[0]
            for table, columns in quoted.items()
        }


def edited_sql(folder: Path, monkeypatch: pytest.MonkeyPatch, *edits: tuple[str, str, str]) -> None:
    """Point the loader at a copy of its SQL in `folder`, edited: in each (file, old, new), `old`
    (found once) replaced by `new`."""
    from etl.load import sql_files  # on use: benchmarks import this module before Polars may load

    shutil.copytree(sql_files.SQL_DIR, folder)
    for file, old, new in edits:
        text = (folder / file).read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        (folder / file).write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.setattr(sql_files, "SQL_DIR", folder)


DASK = Path(sys.executable).parent / "dask"
#: Scheduler settings (Dask reads DASK_* variables): one task per worker thread, so a worker that
#: dies takes no queued innocent task down with it; `allowed-failures` is the number of tries less one.
SCHEDULER_CONFIG = {"DASK_DISTRIBUTED__SCHEDULER__WORKER_SATURATION": "1.0"}


class Cluster:
    """A scheduler and worker processes on loopback, each worker (nanny and process) in a
    session of its own, so one can be killed whole."""

    def __init__(self, folder: Path, allowed_failures: int = 3):
        self.folder = folder
        scheduler_file = folder / "scheduler.json"
        scheduler_file.unlink(missing_ok=True)
        self.processes: list[subprocess.Popen] = []
        self.scheduler = self._start(
            "scheduler",
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
            + ["--scheduler-file", str(scheduler_file)],
            {**SCHEDULER_CONFIG, "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": str(allowed_failures)},
        )
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        self.address = json.loads(scheduler_file.read_text())["address"]

    def add_worker(self, *preload: Path) -> subprocess.Popen:
        command = [str(DASK), "worker", self.address, "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard"]
        for module in ("etl.workers", *map(str, preload)):
            command += ["--preload", module]
        return self._start(f"worker{len(self.processes)}", command, {})

    def wait_for_workers(self, count: int) -> None:
        from distributed import Client

        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(count, timeout=120)

    def kill(self, process: subprocess.Popen) -> None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def close(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                self.kill(process)

    def _start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        with open(self.folder / f"{name}.log", "w") as log:
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **env}, start_new_session=True
            )
        self.processes.append(process)
        return process
