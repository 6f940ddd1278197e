"""The version of the story signatures, so staged signatures of other rules are never published."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from etl.versioning import content_hash

STORIES_VERSION = f"minhash-{content_hash(Path(__file__).parent, [version('datasketch')])}"
