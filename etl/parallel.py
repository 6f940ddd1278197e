"""Run per-file work on every core, with progress a person can follow.

Per-file work is pure Python (regexes, dictionaries), so threads would queue on the
GIL: it goes to worker processes instead. Small loads stay in process, where a pool
would cost more to start than it saves.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
import select
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial

#: Below this many files per worker, a pool costs more to start than it saves.
MIN_FILES_PER_WORKER = 8
MAX_CHUNK = 64
PROGRESS_EVERY_SECONDS = 5.0


@dataclass(frozen=True)
class TaskFailure:
    """What per-file work gives for an item it gave up on (it crashed or hung the workers it was
    tried on, or raised), in place of that item's result: the file is rejected with the reason."""

    item: tuple
    reason: str


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    seconds: float

    def __str__(self) -> str:
        rate = self.done / self.seconds if self.seconds else 0.0
        eta = (self.total - self.done) / rate if rate else float("nan")
        return f"{self.done}/{self.total} files, {rate:.0f} files/s, ETA {eta:.0f} s"


def start_worker_server() -> None:
    """Start the fork server that worker processes come from, if not running yet. It imports
    `etl.workers` once, so workers fork ready to work; started early (the CLI does so before
    Dagster loads), that import overlaps the start-up of the run instead of delaying the first task."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["etl.workers", "__main__"])
    multiprocessing.forkserver.ensure_running()


def exit_with(parent: int) -> None:
    """Pool initializer: the worker ends as soon as `parent`, the process that made the pool, does.
    Workers are forked by the fork server, not by that process: once it is killed they would
    wait forever on a queue no one writes to, and keep the fork server (whose liveness pipe
    they hold) running with them. Linux only (a pidfd tells when a process ends); elsewhere
    workers outlive a killed parent."""
    if not hasattr(os, "pidfd_open"):
        return
    try:
        parent_fd = os.pidfd_open(parent)
    except ProcessLookupError:  # already gone
        os._exit(1)

    def wait_then_exit() -> None:
        select.select([parent_fd], [], [])  # readable once the parent has ended
        os._exit(1)

    threading.Thread(target=wait_then_exit, name="exit-with-parent", daemon=True).start()


def chunked(items: Sequence, workers: int) -> list[list]:
    """Chunks small enough to balance the workers, large enough to amortise per-chunk costs."""
    size = max(1, min(MAX_CHUNK, len(items) // (max(workers, 1) * 4) or 1))
    return [list(items[i : i + size]) for i in range(0, len(items), size)]


def watched(task: Callable, shared_arg: str, task_seconds: float, chunk: list) -> list:
    """Runs in a worker process: `task(shared_arg, chunk)`, under a watchdog that ends the process
    if the chunk runs longer than `task_seconds`. A thread stuck in a regular expression or a C
    library cannot be stopped; its process can, which makes a hang a worker death like a crash."""
    watchdog = threading.Timer(task_seconds, _end_hung_worker, args=(task_seconds,))
    watchdog.daemon = True
    watchdog.start()
    try:
        return task(shared_arg, chunk)
    finally:
        watchdog.cancel()


def _end_hung_worker(task_seconds: float) -> None:
    print(f"etl: a chunk of per-file work ran over {task_seconds:g} s; ending this worker", file=sys.stderr)
    os._exit(70)


def map_chunks(
    task: Callable,
    shared_arg: str,
    items: Sequence,
    workers: int,
    on_progress: Callable[[Progress], None] | None = None,
    task_seconds: float | None = None,
    rescue: Callable[[Sequence], Iterator] | None = None,
) -> Iterator:
    """`task(shared_arg, chunk)` over chunks of items; yields every per-item result, in input order.
    When a chunk fails (a file raised, or crashed its worker process, or hung it past
    `task_seconds`), the items not yet yielded go to `rescue`, which can tell the bad file from the
    others; without one, the error is raised."""
    started = last_report = time.perf_counter()
    chunks = chunked(items, workers)
    pool = None
    if workers <= 1 or len(items) < workers * MIN_FILES_PER_WORKER:
        results: Iterator = map(partial(task, shared_arg), chunks)
    else:
        # forkserver: workers never inherit the threads of the orchestrating process.
        start_worker_server()
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=exit_with,
            initargs=(os.getpid(),),
        )
        call = partial(watched, task, shared_arg, task_seconds) if task_seconds else partial(task, shared_arg)
        results = pool.map(call, chunks)
    done = 0
    try:
        for chunk_results in results:
            done += len(chunk_results)
            now = time.perf_counter()
            if on_progress and (now - last_report >= PROGRESS_EVERY_SECONDS or done == len(items)):
                on_progress(Progress(done, len(items), now - started))
                last_report = now
            yield from chunk_results
    except Exception:  # a worker process died (BrokenProcessPool), or a file raised
        if rescue is None:
            raise
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        yield from rescue(items[done:])
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
