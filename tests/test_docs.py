"""The README stays a front page, every relative link of the README and the docs pages names a file,
and a benchmark's report goes into its block of docs/speed.md."""

import re

import pytest
from conftest import ROOT

PAGES = [ROOT / "README.md", ROOT / "CHANGES.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")  # [text](target) and ![alt](target)


def relative_links(page):
    """The targets of page's links outside fenced code, without a URL scheme or a bare #anchor."""
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.M | re.S)
    return [t for t in LINK.findall(text) if not re.match(r"[a-z][a-z0-9+.-]*:|#", t)]


def test_the_readme_is_at_most_200_lines():
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 200


def test_the_link_finder_finds_links():
    readme_links = relative_links(ROOT / "README.md")
    assert "docs/speed.md" in readme_links and not any(t.startswith("https:") for t in readme_links)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_names_an_existing_file(page):
    missing = [t for t in relative_links(page) if not (page.parent / t.split("#")[0]).exists()]
    assert not missing, f"{page.relative_to(ROOT)}: {missing}"


def test_every_docs_page_is_linked_from_the_readme():
    readme_links = set(relative_links(ROOT / "README.md"))
    assert {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")} <= readme_links


def test_a_benchmark_report_goes_into_its_block(tmp_path, capsys):
    from benchmarks import record

    page = tmp_path / "speed.md"
    page.write_text("# Speed\n\n<!-- bench_x:start -->\nold\n<!-- bench_x:end -->\n\nafter\n", encoding="utf-8")
    args = type("Args", (), {"update": str(page)})()
    assert record.run("bench_x", args, ["--update", page], lambda: print("12.5 µs per update")) == 0
    assert capsys.readouterr().out == "12.5 µs per update\n"  # printed as without --update
    text = page.read_text(encoding="utf-8")
    block = text.split("<!-- bench_x:start -->\n")[1].split("<!-- bench_x:end -->")[0]
    assert block.startswith("Measured 20") and f"by `python -m benchmarks.bench_x --update {page}` on " in block
    assert "Python 3." in block and block.endswith("\n\n```\n12.5 µs per update\n```\n")
    assert text.startswith("# Speed\n\n<!-- bench_x:start -->\n") and text.endswith("<!-- bench_x:end -->\n\nafter\n")


def test_a_page_without_the_block_is_refused_before_measuring(tmp_path, capsys):
    from benchmarks import record

    page = tmp_path / "speed.md"
    page.write_text("no markers\n", encoding="utf-8")
    args = type("Args", (), {"update": str(page)})()
    assert record.run("bench_x", args, [], lambda: print("measured")) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("bench_x: ") and len(err.splitlines()) == 1
    assert page.read_text(encoding="utf-8") == "no markers\n"


def test_the_capability_table_in_the_library_page_is_the_codes():
    from backprop import capabilities

    text = (ROOT / "docs" / "library.md").read_text(encoding="utf-8")
    block = text.split("<!-- capabilities:start -->\n")[1].split("<!-- capabilities:end -->")[0]
    assert block.strip() == capabilities.markdown_table()
