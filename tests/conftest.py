"""Shared fixtures: a throw-away home, a config writer, a CLI runner, a movable clock."""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import DOB, EMAIL, MOBILE, NIR, PASSWORD, Home, Run, lines

PG_ADMIN_URL = os.environ.get(
    "SESAME_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def pytest_configure(config: pytest.Config) -> None:
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        # Started in the background by a shell without job control (`pytest &` in a
        # script), which ignores SIGINT for its asynchronous commands: every command
        # these tests stop with Ctrl-C (SIGINT) would inherit that and never stop.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    config.addinivalue_line("markers", "sqlite_only: a property of SQLite files (WAL, locks)")


# How many PostgreSQL twins of sqlite_only tests this session deselected.
_TWINS = pytest.StashKey[int]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """SQLite-only tests run once, on SQLite: their PostgreSQL twin is deselected
    (not skipped: there is nothing to run there), and the summary says how many of
    the "N deselected" these are, so that the counts add up."""
    twins = [item for item in items if _is_postgresql_twin_of_sqlite_only(item)]
    config.stash[_TWINS] = len(twins)
    if twins:
        config.hook.pytest_deselected(items=twins)
        items[:] = [item for item in items if item not in twins]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """Say what the deselected tests are: the PostgreSQL copies of sqlite_only tests
    (the rest of "N deselected" is what -k or -m left out)."""
    twins = config.stash.get(_TWINS, 0)
    if twins:
        terminalreporter.write_line(
            f"{twins} deselected: the PostgreSQL copy of each sqlite_only test "
            "(a property of SQLite files, run on SQLite only)"
        )


def _is_postgresql_twin_of_sqlite_only(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return (
        item.get_closest_marker("sqlite_only") is not None
        and callspec is not None
        and callspec.params.get("database") == "postgresql"
    )


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    """The PostgreSQL server, or a visible skip (a failure under CI, where it must run)."""
    try:
        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        engine = create_engine(PG_ADMIN_URL, poolclass=NullPool)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any reason the server cannot be used
        reason = f"PostgreSQL not reachable at {PG_ADMIN_URL}: {type(exc).__name__}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must run the PostgreSQL half)")
        pytest.skip(reason)
    return PG_ADMIN_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """None for the home's SQLite file, or the URL of a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield None
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    admin_url = request.getfixturevalue("pg_admin_url")
    name = f"sesame_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def home(tmp_path: Path, database: str | None) -> Home:
    h = Home(tmp_path / "home", database)
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
        result = runner.invoke(app, [*home.global_args, "--lang", lang, *args], input=input)
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
