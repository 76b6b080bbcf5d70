"""`sesame db copy`: a whole installation SQLite → PostgreSQL → SQLite, row for row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import DOB, EMAIL, MOBILE, NIR, PASSWORD, Home, Run, lines

from db.schema import HEAD_REVISION

# Members besides the helpers' one: (NIR, date of birth, email, mobile).
LOCKED = ("1 85 05 78 006 084 91", "12/05/1985", "locked@example.org", "06 11 22 33 44")
DISABLED = ("2 88 03 75 123 456 38", "03/03/1988", "disabled@example.org", None)
QUEUED = ("1 92 01 69 123 789 77", "20/01/1992", None, "07 55 44 33 22")
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/x"

Cli = Callable[..., Run]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The CLI in-process, English, on the home given as first argument."""
    from typer.testing import CliRunner

    from cli.main import app

    for name in ("SESAME_HOME", "SESAME_DB", "SESAME_OUTBOX", "SESAME_CONFIG", "SESAME_LANG"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()

    def run(home: Home, *args: str, input: str | None = None, lang: str = "en") -> Run:
        result = runner.invoke(app, [*home.global_args, "--lang", lang, *args], input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def installation(tmp_path: Path, cli: Cli) -> Home:
    """A SQLite installation with accounts in every state, flows, audit events, and
    messages both delivered to files (secret erased) and still queued."""
    home = Home(tmp_path / "source")
    home.path.mkdir()
    home.configure(resend_cooldown_seconds=0)

    def ok(*args: str, input: str | None = None) -> None:
        result = cli(home, *args, input=input)
        assert result.exit_code == 0, result.stderr

    def add(nir: str, dob: str, email: str | None, mobile: str | None) -> None:
        channels = [
            *(["--email", email] if email else []),
            *(["--mobile", mobile] if mobile else []),
        ]
        ok("account", "add", "--nir", nir, "--dob", dob, *channels, input=lines(PASSWORD, PASSWORD))

    add(NIR, DOB, EMAIL, MOBILE)
    ok("login", NIR, input=lines(PASSWORD))
    ok("forgot", NIR, "--dob", DOB, "--channel", "email")
    add(*LOCKED)
    for _ in range(3):
        cli(home, "login", LOCKED[0], input=lines("wrong password"))
    add(*DISABLED)
    ok("account", "disable", DISABLED[0], "--reason", "left the company")
    add(*QUEUED)
    with (home.path / "sesame.toml").open("a") as config:
        config.write('[outbox]\ntransport = "queue"\n')
    ok("forgot", QUEUED[0], "--dob", QUEUED[1], "--channel", "sms")
    # a previous password, as a reset leaves it (password_history)
    home.query(
        "INSERT INTO password_history (account_id, hash, set_at)"
        " SELECT id, password_hash, created_at FROM accounts WHERE state = 'locked'"
    )
    return home


def dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every column of every table, read back through the schema's types."""
    from sqlalchemy import create_engine, select
    from sqlalchemy.pool import NullPool

    from db.copy import TABLES

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return {
                table.name: sorted(tuple(row) for row in conn.execute(select(table)))
                for table in TABLES
            }
    finally:
        engine.dispose()


def column(tables: dict[str, list[tuple[Any, ...]]], table: str, name: str) -> list[Any]:
    from db.schema import metadata

    position = metadata.tables[table].c.keys().index(name)
    return [row[position] for row in tables[table]]


def copy(cli: Cli, home: Home, source: str, target: str, *options: str, lang: str = "en") -> Run:
    return cli(home, "db", "copy", "--from", source, "--to", target, *options, lang=lang)


def test_round_trip_sqlite_postgresql_sqlite_keeps_every_row(
    cli: Cli, installation: Home, pg_database: str, tmp_path: Path
) -> None:
    source = dump(installation.url)
    assert set(column(source, "accounts", "state")) == {"active", "locked", "disabled"}
    messages = zip(
        column(source, "outbox", "status"), column(source, "outbox", "body"), strict=True
    )
    assert sorted((status, body is None) for status, body in messages) == [
        ("queued", False),
        ("sent", True),
        ("sent", True),
    ]  # a delivered message's secret is erased, a queued one still holds it

    to_postgres = copy(cli, installation, str(installation.path / "sesame.db"), pg_database)
    assert to_postgres.exit_code == 0, to_postgres.stderr
    history = len(source["password_history"])
    assert history == 1
    assert to_postgres.stdout == (
        "Table               Rows\n"
        "----------------  ------\n"
        "accounts               4\n"
        "flows                  2\n"
        f"audit_events          {len(source['audit_events']):>2}\n"
        "outbox                 3\n"
        f"password_history      {history:>2}\n"
        f"{9 + len(source['audit_events']) + history} row(s) copied, counts checked on both "
        "sides.\n"
    )
    assert to_postgres.stderr == ""  # piped: no progress bar
    assert dump(pg_database) == source

    back = tmp_path / "back.db"
    to_sqlite = copy(cli, installation, pg_database, str(back), "--json")
    counts = {name: len(rows) for name, rows in source.items()}
    assert to_sqlite.json() == {"ok": True, "copied": counts}
    assert dump(f"sqlite:///{back}") == source


def test_the_postgresql_copy_works_and_its_sequences_start_after_the_copied_ids(
    cli: Cli, installation: Home, pg_database: str
) -> None:
    assert copy(cli, installation, str(installation.path / "sesame.db"), pg_database).exit_code == 0
    on_postgres = Home(installation.path, pg_database)
    last_event = max(row[0] for row in dump(pg_database)["audit_events"])

    status = cli(on_postgres, "status", LOCKED[0], "--json").json()
    assert status["account"]["state"] == "locked"
    assert cli(on_postgres, "login", NIR, input=lines(PASSWORD)).exit_code == 0
    added = cli(
        on_postgres, "account", "add", "--nir", "1 80 12 75 123 456 42", "--dob", "01/12/1980",
        "--email", "new@example.org", input=lines(PASSWORD, PASSWORD),
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert on_postgres.query("SELECT id FROM accounts WHERE nir = '180127512345642'") == [(5,)]
    new_events = on_postgres.query("SELECT id FROM audit_events WHERE id > :id", id=last_event)
    assert len(new_events) == 2  # the login, the account creation


def test_batches_report_progress_per_table(
    installation: Home, pg_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from db.copy import copy_database
    from db.settings import load_settings

    monkeypatch.setattr("db.copy.BATCH_ROWS", 3)
    calls: list[tuple[str, int, int]] = []
    settings = load_settings(home=str(installation.path))
    copied = copy_database(
        settings, installation.url, pg_database, progress=lambda *call: calls.append(call)
    )
    events = copied["audit_events"]
    assert copied == {
        "accounts": 4, "flows": 2, "audit_events": events, "outbox": 3, "password_history": 1
    }  # fmt: skip
    batches = [*range(0, events, 3), events]
    assert calls == [
        ("accounts", 0, 4), ("accounts", 3, 4), ("accounts", 4, 4),
        ("flows", 0, 2), ("flows", 2, 2),
        *[("audit_events", done, events) for done in batches],
        ("outbox", 0, 3), ("outbox", 3, 3),
        ("password_history", 0, 1), ("password_history", 1, 1),
    ]  # fmt: skip


def test_refuses_a_target_that_holds_data(cli: Cli, installation: Home, pg_database: str) -> None:
    source = str(installation.path / "sesame.db")
    assert copy(cli, installation, source, pg_database).exit_code == 0
    again = copy(cli, installation, source, pg_database, "--json")
    assert again.exit_code == 5
    events = len(dump(installation.url)["audit_events"])
    assert again.json() == {
        "ok": False,
        "error": {
            "code": "target_not_empty",
            "message": f"The target database already holds data (4 account(s), 2 flow(s), "
            f"{events} audit event(s), 3 message(s)): sesame db copy only writes into an empty "
            "database. Choose another target, or empty it first.",
        },
    }
    french = copy(cli, installation, source, pg_database, lang="fr")
    assert (french.exit_code, french.stdout) == (5, "")
    assert french.stderr.startswith("La base cible contient déjà des données (4 compte(s), ")


def test_refuses_an_unreachable_missing_or_outdated_source(
    cli: Cli, installation: Home, tmp_path: Path
) -> None:
    target = str(tmp_path / "target.db")
    unreachable = copy(cli, installation, UNREACHABLE, target, "--json")
    assert unreachable.exit_code == 11
    assert unreachable.json()["error"]["code"] == "storage_unavailable"
    assert unreachable.json()["error"]["reason"] == "database"
    assert unreachable.json()["error"]["message"].startswith("Database unavailable: ")

    missing = copy(cli, installation, str(tmp_path / "typo.db"), target)
    assert missing.exit_code == 11
    assert missing.stderr == f"Database unavailable: {tmp_path / 'typo.db'}: no such file\n"
    assert not (tmp_path / "typo.db").exists()

    installation.query("UPDATE alembic_version SET version_num = '0001'")
    outdated = copy(cli, installation, str(installation.path / "sesame.db"), target, lang="fr")
    assert outdated.exit_code == 11
    assert outdated.stderr == (
        f"La base est à la révision 0001 du schéma, sesame attend {HEAD_REVISION}. "
        "Mettez-la à jour : sesame db upgrade\n"
    )


def test_an_unreachable_target_is_a_storage_error(
    cli: Cli, installation: Home, tmp_path: Path
) -> None:
    result = copy(cli, installation, str(installation.path / "sesame.db"), UNREACHABLE, "--json")
    assert result.exit_code == 11
    assert result.json()["error"]["code"] == "storage_unavailable"


def test_a_count_that_differs_names_the_table(
    cli: Cli, installation: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import db.copy

    copy_table = db.copy._copy_table

    def lose_a_message(reading: Any, target: Any, table: Any, *args: Any) -> None:
        copy_table(reading, target, table, *args)
        if table.name == "outbox":
            with target.write() as conn:
                conn.exec_driver_sql("DELETE FROM outbox WHERE id = (SELECT MIN(id) FROM outbox)")

    monkeypatch.setattr(db.copy, "_copy_table", lose_a_message)
    target = tmp_path / "target.db"
    result = copy(cli, installation, installation.url, str(target), "--json")
    assert result.exit_code == 11
    assert result.json()["error"] == {
        "code": "storage_unavailable",
        "reason": "copy_count_mismatch",
        "message": "Incomplete copy: table outbox holds 3 row(s) in the source and 2 in the "
        "target. Empty the target and start again.",
    }


@pytest.fixture
def pg_database(pg_admin_url: str) -> Any:
    """A fresh PostgreSQL database, dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    name = f"sesame_copy_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(pg_admin_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
