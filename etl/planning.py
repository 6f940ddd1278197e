"""What a load does, decided without Dagster: how each landing file compares with the warehouse
(new, changed, outdated, restored, unchanged or deleted), which files are split and extracted,
how their outcomes join into the manifest each step passes on, and the batch the publish writes.

The assets call these functions and only wire their results into outputs, checks and metadata;
the tests call the very same functions. Only `observe` reads files (to fingerprint them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import NamedTuple

import polars as pl

from etl.ingest.errors import FileInFlight, RejectedFile
from etl.ingest.files import fingerprint, readable_name
from etl.ingest.listing import Listing, Look, listing_state
from etl.load.catalog import LoadedFile
from etl.load.publishing import Batch
from etl.mentions.version import EXTRACTOR_VERSION
from etl.parallel import TaskFailure
from etl.quotes.version import QUOTES_VERSION
from etl.staging.chunks import PIPELINE_VERSION
from etl.staging.quality import over_mention_budget, with_rejections
from etl.staging.store import EXTRACT_OUTCOME_SCHEMA, SPLIT_OUTCOME_SCHEMA, ExtractOutcome, SplitOutcome, Stage

MANIFEST_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "source_file": pl.String,
    "path": pl.String,
    "size_bytes": pl.Int64,
    "sha256": pl.String,
    "change": pl.String,  # one of CHANGES
    "error": pl.String,  # why the file was rejected without being read (unreadable, too large)
    "look": pl.List(pl.Int64),  # what the listing saw: size, modification and status-change times (ns)
}
#: A row of MANIFEST_SCHEMA: a deleted file has no path, size, error or look.
_ManifestRow = tuple[str, str | None, int | None, str | None, str, str | None, list[int] | None]
TO_PROCESS = ("new", "changed", "outdated", "restored")
CHANGES = (*TO_PROCESS, "unchanged", "deleted")
#: The columns of a landing file that travel with its outcomes.
FILE_COLUMNS = ["source_file", "path", "change", "sha256"]
#: The columns of a file's outcomes the publish writes to dim_source_file.
BATCH_FILE_COLUMNS = [
    "source_file",
    "sha256",
    "size_bytes",
    "encoding",
    "repair",
    "status",
    "reason",
    "articles_file",
    "mentions_file",
    "quotes_file",
    "signatures_file",
]


def classify_change(previous: LoadedFile | None, sha256: str | None, size: int | None, readable: bool = True) -> str:
    """How a settled landing file compares with the version the warehouse holds of it."""
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


class Observed(NamedTuple):
    """What fingerprinting found of one settled landing file."""

    source_file: str  # a name that is not UTF-8 is rejected under its readable form
    path: str
    size_bytes: int
    sha256: str | None  # None when the file was not read
    error: str | None  # why it was rejected without being read
    look: Look
    readable: bool = True  # False: the file could not be read for now


@dataclass(frozen=True)
class Observations:
    files: list[Observed]
    in_flight: list[str]  # still being written: left for the next run


def observe(listing: Listing, max_file_bytes: int) -> Observations:
    """Fingerprint every settled file of a listing. A file caught changing is in flight; one that
    cannot be read or is too large is observed with the reason, unread."""
    files, in_flight = [], [readable_name(path.name) for path in listing.in_flight]
    for path, look in listing.settled.items():
        name = readable_name(path.name)
        try:
            record, _ = fingerprint(path, max_file_bytes)
        except FileInFlight:
            in_flight.append(name)
            continue
        except OSError as exc:  # unreadable for now: no hash
            files.append(
                Observed(
                    name,
                    readable_name(str(path)),
                    look[0],
                    None,
                    f"The file could not be read: {exc.strerror}.",
                    look,
                    readable=False,
                )
            )
            continue
        except RejectedFile as exc:  # rejected without being read: no hash
            files.append(Observed(name, readable_name(str(path)), look[0], None, str(exc), look))
            continue
        files.append(Observed(record.source_file, str(path), record.size_bytes, record.sha256, None, look))
    return Observations(files, in_flight)


def landing_manifest(observations: Observations, known: dict[str, LoadedFile]) -> pl.DataFrame:
    """Every landing file with its change against the warehouse (`known`), plus the files the
    warehouse holds that have gone from the folder (deleted), one row each (MANIFEST_SCHEMA)."""
    rows: list[_ManifestRow] = [
        (
            f.source_file,
            f.path,
            f.size_bytes,
            f.sha256,
            classify_change(known.get(f.source_file), f.sha256, f.size_bytes, f.readable),
            f.error,
            list(f.look),
        )
        for f in observations.files
    ]
    present = {f.source_file for f in observations.files} | set(observations.in_flight)
    rows += [
        (name, None, None, known_file.sha256, "deleted", None, None)
        for name, known_file in known.items()
        if name not in present and known_file.status != "deleted"
    ]
    return pl.DataFrame(rows, schema=MANIFEST_SCHEMA, orient="row")


@dataclass(frozen=True)
class SplitPlan:
    """The files of a load to split, in three disjoint parts."""

    staged: pl.DataFrame  # files whose outcome is staged already, joined to it
    to_read: pl.DataFrame  # files to read, decode and split
    unreadable: pl.DataFrame  # files rejected without being read (their `error` says why)

    @property
    def fingerprints(self) -> list[tuple[str, int, str]]:
        """(path, size, sha256) of the files to read, as `split_chunk` takes them; absolute paths, the
        same for workers started in another folder or on another machine."""
        return [
            (os.path.abspath(path), size, sha256)
            for path, size, sha256 in self.to_read.select("path", "size_bytes", "sha256").iter_rows()
        ]


def files_to_process(landing_files: pl.DataFrame) -> pl.DataFrame:
    return landing_files.filter(pl.col("change").is_in(TO_PROCESS))


def plan_split(todo: pl.DataFrame, staged_outcomes: pl.DataFrame) -> SplitPlan:
    """Split `todo` (files to process) by what the stage holds (`staged_outcomes`)."""
    is_staged = pl.col("sha256").is_in(staged_outcomes["sha256"].implode()).fill_null(False)
    return SplitPlan(
        staged=todo.filter(is_staged).select(FILE_COLUMNS).join(staged_outcomes, on="sha256", how="left"),
        to_read=todo.filter(~is_staged & pl.col("error").is_null()),
        unreadable=todo.filter(pl.col("error").is_not_null()),
    )


@dataclass(frozen=True)
class Split:
    """Every file of a load with what splitting made of it."""

    batch: pl.DataFrame  # the files to publish, with their outcomes (SPLIT_OUTCOME_SCHEMA)
    manifest: pl.DataFrame  # the batch and the deleted files: what the next step takes
    rewritten: list[str]  # files whose bytes changed since fingerprinted: left for the next run
    listing_state: str  # the listing the warehouse holds once this load is published

    @property
    def rejected(self) -> pl.DataFrame:
        return self.batch.filter(pl.col("status") == "rejected")

    @property
    def malformed(self) -> pl.DataFrame:
        return self.batch.filter(pl.col("malformed_articles") > 0)

    @property
    def rejected_share(self) -> float:
        return self.rejected.height / self.batch.height if self.batch.height else 0.0


def split_manifest(
    landing_files: pl.DataFrame, plan: SplitPlan, results: list[SplitOutcome | TaskFailure | None]
) -> Split:
    """Join the outcomes of splitting (`results`, one per file of `plan.to_read`; None for a file
    rewritten since fingerprinted, a `TaskFailure` for one given up on) with the staged ones and
    the rejections."""
    outcomes = [_failed_split(r) if isinstance(r, TaskFailure) else r for r in results]
    rewritten = [name for name, result in zip(plan.to_read["source_file"], outcomes, strict=True) if result is None]
    fresh = pl.DataFrame(
        [result._asdict() for result in outcomes if result is not None]
        + [_rejection_row(f) for f in plan.unreadable.iter_rows(named=True)],
        schema=SPLIT_OUTCOME_SCHEMA,
    )
    read = plan.to_read.filter(~pl.col("source_file").is_in(rewritten))
    batch = pl.concat(
        [
            plan.staged,
            pl.concat(
                [pl.concat([read, plan.unreadable]).select(FILE_COLUMNS).drop("sha256"), fresh], how="horizontal"
            ),
        ],
        how="diagonal",
    )
    manifest = pl.concat([batch, landing_files.filter(pl.col("change") == "deleted")], how="diagonal_relaxed")
    return Split(batch, manifest, rewritten, _listing_state_once_published(landing_files, left=rewritten))


def _failed_split(failure: TaskFailure) -> SplitOutcome:
    _, size, sha256 = failure.item
    return SplitOutcome(sha256, size, "rejected", None, None, failure.reason, 0, 0, None)


def _listing_state_once_published(landing_files: pl.DataFrame, left: list[str]) -> str:
    """The listing state the warehouse holds once this load is published: every file present and
    settled, except those left for the next run. The sensor compares the folder with it."""
    held = landing_files.filter(pl.col("look").is_not_null() & ~pl.col("source_file").is_in(left))
    return listing_state(held.select("source_file", "look").iter_rows())


def _rejection_row(f: dict) -> dict:
    """The outcome of a file rejected unread (unreadable, too large), with the reason landing_files gave."""
    return {
        "sha256": f["sha256"],
        "size_bytes": f["size_bytes"],
        "status": "rejected",
        "reason": f["error"],
        "article_count": 0,
        "malformed_articles": 0,
    }


def versions_to_extract(staged_articles: pl.DataFrame) -> pl.DataFrame:
    """The file versions split into articles, each once."""
    return staged_articles.filter(pl.col("status") == "loaded").unique("sha256", keep="first", maintain_order=True)


def pending_extraction(loaded: pl.DataFrame, staged_outcomes: pl.DataFrame) -> list[tuple[str, str]]:
    """(sha256, articles_file) of the versions whose extraction is not staged yet, as `extract_chunk`
    takes them."""
    pending = loaded.filter(~pl.col("sha256").is_in(staged_outcomes["sha256"].implode()))
    return list(pending.select("sha256", "articles_file").iter_rows())


@dataclass(frozen=True)
class Extraction:
    """Every file of a load with what extraction made of it."""

    manifest: pl.DataFrame  # the split manifest with the extraction outcomes: what the publish takes
    loaded: pl.DataFrame  # the file versions published (within the mention budget)
    per_file: pl.DataFrame  # their extraction outcomes (EXTRACT_OUTCOME_SCHEMA)
    over_budget: pl.DataFrame  # versions rejected for an article beyond the mention budget, with the reason
    failed: pl.DataFrame  # versions rejected because extracting them failed (`TaskFailure`), with the reason

    def total(self, column: str) -> int:
        """The sum of an outcome column over the published versions."""
        return int(self.per_file[column].sum() or 0)

    @property
    def articles(self) -> int:
        return int(self.loaded["article_count"].sum() or 0)

    @property
    def share_without_mentions(self) -> float:
        return self.total("articles_without_mentions") / self.articles if self.articles else 0.0

    def misplaced(self, staged_articles: pl.DataFrame) -> pl.DataFrame:
        """Versions with mentions whose offsets do not slice their surface text, with their files."""
        return self.per_file.filter(pl.col("misplaced_mentions") > 0).join(
            staged_articles.select("sha256", "source_file"), on="sha256"
        )

    @property
    def over_budget_files(self) -> pl.DataFrame:
        return self._files(self.over_budget)

    @property
    def failed_files(self) -> pl.DataFrame:
        return self._files(self.failed)

    def _files(self, versions: pl.DataFrame) -> pl.DataFrame:
        """The landing files of these versions, with the reason they were rejected."""
        return self.manifest.join(versions, on="sha256", how="semi").select("source_file", "reason")


def extract_manifest(
    staged_articles: pl.DataFrame,
    loaded: pl.DataFrame,
    staged_outcomes: pl.DataFrame,
    results: list[ExtractOutcome | TaskFailure],
    max_mentions_per_article: int,
) -> Extraction:
    """Join extraction outcomes (staged and fresh) with the split manifest, rejecting the versions
    beyond the mention budget and those whose extraction failed."""
    fresh = [r for r in results if not isinstance(r, TaskFailure)]
    failed = pl.DataFrame(
        [(r.item[0], r.reason) for r in results if isinstance(r, TaskFailure)],
        schema={"sha256": pl.String, "reason": pl.String},
        orient="row",
    )
    extracted = pl.concat([staged_outcomes, pl.DataFrame(fresh, schema=EXTRACT_OUTCOME_SCHEMA, orient="row")])
    over_budget = over_mention_budget(extracted, max_mentions_per_article)
    rejections = pl.concat([over_budget, failed])
    manifest = with_rejections(staged_articles.join(extracted, on="sha256", how="left"), rejections)
    within = ~pl.col("sha256").is_in(rejections["sha256"].implode())
    return Extraction(manifest, loaded.filter(within), extracted.filter(within), over_budget, failed)


def files_in_load(manifest: pl.DataFrame) -> pl.DataFrame:
    """The files a load publishes (all but those gone from the landing folder), with their outcomes."""
    return manifest.filter(pl.col("change") != "deleted")


def plan_batch(manifest: pl.DataFrame, stage: Stage, purge_deleted: bool = False, force_purge: bool = False) -> Batch:
    """What the publish writes: the files of the load with their outcomes, the staged files their
    rows are in, and the files gone from the landing folder."""
    files = files_in_load(manifest)
    loaded = files.filter(pl.col("status") == "loaded")
    return Batch(
        files=files.select(BATCH_FILE_COLUMNS),
        article_files=[stage.articles_dir / name for name in loaded["articles_file"].unique().to_list()],
        mention_files=[stage.mentions_dir / name for name in loaded["mentions_file"].unique().to_list()],
        quote_files=[stage.mentions_dir / name for name in loaded["quotes_file"].unique().to_list()],
        signature_files=[stage.mentions_dir / name for name in loaded["signatures_file"].unique().to_list()],
        deleted=manifest.filter(pl.col("change") == "deleted")["source_file"].to_list(),
        extractor_version=EXTRACTOR_VERSION,
        quotes_version=QUOTES_VERSION,
        pipeline_version=PIPELINE_VERSION,
        purge_deleted=purge_deleted,
        force_purge=force_purge,
    )


def changes_warehouse(batch: Batch) -> bool:
    """Whether publishing the batch changes what the warehouse holds (files to write, files to mark
    deleted or to purge)."""
    return bool(batch.files.height or batch.deleted or batch.purge_deleted)
