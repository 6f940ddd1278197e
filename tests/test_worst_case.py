"""Pathological files: every stage stays linear in file size and mention count (the figures are in
benchmarks/bench_worst_files.py; nothing here is timed), and a file beyond the mention budget is
rejected with its reason instead of filling the warehouse."""

from pathlib import Path

import duckdb
import polars as pl

from etl.articles.split import split_articles
from etl.mentions.extract import extract_mentions
from etl.staging.frames import articles_frame, extracted_frames
from etl.staging.quality import misplaced_mentions
from helpers import build, settle

PACKED_SENTENCE = "Tony Blair met Gordon Brown in Zürich. "  # three mentions, one non-ASCII character


def test_staged_offsets_check_of_a_long_article_packed_with_mentions():
    articles = articles_frame([("packed", PACKED_SENTENCE * 5_000)])
    mentions, _ = extracted_frames(articles)
    assert mentions.height == 15_000
    assert misplaced_mentions(mentions, articles).is_empty()
    shifted = mentions.with_columns(
        pl.when(pl.col("char_start") > 150_000)
        .then(pl.col("char_start") + 1)
        .otherwise("char_start")
        .alias("char_start")
    )
    assert misplaced_mentions(shifted, articles)["char_start"].min() > 150_000
    assert misplaced_mentions(shifted, articles).height == shifted.filter(pl.col("char_start") > 150_000).height > 0


def test_a_file_beyond_the_mention_budget_is_rejected_with_its_reason_once(tmp_path: Path, landing: Path):
    packed = landing / "packed.txt"
    packed.write_text(PACKED_SENTENCE * 3_400, encoding="utf-8")  # 10,200 mentions in one article
    settle(packed)
    warehouse = tmp_path / "news.duckdb"
    first = build("--landing", str(landing), "--warehouse", str(warehouse))
    second = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "6 new, 0 changed, 0 outdated, 0 unchanged, 0 deleted, 0 restored, 1 rejected" in first.stdout
    assert "warehouse 8 articles, 327 mentions" in first.stdout
    assert (
        "0 new, 0 changed, 0 outdated, 6 unchanged, 0 deleted, 0 restored, 0 rejected" in second.stdout
    )  # not retried
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT source_file, reason FROM rejected_files").fetchall() == [
            (
                "packed.txt",
                "An article of the file has 10200 mentions, more than the 10000 an article may have "
                "(raise ETL_MAX_MENTIONS_PER_ARTICLE to accept it).",
            )
        ]
        assert con.execute("SELECT status FROM dim_source_file WHERE source_file = 'packed.txt'").fetchall() == [
            ("rejected",)
        ]


def test_the_mention_budget_is_configurable(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "news.duckdb"
    built = build("--landing", str(landing), "--warehouse", str(warehouse), ETL_MAX_MENTIONS_PER_ARTICLE="60")
    assert built.returncode == 0, built.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rejected = con.execute("SELECT source_file, reason FROM rejected_files ORDER BY 1").fetchall()
        loaded = con.execute("SELECT max(mention_count) FROM fact_article").fetchall()
    assert rejected and all("more than the 60 an article may have" in reason for _, reason in rejected)
    assert 0 < loaded[0][0] <= 60
    refused = build("--landing", str(landing), "--warehouse", str(warehouse), ETL_MAX_MENTIONS_PER_ARTICLE="0")
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        "error: ETL_MAX_MENTIONS_PER_ARTICLE='0' is not a valid setting: expected a whole number of at least 1."
    )


def test_binary_tails_control_characters_and_utf32_in_a_build(tmp_path: Path, landing: Path):
    seed = (landing / "000_7e8e55041918a3c3.txt").read_bytes()
    (landing / "tail.txt").write_bytes(seed * 2 + b"\x00" * 100_000)  # the sample read once saw only text
    (landing / "utf32.txt").write_bytes(
        (landing / "002_a314f3057370094f.txt").read_text(encoding="utf-8").encode("utf-32")
    )
    (landing / "controls.txt").write_bytes(seed.replace(b"\n\n", b"\n\x00\n", 3))
    settle(landing)
    warehouse = tmp_path / "news.duckdb"
    built = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert built.returncode == 0, built.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("SELECT source_file, reason FROM rejected_files").fetchall() == [
            ("tail.txt", "The file looks binary: 80% of its characters are control codes.")
        ]
        files = {
            name: (encoding, repair)
            for name, encoding, repair in con.execute(
                "SELECT source_file, encoding, repair FROM dim_source_file"
            ).fetchall()
        }
        copies = con.execute(
            "SELECT source_file, count(*) FROM articles WHERE source_file IN "
            "('utf32.txt', 'controls.txt') GROUP BY ALL ORDER BY 1"
        ).fetchall()
        assert con.execute("SELECT count(*) FROM dim_article WHERE contains(text, chr(0))").fetchall() == [(0,)]
    assert files["utf32.txt"] == ("utf-32", None)
    assert files["controls.txt"] == ("utf_8", "3 control characters removed")  # NUL bytes: detected, not assumed
    assert copies == [("controls.txt", 2), ("utf32.txt", 1)]


def test_a_long_run_of_capitalised_names_is_extracted():
    # Each first name in a run once looked up every phrase ending before it: cubic in the run's length.
    text = "Intro\n\n" + "Tony Blair Gordon Brown " * 2_000 + "spoke.\n"
    (article,) = split_articles(text)
    mentions = extract_mentions(article.text, article.paragraphs)
    assert mentions and all(article.text[m.start : m.end] == m.surface for m in mentions)
