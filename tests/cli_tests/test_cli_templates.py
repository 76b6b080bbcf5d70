"""`sesame templates list|show|check`: exact outputs, exit codes, JSON shapes."""

from __future__ import annotations

from pathlib import Path

import pytest

SMS_FR = (
    "Espace personnel - votre mot de passe temporaire :\n23456789AB\n"
    "Valable 10 min. Utilisez-le avec votre n° de sécurité sociale. "
    "Ne le communiquez à personne.\n"
)
# No database is opened: once is enough.
pytestmark = pytest.mark.sqlite_only

OURS = "$organization : votre code\n$code\nValable $minutes min ($destination).\n"


def write(home_path: Path, lang: str, name: str, text: str | bytes) -> Path:
    folder = home_path / "templates" / lang
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.txt"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")


# --- list -----------------------------------------------------------------------


LIST_EN = """\
template                        lang    file                                     placeholders
------------------------------  ------  ---------------------------------------  ---------------------------------------------------
sms_temporary_password          fr      templates/fr/sms_temporary_password.txt  code (required), minutes, organization, destination
sms_temporary_password          en      (default)                                code (required), minutes, organization, destination
email_reset_link.subject        fr      (default)                                minutes, organization
email_reset_link.subject        en      (default)                                minutes, organization
email_reset_link                fr      (default)                                link (required), minutes, organization, destination
email_reset_link                en      (default)                                link (required), minutes, organization, destination
email_locked.subject            fr      (default)                                max_failed_attempts, organization
email_locked.subject            en      (default)                                max_failed_attempts, organization
email_locked                    fr      (default)                                max_failed_attempts, organization
email_locked                    en      (default)                                max_failed_attempts, organization
email_channels_changed.subject  fr      (default)                                organization
email_channels_changed.subject  en      (default)                                organization
email_channels_changed          fr      (default)                                organization
email_channels_changed          en      (default)                                organization
email_password_changed.subject  fr      (default)                                organization
email_password_changed.subject  en      (default)                                organization
email_password_changed          fr      (default)                                organization
email_password_changed          en      (default)                                organization
"""  # noqa: E501


def test_list_shows_every_message_language_file_and_placeholders(sesame, home):
    write(home.path, "fr", "sms_temporary_password", OURS)
    result = sesame("templates", "list", lang="en")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == LIST_EN


def test_list_as_json(sesame, home):
    path = write(home.path, "fr", "sms_temporary_password", OURS)
    entries = sesame("templates", "list", "--json").json()["templates"]
    assert len(entries) == 18
    assert entries[0] == {
        "name": "sms_temporary_password",
        "lang": "fr",
        "kind": "sms",
        "overridden": True,
        "file": str(path),
        "placeholders": [
            {"name": "code", "required": True},
            {"name": "minutes", "required": False},
            {"name": "organization", "required": False},
            {"name": "destination", "required": False},
        ],
    }
    assert entries[3] == {
        "name": "email_reset_link.subject",
        "lang": "en",
        "kind": "subject",
        "overridden": False,
        "file": None,
        "placeholders": [
            {"name": "minutes", "required": False},
            {"name": "organization", "required": False},
        ],
    }


# --- show -----------------------------------------------------------------------


def test_show_renders_the_default_with_sample_values(sesame):
    result = sesame("templates", "show", "sms_temporary_password")
    assert (result.exit_code, result.stdout, result.stderr) == (0, SMS_FR, "")
    subject = sesame("templates", "show", "email_locked.subject", "--lang", "en")
    assert subject.stdout == "Espace personnel: your credentials are locked\n"


def test_show_renders_the_operators_file_with_the_configured_values(sesame, home):
    home.configure(organization="Caisse primaire", sms_code_ttl_seconds=300)
    path = write(home.path, "fr", "sms_temporary_password", OURS)
    result = sesame("templates", "show", "sms_temporary_password", "--lang", "FR")
    expected = "Caisse primaire : votre code\n23456789AB\nValable 5 min (*** ** 56 78).\n"
    assert (result.exit_code, result.stdout) == (0, expected)
    assert sesame("templates", "show", "sms_temporary_password", "--json").json() == {
        "ok": True,
        "name": "sms_temporary_password",
        "lang": "fr",
        "file": str(path),
        "values": {
            "code": "23456789AB",
            "minutes": "5",
            "organization": "Caisse primaire",
            "destination": "*** ** 56 78",
        },
        "text": expected.rstrip("\n"),
    }
    # the other language keeps its default
    english = sesame("templates", "show", "sms_temporary_password", "--lang", "en")
    assert english.stdout.startswith("Caisse primaire - your temporary password:\n")


def test_show_refuses_an_unknown_name_and_a_refused_file(sesame, home):
    unknown = sesame("templates", "show", "sms_code", lang="en")
    assert (unknown.exit_code, unknown.stdout) == (2, "")
    assert unknown.stderr == "Unknown message template: sms_code (see sesame templates list).\n"
    path = write(home.path, "en", "email_reset_link", "Click $here\n$link\n")
    refused = sesame("templates", "show", "email_reset_link", "--lang", "en", "--json")
    assert refused.exit_code == 2
    assert refused.json() == {
        "ok": False,
        "error": {
            "code": "invalid_input",
            "reason": "config_template_placeholder",
            "message": f"Modèle de message {path} : paramètre inconnu $here (possibles : "
            "$link, $minutes, $organization, $destination).",
            "file": str(path),
        },
    }


# --- check ----------------------------------------------------------------------


CHECK_DEFAULTS_EN = """\
template                        lang    file       result    encoding    SMS
------------------------------  ------  ---------  --------  ----------  -----
sms_temporary_password          fr      (default)  ok        UCS-2       3
sms_temporary_password          en      (default)  ok        GSM-7       1
email_reset_link.subject        fr      (default)  ok        -           -
email_reset_link.subject        en      (default)  ok        -           -
email_reset_link                fr      (default)  ok        -           -
email_reset_link                en      (default)  ok        -           -
email_locked.subject            fr      (default)  ok        -           -
email_locked.subject            en      (default)  ok        -           -
email_locked                    fr      (default)  ok        -           -
email_locked                    en      (default)  ok        -           -
email_channels_changed.subject  fr      (default)  ok        -           -
email_channels_changed.subject  en      (default)  ok        -           -
email_channels_changed          fr      (default)  ok        -           -
email_channels_changed          en      (default)  ok        -           -
email_password_changed.subject  fr      (default)  ok        -           -
email_password_changed.subject  en      (default)  ok        -           -
email_password_changed          fr      (default)  ok        -           -
email_password_changed          en      (default)  ok        -           -
"""


def test_check_reports_the_encoding_and_warns_above_two_sms(sesame):
    """The procedure's French SMS holds `n°`, outside GSM-7: three UCS-2 parts."""
    result = sesame("templates", "check", lang="en")
    assert (result.exit_code, result.stdout) == (0, CHECK_DEFAULTS_EN)
    assert result.stderr == (
        "Warning: sms_temporary_password (fr) takes 3 SMS (UCS-2) with the longest values: "
        "more than 2.\n"
    )


def test_check_counts_with_the_configured_organization(sesame, home):
    """One `ç` in the organization sends every SMS in UCS-2."""
    home.configure(organization="Caisse de la Français")
    write(home.path, "fr", "sms_temporary_password", OURS)
    entry = sesame("templates", "check", "--json").json()["templates"][0]
    assert entry["sms"] == {"encoding": "UCS-2", "places": 76, "segments": 2, "warning": False}
    home.configure(organization="Caisse")
    entry = sesame("templates", "check", "--json").json()["templates"][0]
    assert entry["sms"] == {"encoding": "GSM-7", "places": 61, "segments": 1, "warning": False}


def test_check_refuses_each_bad_file_naming_it(sesame, home):
    bad = write(home.path, "fr", "sms_temporary_password", "Votre code : $code\n")
    latin1 = write(home.path, "en", "email_locked", b"Bonjour\n" + b"\xe9t\xe9\n")
    stray = write(home.path, "fr", "sms_temporary_pasword", "$code\n")
    result = sesame("templates", "check", lang="en")
    assert result.exit_code == 2
    row = "sms_temporary_password          fr      templates/fr/sms_temporary_password.txt  refused"
    assert row in result.stdout
    assert result.stderr.splitlines() == [
        f"Message template {bad}: $code must appear once, alone on its line (the line "
        "scripts receive and that is erased after sending).",
        f"Message template {latin1}: not UTF-8 (byte 8).",
        f"Unknown message template: {stray} (expected templates/LANG/NAME.txt, LANG one of "
        "fr | en, NAME.txt one of sms_temporary_password.txt, email_reset_link.subject.txt, "
        "email_reset_link.txt, email_locked.subject.txt, email_locked.txt, "
        "email_channels_changed.subject.txt, email_channels_changed.txt, "
        "email_password_changed.subject.txt, email_password_changed.txt).",
        "3 message template(s) refused: no command that would send them will start.",
    ]
    document = sesame("templates", "check", "--json", lang="en").json()
    assert document["ok"] is False
    assert document["error"] == {
        "code": "templates_refused",
        "message": "3 message template(s) refused: no command that would send them will start.",
    }
    assert document["templates"][0] == {
        "name": "sms_temporary_password",
        "lang": "fr",
        "file": str(bad),
        "status": "refused",
        "error": {
            "code": "invalid_input",
            "reason": "config_template_required",
            "message": f"Message template {bad}: $code must appear once, alone on its line "
            "(the line scripts receive and that is erased after sending).",
        },
    }
    assert [u["file"] for u in document["unknown_files"]] == [str(stray)]
    assert document["unknown_files"][0]["error"]["reason"] == "config_template_name"


def test_a_templates_folder_others_can_write_is_refused(sesame, home):
    write(home.path, "fr", "sms_temporary_password", OURS)
    folder = home.path / "templates"
    folder.chmod(0o777)
    result = sesame("templates", "check", "--json")
    assert result.exit_code == 11
    assert result.json()["error"]["reason"] == "path_writable"
    assert str(folder) in result.json()["error"]["message"]


def test_a_symlinked_template_is_refused(sesame, home, tmp_path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text(OURS)
    folder = home.path / "templates" / "fr"
    folder.mkdir(parents=True)
    (folder / "sms_temporary_password.txt").symlink_to(elsewhere)
    result = sesame("templates", "show", "sms_temporary_password", "--json")
    assert result.exit_code == 11
    assert result.json()["error"]["reason"] == "file_symlink"
