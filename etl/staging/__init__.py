"""Per-file work (decode → split → extract) staged as Parquet, keyed by content hash.

Work is done in chunks of files (one task per chunk, one Parquet file of rows and one of
per-file outcomes per chunk), because per-file Parquet files cost more to write and read
than the work itself on small articles. Outcomes are keyed by the file's sha256 and the
code version, so an unchanged file is never parsed twice, a renamed file is not re-parsed,
and a code change writes to a fresh directory. Every write goes to a temporary name and
is renamed into place, so a crash never leaves a half-written stage: rows without an
outcomes file are simply never referenced.

Modules: `chunks` (the per-file work, run by worker processes), `store` (the content-addressed
staging folder), `frames` (the staged rows and their schemas) and `quality` (the rules staged
rows are checked by).
"""
