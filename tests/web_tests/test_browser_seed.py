"""The seed scenario in a real headless browser, as a member clicks through it.

Debian's chromium (/usr/bin/chromium, installed by `.ci/run`) driven by
Playwright, never a browser downloaded by a tool; the real `sesame serve` on a
throw-away home. Every page is saved as a screenshot in the artefacts folder
(`SESAME_TEST_ARTIFACTS`, by default tests/artifacts/, ignored by git).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import DOB, EMAIL, FAST_ARGON2, MOBILE, NIR, PASSWORD
from web_server import Served, free_port, serve, write_config

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("SESAME_TEST_ARTIFACTS") or ROOT / "tests" / "artifacts")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless chromium for the session (a visible skip without it, a
    failure under CI, where `.ci/run` installs it)."""
    if not CHROMIUM.exists():
        reason = f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI must run the browser tests")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`sesame serve` on a fresh home with the member of the procedure."""
    home = tmp_path_factory.mktemp("browser") / "home"
    home.mkdir()
    port = free_port()
    write_config(home, port, argon2=FAST_ARGON2)
    with serve(home, port) as running:
        running.add_member(NIR, DOB, PASSWORD, "--email", EMAIL, "--mobile", MOBILE)
        yield running


class Screens:
    """Saves each page the member sees, numbered in the order seen."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def take(self, page: Any, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies), French, a laptop-sized window."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1000, "height": 700})
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_server_answers_in_the_browser(served: Served, page: Any) -> None:
    screens = Screens(ARTIFACTS / "browser")
    response = page.goto(served.url + "/")
    assert response is not None and response.status == 200
    screens.take(page, "home")
