"""Imported once by the fork server that starts worker processes (see `etl.parallel`), so every
worker forks with the pool tasks imported and the reference tables of extraction loaded,
instead of each worker loading them on its own."""

import gc
import os

# Each worker has a core of its own: Polars' thread pool would only contend with the other
# workers. Set before Polars is first imported, which fixes the pool size. A write for this
# process, not a setting read: the one use of the environment outside `etl.settings`.
os.environ["POLARS_MAX_THREADS"] = "1"

import charset_normalizer  # noqa: E402, F401  (decoding imports these on first use)
import ftfy  # noqa: E402, F401

from etl import parallel  # noqa: E402, F401  (the pool's initializer)
from etl.mentions import classify, gazetteer  # noqa: E402
from etl.staging import chunks  # noqa: E402, F401  (the pool's tasks)

gazetteer.warm_up()
classify.model()

# Splitting and extraction allocate many short-lived objects and build no reference cycles
# worth collecting often: at the default threshold, cyclic collection costs a share of
# extraction worth saving (benchmarks/README.md). Frozen, the preloaded tables are never
# scanned (and stay shared with the fork server instead of being copied into each worker).
gc.freeze()
gc.set_threshold(100_000, 50, 100)
