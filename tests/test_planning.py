"""What a load does, decided without Dagster: how files compare with the warehouse, the batch
published, and the summary the CLI prints."""

from pathlib import Path

import polars as pl
import pytest

from etl import planning
from etl.load.catalog import LoadedFile
from etl.parallel import TaskFailure
from etl.staging.chunks import PIPELINE_VERSION
from etl.staging.store import EXTRACT_OUTCOME_SCHEMA, SPLIT_OUTCOME_SCHEMA, ExtractOutcome, SplitOutcome, Stage
from etl.summary import ExtractCounts, LandingCounts, RunSummary, SplitCounts, TableCounts

LOADED = LoadedFile("aa", 10, "loaded", PIPELINE_VERSION)


@pytest.mark.parametrize(
    "previous, sha256, size, readable, change",
    [
        (None, "aa", 10, True, "new"),
        (LOADED, "aa", 10, True, "unchanged"),
        (LOADED, "bb", 10, True, "changed"),
        (LOADED, "aa", 11, True, "changed"),
        (LOADED, None, 10, False, "unchanged"),  # unreadable for now: the loaded version stays
        (LoadedFile("aa", 10, "deleted", PIPELINE_VERSION), "aa", 10, True, "restored"),
        (LoadedFile("aa", 10, "deleted", PIPELINE_VERSION), "bb", 10, True, "changed"),
        (LoadedFile("aa", 10, "loaded", "older-rules"), "aa", 10, True, "outdated"),
    ],
)
def test_a_file_is_classified_against_the_version_the_warehouse_holds(previous, sha256, size, readable, change):
    assert planning.classify_change(previous, sha256, size, readable) == change


def test_the_manifest_marks_files_gone_from_the_folder_deleted_but_not_those_in_flight():
    observations = planning.Observations(
        files=[
            planning.Observed("a.txt", "/landing/a.txt", 10, "aa", None, (10, 1, 1)),
            planning.Observed("big.txt", "/landing/big.txt", 99, None, "too large", (99, 1, 1)),
        ],
        in_flight=["writing.txt"],
    )
    known = {
        "a.txt": LOADED,
        "writing.txt": LOADED,
        "gone.txt": LOADED,
        "gone before.txt": LoadedFile("cc", 5, "deleted", PIPELINE_VERSION),
    }
    manifest = planning.landing_manifest(observations, known)
    assert manifest.select("source_file", "change", "error").rows() == [
        ("a.txt", "unchanged", None),
        ("big.txt", "new", "too large"),
        ("gone.txt", "deleted", None),
    ]


def test_the_batch_holds_the_files_of_the_load_and_names_the_deleted(tmp_path: Path):
    stage = Stage(tmp_path)
    manifest = pl.DataFrame(
        [
            {
                "source_file": "a.txt",
                "change": "new",
                "sha256": "aa",
                "size_bytes": 10,
                "encoding": "utf-8",
                "repair": None,
                "status": "loaded",
                "reason": None,
                "articles_file": "c1.parquet",
                "mentions_file": "m1.parquet",
                "quotes_file": "m1.quotes.parquet",
                "signatures_file": "m1.signatures.parquet",
            },
            {
                "source_file": "b.txt",
                "change": "changed",
                "sha256": "bb",
                "size_bytes": 0,
                "encoding": None,
                "repair": None,
                "status": "rejected",
                "reason": "empty",
                "articles_file": None,
                "mentions_file": None,
                "quotes_file": None,
                "signatures_file": None,
            },
            {"source_file": "c.txt", "change": "deleted", "sha256": "cc"},
        ],
        infer_schema_length=None,
    )
    batch = planning.plan_batch(manifest, stage, purge_deleted=True)
    assert batch.files["source_file"].to_list() == ["a.txt", "b.txt"]
    assert batch.files.columns == planning.BATCH_FILE_COLUMNS
    assert (batch.article_files, batch.mention_files, batch.quote_files, batch.signature_files) == (
        [stage.articles_dir / "c1.parquet"],
        [stage.mentions_dir / "m1.parquet"],
        [stage.mentions_dir / "m1.quotes.parquet"],
        [stage.mentions_dir / "m1.signatures.parquet"],
    )
    assert batch.deleted == ["c.txt"] and batch.purge_deleted and not batch.force_purge
    assert batch.pipeline_version == PIPELINE_VERSION
    assert planning.changes_warehouse(batch)
    assert not planning.changes_warehouse(planning.plan_batch(manifest.head(0), stage))


def test_the_summary_reads_back_the_metadata_it_writes_and_prints_the_documented_lines():
    changes = dict.fromkeys(planning.CHANGES, 0) | {"new": 5, "unchanged": 2, "restored": 1}
    landing = LandingCounts(changes=changes, refused_unread=1, in_flight=1, seconds=0.04)
    split = SplitCounts(articles=8, files_split=4, files_rejected=1, in_flight=1, seconds=0.12)
    extract = ExtractCounts(
        mentions=324, quotations=36, attributed_share=0.9, files_over_mention_budget=1, seconds=0.44
    )
    tables = {
        "fact_article": TableCounts(8, 0.41),
        "fact_mention": TableCounts(324, 0.41),
        "dim_entity": TableCounts(84, 0.41),
    }
    metadata = {
        "landing_files": landing.metadata(),
        "staged_articles": split.metadata(),
        "staged_mentions": extract.metadata(),
        **{t: c.metadata() for t, c in tables.items()},
    }
    summary = RunSummary.from_run(Path("in"), Path("w.duckdb"), metadata, [], True, 1.25)
    assert (summary.files, summary.split, summary.extract, summary.tables) == (landing, split, extract, tables)
    assert str(summary).splitlines() == [
        "landing   in",
        "warehouse w.duckdb",
        "files     5 new, 0 changed, 0 outdated, 2 unchanged, 0 deleted, 1 restored, 2 rejected, 2 still being written",
        "this load 8 articles, 324 mentions, 36 quotations",
        "warehouse 8 articles, 324 mentions, 84 entities, ? quotations",
        "stages    fingerprint 0.0 s, split 0.1 s, extract 0.4 s, publish 0.4 s",
        "checks    all passed",
        "seconds   1.2",
    ]
    failed = RunSummary.from_run(Path("in"), Path("w.duckdb"), {}, ["fact_mention.keys_resolve"], False, 0.0)
    assert str(failed).splitlines()[2:7:4] == [
        "files     0 new, 0 changed, 0 outdated, 0 unchanged, 0 deleted, 0 restored, 0 rejected, 0 still being written",
        "checks    FAILED: fact_mention.keys_resolve",
    ]


def test_files_given_up_on_by_the_per_file_work_are_rejected_with_the_reason_and_the_rest_kept():
    landing = pl.DataFrame(
        [
            ("a.txt", "/in/a.txt", 10, "aa", "new", None, [10, 1, 1]),
            ("b.txt", "/in/b.txt", 20, "bb", "new", None, [20, 1, 1]),
        ],
        schema=planning.MANIFEST_SCHEMA,
        orient="row",
    )
    plan = planning.plan_split(planning.files_to_process(landing), pl.DataFrame(schema=SPLIT_OUTCOME_SCHEMA))
    assert plan.fingerprints == [("/in/a.txt", 10, "aa"), ("/in/b.txt", 20, "bb")]
    loaded_a = SplitOutcome("aa", 10, "loaded", "utf-8", None, None, 2, 0, "c1.parquet")
    split = planning.split_manifest(landing, plan, [loaded_a, TaskFailure(plan.fingerprints[1], "crashed")])
    assert split.rejected.select("sha256", "size_bytes", "reason").rows() == [("bb", 20, "crashed")]
    assert split.batch.filter(pl.col("status") == "loaded")["sha256"].to_list() == ["aa"]

    loaded_file = split.manifest.filter(pl.col("sha256") == "aa")
    articles = pl.concat([loaded_file, loaded_file.with_columns(source_file=pl.lit("c.txt"), sha256=pl.lit("cc"))])
    loaded = planning.versions_to_extract(articles)
    extracted_a = ExtractOutcome("aa", 5, 0, 0, 3, 4, 1, "m1.parquet", 1, 1, "m1.q.parquet", "m1.s.parquet")
    failure = TaskFailure(("cc", "c1.parquet"), "Processing the file failed: ValueError: bad")
    extraction = planning.extract_manifest(
        articles, loaded, pl.DataFrame(schema=EXTRACT_OUTCOME_SCHEMA), [extracted_a, failure], 10_000
    )
    assert extraction.per_file["sha256"].to_list() == ["aa"]
    assert extraction.loaded["sha256"].to_list() == ["aa"]
    assert extraction.failed_files.rows() == [("c.txt", "Processing the file failed: ValueError: bad")]
    rejected = extraction.manifest.filter(pl.col("status") == "rejected")
    assert rejected.select("sha256", "mentions_file").rows() == [("cc", None)]
