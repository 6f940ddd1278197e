"""The quotation step's version: a hash of its code and word lists and the version of the
mentions it attributes to, so staged quotations of another version are never published."""

from __future__ import annotations

from pathlib import Path

from etl.mentions.version import EXTRACTOR_VERSION
from etl.versioning import content_hash

QUOTES_VERSION = f"sieve-{content_hash(Path(__file__).parent, [EXTRACTOR_VERSION])}"
