"""Loaded into the Dask workers of tests/test_distributed.py (`dask worker --preload`): files
holding a marker crash or hang the worker process at the stage named, as a file that trips a bug
in a C library would. Nothing here is imported by the pipeline."""

import os
import time

from etl.staging import chunks

CRASH_SPLITTING = b"MARKER-CRASH-SPLITTING"
HANG_SPLITTING = b"MARKER-HANG-SPLITTING"
CRASH_EXTRACTING = "MARKER-CRASH-EXTRACTING"
#: Recurses without end: a traceback too deep to send back whole.
RECURSE_SPLITTING = b"MARKER-RECURSE-SPLITTING"

# Imported more than once by a worker: wrap the pipeline's own functions, not an earlier wrapper.
_decode = getattr(chunks.decode, "wrapped", chunks.decode)
_extracted_frames = getattr(chunks.extracted_frames, "wrapped", chunks.extracted_frames)


def _decode_or_fail(data: bytes):
    if CRASH_SPLITTING in data:
        os._exit(3)
    if HANG_SPLITTING in data:
        time.sleep(3600)
    if RECURSE_SPLITTING in data:
        return _decode_or_fail(data)
    return _decode(data)


def _extracted_frames_or_fail(articles, tallies):
    if articles["text"].str.contains(CRASH_EXTRACTING, literal=True).any():
        os._exit(3)
    return _extracted_frames(articles, tallies)


_decode_or_fail.wrapped = _decode  # type: ignore[attr-defined]
_extracted_frames_or_fail.wrapped = _extracted_frames  # type: ignore[attr-defined]
chunks.decode = _decode_or_fail
chunks.extracted_frames = _extracted_frames_or_fail
