"""The message catalogue: complete in both languages, exact where the product quotes it."""

from __future__ import annotations

import re
import string

import pytest

from engine import messages
from engine.message_templates import NO_OVERRIDES
from engine.messages import LANGS, error_message, has, text

CATALOGUE = messages._T
KEYS = sorted(CATALOGUE)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("key", KEYS)
def test_every_key_has_french_and_english(key: str) -> None:
    fr, en = CATALOGUE[key]
    assert fr.strip()
    assert en.strip()
    assert placeholders(fr) == placeholders(en)


@pytest.mark.parametrize("key", KEYS)
def test_each_language_gets_its_own_column(key: str) -> None:
    """`text` picks the French column for "fr" and the English one for "en"."""
    params = _dummy(key)
    for lang, template in zip(LANGS, CATALOGUE[key], strict=True):
        assert text(key, lang, params) == template.format(**params)


ALL_REASONS = (
    "too_short",
    "too_long",
    "contains_nir",
    "contains_birth_date",
    "contains_email",
    "contains_service_name",
    "blocklisted",
    "reused",
)


@pytest.mark.parametrize("lang", LANGS)
def test_weak_password_lists_each_reason_on_its_own_line(lang: str) -> None:
    params = {"reasons": ALL_REASONS, "min_length": 12, "history": 4}
    lines = error_message("weak_password", None, params, lang).split("\n")
    assert lines[0] == text("weak_password", lang)
    assert lines[1:] == ["- " + text(f"weak.{reason}", lang, params) for reason in ALL_REASONS]
    assert len(lines) == 9


def test_reused_and_blocklisted_exact_texts() -> None:
    params = {"reasons": ("contains_service_name", "blocklisted", "reused"), "history": 4}
    assert error_message("weak_password", None, params, "fr") == (
        "Votre nouveau mot de passe est refusé :\n"
        "- il contient le nom du service\n"
        "- il figure dans une liste de mots de passe courants ou divulgués\n"
        "- il fait partie de vos 4 derniers mots de passe"
    )
    assert error_message("weak_password", None, params, "en") == (
        "Your new password is refused:\n"
        "- it contains the name of the service\n"
        "- it is on a list of common or breached passwords\n"
        "- it is one of your last 4 passwords"
    )


def test_weak_password_exact_texts() -> None:
    params = {"reasons": ("too_short", "contains_birth_date"), "min_length": 12}
    assert error_message("weak_password", None, params, "fr") == (
        "Votre nouveau mot de passe est refusé :\n"
        "- il contient moins de 12 caractères\n"
        "- il contient votre date de naissance"
    )
    assert error_message("weak_password", None, params, "en") == (
        "Your new password is refused:\n"
        "- it is shorter than 12 characters\n"
        "- it contains your date of birth"
    )


def test_account_not_locked_points_to_forgot() -> None:
    message = text("account_not_locked", "fr", {"ident": "X"})
    assert message.startswith("Votre compte n'est pas bloqué.\n")
    first, second = message.split("\n")
    assert first == "Votre compte n'est pas bloqué."
    assert "sesame forgot" in second
    assert second == "Si vous avez oublié votre mot de passe : sesame forgot X --dob jj/mm/aaaa"


def test_logged_in() -> None:
    assert text("logged_in", "fr") == "Connexion réussie"
    assert text("logged_in", "en") == "Logged in"


def test_account_locked_names_the_identifier_or_a_placeholder() -> None:
    params = {"max_failed_attempts": 3, "ident": "185057800608436"}
    assert error_message("account_locked", None, params, "fr") == (
        "Après 3 tentatives infructueuses, vos identifiants sont bloqués.\n"
        "Débloquez votre compte : sesame unlock 185057800608436 --dob jj/mm/aaaa"
    )
    assert error_message("account_locked", None, {"max_failed_attempts": 3}, "en") == (
        "After 3 failed attempts your credentials are locked.\n"
        "Unlock your account: sesame unlock <identifier> --dob dd/mm/yyyy"
    )


def test_rate_limited_says_how_long() -> None:
    assert error_message("rate_limited", None, {"retry_after": 40}, "fr") == (
        "Trop de tentatives. Réessayez dans 40 secondes."
    )


@pytest.mark.parametrize(
    ("code", "reason", "expected"),
    [
        ("no_such_code", None, "Erreur interne : no_such_code"),
        ("invalid_input", "no_such_reason", "Erreur interne : invalid_input: no_such_reason"),
        ("storage_unavailable", "nope", "Erreur interne : storage_unavailable: nope"),
    ],
)
def test_unknown_code_falls_back_to_internal_error(
    code: str, reason: str | None, expected: str
) -> None:
    assert error_message(code, reason, {"key": "ignored"}, "fr") == expected


@pytest.mark.parametrize(
    ("reason", "params", "lang", "expected"),
    [
        (
            "schema_outdated",
            {"current": "0001", "head": "0002"},
            "fr",
            "La base est à la révision 0001 du schéma, sesame attend 0002. "
            "Mettez-la à jour : sesame db upgrade",
        ),
        (
            "schema_newer",
            {"current": "0003", "head": "0002"},
            "en",
            "The database is at revision 0003, newer than this sesame knows (0002). "
            "Upgrade sesame.",
        ),
        (
            "database",
            {"detail": "disk I/O error"},
            "en",
            "Database unavailable: disk I/O error",
        ),
        (
            "not_sesame",
            {"detail": "no accounts table"},
            "fr",
            "Ce fichier n'est pas une base sesame (no accounts table). Vérifiez --db ou SESAME_DB.",
        ),
        (
            "outbox",
            {"detail": "permission denied"},
            "en",
            "Cannot write to the outbox (permission denied). The change is saved and the "
            "message stays queued: fix it, then run sesame outbox flush",
        ),
        (
            "driver_missing",
            {"detail": "psycopg"},
            "en",
            "Database driver missing (psycopg). For PostgreSQL: pip install 'sesame[postgres]'",
        ),
    ],
)
def test_storage_reasons_render(
    reason: str, params: dict[str, object], lang: str, expected: str
) -> None:
    assert error_message("storage_unavailable", reason, params, lang) == expected


def test_storage_without_reason_uses_the_generic_text() -> None:
    assert error_message("storage_unavailable", None, {"detail": "busy"}, "en") == (
        "Storage unavailable: busy"
    )


def test_invalid_input_reason_renders() -> None:
    assert error_message("invalid_input", "nir_length", {"length": 14}, "fr") == (
        "N° de sécurité sociale invalide : 15 caractères attendus, 14 saisis."
    )


def test_every_reason_key_is_reachable_through_error_message() -> None:
    for key in KEYS:
        prefix, _, reason = key.partition(".")
        if prefix == "invalid":
            assert has(key)
            message = error_message("invalid_input", reason, _dummy(key), "en")
            assert not message.startswith("Internal error")
        if prefix == "storage":
            message = error_message("storage_unavailable", reason, _dummy(key), "en")
            assert not message.startswith("Internal error")


def _dummy(key: str) -> dict[str, object]:
    return {name: "x" for name in placeholders(CATALOGUE[key][1])}


def test_text_without_params_leaves_the_template() -> None:
    assert text("choose_channel", "en") == "Choose how you want to receive your sign-in details:"


SECRET = "Zx7kQ9mR4t"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    ("key", "slot", "value"),
    [
        ("sms_temporary_password", "code", SECRET),
        ("email_reset_link", "link", f"https://example.fr/r?token={SECRET}"),
    ],
)
def test_the_redaction_marker_leaves_the_secret_alone_in_the_words_that_differ(
    lang: str, key: str, slot: str, value: str
) -> None:
    """Delivery scrubs echoes of the words that are in a message but not in its
    redacted copy: that difference must be exactly the secret, and the marker
    must stand out in the copy `outbox show` prints."""
    params = {"organization": "Espace personnel", "minutes": 10, "destination": "*** ** 42 08"}
    body = NO_OVERRIDES.render(key, lang, {**params, slot: value})
    redacted = NO_OVERRIDES.render(
        key, lang, {**params, slot: value.replace(SECRET, messages.REDACTED)}
    )
    assert set(_words(body)) - set(_words(redacted)) == {SECRET}
    marker = set(_words(messages.REDACTED))
    assert marker, "an empty marker would not show where the secret was"
    assert marker <= set(_words(redacted))
    assert not marker & set(_words(body)), "the marker must not read as the message's text"


def _words(message: str) -> list[str]:
    """A message's words as `db.delivery_scrub` splits them."""
    return [word for word in re.split(r"[\s?&=]+", message) if word]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "Base de données indisponible : /srv/typo.db : fichier introuvable"),
        ("en", "Database unavailable: /srv/typo.db: no such file"),
    ],
)
def test_a_detail_named_by_key_is_in_the_users_language(lang: str, expected: str) -> None:
    params = {"detail_key": "no_such_file", "path": "/srv/typo.db"}
    assert error_message("storage_unavailable", "database", params, lang) == expected


def test_the_identifier_placeholder_is_in_the_users_language() -> None:
    french = error_message("account_locked", None, {"max_failed_attempts": 3}, "fr")
    assert french.endswith("sesame unlock <identifiant> --dob jj/mm/aaaa")
