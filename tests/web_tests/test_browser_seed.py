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
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def text_of(page: Any, selector: str) -> str:
    return str(page.locator(selector).inner_text()).strip()


def lines_of(page: Any, selector: str) -> list[str]:
    return [str(line).strip() for line in page.locator(selector).all_inner_texts()]


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
    assert text_of(page, "h1") == "Connexion à votre Espace personnel"
    screens.take(page, "sign-in")
    for _ in range(2):
        sign_in(page, NIR, "mauvais mot de passe")
        assert text_of(page, ".refusal") == "Identifiant ou mot de passe incorrect."
    screens.take(page, "sign-in-wrong-password")
    sign_in(page, NIR, "mauvais mot de passe")
    assert text_of(page, ".refusal") == (
        "Après 3 tentatives infructueuses, vos identifiants sont bloqués."
    )
    screens.take(page, "locked")

    # 2. Unlock: the wrong date of birth, next to the form; then the right one.
    page.get_by_role("link", name="Débloquez votre compte").click()
    assert text_of(page, "h1") == "Débloquez votre compte"
    assert text_of(page, "#dob-hint") == "Format : jj/mm/aaaa"
    screens.take(page, "unlock")
    page.get_by_label("N° de sécurité sociale ou adresse email").fill(NIR)
    page.get_by_label("Date de naissance").fill("16/10/1995")
    page.get_by_role("button", name="Valider").click()
    assert text_of(page, ".refusal") == (
        "Les informations saisies ne permettent pas de vous identifier. "
        "Vérifiez votre identifiant et votre date de naissance."
    )
    screens.take(page, "unlock-wrong-date-of-birth")
    page.get_by_label("Date de naissance").fill(DOB)
    page.get_by_role("button", name="Valider").click()

    # 3. Both channels are known: the member chooses the SMS.
    assert text_of(page, "legend") == (
        "Choisissez comment vous souhaitez recevoir vos identifiants de connexion :"
    )
    assert lines_of(page, "fieldset label") == ["Au *** ** 42 08", "A *****@orange.fr"]
    screens.take(page, "channel")
    page.get_by_label("Au *** ** 42 08").check()
    page.get_by_role("button", name="Envoyer").click()
    sent = lines_of(page, "main > p.message")
    assert sent[0].startswith(
        "Un SMS contenant un mot de passe temporaire a été envoyé au *** ** 42 08. "
        "Il est valable jusqu'à "
    )
    assert sent[1:] == [
        "Connectez-vous avec votre n° de sécurité sociale et ce mot de passe temporaire."
    ]
    screens.take(page, "sms-sent")

    # 4. The temporary password from the outbox's JSON file, then the new password.
    [sms] = outbox.sms_files()
    code = json.loads(sms.read_text())["code"]
    page.get_by_role("link", name="Se connecter").click()
    sign_in(page, NIR, code)
    assert urlsplit(page.url).path == "/new-password"
    assert text_of(page, "main > p") == (
        "Mot de passe temporaire accepté. Choisissez votre nouveau mot de passe."
    )
    screens.take(page, "new-password-after-sms")
    new_password_twice(page, NEW_PASSWORD)
    assert text_of(page, "h1") == "Mot de passe modifié"
    assert lines_of(page, "p.message") == [
        "Votre mot de passe a été modifié. Vous pouvez accéder à votre Espace personnel."
    ]
    screens.take(page, "password-changed-by-sms")

    # 5. Signed in with it.
    page.get_by_role("link", name="Se connecter").click()
    sign_in(page, NIR, NEW_PASSWORD)
    assert text_of(page, "h1") == "Espace personnel"
    assert lines_of(page, "p.message") == ["Connexion réussie"]
    screens.take(page, "signed-in")

    # 6. Forgotten password, by email: the registered address as identifier.
    page.goto(served.url + "/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    assert text_of(page, "h1") == "Mot de passe oublié"
    page.get_by_label("N° de sécurité sociale ou adresse email").fill(EMAIL)
    page.get_by_label("Date de naissance").fill(DOB)
    screens.take(page, "forgot")
    page.get_by_role("button", name="Valider").click()
    page.get_by_label("A *****@orange.fr").check()
    page.get_by_role("button", name="Envoyer").click()
    sent = lines_of(page, "main > p.message")
    assert sent[0].startswith(
        "Un email contenant un lien pour changer de mot de passe a été envoyé à "
        "*****@orange.fr. Il est valable jusqu'à "
    )
    assert sent[1:] == ["Cliquez sur le lien qu'il contient."]
    screens.take(page, "email-sent")

    # 7. The link, from the .eml's body (the standard library's parser), clicked
    # in a mail reader: the address bar no longer holds the token afterwards.
    [link] = [line for mail in outbox.mail_files() for line in body_lines(mail) if "token=" in line]
    assert link.startswith(served.url + "/reset?token=")
    page.goto(served.url + "/")
    page.set_content(f'<p>Votre lien : <a href="{link}">{link}</a></p>')
    page.get_by_role("link").click()
    page.get_by_label("Confirmez votre nouveau mot de passe").wait_for()
    address = urlsplit(page.url)
    assert address.path == "/new-password" and "token" not in page.url, page.url
    assert text_of(page, "main > p") == "Code vérifié. Choisissez votre nouveau mot de passe."
    screens.take(page, "new-password-after-link")
    new_password_twice(page, ANOTHER_PASSWORD)
    assert lines_of(page, "p.message") == [
        "Votre mot de passe a été modifié. Vous pouvez accéder à votre Espace personnel."
    ]
    screens.take(page, "password-changed-by-link")
    page.get_by_role("link", name="Se connecter").click()
    sign_in(page, NIR, ANOTHER_PASSWORD)
    assert lines_of(page, "p.message") == ["Connexion réussie"]
