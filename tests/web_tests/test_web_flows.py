"""The whole procedure over HTTP: sign in ×3, locked, unlock, SMS, new password; then
forgotten password by email, the link, the new password (Flask's test client)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from helpers import DOB, EMAIL, NEW_PASSWORD, NIR, PASSWORD, Home, Run
from web_pages import Pages, make_pages, text_of

LOCKED = "Après 3 tentatives infructueuses, vos identifiants sont bloqués."


def sign_in(pages: Pages, password: str, ident: str = NIR) -> object:
    return pages.post("/login", {"ident": ident, "password": password})


def test_sign_in_page_in_french_by_default(pages: Pages) -> None:
    response = pages.get("/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Connexion à votre Espace personnel" in text
    assert "N° de sécurité sociale Mot de passe Se connecter" in text
    assert "Débloquez votre compte Mot de passe oublié ?" in text


def test_sign_in_page_in_english_by_accept_language(pages: Pages) -> None:
    pages.lang = "en-GB,en;q=0.9"
    text = text_of(pages.get("/"))
    assert "Sign in to your personal space" in text
    assert "Social-security number Password Sign in" in text


def test_the_switch_keeps_the_language_for_the_next_pages(pages: Pages) -> None:
    assert "Français" in text_of(pages.get("/?lang=en"))
    assert "Unlock your account" in text_of(pages.get("/unlock"))


def test_a_right_password_signs_in(pages: Pages) -> None:
    response = sign_in(pages, PASSWORD)
    assert response.status_code == 200
    assert "Connexion réussie" in text_of(response)


def test_three_failures_lock_with_a_link_to_unlock(pages: Pages) -> None:
    for _ in range(2):
        response = sign_in(pages, "mauvais mot de passe")
        assert "Identifiant ou mot de passe incorrect." in text_of(response)
    response = sign_in(pages, "mauvais mot de passe")
    assert response.status_code == 200
    assert text_of(response).count(LOCKED) == 1
    assert '<a href="/unlock">Débloquez votre compte</a>' in response.get_data(as_text=True)
    assert "sesame unlock" not in text_of(response)
    # Even the right password now: the same page.
    assert LOCKED in text_of(sign_in(pages, PASSWORD))


def lock(pages: Pages) -> None:
    for _ in range(3):
        sign_in(pages, "mauvais mot de passe")


def test_the_sms_path_whole(pages: Pages) -> None:
    lock(pages)
    wrong = pages.post("/unlock", {"ident": NIR, "dob": "16/10/1995"})
    assert "Les informations saisies ne permettent pas de vous identifier." in text_of(wrong)
    chooser = pages.post("/unlock", {"ident": NIR, "dob": DOB})
    text = text_of(chooser)
    assert "Choisissez comment vous souhaitez recevoir vos identifiants de connexion :" in text
    assert "Au *** ** 42 08 A *****@orange.fr Envoyer" in text
    sent = pages.post("/channel", {"channel": "sms"})
    text = text_of(sent)
    assert "Un SMS contenant un mot de passe temporaire a été envoyé au *** ** 42 08." in text
    assert "Connectez-vous avec votre n° de sécurité sociale et ce mot de passe temporaire." in text
    code = pages.home.last_sms_code()
    accepted = sign_in(pages, code)
    assert accepted.status_code == 303
    assert accepted.headers["Location"] == "/new-password"
    form = pages.get("/new-password")
    assert "Mot de passe temporaire accepté." in text_of(form)
    weak = pages.post("/new-password", {"password": "court", "confirmation": "court"})
    assert "Votre nouveau mot de passe est refusé :" in text_of(weak)
    # The refused new password consumed nothing: the temporary password still works.
    mismatch = pages.post("/new-password", {"password": NEW_PASSWORD, "confirmation": "autre"})
    assert "Les deux mots de passe saisis ne sont pas identiques." in text_of(mismatch)
    done = pages.post("/new-password", {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert done.status_code == 200
    assert "Vous pouvez accéder à votre Espace personnel." in text_of(done)
    assert "Connexion réussie" in text_of(sign_in(pages, NEW_PASSWORD))
    # The temporary password is spent.
    assert "Connexion réussie" not in text_of(sign_in(pages, code))


def test_the_email_path_whole(pages: Pages) -> None:
    sent = pages.post("/forgot", {"ident": "marie.dupont@orange.fr", "dob": DOB})
    assert "Choisissez comment" in text_of(sent)
    sent = pages.post("/channel", {"channel": "email"})
    assert "Un email contenant un lien pour changer de mot de passe a été envoyé à" in text_of(sent)
    # The link points at the policy's reset_url: its query, opened on these pages.
    path = "/reset?" + urlsplit(pages.home.last_link().strip()).query
    opened = pages.get(path)
    assert opened.status_code == 303
    assert opened.headers["Location"] == "/new-password"
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    form = pages.get("/new-password")
    assert "token" not in form.get_data(as_text=True)
    assert "Code vérifié. Choisissez votre nouveau mot de passe." in text_of(form)
    done = pages.post("/new-password", {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert (
        "Votre mot de passe a été modifié. Vous pouvez accéder à votre Espace personnel."
        in text_of(done)
    )
    # The link again: used, and the token leaves the URL all the same.
    again = pages.get(path)
    assert again.status_code == 303
    assert again.headers["Location"] == "/refused/code_used"
    assert "Ce mot de passe temporaire ou ce lien a déjà été utilisé." in text_of(
        pages.get("/refused/code_used")
    )


def test_no_sms_arrives_so_the_email_instead(pages: Pages) -> None:
    lock(pages)
    pages.post("/unlock", {"ident": NIR, "dob": DOB})
    sent = pages.post("/channel", {"channel": "sms"})
    assert (
        "Si vous ne recevez aucun SMS, refaites l'opération en choisissant l'adresse email : "
        "A *****@orange.fr" in text_of(sent)
    )
    again = pages.post("/channel", {"channel": "email"})
    assert (
        "Un email contenant un lien pour changer de mot de passe a été envoyé à *****@orange.fr"
        in (text_of(again))
    )
    assert len(pages.home.mail_files()) == 2  # the lock notice, then the link


def test_only_one_usable_channel_is_chosen_and_said(home: Home, member: Callable[..., Run]) -> None:
    member(email=EMAIL, mobile="+590 690 12 34 56")  # an overseas mobile: never for SMS
    pages = make_pages(home)
    sent = pages.post("/forgot", {"ident": NIR, "dob": DOB})
    text = text_of(sent)
    assert "Seule votre adresse email est connue : elle a été utilisée automatiquement." in text
    assert "Un email contenant un lien" in text and "SMS" not in text
    refused = pages.post("/channel", {"channel": "sms"})
    assert "Ce canal n'est pas disponible pour votre compte." in text_of(refused)


def test_the_whole_sms_path_in_english(pages: Pages) -> None:
    pages.lang = "en"
    lock(pages)
    locked = text_of(sign_in(pages, "wrong"))
    assert "After 3 failed attempts your credentials are locked. Unlock your account" in locked
    chooser = text_of(pages.post("/unlock", {"ident": NIR, "dob": DOB}))
    assert "Choose how you want to receive your sign-in details:" in chooser
    sent = text_of(pages.post("/channel", {"channel": "sms"}))
    assert "An SMS with a temporary password was sent to *** ** 42 08." in sent
    sign_in(pages, pages.home.last_sms_code())
    form = text_of(pages.get("/new-password"))
    assert "Temporary password accepted. Choose your new password." in form
    done = pages.post("/new-password", {"password": NEW_PASSWORD, "confirmation": NEW_PASSWORD})
    assert "Your password has been changed. You can access your personal space." in text_of(done)


def test_a_link_opened_from_another_site_continues_once_from_ours(pages: Pages) -> None:
    """A navigation from the webmail does not send the SameSite=Strict cookie: the
    page without its cookie refreshes itself once from our site (which sends it)."""
    pages.client.delete_cookie("sesame")
    page = pages.get("/new-password")
    body = page.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="0; url=/new-password?again=1">' in body
    assert "Votre lien est valide." in text_of(page)
    # No new cookie: it would replace the one the link's state is tied to.
    assert page.headers.get("Set-Cookie") is None
    again = pages.get("/new-password?again=1")
    assert "Cette page a expiré ou la demande est déjà terminée." in text_of(again)
