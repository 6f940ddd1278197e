"""Stories: near-duplicate articles (republished with small edits, re-headlined, truncated, with
other boilerplate) share a story_id, and the views count them once when asked."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from etl.stories.cluster import STORY_INPUT_SCHEMA, assign_stories
from etl.stories.signature import shingle_hashes, signatures
from helpers import BBC, build, settle


def _paragraphs(name: str) -> tuple[str, list[str]]:
    """Title and paragraphs of a BBC article."""
    title, _, rest = (BBC / name).read_text(encoding="utf-8").strip().partition("\n")
    return title, [p.strip() for p in rest.split("\n\n") if p.strip()]


def _write(folder: Path, name: str, date: str, title: str, paragraphs: list[str]) -> None:
    (folder / name).write_text(f" date {date}\n" + "\n\n".join([title, *paragraphs]) + "\n", encoding="utf-8")


def _stories(warehouse: Path, view: str = "articles") -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return dict(con.execute(f"SELECT source_file, story_id FROM {view}").fetchall())


def test_edited_copies_share_a_story_and_count_once(tmp_path: Path) -> None:
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    landing.mkdir()
    title, paragraphs = _paragraphs("politics/001.txt")
    _write(landing, "original.txt", "2005-02-01", title, paragraphs)
    edited = [p.replace(" said", " told reporters") for p in paragraphs[:-1]]
    _write(landing, "syndicated.txt", "2005-02-02", f"UPDATE: {title}", [*edited, "Copyright 2005 Wire Ltd."])
    unrelated_title, unrelated = _paragraphs("sport/001.txt")
    _write(landing, "unrelated.txt", "2005-02-01", unrelated_title, unrelated)
    settle(landing)
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0

    stories = _stories(warehouse)
    assert stories["original.txt"] == stories["syndicated.txt"] != stories["unrelated.txt"]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        story = con.execute(
            "SELECT articles, texts, files, title FROM stories WHERE story_id = ?", [stories["original.txt"]]
        )
        assert story.fetchall() == [(2, 2, 2, title)]
        assert con.execute("SELECT count(*) FROM stories").fetchall() == [(2,)]
        # Entities of the story alone: each counts one story, though most count two articles;
        # article_entities carries the story of each occurrence.
        counted = con.execute(
            """
            SELECT e.entity_name, e.articles, e.stories, count(DISTINCT ae.story_id)
            FROM entity_summary e JOIN article_entities ae USING (entity_name, entity_type)
            WHERE e.entity_name NOT IN (SELECT entity_name FROM article_entities WHERE source_file = 'unrelated.txt')
            GROUP BY ALL
            """
        ).fetchall()
        assert {(stories, in_views) for _, _, stories, in_views in counted} == {(1, 1)}
        assert sum(articles == 2 for _, articles, _, _ in counted) >= 5
        # The story's id stays when another file is added: it is its earliest article's article_id.
        article_id = con.execute("SELECT article_id FROM articles WHERE source_file = 'original.txt'").fetchall()[0][0]
    assert stories["original.txt"] == article_id

    _write(landing, "later_copy.txt", "2005-03-01", title, [*paragraphs, "Share this article."])
    settle(landing)
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    assert _stories(warehouse)["later_copy.txt"] == article_id
    assert _stories(warehouse)["original.txt"] == article_id


def test_deleted_files_hold_no_story_together(tmp_path: Path) -> None:
    """Two cuts of one article, each like the whole but not like each other, are one story with the
    whole; once the whole's file is deleted they are two, unless deleted files are included."""
    landing, warehouse = tmp_path / "landing", tmp_path / "w.duckdb"
    landing.mkdir()
    title, paragraphs = _paragraphs("business/159.txt")  # ten paragraphs of similar length
    third = len(paragraphs) // 3
    _write(landing, "whole.txt", "2005-01-01", title, paragraphs)
    _write(landing, "first_part.txt", "2005-01-02", title, paragraphs[: len(paragraphs) - third])
    _write(landing, "last_part.txt", "2005-01-03", title, paragraphs[third:])
    settle(landing)
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    assert len(set(_stories(warehouse).values())) == 1

    (landing / "whole.txt").unlink()
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    stories = _stories(warehouse)
    assert set(stories) == {"first_part.txt", "last_part.txt"}
    assert stories["first_part.txt"] != stories["last_part.txt"]
    with_deleted = _stories(warehouse, "articles(include_deleted := true)")
    assert with_deleted["whole.txt"] == stories["first_part.txt"]  # joins a live story, leads none


def test_shingles_ignore_case_and_punctuation() -> None:
    assert list(shingle_hashes("The Bank, of England said.")) == list(shingle_hashes("the bank of england said"))
    assert len(shingle_hashes("One two three four five six")) == 2
    assert len(shingle_hashes("five four three two one")) == 1
    assert len(shingle_hashes(" -- ")) == 0
    assert list(shingle_hashes("one two three four five")) != list(shingle_hashes("five four three two one"))


def test_stories_are_linear_in_copies() -> None:
    """A hundred copies of one text compare with its leader only: one story, and the leader is the
    earliest."""
    text = " ".join(f"word{i}" for i in range(300))
    (signature,) = signatures([text])
    rows = [(i, f"id{i:03}", signature, True, None) for i in range(100)]
    stories = assign_stories(pl.DataFrame(rows, schema=STORY_INPUT_SCHEMA, orient="row"))
    assert stories["story_id"].unique().to_list() == ["id000"]
