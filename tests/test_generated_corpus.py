"""A generated seed-format corpus: per-file article counts and titles against its manifest."""

import json

import duckdb

from helpers import build, make_corpus, settle


def test_generated_corpus_matches_its_manifest(tmp_path):
    landing = tmp_path / "landing"
    make_corpus(landing, 20, "--seed", "7")
    settle(landing)
    manifest = [json.loads(line) for line in (tmp_path / "landing.manifest.jsonl").read_text().splitlines()]
    warehouse = tmp_path / "news.duckdb"
    result = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stdout + result.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        titles = dict(
            con.execute("SELECT source_file, list(title ORDER BY article_index) FROM articles GROUP BY 1").fetchall()
        )
    mismatched = [r["file"] for r in manifest if titles.get(r["file"]) != r["titles"]]
    assert len(manifest) > 1500
    assert mismatched == []  # the bar is 99.9%; every file matches
