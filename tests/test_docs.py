"""The README stays a front page, and every relative link of the README and the docs pages names a file."""

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
