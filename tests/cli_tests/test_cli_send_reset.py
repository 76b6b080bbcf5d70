"""`account send-reset` (a reset without an unlock), `account unlock --send-reset` on
an account that is not locked, and support's sends refused by a send limit, said in
support's terms. Exact outputs, exit codes and JSON."""

from __future__ import annotations

import json
from datetime import timedelta

from helpers import DOB, NIR, NIR_COMPACT, PASSWORD, lines


def lock(sesame, ident=NIR):
    codes = [sesame("login", ident, input=lines("mauvais")).exit_code for _ in range(3)]
    assert codes == [3, 3, 4]


def test_send_reset_by_sms_keeps_the_lock_until_the_member_resets(sesame, member, home):
    member()
    lock(sesame)
    sent = sesame(
        "--actor", "agent.smith", "account", "send-reset", NIR,
        "--channel", "sms", "--reason", "appel du membre", "--json",
    )  # fmt: skip
    assert sent.exit_code == 0, sent.stderr
    document = sent.json()
    assert document["result"] == "reset_sent"
    assert document["account"]["state"] == "locked"
    reset = document["reset"]
    assert (reset["channel"], reset["destination"]) == ("sms", "*** ** 42 08")
    assert document["account"]["flow"]["id"] == reset["flow"]
    assert sesame("status", NIR, "--json").json()["account"]["state"] == "locked"
    [sms] = home.sms_files()
    assert json.loads(sms.read_text())["to"] == "+33612344208"
    code = home.last_sms_code()
    assert code not in sent.stdout
    [asked] = sesame("audit", NIR, "--event", "reset_sent_by_support", "--json").json()["events"]
    assert (asked["actor"], asked["state_before"], asked["state_after"]) == (
        "agent.smith",
        "locked",
        "locked",
    )
    assert asked["detail"] == {"by": "support", "channel": "sms", "reason": "appel du membre"}
    # The member completes it: the temporary password, then a new one; then unlocked.
    new = "Une toute nouvelle phrase"
    done = sesame("login", NIR, input=lines(code, new, new))
    assert done.exit_code == 0, done.stderr
    assert sesame("status", NIR, "--json").json()["account"]["state"] == "active"
    assert sesame("login", NIR, input=lines(new)).exit_code == 0


def test_send_reset_text_in_both_languages(sesame, member):
    member()
    lock(sesame)
    french = sesame("account", "send-reset", NIR, "--channel", "email", "--reason", "appel")
    assert french.exit_code == 0
    first, second, third = french.stdout.splitlines()[:3]
    assert first == f"Réinitialisation envoyée au membre du compte {NIR_COMPACT}, sans déblocage."
    assert second == (
        "Le compte reste bloqué jusqu'à ce que le membre choisisse son nouveau mot de passe."
    )
    assert third.startswith("Lien de réinitialisation envoyé par email à *****@orange.fr")
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 4
    member(nir="195107505612366", email="paul.durand@free.fr")
    english = sesame(
        "account", "send-reset", "195107505612366", "--channel", "EMAIL", "--reason", "x",
        lang="en",
    )  # fmt: skip
    assert english.exit_code == 0
    first, second = english.stdout.splitlines()[:2]
    assert first == "Reset sent to the member of account 195107505612366, without an unlock."
    assert second.startswith("Reset link sent by email to *****@free.fr (flow ")


def test_send_reset_refusals(sesame, member):
    member(mobile=None)
    no_sms = sesame("account", "send-reset", NIR, "--channel", "sms", "--reason", "x", "--json")
    assert (no_sms.exit_code, no_sms.json()["error"]["code"]) == (7, "channel_unavailable")
    no_reason = sesame("account", "send-reset", NIR, "--channel", "email", "--reason", " ")
    assert no_reason.exit_code == 2
    assert sesame("account", "send-reset", NIR, "--reason", "x").exit_code == 2  # no --channel
    unknown = sesame(
        "account", "send-reset", "195107505612366", "--channel", "sms", "--reason", "x"
    )
    assert unknown.exit_code == 12
    assert sesame("account", "disable", NIR, "--reason", "fraude").exit_code == 0
    disabled = sesame("account", "send-reset", NIR, "--channel", "email", "--reason", "x")
    assert disabled.exit_code == 5


def test_unlock_with_send_reset_refuses_an_account_that_is_not_locked(sesame, member, home):
    member()
    assert sesame("login", NIR, input=lines("mauvais")).exit_code == 3
    refused = sesame("account", "unlock", NIR, "--reason", "appel", "--send-reset", "sms")
    assert refused.exit_code == 5
    assert refused.stdout == ""
    assert refused.stderr == (
        f"Le compte {NIR_COMPACT} n'est pas bloqué : rien n'a été modifié ni envoyé. Pour "
        "envoyer un mot de passe temporaire ou un lien sans débloquer : sesame account "
        f"send-reset {NIR_COMPACT} --channel sms --reason … (ou --channel email).\n"
    )
    english = sesame(
        "account", "unlock", NIR_COMPACT, "--reason", "a", "--send-reset", "sms", "--json",
        lang="en",
    )  # fmt: skip
    assert english.exit_code == 5
    assert english.json()["error"] == {
        "code": "account_not_locked",
        "reason": "send_reset",
        "message": f"Account {NIR_COMPACT} is not locked: nothing was changed or sent. To send "
        f"a temporary password or a link without an unlock: sesame account send-reset "
        f"{NIR_COMPACT} --channel sms --reason … (or --channel email).",
    }
    assert home.sms_files() == []
    # Nothing changed: the failure is still counted.
    assert sesame("status", NIR, "--json").json()["account"]["failed_attempts"] == 1


def test_a_support_send_within_the_cooldown_says_what_did_not_happen(sesame, member, home, clock):
    home.configure(resend_cooldown_seconds=60)
    member()
    lock(sesame)
    assert sesame("unlock", NIR, "--dob", DOB, "--channel", "sms").exit_code == 0
    clock.advance(8)
    retry_at = (clock.now + timedelta(seconds=52)).astimezone().strftime("%H:%M:%S")
    refused = sesame("account", "unlock", NIR, "--reason", "appel", "--send-reset", "email")
    assert refused.exit_code == 8
    assert refused.stderr == (
        "Envoi refusé : le dernier message au membre est parti il y a 8 s (délai minimum entre "
        "deux envois : 1 min). Le compte n'a PAS été débloqué et rien n'a été envoyé. "
        f"Réessayez après {retry_at} (dans 52 s), ou débloquez sans envoi : "
        f"sesame account unlock {NIR_COMPACT} --reason …\n"
    )
    assert "Too many" not in refused.stderr and "Trop de tentatives" not in refused.stderr
    assert sesame("status", NIR, "--json").json()["account"]["state"] == "locked"
    as_json = sesame(
        "account", "unlock", NIR_COMPACT, "--reason", "a", "--send-reset", "sms", "--json",
        lang="en",
    )  # fmt: skip
    assert as_json.exit_code == 8
    error = as_json.json()["error"]
    iso = "%Y-%m-%dT%H:%M:%SZ"
    assert error == {
        "code": "send_limited",
        "reason": "unlock.cooldown",
        "message": "Send refused: the last message to the member went out 8 s ago (minimum "
        "delay between two sends: 1 min). The account was NOT unlocked and nothing was sent. "
        f"Retry after {retry_at} (in 52 s), or unlock without sending: "
        f"sesame account unlock {NIR_COMPACT} --reason …",
        "retry_after_seconds": 52,
        "limit": "cooldown",
        "last_sent_at": (clock.now - timedelta(seconds=8)).strftime(iso),
        "sends_today": 1,
        "retry_at": (clock.now + timedelta(seconds=52)).strftime(iso),
        "sent": False,
        "unlocked": False,
    }
    reset = sesame("account", "send-reset", NIR, "--channel", "sms", "--reason", "a", lang="en")
    assert (reset.exit_code, reset.stderr) == (
        8,
        "Send refused: the last message to the member went out 8 s ago (minimum delay between "
        "two sends: 1 min). Nothing was sent and the account's state did not change. "
        f"Retry after {retry_at} (in 52 s).\n",
    )


def test_a_support_send_over_the_daily_limit_says_so(sesame, member, home, clock):
    home.configure(resend_cooldown_seconds=0, max_codes_per_day=2)
    member()
    assert sesame("forgot", NIR, "--dob", DOB, "--channel", "sms").exit_code == 0
    clock.advance(3600)
    assert (
        sesame("account", "send-reset", NIR, "--channel", "email", "--reason", "a").exit_code == 0
    )
    clock.advance(120)
    retry_at = (clock.now + timedelta(hours=22, minutes=58)).astimezone().strftime("%H:%M:%S")
    refused = sesame("account", "send-reset", NIR, "--channel", "email", "--reason", "b", "--json")
    assert refused.exit_code == 8
    error = refused.json()["error"]
    assert (error["code"], error["reason"], error["limit"], error["sends_today"]) == (
        "send_limited",
        "send_reset.daily_limit",
        "daily_limit",
        2,
    )
    assert "unlocked" not in error
    assert error["message"] == (
        "Envoi refusé : 2 messages envoyés au membre en 24 h, la limite est atteinte (dernier "
        "il y a 2 min). Rien n'a été envoyé et l'état du compte n'a pas changé. "
        f"Réessayez après {retry_at} (dans 22 h 58 min)."
    )
