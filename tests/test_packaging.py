"""The package installed from a wheel, with no checkout beside it, builds a warehouse from any folder."""

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import duckdb
import pytest

from helpers import PROJECT, SEEDS, settle


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel of the package, built from a copy of the sources (pip builds in the source folder)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT / name, source)
    shutil.copytree(PROJECT / "etl", source / "etl", ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--wheel-dir", str(root), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    return next(root.glob("*.whl"))


def test_the_wheel_carries_every_file_of_the_package(wheel: Path):
    package = {
        path.relative_to(PROJECT).as_posix()
        for path in (PROJECT / "etl").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    shipped = set(zipfile.ZipFile(wheel).namelist())
    assert {"etl/load/sql/schema.sql", "etl/quotes/data/en/speech_verbs.txt"} <= shipped
    assert sorted(package - shipped) == []


def _installed(venv: Path, wheel: Path) -> Path:
    """A fresh virtual environment holding the package from the wheel alone; the package's
    dependencies are read from this interpreter's environment (after the venv's own packages: a
    folder named in a .pth file is only added to the path, its own .pth files, such as that of an
    editable install of the checkout, are not run). Returns the venv's interpreter."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    dependencies = dict.fromkeys(sysconfig.get_path(kind) for kind in ("purelib", "platlib"))
    (Path(site) / "dependencies.pth").write_text("".join(f"{folder}\n" for folder in dependencies))
    return python


@pytest.mark.slow
def test_the_installed_package_builds_the_samples_from_an_unrelated_folder(tmp_path: Path, wheel: Path):
    python = _installed(tmp_path / "venv", wheel)
    elsewhere, landing, warehouse = tmp_path / "elsewhere", tmp_path / "samples", tmp_path / "w.duckdb"
    elsewhere.mkdir()
    shutil.copytree(SEEDS, landing)
    settle(landing)
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(python), *args], cwd=elsewhere, env=environment, capture_output=True, text=True, timeout=300
        )

    where = Path(run("-c", "import etl; print(etl.__file__)").stdout.strip())
    assert where.is_relative_to(tmp_path / "venv") and "site-packages" in where.parts
    # Without a checkout, the default folders are those under the current folder.
    defaults = run("-c", "from etl import paths; print(paths.DEFAULT_LANDING, paths.DEFAULT_WAREHOUSE)").stdout
    assert defaults.split() == ["warehouse/landing", "warehouse/news.duckdb"]
    built = run("-m", "etl", "build", "--landing", str(landing), "--warehouse", str(warehouse))
    assert built.returncode == 0, built.stderr
    assert "5 new, 0 changed" in built.stdout and "this load 8 articles, 327 mentions, 36 quotations" in built.stdout
    with duckdb.connect(str(warehouse), read_only=True) as con:
        articles = con.execute(
            "SELECT source_file, article_index, title, published_date::VARCHAR FROM articles ORDER BY ALL"
        ).fetchall()
        speakers = con.execute("SELECT count(*) FROM quotes WHERE speaker_name IS NOT NULL").fetchall()[0][0]
    assert articles == [  # the titles and date line as they stand in the sample files
        ("000_7e8e55041918a3c3.txt", 1, "Labour is developing the right instincts on immigration", None),
        ("000_7e8e55041918a3c3.txt", 2, "How the row over Jackie Walker triggered a full-blown war in Momentum", None),
        ("001_666f149987165847.txt", 1, "What would a progressive immigration policy look like?", None),
        (
            "001_666f149987165847.txt",
            2,
            "Labour is a pioneer in fighting sexism. That doesn't mean there's no sexism in Labour",
            None,
        ),
        ("002_a314f3057370094f.txt", 1, "Rearguard action by the far-Left", None),
        ("003_1c58c391d2c8a2f4.txt", 1, "Miliband needs to go much further to restore confidence", None),
        ("003_1c58c391d2c8a2f4.txt", 2, "Labour's establishment suspects a Momentum conspiracy - they're right", None),
        ("004_1dfb63bf47ca936e.txt", 1, None, "2017-08-07"),
    ]
    assert speakers > 0  # the quotation word lists were found
    assert list(elsewhere.iterdir()) == []  # nothing written where the command ran
