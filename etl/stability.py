"""Load-to-load comparisons that catch a silent regression of the classifier or of quotation
attribution (a broken model, changed word lists): each load is compared with a reference load
large enough to compare with, which the asset keeps in its metadata from load to load."""

from __future__ import annotations

from typing import NamedTuple

import polars as pl

from etl.mentions.extract import ENTITY_TYPES

#: How far the classifier's rejected share, or the entity-type mix (total variation distance),
#: may move from the previous load before its check fails: a silent model or data regression.
MAX_CLASSIFIER_SHIFT = 0.15
#: Fewer names than this in a load are too few to compare; the last large load stays the reference.
MIN_NAMES_COMPARED = 100
#: How far the share of quotations given a speaker may drop below the reference load's before its check warns.
MAX_ATTRIBUTION_DROP = 0.15
MIN_QUOTES_COMPARED = 50


class Comparison(NamedTuple):
    """A load held against its reference: whether it passed, the figures compared, or why it was not
    compared (then it passes)."""

    passed: bool
    figures: dict  # plain values, for the check's metadata
    note: str | None = None


def classifier_mix(per_file: pl.DataFrame, by_type: pl.DataFrame) -> dict:
    """The share of classified names rejected and the share of mentions of each type in this load."""
    classified = int(per_file["names_classified"].sum() or 0)
    mentions = int(by_type["len"].sum() or 0)
    counts = dict(by_type.iter_rows())
    return {
        "names_classified": classified,
        "rejected_share": round(int(per_file["names_rejected"].sum() or 0) / classified, 4) if classified else None,
        "type_shares": {t: round(counts.get(t, 0) / mentions, 4) if mentions else 0.0 for t in ENTITY_TYPES},
    }


def quotation_share(per_file: pl.DataFrame) -> dict:
    quotations = int(per_file["quote_count"].sum() or 0)
    attributed = int(per_file["quotes_attributed"].sum() or 0)
    return {"quotations": quotations, "attributed_share": round(attributed / quotations, 4) if quotations else None}


def classifier_reference(mix: dict, reference: dict | None) -> dict:
    """The reference the next load is compared with: this load's mix when it is large enough."""
    return mix if mix["names_classified"] >= MIN_NAMES_COMPARED or reference is None else reference


def quotations_reference(quotes: dict, reference: dict | None) -> dict:
    return quotes if quotes["quotations"] >= MIN_QUOTES_COMPARED or reference is None else reference


def compare_classifier(mix: dict, reference: dict | None) -> Comparison:
    """Fails when the rejected share or the type mix moved far from the reference load's."""
    if reference is None or mix["names_classified"] < MIN_NAMES_COMPARED:
        return _not_compared(reference, MIN_NAMES_COMPARED, "names classified")
    rejected_shift = abs(mix["rejected_share"] - reference["rejected_share"])
    type_shift = sum(abs(mix["type_shares"][t] - reference["type_shares"].get(t, 0.0)) for t in ENTITY_TYPES) / 2
    return Comparison(
        rejected_shift <= MAX_CLASSIFIER_SHIFT and type_shift <= MAX_CLASSIFIER_SHIFT,
        {
            "reference_rejected_share": reference["rejected_share"],
            "rejected_shift": round(rejected_shift, 4),
            "type_shift": round(type_shift, 4),
        },
    )


def compare_attribution(quotes: dict, reference: dict | None) -> Comparison:
    """Warns when the share of quotations given a speaker drops far below the reference load's:
    a silent regression of the attribution rules or of the mentions they lean on."""
    if reference is None or quotes["quotations"] < MIN_QUOTES_COMPARED:
        return _not_compared(reference, MIN_QUOTES_COMPARED, "quotations")
    drop = reference["attributed_share"] - quotes["attributed_share"]
    return Comparison(
        drop <= MAX_ATTRIBUTION_DROP, {"reference_share": reference["attributed_share"], "drop": round(drop, 4)}
    )


def _not_compared(reference: dict | None, minimum: int, counted: str) -> Comparison:
    """A passing comparison saying why nothing was compared: no reference, or too few to count."""
    if reference is None:
        return Comparison(True, {}, "no earlier load to compare with")
    return Comparison(True, {}, f"fewer than {minimum} {counted}: too few to compare")
