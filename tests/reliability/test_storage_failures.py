"""Storage failures: a clear message, exit 11, and either all applied or nothing."""

from __future__ import annotations

import errno
import subprocess
import sys

import pytest
from helpers import DOB, NIR, PASSWORD, lines


def _outbox(home):
    return home.query("SELECT status FROM outbox")


def test_disk_full_while_writing_the_message(sesame, member, home, monkeypatch):
    member(email=None)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("db.outbox_files.os.fsync", full)
    result = sesame("forgot", NIR, "--dob", DOB, "--json", lang="en")
    assert result.exit_code == 11
    error = result.json()["error"]
    assert error["code"] == "storage_unavailable"
    assert "No space left on device" in error["message"]
    assert "sesame outbox flush" in error["message"]
    # The state change is applied, its message queued: nothing lost.
    assert _outbox(home) == [("queued",)]
    assert sesame("status", NIR, "--json").json()["account"]["flow"]["state"] == "code_sent"
    monkeypatch.undo()
    assert sesame("outbox", "flush", "--json").json()["delivered"] == 1
    assert len(home.sms_files()) == 1


@pytest.mark.sqlite_only
def test_read_only_database_applies_nothing(sesame, member, home):
    member()
    url = f"sqlite:///file:{home.path / 'sesame.db'}?mode=ro&uri=true"
    result = sesame("--db", url, "login", NIR, "--json", input=lines("wrong"), lang="en")
    assert result.exit_code == 11
    assert result.json()["error"]["code"] == "storage_unavailable"
    assert "readonly" in result.json()["error"]["message"]
    assert sesame("status", NIR, "--json").json()["account"]["failed_attempts"] == 0
    # Reading still works.
    assert sesame("--db", url, "status", NIR).exit_code == 0


@pytest.mark.sqlite_only
def test_database_locked_longer_than_the_busy_timeout(sesame, member, home):
    member()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            f"c = sqlite3.connect({str(home.path / 'sesame.db')!r}, isolation_level=None)\n"
            "c.execute('BEGIN EXCLUSIVE')\nprint('locked', flush=True)\ntime.sleep(30)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        result = sesame("login", NIR, "--json", input=lines("wrong"), lang="en")
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 11
    assert result.json()["error"]["message"] == "Database unavailable: database is locked"
    assert sesame("status", NIR, "--json").json()["account"]["failed_attempts"] == 0
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 0
