"""The common email address read without email-validator gets the library's answer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.plain_email import _PLAIN, RESERVED_DOMAINS, plain_email


def _library(text: str) -> str | None:
    """The reference: email-validator's normalised form, lower-cased, or None."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def test_the_reserved_domains_are_the_librarys():
    from email_validator import SPECIAL_USE_DOMAIN_NAMES

    assert set(SPECIAL_USE_DOMAIN_NAMES) == RESERVED_DOMAINS


@settings(database=None, deadline=None)  # a loaded machine: no deadline
@given(st.from_regex(_PLAIN, fullmatch=True))
def test_every_plain_address_is_what_the_library_makes_of_it(text: str) -> None:
    plain = plain_email(text)
    assert plain is None or plain == _library(text)


@settings(database=None, deadline=None)  # a loaded machine: no deadline
@given(st.text("aZ09._+-@'\"() xn", max_size=40))
def test_near_misses_are_left_to_the_library_or_agree_with_it(text: str) -> None:
    plain = plain_email(text)
    assert plain is None or plain == _library(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prenom.Nom@Orange.FR", "prenom.nom@orange.fr"),
        ("member12@example.fr", "member12@example.fr"),
        ("a+b_c-d@sub-domain.example.com", "a+b_c-d@sub-domain.example.com"),
        ("a@b.test", None),  # reserved: the library refuses it
        ("a@mail.localhost", None),
        ("a@b.c1", None),  # numeric in the top-level domain: the library decides
        ("a..b@x.fr", None),
        (".a@x.fr", None),
        ("a@x--y.fr", None),  # R-LDH and Punycode labels: the library decides
        ("a@xn--bcher-kva.fr", None),
        ("a@-x.fr", None),
        ("a@x.fr.", None),
        ("a@localhost", None),
        ("é@x.fr", None),
        ("a" * 65 + "@x.fr", None),
        ("a@" + "b" * 64 + ".fr", None),
        ("a@" + ("b" * 60 + ".") * 5 + "fr", None),
    ],
)
def test_plain_addresses_and_what_is_left_to_the_library(text: str, expected: str | None):
    assert plain_email(text) == expected
    if expected is not None:
        assert _library(text) == expected
