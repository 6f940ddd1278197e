"""Drawing a report of a warehouse into a folder: every picture and the HTML page holding them."""

from __future__ import annotations

from pathlib import Path

from etl.reports.data import read_report_data
from etl.reports.drawing import DRAWINGS, png
from etl.reports.files import HTML_NAME, PICTURES, Picture, Report, replace_file, report_html


def write_report(warehouse: Path, folder: Path) -> Report:
    """Draw every picture of the published warehouse into `folder`, and the HTML page holding them;
    each file is replaced whole."""
    data = read_report_data(warehouse)
    folder.mkdir(parents=True, exist_ok=True)
    pictures = []
    for name, title in PICTURES:
        picture = Picture(name, title, folder / f"{name}.png", png(DRAWINGS[name], data))
        replace_file(picture.path, picture.png)
        pictures.append(picture)
    page = folder / HTML_NAME
    replace_file(page, report_html(warehouse, pictures).encode("utf-8"))
    return Report(folder, pictures, page)
