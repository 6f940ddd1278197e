"""Where things live by default (see `etl.settings` for the environment variables that move them)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE_SQL_DIR = PROJECT_ROOT / "warehouse"

DEFAULT_LANDING = WAREHOUSE_SQL_DIR / "landing"
DEFAULT_WAREHOUSE = WAREHOUSE_SQL_DIR / "news.duckdb"


def staging_dir(warehouse: Path) -> Path:
    """Staged per-file outputs sit beside the warehouse file they feed."""
    return warehouse.parent / "staging" / warehouse.stem
