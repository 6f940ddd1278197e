"""Integrity checks on the published warehouse, one per rule in warehouse/integrity.sql.

The load itself runs the same rules inside its transaction and rolls back on any
violation, so bad data is never published; these checks show the result per table in
the UI and can be re-run on their own.
"""

import dagster as dg

from etl import load
from etl.defs.assets import WAREHOUSE_POOL
from etl.defs.resources import Warehouse

_RULES = load.integrity_rules()
_HAS_ROWS = dg.AssetCheckSpec("has_rows", asset="fact_article", description="The warehouse holds at least one article.")


def _spec(rule: load.IntegrityRule) -> dg.AssetCheckSpec:
    table, check = rule.name.split(".", 1)
    return dg.AssetCheckSpec(check, asset=table, description=rule.description)


@dg.multi_asset_check(
    specs=[_spec(rule) for rule in _RULES.values()] + [_HAS_ROWS],
    can_subset=True,
    pool=WAREHOUSE_POOL,
    description="Re-runs the load's integrity rules on the published DuckDB file, read-only.",
)
def warehouse_integrity(context: dg.AssetCheckExecutionContext, warehouse: Warehouse):
    selected = {(key.asset_key.to_user_string(), key.name) for key in context.selected_asset_check_keys}
    rules = {name: rule for name, rule in _RULES.items() if tuple(name.split(".", 1)) in selected}
    with load.connect(warehouse.file, read_only=True) as con:
        counts = load.violations(con, rules)
        articles = con.execute("SELECT count(*) FROM fact_article").fetchall()[0][0]
    for name, violating in counts.items():
        table, check = name.split(".", 1)
        yield dg.AssetCheckResult(
            asset_key=table, check_name=check, passed=violating == 0,
            description=rules[name].description,
            metadata={"violating_rows": violating},
        )
    if ("fact_article", "has_rows") in selected:
        yield dg.AssetCheckResult(
            asset_key="fact_article", check_name="has_rows", passed=articles > 0,
            severity=dg.AssetCheckSeverity.WARN, metadata={"articles": articles},
        )
