"""What scripts and CI need (issue 12): the message id and file in the JSON of
every command that sends a secret, the secret in a named field of the message,
runnable hints, what the queue transport changes in what people read, and the
files still waiting in the outbox. Exact outputs, exit codes and JSON."""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import UTC, datetime
from email import message_from_bytes, policy

from helpers import DOB, NEW_PASSWORD, NIR, lines

QUEUE = '[outbox]\ntransport = "queue"\n'
LINK = re.compile(r"^https://espace-personnel\.example/reinitialiser\?token=[A-Za-z0-9_-]{43}$")


def lock(sesame) -> None:
    for _ in range(3):
        sesame("login", NIR, input=lines("wrong password"))


def use_queue(home) -> None:
    with (home.path / "sesame.toml").open("a") as config:
        config.write(QUEUE)


# --- the channel choice: runnable commands --------------------------------------------


def test_the_channel_choice_prints_one_runnable_command_per_channel(sesame, member):
    member()
    lock(sesame)
    for lang, header in (
        ("fr", "Puis l'une de ces commandes :"),
        ("en", "Then one of these commands:"),
    ):
        shown = sesame("unlock", NIR, "--dob", DOB, lang=lang)
        assert shown.exit_code == 0
        *_, said, sms, email = shown.stdout.splitlines()
        flow = sms.split()[2]
        assert re.fullmatch(r"[0-9a-f]{16}", flow)
        assert (said, sms, email) == (
            header,
            f"sesame send-code {flow} --channel sms",
            f"sesame send-code {flow} --channel email",
        )
        assert "|" not in shown.stdout


# --- the message id and the outbox file in the JSON ------------------------------------


def test_send_code_json_names_the_message_and_its_file(sesame, member, home):
    member()
    lock(sesame)
    flow = sesame("unlock", NIR, "--dob", DOB, "--json").json()["flow"]
    sent = sesame("send-code", flow, "--channel", "sms", "--json").json()
    [sms] = home.sms_files()
    assert sent["message_id"] == sms.stem
    assert sent["outbox_file"] == str(sms)
    assert json.loads(sms.read_text())["id"] == sent["message_id"]
    assert set(sent) == {
        "ok",
        "flow",
        "state",
        "channel",
        "destination",
        "expires_at",
        "message_id",
        "outbox_file",
    }


def test_forgot_and_unlock_json_name_the_message_and_its_file(sesame, member, home):
    member()
    forgot = sesame("forgot", NIR, "--dob", DOB, "--channel", "email", "--json").json()
    [mail] = home.mail_files()
    assert (forgot["message_id"], forgot["outbox_file"]) == (mail.stem, str(mail))
    lock(sesame)
    unlocked = sesame("unlock", NIR, "--dob", DOB, "--channel", "sms", "--json").json()
    [sms] = home.sms_files()
    assert (unlocked["message_id"], unlocked["outbox_file"]) == (sms.stem, str(sms))


def test_support_send_reset_json_names_the_message_and_its_file(sesame, member, home):
    member()
    lock(sesame)
    result = sesame(
        "account", "unlock", NIR, "--reason", "ticket 42", "--send-reset", "sms", "--json"
    ).json()
    [sms] = home.sms_files()
    reset = result["reset"]
    assert (reset["message_id"], reset["outbox_file"]) == (sms.stem, str(sms))
    assert set(reset) == {
        "flow",
        "channel",
        "destination",
        "expires_at",
        "message_id",
        "outbox_file",
    }


def test_queue_transport_gives_the_id_and_no_file_and_says_will_be_sent(sesame, member, home):
    use_queue(home)
    member()
    lock(sesame)
    sent = sesame("unlock", NIR, "--dob", DOB, "--channel", "sms", "--json").json()
    [(message_id,)] = home.query("SELECT id FROM outbox WHERE channel = 'sms'")
    assert (sent["message_id"], sent["outbox_file"]) == (message_id, None)
    assert home.sms_files() == []
    french = sesame("unlock", NIR, "--dob", DOB, "--channel", "sms")
    assert french.stdout.startswith(
        "Un SMS contenant un mot de passe temporaire va être envoyé au *** ** 42 08. "
        "Il est valable jusqu'à "
    )
    english = sesame("forgot", NIR, "--dob", DOB, "--channel", "email", lang="en")
    assert english.stdout.startswith(
        "An email with a link to change your password will be sent to *****@orange.fr. "
        "It is valid until "
    )
    support = sesame(
        "account", "unlock", NIR, "--reason", "ticket", "--send-reset", "email", lang="en"
    )
    assert "Reset link queued, to be sent by email to *****@orange.fr (flow " in support.stdout
    reset = sesame(
        "account", "send-reset", NIR, "--reason", "t", "--channel", "sms", "--json"
    ).json()["reset"]
    assert reset["outbox_file"] is None and re.fullmatch(r"[0-9a-f]{16}", reset["message_id"])


def test_files_transport_still_says_was_sent(sesame, member):
    member(email=None)
    lock(sesame)
    shown = sesame("unlock", NIR, "--dob", DOB, lang="en")
    assert "An SMS with a temporary password was sent to *** ** 42 08." in shown.stdout


# --- the secret in a named field -------------------------------------------------------


def test_the_sms_file_gives_the_code_in_a_field(sesame, member, home):
    member(email=None)
    lock(sesame)
    sesame("unlock", NIR, "--dob", DOB)
    [sms] = home.sms_files()
    document = json.loads(sms.read_text())
    assert list(document) == ["id", "to", "body", "code", "created_at"]
    assert document["code"] == document["body"].splitlines()[1]
    assert re.fullmatch(r"[A-Za-z0-9]{10}", document["code"])
    used = sesame("login", NIR, input=lines(document["code"], NEW_PASSWORD, NEW_PASSWORD))
    assert used.exit_code == 0


def test_the_email_file_gives_the_link_in_a_header(sesame, member, home):
    member(mobile=None)
    sesame("forgot", NIR, "--dob", DOB)
    [mail] = home.mail_files()
    raw = mail.read_bytes().decode()
    [header] = [line for line in raw.splitlines() if line.startswith("X-Sesame-Link: ")]
    link = header.removeprefix("X-Sesame-Link: ")
    assert LINK.match(link)
    assert link in raw.split("\n\n", 1)[1].splitlines()  # the body's link, the same
    parsed = message_from_bytes(mail.read_bytes(), policy=policy.default)
    assert parsed["X-Sesame-Link"] == link


def test_a_message_without_secret_has_no_field(sesame, member, home):
    member(mobile=None)
    lock(sesame)  # the lock notice
    [notice] = home.mail_files()
    assert "X-Sesame-Link" not in notice.read_text()


def test_the_gateway_gets_the_code_field_and_the_database_keeps_none(
    sesame, member, home, tmp_path
):
    """The attack: the named field must not outlive delivery in the database."""
    use_queue(home)
    member(email=None)
    lock(sesame)
    sesame("unlock", NIR, "--dob", DOB)
    received = tmp_path / "received.json"
    script = tmp_path / "gateway.py"
    script.write_text(f"import sys\nopen({str(received)!r}, 'w').write(sys.stdin.read())\n")
    delivered = sesame("outbox", "deliver", "--sms-command", f"{sys.executable} -S {script}")
    assert delivered.exit_code == 0
    document = json.loads(received.read_text())
    code = document["code"]
    assert code == document["body"].splitlines()[1]
    [(body, redacted)] = home.query("SELECT body, redacted_body FROM outbox")
    assert body is None and code not in redacted
    stored = json.dumps(home.query("SELECT * FROM outbox"), default=str)
    assert code not in stored and '"code"' not in stored
    if home.is_sqlite:
        files = [p for p in home.path.iterdir() if p.name.startswith("sesame.db")]
        assert code.encode() not in b"".join(p.read_bytes() for p in files)
    shown = sesame("outbox", "show", "--last", "--json").json()["message"]
    assert code not in json.dumps(shown)


def test_after_writing_the_file_the_database_keeps_no_code_nor_link(sesame, member, home):
    member()
    lock(sesame)
    sesame("unlock", NIR, "--dob", DOB, "--channel", "sms")
    sesame("forgot", NIR, "--dob", DOB, "--channel", "email")
    code = json.loads(home.sms_files()[-1].read_text())["code"]
    link = home.last_link()
    assert all(body is None for (body,) in home.query("SELECT body FROM outbox"))
    stored = json.dumps(home.query("SELECT * FROM outbox"), default=str)
    assert code not in stored and link not in stored and link.split("token=")[1] not in stored


# --- outbox show of a queued message ---------------------------------------------------


def test_show_says_what_became_of_the_secret(sesame, member, home):
    use_queue(home)
    member(email=None)
    lock(sesame)
    sesame("unlock", NIR, "--dob", DOB)
    queued = sesame("outbox", "show", "--last", lang="en").stdout
    assert "\n[secret hidden, not sent yet]\n" in queued
    assert "removed after sending" not in queued and "après envoi" not in queued
    french = sesame("outbox", "show", "--last", "--json").json()["message"]
    assert french["body"].splitlines()[1] == "[secret masqué, pas encore envoyé]"
    home.query("UPDATE outbox SET status = 'sent', body = NULL")
    sent = sesame("outbox", "show", "--last", lang="en").stdout
    assert "\n[secret removed after sending]\n" in sent
    assert "\n[secret retiré après envoi]\n" in sesame("outbox", "show", "--last").stdout


# --- status: the files no consumer has read ---------------------------------------------


def test_status_counts_the_files_waiting_in_new(sesame, member, home, clock):
    empty = sesame("status", "--json").json()["dashboard"]
    assert empty["outbox_files"] == {"waiting": 0, "oldest": None}
    outbox = home.path / "outbox"
    assert (
        f"\nNo file waiting to be read in {outbox}/*/new.\n"
        in sesame("status", lang="en").stdout + "\n"
    )
    member()
    lock(sesame)  # the lock notice: mail/new
    sesame("unlock", NIR, "--dob", DOB, "--channel", "sms")  # sms/new
    [notice], [sms] = home.mail_files(), home.sms_files()
    written = int(clock.now.timestamp()) - 3 * 3600 - 5 * 60
    os.utime(notice, (written, written))
    read = sms.parent.parent / "cur" / f"{sms.name}:2,S"
    sms.rename(read)  # a consumer took it: no longer waiting
    (outbox / "sms" / "new" / "planted").mkdir()  # not a message file
    board = sesame("status", "--json").json()["dashboard"]
    assert board["outbox_files"] == {
        "waiting": 1,
        "oldest": {
            "modified_at": datetime.fromtimestamp(written, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "age_seconds": 3 * 3600 + 5 * 60,
        },
    }
    english = sesame("status", lang="en").stdout
    assert f"\nFiles waiting to be read in {outbox}/*/new: 1 (oldest 3h05m old, written " in english
    french = sesame("status").stdout
    assert (
        f"\nFichiers en attente de lecture dans {outbox}/*/new : 1 (le plus ancien : 3h05m"
        in french
    )
    read.rename(sms)
    assert sesame("status", "--json").json()["dashboard"]["outbox_files"]["waiting"] == 2


# --- policy check: the file read, the checks passed ---------------------------------------


def test_policy_check_names_its_file_and_lists_what_passed(sesame, home):
    config = home.path / "sesame.toml"
    home.configure(resend_cooldown_seconds=0)  # one finding, with fast argon2's two
    document = sesame("policy", "check", "--json", lang="en").json()
    assert set(document) == {
        "ok",
        "findings",
        "accepted",
        "lockout",
        "passwords",
        "config_file",
        "passed",
    }
    assert document["config_file"] == str(config)
    failed = [f["check"] for f in document["findings"]]
    passed = [p["check"] for p in document["passed"]]
    assert failed == ["argon2_memory", "argon2_time", "resend_cooldown"]
    assert passed == [
        "sms_code_ttl",
        "email_link_ttl",
        "temporary_password_entropy",
        "link_token_entropy",
        "failed_attempts",
        "code_attempts",
        "identity_failures",
        "password_min_length",
        "password_recommended_length",
        "password_history",
        "codes_per_day",
        "notify_on_password_change",
        "notify_on_channel_change",
        "notify_on_lock",
    ]
    assert document["passed"][0] == {
        "check": "sms_code_ttl",
        "setting": "sms_code_ttl_seconds",
        "value": 600,
        "expected": "<= 600",
        "reference": "OWASP ASVS 4.0.3 V2.7.2; NIST SP 800-63B §5.1.3.2",
    }
    human = sesame("policy", "check", lang="en").stdout
    assert human.startswith(f"Configuration read: {config}\n\nFindings:\n")
    assert "\n\nChecks passed (14):\n- sms_code_ttl_seconds = 600 (<= 600; " in human
    assert "\n- notify_on_lock = true (true; " in human
    config.unlink()
    defaults = sesame("policy", "check", "--json", lang="en").json()
    assert (defaults["config_file"], defaults["findings"], len(defaults["passed"])) == (
        None,
        [],
        17,
    )
    shown = sesame("policy", "check", lang="en").stdout
    assert shown.startswith(f"No configuration file ({config} not found): the defaults.\n\n")


def test_policy_check_names_the_file_given_by_config(sesame, home, tmp_path):
    other = tmp_path / "elsewhere.toml"
    other.write_text("[policy]\nsms_code_ttl_seconds = 900\n")
    other.chmod(0o600)
    document = sesame("--config", str(other), "policy", "check", "--json").json()
    assert document["config_file"] == str(other)
    assert [f["check"] for f in document["findings"]] == ["sms_code_ttl"]
