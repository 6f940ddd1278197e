"""Worker processes never outlive the build that started them."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import make_corpus, settle

#: How long the workers and the fork server may take to notice; they normally go within a second.
EXIT_DEADLINE_SECONDS = 30


def _session(sid: int) -> dict[int, tuple[int, str, str]]:
    """Live processes of a session: pid -> (parent pid, state, command line). Zombies are gone:
    they hold no memory, only a slot until their parent (here, maybe an init that never reaps) reaps them."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended meanwhile
            continue
        state, parent, session = fields[0], int(fields[1]), int(fields[3])
        if session == sid and state != "Z":
            found[int(entry.name)] = (parent, state, command)
    return found


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_killing_the_build_mid_extraction_ends_its_workers_and_fork_server(tmp_path: Path):
    landing = tmp_path / "landing"
    make_corpus(landing, 3)
    settle(landing)
    log = tmp_path / "build.log"
    with open(log, "w") as stderr:
        build = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "etl",
                "build",
                "--landing",
                str(landing),
                "--warehouse",
                str(tmp_path / "w.duckdb"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env={**os.environ, "ETL_WORKERS": "2"},
            start_new_session=True,
        )
    try:
        assert _wait_for(lambda: "file versions to extract" in log.read_text(), 120), log.read_text()[-2000:]

        def extracting() -> bool:
            processes = _session(build.pid)
            servers = {pid for pid, (_, _, command) in processes.items() if "forkserver" in command}
            return sum(parent in servers for parent, _, _ in processes.values()) == 2

        assert _wait_for(extracting, 60), "the build never had two workers running"
        os.kill(build.pid, signal.SIGKILL)  # the main process only, as a user or the OOM killer would
        build.wait()
        assert _wait_for(lambda: not _session(build.pid), EXIT_DEADLINE_SECONDS), _session(build.pid)
    finally:
        if _session(build.pid):
            os.killpg(build.pid, signal.SIGKILL)
