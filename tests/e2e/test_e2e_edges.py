"""What only a real process shows: bytes on stdin, a closed stdin, a closed
stdout, a time zone, SIGINT, /proc/PID of a command waiting for a secret."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import DOB, FAST_ARGON2, NIR, PASSWORD, clean_environment, lines

SESAME = shutil.which("sesame", path=str(Path(sys.executable).parent)) or shutil.which("sesame")
pytestmark = pytest.mark.skipif(SESAME is None, reason="sesame is not installed")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "sesame.toml").write_text(FAST_ARGON2)
    return clean_environment(SESAME_HOME=str(home), SESAME_LANG="en")


def run(env: dict[str, str], *args: str, stdin: bytes = b"", **kwargs: object):
    return subprocess.run(
        [str(SESAME), *args], input=stdin, capture_output=True, env=env, timeout=120, **kwargs
    )


def add_member(env: dict[str, str]) -> None:
    added = run(env, "account", "add", "--nir", NIR, "--dob", DOB, "--email", "m@x.fr",
                stdin=lines(PASSWORD, PASSWORD).encode())  # fmt: skip
    assert added.returncode == 0, added.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["login", NIR],
        ["reset", NIR],
        ["reset", "--token", "-"],
        ["account", "add", "--nir", NIR, "--dob", DOB],
    ],
    ids=["login", "reset-sms", "reset-link", "account-add"],
)
def test_bytes_that_are_not_utf8_on_stdin_are_exit_2(env, args):
    add_member(env)
    result = run(env, *args, "--json", stdin=b"\xff\xfe mot\n\xff\n\xff\n")
    assert result.returncode == 2, result
    assert json.loads(result.stdout)["error"]["code"] == "invalid_input"


def test_a_closed_stdin_is_missing_input(env):
    add_member(env)
    result = run(env, "login", NIR, "--json", stdin=None, preexec_fn=lambda: os.close(0))
    assert result.returncode == 2, result
    assert json.loads(result.stdout)["error"]["code"] == "missing_input"


def test_until_the_end_of_time_far_east_is_exit_2(env):
    env = {**env, "TZ": "Pacific/Kiritimati"}
    result = run(env, "audit", "--until", "9999-12-31T23:59", "--json")
    assert result.returncode == 2, result
    assert json.loads(result.stdout)["error"]["reason"] == "when"


def test_export_into_a_pipe_closed_early_is_exit_0_and_quiet(env, tmp_path):
    rows = ["nir,birth_date,email,mobile"]
    rows += [f"{n}" for n in _generated(3000)]
    (tmp_path / "many.csv").write_text("\n".join(rows) + "\n")
    assert run(env, "account", "import", str(tmp_path / "many.csv")).returncode == 0
    for args in (["account", "export"], ["account", "export", "--json"],
                 ["account", "list", "--csv", "--limit", "3000"],
                 ["account", "list", "--all", "--csv"],
                 ["account", "list", "--all", "--json"]):  # fmt: skip
        pipeline = subprocess.run(
            ["bash", "-c", 'set -o pipefail; "$0" "$@" | head -c 10 >/dev/null', SESAME, *args],
            capture_output=True, env=env, timeout=120,
        )  # fmt: skip
        assert (pipeline.returncode, pipeline.stderr) == (0, b""), (args, pipeline)
    # every interrupted export is audited all the same (with the rows handed out)
    audited = run(env, "audit", "--event", "accounts_exported", "--json")
    commands = [e["detail"]["command"] for e in json.loads(audited.stdout)["events"]]
    assert commands == ["account export"] * 2 + ["account list"] * 3


def _generated(count: int) -> list[str]:
    from stdnum.fr import nir

    out = []
    for i in range(count):
        year, month = 1940 + i % 60, 1 + i % 12
        body = f"{1 + i % 2}{year % 100:02d}{month:02d}75{1 + i // 999:03d}{1 + i % 999:03d}"
        out.append(f"{body}{nir.calc_check_digits(body)},{1 + i % 28:02d}/{month:02d}/{year},,")
    return out


def test_sigint_while_importing_reports_the_committed_rows(env, tmp_path):
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    source = tmp_path / "big.csv"
    source.write_text("nir,birth_date,email,mobile\n" + "\n".join(_generated(20000)) + "\n")
    process = subprocess.Popen(
        [str(SESAME), "account", "import", str(source), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    engine = create_engine(f"sqlite:///{env['SESAME_HOME']}/sesame.db", poolclass=NullPool)

    def committed() -> int:
        try:
            with engine.connect() as conn:
                return int(conn.execute(text("SELECT count(*) FROM accounts")).scalar_one())
        except Exception:  # the database may not exist yet
            return 0

    deadline = time.monotonic() + 120
    while committed() == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    rows = committed()
    engine.dispose()
    assert process.returncode == 130, (stdout, stderr)
    report = json.loads(stdout)
    assert report["error"]["code"] == "import_interrupted"
    assert report["imported"] == rows and 0 < rows < 20000 and rows % 5000 == 0
    assert str(rows) in report["error"]["message"]


def _proc(pid: int, name: str) -> str:
    return Path(f"/proc/{pid}/{name}").read_bytes().decode(errors="replace")


def _core_limit(pid: int) -> list[str]:
    """Soft and hard "Max core file size" of a running process."""
    limits = Path(f"/proc/{pid}/limits").read_text().splitlines()
    return next(line for line in limits if line.startswith("Max core file size")).split()[4:6]


def _waiting_protected(pid: int) -> bool:
    """Core limit 0/0 and asleep: blocked at the prompt, reading the secret."""
    asleep = Path(f"/proc/{pid}/stat").read_text().split()[2] == "S"
    return _core_limit(pid) == ["0", "0"] and asleep


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
@pytest.mark.parametrize(
    "args",
    # the watcher prompts for nothing, yet holds every secret it delivers
    [
        ["reset", "--token", "-"],
        ["login", NIR],
        ["outbox", "deliver", "--watch", "--sms-command", "true"],
    ],
    ids=["reset", "login", "deliver-watch"],
)
def test_a_command_waiting_for_a_secret_cannot_dump_it(env, args):
    add_member(env)
    if "--watch" in args:  # a watcher delivers queued messages
        config = Path(env["SESAME_HOME"]) / "sesame.toml"
        config.write_text(config.read_text() + '\n[outbox]\ntransport = "queue"\n')
    process = subprocess.Popen(
        [str(SESAME), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30  # a bound on start-up, not a timing assertion
        while not _waiting_protected(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _core_limit(process.pid) == ["0", "0"]
        assert _waiting_protected(process.pid)
        assert b"token=" not in Path(f"/proc/{process.pid}/cmdline").read_bytes()
    finally:
        if "--watch" in args:
            process.send_signal(signal.SIGINT)
        process.communicate(input=b"", timeout=60)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_the_protection_makes_the_process_not_dumpable():
    """PR_GET_DUMPABLE as the process itself sees it (this kernel's /proc/PID/status
    does not show it): 1 before, 0 after."""
    probe = (
        "import ctypes; from cli.hardening import protect_secrets\n"
        "prctl = ctypes.CDLL(None).prctl\n"
        "before = prctl(3, 0, 0, 0, 0); protect_secrets()\n"
        "print(before, prctl(3, 0, 0, 0, 0))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["1", "0"]
