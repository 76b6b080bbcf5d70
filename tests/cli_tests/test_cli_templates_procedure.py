"""The operator's templates in the procedure: what the member receives, and a
refused template stopping a command that would send it before anything is written."""

from __future__ import annotations

import json
from email import message_from_bytes, policy

from helpers import DOB, NEW_PASSWORD, NIR, PASSWORD, lines, write_template

SMS_FR = "$organization : votre code\n${code}\nValable $minutes min, envoyé au $destination.\n"


def lock(sesame) -> None:
    for _ in range(3):
        sesame("login", NIR, input=lines("wrong password"))


def counts(home) -> tuple[int, int]:
    """Audit events and outbox rows in the database."""
    events = home.query("SELECT count(*) FROM audit_events")[0][0]
    messages = home.query("SELECT count(*) FROM outbox")[0][0]
    return events, messages


def test_an_overridden_french_sms_is_the_text_in_the_outbox_file(sesame, member, home):
    member()
    lock(sesame)
    write_template(home.path, "fr", "sms_temporary_password", SMS_FR)
    result = sesame("unlock", NIR, "--dob", DOB, "--channel", "sms")
    assert result.exit_code == 0, result.stderr
    document = json.loads(home.sms_files()[-1].read_text())
    code = document["code"]
    assert document["body"] == (
        f"Espace personnel : votre code\n{code}\nValable 10 min, envoyé au *** ** 42 08."
    )
    # the code stands alone on its line: the member logs in with it
    changed = sesame("login", NIR, input=lines(code, NEW_PASSWORD, NEW_PASSWORD))
    assert changed.exit_code == 0, changed.stderr


def test_the_english_member_keeps_the_default_when_only_french_is_overridden(sesame, member, home):
    member()
    home.query("UPDATE accounts SET language = 'en'")
    lock(sesame)
    write_template(home.path, "fr", "sms_temporary_password", SMS_FR)
    assert sesame("unlock", NIR, "--dob", DOB, "--channel", "sms").exit_code == 0
    body = json.loads(home.sms_files()[-1].read_text())["body"]
    assert body.startswith("Espace personnel - your temporary password:\n")


def test_the_lock_notification_uses_the_operators_subject_and_body(sesame, member, home):
    member()
    write_template(home.path, "fr", "email_locked.subject", "Compte bloqué ($organization)\n")
    write_template(home.path, "fr", "email_locked", "Trop d'essais ($max_failed_attempts).\n")
    lock(sesame)
    message = message_from_bytes(home.mail_files()[-1].read_bytes(), policy=policy.default)
    assert message["Subject"] == "Compte bloqué (Espace personnel)"
    assert message.get_body().get_content() == "Trop d'essais (3).\n"  # type: ignore[attr-defined]


def test_a_refused_template_stops_unlock_before_anything_is_written(sesame, member, home):
    member()
    lock(sesame)
    before, files = counts(home), (home.sms_files(), home.mail_files())
    path = write_template(home.path, "fr", "sms_temporary_password", "Votre code : $code\n")
    result = sesame("unlock", NIR, "--dob", DOB, "--channel", "sms")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Modèle de message {path} : $code doit figurer une fois, seul sur sa ligne (c'est la "
        "ligne que reçoivent les scripts et qui est effacée après l'envoi).\n"
    )
    as_json = sesame("unlock", NIR, "--dob", DOB, "--channel", "sms", "--json")
    assert as_json.exit_code == 2
    assert as_json.json()["error"]["reason"] == "config_template_required"
    assert as_json.json()["error"]["file"] == str(path)
    assert counts(home) == before  # no audit event, no message queued
    assert (home.sms_files(), home.mail_files()) == files  # no outbox file


def test_a_refused_template_stops_every_command_that_may_send(sesame, member, home):
    member()
    write_template(home.path, "en", "email_password_changed", "Changed on $date.\n")
    before = counts(home)
    for args in (
        ["login", NIR],
        ["forgot", NIR, "--dob", DOB],
        ["unlock", NIR, "--dob", DOB],
        ["send-code", "0" * 16, "--channel", "sms"],
        ["reset", NIR],
        ["account", "unlock", NIR, "--reason", "r"],
        ["account", "send-reset", NIR, "--reason", "r", "--channel", "sms"],
        ["account", "edit", NIR, "--email", "a@b.fr", "--reason", "r"],
    ):
        result = sesame(*args, "--json", input=lines(PASSWORD))
        assert result.exit_code == 2, (args, result)
        assert result.json()["error"].get("reason") == "config_template_placeholder", (args, result)
    assert counts(home) == before


def test_a_refused_template_does_not_stop_commands_that_send_nothing(sesame, member, home):
    member()
    write_template(home.path, "fr", "sms_temporary_password", "pas de code\n")
    assert sesame("status", NIR).exit_code == 0
    assert sesame("account", "disable", NIR, "--reason", "fraude").exit_code == 0
    assert sesame("account", "enable", NIR, "--reason", "fin").exit_code == 0
    assert sesame("outbox", "list").exit_code == 0
