"""The 2-2-2 scripts run as a user runs them: one process each, no traceback, the right status.
And README's set-up commands and quick start stay true."""

import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT

RUNS = {
    "ann_numpy.py": ["1000"],  # README's quick start
    "ann_numpy_original.py": ["10", "--json"],
    "ann_numpy_no_loop.py": [],
    "convergence_test.py": ["--counts", "1,2", "--format", "csv"],
    "exercises.py": ["--help"],  # a class set runs in-process in test_exercises.py (and once as a process)
    "analyze_convergence.py": ["--iterations", "5000"],  # the full analysis runs in-process, once: here bad usage
}


@pytest.fixture(scope="session")
def runs():
    """Every script at once (each is mostly start-up), as a user starts it."""
    started = {
        script: subprocess.Popen([sys.executable, str(ROOT / script), *args], cwd=ROOT, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        for script, args in RUNS.items()
    }
    results = {}
    for script, process in started.items():
        out, err = process.communicate(timeout=120)
        results[script] = (process.returncode, out, err)
    return results


@pytest.mark.parametrize("script", RUNS)
def test_a_users_run_has_no_traceback(runs, script):
    status, out, err = runs[script]
    assert "Traceback" not in out + err
    if script == "analyze_convergence.py":
        assert status == 2 and err.startswith("analyze_convergence.py: error: ") and len(err.splitlines()) == 1
    else:
        assert status == 0 and err == "" and out


def test_outputs(runs):
    assert json.loads(runs["ann_numpy_original.py"][1])["iterations"] == 10
    assert runs["convergence_test.py"][1].splitlines()[0].startswith("iteration,sequential_out_o1")
    assert "=== update 2: from iteration 1 to iteration 2 ===" in runs["ann_numpy_no_loop.py"][1]


def test_readme_quick_start_is_what_the_command_prints(runs, root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- quickstart:start -->")[1].split("<!-- quickstart:end -->")[0]
    assert runs["ann_numpy.py"][1].strip() == block.strip().strip("`").strip()


def test_readme_gives_the_two_setup_commands(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    venv = "python3 -m venv .venv && . .venv/bin/activate && "
    assert f"\n{venv}pip install -r requirements.txt && python ann_numpy.py 1000\n" in readme
    assert re.search(rf"^{re.escape(venv)}pip install -r requirements-dev.txt && python -m pytest$", readme, re.M)
    # .ci/run runs exactly that line of the README, and git ignores the environment it makes.
    assert f"grep -m1 '^{venv}pip install -r requirements-dev.txt && ' README.md" in (root / ".ci/run").read_text()
    assert ".venv/" in (root / ".gitignore").read_text().splitlines()
