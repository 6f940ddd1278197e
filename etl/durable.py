"""Making writes survive a power cut: what renaming a finished file into place does not do alone."""

from __future__ import annotations

import os
from pathlib import Path


def fsync(path: Path | str) -> None:
    """Flush a file's (or a folder's: its entries, after a rename) data to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def process_alive(pid: int) -> bool:
    """Whether a process with this PID runs: what tells a file left by a killed process from
    one a running process is still writing."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, another user's
    return True
