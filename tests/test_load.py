"""Publishing into DuckDB: one transaction, replace on change, keep on delete, discard bad data."""

import dataclasses
import datetime as dt
import hashlib
import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from etl import planning
from etl.ingest.files import DEFAULT_MAX_FILE_BYTES, fingerprint
from etl.ingest.listing import look_at
from etl.load import catalog, connection, integrity, publishing, schema, sql_files
from etl.parallel import map_chunks
from etl.settings import RULES
from etl.staging.chunks import extract_chunk, split_chunk
from etl.staging.store import Stage
from helpers import edited_sql


def _batch(stage: Stage, landing: Path, db: Path | None = None, **options) -> publishing.Batch:
    """The batch a load of `landing` publishes, planned as the assets plan it: against what `db`
    holds (every file new without it); `options` as `planning.plan_batch` takes them."""
    files = planning.landing_manifest(
        planning.observe(look_at(landing, 0, {}), DEFAULT_MAX_FILE_BYTES), catalog.loaded_versions(db) if db else {}
    )
    todo = planning.files_to_process(files)
    plan = planning.plan_split(todo, stage.split_outcomes(todo["sha256"].drop_nulls().to_list()))
    split = list(map_chunks(split_chunk, str(stage.root), plan.fingerprints, workers=1))
    articles = planning.split_manifest(files, plan, split).manifest
    loaded = planning.versions_to_extract(articles)
    staged = stage.extract_outcomes(loaded["sha256"].to_list())
    extracted = list(map_chunks(extract_chunk, str(stage.root), planning.pending_extraction(loaded, staged), workers=1))
    mentions = planning.extract_manifest(articles, loaded, staged, extracted, MAX_MENTIONS_PER_ARTICLE).manifest
    return planning.plan_batch(mentions, stage, **options)


MAX_MENTIONS_PER_ARTICLE = RULES["max_mentions_per_article"].default


def _query(db: Path, sql: str, params=None):
    with connection.connect(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_publish_is_idempotent(tmp_path: Path, landing: Path):
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    first = publishing.publish(db, _batch(stage, landing)).tables
    second = publishing.publish(db, _batch(stage, landing)).tables
    assert first == second
    assert first["fact_article"] == 8 and first["dim_source_file"] == 5


def _stable_key(kind: str, natural_key: str) -> int:
    """The key formula, written independently of the SQL: first 8 MD5 bytes, little-endian, halved."""
    return int.from_bytes(hashlib.md5(f"{kind}\x1f{natural_key}".encode()).digest()[:8], "little") >> 1


def test_keys_follow_the_stable_formula(tmp_path: Path, landing: Path):
    # Keys persist across loads: a warehouse built by older code must get the same keys for the same names.
    db = tmp_path / "w.duckdb"
    publishing.publish(db, _batch(Stage(tmp_path / "stage"), landing))
    files = _query(db, "SELECT source_file, source_file_key FROM dim_source_file ORDER BY 1")
    assert len(files) == 5 and files == [(name, _stable_key("file", name)) for name, _ in files]
    entities = _query(
        db, "SELECT entity_type, canonical_name, entity_key FROM dim_entity WHERE canonical_name = 'Jeremy Corbyn'"
    )
    assert entities == [("PERSON", "Jeremy Corbyn", _stable_key("entity", "PERSON\x1fJeremy Corbyn"))]
    articles = _query(db, "SELECT text_hash, article_key FROM dim_article")
    assert len(articles) == 8 and all(key == _stable_key("article", text_hash) for text_hash, key in articles)


def test_changed_file_replaces_its_rows(tmp_path: Path, landing: Path):
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    publishing.publish(db, _batch(stage, landing))
    target = landing / "000_7e8e55041918a3c3.txt"
    text = target.read_text(encoding="utf-8")
    target.write_text(text[: text.index("Photo: Getty")], encoding="utf-8")  # keep only article 1
    publishing.publish(db, _batch(stage, landing))
    rows = _query(db, "SELECT article_index, title FROM articles WHERE source_file = ?", [target.name])
    assert rows == [(1, "Labour is developing the right instincts on immigration")]
    # The Momentum article is gone with every mention it held.
    momentum = "SELECT count(*) FROM article_entities WHERE source_file = ? AND entity_name = 'Momentum'"
    assert _query(db, momentum, [target.name]) == [(0,)]
    assert _query(db, "SELECT count(*) FROM dim_article WHERE title LIKE 'How the row over Jackie Walker%'") == [(0,)]
    assert _query(db, "SELECT count(*) FROM fact_article") == [(7,)]


def test_deleted_file_keeps_its_data_and_is_marked(tmp_path: Path, landing: Path):
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    publishing.publish(db, _batch(stage, landing))
    (landing / "002_a314f3057370094f.txt").unlink()
    publishing.publish(db, _batch(stage, landing, db))
    assert _query(db, "SELECT status FROM dim_source_file WHERE source_file = ?", ["002_a314f3057370094f.txt"]) == [
        ("deleted",)
    ]
    assert _query(db, "SELECT count(*) FROM articles(include_deleted := true)") == [(8,)]
    assert _query(db, "SELECT count(*) FROM articles") == [(7,)]  # the analyst views leave it out


# Long enough (over 8,192 characters) to be sliced in pieces by the offsets rule, and packed with
# mentions, some across the pieces' boundaries, one spanning several; the seeds are sliced directly.
# Both must catch a shift.
LONG_ARTICLE = (
    "Brown in Zürich\n\n"
    + "Tony Blair met Gordon Brown in Zürich. " * 400
    + "\n\nThen "
    + "Tony Blair Gordon Brown " * 40
    + "spoke.\n"
)


@pytest.mark.parametrize("texts", ["seeds", "long"])
def test_bad_batch_is_discarded_and_nothing_published_is_lost(tmp_path: Path, landing: Path, texts: str):
    if texts == "long":
        landing = tmp_path / "long"
        landing.mkdir()
        (landing / "packed.txt").write_text(LONG_ARTICLE, encoding="utf-8")
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    before = publishing.publish(db, _batch(stage, landing)).tables
    assert _query(
        db,
        "SELECT bool_and(length(text) > 8192), max(length(surface)) > 512 FROM dim_article "
        "JOIN fact_mention USING (article_key)",
    ) == [(texts == "long", texts == "long")]
    assert before["fact_mention"] > (1000 if texts == "long" else 0)
    good = _batch(stage, landing)
    (tmp_path / "shifted").mkdir()
    shifted = [tmp_path / "shifted" / original.name for original in good.mention_files]  # same staged files,
    for original, copy in zip(good.mention_files, shifted, strict=True):  # offsets no longer slicing the surface text
        pl.read_parquet(original).with_columns(pl.col("char_start") + 1).write_parquet(copy)
    broken = dataclasses.replace(good, mention_files=shifted)
    with pytest.raises(integrity.IntegrityError, match="offsets_slice_surface"):
        publishing.publish(db, broken)
    with connection.connect(db, read_only=True) as con:
        assert catalog.table_counts(con) == before
        assert not any(integrity.violations(con).values())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".w.duckdb")] == []  # no working copy left


def test_file_names_are_stored_verbatim(tmp_path: Path):
    landing = tmp_path / "landing"
    landing.mkdir()
    name = "Robert'); DROP TABLE dim_article;-- 50% “quoted” ü.txt"
    long_name = "é" * 120 + " $1 ?.txt"  # 249 bytes: near the file system's limit
    for n in (name, long_name):
        (landing / n).write_text("Title here\n\nBody text about Jeremy Corbyn and Labour.\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    publishing.publish(db, _batch(Stage(tmp_path / "stage"), landing))
    assert _query(db, "SELECT source_file, title FROM articles ORDER BY 1") == [
        (name, "Title here"),
        (long_name, "Title here"),
    ]


def test_copies_differing_only_in_typography_share_article_id_but_keep_their_own_text(tmp_path: Path):
    landing = tmp_path / "landing"
    landing.mkdir()
    curly = "Corbyn’s week\n\nJeremy Corbyn said “no” to  Labour’s plan.\n"
    straight = "Corbyn's week\n\nJeremy Corbyn said \"no\" to Labour's plan.\n"
    (landing / "a.txt").write_text(curly, encoding="utf-8")
    (landing / "b.txt").write_text(straight, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    publishing.publish(db, _batch(Stage(tmp_path / "stage"), landing))  # raises if any offset misses its text
    ids = _query(db, "SELECT count(DISTINCT article_id), count(*) FROM articles")
    assert ids == [(1, 2)]
    assert _query(db, "SELECT count(*) FROM dim_article") == [(2,)]
    assert _query(
        db, "SELECT source_file, mention_count FROM article_entities WHERE entity_name = 'Jeremy Corbyn' ORDER BY 1"
    ) == [("a.txt", 2), ("b.txt", 2)]


def test_warehouse_of_an_older_schema_is_rebuilt_from_the_landing_folder(tmp_path: Path, landing: Path):
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    publishing.publish(db, _batch(stage, landing))
    with connection.connect(db) as con:
        con.execute("UPDATE etl_meta SET value = 'older' WHERE key = 'schema_version'")
        con.execute("ALTER TABLE fact_mention DROP COLUMN sentence_end")
    assert catalog.loaded_versions(db) == {}  # so every file is reloaded
    counts = publishing.publish(db, _batch(stage, landing)).tables
    assert counts["fact_article"] == 8
    assert _query(db, "SELECT value FROM etl_meta WHERE key = 'schema_version'") == [(schema.schema_version(),)]


def test_comments_and_layout_are_no_schema_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    version, comments = schema.schema_version(), schema.comments_version()
    edited_sql(
        tmp_path / "sql",
        monkeypatch,
        (
            "views.sql",
            "COMMENT ON COLUMN articles.word_count IS 'Words in the article text.';\n",
            "COMMENT  ON COLUMN articles.word_count IS\n  'Words in the article text; title included.';\n"
            "-- a note for whoever reads this file\n\n",
        ),
        (
            "schema.sql",
            "    article_key     BIGINT PRIMARY KEY,\n    text_hash ",
            "\tarticle_key BIGINT   PRIMARY KEY, -- the surrogate key\n\ttext_hash ",
        ),
    )
    assert schema.schema_version() == version
    assert schema.comments_version() != comments


@pytest.mark.parametrize(
    "file, old, new",
    [
        (
            "schema.sql",
            "    word_count      INTEGER NOT NULL,\n    mention_count",
            "    word_count      BIGINT NOT NULL,\n    mention_count",
        ),
        ("views.sql", "    fa.word_count,\n    a.captions,", "    fa.word_count,\n    a.captions AS picture_captions,"),
    ],
)
def test_a_changed_column_is_a_new_schema_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, file: str, old: str, new: str
):
    version, comments = schema.schema_version(), schema.comments_version()
    edited_sql(tmp_path / "sql", monkeypatch, (file, old, new))
    assert schema.schema_version() != version
    assert schema.comments_version() == comments


def test_purging_deleted_files_drops_their_rows(tmp_path: Path, landing: Path):
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    publishing.publish(db, _batch(stage, landing))
    (landing / "000_7e8e55041918a3c3.txt").unlink()
    publishing.publish(db, _batch(stage, landing, db, purge_deleted=True))
    assert _query(db, "SELECT count(*) FROM articles") == [(6,)]
    assert _query(db, "SELECT count(*) FROM dim_source_file WHERE source_file = '000_7e8e55041918a3c3.txt'") == [(0,)]
    with connection.connect(db, read_only=True) as con:
        assert not any(integrity.violations(con).values())  # no orphans left behind


def test_identical_files_load_once_each_without_duplicate_rows(tmp_path: Path, landing: Path):
    shutil.copy(landing / "002_a314f3057370094f.txt", landing / "002_copy.txt")
    db = tmp_path / "w.duckdb"
    counts = publishing.publish(
        db, _batch(Stage(tmp_path / "stage"), landing)
    ).tables  # grain rules would discard duplicates
    assert counts["fact_article"] == 9 and counts["dim_article"] == 8
    rows = _query(db, "SELECT source_file, article_index, title FROM articles WHERE source_file LIKE '002%' ORDER BY 1")
    assert rows == [
        ("002_a314f3057370094f.txt", 1, "Rearguard action by the far-Left"),
        ("002_copy.txt", 1, "Rearguard action by the far-Left"),
    ]


def test_a_text_in_two_files_keeps_each_files_date_whatever_the_load_order(tmp_path: Path):
    """The date belongs to the occurrence: loading the files one by one gives the rows a
    clean build of both gives."""
    body = "Corbyn backs free movement\n\nJeremy Corbyn met Labour members in Leeds on Monday.\n"
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "b.txt").write_text(" date 2018-01-02 " + body, encoding="utf-8")
    stage, incremental, clean = Stage(tmp_path / "stage"), tmp_path / "incremental.duckdb", tmp_path / "clean.duckdb"
    publishing.publish(incremental, _batch(stage, landing))
    (landing / "a.txt").write_text(" date 2017-08-07 " + body, encoding="utf-8")
    publishing.publish(incremental, _batch(stage, landing))
    publishing.publish(clean, _batch(stage, landing))
    query = "SELECT source_file, article_id, published_date::VARCHAR, title FROM articles ORDER BY 1"
    rows = _query(incremental, query)
    assert [(r[0], r[2]) for r in rows] == [("a.txt", "2017-08-07"), ("b.txt", "2018-01-02")]
    assert rows[0][1] == rows[1][1]  # one text, one article id
    assert rows == _query(clean, query)


def test_the_published_file_holds_only_documented_objects_with_every_column_described(tmp_path: Path, landing: Path):
    db = tmp_path / "w.duckdb"
    publishing.publish(db, _batch(Stage(tmp_path / "stage"), landing))
    views = {name for (name,) in _query(db, "SELECT view_name FROM duckdb_views() WHERE NOT internal")}
    documented = set(re.findall(r"^CREATE OR REPLACE VIEW (\w+)", sql_files.sql_file("views.sql"), re.MULTILINE))
    assert views == documented and "articles" in views  # nothing pointing at staging paths
    undescribed = _query(
        db,
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE table_name IN (SELECT unnest(?)) AND coalesce(comment, '') = ''",
        [sorted(views)],
    )
    assert undescribed == []
    shutil.rmtree(tmp_path / "stage")  # the published file needs nothing from staging
    assert _query(db, "SELECT count(*) FROM articles") == [(8,)]


def test_a_file_no_longer_holding_its_fingerprinted_bytes_is_left_unsplit(tmp_path: Path, landing: Path):
    stage = Stage(tmp_path / "stage")
    rewritten, gone, intact = (
        landing / name for name in ("002_a314f3057370094f.txt", "003_1c58c391d2c8a2f4.txt", "004_1dfb63bf47ca936e.txt")
    )
    records = [fingerprint(path)[0] for path in (rewritten, gone, intact)]
    files = [(str(landing / r.source_file), r.size_bytes, r.sha256) for r in records]
    rewritten.write_text("Rewritten title\n\nA different body about Labour.\n", encoding="utf-8")
    gone.unlink()
    outcomes = split_chunk(str(stage.root), files)
    assert outcomes[:2] == [None, None]  # neither rejected nor loaded: the next run fingerprints them afresh
    assert outcomes[2].status == "loaded" and outcomes[2].sha256 == files[2][2]
    assert stage.split_outcomes([sha for _, _, sha in files])["sha256"].to_list() == [files[2][2]]
    assert stage.split_outcomes([fingerprint(rewritten)[0].sha256]).is_empty()


def test_the_calendar_holds_the_years_in_use_and_implausible_dates_are_noted(tmp_path: Path, landing: Path):
    dated = landing / "dated.txt"  # once 3.65 million calendar days, kept even after a purge
    dated.write_text(
        " date 0001-01-01\nFirst\n\nBody one.\nGetty\nShow Hide image\n"
        " date 9999-12-31\nSecond\n\nBody two.\nGetty\nShow Hide image\n"
        " date 1999-06-01\nThird\n\nBody three.\n",
        encoding="utf-8",
    )
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    publishing.publish(db, _batch(stage, landing))
    calendar = "SELECT min(year), max(year), count(*) FROM dim_date WHERE date_key <> 0"
    assert _query(db, calendar) == [(1999, 2017, 730)]  # 1999 and 2017 only, every day of each
    assert _query(db, "SELECT title, published_date FROM articles WHERE source_file = 'dated.txt' ORDER BY 1") == [
        ("First", None),
        ("Second", None),
        ("Third", dt.date(1999, 6, 1)),
    ]
    assert _query(db, "SELECT repair FROM dim_source_file WHERE source_file = 'dated.txt'") == [
        (
            "publication dates left unknown, not calendar dates from 1800-01-01 to a year ahead: "
            "0001-01-01 (article 1), 9999-12-31 (article 2)",
        )
    ]
    dated.unlink()
    publishing.publish(db, _batch(stage, landing, db, purge_deleted=True))
    assert _query(db, calendar) == [(2017, 2017, 365)]
    with connection.connect(db, read_only=True) as con:
        assert not any(integrity.violations(con).values())
