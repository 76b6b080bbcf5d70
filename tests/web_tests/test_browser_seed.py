"""The seed scenario in a real headless browser, as a member clicks through it.

Debian's chromium (/usr/bin/chromium, installed by `.ci/run`) driven by
Playwright, never a browser downloaded by a tool; the real `sesame serve` on a
throw-away home. Every page is saved as a screenshot in the artefacts folder
(`SESAME_TEST_ARTIFACTS`, by default tests/artifacts/, ignored by git).
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from helpers import DOB, EMAIL, FAST_ARGON2, MOBILE, NEW_PASSWORD, NIR, PASSWORD, Home
from web_server import Served, free_port, serve, write_config

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
ANOTHER_PASSWORD = "Une autre phrase secrète"
CHANGED = "Votre mot de passe a été modifié. Vous pouvez accéder à votre Espace personnel."
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
    """Saves each page the member sees, numbered in the order seen (the last
    run's screenshots removed first: a run that stops halfway leaves no older
    pages after its own)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0

    def take(self, page: Any, name: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies), French; a small window (the full page is
    captured), so that the screenshots are not mostly blank."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 800, "height": 420})
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def shows(page: Any, selector: str, *texts: str | re.Pattern[str]) -> None:
    """The elements of `selector` hold exactly these texts, in order (waiting for
    the page a click leads to: Playwright's retrying assertion)."""
    from playwright.sync_api import expect

    expect(page.locator(selector)).to_have_text(list(texts))


def body_lines(mail: Path) -> list[str]:
    """The lines of an outbox `.eml`'s text body (the standard library's parser)."""
    message = email.message_from_bytes(mail.read_bytes(), policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content()).splitlines()


def sign_in(page: Any, ident: str, password: str) -> None:
    page.get_by_label("N° de sécurité sociale").fill(ident)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    page.get_by_role("button", name="Se connecter").click()


def new_password_twice(page: Any, password: str) -> None:
    page.get_by_label("Votre nouveau mot de passe", exact=True).fill(password)
    page.get_by_label("Confirmez votre nouveau mot de passe").fill(password)
    page.get_by_role("button", name="Valider").click()


def test_the_seed_scenario_in_a_browser(served: Served, page: Any) -> None:
    screens = Screens(ARTIFACTS / "browser")
    outbox = Home(served.home)

    # 1. Three wrong passwords: the third shows the procedure's text and its link.
    page.goto(served.url + "/")
    shows(page, "h1", "Connexion à votre Espace personnel")
    screens.take(page, "sign-in")
    sign_in(page, NIR, "mauvais mot de passe")
    shows(page, ".refusal", "Identifiant ou mot de passe incorrect.")
    sign_in(page, NIR, "mauvais mot de passe")
    shows(page, ".refusal", "Identifiant ou mot de passe incorrect.")
    screens.take(page, "sign-in-wrong-password")
    sign_in(page, NIR, "mauvais mot de passe")
    shows(page, "h1", "Demande refusée")
    shows(page, ".refusal", "Après 3 tentatives infructueuses, vos identifiants sont bloqués.")
    screens.take(page, "locked")

    # 2. Unlock: the wrong date of birth, refused on the form; then the right one.
    page.get_by_role("link", name="Débloquez votre compte").click()
    shows(page, "h1", "Débloquez votre compte")
    shows(page, "#dob-hint", "Format : jj/mm/aaaa")
    screens.take(page, "unlock")
    page.get_by_label("N° de sécurité sociale ou adresse email").fill(NIR)
    page.get_by_label("Date de naissance").fill("16/10/1995")
    page.get_by_role("button", name="Valider").click()
    shows(
        page,
        ".refusal",
        "Les informations saisies ne permettent pas de vous identifier. "
        "Vérifiez votre identifiant et votre date de naissance.",
    )
    screens.take(page, "unlock-wrong-date-of-birth")
    page.get_by_label("Date de naissance").fill(DOB)
    page.get_by_role("button", name="Valider").click()

    # 3. Both channels are known: the member chooses the SMS.
    shows(
        page, "legend", "Choisissez comment vous souhaitez recevoir vos identifiants de connexion :"
    )
    shows(page, "fieldset label", "Au *** ** 42 08", "A *****@orange.fr")
    screens.take(page, "channel")
    page.get_by_label("Au *** ** 42 08").check()
    page.get_by_role("button", name="Envoyer").click()
    shows(
        page,
        "main > p.message",
        re.compile(
            r"^Un SMS contenant un mot de passe temporaire a été envoyé au \*\*\* \*\* 42 08\. "
            r"Il est valable jusqu'à \d\d/\d\d/\d{4} \d\d:\d\d\.$"
        ),
        "Connectez-vous avec votre n° de sécurité sociale et ce mot de passe temporaire.",
    )
    screens.take(page, "sms-sent")

    # 4. The temporary password from the outbox's JSON file, then the new password.
    [sms] = outbox.sms_files()
    code = json.loads(sms.read_text())["code"]
    page.get_by_role("link", name="Se connecter").click()
    sign_in(page, NIR, code)
    shows(
        page, "main > p", "Mot de passe temporaire accepté. Choisissez votre nouveau mot de passe."
    )
    assert urlsplit(page.url).path == "/new-password"
    screens.take(page, "new-password-after-sms")
    new_password_twice(page, NEW_PASSWORD)
    shows(page, "h1", "Mot de passe modifié")
    shows(page, "p.message", CHANGED)
    screens.take(page, "password-changed-by-sms")

    # 5. Signed in with it.
    page.get_by_role("link", name="Se connecter").click()
    sign_in(page, NIR, NEW_PASSWORD)
    shows(page, "h1", "Espace personnel")
    shows(page, "p.message", "Connexion réussie")
    screens.take(page, "signed-in")

    # 6. Forgotten password, by email: the registered address as identifier.
    page.goto(served.url + "/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    shows(page, "h1", "Mot de passe oublié")
    page.get_by_label("N° de sécurité sociale ou adresse email").fill(EMAIL)
    page.get_by_label("Date de naissance").fill(DOB)
    screens.take(page, "forgot")
    page.get_by_role("button", name="Valider").click()
    page.get_by_label("A *****@orange.fr").check()
    page.get_by_role("button", name="Envoyer").click()
    shows(
        page,
        "main > p.message",
        re.compile(
            r"^Un email contenant un lien pour changer de mot de passe a été envoyé à "
            r"\*\*\*\*\*@orange\.fr\. Il est valable jusqu'à \d\d/\d\d/\d{4} \d\d:\d\d\.$"
        ),
        "Cliquez sur le lien qu'il contient.",
    )
    screens.take(page, "email-sent")

    # 7. The link, from the .eml's body (the standard library's parser), clicked
    # in a mail reader: the address bar no longer holds the token afterwards.
    [link] = [line for mail in outbox.mail_files() for line in body_lines(mail) if "token=" in line]
    assert link.startswith(served.url + "/reset?token=")
    page.goto("about:blank")  # the mail reader: another site
    page.set_content(f'<p>Votre lien : <a href="{link}">{link}</a></p>')
    page.get_by_role("link").click()
    shows(page, "main > p", "Code vérifié. Choisissez votre nouveau mot de passe.")
    assert urlsplit(page.url).path == "/new-password" and "token" not in page.url, page.url
    screens.take(page, "new-password-after-link")
    # Nor does the history: one step back is the mail reader's page.
    page.go_back()
    assert page.url == "about:blank", page.url
    page.go_forward()
    shows(page, "main > p", "Code vérifié. Choisissez votre nouveau mot de passe.")
    new_password_twice(page, ANOTHER_PASSWORD)
    shows(page, "p.message", CHANGED)
    screens.take(page, "password-changed-by-link")
    page.get_by_role("link", name="Se connecter").click()
    sign_in(page, NIR, ANOTHER_PASSWORD)
    shows(page, "p.message", "Connexion réussie")

    # 8. The switch at the top of every page: English, remembered.
    page.goto(served.url + "/")
    page.get_by_role("link", name="English").click()
    shows(page, "h1", "Sign in to your personal space")
    page.get_by_role("link", name="Forgotten password?").click()
    shows(page, "h1", "Forgotten password")
    screens.take(page, "forgot-in-english")
