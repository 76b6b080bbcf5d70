"""Shared fixtures: a throw-away home, a config writer, a CLI runner, a movable clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import DOB, EMAIL, MOBILE, NIR, PASSWORD, Home, Run, lines


@pytest.fixture
def home(tmp_path: Path) -> Home:
    h = Home(tmp_path / "home")
    h.path.mkdir()
    h.configure(resend_cooldown_seconds=0)
    return h


class Clock:
    """Moves `db.store.utc_now`, the one clock of the shell."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)
        monkeypatch.setattr("db.store.utc_now", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def sesame(home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Run]]:
    """Invoke the CLI in-process (CliRunner), French unless told otherwise."""
    from typer.testing import CliRunner

    from cli.main import app

    for name in ("SESAME_HOME", "SESAME_DB", "SESAME_OUTBOX", "SESAME_CONFIG", "SESAME_LANG"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def run(*args: str, input: str | None = None, lang: str = "fr") -> Run:
        result = runner.invoke(app, ["--home", str(home.path), "--lang", lang, *args], input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr)

    yield run


@pytest.fixture
def member(sesame: Callable[..., Run]) -> Callable[..., Run]:
    """Create the member of the procedure, with both channels by default."""

    def add(email: str | None = EMAIL, mobile: str | None = MOBILE, nir: str = NIR) -> Run:
        args = ["account", "add", "--nir", nir, "--dob", DOB]
        if email:
            args += ["--email", email]
        if mobile:
            args += ["--mobile", mobile]
        result = sesame(*args, input=lines(PASSWORD, PASSWORD))
        assert result.exit_code == 0, result.stderr
        return result

    return add
