"""`sesame shell` in a real terminal: the installed executable in a tmux pane,
driven by send-keys and read by capture-pane (polled until the text shows)."""

from __future__ import annotations

import os
import shlex
import shutil
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import DOB, FAST_ARGON2, NIR_COMPACT, PASSWORD, clean_environment, lines

TMUX = shutil.which("tmux")
SESAME = shutil.which("sesame", path=str(Path(sys.executable).parent)) or shutil.which("sesame")
pytestmark = pytest.mark.skipif(
    TMUX is None or SESAME is None,
    reason="needs tmux (apt-get install tmux) and the installed sesame",
)
MASKED = "* ** ** ** *** *11 93"
ENDED = "SHELL-ENDED-"


class Terminal:
    """One tmux pane (200x50) on a private server, running `sesame shell`."""

    def __init__(self, home: Path) -> None:
        self.socket = f"sesame-test-{uuid.uuid4().hex[:8]}"
        env = clean_environment(SESAME_HOME=str(home), SESAME_LANG="en", LANG="C.UTF-8")
        env.pop("SESAME_ACTOR", None)
        assignments = [
            f"{k}={v}" for k, v in env.items() if k in _PASSED or k.startswith("SESAME_")
        ]
        command = f"env -i {shlex.join(assignments)} {shlex.quote(str(SESAME))} shell"
        # The pane outlives the console, to show how it ended; the wrapping shell
        # survives a Ctrl-C (caught, so the console itself gets the default action).
        script = f"trap : INT; {command}; echo {ENDED}$?; sleep 600"
        self.tmux("new-session", "-d", "-x", "200", "-y", "50", "sh", "-c", script)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            [str(TMUX), "-L", self.socket, *args], capture_output=True, text=True, timeout=10
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-500")

    def wait(self, ready: Callable[[str], bool], what: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if ready(shown):
                return shown
            if time.monotonic() > deadline:
                pytest.fail(f"never saw {what}; the screen:\n{shown}")
            time.sleep(0.05)

    def wait_for(self, text: str, count: int = 1) -> str:
        return self.wait(lambda s: s.count(text) >= count, repr(text))

    def line(self) -> str:
        """The line the cursor is on (the prompt and what is typed)."""
        y = int(self.tmux("display-message", "-p", "#{cursor_y}"))
        return self.tmux("capture-pane", "-p").splitlines()[y].rstrip() if y >= 0 else ""

    def wait_line(self, expected: str) -> None:
        self.wait(lambda _: self.line() == expected, f"the line {expected!r}")

    def close(self) -> None:
        subprocess.run([str(TMUX), "-L", self.socket, "kill-server"], capture_output=True)


_PASSED = ("PATH", "LANG", "HOME", "TERM", "VIRTUAL_ENV")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "sesame.toml").write_text("[policy]\nresend_cooldown_seconds = 0\n" + FAST_ARGON2)
    add = ["account", "add", "--nir", NIR_COMPACT, "--dob", DOB, "--email", "marie@example.org"]
    subprocess.run(
        [str(SESAME), "--home", str(home), *add],
        input=lines(PASSWORD, PASSWORD),
        env=clean_environment(),
        check=True,
        capture_output=True,
        text=True,
    )
    return home


@pytest.fixture
def terminal(home: Path) -> Iterator[Terminal]:
    started = Terminal(home)
    try:
        started.wait_for("Your name (the actor the audit log records): ")
        started.type("alice")
        started.keys("Enter")
        started.wait_line("sesame>")
        yield started
    finally:
        started.close()


def test_completion_use_an_error_and_the_actor_asked_once(terminal: Terminal, home: Path):
    terminal.type("acc")
    terminal.keys("Tab")
    terminal.wait_line("sesame> account")
    terminal.type(" sh")
    terminal.keys("Tab")
    terminal.wait_line("sesame> account show")
    terminal.type(" 2951")
    terminal.keys("Tab")
    terminal.wait_line(f"sesame> account show {NIR_COMPACT}")
    terminal.keys("Enter")
    terminal.wait_for("Latest events")
    terminal.wait_line("sesame>")

    terminal.type("status 1234")
    terminal.keys("Enter")
    shown = terminal.wait_for("[exit 2]")
    assert "Invalid social-security number: 15 characters expected, 4 given.\n[exit 2]" in shown
    terminal.wait_line("sesame>")  # still alive

    terminal.type(f"use {NIR_COMPACT}")
    terminal.keys("Enter")
    terminal.wait_line(f"sesame [{MASKED}]>")
    terminal.type("account disable --reason shell-test")
    terminal.keys("Enter")
    terminal.wait_for("disabled")
    terminal.wait_line(f"sesame [{MASKED}]>")
    actors = _query(home, "SELECT actor FROM audit_events WHERE event = 'account_disabled'")
    assert actors == [("alice",)]

    terminal.keys("C-d")
    terminal.wait_for(f"{ENDED}0")


def test_history_keeps_no_secret_and_the_arrow_recalls(terminal: Terminal, home: Path):
    terminal.type(f"status {NIR_COMPACT}")
    terminal.keys("Enter")
    terminal.wait_for("Open flow")
    terminal.wait_line("sesame>")
    terminal.type("Tr0ub4dor&3")  # a password pasted at the console's prompt
    terminal.keys("Enter")
    terminal.wait_for("[exit 2]")
    terminal.wait_line("sesame>")
    terminal.type(f"login {NIR_COMPACT}")
    terminal.keys("Enter")
    terminal.wait_for("Password: ")
    terminal.type("TypedSecret42")  # hidden: never on the screen
    terminal.keys("Enter")
    shown = terminal.wait_for("[exit 3]")
    assert "TypedSecret42" not in shown
    assert "Wrong identifier or password." in shown
    terminal.wait_line("sesame>")

    terminal.keys("Up")
    terminal.wait_line(f"sesame> status {NIR_COMPACT}")  # neither the paste nor login
    terminal.keys("C-c")  # cancels the recalled line
    terminal.wait_line("sesame>")
    terminal.keys("C-d")
    terminal.wait_for(f"{ENDED}3")  # the last command's status

    history = home / "shell_history"
    assert stat.S_IMODE(history.stat().st_mode) == 0o600
    kept = history.read_text()
    assert f"+status {NIR_COMPACT}\n" in kept
    for secret in ("Tr0ub4dor", "login", "TypedSecret42"):
        assert secret not in kept


def test_history_survives_the_console_and_ctrl_c_cancels_a_line_or_a_command(home: Path):
    first = Terminal(home)
    try:
        first.wait_for("Your name")
        first.keys("Enter")  # no name: the login name, as a one-shot command takes it
        first.wait_line("sesame>")
        first.type("account list")
        first.keys("Enter")
        first.wait_for(NIR_COMPACT)
        first.wait_line("sesame>")
        first.type("status 1234")
        first.wait_line("sesame> status 1234")
        first.keys("C-c")  # cancelled: never run
        first.wait_line("sesame>")
        first.type("audit --follow")  # runs until interrupted
        first.keys("Enter")
        first.wait_for("account_created")
        first.keys("C-c")  # the end of a follow, as outside the console: exit 0
        first.wait(lambda _: first.line() == "^Csesame>", "the prompt after ^C")
        first.keys("C-d")
        shown = first.wait_for(f"{ENDED}0")
        assert "[exit 2]" not in shown
    finally:
        first.close()
    second = Terminal(home)
    try:
        second.wait_for("Your name")
        second.keys("Enter")
        second.wait_line("sesame>")
        second.keys("Up")
        second.wait_line("sesame> audit --follow")
        second.keys("Up")
        second.wait_line("sesame> account list")  # not the cancelled line
    finally:
        second.close()


def _query(home: Path, sql: str) -> list[tuple[object, ...]]:
    import sqlite3

    with sqlite3.connect(home / "sesame.db") as conn:
        rows = conn.execute(sql).fetchall()
    conn.close()
    return rows


assert os.sep  # the module needs a POSIX terminal; tmux is the check above
