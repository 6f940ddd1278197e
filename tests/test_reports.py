"""The report pictures: drawn by every build beside the warehouse, from the analyst views (files
marked deleted left out), at one size whatever the warehouse holds, nothing included."""

import base64
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import dagster as dg
import pytest
from matplotlib.figure import Figure

from etl.definitions import build_definitions
from etl.paths import reports_dir
from etl.reports import drawing
from etl.reports.data import Entity, ReportData, read_report_data
from etl.reports.files import PICTURE_SIZE, PICTURES, Picture, Report, html_problems, picture_problems, png_size
from etl.reports.writing import write_report
from helpers import build, settle

NAMES = [name for name, _ in PICTURES]
QUOTED_ONLY_IN_002 = "Tim Finch"  # the samples' most quoted speaker; 002 is the only file quoting him
TINY = "Paris talks\n\nBoris Johnson met Emmanuel Macron in Paris on Monday.\n"


def _pictures_of(warehouse: Path) -> dict[str, Path]:
    folder = reports_dir(warehouse)
    return {name: folder / f"{name}.png" for name in NAMES}


def test_a_build_draws_the_pictures_and_the_html_page_beside_the_warehouse(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "news.duckdb"
    result = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stderr
    assert "checks    all passed" in result.stdout
    folder = tmp_path / "reports" / "news"
    assert re.search(rf"^report    {re.escape(str(folder / 'report.html'))} \(\d+\.\d s\)$", result.stdout, re.M)
    page = (folder / "report.html").read_text(encoding="utf-8")
    for name, path in _pictures_of(warehouse).items():
        assert path.parent == folder
        assert png_size(path) == PICTURE_SIZE, name
        # The page carries the very bytes of each file, so it is whole without them.
        assert f'src="data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()}"' in page, name
    assert page.count("<img ") == len(NAMES)

    data = read_report_data(warehouse)
    assert (data.articles, data.dated_articles) == (8, 1)
    assert data.top_entities[0] == (Entity("Labour Party", "ORG"), 78)
    assert data.speakers[0] == (Entity(QUOTED_ONLY_IN_002, "PERSON"), 5, 4)
    assert len(data.top_entities) == 15 and data.co_mentions
    assert {e for pair in data.co_mentions for e in pair[:2]} <= {e for e, _ in data.top_entities}
    assert max(len({e for e, _, _ in data.monthly_mentions}), 1) <= 8


def test_files_marked_deleted_are_left_out(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "news.duckdb"
    assert build("--landing", str(landing), "--warehouse", str(warehouse)).returncode == 0
    speakers = _pictures_of(warehouse)["most_quoted"].read_bytes()
    (landing / "002_a314f3057370094f.txt").unlink()
    result = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stderr
    data = read_report_data(warehouse)
    assert data.articles == 7
    assert QUOTED_ONLY_IN_002 not in {speaker.name for speaker, _, _ in data.speakers}
    assert data.top_entities[0] == (Entity("Labour Party", "ORG"), 68)  # 002 writes "Labour" 10 times
    assert all(png_size(path) == PICTURE_SIZE for path in _pictures_of(warehouse).values())
    # Replaced whole: redrawn, and nothing half written left beside them.
    assert _pictures_of(warehouse)["most_quoted"].read_bytes() != speakers
    assert sorted(p.name for p in reports_dir(warehouse).iterdir()) == sorted(
        [f"{n}.png" for n in NAMES] + ["report.html"]
    )


@pytest.mark.parametrize("files", [{}, {"tiny.txt": TINY}], ids=["empty", "one article"])
def test_an_empty_or_tiny_warehouse_gets_pictures_all_the_same(tmp_path: Path, files: dict[str, str]):
    landing = tmp_path / "landing"
    landing.mkdir()
    for name, text in files.items():
        (landing / name).write_text(text, encoding="utf-8")
    settle(landing)
    warehouse = tmp_path / "news.duckdb"
    result = build("--landing", str(landing), "--warehouse", str(warehouse))
    assert result.returncode == 0, result.stderr
    assert all(png_size(path) == PICTURE_SIZE for path in _pictures_of(warehouse).values())
    data = read_report_data(warehouse)
    assert data.articles == len(files) and data.speakers == [] and data.monthly_mentions == []
    assert len(data.top_entities) == (3 if files else 0)


def _texts(draw, data: ReportData) -> list[str]:
    figure = Figure()
    draw(figure, data)
    return [figure.get_suptitle()] + [text.get_text() for axes in figure.axes for text in axes.texts]


def test_pictures_of_nothing_say_so():
    assert "Nothing loaded yet." in _texts(drawing.mentions_over_time, ReportData())
    assert "No entity mentioned yet." in _texts(drawing.co_mention_network, ReportData())
    assert "No quotation attributed to a speaker yet." in _texts(drawing.most_quoted, ReportData())
    undated = ReportData(articles=8, top_entities=[(Entity("Labour Party", "ORG"), 3)])
    assert "No dated article mentions an entity yet (0 of 8 articles give a publication date)." in _texts(
        drawing.mentions_over_time, undated
    )
    # One entity, no pair: a network of one node, drawn.
    assert _texts(drawing.co_mention_network, undated)[0] == "Entities mentioned together in the same articles"


def test_mentions_are_counted_per_month_or_per_year_over_long_spans_with_quiet_periods_at_zero():
    labour = Entity("Labour Party", "ORG")
    short = ReportData(monthly_mentions=[(labour, date(2017, 11, 1), 3), (labour, date(2018, 2, 1), 2)])
    figure = Figure()
    drawing.mentions_over_time(figure, short)
    [line] = figure.axes[0].get_lines()
    assert list(line.get_ydata()) == [3, 0, 0, 2]  # November to February
    assert figure.axes[0].get_ylabel() == "mentions per month"
    long = ReportData(monthly_mentions=[(labour, date(2004, 3, 1), 1), (labour, date(2004, 9, 1), 4)])
    long.monthly_mentions.append((labour, date(2008, 1, 1), 2))
    figure = Figure()
    drawing.mentions_over_time(figure, long)
    [line] = figure.axes[0].get_lines()
    assert list(line.get_ydata()) == [5, 0, 0, 0, 2]  # 2004 to 2008
    assert figure.axes[0].get_ylabel() == "mentions per year"


def test_a_missing_warehouse_is_drawn_as_nothing_yet(tmp_path: Path):
    report = write_report(tmp_path / "never-built.duckdb", tmp_path / "out")
    assert [p.path.name for p in report.pictures] == [f"{name}.png" for name in NAMES]
    assert picture_problems(report) == {} and html_problems(report) == []


def test_the_checks_name_a_picture_that_is_not_a_png_of_the_size(tmp_path: Path):
    report = write_report(tmp_path / "never-built.duckdb", tmp_path / "out")
    first, second, third = report.pictures
    first.path.write_bytes(first.png[:20])  # cut short
    small = Figure(figsize=(2, 1), dpi=100)
    small.savefig(second.path, format="png")
    third.path.unlink()
    problems = picture_problems(report)
    assert problems == {
        first.name: f"{first.path} is missing, empty or not a PNG",
        second.name: f"{second.path} is 200x100 pixels, not {PICTURE_SIZE}",
        third.name: f"{third.path} is missing, empty or not a PNG",
    }
    other = Picture("other", "Other", first.path, b"\x89PNG other bytes")
    assert html_problems(Report(report.folder, [*report.pictures, other], report.html)) == ["other is not embedded"]
    report.html.unlink()
    assert html_problems(report)[0].startswith(f"{report.html} cannot be read")


def test_the_report_asset_shows_each_picture_in_its_metadata(tmp_path: Path, landing: Path):
    warehouse = tmp_path / "news.duckdb"
    with dg.instance_for_test() as instance:
        result = (
            build_definitions(landing, warehouse)
            .resolve_job_def("ingest_job")
            .execute_in_process(instance=instance, raise_on_error=False)
        )
    assert result.success
    [materialization] = result.asset_materializations_for_node("warehouse_report")
    metadata = materialization.metadata
    for name, path in _pictures_of(warehouse).items():
        shown = metadata[name].value
        assert f"(data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()})" in shown
        assert str(path) in shown
    assert metadata["html"].value == str(reports_dir(warehouse) / "report.html")
    checks = {
        e.check_name: e.passed for e in result.get_asset_check_evaluations() if e.asset_key.path == ["warehouse_report"]
    }
    assert checks == {"pictures_drawn": True, "html_embeds_pictures": True}


def test_loading_the_definitions_does_not_import_matplotlib():
    """Every step's process loads the definitions; only the report step draws."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, etl.definitions; print('matplotlib' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "False"
