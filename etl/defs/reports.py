"""The report asset: after each load, pictures of the published warehouse drawn by `etl.reports`,
shown in the asset's metadata and written beside the warehouse."""

import time

import dagster as dg

from etl import paths
from etl.defs.assets import OWNERS
from etl.defs.resources import Warehouse
from etl.load.schema import PUBLISHED_TABLES
from etl.reports.files import PICTURE_SIZE, html_problems, picture_problems
from etl.summary import ReportFiles


@dg.asset(
    group_name="reports",
    kinds={"python", "html"},
    owners=OWNERS,
    deps=list(PUBLISHED_TABLES),
    description="Pictures of the published warehouse (mentions over time of the entities mentioned most, "
    "their co-mention network, the speakers quoted most) as PNG files and one self-contained HTML page, "
    "in reports/<warehouse name>/ beside the warehouse file. Files marked deleted are left out.",
    check_specs=[
        dg.AssetCheckSpec(
            "pictures_drawn",
            asset="warehouse_report",
            description=f"Every picture file is a PNG of {PICTURE_SIZE[0]}x{PICTURE_SIZE[1]} pixels.",
        ),
        dg.AssetCheckSpec(
            "html_embeds_pictures",
            asset="warehouse_report",
            description="The HTML page is written and embeds every picture.",
        ),
    ],
)
def warehouse_report(warehouse: Warehouse):
    # Imported here: Matplotlib takes as long to import as the rest of the definitions, which every
    # step's process loads; only this step draws.
    from etl.reports.writing import write_report

    started = time.perf_counter()
    report = write_report(warehouse.file, paths.reports_dir(warehouse.file))
    files = ReportFiles(html=str(report.html), seconds=round(time.perf_counter() - started, 3))
    yield dg.MaterializeResult(
        metadata={
            **files.metadata(),
            **{
                picture.name: dg.MetadataValue.md(f"![{picture.title}]({picture.data_uri})\n\n`{picture.path}`")
                for picture in report.pictures
            },
        }
    )
    problems = picture_problems(report)
    yield dg.AssetCheckResult(
        check_name="pictures_drawn",
        passed=not problems,
        metadata={"pictures": len(report.pictures), "problems": dg.MetadataValue.json(problems)},
    )
    missing = html_problems(report)
    yield dg.AssetCheckResult(
        check_name="html_embeds_pictures",
        passed=not missing,
        metadata={"html": dg.MetadataValue.path(str(report.html)), "problems": dg.MetadataValue.json(missing)},
    )
