"""The report pictures, drawn with Matplotlib's Agg canvas (no display, no pyplot state shared between
runs) at one fixed size, so a picture is the same size whatever it holds. A warehouse with nothing
to show gets a picture saying so."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from math import sqrt

import networkx as nx
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from PIL import Image

from etl.reports.data import Entity, ReportData
from etl.reports.files import PICTURE_SIZE

DPI = 100
TYPE_COLOURS = {"PERSON": "#1f77b4", "ORG": "#ff7f0e", "PLACE": "#2ca02c"}
OTHER_COLOUR = "#7f7f7f"
PALETTE_COLOURS = 128  # plenty for flat charts; antialiased edges stay smooth
#: Beyond this many months between the first dated mention and the last, mentions are counted per year.
MAX_MONTHS_SHOWN = 36
#: Pairs mentioned together in fewer articles than this share of the strongest pair's are not drawn:
#: a web of faint lines hides the strong ones.
MIN_PAIR_SHARE = 0.1
LAYOUT_SEED = 7  # the same warehouse gives the same network picture


def png(draw: Callable[[Figure, ReportData], None], data: ReportData) -> bytes:
    """One picture as PNG bytes, PICTURE_SIZE pixels, in a palette of PALETTE_COLOURS: a quarter of the
    bytes of full colour, which the HTML page and every run's metadata carry."""
    figure = Figure(figsize=(PICTURE_SIZE[0] / DPI, PICTURE_SIZE[1] / DPI), dpi=DPI, layout="constrained")
    canvas = FigureCanvasAgg(figure)
    draw(figure, data)
    canvas.draw()  # never a "tight" bounding box: it changes the size
    image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
    out = io.BytesIO()
    image.convert("RGB").quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE).save(out, format="PNG")
    return out.getvalue()


def _titles(figure: Figure, title: str, subtitle: str = "") -> None:
    figure.suptitle(title, fontsize=15, x=0.01, ha="left")
    if subtitle:
        figure.axes[0].set_title(subtitle, fontsize=10, loc="left", color="#555555")


def _nothing_yet(figure: Figure, title: str, message: str) -> None:
    axes = figure.add_subplot()
    axes.set_axis_off()
    _titles(figure, title)
    axes.text(0.5, 0.5, message, ha="center", va="center", fontsize=16, color="#555555", wrap=True)


def _colour(entity: Entity) -> str:
    return TYPE_COLOURS.get(entity.entity_type, OTHER_COLOUR)


def _type_legend(types: set[str]) -> list[Line2D]:
    return [
        Line2D([], [], marker="o", linestyle="", markersize=10, color=colour, label=kind)
        for kind, colour in TYPE_COLOURS.items()
        if kind in types
    ]


def _period(month: date, yearly: bool) -> date:
    return date(month.year, 1, 1) if yearly else month


def _periods(first: date, last: date, yearly: bool) -> list[date]:
    """Every month (or year) from first to last, so a period without mentions shows as 0, not as a gap bridged."""
    periods, current = [], first
    while current <= last:
        periods.append(current)
        if yearly:
            current = date(current.year + 1, 1, 1)
        else:
            current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return periods


def mentions_over_time(figure: Figure, data: ReportData) -> None:
    title = "Mentions over time of the entities mentioned most"
    if not data.monthly_mentions:
        message = (
            "Nothing loaded yet."
            if data.articles == 0
            else f"No dated article mentions an entity yet ({data.dated_articles} of {data.articles} articles "
            "give a publication date)."
        )
        _nothing_yet(figure, title, message)
        return
    months = [month for _, month, _ in data.monthly_mentions]
    first, last = min(months), max(months)
    yearly = (last.year - first.year) * 12 + last.month - first.month > MAX_MONTHS_SHOWN
    periods = _periods(_period(first, yearly), _period(last, yearly), yearly)
    series: dict[Entity, dict[date, int]] = {}
    for entity, month, mentions in data.monthly_mentions:
        counts = series.setdefault(entity, {})
        counts[_period(month, yearly)] = counts.get(_period(month, yearly), 0) + mentions
    axes = figure.add_subplot()
    days = date2num(periods)  # Matplotlib's date axis counts in days
    few = len(periods) < 3
    for entity, counts in series.items():
        axes.plot(days, [counts.get(p, 0) for p in periods], marker="o", markersize=8 if few else 4, label=entity.label)
    if few:  # Matplotlib would widen the axis by years around a lone date
        step = 366 if yearly else 31
        axes.set_xlim(days[0] - step, days[-1] + step)
    locator = AutoDateLocator()
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.set_ylabel(f"mentions per {'year' if yearly else 'month'}")
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    axes.legend(loc="upper left", fontsize=9, ncols=2)
    _titles(
        figure,
        title,
        f"Articles with a publication date only: {data.dated_articles} of {data.articles}.",
    )


def co_mention_network(figure: Figure, data: ReportData) -> None:
    title = "Entities mentioned together in the same articles"
    if not data.top_entities:
        _nothing_yet(figure, title, "No entity mentioned yet.")
        return
    graph = nx.Graph()
    for entity, mentions in data.top_entities:
        graph.add_node(entity, mentions=mentions)
    most = max((articles for _, _, articles in data.co_mentions), default=1)
    for a, b, articles in data.co_mentions:
        if articles >= MIN_PAIR_SHARE * most:
            graph.add_edge(a, b, articles=articles, weight=articles / most)
    layout = nx.spring_layout(graph, seed=LAYOUT_SEED, weight="weight", k=1.5 / sqrt(graph.number_of_nodes()))
    axes = figure.add_subplot()
    axes.set_axis_off()
    biggest = max(mentions for _, mentions in data.top_entities)
    nx.draw_networkx_edges(
        graph,
        layout,
        ax=axes,
        width=[0.5 + 6 * graph.edges[edge]["weight"] for edge in graph.edges],
        edge_color="#999999",
        alpha=0.6,
    )
    nx.draw_networkx_nodes(
        graph,
        layout,
        ax=axes,
        node_size=[200 + 2800 * sqrt(graph.nodes[n]["mentions"] / biggest) for n in graph.nodes],
        node_color=[_colour(n) for n in graph.nodes],
        alpha=0.85,
    )
    nx.draw_networkx_labels(graph, layout, ax=axes, labels={n: n.name for n in graph.nodes}, font_size=9)
    axes.margins(0.12)
    axes.legend(handles=_type_legend({n.entity_type for n in graph.nodes}), loc="lower right", fontsize=9)
    _titles(
        figure,
        title,
        f"The {graph.number_of_nodes()} entities mentioned most. Node area: mentions; line width: articles "
        f"mentioning both (pairs below {MIN_PAIR_SHARE:.0%} of the strongest pair not drawn).",
    )


def most_quoted(figure: Figure, data: ReportData) -> None:
    title = "Speakers quoted most"
    if not data.speakers:
        _nothing_yet(figure, title, "No quotation attributed to a speaker yet.")
        return
    speakers = list(reversed(data.speakers))  # barh draws from the bottom up
    names = [speaker.label for speaker, _, _ in speakers]
    full = [full for _, _, full in speakers]
    fragments = [quotations - full for _, quotations, full in speakers]
    colours = [_colour(speaker) for speaker, _, _ in speakers]
    axes = figure.add_subplot()
    axes.barh(names, full, color=colours)
    axes.barh(names, fragments, left=full, color=colours, alpha=0.4)
    for row, (_, quotations, _) in enumerate(speakers):
        axes.annotate(str(quotations), (quotations, row), xytext=(4, 0), textcoords="offset points", va="center")
    axes.set_xlabel("quotations")
    axes.margins(x=0.08)
    axes.grid(axis="x", alpha=0.3)
    axes.legend(
        handles=[
            Patch(color=OTHER_COLOUR, label="more than four words"),
            Patch(color=OTHER_COLOUR, alpha=0.4, label="four words or fewer"),
            *_type_legend({speaker.entity_type for speaker, _, _ in speakers}),
        ],
        loc="lower right",
        fontsize=9,
    )
    _titles(
        figure,
        title,
        "Direct quotations attributed to each speaker; the paler part are fragments of four words or fewer.",
    )


#: How each picture of `etl.reports.files.PICTURES` is drawn, by name.
DRAWINGS: dict[str, Callable[[Figure, ReportData], None]] = {
    "mentions_over_time": mentions_over_time,
    "co_mentions": co_mention_network,
    "most_quoted": most_quoted,
}
