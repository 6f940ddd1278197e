import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests: 300 cases each in the suite; benchmarks/fuzz.py selects "fuzz" for a long pass.
settings.register_profile("suite", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20000")), deadline=None,
                          suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

PROJECT = Path(__file__).resolve().parent.parent
SHARED = PROJECT.parent / "shared"
SEEDS = PROJECT / "warehouse" / "landing"
GOLD = SHARED / "gold" / "seeds.jsonl"
BBC = SHARED / "corpus" / "bbc"


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]


def entity_f1(warehouse: Path, gold: Path) -> float:
    """The shared scorer's entity F1 for a warehouse against a gold file."""
    scored = subprocess.run(
        [sys.executable, str(SHARED / "tools" / "score_mentions.py"), "--db", str(warehouse), "--gold", str(gold)],
        capture_output=True, text=True, timeout=120,
    )
    assert scored.returncode == 0, scored.stderr
    return float(scored.stdout.strip().splitlines()[-1].split()[-1])


def settle(*paths: Path) -> None:
    """Date files (or every file in folders) a minute back, so loads do not take them for files still
    being written (see ETL_SETTLE_SECONDS)."""
    past = time.time() - 60
    for path in paths:
        for file in (path.iterdir() if path.is_dir() else [path]):
            os.utime(file, (past, past))


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    """A private copy of the bundled seed files."""
    folder = tmp_path / "landing"
    shutil.copytree(SEEDS, folder)
    settle(folder)
    return folder
