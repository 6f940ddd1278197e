"""Integrity checks on the published warehouse, one per rule in warehouse/integrity.sql."""

import dagster as dg

from etl import load
from etl.defs.assets import WAREHOUSE_POOL
from etl.defs.resources import Warehouse

_RULES = load.integrity_rules()


def _spec(rule: str) -> dg.AssetCheckSpec:
    table, check = rule.split(".", 1)
    first_line = _RULES[rule].splitlines()[0]
    return dg.AssetCheckSpec(check, asset=table, description=f"Violating rows counted by: {first_line}")


@dg.multi_asset_check(
    specs=[_spec(rule) for rule in _RULES]
    + [dg.AssetCheckSpec("has_rows", asset="fact_article", description="The warehouse holds at least one article.")],
    pool=WAREHOUSE_POOL,
    description="Re-runs the load's integrity rules on the published DuckDB file, read-only.",
)
def warehouse_integrity(warehouse: Warehouse):
    with load.connect(warehouse.file, read_only=True) as con:
        counts = load.violations(con, _RULES)
        articles = con.execute("SELECT count(*) FROM fact_article").fetchall()[0][0]
    for rule, violating in counts.items():
        table, check = rule.split(".", 1)
        yield dg.AssetCheckResult(
            asset_key=table, check_name=check, passed=violating == 0,
            metadata={"violating_rows": violating},
        )
    yield dg.AssetCheckResult(
        asset_key="fact_article", check_name="has_rows", passed=articles > 0,
        severity=dg.AssetCheckSeverity.WARN, metadata={"articles": articles},
    )
