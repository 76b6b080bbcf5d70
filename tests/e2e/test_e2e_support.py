"""A support session through the installed `sesame`, in subprocesses: a member locked
out calls, the agent finds, inspects and unlocks them with a reset sent to their own
phone, the member completes the reset; the audit log shows who did it and why.
Also `account send-reset` (the lock stays), `audit --follow` (JSON Lines, stopped by
Ctrl-C) and the bulk progress bar."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    DOB,
    EMAIL,
    MOBILE,
    NEW_PASSWORD,
    NIR,
    NIR_COMPACT,
    PASSWORD,
    Run,
    clean_environment,
    lines,
)

SESAME = shutil.which("sesame", path=str(Path(sys.executable).parent)) or shutil.which("sesame")
pytestmark = pytest.mark.skipif(SESAME is None, reason="sesame is not installed")
AGENT = "agent.dupuis"


class Installation:
    """One throw-away home driven through the executable."""

    def __init__(self, home: Path) -> None:
        self.home = home
        home.mkdir(mode=0o700)
        (home / "sesame.toml").write_text("[policy]\nresend_cooldown_seconds = 0\n")

    def env(self, actor: str) -> dict[str, str]:
        env = clean_environment(SESAME_HOME=str(self.home), SESAME_LANG="fr", SESAME_ACTOR=actor)
        return env

    def run(self, *args: str, stdin: str = "", actor: str = "membre") -> Run:
        completed = subprocess.run(
            [str(SESAME), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env(actor),
            timeout=60,
        )
        return Run(completed.returncode, completed.stdout, completed.stderr)

    def agent(self, *args: str) -> Any:
        """A support command with --json: its document, after checking it succeeded."""
        result = self.run(*args, "--json", actor=AGENT)
        assert result.exit_code == 0, result.stdout + result.stderr
        return json.loads(result.stdout)

    def last_sms(self) -> dict[str, str]:
        folder = self.home / "outbox" / "sms" / "new"
        newest = max(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
        return dict(json.loads(newest.read_text()))


def test_support_session_unlock_with_reset_by_sms(tmp_path):
    site = Installation(tmp_path / "home")
    added = site.run(
        "account",
        "add",
        "--nir",
        NIR,
        "--dob",
        DOB,
        "--email",
        EMAIL,
        "--mobile",
        MOBILE,
        stdin=lines(PASSWORD, PASSWORD),
        actor=AGENT,
    )
    assert added.exit_code == 0, added.stderr
    # The member locks themselves out.
    codes = [site.run("login", NIR, stdin=lines("mauvais")).exit_code for _ in range(3)]
    assert codes == [3, 3, 4]
    # The member calls: the agent finds them among the locked accounts...
    found = site.agent("account", "list", "--state", "locked")
    assert found["total"] == 1
    [account] = found["accounts"]
    assert (account["nir"], account["failed_attempts"]) == (NIR_COMPACT, 3)
    # ...inspects the account...
    shown = site.agent("account", "show", NIR_COMPACT)
    assert shown["account"]["state"] == "locked"
    assert [e["event"] for e in shown["events"]][-2:] == ["login_failed", "account_locked"]
    assert [(m["channel"], m["to"]) for m in shown["messages"]] == [("email", "*****@orange.fr")]
    # ...and unlocks it, the temporary password going to the member's own phone.
    reason = "appel du membre, identité vérifiée"
    unlocked = site.agent(
        "account", "unlock", NIR_COMPACT, "--reason", reason, "--send-reset", "sms"
    )
    assert unlocked["result"] == "unlocked"
    assert (unlocked["reset"]["channel"], unlocked["reset"]["destination"]) == (
        "sms",
        "*** ** 42 08",
    )
    sms = site.last_sms()
    assert sms["to"] == "+33612344208"
    code = sms["body"].splitlines()[1]
    assert code not in json.dumps(unlocked)
    # The member reads the SMS and sets a new password.
    reset = site.run("reset", NIR_COMPACT, stdin=lines(code, NEW_PASSWORD, NEW_PASSWORD))
    assert reset.exit_code == 0, reset.stderr
    assert site.run("login", NIR_COMPACT, stdin=lines(NEW_PASSWORD)).exit_code == 0
    assert site.run("login", NIR_COMPACT, stdin=lines(code)).exit_code == 3
    # The audit log names the agent and the reason, and holds no secret.
    trail = site.run("audit", NIR_COMPACT, "--json")
    assert code not in trail.stdout
    events = json.loads(trail.stdout)["events"]
    by_name = {event["event"]: event for event in events}
    assert (by_name["account_unlocked"]["actor"], by_name["account_unlocked"]["detail"]) == (
        AGENT,
        {"by": "support", "reason": reason},
    )
    assert by_name["code_sent"]["actor"] == AGENT
    assert by_name["code_sent"]["flow"] == unlocked["reset"]["flow"]
    # The member's own command is attributed to the member, whatever SESAME_ACTOR says.
    assert by_name["flow_completed"]["actor"] == "member"
    agent_only = json.loads(site.run("audit", "--actor", AGENT, "--json").stdout)["events"]
    assert [e["event"] for e in agent_only] == [
        "account_created",
        "accounts_exported",  # `account list --json` hands out NIRs: audited
        "account_unlocked",
        "flow_started",
        "code_sent",
    ]
    board = site.agent("status")["dashboard"]
    assert board["accounts"] == {"active": 1, "locked": 0, "disabled": 0, "total": 1}
    assert board["locks_last_24h"] == 1


def test_support_session_reset_without_unlock_then_a_refused_resend(tmp_path):
    """`account send-reset` on a locked account: the lock stays until the member
    sets a new password; a second send within the cooldown says what did not happen."""
    site = Installation(tmp_path / "home")
    (site.home / "sesame.toml").write_text("[policy]\nresend_cooldown_seconds = 600\n")
    added = site.run(
        "account", "add", "--nir", NIR, "--dob", DOB, "--mobile", MOBILE,
        stdin=lines(PASSWORD, PASSWORD), actor=AGENT,
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert [site.run("login", NIR, stdin=lines("mauvais")).exit_code for _ in range(3)] == [
        3,
        3,
        4,
    ]
    reason = "appel, identité vérifiée"
    sent = site.agent("account", "send-reset", NIR_COMPACT, "--channel", "sms", "--reason", reason)
    assert (sent["result"], sent["account"]["state"]) == ("reset_sent", "locked")
    code = site.last_sms()["body"].splitlines()[1]
    assert site.run("login", NIR_COMPACT, stdin=lines(PASSWORD)).exit_code == 4
    again = site.run(
        "account", "unlock", NIR_COMPACT, "--reason", reason, "--send-reset", "sms", actor=AGENT
    )
    assert again.exit_code == 8
    assert "Le compte n'a PAS été débloqué et rien n'a été envoyé." in again.stderr
    assert site.run("status", NIR_COMPACT, "--json", actor=AGENT).exit_code == 0
    done = site.run("login", NIR_COMPACT, stdin=lines(code, NEW_PASSWORD, NEW_PASSWORD))
    assert done.exit_code == 0, done.stderr
    assert site.agent("status", NIR_COMPACT)["account"]["state"] == "active"
    [asked] = site.agent("audit", NIR_COMPACT, "--event", "reset_sent_by_support")["events"]
    assert (asked["actor"], asked["detail"]["reason"]) == (AGENT, reason)


def _reader(stream: Any, into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


def test_audit_follow_prints_json_lines_until_ctrl_c(tmp_path):
    site = Installation(tmp_path / "home")
    site.run("account", "add", "--nir", NIR, "--dob", DOB, "--mobile", MOBILE, "--no-password")
    process = subprocess.Popen(
        [str(SESAME), "audit", "--follow", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=site.env(AGENT),
    )
    received: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_reader, args=(process.stdout, received), daemon=True).start()
    try:
        first = json.loads(received.get(timeout=30))
        assert (first["event"], first["nir"]) == ("account_created", NIR_COMPACT)
        assert site.run("account", "disable", NIR, "--reason", "fraude", actor=AGENT).exit_code == 0
        assert site.run("account", "enable", NIR, "--reason", "erreur", actor=AGENT).exit_code == 0
        later = [json.loads(received.get(timeout=30)) for _ in range(2)]
        assert [(e["event"], e["actor"], e["detail"]) for e in later] == [
            ("account_disabled", AGENT, {"reason": "fraude"}),
            ("account_enabled", AGENT, {"reason": "erreur"}),
        ]
        assert later[0]["id"] == first["id"] + 1
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 0
    assert process.stderr is not None and process.stderr.read() == ""
    assert received.empty()


def test_bulk_unlock_shows_a_progress_bar_on_a_terminal_only(tmp_path):
    site = Installation(tmp_path / "home")
    site.run("account", "add", "--nir", NIR, "--dob", DOB, "--mobile", MOBILE, "--no-password")
    listing = tmp_path / "appels.txt"
    listing.write_text(f"{NIR}\n")
    args = [str(SESAME), "account", "unlock", "--from-file", str(listing), "--reason", "x"]
    controller, terminal = os.openpty()
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=terminal, env=site.env(AGENT), text=True
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    stdout, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    assert "Déblocage" in shown.decode() and "100%" in shown.decode()
    assert stdout.splitlines()[3].split() == ["non", "bloqués", "1", "1"]
    piped = site.run("account", "unlock", "--from-file", str(listing), "--reason", "x")
    assert (piped.exit_code, piped.stderr) == (0, "")
