"""The documentation holds together: every relative link in README.md and docs/
reaches a file of the repository, and its anchor a heading of that file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def prose(path: Path) -> list[str]:
    """The lines outside fenced code blocks, inline code removed."""
    lines, fenced = [], False
    for line in path.read_text().splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append(re.sub(r"`[^`]*`", "", line))
    return lines


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as dashes."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    fenced, found = False, set()
    for line in path.read_text().splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (heading := re.match(r"#+ (.*)", line)):
            found.add(slug(heading.group(1)))
    return found


def relative_links(path: Path) -> list[str]:
    return [
        target
        for line in prose(path)
        for target in LINK.findall(line)
        if not re.match(r"[a-z]+:", target)  # https:, mailto:
    ]


def test_the_documents_are_there() -> None:
    names = {path.name for path in DOCUMENTS}
    assert {"README.md", "support.md", "operations.md", "postgresql.md"} <= names
    assert {"configuration.md", "performance.md", "guarantees.md"} <= names


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_every_relative_link_resolves(document: Path) -> None:
    for link in relative_links(document):
        file, _, anchor = link.partition("#")
        target = (document.parent / file).resolve() if file else document
        assert target.is_relative_to(ROOT), f"{document.name}: {link} leaves the repository"
        assert target.is_file(), f"{document.name}: {link} names no file"
        if anchor:
            assert anchor in anchors(target), f"{document.name}: {link} names no heading"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_no_document_points_outside_the_repository(document: Path) -> None:
    text = document.read_text()
    for outside in ("/work/", "../shared"):
        assert outside not in text, f"{document.name} names {outside}"
