"""`sesame audit --format jsonl`: schema-1 lines, --after resume, --output append,
--follow across processes, and never a secret in the stream."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import threading

import pytest
from helpers import DOB, NEW_PASSWORD, NIR, NIR_COMPACT, PASSWORD, clean_environment, lines


def stream(sesame, *args: str) -> list[dict]:
    result = sesame("audit", "--format", "jsonl", *args)
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def system_columns(home) -> dict[int, tuple]:
    """What the system recorded of whoever ran each step (user, sudo, role)."""
    rows = home.query("SELECT id, os_user, sudo_user, db_role, actor FROM audit_events")
    return {row[0]: row[1:] for row in rows}


def test_known_events_give_exact_lines(sesame, member, home, clock):
    member()
    sesame("--actor", "agent-7", "account", "disable", NIR, "--reason", "fraude signalée")
    result = sesame("audit", "--format", "jsonl")
    assert (result.exit_code, result.stderr) == (0, "")
    system = system_columns(home)
    at = clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    expected = [
        {
            "schema": 1,
            "id": 1,
            "time": at,
            "event": "account_created",
            "actor": system[1][3],  # the default actor: the login name
            "os_user": system[1][0],
            "sudo_user": system[1][1],
            "db_role": system[1][2],
            "account": NIR_COMPACT,
            "flow": None,
            "source": None,
            "state_before": None,
            "state_after": "active",
            "reason": None,
            "detail": {"password": "set"},
            "batch": None,
            "batch_source": None,
        },
        {
            "schema": 1,
            "id": 2,
            "time": at,
            "event": "account_disabled",
            "actor": "agent-7",
            "os_user": system[2][0],
            "sudo_user": system[2][1],
            "db_role": system[2][2],
            "account": NIR_COMPACT,
            "flow": None,
            "source": None,
            "state_before": "active",
            "state_after": "disabled",
            "reason": "fraude signalée",
            "detail": {"reason": "fraude signalée"},
            "batch": None,
            "batch_source": None,
        },
    ]
    assert [json.loads(line) for line in result.stdout.splitlines()] == expected
    # ASCII only: the accent is escaped, the line cannot hold a control character
    assert result.stdout.isascii()
    assert '"reason": "fraude signal\\u00e9e"' in result.stdout
    assert list(expected[0]) == list(json.loads(result.stdout.splitlines()[0]))  # key order


def test_filters_and_limit_still_apply(sesame, member):
    member()
    for _ in range(2):
        sesame("login", NIR, input=lines("wrong password"))
    assert [e["event"] for e in stream(sesame, "--event", "login_failed")] == [
        "login_failed",
        "login_failed",
    ]
    assert [e["id"] for e in stream(sesame, "--limit", "1")] == [3]
    assert [e["event"] for e in stream(sesame, "--after", "1")] == ["login_failed"] * 2
    assert stream(sesame, "--after", "3") == []


def test_after_resumes_without_duplicates_or_gaps(sesame, member, home, tmp_path):
    output = tmp_path / "audit.jsonl"
    member()
    assert sesame("audit", "--format", "jsonl", "--output", str(output)).exit_code == 0
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    for _ in range(3):
        sesame("login", NIR, input=lines("wrong password"))  # the third locks
    last = json.loads(output.read_text().splitlines()[-1])["id"]
    again = sesame("audit", "--format", "jsonl", "--output", str(output), "--after", str(last))
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    ids = [json.loads(line)["id"] for line in output.read_text().splitlines()]
    all_ids = sorted(row[0] for row in home.query("SELECT id FROM audit_events"))
    assert ids == all_ids == list(range(1, len(all_ids) + 1))
    # a third run with nothing new adds nothing
    sesame("audit", "--format", "jsonl", "--output", str(output), "--after", str(ids[-1]))
    assert [json.loads(line)["id"] for line in output.read_text().splitlines()] == ids


def test_a_long_log_is_read_page_by_page(sesame, member, home, monkeypatch):
    from db import audit_log

    member()
    for _ in range(2):
        sesame("login", NIR, input=lines("wrong password"))
    pages = []
    real = audit_log.audit_after

    def small_pages(*args, **kwargs):
        for page in real(*args, **{**kwargs, "size": 2}):
            pages.append([e.id for e in page])
            yield page

    monkeypatch.setattr(audit_log, "audit_after", small_pages)
    assert [e["id"] for e in stream(sesame)] == [1, 2, 3]
    assert pages == [[1, 2], [3]]


@pytest.mark.sqlite_only
def test_output_refuses_a_symlink(sesame, member, tmp_path):
    member()
    target = tmp_path / "elsewhere"
    target.write_text("kept\n")
    link = tmp_path / "audit.jsonl"
    link.symlink_to(target)
    refused = sesame("audit", "--format", "jsonl", "--output", str(link), lang="en")
    assert (refused.exit_code, refused.stderr) == (
        2,
        f"{link} is a symbolic link: refused (give the path of the file itself).\n",
    )
    assert target.read_text() == "kept\n"


@pytest.mark.sqlite_only
def test_a_failed_write_names_the_file(sesame, member, tmp_path, monkeypatch):
    member()
    output = tmp_path / "audit.jsonl"

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", full)
    failed = sesame("audit", "--format", "jsonl", "--output", str(output), lang="en")
    assert (failed.exit_code, failed.stderr) == (
        2,
        f"Cannot append to {output}: No space left on device.\n",
    )


@pytest.mark.sqlite_only
def test_output_refuses_a_fifo_without_waiting(sesame, member, tmp_path):
    member()
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    refused = sesame("audit", "--format", "jsonl", "--output", str(fifo), lang="en")
    assert refused.exit_code == 2
    assert refused.stderr.startswith(f"Cannot append to {fifo}: ")


def test_output_refuses_a_nul_in_the_name(sesame, member):
    member()
    refused = sesame("audit", "--format", "jsonl", "--output", "a\0b", lang="en")
    assert (refused.exit_code, refused.stderr) == (
        2,
        "Cannot append to 'a\\x00b': a NUL character.\n",
    )


def test_options_that_need_the_stream(sesame, member):
    member()
    after = sesame("audit", "--after", "1", lang="en")
    assert (after.exit_code, after.stderr) == (2, "--after goes with --format jsonl.\n")
    output = sesame("audit", "--output", "x", lang="en")
    assert (output.exit_code, output.stderr) == (2, "--output goes with --format jsonl.\n")
    unknown = sesame("audit", "--format", "xml", lang="en")
    assert (unknown.exit_code, unknown.stderr) == (
        2,
        "Unknown format: 'xml'. Known formats: jsonl (or --json, --csv).\n",
    )
    both = sesame("audit", "--format", "jsonl", "--json", lang="en")
    assert (both.exit_code, both.json()["error"]["reason"]) == (2, "options_conflict")
    limited = sesame("audit", "--format", "jsonl", "--after", "1", "--limit", "3", lang="en")
    assert (limited.exit_code, limited.stderr) == (
        2,
        "These options cannot be combined: --after, --limit.\n",
    )


def _follower(home, *args: str) -> subprocess.Popen[str]:
    env = clean_environment(SESAME_HOME=str(home.path), SESAME_LANG="en")
    return subprocess.Popen(
        [sys.executable, "-m", "cli", *home.global_args, "audit", "--format", "jsonl", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_follow_picks_up_an_event_of_another_process(sesame, member, home, tmp_path, stop):
    member()
    output = tmp_path / "followed.jsonl"
    follower = _follower(home, "--follow", "--after", "1")
    assert follower.stdout is not None
    guard = threading.Timer(30, follower.kill)  # never hang the suite
    guard.start()
    try:
        sesame("account", "disable", NIR, "--reason", "suivi")
        line = json.loads(follower.stdout.readline())
        assert (line["id"], line["event"], line["reason"]) == (2, "account_disabled", "suivi")
        follower.send_signal(stop)
        stdout, stderr = follower.communicate(timeout=15)
    finally:
        guard.cancel()
    assert (follower.returncode, stdout, stderr) == (0, "", "")
    # the same into a file, from where the last run stopped
    writer = _follower(home, "--follow", "--after", "2", "--output", str(output))
    sesame("account", "enable", NIR, "--reason", "vérifié")
    for _ in range(100):
        if output.exists() and output.read_text():
            break
        threading.Event().wait(0.1)
    writer.send_signal(stop)
    assert writer.wait(timeout=15) == 0
    [written] = [json.loads(line) for line in output.read_text().splitlines()]
    assert (written["id"], written["event"]) == (3, "account_enabled")


def test_no_secret_in_the_stream(sesame, member, home):
    """The whole procedure (lock, unlock by SMS with a temporary password, reset by
    email link, support's reset), then the stream holds none of the secrets."""
    member()
    secrets = [PASSWORD, NEW_PASSWORD]
    for _ in range(3):
        sesame("login", NIR, input=lines("wrong password"))
    sesame("unlock", NIR, "--dob", DOB, "--channel", "sms")
    code = home.last_sms_code()
    secrets.append(code)
    third = "Encore un autre mot de passe sûr"
    assert sesame("login", NIR, input=lines(code, third, third)).exit_code == 0
    secrets.append(third)
    sesame("forgot", NIR, "--dob", DOB, "--channel", "email")
    link = home.last_link()
    token = link.split("token=")[1]
    secrets.append(token)
    last = "Le dernier mot de passe choisi"
    reset = sesame("reset", "--token", "-", input=lines(link, last, last))
    assert reset.exit_code == 0
    secrets.append(last)
    sesame("account", "send-reset", NIR, "--channel", "sms", "--reason", "appel")
    secrets.append(home.last_sms_code())
    text = sesame("audit", "--format", "jsonl").stdout
    events = {json.loads(line)["event"] for line in text.splitlines()}
    assert {"account_locked", "account_unlocked", "password_changed", "code_sent"} <= events
    assert {"flow_completed", "reset_sent_by_support"} <= events
    for secret in secrets:
        assert secret not in text
        assert json.dumps(secret)[1:-1] not in text  # nor escaped
    hashes = [row[0] for row in home.query("SELECT password_hash FROM accounts")]
    assert all(h and h not in text for h in hashes)
