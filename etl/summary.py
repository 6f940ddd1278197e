"""What a run did, typed: the counts each step records as metadata and the CLI prints.

Each step's counts are a frozen dataclass that writes its metadata (`metadata()`) and reads it back
(`from_metadata()`), so the metadata keys live here alone; `RunSummary` gathers them for the CLI,
whose text (`str(summary)`) benchmarks and users parse.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from etl.load.connection import held_note
from etl.planning import CHANGES

#: Dagster's own key for the rows an asset holds.
ROW_COUNT = "dagster/row_count"
#: The order the CLI lists changes in.
PRINTED_CHANGES = ("new", "changed", "outdated", "unchanged", "deleted", "restored")


@dataclass(frozen=True)
class LandingCounts:
    """landing_files: the landing folder's files against the warehouse."""

    changes: dict[str, int] = field(default_factory=dict)  # files per change (planning.CHANGES)
    refused_unread: int = 0  # unreadable or too large
    in_flight: int = 0
    held_by: str | None = None  # the process holding the warehouse open read-write
    seconds: float = 0.0

    def metadata(self) -> dict:
        return {
            **{f"files_{change}": self.changes.get(change, 0) for change in CHANGES},
            "files_refused_unread": self.refused_unread,
            "files_in_flight": self.in_flight,
            "warehouse_held_by": self.held_by or "nobody",
            "seconds": self.seconds,
        }

    @classmethod
    def from_metadata(cls, metadata: Mapping) -> LandingCounts:
        held_by = metadata.get("warehouse_held_by", "nobody")
        return cls(
            {change: metadata.get(f"files_{change}", 0) for change in CHANGES},
            metadata.get("files_refused_unread", 0),
            metadata.get("files_in_flight", 0),
            None if held_by == "nobody" else held_by,
            metadata.get("seconds", 0.0),
        )


@dataclass(frozen=True)
class SplitCounts:
    """staged_articles: the files of the load split into articles."""

    articles: int = 0
    files_split: int = 0
    files_rejected: int = 0
    in_flight: int = 0  # rewritten since fingerprinted: left for the next run
    seconds: float = 0.0

    def metadata(self) -> dict:
        return {
            ROW_COUNT: self.articles,
            "files_split": self.files_split,
            "files_rejected": self.files_rejected,
            "files_in_flight": self.in_flight,
            "seconds": self.seconds,
        }

    @classmethod
    def from_metadata(cls, metadata: Mapping) -> SplitCounts:
        return cls(
            metadata.get(ROW_COUNT, 0),
            metadata.get("files_split", 0),
            metadata.get("files_rejected", 0),
            metadata.get("files_in_flight", 0),
            metadata.get("seconds", 0.0),
        )


@dataclass(frozen=True)
class ExtractCounts:
    """staged_mentions: the mentions and quotations of the load."""

    mentions: int = 0
    quotations: int = 0
    attributed_share: float | None = None  # of the quotations, those given a speaker
    files_over_mention_budget: int = 0
    seconds: float = 0.0

    def metadata(self) -> dict:
        return {
            ROW_COUNT: self.mentions,
            "quotations": self.quotations,
            "quotations_attributed_share": self.attributed_share,
            "files_over_mention_budget": self.files_over_mention_budget,
            "seconds": self.seconds,
        }

    @classmethod
    def from_metadata(cls, metadata: Mapping) -> ExtractCounts:
        return cls(
            metadata.get(ROW_COUNT, 0),
            metadata.get("quotations", 0),
            metadata.get("quotations_attributed_share"),
            metadata.get("files_over_mention_budget", 0),
            metadata.get("seconds", 0.0),
        )


@dataclass(frozen=True)
class TableCounts:
    """A published table after the load."""

    rows: int | None = None  # None: not published in this run
    load_seconds: float = 0.0

    def metadata(self) -> dict:
        return {ROW_COUNT: self.rows, "load_seconds": self.load_seconds}

    @classmethod
    def from_metadata(cls, metadata: Mapping) -> TableCounts:
        return cls(metadata.get(ROW_COUNT), metadata.get("load_seconds", 0.0))


@dataclass(frozen=True)
class ReportFiles:
    """The report drawn after the load."""

    html: str | None = None  # the HTML page; None: not drawn in this run
    seconds: float = 0.0

    def metadata(self) -> dict:
        return {"html": self.html, "seconds": self.seconds}

    @classmethod
    def from_metadata(cls, metadata: Mapping) -> ReportFiles:
        return cls(metadata.get("html"), metadata.get("seconds", 0.0))


@dataclass(frozen=True)
class RunSummary:
    """What `python -m etl build` prints."""

    landing: Path
    warehouse: Path
    files: LandingCounts
    split: SplitCounts
    extract: ExtractCounts
    tables: dict[str, TableCounts]  # the published tables materialised in the run
    failed_checks: list[str]
    succeeded: bool
    seconds: float
    report: ReportFiles = ReportFiles()

    @classmethod
    def from_run(
        cls,
        landing: Path,
        warehouse: Path,
        metadata: Mapping[str, Mapping],
        failed_checks: list[str],
        succeeded: bool,
        seconds: float,
    ) -> RunSummary:
        """From the metadata of every asset the run materialised, by asset name."""
        return cls(
            landing,
            warehouse,
            LandingCounts.from_metadata(metadata.get("landing_files", {})),
            SplitCounts.from_metadata(metadata.get("staged_articles", {})),
            ExtractCounts.from_metadata(metadata.get("staged_mentions", {})),
            {
                asset: TableCounts.from_metadata(values)
                for asset, values in metadata.items()
                if asset.startswith(("dim_", "fact_"))
            },
            failed_checks,
            succeeded,
            seconds,
            ReportFiles.from_metadata(metadata.get("warehouse_report", {})),
        )

    def _rows(self, table: str) -> int | str:
        rows = self.tables.get(table, TableCounts()).rows
        return "?" if rows is None else rows

    def __str__(self) -> str:
        files, split, extract = self.files, self.split, self.extract
        publish_seconds = self.tables.get("fact_mention", TableCounts()).load_seconds
        lines = [
            f"landing   {self.landing}",
            f"warehouse {self.warehouse}",
            "files     "
            + ", ".join(f"{files.changes.get(change, 0)} {change}" for change in PRINTED_CHANGES)
            + f", {split.files_rejected + extract.files_over_mention_budget} rejected, "
            f"{files.in_flight + split.in_flight} still being written",
            f"this load {split.articles} articles, {extract.mentions} mentions, {extract.quotations} quotations",
            f"warehouse {self._rows('fact_article')} articles, {self._rows('fact_mention')} mentions, "
            f"{self._rows('dim_entity')} entities, {self._rows('fact_quote')} quotations",
            "stages    "
            + ", ".join(
                f"{stage} {seconds:.1f} s"
                for stage, seconds in (
                    ("fingerprint", files.seconds),
                    ("split", split.seconds),
                    ("extract", extract.seconds),
                    ("publish", publish_seconds),
                )
            ),
            "checks    "
            + (
                "FAILED: " + ", ".join(self.failed_checks)
                if self.failed_checks
                else "all passed"
                if self.succeeded
                else "not all run: the run failed"
            ),
            f"seconds   {self.seconds:.1f}",
        ]
        if self.report.html:
            lines.append(f"report    {self.report.html} ({self.report.seconds:.1f} s)")
        if files.held_by:
            lines.append(f"note      {held_note(self.warehouse, files.held_by)}")
        return "\n".join(lines)
