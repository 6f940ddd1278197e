"""Publishing into DuckDB: one transaction, replace on change, keep on delete, roll back on bad data."""

from pathlib import Path

import polars as pl
import pytest

from etl import load
from etl.ingest import discover, fingerprint
from etl.mentions import EXTRACTOR_VERSION
from etl.staging import PIPELINE_VERSION, Stage


def _batch(stage: Stage, landing: Path, deleted: list[str] | None = None) -> load.Batch:
    files, shas = [], []
    for path in discover(landing):
        record, data = fingerprint(path)
        outcome = stage.split_file(record.sha256, data)
        if outcome.status == "loaded":
            stage.extract_file(record.sha256)
            shas.append(record.sha256)
        files.append({"source_file": record.source_file, "sha256": record.sha256, "size_bytes": record.size_bytes,
                      "encoding": outcome.encoding, "repair": outcome.repair, "status": outcome.status,
                      "reason": outcome.reason})
    frame = pl.DataFrame(files)
    names = frame.filter(pl.col("status") == "loaded").select("sha256", "source_file")
    return load.Batch(
        files=frame,
        articles=stage.articles(shas).collect().join(names, on="sha256"),
        mentions=stage.mentions(shas).collect().join(names, on="sha256"),
        deleted=deleted or [],
        extractor_version=EXTRACTOR_VERSION,
        pipeline_version=PIPELINE_VERSION,
    )


def _query(db: Path, sql: str, params=None):
    with load.connect(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_publish_is_idempotent(tmp_path: Path, landing: Path):
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    first = load.publish(db, _batch(stage, landing))
    second = load.publish(db, _batch(stage, landing))
    assert first == second
    assert first["fact_article"] == 8 and first["dim_source_file"] == 5


def test_changed_file_replaces_its_rows(tmp_path: Path, landing: Path):
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    load.publish(db, _batch(stage, landing))
    target = landing / "000_7e8e55041918a3c3.txt"
    text = target.read_text(encoding="utf-8")
    target.write_text(text[: text.index("Photo: Getty")], encoding="utf-8")  # keep only article 1
    load.publish(db, _batch(stage, landing))
    rows = _query(db, "SELECT article_index, title FROM articles WHERE source_file = ?", [target.name])
    assert rows == [(1, "Labour is developing the right instincts on immigration")]
    # The Momentum article is gone with every mention it held.
    momentum = "SELECT count(*) FROM article_entities WHERE source_file = ? AND entity_name = 'Momentum'"
    assert _query(db, momentum, [target.name]) == [(0,)]
    assert _query(db, "SELECT count(*) FROM dim_article WHERE title LIKE 'How the row over Jackie Walker%'") == [(0,)]
    assert _query(db, "SELECT count(*) FROM fact_article") == [(7,)]


def test_deleted_file_keeps_its_data_and_is_marked(tmp_path: Path, landing: Path):
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    load.publish(db, _batch(stage, landing))
    (landing / "002_a314f3057370094f.txt").unlink()
    load.publish(db, _batch(stage, landing, deleted=["002_a314f3057370094f.txt"]))
    assert _query(db, "SELECT status FROM dim_source_file WHERE source_file = ?", ["002_a314f3057370094f.txt"]) == [("deleted",)]
    assert _query(db, "SELECT count(*) FROM articles") == [(8,)]


def test_bad_batch_is_rolled_back_and_nothing_published_is_lost(tmp_path: Path, landing: Path):
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    before = load.publish(db, _batch(stage, landing))
    good = _batch(stage, landing)
    broken = load.Batch(
        files=good.files,
        articles=good.articles,
        mentions=good.mentions.with_columns(pl.col("char_start") + 1),  # offsets no longer slice the surface
        deleted=[],
        extractor_version=EXTRACTOR_VERSION,
        pipeline_version=PIPELINE_VERSION,
    )
    with pytest.raises(load.IntegrityError, match="offsets_slice_surface"):
        load.publish(db, broken)
    with load.connect(db, read_only=True) as con:
        assert load.table_counts(con) == before
        assert not any(load.violations(con).values())


def test_file_names_are_stored_verbatim(tmp_path: Path):
    landing = tmp_path / "landing"
    landing.mkdir()
    name = "Robert'); DROP TABLE dim_article;-- 50% “quoted” ü.txt"
    (landing / name).write_text("Title here\n\nBody text about Jeremy Corbyn and Labour.\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    load.publish(db, _batch(Stage(tmp_path / "stage"), landing))
    assert _query(db, "SELECT source_file, title FROM articles") == [(name, "Title here")]
