"""The code passes the linter, the formatter's check and the type checker, as configured in
pyproject.toml, so the one test command covers them too."""

import subprocess
import sys

import pytest

from helpers import PROJECT

PATHS = ["etl", "tests", "benchmarks"]


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", *PATHS], ["ruff", "format", "--check", *PATHS], ["mypy"]],
    ids=["ruff check", "ruff format", "mypy"],
)
def test_the_code_passes(command: list[str]):
    result = subprocess.run([sys.executable, "-m", *command], cwd=PROJECT, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}"
