"""Assets: landing files → staged articles → staged mentions → star-schema tables.

Every decision is made by Dagster-free code (`etl.planning` what to load, `etl.stability` the
load-to-load checks, `etl.summary` the counts): the assets call it, run the per-file work on the
workers, and yield outputs, checks and metadata.
"""

import time
from datetime import timedelta

import dagster as dg
import polars as pl

from etl import planning, stability
from etl.articles.split import SPLITTER_VERSION
from etl.defs.resources import LandingFolder, Warehouse
from etl.ingest.listing import look_at
from etl.load import catalog, integrity, lake, publishing
from etl.load.connection import held_note, read_published, read_write_holder
from etl.load.schema import PUBLISHED_TABLES, comments_outdated, table_comments
from etl.mentions.extract import ENTITY_TYPES
from etl.mentions.version import EXTRACTOR_VERSION
from etl.quotes.version import QUOTES_VERSION
from etl.staging.chunks import extract_chunk, split_chunk
from etl.staging.previews import mentions_by_type, most_quoted
from etl.stories.version import STORIES_VERSION
from etl.summary import ROW_COUNT, ExtractCounts, LandingCounts, SplitCounts, TableCounts

WAREHOUSE_POOL = "duckdb_warehouse"
OWNERS = ["team:news-warehouse"]
MAX_REJECTED_SHARE = 0.5
MAX_SHARE_WITHOUT_MENTIONS = 0.5
#: The digest of the landing folder's listing that a load leaves the warehouse holding (see `landing_sensor`).
LANDING_STATE = "landing_state"


@dg.asset(
    group_name="ingest",
    kinds={"python"},
    owners=OWNERS,
    pool=WAREHOUSE_POOL,
    description="Every article file in the landing folder with its size and SHA-256, "
    "classified against the warehouse as new, changed, outdated, restored, unchanged or deleted.",
    check_specs=[
        dg.AssetCheckSpec(
            "all_files_readable",
            asset="landing_files",
            description="Every file in the landing folder could be read (and was not too large to).",
        ),
        dg.AssetCheckSpec(
            "landing_folder_not_empty",
            asset="landing_files",
            description="The landing folder holds at least one article file.",
        ),
    ],
)
def landing_files(context: dg.AssetExecutionContext, landing: LandingFolder, warehouse: Warehouse):
    if not landing.root.is_dir():
        raise dg.Failure(f"Landing folder {landing.root} does not exist or is not a folder.")
    problem = warehouse.writable_problem()
    if problem:
        raise dg.Failure(f"The warehouse {warehouse.file} cannot be written. {problem}")
    started = time.perf_counter()
    holder = read_write_holder(warehouse.file) if warehouse.file.exists() else None
    if holder:
        context.log.warning(held_note(warehouse.file, holder))
    known = catalog.loaded_versions(warehouse.file)
    listing = look_at(landing.root, landing.settle_seconds, warehouse.stage.last_looks())
    warehouse.stage.remember_looks(listing.unsettled)
    observations = planning.observe(listing, landing.max_file_bytes)
    manifest = planning.landing_manifest(observations, known)
    unreadable = manifest.filter(pl.col("error").is_not_null())
    counts = LandingCounts(
        changes=dict(manifest.group_by("change").len().iter_rows()),
        refused_unread=unreadable.height,
        in_flight=len(observations.in_flight),
        held_by=holder,
        seconds=round(time.perf_counter() - started, 3),
    )
    yield dg.Output(
        manifest,
        metadata={
            ROW_COUNT: manifest.height,
            "dagster/column_schema": _schema_of(manifest),
            **counts.metadata(),
            "in_flight": dg.MetadataValue.md("\n".join(f"- `{name}`" for name in observations.in_flight) or "none"),
        },
    )
    if observations.in_flight:
        context.log.info(f"{len(observations.in_flight)} files are still being written; they are left for the next run")
    yield dg.AssetCheckResult(
        check_name="all_files_readable",
        passed=unreadable.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"unreadable": dg.MetadataValue.md(_md_frame(unreadable.select("source_file", "error")))},
    )
    yield dg.AssetCheckResult(
        check_name="landing_folder_not_empty",
        passed=manifest.filter(pl.col("change") != "deleted").height > 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"landing_folder": str(landing.root)},
    )


@dg.asset(
    group_name="transform",
    kinds={"python", "polars"},
    owners=OWNERS,
    code_version=SPLITTER_VERSION,
    description="New and changed files decoded and split into articles, staged as Parquet per file "
    "version; unreadable, empty or binary files are rejected with a reason.",
    check_specs=[
        dg.AssetCheckSpec(
            "articles_well_formed",
            asset="staged_articles",
            blocking=True,
            description="Every staged article has body text, sane offsets and consecutive indexes.",
        ),
        dg.AssetCheckSpec(
            "rejected_share",
            asset="staged_articles",
            description=f"At most {MAX_REJECTED_SHARE:.0%} of the files in a load are rejected.",
        ),
    ],
)
def staged_articles(context: dg.AssetExecutionContext, landing_files: pl.DataFrame, warehouse: Warehouse):
    started = time.perf_counter()
    stage = warehouse.stage
    interrupted = stage.remove_interrupted_writes()
    if interrupted:
        context.log.info(f"Removed {len(interrupted)} temporary staged files left by loads killed while writing them")
    todo = planning.files_to_process(landing_files)
    plan = planning.plan_split(todo, stage.split_outcomes(todo["sha256"].drop_nulls().to_list()))
    context.log.info(
        f"{todo.height} files to split: {plan.staged.height} already staged, {plan.to_read.height} to read"
    )
    results = list(
        warehouse.map_files(split_chunk, plan.fingerprints, on_progress=lambda p: context.log.info(f"split {p}"))
    )
    split = planning.split_manifest(landing_files, plan, results)
    if split.rewritten:
        context.log.info(f"{len(split.rewritten)} files changed after they were fingerprinted; left for the next run")
    rejected, malformed = split.rejected, split.malformed
    counts = SplitCounts(
        articles=int(split.batch["article_count"].sum() or 0),
        files_split=split.batch.height - rejected.height,
        files_rejected=rejected.height,
        in_flight=len(split.rewritten),
        seconds=round(time.perf_counter() - started, 3),
    )
    yield dg.Output(
        split.manifest,
        metadata={
            **counts.metadata(),
            "dagster/column_schema": _schema_of(split.manifest),
            "rejected": dg.MetadataValue.md(_md_frame(rejected.select("source_file", "reason"))),
            LANDING_STATE: split.listing_state,
        },
    )
    yield dg.AssetCheckResult(
        check_name="articles_well_formed",
        passed=malformed.height == 0,
        metadata={
            "files_with_malformed_articles": malformed.height,
            "files": dg.MetadataValue.md(_md_frame(malformed.head(20).select("source_file", "malformed_articles"))),
        },
    )
    yield dg.AssetCheckResult(
        check_name="rejected_share",
        passed=split.rejected_share <= MAX_REJECTED_SHARE,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rejected_share": round(split.rejected_share, 4), "files_in_load": split.batch.height},
    )


@dg.asset(
    group_name="transform",
    kinds={"python", "polars"},
    owners=OWNERS,
    code_version=f"{EXTRACTOR_VERSION}/{QUOTES_VERSION}/{STORIES_VERSION}",
    description="People, organisations and places mentioned in each staged article, with offsets, "
    "paragraph role, sentence and quotation context, resolved to canonical names; and the article's direct "
    "quotations with their speakers.",
    check_specs=[
        dg.AssetCheckSpec(
            "offsets_slice_surface",
            asset="staged_mentions",
            blocking=True,
            description="Every mention's offsets cut exactly its surface text out of the article.",
        ),
        dg.AssetCheckSpec(
            "entity_types_known",
            asset="staged_mentions",
            blocking=True,
            description="Every mention is a PERSON, ORG or PLACE.",
        ),
        dg.AssetCheckSpec(
            "articles_with_mentions",
            asset="staged_mentions",
            description=f"At most {MAX_SHARE_WITHOUT_MENTIONS:.0%} of articles have no mention at all.",
        ),
        dg.AssetCheckSpec(
            "classifier_stable",
            asset="staged_mentions",
            description="The share of candidate names the classifier rejects, and the mix of entity "
            f"types, each move by at most {stability.MAX_CLASSIFIER_SHIFT:.0%} from the previous load's.",
        ),
        dg.AssetCheckSpec(
            "quotations_attributed",
            asset="staged_mentions",
            description="The share of quotations given a speaker drops by at most "
            f"{stability.MAX_ATTRIBUTION_DROP:.0%} from the last load's with "
            f"{stability.MIN_QUOTES_COMPARED} quotations or more.",
        ),
    ],
)
def staged_mentions(context: dg.AssetExecutionContext, staged_articles: pl.DataFrame, warehouse: Warehouse):
    stage = warehouse.stage
    started = time.perf_counter()
    loaded = planning.versions_to_extract(staged_articles)
    staged = stage.extract_outcomes(loaded["sha256"].to_list())
    context.log.info(f"{loaded.height} file versions to extract: {staged.height} already staged")
    results = list(
        warehouse.map_files(
            extract_chunk,
            planning.pending_extraction(loaded, staged),
            on_progress=lambda p: context.log.info(f"extract {p}"),
        )
    )
    extraction = planning.extract_manifest(staged_articles, loaded, staged, results, warehouse.max_mentions_per_article)
    per_file = extraction.per_file
    by_type = mentions_by_type(stage, per_file)
    mix = stability.classifier_mix(per_file, by_type)
    reference = _previous_metadata(context, "classifier_reference")
    quotes = stability.quotation_share(per_file)
    quotes_reference = _previous_metadata(context, "quotations_reference")
    counts = ExtractCounts(
        mentions=extraction.total("mention_count"),
        quotations=quotes["quotations"],
        attributed_share=quotes["attributed_share"],
        files_over_mention_budget=extraction.over_budget.height,
        seconds=round(time.perf_counter() - started, 3),
    )
    yield dg.Output(
        extraction.manifest,
        metadata={
            **counts.metadata(),
            "dagster/column_schema": _schema_of(extraction.manifest),
            "by_type": dg.MetadataValue.json(dict(by_type.iter_rows())),
            "classifier_mix": dg.MetadataValue.json(mix),
            "classifier_reference": dg.MetadataValue.json(stability.classifier_reference(mix, reference)),
            "quotations_reference": dg.MetadataValue.json(stability.quotations_reference(quotes, quotes_reference)),
            "most_quoted": dg.MetadataValue.md(
                _md_table(["speaker", "type", "quotations"], most_quoted(stage, per_file))
            ),
            "over_mention_budget": dg.MetadataValue.md(_md_frame(extraction.over_budget_files)),
            "extraction_failed": dg.MetadataValue.md(_md_frame(extraction.failed_files)),
        },
    )
    if extraction.failed.height:
        context.log.warning(f"{extraction.failed.height} files failed extraction on every try; rejected")
    misplaced = extraction.misplaced(staged_articles)
    yield dg.AssetCheckResult(
        check_name="offsets_slice_surface",
        passed=misplaced.height == 0,
        metadata={
            "misplaced_mentions": extraction.total("misplaced_mentions"),
            "files": dg.MetadataValue.md(_md_frame(misplaced.head(20).select("source_file", "misplaced_mentions"))),
        },
    )
    unknown = by_type.filter(~pl.col("entity_type").is_in(ENTITY_TYPES))
    yield dg.AssetCheckResult(
        check_name="entity_types_known",
        passed=unknown.height == 0,
        metadata={"unknown_types": dg.MetadataValue.json(dict(unknown.iter_rows()))},
    )
    yield _classifier_check(mix, stability.compare_classifier(mix, reference))
    yield _attribution_check(quotes, stability.compare_attribution(quotes, quotes_reference))
    share = extraction.share_without_mentions
    yield dg.AssetCheckResult(
        check_name="articles_with_mentions",
        passed=share <= MAX_SHARE_WITHOUT_MENTIONS,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"share_without_mentions": round(share, 4), "articles": extraction.articles},
    )


def _previous_metadata(context: dg.AssetExecutionContext, key: str):
    """A metadata value of this asset's previous materialisation (a reference kept load to load)."""
    event = context.instance.get_latest_materialization_event(context.asset_key)
    if event is None or event.asset_materialization is None:
        return None
    entry = event.asset_materialization.metadata.get(key)
    return entry.value if entry is not None else None


def _classifier_check(mix: dict, comparison: stability.Comparison) -> dg.AssetCheckResult:
    metadata = {
        "rejected_share": mix["rejected_share"],
        "type_shares": dg.MetadataValue.json(mix["type_shares"]),
        "names_classified": mix["names_classified"],
    }
    note = {"note": comparison.note} if comparison.note else {}
    return dg.AssetCheckResult(
        check_name="classifier_stable", passed=comparison.passed, metadata={**metadata, **note, **comparison.figures}
    )


def _attribution_check(quotes: dict, comparison: stability.Comparison) -> dg.AssetCheckResult:
    metadata = {"attributed_share": quotes["attributed_share"], "quotations": quotes["quotations"]}
    if comparison.note:  # not compared: passes, at the default severity
        return dg.AssetCheckResult(
            check_name="quotations_attributed", passed=True, metadata={**metadata, "note": comparison.note}
        )
    return dg.AssetCheckResult(
        check_name="quotations_attributed",
        passed=comparison.passed,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={**metadata, **comparison.figures},
    )


PUBLISHED_FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=36))  # the schedule runs daily
INTEGRITY_RULES = integrity.integrity_rules()


def _integrity_check(rule: integrity.IntegrityRule) -> dg.AssetCheckSpec:
    table, check = rule.name.split(".", 1)
    return dg.AssetCheckSpec(check, asset=table, description=rule.description)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            table,
            group_name="warehouse",
            kinds={"duckdb"},
            deps=["staged_articles", "staged_mentions"],
            description=description,
            owners=OWNERS,
            freshness_policy=PUBLISHED_FRESHNESS,
        )
        for table, description in table_comments().items()
        if table in PUBLISHED_TABLES
    ],
    check_specs=[_integrity_check(rule) for rule in INTEGRITY_RULES.values()]
    + [
        dg.AssetCheckSpec("has_rows", asset="fact_article", description="The warehouse holds at least one article."),
    ],
    ins={"manifest": dg.AssetIn("staged_mentions")},
    pool=WAREHOUSE_POOL,
    description="Publish the load into DuckDB in one transaction: replace changed files, add new ones, "
    "mark deleted ones, rebuild dimensions; a load that breaks an integrity rule is discarded. The integrity "
    "rules are the tables' checks: counted in the load, or on the published file when "
    "there is nothing to load.",
)
def warehouse_tables(context: dg.AssetExecutionContext, manifest: pl.DataFrame, warehouse: Warehouse):
    started = time.perf_counter()
    batch = planning.plan_batch(
        manifest, warehouse.stage, purge_deleted=warehouse.purge_deleted, force_purge=warehouse.force_purge
    )
    rules = None
    if (
        planning.changes_warehouse(batch)
        or not warehouse.file.exists()
        or comments_outdated(warehouse.file)
        or (warehouse.lake_dir is not None and not lake.has_snapshot(warehouse.lake_dir))
    ):
        try:
            rules = publishing.publish(
                warehouse.file, batch, memory_limit=warehouse.duckdb_memory, lake=warehouse.lake_dir
            ).rules
        except integrity.IntegrityError as exc:
            yield from _integrity_results(exc.violations, "in the load, discarded")
            raise
    else:
        context.log.info("Nothing new, changed or deleted: the published warehouse is left as it is")
    seconds = round(time.perf_counter() - started, 3)
    with read_published(warehouse.file) as con:
        counts = catalog.table_counts(con)
        columns = catalog.describe(con)
        top = catalog.top_entities(con)
        speakers = catalog.top_speakers(con)
        where = "in the load"
        if rules is None:  # nothing loaded: the rules run on the published file instead
            rules, where = integrity.violations(con, INTEGRITY_RULES), "on the published file"
    previews: dict[str, dict[str, dg.MetadataValue | str]] = {
        "dim_entity": {"top_entities": dg.MetadataValue.md(_md_table(["entity", "type", "mentions", "articles"], top))},
        "fact_quote": {
            "most_quoted": dg.MetadataValue.md(_md_table(["speaker", "type", "quotations", "articles"], speakers))
        },
        "dim_source_file": {
            "loaded_this_run": dg.MetadataValue.md(
                _md_table(
                    ["file", "status", "articles", "mentions"],
                    planning.files_in_load(manifest)
                    .select("source_file", "status", "article_count", "mention_count")
                    .head(50)
                    .iter_rows(),
                )
            ),
            **_listing_state_of_this_run(context),
        },
    }
    for table, rows in counts.items():
        yield dg.MaterializeResult(
            asset_key=table,
            metadata={
                **TableCounts(rows=rows, load_seconds=seconds).metadata(),
                "dagster/column_schema": dg.TableSchema(
                    columns=[
                        dg.TableColumn(name, data_type, description=comment)
                        for name, data_type, comment in columns[table]
                    ]
                ),
                **previews.get(table, {}),
            },
        )
    yield from _integrity_results(rules, where)
    yield dg.AssetCheckResult(
        asset_key="fact_article",
        check_name="has_rows",
        passed=counts["fact_article"] > 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"articles": counts["fact_article"]},
    )


def _listing_state_of_this_run(context: dg.AssetExecutionContext) -> dict[str, str]:
    """The listing state staged_articles recorded in this run, now that it is published (nothing
    when this run did not stage: a materialisation of the tables alone loaded nothing new)."""
    event = context.instance.get_latest_materialization_event(dg.AssetKey("staged_articles"))
    if event is None or event.run_id != context.run.run_id or event.asset_materialization is None:
        return {}
    entry = event.asset_materialization.metadata.get(LANDING_STATE)
    return {LANDING_STATE: entry.value} if entry is not None else {}


def _integrity_results(violations: dict[str, int], where: str):
    for name, violating in violations.items():
        table, check = name.split(".", 1)
        yield dg.AssetCheckResult(
            asset_key=table,
            check_name=check,
            passed=violating == 0,
            description=INTEGRITY_RULES[name].description,
            metadata={"violating_rows": violating, "counted": where},
        )


def _md_table(header: list[str], rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    return "\n".join(lines) if len(lines) > 2 else "none"


def _md_frame(frame: pl.DataFrame) -> str:
    return _md_table(frame.columns, frame.iter_rows())


def _schema_of(frame: pl.DataFrame) -> dg.TableSchema:
    """The per-file manifest an asset passes on (its rows are files; counts are in row_count)."""
    return dg.TableSchema(columns=[dg.TableColumn(name, str(dtype)) for name, dtype in frame.schema.items()])
