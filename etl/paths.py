"""Where things live by default (see `etl.settings` for the environment variables that move them)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A source checkout keeps its landing folder and warehouse in its own `warehouse/` folder, wherever
# the command runs from. An installed package has no such folder: it works in `warehouse/` under
# the current folder.
DATA_DIR = PROJECT_ROOT / "warehouse" if (PROJECT_ROOT / "pyproject.toml").is_file() else Path("warehouse")

DEFAULT_LANDING = DATA_DIR / "landing"
DEFAULT_WAREHOUSE = DATA_DIR / "news.duckdb"


def staging_dir(warehouse: Path) -> Path:
    """Staged per-file outputs sit beside the warehouse file they feed."""
    return warehouse.parent / "staging" / warehouse.stem


def reports_dir(warehouse: Path) -> Path:
    """The report pictures of a warehouse sit beside it, like its staged outputs."""
    return warehouse.parent / "reports" / warehouse.stem
