"""Assets: landing files → staged articles → staged mentions → star-schema tables."""

import hashlib
import time

import dagster as dg
import polars as pl

from etl import load
from etl.defs.resources import LandingFolder, Warehouse
from etl.ingest import discover, fingerprint
from etl.articles import SPLITTER_VERSION
from etl.mentions import ENTITY_TYPES, EXTRACTOR_VERSION
from etl.staging import PIPELINE_VERSION

WAREHOUSE_POOL = "duckdb_warehouse"
MAX_REJECTED_SHARE = 0.5
MAX_SHARE_WITHOUT_MENTIONS = 0.5

MANIFEST_SCHEMA = {
    "source_file": pl.String,
    "path": pl.String,
    "size_bytes": pl.Int64,
    "sha256": pl.String,
    "change": pl.String,  # new | changed | outdated | unchanged | deleted | unreadable
    "error": pl.String,
}
TO_PROCESS = ("new", "changed", "outdated", "unreadable")


@dg.asset(
    group_name="ingest",
    kinds={"python"},
    pool=WAREHOUSE_POOL,
    description="Every article file in the landing folder with its size and SHA-256, "
    "classified against the warehouse as new, changed, unchanged or deleted.",
    check_specs=[
        dg.AssetCheckSpec("all_files_readable", asset="landing_files",
                          description="Every file in the landing folder could be read."),
        dg.AssetCheckSpec("landing_folder_not_empty", asset="landing_files",
                          description="The landing folder holds at least one article file."),
    ],
)
def landing_files(context: dg.AssetExecutionContext, landing: LandingFolder, warehouse: Warehouse):
    if not landing.root.is_dir():
        raise dg.Failure(f"Landing folder {landing.root} does not exist or is not a folder.")
    known = load.loaded_versions(warehouse.file)
    rows = []
    for path in discover(landing.root):
        try:
            record, _ = fingerprint(path)
        except OSError as exc:
            rows.append((path.name, str(path), None, None, "unreadable", f"The file could not be read: {exc.strerror}."))
            continue
        rows.append((record.source_file, str(path), record.size_bytes, record.sha256,
                     _change(known.get(record.source_file), record.sha256), None))
    present = {r[0] for r in rows}
    rows += [(name, None, None, known_file.sha256, "deleted", None)
             for name, known_file in known.items() if name not in present and known_file.status != "deleted"]
    manifest = pl.DataFrame(rows, schema=MANIFEST_SCHEMA, orient="row")
    counts = dict(manifest.group_by("change").len().iter_rows())
    unreadable = manifest.filter(pl.col("change") == "unreadable")
    yield dg.Output(manifest, metadata={
        "dagster/row_count": manifest.height,
        **{f"files_{c}": counts.get(c, 0) for c in ("new", "changed", "outdated", "unchanged", "deleted", "unreadable")},
    })
    yield dg.AssetCheckResult(
        check_name="all_files_readable",
        passed=unreadable.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"unreadable": dg.MetadataValue.md(_md_list(unreadable, "source_file", "error"))},
    )
    yield dg.AssetCheckResult(
        check_name="landing_folder_not_empty",
        passed=manifest.filter(pl.col("change") != "deleted").height > 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"landing_folder": str(landing.root)},
    )


def _change(previous: load.LoadedFile | None, sha256: str) -> str:
    if previous is None:
        return "new"
    if previous.sha256 != sha256:
        return "changed"
    if previous.pipeline_version != PIPELINE_VERSION:
        return "outdated"  # processed by older decoding, splitting or extraction rules
    return "unchanged"


@dg.asset(
    group_name="transform",
    kinds={"python", "polars"},
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
    stage = warehouse.stage
    started = time.perf_counter()
    rows = []
    for f in landing_files.filter(pl.col("change").is_in(TO_PROCESS)).iter_rows(named=True):
        rows.append({**f, **_split_one(stage, f)})
    batch = pl.DataFrame(rows, schema={**MANIFEST_SCHEMA, **BATCH_SCHEMA})
    manifest = pl.concat([batch, landing_files.filter(pl.col("change") == "deleted")], how="diagonal")
    loaded = batch.filter(pl.col("status") == "loaded")
    rejected = batch.filter(pl.col("status") == "rejected")
    articles = stage.articles(loaded["sha256"]).collect()
    yield dg.Output(manifest, metadata={
        "dagster/row_count": articles.height,
        "files_split": loaded.height,
        "files_rejected": rejected.height,
        "rejected": dg.MetadataValue.md(_md_list(rejected, "source_file", "reason")),
        "seconds": round(time.perf_counter() - started, 3),
    })
    problems = _article_problems(articles)
    yield dg.AssetCheckResult(
        check_name="articles_well_formed",
        passed=problems.height == 0,
        metadata={"bad_articles": problems.height,
                  "examples": dg.MetadataValue.md(_md_list(problems.head(10), "sha256", "problem"))},
    )
    share = rejected.height / batch.height if batch.height else 0.0
    yield dg.AssetCheckResult(
        check_name="rejected_share",
        passed=share <= MAX_REJECTED_SHARE,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rejected_share": round(share, 4), "files_in_load": batch.height},
    )


BATCH_SCHEMA = {"status": pl.String, "encoding": pl.String, "repair": pl.String, "reason": pl.String,
                "article_count": pl.Int64}


def _split_one(stage, f: dict) -> dict:
    if f["change"] == "unreadable":
        return _rejected(f["error"])
    try:
        data = open(f["path"], "rb").read()
    except OSError as exc:
        return _rejected(f"The file could not be read: {exc.strerror}.")
    sha = hashlib.sha256(data).hexdigest()
    outcome = stage.split_file(sha, data)
    return {"sha256": sha, "size_bytes": len(data), "status": outcome.status, "encoding": outcome.encoding,
            "repair": outcome.repair, "reason": outcome.reason, "article_count": outcome.article_count}


def _rejected(reason: str) -> dict:
    return {"status": "rejected", "encoding": None, "repair": None, "reason": reason, "article_count": 0}


def _article_problems(articles: pl.DataFrame) -> pl.DataFrame:
    return articles.select(
        "sha256",
        pl.when(pl.col("text").str.strip_chars() == "").then(pl.lit("empty text"))
        .when(pl.col("char_start") >= pl.col("char_end")).then(pl.lit("empty span"))
        .when(pl.col("text").str.len_chars() != pl.col("char_end") - pl.col("char_start")).then(pl.lit("span length differs from text"))
        .when(pl.col("article_index") != pl.int_range(1, pl.len() + 1).over("sha256")).then(pl.lit("article indexes not consecutive"))
        .alias("problem"),
    ).drop_nulls("problem")


@dg.asset(
    group_name="transform",
    kinds={"python", "polars"},
    code_version=EXTRACTOR_VERSION,
    description="People, organisations and places mentioned in each staged article, with offsets, "
    "paragraph role, sentence and quotation context, resolved to canonical names.",
    check_specs=[
        dg.AssetCheckSpec("offsets_slice_surface", asset="staged_mentions", blocking=True,
                          description="Every mention's offsets cut exactly its surface text out of the article."),
        dg.AssetCheckSpec("entity_types_known", asset="staged_mentions", blocking=True,
                          description="Every mention is a PERSON, ORG or PLACE."),
        dg.AssetCheckSpec("articles_with_mentions", asset="staged_mentions",
                          description=f"At most {MAX_SHARE_WITHOUT_MENTIONS:.0%} of articles have no mention at all."),
    ],
)
def staged_mentions(context: dg.AssetExecutionContext, staged_articles: pl.DataFrame, warehouse: Warehouse):
    stage = warehouse.stage
    started = time.perf_counter()
    loaded = staged_articles.filter(pl.col("status") == "loaded")
    counts = [stage.extract_file(sha) for sha in loaded["sha256"]]
    manifest = staged_articles.join(
        pl.DataFrame({"sha256": loaded["sha256"], "mention_count": counts}, schema={"sha256": pl.String, "mention_count": pl.Int64}),
        on="sha256", how="left",
    )
    mentions = stage.mentions(loaded["sha256"]).collect()
    articles = stage.articles(loaded["sha256"]).select("sha256", "article_index", "text").collect()
    yield dg.Output(manifest, metadata={
        "dagster/row_count": mentions.height,
        "by_type": dg.MetadataValue.json(dict(mentions.group_by("entity_type").len().iter_rows())),
        "seconds": round(time.perf_counter() - started, 3),
    })
    joined = mentions.join(articles, on=["sha256", "article_index"], how="left")
    length = pl.col("char_end") - pl.col("char_start")
    mismatched = joined.filter(
        (pl.col("char_start") < 0) | (length <= 0) | pl.col("text").is_null()
        | (pl.col("text").str.slice(pl.col("char_start").clip(0), length.clip(0)) != pl.col("surface"))
    )
    yield dg.AssetCheckResult(
        check_name="offsets_slice_surface",
        passed=mismatched.height == 0,
        metadata={"mismatched": mismatched.height},
    )
    unknown = mentions.filter(~pl.col("entity_type").is_in(ENTITY_TYPES))
    yield dg.AssetCheckResult(check_name="entity_types_known", passed=unknown.height == 0,
                              metadata={"unknown_types": unknown.height})
    with_mentions = mentions.select("sha256", "article_index").unique().height
    share = 1 - with_mentions / articles.height if articles.height else 0.0
    yield dg.AssetCheckResult(
        check_name="articles_with_mentions",
        passed=share <= MAX_SHARE_WITHOUT_MENTIONS,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"share_without_mentions": round(share, 4), "articles": articles.height},
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(table, group_name="warehouse", kinds={"duckdb"}, deps=["staged_articles", "staged_mentions"],
                     description=description)
        for table, description in {
            "dim_source_file": "One row per file name seen, with its latest version, encoding and status.",
            "dim_article": "One row per distinct article content.",
            "dim_entity": "One row per canonical person, organisation or place.",
            "dim_entity_alias": "Every surface string resolved to an entity.",
            "dim_date": "Calendar over the years the data spans, with an unknown member.",
            "fact_article": "Grain: one article occurrence in a file.",
            "fact_mention": "Grain: one entity mention in one article occurrence.",
        }.items()
    ],
    ins={"manifest": dg.AssetIn("staged_mentions")},
    pool=WAREHOUSE_POOL,
    description="Publish the load into DuckDB in one transaction: replace changed files, add new ones, "
    "mark deleted ones, rebuild dimensions, roll back on any integrity violation.",
)
def warehouse_tables(context: dg.AssetExecutionContext, manifest: pl.DataFrame, warehouse: Warehouse):
    started = time.perf_counter()
    stage = warehouse.stage
    batch = manifest.filter(pl.col("change") != "deleted")
    loaded = batch.filter(pl.col("status") == "loaded")
    names = loaded.select("sha256", "source_file")
    counts = load.publish(warehouse.file, load.Batch(
        files=batch.select("source_file", "sha256", "size_bytes", "encoding", "repair", "status", "reason"),
        articles=stage.articles(loaded["sha256"]).collect().join(names, on="sha256"),
        mentions=stage.mentions(loaded["sha256"]).collect().join(names, on="sha256"),
        deleted=manifest.filter(pl.col("change") == "deleted")["source_file"].to_list(),
        extractor_version=EXTRACTOR_VERSION,
        pipeline_version=PIPELINE_VERSION,
    ))
    seconds = round(time.perf_counter() - started, 3)
    for table, rows in counts.items():
        yield dg.MaterializeResult(asset_key=table, metadata={"dagster/row_count": rows, "publish_seconds": seconds})


def _md_list(frame: pl.DataFrame, key: str, value: str) -> str:
    if frame.height == 0:
        return "none"
    return "\n".join(f"- `{k}`: {v}" for k, v in frame.select(key, value).iter_rows())
