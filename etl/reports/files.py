"""The report files: one PNG per picture and a single HTML page holding them all (embedded, so it
can be mailed or opened anywhere); and what checks them. Light to import: the Dagster layer loads
it with the definitions, Matplotlib only where pictures are drawn (`etl.reports.writing`)."""

from __future__ import annotations

import base64
import html
import os
import struct
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

#: Width and height of every picture, in pixels.
PICTURE_SIZE = (1200, 675)
#: (file stem, title), in the order the HTML report shows them.
PICTURES = [
    ("mentions_over_time", "Mentions over time"),
    ("co_mentions", "Co-mention network"),
    ("most_quoted", "Most-quoted speakers"),
]
HTML_NAME = "report.html"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Picture:
    name: str
    title: str
    path: Path
    png: bytes

    @property
    def data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@dataclass(frozen=True)
class Report:
    folder: Path
    pictures: list[Picture]
    html: Path


def replace_file(path: Path, content: bytes) -> None:
    """Write a file whole: a reader never sees it half written."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_bytes(content)
    os.replace(partial, path)


def report_html(warehouse: Path, pictures: list[Picture]) -> str:
    drawn = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    width, height = PICTURE_SIZE
    sections = "\n".join(
        f'<section id="{picture.name}"><h2>{html.escape(picture.title)}</h2>'
        f'<img src="{picture.data_uri}" alt="{html.escape(picture.title)}" width="{width}" height="{height}">'
        "</section>"
        for picture in pictures
    )
    title = f"News warehouse report: {html.escape(warehouse.name)}"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 2em auto; max-width: {width}px; color: #222; }}
img {{ max-width: 100%; height: auto; border: 1px solid #ddd; }}
p {{ color: #555; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>Drawn {drawn} from {html.escape(str(warehouse))}; files marked deleted are left out.</p>
{sections}
</body>
</html>
"""


def png_size(path: Path) -> tuple[int, int] | None:
    """Width and height of a PNG file from its header; None when the file is not a PNG."""
    try:
        with path.open("rb") as file:
            head = file.read(24)
    except OSError:
        return None
    if len(head) < 24 or not head.startswith(_PNG_SIGNATURE) or head[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def picture_problems(report: Report) -> dict[str, str]:
    """What is wrong with each picture file as written (missing, not a PNG, not PICTURE_SIZE), by name."""
    problems = {}
    for picture in report.pictures:
        size = png_size(picture.path)
        if size is None:
            problems[picture.name] = f"{picture.path} is missing, empty or not a PNG"
        elif size != PICTURE_SIZE:
            problems[picture.name] = f"{picture.path} is {size[0]}x{size[1]} pixels, not {PICTURE_SIZE}"
    return problems


def html_problems(report: Report) -> list[str]:
    """What is wrong with the HTML page as written: missing, or a picture not embedded in it."""
    try:
        page = report.html.read_text(encoding="utf-8")
    except OSError as exc:
        return [f"{report.html} cannot be read: {exc.strerror or exc}"]
    return [f"{picture.name} is not embedded" for picture in report.pictures if picture.data_uri not in page]
