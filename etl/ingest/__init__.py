"""Find raw files in the landing folder, fingerprint them and decode them to text.

Pure modules: no Dagster, no DuckDB. `files` lists article files and reads one with its
identity, `listing` tells settled files from files still being written, `decoding` turns
bytes into text, `errors` says why a file is refused.
"""

from etl.ingest.decoding import MAX_CONTROL_SHARE, DecodedText, decode  # noqa: F401
from etl.ingest.errors import FileInFlight, RejectedFile  # noqa: F401
from etl.ingest.files import (  # noqa: F401
    ARTICLE_SUFFIXES, DEFAULT_MAX_FILE_BYTES, LandingFile, discover, fingerprint, readable_name,
)
from etl.ingest.listing import DEFAULT_SETTLE_SECONDS  # noqa: F401
