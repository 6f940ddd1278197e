import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from helpers import GOLD, SEEDS, settle

# Property tests: 300 cases each in the suite; benchmarks/fuzz.py selects "fuzz" for a long pass.
settings.register_profile("suite", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20000")),
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


@pytest.fixture(scope="session", autouse=True)
def dagster_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Builds record their runs in the project's Dagster instance (`dagster_home/`) by default:
    in the tests, every process started gets a temporary instance folder instead, and builds keep
    no run history (its SQLite writes would add seconds to each) unless a test asks for it."""
    home = tmp_path_factory.mktemp("dagster_home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(home))
        patch.setenv("ETL_RUN_HISTORY", "off")
        yield home


@pytest.fixture(scope="session")
def gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    """A private copy of the bundled seed files."""
    folder = tmp_path / "landing"
    shutil.copytree(SEEDS, folder)
    settle(folder)
    return folder
