"""Where things live by default (see `etl.settings` for the environment variables that move them)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A source checkout keeps its landing folder and warehouse in its own `warehouse/` folder, and its
# Dagster instance in `dagster_home/`, wherever the command runs from. An installed package has no
# such folders: it works in `warehouse/` and `dagster_home/` under the current folder.
_BASE = PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").is_file() else Path()
DATA_DIR = _BASE / "warehouse"

DEFAULT_LANDING = DATA_DIR / "landing"
DEFAULT_WAREHOUSE = DATA_DIR / "news.duckdb"
#: The Dagster instance (run history, instance settings) that `python -m etl build` and the UI
#: (`dagster dev` with DAGSTER_HOME pointing here) share, so runs started either way show in the UI.
DEFAULT_DAGSTER_HOME = _BASE / "dagster_home"


def staging_dir(warehouse: Path) -> Path:
    """Staged per-file outputs sit beside the warehouse file they feed."""
    return warehouse.parent / "staging" / warehouse.stem


def reports_dir(warehouse: Path) -> Path:
    """The report pictures of a warehouse sit beside it, like its staged outputs."""
    return warehouse.parent / "reports" / warehouse.stem
