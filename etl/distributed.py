"""Per-file work on a Dask cluster, for loads that outgrow the cores of one machine.

The same chunk tasks the local pool runs (`etl.staging.chunks`) are mapped over the cluster's
workers, which read the landing files and write the staging folder at the same paths as this
process (a shared filesystem). Only their small outcomes come back; the publish stays here, once,
in one transaction.

What a worker's failure does:
- a worker that dies (killed, lost, out of memory) has its tasks redone by the scheduler on
  other workers; staged writes are atomic, so nothing half-written is ever read;
- a chunk that runs longer than `task_seconds` ends its worker process (its nanny starts a fresh
  one), which turns a hang into a death the scheduler counts;
- a chunk the scheduler gives up on (its workers died on every try it allows, its
  `allowed-failures`) or that raises is tried again file by file, and a file that fails alone
  is given up on with the reason (`TaskFailure`): rejected, never retried forever.
"""

from __future__ import annotations

import atexit
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from etl.parallel import PROGRESS_EVERY_SECONDS, Progress, TaskFailure, chunked, watched
from etl.staging.chunks import PIPELINE_VERSION

#: How long a cluster may have no worker at all before the load stops waiting for one.
NO_WORKER_SECONDS = 120.0
_POLL_SECONDS = 0.05
_CHECK_SECONDS = 1.0


class FileFailed(RuntimeError):
    """What a chunk task raised, as a message: the original's traceback (a deep recursion's, say)
    may be one the client cannot take back."""


class ClusterProblem(RuntimeError):
    """The cluster cannot do the work at all (unreachable, no workers, workers that cannot see
    the shared folders or run other code): the load stops, rejecting no file for it."""


def map_chunks(
    scheduler: str,
    workers: int,
    task_seconds: float,
    task: Callable,
    shared_arg: str,
    items: Sequence,
    on_progress: Callable[[Progress], None] | None = None,
) -> Iterator:
    """`task(shared_arg, chunk)` over chunks of items on the cluster at `scheduler` ("local": one
    started on this machine with `workers` processes); yields every per-item result, in input
    order, or a `TaskFailure` for an item given up on."""
    if not items:
        return iter(())
    client = _client(scheduler, workers)
    try:
        return _map_on(client, scheduler, task_seconds, task, shared_arg, items, on_progress)
    finally:
        if scheduler == "local":
            _close(client)


def _map_on(
    client,
    scheduler: str,
    task_seconds: float,
    task: Callable,
    shared_arg: str,
    items: Sequence,
    on_progress: Callable[[Progress], None] | None,
) -> Iterator:
    from distributed import as_completed

    tries = client.run_on_scheduler(_allowed_failures) + 1
    # A task ends within `task_seconds` (its watchdog sees to it), a failing one after `tries` of them.
    stall_seconds = (tries + 1) * task_seconds + NO_WORKER_SECONDS
    started = last_report = last_finished = last_checked = time.perf_counter()
    results: list = [None] * len(items)
    index_chunks = chunked(range(len(items)), max(_worker_count(client), 1))
    pending = {_submit(client, task, shared_arg, items, chunk, task_seconds): chunk for chunk in index_chunks}
    finished = as_completed(pending, loop=client.loop)
    done = 0
    retries: list[list[int]] = []
    no_worker_since: float | None = None
    while not finished.is_empty():
        if not finished.has_ready():
            if time.perf_counter() - last_checked > _CHECK_SECONDS:  # asking the scheduler is a round trip
                no_worker_since = _check_workers(client, scheduler, no_worker_since)
                last_checked = time.perf_counter()
            if last_checked - last_finished > stall_seconds:
                raise ClusterProblem(f"No task on the Dask cluster at {scheduler} ended for {stall_seconds:g} s.")
            time.sleep(_POLL_SECONDS)
            continue
        last_finished = time.perf_counter()
        for future in finished.next_batch(block=False):
            chunk = pending.pop(future)
            status = future.status  # read once: it may move on while this future is handled
            if status == "finished":
                for index, result in zip(chunk, future.result(), strict=True):
                    results[index] = result
                done += len(chunk)
            elif status == "cancelled":
                raise ClusterProblem(f"Lost the Dask scheduler at {scheduler} during the load.")
            elif status != "error":  # lost with a worker before its result was taken: done again
                retries = [chunk]
            elif isinstance(error := future.exception(), ClusterProblem):
                raise error
            elif len(chunk) > 1:  # its files one by one, so that a bad file fails alone
                retries = [[index] for index in chunk]
            else:
                results[chunk[0]] = TaskFailure(items[chunk[0]], _reason(error, tries, task_seconds))
                done += 1
            for retry in retries:
                again = _submit(client, task, shared_arg, items, retry, task_seconds)
                pending[again] = retry
                finished.add(again)
            retries = []
            future.release()
        now = time.perf_counter()
        if on_progress and (now - last_report >= PROGRESS_EVERY_SECONDS or done == len(items)):
            on_progress(Progress(done, len(items), now - started))
            last_report = now
    return iter(results)


def run_chunk(task: Callable, shared_arg: str, chunk: list, pipeline_version: str, task_seconds: float) -> list:
    """Runs on a worker: the chunk task, once the worker is known to run this pipeline version
    and to see the staging folder, under a watchdog that ends the worker process if it hangs."""
    if pipeline_version != PIPELINE_VERSION:
        raise ClusterProblem(
            f"A Dask worker runs pipeline version {PIPELINE_VERSION}, this load {pipeline_version}: "
            "install the same version of the package on every worker."
        )
    if not Path(shared_arg).is_dir():
        raise ClusterProblem(
            f"A Dask worker cannot see the staging folder {shared_arg}: mount the shared folders at the "
            "same paths on every worker."
        )
    try:
        return watched(task, shared_arg, task_seconds, chunk)
    except Exception as exc:
        failure = f"{type(exc).__name__}: {exc}"
    raise FileFailed(failure)  # raised here, it carries no trace of the original


def _submit(client, task: Callable, shared_arg: str, items: Sequence, chunk: list[int], task_seconds: float):
    return client.submit(
        run_chunk,
        task,
        shared_arg,
        [items[i] for i in chunk],
        PIPELINE_VERSION,
        task_seconds,
        pure=False,  # a retried chunk is a new task, not the failed one's result
    )


def _reason(error: BaseException | None, tries: int, task_seconds: float) -> str:
    """Why a file was given up on, in words for the rejected-files table."""
    from distributed import KilledWorker

    if isinstance(error, KilledWorker):
        return (
            f"The file crashed or hung (ran over {task_seconds:g} s) the Dask worker processing it, "
            f"on each of {tries} tries; rejected so that it is not tried again."
        )
    message = error.args[0] if isinstance(error, FileFailed) and error.args else repr(error)
    return f"Processing the file failed: {message}"


def _allowed_failures(dask_scheduler) -> int:
    return dask_scheduler.allowed_failures


def _worker_count(client) -> int:
    return len(client.scheduler_info(n_workers=-1)["workers"])


def _check_workers(client, scheduler: str, no_worker_since: float | None) -> float | None:
    """When the cluster has had no worker for `NO_WORKER_SECONDS`: the load stops instead of
    waiting for ever. Returns since when it has had none (None: it has some)."""
    if _worker_count(client):
        return None
    now = time.monotonic()
    if no_worker_since is None:
        return now
    if now - no_worker_since > NO_WORKER_SECONDS:
        raise ClusterProblem(f"The Dask cluster at {scheduler} has had no worker for {NO_WORKER_SECONDS:g} s.")
    return no_worker_since


_clients: dict[str, object] = {}


def _client(scheduler: str, workers: int):
    """A client of the cluster at `scheduler`, kept for the steps of a run; "local": a cluster
    started here for one map of chunks (one that had workers die many times was seen to leave
    them dead)."""
    if scheduler in _clients:
        return _clients[scheduler]
    import dask
    from distributed import Client, LocalCluster

    try:
        if scheduler == "local":
            # One task per worker thread: a worker that dies takes no queued task down with it.
            with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}):
                cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,  # per-file work holds the GIL: one process per core
                    processes=True,
                    dashboard_address=None,
                    preload=["etl.workers"],
                )
            return Client(cluster, set_as_default=False)
        client = Client(scheduler, timeout=30, set_as_default=False)
    except OSError as exc:
        raise ClusterProblem(f"Cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    _clients[scheduler] = client
    atexit.register(_close, client)
    return client


def _close(client) -> None:
    cluster = client.cluster
    client.close()
    if cluster is not None:
        cluster.close()
