"""Find raw files in the landing folder, fingerprint them and decode them to text.

Pure modules: no Dagster, no DuckDB. `files` lists article files and reads one with its
identity, `listing` tells settled files from files still being written, `decoding` turns
bytes into text, `errors` says why a file is refused.
"""
