"""The operator's message templates: what a file may say, and what an SMS costs."""

from __future__ import annotations

import pytest

from engine.errors import SesameError
from engine.languages import LANGS
from engine.message_templates import (
    NO_OVERRIDES,
    SPECS,
    Templates,
    check_template,
    default_text,
)
from engine.messages import error_message
from engine.policy import Policy
from engine.sms_encoding import sms_size
from engine.template_values import sample_values

SMS = SPECS["sms_temporary_password"]
LINK = SPECS["email_reset_link"]
SUBJECT = SPECS["email_reset_link.subject"]
PATH = "/home/op/templates/fr/x.txt"


@pytest.mark.parametrize("name", list(SPECS))
@pytest.mark.parametrize("lang", LANGS)
def test_every_default_passes_the_check_an_operators_file_gets(name: str, lang: str) -> None:
    """One source of truth: the catalogue's wording is a template like any other."""
    assert check_template(SPECS[name], default_text(name, lang), PATH) == default_text(name, lang)


@pytest.mark.parametrize(
    ("spec", "raw", "expected"),
    [
        (SMS, "$organization\n$code\n", "$organization\n$code"),
        (
            SMS,
            "Code :\r\n  ${code}  \r\nValable $minutes min.\r\n",
            "Code :\n  ${code}  \nValable $minutes min.",
        ),
        (SMS, "Prix : 5 $$\n$code", "Prix : 5 $$\n$code"),
        (SUBJECT, "$organization : nouveau mot de passe\n", "$organization : nouveau mot de passe"),
        (LINK, "Bonjour,\n\n$link\n\n$destination\n", "Bonjour,\n\n$link\n\n$destination\n"),
    ],
    ids=[
        "final-newline-dropped",
        "crlf-and-spaces",
        "dollar-sign",
        "subject",
        "body-keeps-newline",
    ],
)
def test_a_valid_template_is_kept_as_it_will_be_used(spec, raw: str, expected: str) -> None:
    assert check_template(spec, raw, PATH) == expected


@pytest.mark.parametrize(
    ("spec", "raw", "reason", "params"),
    [
        (SMS, "\n\n", "empty", {}),
        (SMS, "$code\n" + "x" * 1000, "length", {"high": 1000}),
        (SUBJECT, "x" * 201, "length", {"high": 200}),
        (SUBJECT, "Objet\nsur deux lignes", "subject_line", {}),
        (SMS, "$code\nun\ttab", "text", {"line": 2, "char": "U+0009"}),
        (SMS, "$code\nzéro\u200blargeur", "text", {"line": 2, "char": "U+200B"}),
        (SMS, "\ufeff$code", "text", {"line": 1, "char": "U+FEFF"}),
        (SMS, "$code\n\n5 $ seulement", "syntax", {"line": 3}),
        (SMS, "$code\n${code", "syntax", {"line": 2}),
        (SMS, "$code\n$link", "placeholder",
         {"placeholder": "$link", "allowed": "$code, $minutes, $organization, $destination"}),
        (SUBJECT, "$code", "placeholder",
         {"placeholder": "$code", "allowed": "$minutes, $organization"}),
        (SMS, "Votre code arrive bientôt.", "required", {"placeholder": "$code"}),
        (SMS, "Code : $code", "required", {"placeholder": "$code"}),
        (SMS, "$code\n$code", "required", {"placeholder": "$code"}),
        (SMS, "$$code", "required", {"placeholder": "$code"}),
        (LINK, "Cliquez : $link", "required", {"placeholder": "$link"}),
    ],
    ids=[
        "empty", "sms-too-long", "subject-too-long", "subject-two-lines", "tab",
        "zero-width-space", "byte-order-mark", "lone-dollar", "unclosed-brace",
        "unknown-placeholder", "secret-in-a-subject", "no-code", "code-inside-a-line",
        "code-twice", "escaped-dollar-is-no-code", "link-inside-a-line",
    ],
)  # fmt: skip
def test_a_template_is_refused_naming_its_file(
    spec, raw: str, reason: str, params: dict[str, object]
) -> None:
    with pytest.raises(SesameError) as caught:
        check_template(spec, raw, PATH)
    assert caught.value.reason == f"config_template_{reason}"
    assert dict(caught.value.params) == {"path": PATH, **params}
    assert dict(caught.value.details) == {"file": PATH}


@pytest.mark.parametrize(
    ("reason", "params", "expected"),
    [
        ("required", {"placeholder": "$code"},
         "Message template /t/fr/x.txt: $code must appear once, alone on its line (the line "
         "scripts receive and that is erased after sending)."),
        ("syntax", {"line": 3},
         "Message template /t/fr/x.txt, line 3: a $ starts no placeholder (write $name or "
         "${name}, and $$ for a dollar sign)."),
        ("placeholder", {"placeholder": "$link", "allowed": "$code, $minutes"},
         "Message template /t/fr/x.txt: unknown placeholder $link (allowed: $code, $minutes)."),
    ],
)  # fmt: skip
def test_the_refusal_names_the_file(reason: str, params: dict[str, object], expected: str) -> None:
    message = error_message(
        "invalid_input", f"config_template_{reason}", {"path": "/t/fr/x.txt", **params}, "en"
    )
    assert message == expected


def test_an_override_replaces_one_language_only() -> None:
    templates = Templates({("sms_temporary_password", "fr"): "Code $organization :\n$code"})
    values = {"code": "ABC", "organization": "Ameli", "minutes": 10, "destination": "x"}
    assert templates.render("sms_temporary_password", "fr", values) == "Code Ameli :\nABC"
    assert templates.render("sms_temporary_password", "en", values) == NO_OVERRIDES.render(
        "sms_temporary_password", "en", values
    )


@pytest.mark.parametrize(
    ("text", "encoding", "places", "segments"),
    [
        ("", "GSM-7", 0, 1),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("é è à ù ì ò É Ç Ä ñ ß Ø Å Δ £ ¥ § ¿ ¡ @ _", "GSM-7", 41, 1),
        ("€" * 80, "GSM-7", 160, 1),
        ("€" * 81, "GSM-7", 162, 2),
        ("[]{}^~|\\", "GSM-7", 16, 1),
        # An escape is never split from its character: the 153rd place stays empty.
        ("a" * 152 + "€" + "a" * 152, "GSM-7", 306, 3),
        ("ç", "UCS-2", 1, 1),
        ("ê", "UCS-2", 1, 1),
        ("n°", "UCS-2", 2, 1),
        ("ç" * 70, "UCS-2", 70, 1),
        ("ç" * 71, "UCS-2", 71, 2),
        ("ç" * 134, "UCS-2", 134, 2),
        ("ç" * 135, "UCS-2", 135, 3),
        # One accent outside GSM-7 halves the room of the whole text.
        ("a" * 159 + "ê", "UCS-2", 160, 3),
        ("😀" * 35, "UCS-2", 70, 1),
        ("a" * 66 + "😀" + "a", "UCS-2", 69, 1),
        ("a" * 66 + "😀" + "a" * 4, "UCS-2", 72, 2),
    ],
)
def test_the_encoding_and_the_number_of_sms(
    text: str, encoding: str, places: int, segments: int
) -> None:
    size = sms_size(text)
    assert (size.encoding, size.places, size.segments) == (encoding, places, segments)


@pytest.mark.parametrize(
    ("lang", "encoding", "places", "segments"),
    [("fr", "UCS-2", 154, 3), ("en", "GSM-7", 129, 1)],
)
def test_the_default_sms_at_its_longest(
    lang: str, encoding: str, places: int, segments: int
) -> None:
    """The procedure's French wording has `n°`: outside GSM-7, three UCS-2 parts."""
    text = NO_OVERRIDES.render(SMS.name, lang, sample_values(SMS, Policy()))
    size = sms_size(text)
    assert (size.encoding, size.places, size.segments) == (encoding, places, segments)


def test_the_sample_values_are_as_long_as_the_real_ones() -> None:
    policy = Policy(organization="Caisse primaire", sms_code_ttl_seconds=61)
    assert sample_values(SMS, policy) == {
        "code": "23456789AB",
        "minutes": "2",
        "organization": "Caisse primaire",
        "destination": "*** ** 56 78",
    }
    link = sample_values(LINK, policy)["link"]
    assert link.startswith("https://espace-personnel.example/reinitialiser?token=")
    assert len(link.rpartition("=")[2]) == 43  # secrets.token_urlsafe(32)
