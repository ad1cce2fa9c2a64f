import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_script(script, *args, cwd=None, env=None):
    """Run a project script as a user does: a subprocess; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, str(ROOT / script), *map(str, args)],
        capture_output=True, text=True, cwd=cwd or ROOT, env={**os.environ, **(env or {})}, timeout=300,
    )  # fmt: skip


def assert_one_line_error(result, script, status):
    """A failure as DESIGN.md §5 asks: the exit status, one stderr line naming the script, no traceback."""
    assert result.returncode == status, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(script), lines[0]
    assert "Traceback" not in result.stderr + result.stdout


@pytest.fixture(scope="session")
def root():
    return ROOT
