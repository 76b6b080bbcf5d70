"""The installed `sesame` with an operator's French SMS template: the text in the
outbox file, and a broken template refusing `unlock` before anything is written."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import (
    DOB,
    FAST_ARGON2,
    MOBILE,
    NIR,
    PASSWORD,
    clean_environment,
    lines,
    write_template,
)

SESAME = shutil.which("sesame", path=str(Path(sys.executable).parent)) or shutil.which("sesame")
pytestmark = pytest.mark.skipif(SESAME is None, reason="sesame is not installed")

SMS = "sms_temporary_password"


def run(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = clean_environment(SESAME_HOME=str(home), SESAME_LANG="fr")
    return subprocess.run(
        [str(SESAME), *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A member with a mobile phone, locked by three wrong passwords."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "sesame.toml").write_text('[policy]\norganization = "Ma caisse"\n' + FAST_ARGON2)
    added = run(home, "account", "add", "--nir", NIR, "--dob", DOB, "--mobile", MOBILE,
                stdin=lines(PASSWORD, PASSWORD))  # fmt: skip
    assert added.returncode == 0, added.stderr
    for _ in range(3):
        run(home, "login", NIR, stdin=lines("wrong password"))
    return home


def sms_files(home: Path) -> list[Path]:
    return sorted((home / "outbox" / "sms" / "new").glob("*.json"))


def audit_events(home: Path) -> int:
    with sqlite3.connect(home / "sesame.db") as db:
        return int(db.execute("SELECT count(*) FROM audit_events").fetchone()[0])


def test_the_operators_french_sms_is_what_the_outbox_file_holds(home: Path) -> None:
    write_template(
        home,
        "fr",
        "sms_temporary_password",
        "$organization\nVotre code :\n$code\nIl expire dans $minutes minutes.\n",
    )
    result = run(home, "unlock", NIR, "--dob", DOB, "--channel", "sms")
    assert result.returncode == 0, result.stderr
    [file] = sms_files(home)
    document = json.loads(file.read_text())
    code = document["code"]
    assert document["body"] == f"Ma caisse\nVotre code :\n{code}\nIl expire dans 10 minutes."


def test_a_broken_template_refuses_unlock_before_anything_is_written(home: Path) -> None:
    path = write_template(
        home, "fr", "sms_temporary_password", "Votre code : $code, valable $duree min.\n"
    )
    events = audit_events(home)
    result = run(home, "unlock", NIR, "--dob", DOB, "--channel", "sms")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"Modèle de message {path} : paramètre inconnu $duree (possibles : $code, $minutes, "
        "$organization, $destination).\n"
    )
    assert audit_events(home) == events
    assert sms_files(home) == []
    check = run(home, "templates", "check")
    assert check.returncode == 2
    assert f"Modèle de message {path} : paramètre inconnu $duree" in check.stderr
