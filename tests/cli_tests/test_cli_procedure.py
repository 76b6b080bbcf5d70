"""The procedure through the CLI (CliRunner): exact exit codes, messages, JSON."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from helpers import (
    DOB,
    EMAIL,
    FAST_ARGON2,
    NEW_PASSWORD,
    NIR,
    NIR_COMPACT,
    PASSWORD,
    lines,
)

LOCKED_FR = (
    "Après 3 tentatives infructueuses, vos identifiants sont bloqués.\n"
    f"Débloquez votre compte : sesame unlock {NIR_COMPACT} --dob jj/mm/aaaa\n"
)
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def lock(sesame, ident=NIR):
    for _ in range(3):
        sesame("login", ident, input=lines("wrong password"))


# --- login ----------------------------------------------------------------


def test_login_right_password(sesame, member):
    member()
    result = sesame("login", NIR, input=lines(PASSWORD))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "Connexion réussie\n", "")
    english = sesame("login", NIR, input=lines(PASSWORD), lang="en")
    assert (english.exit_code, english.stdout) == (0, "Logged in\n")
    as_json = sesame("login", NIR, "--json", input=lines(PASSWORD))
    assert as_json.json() == {"ok": True, "result": "logged_in"}


def test_login_by_email_identifier(sesame, member):
    member()
    assert sesame("login", "Marie.Dupont@ORANGE.fr", input=lines(PASSWORD)).exit_code == 0


def test_wrong_password_and_unknown_id_give_one_answer(sesame, member):
    member()
    wrong = sesame("login", NIR, input=lines("not the password"))
    unknown = sesame("login", "1 85 05 78 006 084 91", input=lines("not the password"))
    assert wrong.exit_code == unknown.exit_code == 3
    assert wrong.stderr == unknown.stderr == "Identifiant ou mot de passe incorrect.\n"
    assert wrong.stdout == unknown.stdout == ""
    english = sesame("login", NIR, "--json", input=lines("nope"), lang="en")
    assert english.json() == {
        "ok": False,
        "error": {"code": "auth_failed", "message": "Wrong identifier or password."},
    }


def test_third_failure_locks_and_says_how_to_unlock(sesame, member):
    member()
    for _ in range(2):
        assert sesame("login", NIR, input=lines("bad")).exit_code == 3
    third = sesame("login", NIR, input=lines("bad"))
    assert (third.exit_code, third.stderr) == (4, LOCKED_FR)
    right = sesame("login", NIR, input=lines(PASSWORD))
    assert (right.exit_code, right.stderr) == (4, LOCKED_FR)
    status = sesame("status", NIR, "--json").json()["account"]
    assert (status["state"], status["failed_attempts"]) == ("locked", 3)
    assert ISO_UTC.match(status["locked_at"]) and status["locked_until"] is None


def test_lock_notification_email(sesame, member, home):
    member()
    lock(sesame)
    [mail] = home.mail_files()
    text = mail.read_bytes().decode()
    assert f"To: {EMAIL}" in text
    assert "vos identifiants sont bloqués" in text


def test_successful_login_resets_failures(sesame, member):
    member()
    sesame("login", NIR, input=lines("bad"))
    sesame("login", NIR, input=lines(PASSWORD))
    assert sesame("status", NIR, "--json").json()["account"]["failed_attempts"] == 0


def test_time_limited_lock_ends_by_itself(sesame, member, home, clock):
    home.configure(lock_seconds=300, resend_cooldown_seconds=0)
    member()
    lock(sesame)
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 4
    clock.advance(301)
    assert sesame("status", NIR, "--json").json()["account"]["state"] == "active"
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 0


def test_login_without_password_on_stdin_is_usage_error(sesame, member):
    member()
    result = sesame("login", NIR, input="")
    assert result.exit_code == 2


def test_disabled_account_refuses_everything(sesame, member, home):
    member()
    _set_state(home, "disabled")
    message = "Votre compte est désactivé. Contactez le support.\n"
    # said only once the secret checked is right (test_cli_enumeration.py)
    for args, stdin in (
        (("login", NIR), lines(PASSWORD)),
        (("unlock", NIR, "--dob", DOB), None),
        (("forgot", NIR, "--dob", DOB), None),
    ):
        result = sesame(*args, input=stdin)
        assert (result.exit_code, result.stderr) == (5, message)


def _set_state(home, state):
    home.query("UPDATE accounts SET state = :state", state=state)


# --- unlock / forgot --------------------------------------------------------


def test_unlock_wrong_birth_date_and_unknown_id_give_one_answer(sesame, member):
    member()
    lock(sesame)
    wrong = sesame("unlock", NIR, "--dob", "16/10/1995")
    unknown = sesame("unlock", "1 85 05 78 006 084 91", "--dob", "01/05/1985")
    assert wrong.exit_code == unknown.exit_code == 3
    assert wrong.stderr == unknown.stderr
    assert wrong.stderr.startswith("Les informations saisies ne permettent pas de vous identifier.")


def test_unlock_not_locked_exact_message(sesame, member):
    member()
    result = sesame("unlock", NIR, "--dob", DOB)
    assert result.exit_code == 5
    first, second = result.stderr.splitlines()
    assert first == "Votre compte n'est pas bloqué."
    assert (
        second
        == f"Si vous avez oublié votre mot de passe : sesame forgot {NIR_COMPACT} --dob jj/mm/aaaa"
    )
    as_json = sesame("unlock", NIR, "--dob", DOB, "--json").json()
    assert as_json["error"]["code"] == "account_not_locked"
    assert as_json["error"]["message"].startswith("Votre compte n'est pas bloqué.\n")


def test_unlock_two_channels_asks_for_a_choice(sesame, member):
    member()
    lock(sesame)
    result = sesame("unlock", NIR, "--dob", DOB, "--json")
    assert result.exit_code == 0
    document = result.json()
    assert re.fullmatch(r"[0-9a-f]{16}", document.pop("flow"))
    assert ISO_UTC.match(document.pop("expires_at"))
    assert document == {
        "ok": True,
        "state": "choose_channel",
        "channels": [
            {"channel": "sms", "destination": "*** ** 42 08"},
            {"channel": "email", "destination": "*****@orange.fr"},
        ],
    }
    human = sesame("unlock", NIR, "--dob", DOB)
    assert "Au *** ** 42 08" in human.stdout and "A *****@orange.fr" in human.stdout
    assert "sesame send-code" in human.stdout


def test_unlock_single_channel_is_used_automatically(sesame, member, home):
    member(email=None)
    lock(sesame)
    result = sesame("unlock", NIR, "--dob", DOB, "--json")
    document = result.json()
    assert result.exit_code == 0
    assert set(document) == {
        "ok",
        "flow",
        "state",
        "channel",
        "destination",
        "expires_at",
        "message_id",
        "outbox_file",
    }
    assert (document["state"], document["channel"], document["destination"]) == (
        "code_sent",
        "sms",
        "*** ** 42 08",
    )
    [sms] = home.sms_files()
    assert json.loads(sms.read_text())["to"] == "+33612344208"
    human = sesame("unlock", NIR, "--dob", DOB)
    assert human.stdout.startswith(
        "Seul votre téléphone portable est connu : il a été utilisé automatiquement.\n"
        "Un SMS contenant un mot de passe temporaire a été envoyé au *** ** 42 08."
    )
    assert "refaites l'opération en choisissant l'adresse email" in human.stdout


def test_unlock_email_only_is_used_automatically(sesame, member):
    member(mobile=None)
    lock(sesame)
    result = sesame("unlock", NIR, "--dob", DOB, lang="en")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "Only your email address is known: it was used automatically.\n"
        "An email with a link to change your password was sent to *****@orange.fr."
    )


def test_overseas_mobile_never_gets_an_sms(sesame, member, home):
    member(email=None, mobile="+590 690 12 34 56")
    lock(sesame)
    result = sesame("unlock", NIR, "--dob", DOB, "--json")
    assert result.exit_code == 7
    assert result.json()["error"]["code"] == "no_channel"
    assert home.sms_files() == []
    status = sesame("status", NIR, "--json").json()["account"]
    assert status["channels"] == [
        {"channel": "sms", "destination": "*** ** 34 56", "sms_possible": False}
    ]


def test_channel_unavailable(sesame, member):
    member(mobile="+262 692 12 34 56")
    lock(sesame)
    result = sesame("unlock", NIR, "--dob", DOB, "--channel", "sms", "--json")
    assert result.exit_code == 7
    assert result.json()["error"]["code"] == "channel_unavailable"
    assert sesame("unlock", NIR, "--dob", DOB, "--channel", "email").exit_code == 0


def test_identity_failures_back_off(sesame, member, home, clock):
    home.configure(max_identity_failures=2, resend_cooldown_seconds=0)
    member()
    lock(sesame)

    def retry_after(dob=DOB):
        limited = sesame("unlock", NIR, "--dob", dob, "--json")
        assert limited.exit_code == 8
        assert limited.json()["error"]["code"] == "rate_limited"
        return limited.json()["error"]["retry_after_seconds"]

    for _ in range(2):
        assert sesame("unlock", NIR, "--dob", "16/10/1995").exit_code == 3
    assert retry_after() == 900  # the right date too: the check is closed
    clock.advance(600)
    assert retry_after("16/10/1995") == 300  # a wrong date in a delay is not counted
    clock.advance(300)
    assert sesame("unlock", NIR, "--dob", "16/10/1995").exit_code == 3
    assert retry_after() == 1800  # doubled
    clock.advance(1800)
    assert sesame("unlock", NIR, "--dob", "16/10/1995").exit_code == 3
    assert retry_after() == 3600
    clock.advance(3600)
    assert sesame("unlock", NIR, "--dob", DOB).exit_code == 0


def test_identity_back_off_is_capped(sesame, member, home, clock):
    home.configure(
        max_identity_failures=1, identity_backoff_seconds=60, identity_backoff_max_seconds=100
    )
    member()
    delays = []
    for _ in range(4):
        assert sesame("forgot", NIR, "--dob", "16/10/1995").exit_code == 3
        limited = sesame("forgot", NIR, "--dob", DOB, "--json")
        assert limited.exit_code == 8
        delays.append(limited.json()["error"]["retry_after_seconds"])
        clock.advance(delays[-1])
    assert delays == [60, 100, 100, 100]
    # A quiet day ends the series: the next failure starts again at the first delay.
    clock.advance(24 * 3600 + 1)
    assert sesame("forgot", NIR, "--dob", "16/10/1995").exit_code == 3
    assert (
        sesame("forgot", NIR, "--dob", DOB, "--json").json()["error"]["retry_after_seconds"] == 60
    )


def test_a_stranger_cannot_close_recovery_for_a_day(sesame, member, clock):
    """Three wrong passwords and five wrong dates of birth: a delay, not a day."""
    member()
    lock(sesame)
    for _ in range(5):
        assert sesame("unlock", NIR, "--dob", "16/10/1995").exit_code == 3
    clock.advance(3600)
    assert sesame("unlock", NIR, "--dob", DOB, "--channel", "email").exit_code == 0


def test_forgot_on_active_account_and_supersede(sesame, member, home):
    member()
    first = sesame("forgot", NIR, "--dob", DOB, "--channel", "sms", "--json").json()
    old_code = home.last_sms_code()
    second = sesame("forgot", NIR, "--dob", DOB, "--channel", "sms", "--json").json()
    assert first["flow"] != second["flow"]
    # The older secret stops working.
    stale = sesame("reset", NIR, input=lines(old_code))
    assert stale.exit_code == 6
    assert (
        sesame(
            "reset", NIR, input=lines(home.last_sms_code(), NEW_PASSWORD, NEW_PASSWORD)
        ).exit_code
        == 0
    )


def test_bad_inputs_are_exit_2_with_the_reason(sesame, member):
    member()
    bad_key = sesame("unlock", "2 95 10 99 126 111 94", "--dob", DOB)
    assert (bad_key.exit_code, bad_key.stderr) == (
        2,
        "N° de sécurité sociale invalide : la clé ne correspond pas.\n",
    )
    bad_date = sesame("unlock", NIR, "--dob", "31/02/1995", "--json")
    assert bad_date.exit_code == 2
    assert bad_date.json()["error"] == {
        "code": "invalid_input",
        "reason": "dob_invalid_date",
        "message": "Date de naissance invalide : cette date n'existe pas.",
    }
    assert sesame("unlock", NIR, "--dob", "1995-10-15").exit_code == 2
    usage = sesame("unlock", NIR, "--json")
    assert usage.exit_code == 2
    assert usage.json()["error"]["code"] == "invalid_input"


# --- send-code ------------------------------------------------------------------


def test_send_code_and_resend(sesame, member, home):
    member()
    lock(sesame)
    flow = sesame("unlock", NIR, "--dob", DOB, "--json").json()["flow"]
    sent = sesame("send-code", flow, "--channel", "sms", "--json").json()
    assert (sent["flow"], sent["state"], sent["channel"]) == (flow, "code_sent", "sms")
    first = home.last_sms_code()
    again = sesame("send-code", flow, "--channel", "email", "--json").json()
    assert again["channel"] == "email"
    # The new secret replaced the SMS one.
    assert sesame("reset", NIR, input=lines(first)).exit_code == 6


def test_send_code_refusals(sesame, member, home, clock):
    home.configure(resend_cooldown_seconds=60, max_codes_per_day=2)
    member()
    lock(sesame)
    unknown = sesame("send-code", "0123456789abcdef", "--channel", "sms", "--json")
    assert (unknown.exit_code, unknown.json()["error"]["code"]) == (5, "no_open_flow")
    flow = sesame("unlock", NIR, "--dob", DOB, "--json").json()["flow"]
    assert sesame("send-code", flow, "--channel", "sms").exit_code == 0
    cooldown = sesame("send-code", flow, "--channel", "sms", "--json")
    assert cooldown.exit_code == 8
    assert cooldown.json()["error"]["retry_after_seconds"] == 60
    clock.advance(61)
    assert sesame("send-code", flow, "--channel", "email").exit_code == 0
    clock.advance(61)
    daily = sesame("send-code", flow, "--channel", "sms", "--json")
    assert daily.exit_code == 8
    assert daily.json()["error"]["retry_after_seconds"] == 86400 - 122
    clock.advance(3600)
    expired = sesame("send-code", flow, "--channel", "sms", "--json")
    assert (expired.exit_code, expired.json()["error"]["code"]) == (6, "flow_expired")


def test_choose_channel_flow_expires(sesame, member, clock):
    member()
    lock(sesame)
    flow = sesame("unlock", NIR, "--dob", DOB, "--json").json()["flow"]
    clock.advance(901)
    result = sesame("send-code", flow, "--channel", "sms")
    assert (result.exit_code, result.stderr.splitlines()[0]) == (
        6,
        "Votre demande a expiré. Recommencez : sesame unlock ou sesame forgot.",
    )


# --- step 5: reset and login with the temporary password ----------------------------


def test_sms_path_login_with_temporary_password(sesame, member, home):
    member()
    lock(sesame)
    flow = sesame("unlock", NIR, "--dob", DOB, "--json").json()["flow"]
    sesame("send-code", flow, "--channel", "sms")
    code = home.last_sms_code()
    assert re.fullmatch(r"[2-9A-HJ-NP-Za-km-z]{10}", code)
    result = sesame("login", NIR, input=lines(code, NEW_PASSWORD, NEW_PASSWORD))
    assert result.exit_code == 0
    assert result.stdout == (
        "Votre mot de passe a été modifié. Vous pouvez accéder à votre Espace personnel.\n"
        "Connexion réussie\n"
    )
    status = sesame("status", NIR, "--json").json()["account"]
    assert (status["state"], status["failed_attempts"], status["flow"]) == ("active", 0, None)
    assert sesame("login", NIR, input=lines(NEW_PASSWORD)).exit_code == 0
    assert sesame("login", NIR, input=lines(code)).exit_code == 3


def test_temporary_password_without_new_password_is_exit_10(sesame, member, home):
    member()
    lock(sesame)
    sesame("unlock", NIR, "--dob", DOB, "--channel", "sms")
    code = home.last_sms_code()
    pending = sesame("login", NIR, input=lines(code))
    assert pending.exit_code == 10
    assert "sesame reset" in pending.stderr
    # Still valid until it expires.
    again = sesame("login", NIR, input=lines(code, NEW_PASSWORD, NEW_PASSWORD))
    assert again.exit_code == 0


def test_email_path_reset_with_link(sesame, member, home):
    member()
    lock(sesame)
    sesame("unlock", NIR, "--dob", DOB, "--channel", "email")
    link = home.last_link()
    assert link.startswith("https://espace-personnel.example/reinitialiser?token=")
    assert len(link.split("token=")[1]) >= 22
    result = sesame(
        "reset", "--token", "-", "--json", input=lines(link, NEW_PASSWORD, NEW_PASSWORD)
    )
    assert result.json() == {"ok": True, "result": "password_changed"}
    used = sesame("reset", "--token", "-", "--json", input=lines(link, NEW_PASSWORD, NEW_PASSWORD))
    assert (used.exit_code, used.json()["error"]["code"]) == (6, "code_used")
    assert sesame("login", NIR, input=lines(NEW_PASSWORD)).exit_code == 0


def test_reset_refusals(sesame, member, home, clock):
    home.configure(max_code_attempts=3, resend_cooldown_seconds=0)
    member()
    no_flow = sesame("reset", NIR, "--json", input=lines("ABCDEFGHJK"))
    assert (no_flow.exit_code, no_flow.json()["error"]["code"]) == (6, "code_invalid")
    unknown = sesame("reset", "--token", "-", "--json", input=lines("not-a-real-token"))
    assert (unknown.exit_code, unknown.json()["error"]["code"]) == (6, "code_invalid")
    sesame("forgot", NIR, "--dob", DOB, "--channel", "sms")
    codes = [sesame("reset", NIR, "--json", input=lines("WRONGCODE2")) for _ in range(3)]
    # the attempt that cancels the flow answers like any wrong code
    assert [c.json()["error"]["code"] for c in codes] == ["code_invalid"] * 3
    assert all(c.exit_code == 6 for c in codes)
    told = sesame("reset", NIR, "--json", input=lines(home.last_sms_code()))
    assert (told.exit_code, told.json()["error"]["code"]) == (6, "too_many_attempts")
    sesame("forgot", NIR, "--dob", DOB, "--channel", "sms")
    code = home.last_sms_code()
    clock.advance(601)
    expired = sesame("reset", NIR, "--json", input=lines(code))
    assert (expired.exit_code, expired.json()["error"]["code"]) == (6, "code_expired")


def test_new_password_refusals_keep_the_secret(sesame, member, home):
    member()
    sesame("forgot", NIR, "--dob", DOB, "--channel", "sms")
    code = home.last_sms_code()
    mismatch = sesame("reset", NIR, input=lines(code, NEW_PASSWORD, NEW_PASSWORD + "x"))
    assert (mismatch.exit_code, mismatch.stderr.splitlines()[-1]) == (
        9,
        "Les deux mots de passe saisis ne sont pas identiques.",
    )
    weak = sesame("reset", NIR, "--json", input=lines(code, "1995", "1995"), lang="en")
    assert weak.exit_code == 9
    assert weak.json()["error"]["message"] == (
        "Your new password is refused:\n- it is shorter than 12 characters"
    )
    every = sesame(
        "reset",
        NIR,
        input=lines(
            code,
            NIR_COMPACT[:13] + "15101995marie.dupont",
            NIR_COMPACT[:13] + "15101995marie.dupont",
        ),
    )
    assert every.exit_code == 9
    assert every.stderr.splitlines()[-4:] == [
        "Votre nouveau mot de passe est refusé :",
        "- il contient votre n° de sécurité sociale",
        "- il contient votre date de naissance",
        "- il contient votre adresse email",
    ]
    ok = sesame("reset", NIR, input=lines(code, NEW_PASSWORD, NEW_PASSWORD))
    assert ok.exit_code == 0


# --- new passwords: history and blocklists (issue 13) --------------------------------

REUSED_FR = "- il fait partie de vos 4 derniers mots de passe"
BLOCKED_FR = "- il figure dans une liste de mots de passe courants ou divulgués"


def test_reset_refuses_a_reused_and_a_blocked_password_and_keeps_the_secret(sesame, member, home):
    member()
    sesame("forgot", NIR, "--dob", DOB, "--channel", "sms")
    code = home.last_sms_code()
    reused = sesame("reset", NIR, input=lines(code, PASSWORD, PASSWORD))
    assert reused.exit_code == 9
    assert reused.stderr.splitlines()[-2:] == ["Votre nouveau mot de passe est refusé :", REUSED_FR]
    assert PASSWORD not in reused.stdout + reused.stderr
    blocked = sesame("reset", NIR, input=lines(code, "Qwerty123456", "Qwerty123456"))
    assert blocked.exit_code == 9
    assert blocked.stderr.splitlines()[-2:] == [
        "Votre nouveau mot de passe est refusé :",
        BLOCKED_FR,
    ]
    every = sesame("reset", NIR, "--json", input=lines(code, "sesame", "sesame"), lang="en")
    assert (every.exit_code, every.json()["error"]["code"]) == (9, "weak_password")
    assert every.json()["error"]["message"] == (
        "Your new password is refused:\n"
        "- it is shorter than 12 characters\n"
        "- it contains the name of the service\n"
        "- it is on a list of common or breached passwords"
    )
    english = sesame("reset", NIR, "--json", input=lines(code, PASSWORD, PASSWORD), lang="en")
    assert english.json()["error"]["message"] == (
        "Your new password is refused:\n- it is one of your last 4 passwords"
    )
    details = json.dumps(home.query("SELECT detail FROM audit_events"))
    assert "Qwerty123456" not in details and PASSWORD not in details
    # none of the refusals used the temporary password up
    ok = sesame("reset", NIR, input=lines(code, NEW_PASSWORD, NEW_PASSWORD))
    assert ok.exit_code == 0
    assert sesame("login", NIR, input=lines(NEW_PASSWORD)).exit_code == 0


def _change_password(sesame, home, clock, new):
    clock.advance(61)  # the resend cooldown
    sesame("forgot", NIR, "--dob", DOB, "--channel", "sms")
    return sesame("reset", NIR, input=lines(home.last_sms_code(), new, new))


def test_password_history_remembers_the_last_n_hashed_and_prunes_the_rest(
    sesame, member, home, clock
):
    home.configure(password_history=2)
    member()  # PASSWORD
    first, second = "Premier mot de passe neuf", "Deuxième mot de passe neuf"
    assert _change_password(sesame, home, clock, first).exit_code == 0
    assert _change_password(sesame, home, clock, second).exit_code == 0
    # the last 2: the current one and the one before; PASSWORD is forgotten
    refused = _change_password(sesame, home, clock, first)
    assert refused.exit_code == 9
    assert refused.stderr.splitlines()[-1] == "- il fait partie de vos 2 derniers mots de passe"
    kept = home.query("SELECT hash FROM password_history")
    assert len(kept) == 1 and kept[0][0].startswith("$argon2id$")
    assert _change_password(sesame, home, clock, PASSWORD).exit_code == 0
    # still one row (password_history - 1): the current hash is on the account
    assert len(home.query("SELECT hash FROM password_history")) == 1
    assert _change_password(sesame, home, clock, first).exit_code == 0


def test_password_history_zero_lets_a_password_come_back_and_keeps_nothing(
    sesame, member, home, clock
):
    home.configure(password_history=0)
    member()
    assert _change_password(sesame, home, clock, PASSWORD).exit_code == 0
    assert _change_password(sesame, home, clock, NEW_PASSWORD).exit_code == 0
    assert home.query("SELECT COUNT(*) FROM password_history") == [(0,)]


def _hibp_file(path, *passwords):
    import hashlib

    keys = sorted(hashlib.sha1(p.encode()).hexdigest().upper() for p in passwords)
    keys += [f"{n:040X}" for n in range(16**39, 16**39 + 100)]
    path.write_text("".join(f"{key}:{n + 1}\r\n" for n, key in enumerate(sorted(keys))))


def test_a_password_of_the_hibp_file_is_refused_on_reset_and_account_add(sesame, home):
    breached = "Mon-mot-de-passe-divulgue!"
    _hibp_file(home.path / "pwned.txt", breached)
    home.configure(password_blocklist="pwned.txt")  # read beside sesame.toml
    added = sesame(
        "account",
        "add",
        "--nir",
        NIR,
        "--dob",
        DOB,
        "--json",
        input=lines(breached, breached),
        lang="en",
    )
    assert (added.exit_code, added.json()["error"]["message"]) == (
        9,
        "Your new password is refused:\n- it is on a list of common or breached passwords",
    )
    assert breached not in added.stdout + added.stderr
    assert (
        sesame(
            "account",
            "add",
            "--nir",
            NIR,
            "--dob",
            DOB,
            "--email",
            EMAIL,
            input=lines(PASSWORD, PASSWORD),
        ).exit_code
        == 0
    )
    sesame("forgot", NIR, "--dob", DOB, "--channel", "email")
    link = home.last_link()
    refused = sesame("reset", "--token", "-", input=lines(link, breached, breached))
    assert refused.exit_code == 9
    assert refused.stderr.splitlines()[-1] == BLOCKED_FR
    done = sesame("reset", "--token", "-", input=lines(link, NEW_PASSWORD, NEW_PASSWORD))
    assert done.exit_code == 0


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"password_blocklist": "missing.txt"},
            "Configuration : « policy.password_blocklist » : liste de mots de passe interdits "
            "illisible ({home}/missing.txt) : no file",
        ),
        (
            {"password_history": 25},
            "Configuration : « policy.password_history » doit être compris entre 0 et 24.",
        ),
    ],
)
def test_new_password_settings_are_checked_naming_the_key(sesame, home, settings, message):
    home.configure(**settings)
    result = sesame("policy", "check")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == message.format(home=home.path)


def test_an_unsorted_hibp_file_is_refused_at_start(sesame, home):
    _hibp_file(home.path / "pwned.txt", "a")
    text = (home.path / "pwned.txt").read_text().splitlines(keepends=True)
    (home.path / "pwned.txt").write_text("".join(text[50:] + text[:50]))
    home.configure(password_blocklist=str(home.path / "pwned.txt"))
    result = sesame("status", NIR, "--json", lang="en")
    assert result.exit_code == 2
    assert result.json()["error"]["message"].startswith(
        "Configuration: 'policy.password_blocklist': the Have I Been Pwned file "
        f"{home.path}/pwned.txt is not sorted by hash (line at byte "
    )


# --- status and account add --------------------------------------------------------


def test_status_json_shape(sesame, member):
    member()
    document = sesame("status", NIR, "--json").json()
    account = document["account"]
    assert set(account) == {
        "nir",
        "state",
        "failed_attempts",
        "locked_at",
        "locked_until",
        "last_login_at",
        "password_changed_at",
        "language",
        "channels",
        "flow",
        "lock_count",
    }
    assert account["nir"] == NIR_COMPACT
    assert account["lock_count"] is None  # the procedure's locks have no rank
    unknown = sesame("status", "1 85 05 78 006 084 91", "--json")
    assert (unknown.exit_code, unknown.json()["error"]["code"]) == (12, "not_found")


def test_account_add_refusals(sesame, member):
    member()
    duplicate = sesame("account", "add", "--nir", NIR, "--dob", DOB, "--no-password", "--json")
    assert (duplicate.exit_code, duplicate.json()["error"]["code"]) == (5, "account_exists")
    wrong_year = sesame(
        "account", "add", "--nir", "1 85 05 78 006 084 91", "--dob", "01/05/1986", "--no-password"
    )
    assert wrong_year.exit_code == 2
    weak = sesame(
        "account",
        "add",
        "--nir",
        "1 85 05 78 006 084 91",
        "--dob",
        "01/05/1985",
        input=lines("short", "short"),
    )
    assert weak.exit_code == 9
    bad_mobile = sesame(
        "account",
        "add",
        "--nir",
        "1 85 05 78 006 084 91",
        "--dob",
        "01/05/1985",
        "--mobile",
        "06 12 34 56 78 abc",
        "--no-password",
    )
    assert bad_mobile.exit_code == 2


def test_account_without_password_uses_forgot(sesame, home):
    created = sesame(
        "account", "add", "--nir", NIR, "--dob", DOB, "--email", EMAIL, "--no-password"
    )
    assert created.exit_code == 0
    assert sesame("login", NIR, input=lines("anything at all")).exit_code == 3
    assert sesame("forgot", NIR, "--dob", DOB).exit_code == 0
    link = home.last_link()
    reset = sesame("reset", "--token", "-", input=lines(link, NEW_PASSWORD, NEW_PASSWORD))
    assert reset.exit_code == 0
    assert sesame("login", NIR, input=lines(NEW_PASSWORD)).exit_code == 0


# --- configuration and storage ---------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("[policy]\nmax_faild_attempts = 3\n", "policy.max_faild_attempts"),
        ('[policy]\nmax_failed_attempts = "3"\n', "policy.max_failed_attempts"),
        ("[argon2]\ntime_cost = -1\n", "argon2.time_cost"),
        ("[sms]\nx = 1\n", "sms"),
        ('[access]\nsupport_group = ""\n', "access.support_group"),
        ("[access]\nsupport_group = 1000\n", "access.support_group"),
        ('[access]\nsupport_group = "bad group;"\n', "access.support_group"),
        ('[access]\nsupportgroup = "x"\n', "access.supportgroup"),
    ],
)
def test_bad_config_names_the_key(sesame, home, toml, key):
    (home.path / "sesame.toml").write_text(toml)
    result = sesame("status", NIR, "--json")
    assert result.exit_code == 2
    assert key in result.json()["error"]["message"]


@pytest.mark.parametrize(
    ("toml", "key", "reason"),
    [
        ('organization = "Ameli\\r\\nBcc: x@evil.example"', "policy.organization", "config_text"),
        ('organization = "Ameli\\u2028Bcc"', "policy.organization", "config_text"),
        ('organization = "Ameli\\u202eilema"', "policy.organization", "config_text"),
        (f'organization = "{"A" * 5_000_000}"', "policy.organization", "config_length"),
        ('mail_from = "Ameli\\u2028 <a@ameli.example>"', "policy.mail_from", "config_text"),
        ('mail_from = "a@ameli.example\\nBcc: x@evil.example"', "policy.mail_from", "config_text"),
        ('mail_from = "a@ameli.example, b@evil.example"', "policy.mail_from", "config_mail_from"),
        ('reset_url = "https://ameli.example/reset#"', "policy.reset_url", "config_url"),
        ('reset_url = "http://evil.example/reset"', "policy.reset_url", "config_url"),
    ],
)
def test_text_that_would_break_a_message_is_refused_at_start(
    sesame, member, home, toml, key, reason
):
    member()
    (home.path / "sesame.toml").write_text(f"[policy]\n{toml}\n{FAST_ARGON2}")
    for _ in range(3):
        result = sesame("login", NIR, "--json", input=lines("wrong password"))
        assert result.exit_code == 2
        error = result.json()["error"]
        assert (error["code"], error["reason"]) == ("invalid_input", reason)
        assert key in error["message"]
    (home.path / "sesame.toml").write_text(FAST_ARGON2)
    status = sesame("status", NIR, "--json").json()["account"]
    assert (status["state"], status["failed_attempts"]) == ("active", 0)
    assert home.mail_files() == []


def test_a_forbidden_character_in_the_configuration_is_named(sesame, home):
    (home.path / "sesame.toml").write_text(
        '[policy]\nmail_from = "Ameli\\u2028 <a@ameli.example>"\n'
    )
    result = sesame("status", NIR)
    assert result.exit_code == 2
    assert result.stderr == (
        "Configuration : « policy.mail_from » contient un caractère interdit (U+2028) : "
        "caractères de contrôle, de mise en forme et séparateurs de ligne ne peuvent pas "
        "figurer dans un message.\n"
    )


@pytest.fixture
def unchecked_policy(monkeypatch):
    """Load the configuration, then force texts into it that validation would refuse."""
    import db.settings

    def force(**texts):
        real = db.settings.policy_from_toml
        monkeypatch.setattr(
            db.settings, "policy_from_toml", lambda document: replace(real(document), **texts)
        )

    return force


def message_rows(home):
    return home.query("SELECT channel, status FROM outbox")


@pytest.mark.parametrize(
    "texts",
    [
        {"mail_from": "Ameli\r\nBcc: x@evil.example <a@ameli.example>"},
        {"mail_from": "Ameli\u2028 <a@ameli.example>"},
        {"organization": "Ameli\u2028Bcc: x@evil.example"},
    ],
)
def test_a_lock_notice_that_cannot_be_built_leaves_the_account_unlocked(
    sesame, member, home, unchecked_policy, texts
):
    member()
    unchecked_policy(**texts)
    for _ in range(2):
        assert sesame("login", NIR, input=lines("wrong password")).exit_code == 3
    third = sesame("login", NIR, "--json", input=lines("wrong password"), lang="en")
    assert third.exit_code == 2
    error = third.json()["error"]
    assert (error["code"], error["reason"]) == ("invalid_input", "message_unbuildable")
    assert error["message"].startswith("The message to send cannot be built (")
    assert error["message"].endswith(
        "): nothing was changed. Check organization, mail_from and reset_url in the configuration."
    )
    status = sesame("status", NIR, "--json").json()["account"]
    assert (status["state"], status["failed_attempts"]) == ("active", 2)
    assert message_rows(home) == [] and home.mail_files() == []
    assert home.query("SELECT count(*) FROM audit_events WHERE event = 'account_locked'") == [(0,)]


def test_a_reset_link_that_cannot_be_built_opens_no_flow(sesame, member, home, unchecked_policy):
    member(mobile=None)
    unchecked_policy(mail_from="Ameli\n <a@ameli.example>")
    result = sesame("forgot", NIR, "--dob", DOB)
    assert result.exit_code == 2
    assert result.stderr.startswith("Le message à envoyer ne peut pas être construit (")
    assert result.stderr.endswith(
        ") : rien n'a été modifié. Vérifiez organization, mail_from et reset_url dans la "
        "configuration.\n"
    )
    assert home.query("SELECT count(*) FROM flows") == [(0,)]
    assert message_rows(home) == [] and home.mail_files() == []


def test_a_temporary_password_sms_that_cannot_be_built_opens_no_flow(
    sesame, member, home, unchecked_policy
):
    member(email=None)
    unchecked_policy(organization="Ameli\ud800")
    result = sesame("forgot", NIR, "--dob", DOB, "--json")
    assert result.exit_code == 2
    assert result.json()["error"]["reason"] == "message_unbuildable"
    assert home.query("SELECT count(*) FROM flows") == [(0,)]
    assert message_rows(home) == [] and home.sms_files() == []


def test_newer_schema_is_exit_11(sesame, member, home):
    member()
    home.query("UPDATE alembic_version SET version_num = '9999'")
    result = sesame("status", NIR)
    assert result.exit_code == 11
    assert "9999" in result.stderr


@pytest.mark.sqlite_only  # a non-database file as sesame.db: PostgreSQL has no such file
def test_foreign_file_is_exit_11(sesame, home):
    (home.path / "sesame.db").write_bytes(b"this is not a database at all" * 100)
    result = sesame("status", NIR, "--json")
    assert result.exit_code == 11
    assert result.json()["error"]["code"] == "storage_unavailable"


def test_login_rehashes_when_argon2_parameters_change(sesame, member, home):
    member()
    (home.path / "sesame.toml").write_text(
        "[policy]\nresend_cooldown_seconds = 0\n[argon2]\ntime_cost = 2\nmemory_cost = 16\n"
    )
    (before,) = home.query("SELECT password_hash FROM accounts")[0]
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 0
    (after,) = home.query("SELECT password_hash FROM accounts")[0]
    assert before.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert after.startswith("$argon2id$v=19$m=16,t=2,p=1$")
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 0


def test_unknown_identifier_costs_the_same_argon2_work(sesame, member, monkeypatch):
    import argon2.low_level

    member()
    calls: list[str] = []
    original_hash = argon2.low_level.hash_secret
    original_verify = argon2.low_level.verify_secret

    def counting_hash(*args, **kwargs):
        calls.append("hash")
        return original_hash(*args, **kwargs)

    def counting_verify(*args, **kwargs):
        calls.append("verify")
        return original_verify(*args, **kwargs)

    monkeypatch.setattr(argon2.low_level, "hash_secret", counting_hash)
    monkeypatch.setattr("argon2._password_hasher.verify_secret", counting_verify)
    sesame("login", NIR, input=lines("wrong password"))
    known = list(calls)
    calls.clear()
    sesame("login", "1 85 05 78 006 084 91", input=lines("wrong password"))
    assert known == ["verify"]
    assert calls == ["hash"]  # one argon2 computation at the same parameters


def test_english_messages(sesame, member):
    member()
    lock(sesame)
    locked = sesame("login", NIR, input=lines(PASSWORD), lang="en")
    assert locked.stderr == (
        "After 3 failed attempts your credentials are locked.\n"
        f"Unlock your account: sesame unlock {NIR_COMPACT} --dob dd/mm/yyyy\n"
    )
    wrong = sesame("unlock", NIR, "--dob", "16/10/1995", lang="en")
    assert wrong.stderr.startswith("The information given does not identify an account.")
    sesame("login", NIR, input=lines(PASSWORD))


def test_unexpected_error_is_one_line_and_exit_1(sesame, member, monkeypatch):
    member()

    def explode(*args, **kwargs):
        raise RuntimeError("password=hunter2 must never be shown")

    monkeypatch.setattr("db.procedure.login", explode)
    result = sesame("login", NIR, input=lines(PASSWORD))
    assert result.exit_code == 1
    assert result.stderr == "Erreur interne : RuntimeError\n"
    assert "hunter2" not in result.stdout + result.stderr
    as_json = sesame("login", NIR, "--json", input=lines(PASSWORD))
    assert as_json.json()["error"]["code"] == "internal_error"


def test_default_language_follows_the_locale():
    from db.settings import default_lang

    assert default_lang({"LANG": "fr_FR.UTF-8"}) == "fr"
    assert default_lang({"LC_ALL": "en_US.UTF-8", "LANG": "fr_FR.UTF-8"}) == "en"
    assert default_lang({"LC_MESSAGES": "fr_CA", "LANG": "C"}) == "fr"
    assert default_lang({}) == "en"
