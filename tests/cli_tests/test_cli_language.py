"""The member's language and identity: every message to a member is written in the
member's stored language (`account add/edit --language`, the `language` column of
`account import`, `[policy] default_language`), whatever the operator reads
(`--lang`, `SESAME_LANG`, any case); the member's own commands audit the member."""

from __future__ import annotations

import json
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path

import pytest
from helpers import DOB, EMAIL, MOBILE, NEW_PASSWORD, NIR, NIR_COMPACT, PASSWORD, lines

FRENCH_SMS = "Espace personnel - votre mot de passe temporaire :"
ENGLISH_SMS = "Espace personnel - your temporary password:"
PAUL_COMPACT = "185057800608491"
HEADER = "nir,birth_date,email,mobile"


def lock(sesame, lang="fr"):
    codes = [sesame("login", NIR, input=lines("mauvais"), lang=lang).exit_code for _ in range(3)]
    assert codes == [3, 3, 4]


def last_sms(home) -> list[str]:
    return json.loads(home.sms_files()[-1].read_text())["body"].splitlines()


def subjects(home) -> list[str]:
    return [
        str(message_from_bytes(path.read_bytes(), policy=email_policy.default)["Subject"])
        for path in home.mail_files()
    ]


def add(sesame, *options, lang="fr", nir=NIR, email=EMAIL, mobile=MOBILE):
    args = ["account", "add", "--nir", nir, "--dob", DOB, "--email", email, "--mobile", mobile]
    result = sesame(*args, *options, "--json", input=lines(PASSWORD, PASSWORD), lang=lang)
    assert result.exit_code == 0, result.stderr
    return result.json()["account"]


# --- messages go out in the member's language ----------------------------------------


def test_an_english_agent_unlocking_a_french_member_sends_french(sesame, home):
    """The ticket: an agent on an English locale unlocked a French member with a
    reset by SMS, and the member got an English SMS."""
    assert add(sesame, lang="en")["language"] == "fr"
    lock(sesame, lang="en")
    unlocked = sesame(
        "account", "unlock", NIR, "--reason", "call", "--send-reset", "sms", lang="en"
    )
    assert unlocked.exit_code == 0, unlocked.stderr
    assert unlocked.stdout.startswith(f"Account {NIR_COMPACT} unlocked.")  # the agent's language
    assert last_sms(home)[0] == FRENCH_SMS
    assert subjects(home) == ["Espace personnel : vos identifiants sont bloqués"]
    assert "secret retiré" not in sesame("outbox", "show", "--last", lang="en").stdout


def test_an_english_member_gets_english_whatever_the_operator_reads(sesame, home):
    assert add(sesame, "--language", "EN")["language"] == "en"
    # The member's own commands speak to the terminal in its language...
    sent = sesame("forgot", NIR, "--dob", DOB, "--channel", "sms")
    assert sent.exit_code == 0, sent.stderr
    assert "SMS" in sent.stdout and "envoyé" in sent.stdout
    # ...and to the member in theirs.
    assert last_sms(home)[0] == ENGLISH_SMS
    code = last_sms(home)[1]
    reset = sesame("reset", NIR, input=lines(code, NEW_PASSWORD, NEW_PASSWORD))
    assert reset.exit_code == 0, reset.stderr
    sesame("forgot", NIR, "--dob", DOB, "--channel", "email")
    assert subjects(home) == [
        "Espace personnel: your password was changed",
        "Espace personnel: change your password",
    ]


def test_default_language_comes_from_the_configuration(sesame, home):
    home.configure(resend_cooldown_seconds=0, default_language="en")
    assert add(sesame)["language"] == "en"
    assert sesame("forgot", NIR, "--dob", DOB, "--channel", "sms").exit_code == 0
    assert last_sms(home)[0] == ENGLISH_SMS


def test_a_wrong_default_language_is_refused_naming_the_key(sesame, home):
    home.configure(default_language="de")
    refused = sesame("account", "list")
    assert (refused.exit_code, refused.stderr) == (
        2,
        "Configuration : « policy.default_language » doit valoir fr | en.\n",
    )


def test_account_add_refuses_an_unknown_language(sesame):
    args = ["account", "add", "--nir", NIR, "--dob", DOB, "--language", "de", "--no-password"]
    refused = sesame(*args)
    assert (refused.exit_code, refused.stderr) == (2, "Langue inconnue : de (fr ou en).\n")
    english = sesame(*args, "--json", lang="en")
    assert english.json()["error"] == {
        "code": "invalid_input",
        "reason": "lang",
        "message": "Unknown language: de (fr or en).",
    }


def test_account_show_and_edit_the_language(sesame, home):
    add(sesame)
    started = sesame("forgot", NIR, "--dob", DOB)  # an open flow, still choosing
    assert started.exit_code == 0, started.stderr
    shown = sesame("account", "show", NIR, "--json").json()
    assert shown["account"]["language"] == "fr"
    assert "Langue" in sesame("account", "show", NIR).stdout
    text = sesame("account", "show", NIR, lang="en").stdout
    assert any(line.split() == ["Language", "fr"] for line in text.splitlines())
    edited = sesame("account", "edit", NIR, "--language", "En", "--reason", "asked", "--json")
    assert edited.exit_code == 0, edited.stderr
    document = edited.json()
    assert (document["result"], document["account"]["language"]) == ("channels_changed", "en")
    # A language is no contact channel: the open flow goes on, nobody is told.
    assert document["account"]["flow"] is not None
    assert subjects(home) == []
    event = sesame("audit", NIR, "--json").json()["events"][-1]
    assert (event["event"], event["detail"]) == (
        "channels_changed",
        {"reason": "asked", "language": "en"},
    )
    again = sesame("account", "edit", NIR, "--language", "en", "--reason", "again", "--json")
    assert again.json()["result"] == "unchanged"
    refused = sesame("account", "edit", NIR, "--language", "de", "--reason", "x")
    assert (refused.exit_code, refused.stderr) == (2, "Langue inconnue : de (fr ou en).\n")
    assert sesame("send-code", document["account"]["flow"]["id"], "--channel", "sms").exit_code == 0
    assert last_sms(home)[0] == ENGLISH_SMS


# --- import and export ---------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "accounts.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_import_reads_an_optional_language_column(sesame, tmp_path):
    source = write(
        tmp_path,
        f"{HEADER},language\n{NIR_COMPACT},{DOB},{EMAIL},,EN\n{PAUL_COMPACT},03/05/1985,,,\n",
    )
    imported = sesame("account", "import", source, "--json")
    assert (imported.exit_code, imported.json()["imported"]) == (0, 2)
    exported = sesame("account", "export").stdout
    assert exported == (
        f"{HEADER},language\n{NIR_COMPACT},{DOB},{EMAIL},,en\n{PAUL_COMPACT},03/05/1985,,,fr\n"
    )


def test_an_export_without_the_column_imports_with_the_default(sesame, home, tmp_path):
    home.configure(default_language="en")
    source = write(tmp_path, f"{HEADER}\n{NIR_COMPACT},{DOB},{EMAIL},\n")
    assert sesame("account", "import", source).exit_code == 0
    assert sesame("account", "show", NIR, "--json").json()["account"]["language"] == "en"


def test_import_refuses_an_unknown_language_on_its_line(sesame, tmp_path):
    source = write(tmp_path, f"{HEADER},language\n{NIR_COMPACT},{DOB},{EMAIL},,de\n")
    refused = sesame("account", "import", source, "--json", lang="en")
    assert refused.exit_code == 2
    assert refused.json()["refused"] == [
        {
            "line": 2,
            "code": "invalid_input",
            "reason": "lang",
            "message": "Unknown language: de (fr or en).",
        }
    ]


# --- the operator's language: any case ----------------------------------------------


def test_lang_is_accepted_in_any_case(sesame, home, monkeypatch):
    add(sesame)
    shown = sesame("account", "show", NIR, lang="EN")
    assert (shown.exit_code, "Language" in shown.stdout) == (0, True)
    from typer.testing import CliRunner

    from cli.main import app

    monkeypatch.setenv("SESAME_LANG", "Fr")
    french = CliRunner().invoke(app, [*home.global_args, "account", "show", NIR])
    assert (french.exit_code, "Langue" in french.stdout) == (0, True)
    monkeypatch.setenv("SESAME_LANG", "EN")
    english = CliRunner().invoke(app, [*home.global_args, "account", "show", NIR])
    assert (english.exit_code, "Language" in english.stdout) == (0, True)
    wrong = sesame("account", "show", NIR, lang="de")
    assert wrong.exit_code == 2 and "de (fr " in wrong.stderr


@pytest.mark.parametrize("command", [["unlock"], ["forgot"], ["account", "add"]])
def test_dob_help_in_the_operators_language(sesame, command):
    english = sesame(*command, "--help", lang="en").stdout
    assert "Date of birth, dd/mm/yyyy." in english and "jj/mm/aaaa" not in english
    french = sesame(*command, "--help", lang="fr").stdout
    assert "Date de naissance, jj/mm/aaaa." in french and "dd/mm/yyyy" not in french


# --- member actions are attributed to the member -------------------------------------


def test_member_commands_audit_the_member_not_the_declared_actor(sesame, home, monkeypatch):
    add(sesame)
    monkeypatch.setenv("SESAME_ACTOR", "agent.env")
    as_agent = ("--actor", "agent.smith")
    for _ in range(3):
        sesame(*as_agent, "login", NIR, input=lines("mauvais"))
    started = sesame(*as_agent, "unlock", NIR, "--dob", DOB, "--json").json()
    assert sesame(*as_agent, "send-code", started["flow"], "--channel", "sms").exit_code == 0
    code = last_sms(home)[1]
    reset = sesame(*as_agent, "reset", NIR, input=lines(code, NEW_PASSWORD, NEW_PASSWORD))
    assert reset.exit_code == 0, reset.stderr
    assert sesame(*as_agent, "login", NIR, input=lines(NEW_PASSWORD)).exit_code == 0
    assert sesame("forgot", NIR, "--dob", DOB, "--channel", "email").exit_code == 0
    member_events = sesame("audit", NIR, "--json").json()["events"][1:]
    assert {e["actor"] for e in member_events} == {"member"}
    assert [e["event"] for e in member_events][:2] == ["login_failed", "login_failed"]
    # Support commands keep the declared actor.
    support = ("account", "disable", NIR, "--reason", "fraud")
    assert sesame(*as_agent, *support).exit_code == 0
    assert sesame("account", "enable", NIR, "--reason", "ok").exit_code == 0
    events = sesame("audit", NIR, "--json").json()["events"]
    named = [(e["event"], e["actor"]) for e in events if e["event"].startswith("account_")]
    assert named[-2:] == [
        ("account_disabled", "agent.smith"),
        ("account_enabled", "agent.env"),
    ]
