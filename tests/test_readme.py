"""The README's set-up commands and quick start stay true."""

import re

from conftest import run_script


def test_readme_gives_the_two_setup_commands(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "pip install -r requirements.txt && python ann_numpy.py 1000" in readme
    assert re.search(r"^pip install -r requirements-dev.txt && python -m pytest$", readme, re.MULTILINE)
    # .ci/run runs exactly that line of the README.
    assert "grep -m1 '^pip install -r requirements-dev.txt && ' README.md" in (root / ".ci/run").read_text()


def test_quick_start_block_is_what_the_command_prints(root):
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- quickstart:start -->")[1].split("<!-- quickstart:end -->")[0]
    shown = block.strip().strip("`").strip()
    result = run_script("ann_numpy.py", "1000")
    assert result.returncode == 0
    assert result.stdout.strip() == shown
