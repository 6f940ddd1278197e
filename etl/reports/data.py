"""What the report pictures show, read from the analyst views of the published warehouse (so files
marked deleted count nowhere), read-only and never waiting for an analyst's session."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from etl.load.connection import read_published
from etl.load.sql_files import sql_file

#: Lines on the mentions-over-time chart: more become unreadable.
TOP_OVER_TIME = 8
#: Nodes of the co-mention network.
TOP_IN_NETWORK = 15
#: Bars of the most-quoted chart.
TOP_SPEAKERS = 15


@dataclass(frozen=True)
class Entity:
    name: str
    entity_type: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.entity_type})"


@dataclass(frozen=True)
class ReportData:
    articles: int = 0
    dated_articles: int = 0
    #: (entity, first day of the month, mentions), the most mentioned entities first.
    monthly_mentions: list[tuple[Entity, date, int]] = field(default_factory=list)
    #: (entity, mentions), the most mentioned first.
    top_entities: list[tuple[Entity, int]] = field(default_factory=list)
    #: (entity, entity, articles mentioning both) among `top_entities`.
    co_mentions: list[tuple[Entity, Entity, int]] = field(default_factory=list)
    #: (speaker, quotations, of which more than four words), the most quoted first.
    speakers: list[tuple[Entity, int, int]] = field(default_factory=list)


def read_report_data(warehouse: Path) -> ReportData:
    """Everything the pictures need in one read-only session; a warehouse not written yet holds nothing."""
    if not warehouse.exists():
        return ReportData()
    with read_published(warehouse) as con:

        def rows(name: str, *parameters: object) -> list[tuple]:
            return con.execute(sql_file(name), list(parameters)).fetchall()

        [(articles, dated)] = rows("report_counts.sql")
        return ReportData(
            articles=articles,
            dated_articles=dated,
            monthly_mentions=[
                (Entity(name, kind), month, mentions)
                for name, kind, month, mentions in rows("report_mentions_over_time.sql", TOP_OVER_TIME)
            ],
            top_entities=[
                (Entity(name, kind), mentions)
                for name, kind, mentions in rows("report_top_entities.sql", TOP_IN_NETWORK)
            ],
            co_mentions=[
                (Entity(a, type_a), Entity(b, type_b), articles)
                for a, type_a, b, type_b, articles in rows("report_co_mentions.sql", TOP_IN_NETWORK)
            ],
            speakers=[
                (Entity(name, kind), quotations, full)
                for name, kind, quotations, full in rows("report_top_speakers.sql", TOP_SPEAKERS)
            ],
        )
