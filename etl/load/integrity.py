"""The warehouse's integrity rules (integrity.sql): every load is counted against them and
discarded on any violation."""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb

from etl.load.sql_files import sql_file


class IntegrityError(RuntimeError):
    """A load would have published inconsistent data; it was discarded."""

    def __init__(self, violations: dict[str, int]):
        self.violations = violations  # violating rows of every rule, inside the rolled-back load
        broken = ", ".join(f"{name} ({n} rows)" for name, n in violations.items() if n)
        super().__init__(f"Load discarded, integrity rules violated: {broken}")


@dataclass(frozen=True)
class IntegrityRule:
    name: str  # "<table>.<check>"
    description: str
    query: str  # returns the number of violating rows


def integrity_rules() -> dict[str, IntegrityRule]:
    """The rules of integrity.sql, by name."""
    text = sql_file("integrity.sql")
    parts = re.split(r"^-- name: (\S+)\s*$", text, flags=re.MULTILINE)
    rules = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=False):
        description, _, query = body.strip().partition("\n")
        rules[name] = IntegrityRule(name, description.removeprefix("--").strip(), query.strip().rstrip(";"))
    return rules


def violations(con: duckdb.DuckDBPyConnection, rules: dict[str, IntegrityRule] | None = None) -> dict[str, int]:
    return {name: con.execute(rule.query).fetchall()[0][0] for name, rule in (rules or integrity_rules()).items()}
