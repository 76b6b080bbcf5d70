"""Rate limits live in the database (they hold across processes and restarts);
secrets come from `secrets`; stored text never reaches a terminal raw."""

from __future__ import annotations

import itertools
import json
import random
import secrets

import pytest
from helpers import DOB, NIR, lines
from parallel import run_together

from engine.passwords import TEMP_PASSWORD_ALPHABET


def test_identity_limit_holds_across_processes(sesame, member, home):
    home.configure(max_identity_failures=3, resend_cooldown_seconds=0)
    member()
    wrong = (["forgot", NIR, "--dob", "16/10/1995"], "")
    assert [o.exit_code for o in run_together(home, [wrong] * 3)] == [3, 3, 3]
    # A new process, as after a restart: the right date of birth is refused now.
    [limited] = run_together(home, [(["forgot", NIR, "--dob", DOB, "--json"], "")])
    assert limited.exit_code == 8
    assert json.loads(limited.stdout)["error"]["code"] == "rate_limited"


def test_unknown_identifier_counters_hold_across_processes(sesame, member, home):
    """Parallel first attempts on one unknown NIR share one shadow: it locks at
    the third failure exactly as a real account does (on PostgreSQL the first
    insert of the shadow is serialised by an advisory lock)."""
    home.configure(max_identity_failures=3, resend_cooldown_seconds=0)
    member()
    unknown = "1 85 05 78 006 084 91"
    wrong = (["login", unknown], lines("wrong password"))
    codes = sorted(o.exit_code for o in run_together(home, [wrong] * 5))
    assert codes == [3, 3, 4, 4, 4]
    dob = (["forgot", unknown, "--dob", "01/05/1985"], "")
    assert sorted(o.exit_code for o in run_together(home, [dob] * 4)) == [3, 3, 3, 8]
    assert home.query("SELECT state, failed_attempts FROM shadow_accounts") == [("locked", 3)]


def test_send_limits_hold_across_processes(sesame, member, home):
    home.configure(max_codes_per_day=2, resend_cooldown_seconds=0)
    member()
    send = (["forgot", NIR, "--dob", DOB, "--channel", "sms", "--json"], "")
    codes = sorted(o.exit_code for o in run_together(home, [send] * 4))
    assert codes == [0, 0, 8, 8]
    assert len(home.sms_files()) == 2


def test_code_attempts_hold_across_processes(sesame, member, home):
    home.configure(max_code_attempts=3, resend_cooldown_seconds=0)
    member()
    sesame("forgot", NIR, "--dob", DOB, "--channel", "sms")
    code = home.last_sms_code()
    guesses = run_together(home, [(["reset", NIR, "--json"], lines("WRONGCODE2"))] * 3)
    errors = sorted(json.loads(o.stdout)["error"]["code"] for o in guesses)
    assert errors == ["code_invalid"] * 3
    # The flow is cancelled: the right code no longer works either, and says why.
    late = sesame("reset", NIR, "--json", input=lines(code))
    assert (late.exit_code, late.json()["error"]["code"]) == (6, "too_many_attempts")


DRAWN_CODE = "K7mQ2xR9pW"  # what the patched `secrets.choice` draws, one letter a call
RANDOM_FUNCTIONS = ("random", "choice", "choices", "randint", "randrange", "getrandbits",
                    "randbytes", "sample", "shuffle", "uniform")  # fmt: skip


def test_secrets_are_drawn_from_the_secrets_module(sesame, member, home, monkeypatch):
    """The temporary password and the link token are what `secrets` draws (patched
    here, its draws are what the member receives and what the flow accepts), from
    the alphabet without look-alikes and with 256 bits for the token; `random` is
    never called."""
    alphabets: list[str] = []
    draws = itertools.cycle(DRAWN_CODE)
    token_bytes: list[int] = []

    def choice(alphabet: str) -> str:
        alphabets.append(alphabet)
        return next(draws)

    def token_urlsafe(nbytes: int) -> str:
        token_bytes.append(nbytes)
        return f"drawn-token-{len(token_bytes)}"

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("a secret drawn from `random`")

    monkeypatch.setattr(secrets, "choice", choice)
    monkeypatch.setattr(secrets, "token_urlsafe", token_urlsafe)
    for name in RANDOM_FUNCTIONS:
        monkeypatch.setattr(random, name, forbidden)
    member()

    assert sesame("forgot", NIR, "--dob", DOB, "--channel", "sms").exit_code == 0
    assert home.last_sms_code() == DRAWN_CODE
    assert alphabets and set(alphabets) == {TEMP_PASSWORD_ALPHABET}
    assert not set("0O1lI") & set(TEMP_PASSWORD_ALPHABET)

    assert sesame("forgot", NIR, "--dob", DOB, "--channel", "email").exit_code == 0
    link = home.last_link()
    assert link.endswith(f"token=drawn-token-{len(token_bytes)}")
    assert token_bytes and min(token_bytes) >= 32
    new = lines(link, "Une toute nouvelle phrase", "Une toute nouvelle phrase")
    assert sesame("reset", "--token", "-", input=new).exit_code == 0


def test_control_characters_in_stored_text_are_shown_escaped(sesame, member, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # one line a row: the escapes are read whole
    member()
    hostile = "agent\x1b[2J\u202eevil"
    result = sesame("--actor", hostile, "account", "disable", NIR, "--reason", "bad\x1b]0;x\x07")
    assert result.exit_code == 0
    shown = sesame("audit", NIR)
    assert "\x1b" not in shown.stdout and "\u202e" not in shown.stdout
    assert "\\x1b[2J" in shown.stdout and "\\u202e" in shown.stdout
    shown = sesame("account", "show", NIR)
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout


# Line/paragraph separators end a line on some terminals and in most editors;
# bidi controls reorder what follows (an actor "agent\u202elivE" reads "agentEvil").
DISGUISES = "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
# Invisible characters: `ali\u200bce` reads `alice` (zero-width spaces and
# joiners, word joiner and invisible operators, BOM, soft hyphen, a tag character).
INVISIBLES = "\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\U000e0041"


@pytest.mark.parametrize("hidden", [DISGUISES, INVISIBLES], ids=["bidi", "invisible"])
def test_line_separators_and_bidi_controls_in_stored_text_are_shown_escaped(
    sesame, member, hidden, monkeypatch
):
    monkeypatch.setenv("COLUMNS", "400")  # one line a row: the escapes are read whole
    member()
    actor = f"Zoé agent{hidden}x"  # accented letters stay as they are
    reason = f"line one\u2028line two\u2029{hidden}"
    assert sesame("--actor", actor, "account", "disable", NIR, "--reason", reason).exit_code == 0
    escaped = "".join(char.encode("unicode_escape").decode("ascii") for char in hidden)
    for shown in (
        sesame("audit", NIR).stdout,
        sesame("audit", NIR, "--csv").stdout,
        sesame("account", "show", NIR).stdout,
    ):
        assert not set(hidden) & set(shown)
        assert f"Zoé agent{escaped}x" in shown
    [event] = [
        e
        for e in sesame("audit", NIR, "--json").json()["events"]
        if e["event"] == "account_disabled"
    ]
    assert event["actor"] == actor  # JSON keeps the raw value: escaping it is json's job


def test_malformed_configuration_is_exit_2_naming_the_file(sesame, home):
    (home.path / "sesame.toml").write_text("[policy\nmax_failed_attempts = = 3\n")
    result = sesame("status", NIR, "--json", lang="en")
    assert result.exit_code == 2
    error = result.json()["error"]
    assert (error["code"], error["reason"]) == ("invalid_input", "config_syntax")
    assert "sesame.toml" in error["message"]
    (home.path / "sesame.toml").write_text("[policy]\nsms_code_ttl_seconds = 99999999999\n")
    absurd = sesame("status", NIR, "--json", lang="en").json()["error"]
    assert absurd["reason"] == "config_range"
    assert "policy.sms_code_ttl_seconds" in absurd["message"]
