"""The installed `sesame` in subprocesses, as a member and a script would run it.

Secrets are read from the outbox files, as the member reads their phone or
mailbox. Real argon2 defaults; short TTLs where expiry is the point.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import DOB, EMAIL, MOBILE, NEW_PASSWORD, NIR, PASSWORD, Run, clean_environment, lines

SESAME = shutil.which("sesame", path=str(Path(sys.executable).parent)) or shutil.which("sesame")
pytestmark = pytest.mark.skipif(SESAME is None, reason="sesame is not installed")


class Member:
    """One throw-away installation driven through the executable."""

    def __init__(self, home: Path, config: str = "", db_url: str | None = None) -> None:
        self.home = home
        self.db_url = db_url
        home.mkdir(mode=0o700)
        (home / "sesame.toml").write_text(config)

    def run(self, *args: str, stdin: str = "", lang: str = "fr") -> Run:
        env = clean_environment(SESAME_HOME=str(self.home), SESAME_LANG=lang)
        if self.db_url:
            env["SESAME_DB"] = self.db_url
        completed = subprocess.run(
            [str(SESAME), *args], input=stdin, capture_output=True, text=True, env=env, timeout=60
        )
        return Run(completed.returncode, completed.stdout, completed.stderr)

    def sms(self) -> list[dict[str, str]]:
        folder = self.home / "outbox" / "sms" / "new"
        files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
        return [json.loads(p.read_text()) for p in files]

    def mails(self) -> list[Path]:
        folder = self.home / "outbox" / "mail" / "new"
        return sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)

    def link(self) -> str:
        text = self.mails()[-1].read_bytes().decode()
        return next(line for line in text.splitlines() if "token=" in line)

    def add(self, *extra: str) -> None:
        result = self.run(
            "account", "add", "--nir", NIR, "--dob", DOB, *extra, stdin=lines(PASSWORD, PASSWORD)
        )
        assert result.exit_code == 0, result.stderr

    def lock(self) -> None:
        codes = [self.run("login", NIR, stdin=lines("mauvais")).exit_code for _ in range(3)]
        assert codes == [3, 3, 4]


def test_sms_path_then_email_path(tmp_path, database):
    member = Member(tmp_path / "home", "[policy]\nresend_cooldown_seconds = 0\n", database)
    member.add("--email", EMAIL, "--mobile", MOBILE)
    member.lock()
    assert member.run("login", NIR, stdin=lines(PASSWORD)).exit_code == 4
    assert member.run("unlock", NIR, "--dob", "14/10/1995").exit_code == 3
    choice = member.run("unlock", NIR, "--dob", DOB, "--json")
    document = json.loads(choice.stdout)
    assert (choice.exit_code, document["state"]) == (0, "choose_channel")
    sent = member.run("send-code", document["flow"], "--channel", "sms")
    assert sent.exit_code == 0
    assert len(member.mails()) == 1  # the lock notification
    [sms] = member.sms()
    assert sms["to"] == "+33612344208"
    assert set(sms) == {"id", "to", "body", "code", "created_at"}
    code = sms["body"].splitlines()[1]
    assert sms["code"] == code
    assert len(code) >= 10 and code.isalnum()
    changed = member.run("login", NIR, stdin=lines(code, NEW_PASSWORD, NEW_PASSWORD))
    assert changed.exit_code == 0, changed.stderr
    assert changed.stdout.endswith("Connexion réussie\n")
    # Single use: the temporary password is no password any more.
    assert member.run("login", NIR, stdin=lines(code)).exit_code == 3
    assert member.run("login", NIR, stdin=lines(NEW_PASSWORD)).exit_code == 0
    # The forgotten-password path, by email, identified by the email address.
    assert member.run("forgot", EMAIL, "--dob", DOB, "--channel", "email").exit_code == 0
    link = member.link()
    reset = member.run(
        "reset",
        "--token",
        "-",
        stdin=lines(link, "Troisième phrase secrète", "Troisième phrase secrète"),
    )
    assert reset.exit_code == 0, reset.stderr
    again = member.run("reset", "--token", "-", "--json", stdin=lines(link))
    assert (again.exit_code, json.loads(again.stdout)["error"]["code"]) == (6, "code_used")
    assert member.run("login", NIR, stdin=lines("Troisième phrase secrète")).exit_code == 0
    # The outbox keeps a record without the secrets.
    listed = json.loads(member.run("outbox", "list", "--json").stdout)["messages"]
    # lock notice, SMS, password changed, reset link, password changed
    assert [m["status"] for m in listed] == ["sent"] * 5
    shown = json.loads(member.run("outbox", "show", sms["id"], "--json").stdout)["message"]
    assert code not in shown["body"]


def test_auto_channel_overseas_mobile_and_expiry(tmp_path, database):
    config = "[policy]\nresend_cooldown_seconds = 0\nsms_code_ttl_seconds = 1\n"
    member = Member(tmp_path / "home", config, database)
    member.add("--email", EMAIL, "--mobile", "+590 690 12 34 56")
    member.lock()
    # The overseas mobile cannot get an SMS: email is the only channel, used automatically.
    sms_try = member.run("unlock", NIR, "--dob", DOB, "--channel", "sms", "--json")
    assert (sms_try.exit_code, json.loads(sms_try.stdout)["error"]["code"]) == (
        7,
        "channel_unavailable",
    )
    auto = member.run("unlock", NIR, "--dob", DOB)
    assert auto.exit_code == 0
    assert auto.stdout.startswith("Seule votre adresse email est connue")
    assert member.sms() == []
    # Expiry: an SMS code with a one-second lifetime.
    other = Member(tmp_path / "other", config)  # its own home: the SQLite default
    other.add("--mobile", MOBILE)
    other.lock()
    assert other.run("unlock", NIR, "--dob", DOB).exit_code == 0
    code = other.sms()[-1]["body"].splitlines()[1]
    time.sleep(1.5)
    expired = other.run("reset", NIR, "--json", stdin=lines(code))
    assert (expired.exit_code, json.loads(expired.stdout)["error"]["code"]) == (6, "code_expired")


def test_rate_limits(tmp_path, database):
    config = "[policy]\nresend_cooldown_seconds = 60\nmax_identity_failures = 2\n"
    member = Member(tmp_path / "home", config, database)
    member.add("--mobile", MOBILE)
    member.lock()
    flow = json.loads(member.run("unlock", NIR, "--dob", DOB, "--json").stdout)["flow"]
    resend = member.run("send-code", flow, "--channel", "sms", "--json")
    assert resend.exit_code == 8
    assert 0 < json.loads(resend.stdout)["error"]["retry_after_seconds"] <= 60
    for _ in range(2):
        assert member.run("unlock", NIR, "--dob", "01/10/1995").exit_code == 3
    limited = member.run("unlock", NIR, "--dob", DOB, lang="en")
    assert limited.exit_code == 8
    assert limited.stderr.startswith("Too many attempts. Try again in ")


@pytest.mark.sqlite_only
def test_permissions_and_no_plaintext_secret(tmp_path, database):
    member = Member(tmp_path / "home", "[policy]\nresend_cooldown_seconds = 0\n")
    member.add("--mobile", MOBILE)
    member.lock()
    member.run("unlock", NIR, "--dob", DOB)
    code = member.sms()[-1]["body"].splitlines()[1]
    assert member.run("login", NIR, stdin=lines(code, NEW_PASSWORD, NEW_PASSWORD)).exit_code == 0
    db_bytes = b"".join(
        p.read_bytes() for p in member.home.iterdir() if p.name.startswith("sesame.db")
    )
    for secret in (code, PASSWORD, NEW_PASSWORD):
        assert secret.encode() not in db_bytes
    assert (member.home / "sesame.db").stat().st_mode & 0o777 == 0o600
    outbox = member.home / "outbox"
    for path in [outbox, *outbox.rglob("*")]:
        expected = 0o700 if path.is_dir() else 0o600
        assert path.stat().st_mode & 0o777 == expected, path


def test_demo_exits_zero():
    completed = subprocess.run(
        [str(SESAME), "--lang", "en", "demo"], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "demo: every step behaved as the procedure says" in completed.stdout


def test_demo_ignores_the_installation_it_is_run_next_to(tmp_path, database):
    """The attack of the review: the demo's steps inherited `SESAME_DB` (and the
    home, configuration, outbox, actor) and created its account there."""
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    config = real / "sesame.toml"
    config.write_text("[policy]\nmax_failed_attempts = 1\n")  # would break the demo's steps
    env = clean_environment(
        SESAME_HOME=str(real),
        SESAME_DB=database or str(real / "sesame.db"),
        SESAME_CONFIG=str(config),
        SESAME_OUTBOX=str(real / "outbox"),
        SESAME_ACTOR="someone",
        SESAME_LANG="en",
    )
    completed = subprocess.run(
        [str(SESAME), "demo"], capture_output=True, text=True, env=env, timeout=180
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "Account creation (support)" in completed.stdout  # it keeps SESAME_LANG
    assert sorted(p.name for p in real.iterdir()) == ["sesame.toml"]
    if database:
        from sqlalchemy import create_engine, inspect
        from sqlalchemy.pool import NullPool

        engine = create_engine(database, poolclass=NullPool)
        assert inspect(engine).get_table_names() == []
        engine.dispose()


def test_demo_ignores_the_installation_given_by_global_options(tmp_path, database):
    """The same attack through the options: `sesame --db URL --home … demo` too runs
    on its own throw-away SQLite home, exit 0, nothing written to the installation."""
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    config = real / "sesame.toml"
    config.write_text("[policy]\nmax_failed_attempts = 1\n")
    options = ["--home", str(real), "--config", str(config), "--outbox", str(real / "outbox")]
    options += ["--db", database or str(real / "sesame.db"), "--actor", "someone"]
    completed = subprocess.run(
        [str(SESAME), *options, "--lang", "en", "demo"],
        capture_output=True,
        text=True,
        env=clean_environment(),
        timeout=180,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.endswith("demo: every step behaved as the procedure says\n")
    assert sorted(p.name for p in real.iterdir()) == ["sesame.toml"]
    if database:
        from sqlalchemy import create_engine, inspect
        from sqlalchemy.pool import NullPool

        engine = create_engine(database, poolclass=NullPool)
        assert inspect(engine).get_table_names() == []
        engine.dispose()


def test_terminal_gets_a_numbered_channel_choice(tmp_path, database):
    member = Member(tmp_path / "home", "[policy]\nresend_cooldown_seconds = 0\n", database)
    member.add("--email", EMAIL, "--mobile", MOBILE)
    member.lock()
    controller, terminal = os.openpty()
    env = clean_environment(SESAME_HOME=str(member.home), SESAME_LANG="fr")
    if database:
        env["SESAME_DB"] = database
    process = subprocess.Popen(
        [str(SESAME), "unlock", NIR, "--dob", DOB],
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    os.close(terminal)
    os.write(controller, b"2\n")
    stdout, stderr = process.communicate(timeout=60)
    os.close(controller)
    assert process.returncode == 0, stderr
    assert "  1. Au *** ** 42 08\n  2. A *****@orange.fr" in stderr
    assert "Votre choix [1-2] : " in stderr
    assert stdout.startswith("Un email contenant un lien pour changer de mot de passe")
    assert len(member.mails()) == 2  # the lock notification, then the link
