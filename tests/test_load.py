"""Publishing into DuckDB: one transaction, replace on change, keep on delete, discard bad data."""

import dataclasses
import datetime as dt
import hashlib
import re
import shutil
from pathlib import Path

import polars as pl
import pytest

from etl import load
from etl.ingest import discover, fingerprint
from etl.mentions.version import EXTRACTOR_VERSION
from etl.quotes.version import QUOTES_VERSION
from etl.staging import PIPELINE_VERSION, Stage


def _batch(stage: Stage, landing: Path, deleted: list[str] | None = None) -> load.Batch:
    paths = [str(p) for p in discover(landing)]
    records = [fingerprint(Path(path))[0] for path in paths]
    outcomes = stage.split_chunk([(path, r.size_bytes, r.sha256) for path, r in zip(paths, records)])
    loaded = [o for o in outcomes if o.status == "loaded"]
    extracted = stage.extract_chunk([(o.sha256, o.articles_file) for o in loaded]) if loaded else []
    mentions_file = {e.sha256: e.mentions_file for e in extracted}
    quotes_file = {e.sha256: e.quotes_file for e in extracted}
    files = [{"source_file": Path(path).name, "sha256": o.sha256, "size_bytes": o.size_bytes, "encoding": o.encoding,
              "repair": o.repair, "status": o.status, "reason": o.reason, "articles_file": o.articles_file,
              "mentions_file": mentions_file.get(o.sha256), "quotes_file": quotes_file.get(o.sha256)}
             for path, o in zip(paths, outcomes)]
    return load.Batch(
        files=pl.DataFrame(files),
        article_files=sorted({stage.articles_dir / o.articles_file for o in loaded}),
        mention_files=sorted({stage.mentions_dir / o.mentions_file for o in extracted}),
        quote_files=sorted({stage.mentions_dir / o.quotes_file for o in extracted}),
        deleted=deleted or [],
        extractor_version=EXTRACTOR_VERSION,
        quotes_version=QUOTES_VERSION,
        pipeline_version=PIPELINE_VERSION,
    )


def _query(db: Path, sql: str, params=None):
    with load.connect(db, read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_publish_is_idempotent(tmp_path: Path, landing: Path):
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    first = load.publish(db, _batch(stage, landing)).tables
    second = load.publish(db, _batch(stage, landing)).tables
    assert first == second
    assert first["fact_article"] == 8 and first["dim_source_file"] == 5


def _stable_key(kind: str, natural_key: str) -> int:
    """The key formula, written independently of the SQL: first 8 MD5 bytes, little-endian, halved."""
    return int.from_bytes(hashlib.md5(f"{kind}\x1f{natural_key}".encode()).digest()[:8], "little") >> 1


def test_keys_follow_the_stable_formula(tmp_path: Path, landing: Path):
    # Keys persist across loads: a warehouse built by older code must get the same keys for the same names.
    db = tmp_path / "w.duckdb"
    load.publish(db, _batch(Stage(tmp_path / "stage"), landing))
    files = _query(db, "SELECT source_file, source_file_key FROM dim_source_file ORDER BY 1")
    assert len(files) == 5 and files == [(name, _stable_key("file", name)) for name, _ in files]
    entities = _query(db, "SELECT entity_type, canonical_name, entity_key FROM dim_entity WHERE canonical_name = 'Jeremy Corbyn'")
    assert entities == [("PERSON", "Jeremy Corbyn", _stable_key("entity", "PERSON\x1fJeremy Corbyn"))]
    articles = _query(db, "SELECT text_hash, article_key FROM dim_article")
    assert len(articles) == 8 and all(key == _stable_key("article", text_hash) for text_hash, key in articles)


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
    assert _query(db, "SELECT count(*) FROM articles(include_deleted := true)") == [(8,)]
    assert _query(db, "SELECT count(*) FROM articles") == [(7,)]  # the analyst views leave it out


# Long enough (over 8,192 characters) to be sliced in pieces by the offsets rule, and packed with
# mentions, some across the pieces' boundaries, one spanning several; the seeds are sliced directly.
# Both must catch a shift.
LONG_ARTICLE = ("Brown in Zürich\n\n" + "Tony Blair met Gordon Brown in Zürich. " * 400
                + "\n\nThen " + "Tony Blair Gordon Brown " * 40 + "spoke.\n")


@pytest.mark.parametrize("texts", ["seeds", "long"])
def test_bad_batch_is_discarded_and_nothing_published_is_lost(tmp_path: Path, landing: Path, texts: str):
    if texts == "long":
        landing = tmp_path / "long"
        landing.mkdir()
        (landing / "packed.txt").write_text(LONG_ARTICLE, encoding="utf-8")
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    before = load.publish(db, _batch(stage, landing)).tables
    assert _query(db, "SELECT bool_and(length(text) > 8192), max(length(surface)) > 512 FROM dim_article "
                      "JOIN fact_mention USING (article_key)") == [(texts == "long", texts == "long")]
    assert before["fact_mention"] > (1000 if texts == "long" else 0)
    good = _batch(stage, landing)
    (original,) = good.mention_files
    shifted = tmp_path / "shifted" / original.name  # same staged file, offsets no longer slice the surface text
    shifted.parent.mkdir()
    pl.read_parquet(original).with_columns(pl.col("char_start") + 1).write_parquet(shifted)
    broken = dataclasses.replace(good, mention_files=[shifted])
    with pytest.raises(load.IntegrityError, match="offsets_slice_surface"):
        load.publish(db, broken)
    with load.connect(db, read_only=True) as con:
        assert load.table_counts(con) == before
        assert not any(load.violations(con).values())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".w.duckdb")] == []  # no working copy left


def test_file_names_are_stored_verbatim(tmp_path: Path):
    landing = tmp_path / "landing"
    landing.mkdir()
    name = "Robert'); DROP TABLE dim_article;-- 50% “quoted” ü.txt"
    long_name = "é" * 120 + " $1 ?.txt"  # 249 bytes: near the file system's limit
    for n in (name, long_name):
        (landing / n).write_text("Title here\n\nBody text about Jeremy Corbyn and Labour.\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    load.publish(db, _batch(Stage(tmp_path / "stage"), landing))
    assert _query(db, "SELECT source_file, title FROM articles ORDER BY 1") == [(name, "Title here"),
                                                                               (long_name, "Title here")]


def test_copies_differing_only_in_typography_share_article_id_but_keep_their_own_text(tmp_path: Path):
    landing = tmp_path / "landing"
    landing.mkdir()
    curly = "Corbyn’s week\n\nJeremy Corbyn said “no” to  Labour’s plan.\n"
    straight = "Corbyn's week\n\nJeremy Corbyn said \"no\" to Labour's plan.\n"
    (landing / "a.txt").write_text(curly, encoding="utf-8")
    (landing / "b.txt").write_text(straight, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    load.publish(db, _batch(Stage(tmp_path / "stage"), landing))  # raises if any offset misses its text
    ids = _query(db, "SELECT count(DISTINCT article_id), count(*) FROM articles")
    assert ids == [(1, 2)]
    assert _query(db, "SELECT count(*) FROM dim_article") == [(2,)]
    assert _query(db, "SELECT source_file, mention_count FROM article_entities WHERE entity_name = 'Jeremy Corbyn' "
                      "ORDER BY 1") == [("a.txt", 2), ("b.txt", 2)]


def test_warehouse_of_an_older_schema_is_rebuilt_from_the_landing_folder(tmp_path: Path, landing: Path):
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    load.publish(db, _batch(stage, landing))
    with load.connect(db) as con:
        con.execute("UPDATE etl_meta SET value = 'older' WHERE key = 'schema_version'")
        con.execute("ALTER TABLE fact_mention DROP COLUMN sentence_end")
    assert load.loaded_versions(db) == {}  # so every file is reloaded
    counts = load.publish(db, _batch(stage, landing)).tables
    assert counts["fact_article"] == 8
    assert _query(db, "SELECT value FROM etl_meta WHERE key = 'schema_version'") == [(load.schema_version(),)]


def edited_sql(folder: Path, monkeypatch: pytest.MonkeyPatch, *edits: tuple[str, str, str]) -> None:
    """Point the loader at a copy of its SQL in `folder`, edited: in each (file, old, new), `old`
    (found once) replaced by `new`."""
    shutil.copytree(load.SQL_DIR, folder)
    for file, old, new in edits:
        text = (folder / file).read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        (folder / file).write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.setattr(load, "SQL_DIR", folder)


def test_comments_and_layout_are_no_schema_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    schema, comments = load.schema_version(), load.comments_version()
    edited_sql(tmp_path / "sql", monkeypatch,
               ("views.sql", "COMMENT ON COLUMN articles.word_count IS 'Words in the article text.';\n",
                "COMMENT  ON COLUMN articles.word_count IS\n  'Words in the article text; title included.';\n"
                "-- a note for whoever reads this file\n\n"),
               ("schema.sql", "    article_key     BIGINT PRIMARY KEY,\n    text_hash ",
                "\tarticle_key BIGINT   PRIMARY KEY, -- the surrogate key\n\ttext_hash "))
    assert load.schema_version() == schema
    assert load.comments_version() != comments


@pytest.mark.parametrize("file, old, new", [
    ("schema.sql", "    word_count      INTEGER NOT NULL,\n    mention_count", "    word_count      BIGINT NOT NULL,\n    mention_count"),
    ("views.sql", "    fa.word_count,\n    a.captions,", "    fa.word_count,\n    a.captions AS picture_captions,"),
])
def test_a_changed_column_is_a_new_schema_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, file: str, old: str,
                                                   new: str):
    schema, comments = load.schema_version(), load.comments_version()
    edited_sql(tmp_path / "sql", monkeypatch, (file, old, new))
    assert load.schema_version() != schema
    assert load.comments_version() == comments


def test_purging_deleted_files_drops_their_rows(tmp_path: Path, landing: Path):
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    load.publish(db, _batch(stage, landing))
    (landing / "000_7e8e55041918a3c3.txt").unlink()
    load.publish(db, dataclasses.replace(_batch(stage, landing, deleted=["000_7e8e55041918a3c3.txt"]),
                                         purge_deleted=True))
    assert _query(db, "SELECT count(*) FROM articles") == [(6,)]
    assert _query(db, "SELECT count(*) FROM dim_source_file WHERE source_file = '000_7e8e55041918a3c3.txt'") == [(0,)]
    with load.connect(db, read_only=True) as con:
        assert not any(load.violations(con).values())  # no orphans left behind


def test_identical_files_load_once_each_without_duplicate_rows(tmp_path: Path, landing: Path):
    shutil.copy(landing / "002_a314f3057370094f.txt", landing / "002_copy.txt")
    db = tmp_path / "w.duckdb"
    counts = load.publish(db, _batch(Stage(tmp_path / "stage"), landing)).tables  # grain rules would discard duplicates
    assert counts["fact_article"] == 9 and counts["dim_article"] == 8
    rows = _query(db, "SELECT source_file, article_index, title FROM articles WHERE source_file LIKE '002%' ORDER BY 1")
    assert rows == [("002_a314f3057370094f.txt", 1, "Rearguard action by the far-Left"),
                    ("002_copy.txt", 1, "Rearguard action by the far-Left")]


def test_a_text_in_two_files_keeps_each_files_date_whatever_the_load_order(tmp_path: Path):
    """The date belongs to the occurrence: loading the files one by one gives the rows a
    clean build of both gives."""
    body = "Corbyn backs free movement\n\nJeremy Corbyn met Labour members in Leeds on Monday.\n"
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "b.txt").write_text(" date 2018-01-02 " + body, encoding="utf-8")
    stage, incremental, clean = Stage(tmp_path / "stage"), tmp_path / "incremental.duckdb", tmp_path / "clean.duckdb"
    load.publish(incremental, _batch(stage, landing))
    (landing / "a.txt").write_text(" date 2017-08-07 " + body, encoding="utf-8")
    load.publish(incremental, _batch(stage, landing))
    load.publish(clean, _batch(stage, landing))
    query = "SELECT source_file, article_id, published_date::VARCHAR, title FROM articles ORDER BY 1"
    rows = _query(incremental, query)
    assert [(r[0], r[2]) for r in rows] == [("a.txt", "2017-08-07"), ("b.txt", "2018-01-02")]
    assert rows[0][1] == rows[1][1]  # one text, one article id
    assert rows == _query(clean, query)


def test_the_published_file_holds_only_documented_objects_with_every_column_described(tmp_path: Path, landing: Path):
    db = tmp_path / "w.duckdb"
    load.publish(db, _batch(Stage(tmp_path / "stage"), landing))
    views = {name for (name,) in _query(db, "SELECT view_name FROM duckdb_views() WHERE NOT internal")}
    documented = set(re.findall(r"^CREATE OR REPLACE VIEW (\w+)", load.sql_file("views.sql"), re.MULTILINE))
    assert views == documented and "articles" in views  # nothing pointing at staging paths
    undescribed = _query(db, "SELECT table_name, column_name FROM duckdb_columns() "
                             "WHERE table_name IN (SELECT unnest(?)) AND coalesce(comment, '') = ''", [sorted(views)])
    assert undescribed == []
    shutil.rmtree(tmp_path / "stage")  # the published file needs nothing from staging
    assert _query(db, "SELECT count(*) FROM articles") == [(8,)]


def test_a_file_no_longer_holding_its_fingerprinted_bytes_is_left_unsplit(tmp_path: Path, landing: Path):
    stage = Stage(tmp_path / "stage")
    rewritten, gone, intact = (landing / name for name in
                               ("002_a314f3057370094f.txt", "003_1c58c391d2c8a2f4.txt", "004_1dfb63bf47ca936e.txt"))
    records = [fingerprint(path)[0] for path in (rewritten, gone, intact)]
    files = [(str(landing / r.source_file), r.size_bytes, r.sha256) for r in records]
    rewritten.write_text("Rewritten title\n\nA different body about Labour.\n", encoding="utf-8")
    gone.unlink()
    outcomes = stage.split_chunk(files)
    assert outcomes[:2] == [None, None]  # neither rejected nor loaded: the next run fingerprints them afresh
    assert outcomes[2].status == "loaded" and outcomes[2].sha256 == files[2][2]
    assert stage.split_outcomes([sha for _, _, sha in files])["sha256"].to_list() == [files[2][2]]
    assert stage.split_outcomes([fingerprint(rewritten)[0].sha256]).is_empty()


def test_the_calendar_holds_the_years_in_use_and_implausible_dates_are_noted(tmp_path: Path, landing: Path):
    dated = landing / "dated.txt"  # once 3.65 million calendar days, kept even after a purge
    dated.write_text(" date 0001-01-01\nFirst\n\nBody one.\nGetty\nShow Hide image\n"
                     " date 9999-12-31\nSecond\n\nBody two.\nGetty\nShow Hide image\n"
                     " date 1999-06-01\nThird\n\nBody three.\n", encoding="utf-8")
    stage, db = Stage(tmp_path / "stage"), tmp_path / "w.duckdb"
    load.publish(db, _batch(stage, landing))
    calendar = "SELECT min(year), max(year), count(*) FROM dim_date WHERE date_key <> 0"
    assert _query(db, calendar) == [(1999, 2017, 730)]  # 1999 and 2017 only, every day of each
    assert _query(db, "SELECT title, published_date FROM articles WHERE source_file = 'dated.txt' ORDER BY 1") == [
        ("First", None), ("Second", None), ("Third", dt.date(1999, 6, 1))]
    assert _query(db, "SELECT repair FROM dim_source_file WHERE source_file = 'dated.txt'") == [(
        "publication dates left unknown, not calendar dates from 1800-01-01 to a year ahead: "
        "0001-01-01 (article 1), 9999-12-31 (article 2)",)]
    dated.unlink()
    load.publish(db, dataclasses.replace(_batch(stage, landing, deleted=["dated.txt"]), purge_deleted=True))
    assert _query(db, calendar) == [(2017, 2017, 365)]
    with load.connect(db, read_only=True) as con:
        assert not any(load.violations(con).values())
