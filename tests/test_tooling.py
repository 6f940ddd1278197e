"""What the project's tools tell whoever runs them, with the project's own configuration."""

import re
import subprocess
import sys
from pathlib import Path

from helpers import PROJECT


def test_pytest_prints_why_a_test_was_skipped(tmp_path: Path):
    """A skipped test (the browser test without Chromium) must say why in the default output."""
    (tmp_path / "test_skipping.py").write_text("import pytest\n\ndef test_it():\n    pytest.skip('no browser here')\n")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-c",
            str(PROJECT / "pyproject.toml"),
            "--rootdir",
            str(tmp_path),
            "-p",
            "no:cacheprovider",
            str(tmp_path / "test_skipping.py"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"^SKIPPED \[1\] \S*test_skipping.py:4: no browser here$", run.stdout, re.MULTILINE), run.stdout
