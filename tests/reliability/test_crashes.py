"""SIGKILL at each step of a command: nothing half-applied, no message lost or doubled.

The fault is injected from the test: a driver script patches one step of the
installed code, then runs the real CLI; the patched step kills its own
process. The product has no switch for this.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import DOB, MOBILE, NEW_PASSWORD, NIR, PASSWORD, clean_environment, lines

DRIVER = """
import os, signal, sys

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

point = os.environ["CRASH_AT"]
if point == "before_commit":
    import db.decisions
    save = db.decisions.save
    def save_then_die(*args, **kwargs):
        save(*args, **kwargs)
        die()
    db.decisions.save = save_then_die
elif point == "after_commit":
    import db.outbox
    db.outbox.write_file = die
elif point == "half_written":
    def fsync_half(fd):
        os.ftruncate(fd, os.fstat(fd).st_size // 2)
        die()
    os.fsync = fsync_half
sys.argv = ["sesame", *sys.argv[1:]]
from cli.main import main
main()
"""


def _run(home: Path, driver: Path | None, *args: str, stdin: str = "", crash: str = "") -> int:
    env = clean_environment(SESAME_HOME=str(home), SESAME_LANG="en", CRASH_AT=crash)
    command = [sys.executable, str(driver)] if driver else [sys.executable, "-m", "cli"]
    completed = subprocess.run(
        [*command, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60
    )
    return completed.returncode


@pytest.fixture
def setup(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "sesame.toml").write_text("[policy]\nresend_cooldown_seconds = 0\n")
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    add = ["account", "add", "--nir", NIR, "--dob", DOB, "--mobile", MOBILE]
    assert _run(home, None, *add, stdin=lines(PASSWORD, PASSWORD)) == 0
    return home, driver


def _query(home: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(home / "sesame.db") as conn:
        return conn.execute(sql).fetchall()


def _consistent(home: Path) -> None:
    assert _query(home, "PRAGMA integrity_check") == [("ok",)]
    assert _query(
        home, "SELECT COUNT(*) FROM accounts WHERE (state = 'locked') != (locked_at IS NOT NULL)"
    ) == [(0,)]


def test_killed_before_commit_applies_nothing(setup):
    home, driver = setup
    killed = _run(home, driver, "login", NIR, stdin=lines("wrong"), crash="before_commit")
    assert killed == -signal.SIGKILL
    _consistent(home)
    assert _query(home, "SELECT failed_attempts FROM accounts") == [(0,)]
    assert _query(home, "SELECT COUNT(*) FROM audit_events WHERE event = 'login_failed'") == [(0,)]
    killed = _run(home, driver, "forgot", NIR, "--dob", DOB, crash="before_commit")
    assert killed == -signal.SIGKILL
    assert _query(home, "SELECT COUNT(*) FROM flows") == [(0,)]
    assert _query(home, "SELECT COUNT(*) FROM outbox") == [(0,)]
    assert _run(home, None, "login", NIR, stdin=lines(PASSWORD)) == 0


@pytest.mark.parametrize("crash", ["after_commit", "half_written"])
def test_killed_after_commit_loses_no_message_and_doubles_none(setup, crash):
    home, driver = setup
    killed = _run(home, driver, "forgot", NIR, "--dob", DOB, crash=crash)
    assert killed == -signal.SIGKILL
    _consistent(home)
    [(message_id, status)] = _query(home, "SELECT id, status FROM outbox")
    assert status == "queued"
    assert _query(home, "SELECT state FROM flows") == [("code_sent",)]
    new = home / "outbox" / "sms" / "new"
    assert not new.exists() or list(new.iterdir()) == []
    assert _run(home, None, "outbox", "flush") == 0
    assert _run(home, None, "outbox", "flush") == 0
    [delivered] = list(new.iterdir())
    assert delivered.name == f"{message_id}.json"
    code = json.loads(delivered.read_text())["body"].splitlines()[1]
    assert _query(home, "SELECT status, body FROM outbox") == [("sent", None)]
    assert _run(home, None, "reset", NIR, stdin=lines(code, NEW_PASSWORD, NEW_PASSWORD)) == 0
    _consistent(home)
