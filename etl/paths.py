"""Where things live by default, and the environment variables that move them."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WAREHOUSE_SQL_DIR = PROJECT_ROOT / "warehouse"

LANDING_ENV = "ETL_LANDING_DIR"
WAREHOUSE_ENV = "ETL_WAREHOUSE"

DEFAULT_LANDING = WAREHOUSE_SQL_DIR / "landing"
DEFAULT_WAREHOUSE = WAREHOUSE_SQL_DIR / "news.duckdb"


def landing_dir() -> Path:
    return Path(os.environ.get(LANDING_ENV) or DEFAULT_LANDING)


def warehouse_file() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE)


def staging_dir(warehouse: Path) -> Path:
    """Staged per-file outputs sit beside the warehouse file they feed."""
    return warehouse.parent / "staging" / warehouse.stem
