"""Every refusal the commands know has its page: the catalogue's text (without the
command-line next step) and the next step as links."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from helpers import DOB, EMAIL, NIR, PASSWORD, Run
from web_pages import Pages, text_of

RESTART = (
    '<a href="/unlock">Débloquez votre compte</a>\n<a href="/forgot">Mot de passe oublié ?</a>'
)


def link_path(pages: Pages) -> str:
    return "/reset?" + urlsplit(pages.home.last_link().strip()).query


def test_disabled_account(pages: Pages, sesame: Callable[..., Run]) -> None:
    assert sesame("account", "disable", NIR, "--reason", "fraude").exit_code == 0
    # Only the right password tells (a wrong one is a wrong one).
    response = pages.post("/login", {"ident": NIR, "password": PASSWORD})
    assert response.status_code == 200
    assert "Votre compte est désactivé. Contactez le support." in text_of(response)


def test_not_locked_links_to_the_forgotten_password(pages: Pages) -> None:
    response = pages.post("/unlock", {"ident": NIR, "dob": DOB})
    text = text_of(response)
    assert "Votre compte n'est pas bloqué." in text
    assert "sesame" not in text.replace("Espace personnel", "")
    assert '<a href="/forgot">Mot de passe oublié ?</a>' in response.get_data(as_text=True)
    form = text_of(pages.get("/forgot"))
    assert "Mot de passe oublié" in form and "Date de naissance Format : jj/mm/aaaa" in form


def test_not_locked_in_english(pages: Pages) -> None:
    pages.lang = "en"
    text = text_of(pages.post("/unlock", {"ident": NIR, "dob": DOB}))
    assert "Your account is not locked." in text and "Forgotten password?" in text


def test_errors_are_next_to_their_field(pages: Pages) -> None:
    response = pages.post("/unlock", {"ident": "123", "dob": "1/2/2000"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.count('role="alert"') == 2
    assert 'id="ident-error"' in body and 'id="dob-error"' in body
    assert 'value="1/2/2000"' in body


def test_an_expired_link(pages: Pages, clock: object) -> None:
    pages.post("/forgot", {"ident": EMAIL, "dob": DOB})
    pages.post("/channel", {"channel": "email"})
    clock.advance(1801)  # type: ignore[attr-defined]
    opened = pages.get(link_path(pages))
    assert opened.headers["Location"] == "/refused/code_expired"
    page = pages.get("/refused/code_expired")
    assert "Ce mot de passe temporaire ou ce lien a expiré." in text_of(page)
    assert RESTART in page.get_data(as_text=True)


def test_an_invalid_link(pages: Pages) -> None:
    opened = pages.get("/reset?token=" + "A" * 43)
    assert opened.headers["Location"] == "/refused/code_invalid"
    assert "Mot de passe temporaire ou lien invalide." in text_of(
        pages.get(opened.headers["Location"])
    )
    assert pages.get("/reset?token=<script>").headers["Location"] == "/refused/code_invalid"


def test_an_expired_request_before_its_channel(pages: Pages, clock: object) -> None:
    for _ in range(3):
        pages.post("/login", {"ident": NIR, "password": "faux"})
    assert "Choisissez comment" in text_of(pages.post("/unlock", {"ident": NIR, "dob": DOB}))
    clock.advance(901)  # type: ignore[attr-defined]
    response = pages.post("/channel", {"channel": "sms"})
    assert "Votre demande a expiré." in text_of(response)
    assert RESTART in response.get_data(as_text=True)


def test_an_unavailable_channel(pages: Pages) -> None:
    for _ in range(3):
        pages.post("/login", {"ident": NIR, "password": "faux"})
    pages.post("/unlock", {"ident": NIR, "dob": DOB})
    response = pages.post("/channel", {"channel": "fax"})
    assert "Cette page a expiré ou la demande est déjà terminée." in text_of(response)


def test_identity_checks_are_slowed_down(pages: Pages) -> None:
    for _ in range(5):
        pages.post("/unlock", {"ident": NIR, "dob": "01/01/1990"})
    response = pages.post("/unlock", {"ident": NIR, "dob": DOB})
    assert response.status_code == 429
    assert "Trop de tentatives. Réessayez dans 900 secondes." in text_of(response)


def test_a_page_without_its_state(pages: Pages) -> None:
    for path in ("/channel", "/new-password"):
        response = pages.post(path, {"channel": "sms", "password": "x", "confirmation": "x"})
        assert "Cette page a expiré ou la demande est déjà terminée." in text_of(response)


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("code_used", "Ce mot de passe temporaire ou ce lien a déjà été utilisé."),
        ("too_many_attempts", "Trop d'essais : la demande est annulée."),
        ("flow_expired", "Votre demande a expiré."),
        ("no_open_flow", "Aucune demande de déblocage en cours."),
    ],
)
def test_refusal_pages_by_code(pages: Pages, code: str, text: str) -> None:
    response = pages.get(f"/refused/{code}")
    assert response.status_code == 200
    assert text in text_of(response)
    assert "sesame " not in text_of(response)


def test_unknown_pages_are_404(pages: Pages) -> None:
    for path in ("/refused/internal_error", "/refused/whatever", "/admin"):
        response = pages.get(path)
        assert response.status_code == 404
        assert "Page introuvable." in text_of(response)
