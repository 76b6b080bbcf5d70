"""No secret in plain text at rest, and owner-only files whatever the umask."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from helpers import DOB, EMAIL, MOBILE, NEW_PASSWORD, NIR, PASSWORD, clean_environment, lines

THIRD_PASSWORD = "Troisième phrase bien secrète"


def _sesame(home: Path, *args: str, stdin: str = "", umask: int | None = None) -> int:
    env = clean_environment(SESAME_HOME=str(home), SESAME_LANG="en")
    completed = subprocess.run(
        [sys.executable, "-m", "cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )
    return completed.returncode


def test_no_secret_in_the_database_files_wal_included(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "sesame.toml").write_text("[policy]\nresend_cooldown_seconds = 0\n")
    add = ["account", "add", "--nir", NIR, "--dob", DOB, "--email", EMAIL, "--mobile", MOBILE]
    assert _sesame(home, *add, stdin=lines(PASSWORD, PASSWORD)) == 0
    # A connection held open keeps the WAL file alive, as a busy server would.
    keeper = sqlite3.connect(home / "sesame.db")
    keeper.execute("SELECT COUNT(*) FROM accounts").fetchall()
    for _ in range(3):
        _sesame(home, "login", NIR, stdin=lines("wrong password"))
    assert _sesame(home, "unlock", NIR, "--dob", DOB, "--channel", "sms") == 0
    sms = sorted((home / "outbox" / "sms" / "new").iterdir())[-1]
    code = json.loads(sms.read_text())["body"].splitlines()[1]
    assert _sesame(home, "login", NIR, stdin=lines(code, NEW_PASSWORD, NEW_PASSWORD)) == 0
    assert _sesame(home, "forgot", NIR, "--dob", DOB, "--channel", "email") == 0
    mail = max((home / "outbox" / "mail" / "new").iterdir(), key=lambda p: p.stat().st_mtime_ns)
    link = next(line for line in mail.read_text().splitlines() if "token=" in line)
    token = link.split("token=")[1]
    assert (
        _sesame(home, "reset", "--token", "-", stdin=lines(link, THIRD_PASSWORD, THIRD_PASSWORD))
        == 0
    )
    files = [p for p in home.iterdir() if p.name.startswith("sesame.db")]
    assert any(p.name.endswith("-wal") for p in files)
    stored = b"".join(p.read_bytes() for p in files)
    for secret in (PASSWORD, NEW_PASSWORD, THIRD_PASSWORD, code, token, "wrong password"):
        assert secret.encode() not in stored, secret
    audit = json.dumps(keeper.execute("SELECT * FROM audit_events").fetchall())
    for secret in (PASSWORD, NEW_PASSWORD, THIRD_PASSWORD, code, token):
        assert secret not in audit
    keeper.close()


def test_files_are_owner_only_whatever_the_umask(tmp_path):
    for umask in (0o000, 0o022):
        home = tmp_path / f"home-{umask:o}"
        add = ["account", "add", "--nir", NIR, "--dob", DOB, "--mobile", MOBILE]
        assert _sesame(home, *add, stdin=lines(PASSWORD, PASSWORD), umask=umask) == 0
        assert _sesame(home, "forgot", NIR, "--dob", DOB, umask=umask) == 0
        assert home.stat().st_mode & 0o777 == 0o700
        paths = [p for p in home.rglob("*")]
        assert any(p.suffix == ".json" for p in paths)
        for path in paths:
            expected = 0o700 if path.is_dir() else 0o600
            assert path.stat().st_mode & 0o777 == expected, (oct(umask), path)


def test_the_named_code_and_link_fields_are_erased_with_the_body(tmp_path):
    """The attack: the `code` field of the SMS and the `X-Sesame-Link` header must not
    leave a copy of the secret in the database (WAL included) once delivered."""
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    gateway = tmp_path / "gateway.py"
    received = tmp_path / "received.json"
    gateway.write_text(f"import sys\nopen({str(received)!r}, 'w').write(sys.stdin.read())\n")
    (home / "sesame.toml").write_text(
        '[policy]\nresend_cooldown_seconds = 0\n[outbox]\ntransport = "queue"\n'
    )
    add = ["account", "add", "--nir", NIR, "--dob", DOB, "--email", EMAIL, "--mobile", MOBILE]
    assert _sesame(home, *add, stdin=lines(PASSWORD, PASSWORD)) == 0
    keeper = sqlite3.connect(home / "sesame.db")
    keeper.execute("SELECT COUNT(*) FROM accounts").fetchall()
    assert _sesame(home, "forgot", NIR, "--dob", DOB, "--channel", "sms") == 0
    command = f"{sys.executable} -S {gateway}"
    assert _sesame(home, "outbox", "deliver", "--sms-command", command) == 0
    code = json.loads(received.read_text())["code"]
    assert len(code) == 10
    # The files transport: the email's header and the SMS's field, written then erased.
    config = home / "sesame.toml"
    config.write_text("[policy]\nresend_cooldown_seconds = 0\n")
    assert _sesame(home, "forgot", NIR, "--dob", DOB, "--channel", "sms") == 0
    assert _sesame(home, "forgot", NIR, "--dob", DOB, "--channel", "email") == 0
    [sms] = (home / "outbox" / "sms" / "new").iterdir()
    file_code = json.loads(sms.read_text())["code"]
    mail = max((home / "outbox" / "mail" / "new").iterdir(), key=lambda p: p.stat().st_mtime_ns)
    [link] = [
        line.removeprefix("X-Sesame-Link: ")
        for line in mail.read_text().splitlines()
        if line.startswith("X-Sesame-Link: ")
    ]
    token = link.split("token=")[1]
    files = [p for p in home.iterdir() if p.name.startswith("sesame.db")]
    assert any(p.name.endswith("-wal") for p in files)
    stored = b"".join(p.read_bytes() for p in files)
    for secret in (code, file_code, token):
        assert secret.encode() not in stored, secret
    assert keeper.execute("SELECT COUNT(*) FROM outbox WHERE body IS NOT NULL").fetchone() == (0,)
    keeper.close()
