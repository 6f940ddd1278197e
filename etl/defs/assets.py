"""Assets: landing files → staged articles → staged mentions → star-schema tables."""

import time
from datetime import timedelta

import dagster as dg
import polars as pl

from etl.articles import SPLITTER_VERSION
from etl.defs.resources import LandingFolder, Warehouse
from etl.ingest import FileInFlight, RejectedFile, fingerprint, readable_name
from etl.ingest.listing import listing_state, look_at
from etl.load import catalog, integrity, publishing
from etl.load.connection import held_note, read_published, read_write_holder
from etl.load.schema import PUBLISHED_TABLES, comments_outdated, table_comments
from etl.mentions.extract import ENTITY_TYPES
from etl.mentions.version import EXTRACTOR_VERSION
from etl.quotes.version import QUOTES_VERSION
from etl.parallel import map_chunks
from etl.staging.chunks import PIPELINE_VERSION, extract_chunk, split_chunk
from etl.staging.quality import over_mention_budget, with_rejections
from etl.staging.store import EXTRACT_OUTCOME_SCHEMA, SPLIT_OUTCOME_SCHEMA

WAREHOUSE_POOL = "duckdb_warehouse"
OWNERS = ["team:news-warehouse"]
MAX_REJECTED_SHARE = 0.5
MAX_SHARE_WITHOUT_MENTIONS = 0.5
#: How far the classifier's rejected share, or the entity-type mix (total variation distance),
#: may move from the previous load before its check fails: a silent model or data regression.
MAX_CLASSIFIER_SHIFT = 0.15
#: Fewer names than this in a load are too few to compare; the last large load stays the reference.
MIN_NAMES_COMPARED = 100
#: How far the share of quotations given a speaker may drop below the reference load's before its check warns.
MAX_ATTRIBUTION_DROP = 0.15
MIN_QUOTES_COMPARED = 50

MANIFEST_SCHEMA = {
    "source_file": pl.String,
    "path": pl.String,
    "size_bytes": pl.Int64,
    "sha256": pl.String,
    "change": pl.String,  # new | changed | outdated | restored | unchanged | deleted
    "error": pl.String,  # why the file was rejected without being read (unreadable, too large)
    "look": pl.List(pl.Int64),  # what the listing saw: size, modification and status-change times (ns)
}
TO_PROCESS = ("new", "changed", "outdated", "restored")
CHANGES = (*TO_PROCESS, "unchanged", "deleted")
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
        dg.AssetCheckSpec("all_files_readable", asset="landing_files",
                          description="Every file in the landing folder could be read (and was not too large to)."),
        dg.AssetCheckSpec("landing_folder_not_empty", asset="landing_files",
                          description="The landing folder holds at least one article file."),
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
    rows, in_flight = [], [readable_name(path.name) for path in listing.in_flight]
    for path, look in listing.settled.items():
        name = readable_name(path.name)  # a name that is not UTF-8 is rejected under this form
        previous = known.get(name)
        try:
            record, _ = fingerprint(path, landing.max_file_bytes)
        except FileInFlight:
            in_flight.append(name)
            continue
        except OSError as exc:  # unreadable for now: no hash
            rows.append((name, readable_name(str(path)), look[0], None, _change(previous, None, look[0], readable=False),
                         f"The file could not be read: {exc.strerror}.", list(look)))
            continue
        except RejectedFile as exc:  # rejected without being read: no hash
            rows.append((name, readable_name(str(path)), look[0], None, _change(previous, None, look[0]), str(exc),
                         list(look)))
            continue
        rows.append((record.source_file, str(path), record.size_bytes, record.sha256,
                     _change(previous, record.sha256, record.size_bytes), None, list(look)))
    present = {r[0] for r in rows} | set(in_flight)
    rows += [(name, None, None, known_file.sha256, "deleted", None, None)
             for name, known_file in known.items() if name not in present and known_file.status != "deleted"]
    manifest = pl.DataFrame(rows, schema=MANIFEST_SCHEMA, orient="row")
    counts = dict(manifest.group_by("change").len().iter_rows())
    unreadable = manifest.filter(pl.col("error").is_not_null())
    yield dg.Output(manifest, metadata={
        "dagster/row_count": manifest.height,
        "dagster/column_schema": _schema_of(manifest),
        **{f"files_{c}": counts.get(c, 0) for c in CHANGES},
        "files_refused_unread": unreadable.height,
        "files_in_flight": len(in_flight),
        "warehouse_held_by": holder or "nobody",
        "in_flight": dg.MetadataValue.md("\n".join(f"- `{name}`" for name in in_flight) or "none"),
        "seconds": round(time.perf_counter() - started, 3),
    })
    if in_flight:
        context.log.info(f"{len(in_flight)} files are still being written; they are left for the next run")
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


def _change(previous: catalog.LoadedFile | None, sha256: str | None, size: int | None, readable: bool = True) -> str:
    if previous is None:
        return "new"
    if not readable and previous.status == "loaded":
        return "unchanged"  # the version loaded before stays until a readable one replaces it
    if previous.sha256 != sha256 or previous.size_bytes != size:
        return "changed"
    if previous.status == "deleted":
        return "restored"  # back as it was: reloaded (from the stage) so it counts as present again
    if previous.pipeline_version != PIPELINE_VERSION:
        return "outdated"  # processed by older decoding, splitting or extraction rules
    return "unchanged"


@dg.asset(
    group_name="transform",
    kinds={"python", "polars"},
    owners=OWNERS,
    code_version=SPLITTER_VERSION,
    description="New and changed files decoded and split into articles, staged as Parquet per file "
    "version; unreadable, empty or binary files are rejected with a reason.",
    check_specs=[
        dg.AssetCheckSpec("articles_well_formed", asset="staged_articles", blocking=True,
                          description="Every staged article has body text, sane offsets and consecutive indexes."),
        dg.AssetCheckSpec("rejected_share", asset="staged_articles",
                          description=f"At most {MAX_REJECTED_SHARE:.0%} of the files in a load are rejected."),
    ],
)
def staged_articles(context: dg.AssetExecutionContext, landing_files: pl.DataFrame, warehouse: Warehouse):
    started = time.perf_counter()
    stage = warehouse.stage
    interrupted = stage.remove_interrupted_writes()
    if interrupted:
        context.log.info(f"Removed {len(interrupted)} temporary staged files left by loads killed while writing them")
    todo = landing_files.filter(pl.col("change").is_in(TO_PROCESS))
    cached = stage.split_outcomes(todo["sha256"].drop_nulls().to_list())
    is_cached = pl.col("sha256").is_in(cached["sha256"].implode()).fill_null(False)
    unreadable = todo.filter(pl.col("error").is_not_null())
    to_read = todo.filter(~is_cached & pl.col("error").is_null())
    context.log.info(f"{todo.height} files to split: {todo.filter(is_cached).height} already staged, "
                     f"{to_read.height} to read")
    fingerprints = list(to_read.select("path", "size_bytes", "sha256").iter_rows())
    results = list(map_chunks(split_chunk, str(stage.root), fingerprints, warehouse.workers,
                              on_progress=lambda p: context.log.info(f"split {p}")))
    # None: the file no longer holds the bytes fingerprinted (rewritten since); left for the next run.
    rewritten = [name for name, result in zip(to_read["source_file"], results) if result is None]
    if rewritten:
        context.log.info(f"{len(rewritten)} files changed after they were fingerprinted; left for the next run")
    fresh = pl.DataFrame(
        [result._asdict() for result in results if result is not None]
        + [_rejection_row(f) for f in unreadable.iter_rows(named=True)],
        schema=SPLIT_OUTCOME_SCHEMA,
    )
    read = to_read.filter(~pl.col("source_file").is_in(rewritten))
    batch = pl.concat([
        todo.filter(is_cached).select(FILE_COLUMNS).join(cached, on="sha256", how="left"),
        pl.concat([pl.concat([read, unreadable]).select(FILE_COLUMNS).drop("sha256"), fresh], how="horizontal"),
    ], how="diagonal")
    manifest = pl.concat([batch, landing_files.filter(pl.col("change") == "deleted")], how="diagonal_relaxed")
    rejected = batch.filter(pl.col("status") == "rejected")
    malformed = batch.filter(pl.col("malformed_articles") > 0)
    yield dg.Output(manifest, metadata={
        "dagster/row_count": int(batch["article_count"].sum() or 0),
        "dagster/column_schema": _schema_of(manifest),
        "files_split": batch.height - rejected.height,
        "files_rejected": rejected.height,
        "files_in_flight": len(rewritten),
        "rejected": dg.MetadataValue.md(_md_frame(rejected.select("source_file", "reason"))),
        LANDING_STATE: _listing_state_once_published(landing_files, left=rewritten),
        "seconds": round(time.perf_counter() - started, 3),
    })
    yield dg.AssetCheckResult(
        check_name="articles_well_formed",
        passed=malformed.height == 0,
        metadata={"files_with_malformed_articles": malformed.height,
                  "files": dg.MetadataValue.md(_md_frame(malformed.head(20).select("source_file", "malformed_articles")))},
    )
    share = rejected.height / batch.height if batch.height else 0.0
    yield dg.AssetCheckResult(
        check_name="rejected_share",
        passed=share <= MAX_REJECTED_SHARE,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rejected_share": round(share, 4), "files_in_load": batch.height},
    )


FILE_COLUMNS = ["source_file", "path", "change", "sha256"]


def _listing_state_once_published(landing_files: pl.DataFrame, left: list[str]) -> str:
    """The listing state the warehouse holds once this load is published: every file present and
    settled, except those left for the next run. The sensor compares the folder with it."""
    held = landing_files.filter(pl.col("look").is_not_null() & ~pl.col("source_file").is_in(left))
    return listing_state(held.select("source_file", "look").iter_rows())


def _rejection_row(f: dict) -> dict:
    """The outcome of a file rejected unread (unreadable, too large), with the reason landing_files gave."""
    return {"sha256": f["sha256"], "size_bytes": f["size_bytes"], "status": "rejected", "reason": f["error"],
            "article_count": 0, "malformed_articles": 0}


@dg.asset(
    group_name="transform",
    kinds={"python", "polars"},
    owners=OWNERS,
    code_version=f"{EXTRACTOR_VERSION}/{QUOTES_VERSION}",
    description="People, organisations and places mentioned in each staged article, with offsets, "
    "paragraph role, sentence and quotation context, resolved to canonical names; and the article's direct "
    "quotations with their speakers.",
    check_specs=[
        dg.AssetCheckSpec("offsets_slice_surface", asset="staged_mentions", blocking=True,
                          description="Every mention's offsets cut exactly its surface text out of the article."),
        dg.AssetCheckSpec("entity_types_known", asset="staged_mentions", blocking=True,
                          description="Every mention is a PERSON, ORG or PLACE."),
        dg.AssetCheckSpec("articles_with_mentions", asset="staged_mentions",
                          description=f"At most {MAX_SHARE_WITHOUT_MENTIONS:.0%} of articles have no mention at all."),
        dg.AssetCheckSpec("classifier_stable", asset="staged_mentions",
                          description="The share of candidate names the classifier rejects, and the mix of entity "
                          f"types, each move by at most {MAX_CLASSIFIER_SHIFT:.0%} from the previous load's."),
        dg.AssetCheckSpec("quotations_attributed", asset="staged_mentions",
                          description="The share of quotations given a speaker drops by at most "
                          f"{MAX_ATTRIBUTION_DROP:.0%} from the last load's with {MIN_QUOTES_COMPARED} quotations or more."),
    ],
)
def staged_mentions(context: dg.AssetExecutionContext, staged_articles: pl.DataFrame, warehouse: Warehouse):
    stage = warehouse.stage
    started = time.perf_counter()
    loaded = staged_articles.filter(pl.col("status") == "loaded").unique("sha256", keep="first", maintain_order=True)
    cached = stage.extract_outcomes(loaded["sha256"].to_list())
    pending = loaded.filter(~pl.col("sha256").is_in(cached["sha256"].implode()))
    context.log.info(f"{loaded.height} file versions to extract: {cached.height} already staged")
    results = map_chunks(extract_chunk, str(stage.root), list(pending.select("sha256", "articles_file").iter_rows()),
                         warehouse.workers, on_progress=lambda p: context.log.info(f"extract {p}"))
    extracted = pl.concat([cached, pl.DataFrame(list(results), schema=EXTRACT_OUTCOME_SCHEMA, orient="row")])
    over_budget = over_mention_budget(extracted, warehouse.max_mentions_per_article)
    manifest = with_rejections(staged_articles.join(extracted, on="sha256", how="left"), over_budget)
    loaded, per_file = (frame.filter(~pl.col("sha256").is_in(over_budget["sha256"].implode()))
                        for frame in (loaded, extracted))
    by_type = _mentions_by_type(stage, per_file)
    mix = _classifier_mix(per_file, by_type)
    reference = _previous_metadata(context, "classifier_reference")
    quotes = _quotation_share(per_file)
    quotes_reference = _previous_metadata(context, "quotations_reference")
    yield dg.Output(manifest, metadata={
        "dagster/row_count": int(per_file["mention_count"].sum() or 0),
        "dagster/column_schema": _schema_of(manifest),
        "by_type": dg.MetadataValue.json(dict(by_type.iter_rows())),
        "classifier_mix": dg.MetadataValue.json(mix),
        "classifier_reference": dg.MetadataValue.json(
            mix if mix["names_classified"] >= MIN_NAMES_COMPARED or reference is None else reference),
        "quotations": quotes["quotations"],
        "quotations_attributed_share": quotes["attributed_share"],
        "quotations_reference": dg.MetadataValue.json(
            quotes if quotes["quotations"] >= MIN_QUOTES_COMPARED or quotes_reference is None else quotes_reference),
        "most_quoted": dg.MetadataValue.md(_md_table(["speaker", "type", "quotations"], _most_quoted(stage, per_file))),
        "files_over_mention_budget": over_budget.height,
        "over_mention_budget": dg.MetadataValue.md(_md_frame(
            manifest.join(over_budget, on="sha256", how="semi").select("source_file", "reason"))),
        "seconds": round(time.perf_counter() - started, 3),
    })
    misplaced = per_file.filter(pl.col("misplaced_mentions") > 0).join(
        staged_articles.select("sha256", "source_file"), on="sha256")
    yield dg.AssetCheckResult(
        check_name="offsets_slice_surface",
        passed=misplaced.height == 0,
        metadata={"misplaced_mentions": int(per_file["misplaced_mentions"].sum() or 0),
                  "files": dg.MetadataValue.md(_md_frame(misplaced.head(20).select("source_file", "misplaced_mentions")))},
    )
    unknown = by_type.filter(~pl.col("entity_type").is_in(ENTITY_TYPES))
    yield dg.AssetCheckResult(check_name="entity_types_known", passed=unknown.height == 0,
                              metadata={"unknown_types": dg.MetadataValue.json(dict(unknown.iter_rows()))})
    yield _classifier_check(mix, reference)
    yield _attribution_check(quotes, quotes_reference)
    articles = int(loaded["article_count"].sum() or 0)
    without = int(per_file["articles_without_mentions"].sum() or 0)
    share = without / articles if articles else 0.0
    yield dg.AssetCheckResult(
        check_name="articles_with_mentions",
        passed=share <= MAX_SHARE_WITHOUT_MENTIONS,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"share_without_mentions": round(share, 4), "articles": articles},
    )


def _classifier_mix(per_file: pl.DataFrame, by_type: pl.DataFrame) -> dict:
    """The share of classified names rejected and the share of mentions of each type in this load."""
    classified = int(per_file["names_classified"].sum() or 0)
    mentions = int(by_type["len"].sum() or 0)
    counts = dict(by_type.iter_rows())
    return {
        "names_classified": classified,
        "rejected_share": round(int(per_file["names_rejected"].sum() or 0) / classified, 4) if classified else None,
        "type_shares": {t: round(counts.get(t, 0) / mentions, 4) if mentions else 0.0 for t in ENTITY_TYPES},
    }


def _previous_metadata(context: dg.AssetExecutionContext, key: str):
    """A metadata value of this asset's previous materialisation (a reference kept load to load)."""
    event = context.instance.get_latest_materialization_event(context.asset_key)
    if event is None or event.asset_materialization is None:
        return None
    entry = event.asset_materialization.metadata.get(key)
    return entry.value if entry is not None else None


def _quotation_share(per_file: pl.DataFrame) -> dict:
    quotations = int(per_file["quote_count"].sum() or 0)
    attributed = int(per_file["quotes_attributed"].sum() or 0)
    return {"quotations": quotations, "attributed_share": round(attributed / quotations, 4) if quotations else None}


def _attribution_check(quotes: dict, reference: dict | None) -> dg.AssetCheckResult:
    """Warns when the share of quotations given a speaker drops far below the reference load's:
    a silent regression of the attribution rules or of the mentions they lean on."""
    metadata = {"attributed_share": quotes["attributed_share"], "quotations": quotes["quotations"]}
    if reference is None or quotes["quotations"] < MIN_QUOTES_COMPARED:
        return dg.AssetCheckResult(check_name="quotations_attributed", passed=True, metadata={
            **metadata, "note": "no earlier load to compare with" if reference is None
            else f"fewer than {MIN_QUOTES_COMPARED} quotations: too few to compare"})
    drop = reference["attributed_share"] - quotes["attributed_share"]
    return dg.AssetCheckResult(check_name="quotations_attributed", passed=drop <= MAX_ATTRIBUTION_DROP,
                               severity=dg.AssetCheckSeverity.WARN,
                               metadata={**metadata, "reference_share": reference["attributed_share"],
                                         "drop": round(drop, 4)})


def _most_quoted(stage, per_file: pl.DataFrame, limit: int = 10) -> list[tuple]:
    """The speakers quoted most in this load, from the staged quotations its outcomes name."""
    files = per_file.filter(pl.col("quote_count") > 0)
    if files.is_empty():
        return []
    return (
        pl.scan_parquet([str(stage.mentions_dir / name) for name in files["quotes_file"].unique().to_list()],
                        include_file_paths="staged_file", glob=False)
        .with_columns(pl.col("staged_file").str.split("/").list.last().alias("quotes_file"))
        .join(files.lazy().select("sha256", "quotes_file"), on=["sha256", "quotes_file"])
        .drop_nulls("speaker_name")
        .group_by("speaker_name", "speaker_type").len()
        .sort(["len", "speaker_name"], descending=[True, False])
        .head(limit).collect().rows()
    )


def _classifier_check(mix: dict, reference: dict | None) -> dg.AssetCheckResult:
    """Fails when the rejected share or the type mix moved far from the reference load's."""
    metadata = {"rejected_share": mix["rejected_share"], "type_shares": dg.MetadataValue.json(mix["type_shares"]),
                "names_classified": mix["names_classified"]}
    if reference is None or mix["names_classified"] < MIN_NAMES_COMPARED:
        return dg.AssetCheckResult(check_name="classifier_stable", passed=True, metadata={
            **metadata, "note": "no earlier load to compare with" if reference is None
            else f"fewer than {MIN_NAMES_COMPARED} names classified: too few to compare"})
    rejected_shift = abs(mix["rejected_share"] - reference["rejected_share"])
    type_shift = sum(abs(mix["type_shares"][t] - reference["type_shares"].get(t, 0.0)) for t in ENTITY_TYPES) / 2
    return dg.AssetCheckResult(
        check_name="classifier_stable",
        passed=rejected_shift <= MAX_CLASSIFIER_SHIFT and type_shift <= MAX_CLASSIFIER_SHIFT,
        metadata={**metadata, "reference_rejected_share": reference["rejected_share"],
                  "rejected_shift": round(rejected_shift, 4), "type_shift": round(type_shift, 4)},
    )


def _mentions_by_type(stage, per_file: pl.DataFrame) -> pl.DataFrame:
    """Mention counts by type, each file version read from the staged file its outcome names
    (as the publish does), so a version staged twice is counted once."""
    if per_file.is_empty():
        return pl.DataFrame(schema={"entity_type": pl.String, "len": pl.UInt32})
    files = [str(stage.mentions_dir / name) for name in per_file["mentions_file"].unique().to_list()]
    return (
        pl.scan_parquet(files, include_file_paths="staged_file", glob=False)  # literal paths, as in staging
        .select("sha256", "entity_type", pl.col("staged_file").str.split("/").list.last().alias("mentions_file"))
        .join(per_file.lazy().select("sha256", "mentions_file"), on=["sha256", "mentions_file"])
        .group_by("entity_type").len()
        .collect()
    )


PUBLISHED_FRESHNESS = dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=36))  # the schedule runs daily
INTEGRITY_RULES = integrity.integrity_rules()


def _integrity_check(rule: integrity.IntegrityRule) -> dg.AssetCheckSpec:
    table, check = rule.name.split(".", 1)
    return dg.AssetCheckSpec(check, asset=table, description=rule.description)


@dg.multi_asset(
    specs=[
        dg.AssetSpec(table, group_name="warehouse", kinds={"duckdb"},
                     deps=["staged_articles", "staged_mentions"],
                     description=description, owners=OWNERS, freshness_policy=PUBLISHED_FRESHNESS)
        for table, description in table_comments().items()
        if table in PUBLISHED_TABLES
    ],
    check_specs=[_integrity_check(rule) for rule in INTEGRITY_RULES.values()] + [
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
    stage = warehouse.stage
    batch = manifest.filter(pl.col("change") != "deleted")
    loaded = batch.filter(pl.col("status") == "loaded")
    deleted = manifest.filter(pl.col("change") == "deleted")["source_file"].to_list()
    rules = None
    if (batch.height or deleted or warehouse.purge_deleted or not warehouse.file.exists()
            or comments_outdated(warehouse.file)):
        try:
            rules = publishing.publish(warehouse.file, publishing.Batch(
                files=batch.select("source_file", "sha256", "size_bytes", "encoding", "repair", "status", "reason",
                                   "articles_file", "mentions_file", "quotes_file"),
                article_files=[stage.articles_dir / name for name in loaded["articles_file"].unique().to_list()],
                mention_files=[stage.mentions_dir / name for name in loaded["mentions_file"].unique().to_list()],
                quote_files=[stage.mentions_dir / name for name in loaded["quotes_file"].unique().to_list()],
                deleted=deleted,
                extractor_version=EXTRACTOR_VERSION,
                quotes_version=QUOTES_VERSION,
                pipeline_version=PIPELINE_VERSION,
                purge_deleted=warehouse.purge_deleted,
                force_purge=warehouse.force_purge,
            ), memory_limit=warehouse.duckdb_memory).rules
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
    previews = {
        "dim_entity": {"top_entities": dg.MetadataValue.md(_md_table(
            ["entity", "type", "mentions", "articles"], top))},
        "fact_quote": {"most_quoted": dg.MetadataValue.md(_md_table(
            ["speaker", "type", "quotations", "articles"], speakers))},
        "dim_source_file": {"loaded_this_run": dg.MetadataValue.md(_md_table(
            ["file", "status", "articles", "mentions"],
            batch.select("source_file", "status", "article_count", "mention_count").head(50).iter_rows())),
            **_listing_state_of_this_run(context)},
    }
    for table, rows in counts.items():
        yield dg.MaterializeResult(asset_key=table, metadata={
            "dagster/row_count": rows,
            "dagster/column_schema": dg.TableSchema(columns=[
                dg.TableColumn(name, data_type, description=comment) for name, data_type, comment in columns[table]
            ]),
            "load_seconds": seconds,
            **previews.get(table, {}),
        })
    yield from _integrity_results(rules, where)
    yield dg.AssetCheckResult(asset_key="fact_article", check_name="has_rows", passed=counts["fact_article"] > 0,
                              severity=dg.AssetCheckSeverity.WARN, metadata={"articles": counts["fact_article"]})


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
        yield dg.AssetCheckResult(asset_key=table, check_name=check, passed=violating == 0,
                                  description=INTEGRITY_RULES[name].description,
                                  metadata={"violating_rows": violating, "counted": where})


def _md_table(header: list[str], rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join("" if v is None else str(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    return "\n".join(lines) if len(lines) > 2 else "none"


def _md_frame(frame: pl.DataFrame) -> str:
    return _md_table(frame.columns, frame.iter_rows())


def _schema_of(frame: pl.DataFrame) -> dg.TableSchema:
    """The per-file manifest an asset passes on (its rows are files; counts are in row_count)."""
    return dg.TableSchema(columns=[dg.TableColumn(name, str(dtype)) for name, dtype in frame.schema.items()])
