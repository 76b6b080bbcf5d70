"""Totality of the outcome codes: each has exactly one exit status and a
message in French and in English, so that no code reaches a member as a bare
exit 1 or as the internal-error text."""

from __future__ import annotations

import pytest

from cli.exits import EXIT_CODES, exit_code
from engine import messages
from engine.machine import TRANSITIONS
from engine.outcomes import Code

# How the faces say an answer (exit 0): the member's steps by the code itself
# (a sent secret by its channel), support's actions as `support.<code>`.
ANSWER_KEYS: dict[Code, tuple[str, ...]] = {
    Code.LOGGED_IN: ("logged_in",),
    Code.TEMPORARY_PASSWORD_ACCEPTED: ("temporary_password_accepted",),
    Code.CHOOSE_CHANNEL: ("choose_channel",),
    Code.CODE_SENT: ("code_sent.sms", "code_sent.email"),
    Code.CODE_VERIFIED: ("code_verified",),
    Code.PASSWORD_CHANGED: ("password_changed",),
    Code.ACCOUNT_CREATED: ("account_created",),
    Code.ACCOUNT_IMPORTED: ("account_imported",),
    **{
        code: (f"support.{code}",)
        for code in (
            Code.UNLOCKED,
            Code.NOT_LOCKED,
            Code.DISABLED,
            Code.ALREADY_DISABLED,
            Code.ENABLED,
            Code.ALREADY_ENABLED,
            Code.CHANNELS_CHANGED,
            Code.UNCHANGED,
            Code.RESET_SENT,
        )
    },
}


def test_every_code_has_exactly_one_exit_status() -> None:
    assert set(EXIT_CODES) == set(Code)
    assert all(isinstance(code, Code) for code in EXIT_CODES)


def test_an_unknown_code_has_no_exit_status() -> None:
    """No silent exit 1: only `internal_error` has it."""
    with pytest.raises(KeyError):
        exit_code("no_such_code")  # type: ignore[arg-type]
    assert [code for code, status in EXIT_CODES.items() if status == 1] == [Code.INTERNAL_ERROR]


def test_answers_exit_0_and_have_their_messages() -> None:
    answers = {code for code, status in EXIT_CODES.items() if status == 0}
    assert answers == set(ANSWER_KEYS)
    for keys in ANSWER_KEYS.values():
        for key in keys:
            assert_bilingual(key)


@pytest.mark.parametrize("code", [c for c in Code if EXIT_CODES.get(c) != 0])
def test_every_refusal_has_its_message(code: Code) -> None:
    """The key `messages.error_message` looks up before its internal-error fallback."""
    assert_bilingual(code)


def test_every_code_the_table_declares_is_known() -> None:
    declared = {code for row in TRANSITIONS.values() for code in row.outcomes}
    assert all(isinstance(code, Code) for code in declared)
    assert declared <= set(EXIT_CODES)


def assert_bilingual(key: str) -> None:
    assert messages.has(key), key
    french, english = messages.text(key, "fr"), messages.text(key, "en")
    assert french.strip() and english.strip(), key
    assert french != english, key
