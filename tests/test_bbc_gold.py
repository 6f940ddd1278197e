"""Extraction quality on twelve hand-annotated BBC politics articles the rules were not written from."""

import json
import shutil
from pathlib import Path

from conftest import BBC, PROJECT, entity_f1, settle
from test_cli import _build

GOLD = PROJECT / "tests" / "data" / "bbc_politics_gold.jsonl"


def test_bbc_politics_gold_set(tmp_path: Path):
    landing = tmp_path / "landing"
    landing.mkdir()
    records = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 12
    for record in records:  # politics_251.txt <- politics/251.txt (the corpus is read, never copied in)
        number = record["file"].removeprefix("politics_")
        shutil.copy(BBC / "politics" / number, landing / record["file"])
    settle(landing)
    warehouse = tmp_path / "news.duckdb"
    assert _build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    assert entity_f1(warehouse, GOLD) >= 0.92
