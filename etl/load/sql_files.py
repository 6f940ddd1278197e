"""The SQL files of the warehouse, shipped as package data so an installed package finds them
wherever it runs."""

from pathlib import Path

SQL_DIR = Path(__file__).parent / "sql"


def sql_file(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")
