"""An incremental warehouse equals a clean rebuild of the same landing folder, whatever
sequence of additions, changes, deletions and restorations led there."""

import shutil
from pathlib import Path

import dagster as dg
import duckdb
from hypothesis import example, given, settings
from hypothesis import strategies as st

from etl.definitions import build_definitions
from helpers import SEEDS, settle

SHARED_TEXT = "Corbyn backs free movement\n\nJeremy Corbyn met Labour members in Leeds on Monday.\n"
# Seed files, plus one text dated differently by two versions (the date belongs to the occurrence).
CONTENTS = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))[:3]] + [
    f" date 2017-08-07 {SHARED_TEXT}",
    f" date 2018-01-02 {SHARED_TEXT}",
    SHARED_TEXT,
]
NAMES = ["a.txt", "b.txt", "c.txt"]
# What a clean rebuild must reproduce: the rows of the files present in the landing folder (the
# incremental warehouse also keeps the rows of deleted files, marked deleted).
LOADED = "(SELECT source_file_key FROM dim_source_file WHERE status = 'loaded')"
CONTENT = {
    "files": "SELECT * EXCLUDE (first_seen_at, last_loaded_at) FROM dim_source_file WHERE status <> 'deleted'",
    "articles": "SELECT * FROM articles WHERE source_status <> 'deleted'",
    "article_entities": "SELECT * FROM article_entities WHERE source_file IN "
    "(SELECT source_file FROM dim_source_file WHERE status = 'loaded')",
    "fact_article": f"SELECT * FROM fact_article WHERE source_file_key IN {LOADED}",
    "fact_mention": f"SELECT * FROM fact_mention WHERE source_file_key IN {LOADED}",
    "fact_quote": f"SELECT * FROM fact_quote WHERE source_file_key IN {LOADED}",
}

operations = st.lists(
    st.tuples(st.sampled_from(NAMES), st.none() | st.integers(0, len(CONTENTS) - 1)), min_size=1, max_size=6
)


def _build(landing: Path, warehouse: Path) -> None:
    job = build_definitions(landing, warehouse).resolve_job_def("ingest_job")
    result = job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)
    assert result.success


def _content(warehouse: Path) -> dict[str, list]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {name: sorted(con.execute(query).fetchall(), key=repr) for name, query in CONTENT.items()}


@settings(max_examples=3)
@given(steps=operations)
@example(steps=[("a.txt", 0), ("a.txt", None), ("a.txt", 0)])  # deleted, then restored as it was
@example(steps=[("a.txt", 3), ("b.txt", 4), ("a.txt", 5), ("a.txt", 3)])  # one text dated by two files
def test_incremental_loads_equal_a_clean_rebuild(tmp_path_factory, steps):
    root = tmp_path_factory.mktemp("consistency")
    landing, incremental = root / "landing", root / "incremental.duckdb"
    landing.mkdir()
    for name, content in steps:  # a content index writes (adds, changes or restores) the file; None deletes it
        if content is None:
            (landing / name).unlink(missing_ok=True)
        else:
            (landing / name).write_text(CONTENTS[content], encoding="utf-8")
        settle(landing)
        _build(landing, incremental)
    clean = root / "clean.duckdb"
    _build(landing, clean)
    assert _content(incremental) == _content(clean)
    shutil.rmtree(root)
