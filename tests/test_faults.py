"""Fault files from the corpus generator: the build goes on, bad files are rejected with reasons."""

import json
from pathlib import Path

import duckdb
import pytest

from helpers import build, make_corpus, settle


@pytest.fixture(scope="module")
def faulty_warehouse(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("faults")
    landing = root / "landing"
    make_corpus(landing, 1, "--bad", "1")
    settle(landing)
    manifest = {r["file"]: r for r in map(json.loads, (root / "landing.manifest.jsonl").read_text().splitlines())}
    warehouse = root / "news.duckdb"
    result = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stdout + result.stderr
    return warehouse, manifest


def test_unusable_files_are_rejected_with_reasons(faulty_warehouse):
    warehouse, _ = faulty_warehouse
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rejected = dict(con.execute("SELECT source_file, reason FROM rejected_files").fetchall())
    assert set(rejected) == {"bad_000_empty.txt", "bad_000_blank.txt", "bad_000_binary.txt"}
    assert "empty" in rejected["bad_000_empty.txt"]
    assert "whitespace" in rejected["bad_000_blank.txt"]
    assert "binary" in rejected["bad_000_binary.txt"]


@pytest.mark.parametrize("name", ["windows1252", "bom", "crlf", "mojibake"])
def test_damaged_encodings_give_one_intact_article(faulty_warehouse, name):
    warehouse, manifest = faulty_warehouse
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("SELECT title, body FROM articles WHERE source_file = ?", [f"bad_000_{name}.txt"]).fetchall()
    assert len(rows) == 1
    title, body = rows[0]
    assert title == "Why Cell will get the hard sell"
    assert "£1,400" in body and "“bargain”" in body
    assert "\r" not in body and "Â" not in body


def test_repairs_and_encodings_are_recorded(faulty_warehouse):
    warehouse, _ = faulty_warehouse
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = {
            name: (enc, repair)
            for name, enc, repair in con.execute("SELECT source_file, encoding, repair FROM dim_source_file").fetchall()
        }
    assert files["bad_000_windows1252.txt"] == ("cp1252", None)
    assert files["bad_000_bom.txt"][0] == "utf-8-sig"
    assert files["bad_000_mojibake.txt"][1].startswith("mojibake repaired")
    assert files["bad_000_crlf.txt"] == ("utf-8", None)


def test_every_good_generated_file_matches_its_manifest(faulty_warehouse):
    warehouse, manifest = faulty_warehouse
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("SELECT source_file, list(title ORDER BY article_index) FROM articles GROUP BY 1").fetchall()
    titles = dict(rows)
    good = {name: r for name, r in manifest.items() if not r.get("fault")}
    assert good and all(titles[name] == r["titles"] for name, r in good.items())
    assert "bad_000_notes.md" not in titles  # only .txt files are article files
    assert len(titles["bad_000_oneline.txt"]) == 1  # 2 MB on one line: one article, no title
