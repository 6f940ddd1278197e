"""Extraction quality on the report part of the hand-annotated BBC set: 30 articles, six from each
topic folder, never used to train or tune the classifier (`etl.mentions.train` reads only the tune
part)."""

import json
import shutil
from pathlib import Path

from helpers import BBC, PROJECT, build, entity_f1, settle

REPORT = PROJECT / "tests" / "data" / "bbc_report.jsonl"
TUNE = PROJECT / "tests" / "data" / "bbc_tune.jsonl"


def test_report_and_tune_parts_share_no_article():
    report = {json.loads(line)["file"] for line in REPORT.read_text(encoding="utf-8").splitlines()}
    tune = {json.loads(line)["file"] for line in TUNE.read_text(encoding="utf-8").splitlines()}
    assert len(report) == 30 and len(tune) >= 200
    assert not report & tune


def test_bbc_report_set(tmp_path: Path):
    landing = tmp_path / "landing"
    landing.mkdir()
    records = [json.loads(line) for line in REPORT.read_text(encoding="utf-8").splitlines()]
    for record in records:  # sport_306.txt <- sport/306.txt (the corpus is read, never copied in)
        shutil.copy(BBC / record["source"].removeprefix("bbc/"), landing / record["file"])
    settle(landing)
    warehouse = tmp_path / "news.duckdb"
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    assert entity_f1(warehouse, REPORT) >= 0.85
