import json
import shutil
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
SEEDS = PROJECT / "warehouse" / "landing"
GOLD = SHARED / "gold" / "seeds.jsonl"
BBC = SHARED / "corpus" / "bbc"


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    """A private copy of the bundled seed files."""
    folder = tmp_path / "landing"
    shutil.copytree(SEEDS, folder)
    return folder
