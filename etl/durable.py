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
