"""Summaries of a load's staged rows, read from the staged files its outcomes name (as the publish
reads them), so a file version staged twice is counted once."""

from __future__ import annotations

import polars as pl

from etl.staging.store import Stage


def mentions_by_type(stage: Stage, per_file: pl.DataFrame) -> pl.DataFrame:
    """Mention counts by type (entity_type, len) of the versions in `per_file` (extraction outcomes)."""
    if per_file.is_empty():
        return pl.DataFrame(schema={"entity_type": pl.String, "len": pl.UInt32})
    files = [str(stage.mentions_dir / name) for name in per_file["mentions_file"].unique().to_list()]
    return (
        pl.scan_parquet(files, include_file_paths="staged_file", glob=False)  # literal paths, as in staging
        .select("sha256", "entity_type", pl.col("staged_file").str.split("/").list.last().alias("mentions_file"))
        .join(per_file.lazy().select("sha256", "mentions_file"), on=["sha256", "mentions_file"])
        .group_by("entity_type")
        .len()
        .collect()
    )


def most_quoted(stage: Stage, per_file: pl.DataFrame, limit: int = 10) -> list[tuple]:
    """The speakers quoted most in the versions of `per_file`: (speaker, type, quotations)."""
    files = per_file.filter(pl.col("quote_count") > 0)
    if files.is_empty():
        return []
    return (
        pl.scan_parquet(
            [str(stage.mentions_dir / name) for name in files["quotes_file"].unique().to_list()],
            include_file_paths="staged_file",
            glob=False,
        )
        .with_columns(pl.col("staged_file").str.split("/").list.last().alias("quotes_file"))
        .join(files.lazy().select("sha256", "quotes_file"), on=["sha256", "quotes_file"])
        .drop_nulls("speaker_name")
        .group_by("speaker_name", "speaker_type")
        .len()
        .sort(["len", "speaker_name"], descending=[True, False])
        .head(limit)
        .collect()
        .rows()
    )
