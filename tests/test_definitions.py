"""The Dagster layer: definitions load, every asset materialises with its checks."""

import os
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from etl.articles.split import split_articles
from etl.definitions import build_definitions, defs
from etl.defs.automation import landing_sensor
from etl.defs.resources import LandingFolder, Warehouse
from etl.load import schema
from etl.mentions.extract import extract_mentions
from etl.paths import staging_dir
from etl.staging.store import Stage
from etl.summary import LandingCounts, SplitCounts
from helpers import edited_sql, settle


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {
        "landing_files",
        "staged_articles",
        "staged_mentions",
        "dim_source_file",
        "dim_article",
        "dim_entity",
        "dim_date",
        "fact_article",
        "fact_mention",
    } <= keys
    for spec in defs.resolve_all_asset_specs():
        assert spec.description and spec.group_name and spec.kinds, spec.key


def test_every_asset_has_a_check():
    checked = {key.asset_key for key in defs.resolve_asset_graph().asset_check_keys}
    assets = set(defs.resolve_asset_graph().get_all_asset_keys())
    assert assets == checked


def _run(landing: Path, warehouse: Path, instance) -> dg.ExecuteInProcessResult:
    job = build_definitions(landing, warehouse).resolve_job_def("ingest_job")
    return job.execute_in_process(instance=instance, raise_on_error=False)


def _metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict:
    """The metadata values an asset's materialisation in the run carries."""
    return {key: entry.value for key, entry in result.asset_materializations_for_node(asset)[0].metadata.items()}


def _landing_counts(result: dg.ExecuteInProcessResult) -> LandingCounts:
    return LandingCounts.from_metadata(_metadata(result, "landing_files"))


def test_materialise_everything_with_all_checks_passing(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "w.duckdb"
    with dg.instance_for_test() as instance:
        result = _run(landing, warehouse, instance)
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    assert len(evaluations) >= 15
    assert [e.check_name for e in evaluations if not e.passed] == []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(8,)]
        titles = con.execute(
            "SELECT title FROM articles WHERE source_file = '001_666f149987165847.txt' ORDER BY article_index"
        ).fetchall()
    assert titles == [
        ("What would a progressive immigration policy look like?",),
        ("Labour is a pioneer in fighting sexism. That doesn't mean there's no sexism in Labour",),
    ]
    published = {
        e.asset_key.to_user_string(): e.metadata
        for e in (ev.event_specific_data.materialization for ev in result.get_asset_materialization_events())
    }
    columns = {c.name: c.description for c in published["fact_mention"]["dagster/column_schema"].value.columns}
    assert columns["in_quote"] == "True when the mention sits inside a direct quotation."
    assert published["fact_mention"]["dagster/row_count"].value == 327
    # Every sample article is about Labour: it heads the top-entities preview.
    assert published["dim_entity"]["top_entities"].value.splitlines()[2].startswith("| Labour Party | ORG | 78 | 8 |")


def test_second_run_skips_unchanged_files_and_rejects_bad_ones(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "w.duckdb"
    with dg.instance_for_test() as instance:
        assert _run(landing, warehouse, instance).success
        (landing / "empty.txt").write_bytes(b"")
        (landing / "binary.txt").write_bytes(bytes(range(256)) * 8)
        settle(landing)
        result = _run(landing, warehouse, instance)
    assert result.success
    files = _landing_counts(result)
    assert files.changes["unchanged"] == 5 and files.changes["new"] == 2
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rejected = dict(con.execute("SELECT source_file, reason FROM rejected_files").fetchall())
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(8,)]
    assert rejected.keys() == {"empty.txt", "binary.txt"}
    assert "empty" in rejected["empty.txt"] and "binary" in rejected["binary.txt"]


def test_new_pipeline_version_reprocesses_loaded_files(tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch):
    import etl.planning

    warehouse = tmp_path / "w.duckdb"
    with dg.instance_for_test() as instance:
        assert _run(landing, warehouse, instance).success
        monkeypatch.setattr(etl.planning, "PIPELINE_VERSION", "layout-2/rules-2")
        result = _run(landing, warehouse, instance)
    files = _landing_counts(result)
    assert files.changes["outdated"] == 5 and files.changes["unchanged"] == 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT DISTINCT pipeline_version FROM dim_source_file").fetchall() == [
            ("layout-2/rules-2",)
        ]
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(8,)]


def _staged_outputs(warehouse: Path) -> dict[Path, int]:
    """Every staged article and mention file, with when it was last written."""
    stage = Stage(staging_dir(warehouse))
    return {
        path: path.stat().st_mtime_ns
        for folder in (stage.articles_dir, stage.mentions_dir)
        for path in folder.rglob("*")
    }


def test_a_changed_comment_is_applied_in_place_without_reprocessing_a_file(
    tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch
):
    warehouse = tmp_path / "w.duckdb"
    loaded_at = "SELECT source_file, last_loaded_at FROM dim_source_file ORDER BY ALL"
    with dg.instance_for_test() as instance:
        assert _run(landing, warehouse, instance).success
        staged = _staged_outputs(warehouse)
        assert staged
        with duckdb.connect(str(warehouse), read_only=True) as con:
            first_loaded_at = con.execute(loaded_at).fetchall()
        version = schema.schema_version()
        edited_sql(
            tmp_path / "sql",
            monkeypatch,
            (
                "schema.sql",
                "fact_mention.in_quote IS 'True when the mention sits inside",
                "fact_mention.in_quote IS 'True when the mention stands inside",
            ),
            (
                "views.sql",
                "VIEW articles IS 'One row per article occurrence in a file.'",
                "VIEW articles IS 'One row per article occurrence in a landing file.'",
            ),
        )
        assert schema.schema_version() == version
        result = _run(landing, warehouse, instance)
    assert result.success
    assert [e.check_name for e in result.get_asset_check_evaluations() if not e.passed] == []
    files = _landing_counts(result)
    assert files.changes["unchanged"] == 5
    assert [files.changes[change] for change in ("new", "changed", "outdated")] == [0, 0, 0]
    assert SplitCounts.from_metadata(_metadata(result, "staged_articles")).articles == 0
    assert _staged_outputs(warehouse) == staged
    published = {
        e.asset_key.to_user_string(): e.metadata
        for e in (ev.event_specific_data.materialization for ev in result.get_asset_materialization_events())
    }
    columns = {c.name: c.description for c in published["fact_mention"]["dagster/column_schema"].value.columns}
    assert columns["in_quote"] == "True when the mention stands inside a direct quotation."
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'fact_mention' AND column_name = 'in_quote'"
        ).fetchall() == [("True when the mention stands inside a direct quotation.",)]
        assert con.execute("SELECT comment FROM duckdb_views() WHERE view_name = 'articles'").fetchall() == [
            ("One row per article occurrence in a landing file.",)
        ]
        assert con.execute(loaded_at).fetchall() == first_loaded_at  # no file's rows were replaced
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(8,)]


def test_blocking_check_stops_publication(tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch):
    import etl.staging.chunks

    real = etl.staging.chunks.extracted_frames
    monkeypatch.setattr(
        etl.staging.chunks,
        "extracted_frames",
        lambda articles, tallies=None: (
            real(articles, tallies)[0].with_columns(char_end=0),
            real(articles, tallies)[1],
        ),
    )
    warehouse = tmp_path / "w.duckdb"
    with dg.instance_for_test() as instance:
        result = _run(landing, warehouse, instance)
    assert not result.success
    failed = [e.check_name for e in result.get_asset_check_evaluations() if not e.passed]
    assert failed == ["offsets_slice_surface"]
    assert not warehouse.exists()


NEW_ARTICLE = "A new title\n\nKeir Starmer said Labour would win in London.\n"


def test_integrity_violation_fails_its_check_and_discards_the_load(
    tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch
):
    import etl.staging.chunks

    warehouse = tmp_path / "w.duckdb"
    with dg.instance_for_test() as instance:
        assert _run(landing, warehouse, instance).success
        (landing / "005_new.txt").write_text(NEW_ARTICLE, encoding="utf-8")
        settle(landing)
        # Offsets still slice the text (the staged check passes), but no mention lies inside its sentence.
        real = etl.staging.chunks.extracted_frames
        monkeypatch.setattr(
            etl.staging.chunks,
            "extracted_frames",
            lambda articles, tallies=None: (
                real(articles, tallies)[0].with_columns(sentence_end=0),
                real(articles, tallies)[1],
            ),
        )
        result = _run(landing, warehouse, instance)
    assert not result.success
    failed = {
        (e.asset_key.to_user_string(), e.check_name): e.metadata["violating_rows"].value
        for e in result.get_asset_check_evaluations()
        if not e.passed
    }
    new = split_articles(NEW_ARTICLE)[0]
    mentions = len(extract_mentions(new.text, new.paragraphs))
    assert mentions >= 2  # Labour and London at least
    assert failed == {("fact_mention", "offsets_slice_surface"): mentions}
    with duckdb.connect(str(warehouse), read_only=True) as con:  # the first load is still what is published
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(8,)]


def test_a_run_with_nothing_to_load_checks_the_published_file(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "w.duckdb"
    with dg.instance_for_test() as instance:
        first = _run(landing, warehouse, instance)
        again = _run(landing, warehouse, instance)
    counted = {
        run: {
            e.check_name: (e.passed, e.metadata["counted"].value)
            for e in result.get_asset_check_evaluations()
            if e.asset_key.to_user_string() == "fact_mention" and "counted" in e.metadata
        }
        for run, result in (("first", first), ("again", again))
    }
    assert counted["first"]["offsets_slice_surface"] == (True, "in the load")
    assert counted["again"]["offsets_slice_surface"] == (True, "on the published file")
    assert counted["again"].keys() == counted["first"].keys() == {"keys_resolve", "offsets_slice_surface"}


def test_files_still_being_written_wait_for_the_next_run(
    tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch
):
    warehouse = tmp_path / "w.duckdb"
    (landing / "005_arriving.txt").write_text("Half a title\n\nHalf a bo", encoding="utf-8")
    with dg.instance_for_test() as instance:
        monkeypatch.setenv("ETL_SETTLE_SECONDS", "30")  # written seconds ago: still arriving
        first = _run(landing, warehouse, instance)
        monkeypatch.delenv("ETL_SETTLE_SECONDS")
        settle(landing / "005_arriving.txt")  # now untouched for a minute
        second = _run(landing, warehouse, instance)
    assert _landing_counts(first).in_flight == 1
    assert _landing_counts(second).changes["new"] == 1
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(9,)]


def test_a_200_mb_file_is_rejected_unread_and_only_once(tmp_path: Path, landing: Path):
    huge = landing / "huge.txt"
    with open(huge, "wb") as handle:
        handle.truncate(200 * 2**20)  # sparse: 200 MB on paper, nothing on disk
    settle(huge)
    warehouse = tmp_path / "w.duckdb"
    with dg.instance_for_test() as instance:
        first = _run(landing, warehouse, instance)
        second = _run(landing, warehouse, instance)
    assert first.success and second.success
    with duckdb.connect(str(warehouse), read_only=True) as con:
        ((reason,),) = con.execute("SELECT reason FROM rejected_files WHERE source_file = 'huge.txt'").fetchall()
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(8,)]
    assert reason.startswith("The file is 200 MB, more than the 64 MB")
    files = _landing_counts(second)
    assert files.changes["unchanged"] == 6 and files.changes["new"] == 0


def test_classifier_check_fails_when_the_rejected_share_jumps(
    tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch
):
    import etl.mentions.classify

    with dg.instance_for_test() as instance:
        first = _run(landing, tmp_path / "a" / "w.duckdb", instance)
        assert first.success
        stable = [e for e in first.get_asset_check_evaluations() if e.check_name == "classifier_stable"]
        assert stable and stable[0].passed
        # A broken model that rejects every name it classifies, on a fresh warehouse (nothing staged).
        monkeypatch.setattr(etl.mentions.classify, "_decide", lambda tokens, label: (None, " ".join(tokens)))
        second = _run(landing, tmp_path / "b" / "w.duckdb", instance)
    check = next(e for e in second.get_asset_check_evaluations() if e.check_name == "classifier_stable")
    assert not check.passed
    assert check.metadata["rejected_share"].value == 1.0
    assert check.metadata["rejected_shift"].value > 0.5


def test_the_sensor_lists_past_a_symlink_loop_and_a_name_that_is_not_utf8(tmp_path: Path, landing: Path):
    (landing / os.fsdecode(b"bad\xff.txt")).write_text("A title\n\nA body.\n")
    settle(landing)
    (landing / "loop.txt").symlink_to("loop.txt")
    resources = {"landing": LandingFolder(path=str(landing)), "warehouse": Warehouse(path=str(tmp_path / "w.duckdb"))}
    with dg.instance_for_test() as instance:
        result = landing_sensor(dg.build_sensor_context(instance=instance, resources=resources))
    assert len(result.run_requests) == 1


def test_a_file_that_becomes_unreadable_keeps_the_version_loaded_before(
    tmp_path: Path, landing: Path, monkeypatch: pytest.MonkeyPatch
):
    import etl.planning

    warehouse = tmp_path / "w.duckdb"
    unreadable = landing / "001_666f149987165847.txt"
    real = etl.planning.fingerprint

    def refused(path: Path, *args):
        if path == unreadable:  # as a file whose permissions were taken away (which root would not notice)
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *args)

    with dg.instance_for_test() as instance:
        assert _run(landing, warehouse, instance).success
        monkeypatch.setattr(etl.planning, "fingerprint", refused)
        result = _run(landing, warehouse, instance)
    assert result.success
    files = _landing_counts(result)
    assert files.changes["unchanged"] == 5 and files.refused_unread == 1
    check = next(e for e in result.get_asset_check_evaluations() if e.check_name == "all_files_readable")
    assert not check.passed and "Permission denied" in check.metadata["unreadable"].value
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "SELECT status, reason FROM dim_source_file WHERE source_file = ?", [unreadable.name]
        ).fetchall() == [("loaded", None)]
        assert con.execute("SELECT count(*) FROM articles WHERE source_file = ?", [unreadable.name]).fetchall() == [
            (2,)
        ]
