import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def deterministic_hypothesis():
    """hypothesis, drawing the same examples on every run: CI must never fail by chance. Imported when a
    test needs it, not here at start-up: pytest's process and the pytest-xdist workers that run no such
    test do not pay for it (about 0.2 s each, several times that where no bytecode is cached)."""
    import hypothesis

    hypothesis.settings.register_profile("deterministic", derandomize=True, deadline=None, print_blob=True)
    hypothesis.settings.load_profile("deterministic")
    return hypothesis


def pytest_pycollect_makemodule(module_path, parent):
    """A test file that imports hypothesis at its top: the profile loaded before the file is imported
    (its @settings take their defaults when they are made)."""
    if re.search(r"^\s*(from|import) hypothesis\b", module_path.read_text(encoding="utf-8"), re.M):
        deterministic_hypothesis()


def run_script(script, *args, cwd=None, env=None):
    """Run a project script as a user does: a subprocess; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, str(ROOT / script), *map(str, args)],
        capture_output=True, text=True, cwd=cwd or ROOT, env={**os.environ, **(env or {})}, timeout=300,
    )  # fmt: skip


def call(main, *args, capsys):
    """Run a script's main(argv) in-process: (exit status, stdout, stderr), a usage error's SystemExit included."""
    try:
        status = main([str(a) for a in args])
    except SystemExit as exit_:
        status = exit_.code
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(result, script, status):
    """A failure as the command-line convention asks: the exit status, one stderr line naming the
    script, no traceback. result: a CompletedProcess, or call()'s (status, stdout, stderr)."""
    if isinstance(result, tuple):
        result = subprocess.CompletedProcess(script, *result)
    assert result.returncode == status, (result.returncode, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(script), lines[0]
    assert "Traceback" not in result.stderr + result.stdout


# The files that take longest, first (measured with --durations, one process): pytest-xdist hands each
# worker whole files in this order (--dist loadfile; --no-loadscope-reorder, or it would order them by
# their number of tests and leave the few long ones, the notebook's, scikit-learn's, last), and the long
# ones started last would leave one core idle at the end.
LONGEST_FIRST = ("test_plots.py", "test_network.py", "test_notebook.py", "test_hand_check.py", "test_progress.py",
                 "test_faults.py", "test_any_exercise.py", "test_exercises.py", "test_scikit_learn.py",
                 "test_spreadsheet.py", "test_trask.py", "test_check_trust.py", "test_edges.py", "test_engines.py",
                 "test_scripts.py", "test_sweep.py", "test_mlp_cli.py")  # fmt: skip


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each file's own order kept


@pytest.fixture(scope="session")
def root():
    return ROOT
