"""The real `sesame serve`, started as a subprocess on a throw-away home, for the
browser tests and the web benchmark (importable: tests/ is on pythonpath)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from helpers import clean_environment, lines

SESAME = Path(sys.executable).with_name("sesame")


def free_port() -> int:
    """A port nobody listens on now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Served:
    """A running server: its home, its base URL, and its log (access and errors)."""

    home: Path
    url: str
    log: Path

    def sesame(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run the installed `sesame` command on the server's home."""
        return subprocess.run(
            [str(SESAME), *args],
            input=input,
            capture_output=True,
            text=True,
            env=clean_environment(SESAME_HOME=str(self.home), SESAME_LANG="fr"),
            timeout=60,
        )

    def add_member(self, nir: str, dob: str, password: str, *extra: str) -> None:
        """`sesame account add` (the password and its confirmation on stdin)."""
        added = self.sesame(
            "account", "add", "--nir", nir, "--dob", dob, *extra, input=lines(password, password)
        )
        assert added.returncode == 0, added.stdout + added.stderr


def write_config(home: Path, port: int, *, argon2: str, policy: str = "", web: str = "") -> None:
    """`sesame.toml`: the emailed link points at this server, no cooldown between
    two messages (and the `policy` lines given), the given `[argon2]` section
    (and `[web]` if any)."""
    (home / "sesame.toml").write_text(
        "[policy]\n"
        f'reset_url = "http://127.0.0.1:{port}/reset"\n'
        "resend_cooldown_seconds = 0\n" + policy + argon2 + web
    )


def served_home(tmp_path: Path, database: str | None = None, *, argon2: str) -> tuple[Path, int]:
    """A home whose emailed links point at the server's port (and its database
    named by `[database] url` on PostgreSQL, so commands and server share it)."""
    home, port = tmp_path / "home", free_port()
    home.mkdir(mode=0o700)
    write_config(home, port, argon2=argon2)
    if database:
        with (home / "sesame.toml").open("a") as config:
            config.write(f'[database]\nurl = "{database}"\n')
    return home, port


@contextmanager
def serve(
    home: Path, port: int, *, workers: int = 1, extra: Sequence[str] = ()
) -> Iterator[Served]:
    """`sesame serve --host 127.0.0.1 --port PORT --workers N` on `home` until the
    block ends; it is ready when it answers HTTP. Stopped by SIGINT (gunicorn's
    quick stop: nothing is in flight then), killed if it lingers."""
    if not SESAME.exists():
        raise RuntimeError(f"the installed `sesame` command is missing: {SESAME}")
    home.mkdir(parents=True, exist_ok=True)
    log = home / "serve.log"
    url = f"http://127.0.0.1:{port}"
    command = [str(SESAME), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as output:
        process = subprocess.Popen(
            [*command, "--workers", str(workers), *extra],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            # XDG_RUNTIME_DIR: gunicorn's control socket in the home, not one
            # shared by every server of the machine.
            env=clean_environment(SESAME_HOME=str(home), XDG_RUNTIME_DIR=str(home)),
            start_new_session=True,
        )
    try:
        _wait_until_it_answers(url, process, log)
        yield Served(home, url, log)
    finally:
        _stop(process)


def _wait_until_it_answers(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"sesame serve exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/", timeout=5):
                return
        except urllib.error.HTTPError:
            return  # any HTTP answer: it is up
        except OSError:
            time.sleep(0.1)
    _stop(process)
    raise RuntimeError(f"sesame serve did not answer at {url} within 60 s:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
