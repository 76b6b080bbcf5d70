"""The db shell on a real database (SQLite file, PostgreSQL): migrations, the outbox, storage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import DOB, EMAIL, MOBILE, NIR, PASSWORD, lines

from db.schema import HEAD_REVISION, KNOWN_REVISIONS, metadata


def test_code_head_matches_the_migration_scripts():
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(Path(__import__("db").__file__).parent / "migrations"))
    assert scripts.get_current_head() == HEAD_REVISION == KNOWN_REVISIONS[-1]
    assert [s.revision for s in reversed(list(scripts.walk_revisions()))] == list(KNOWN_REVISIONS)


def test_migrations_from_empty_match_the_table_metadata(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from db.store import upgrade

    engine = create_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert upgrade(engine) == HEAD_REVISION
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert differences == []


def test_db_current_and_upgrade_commands(sesame, home):
    current = sesame("db", "current", "--json").json()
    assert current == {"ok": True, "revision": None, "head": HEAD_REVISION}
    upgraded = sesame("db", "upgrade", "--json").json()
    assert upgraded == {"ok": True, "revision": HEAD_REVISION}
    assert sesame("db", "current", "--json").json()["revision"] == HEAD_REVISION


def test_one_open_flow_per_account_is_enforced_by_the_database(sesame, member, home):
    member()
    sesame("forgot", NIR, "--dob", DOB, "--channel", "sms")
    from sqlalchemy.exc import IntegrityError

    (account_id,) = home.query("SELECT id FROM accounts")[0]
    with pytest.raises(IntegrityError):
        home.query(
            "INSERT INTO flows (id, account_id, kind, state, expires_at, code_attempts,"
            " created_at) VALUES ('x', :account_id, 'forgot', 'code_sent', '2030-01-01', 0,"
            " '2026-01-01')",
            account_id=account_id,
        )


def test_every_transition_is_audited_without_secrets(sesame, member, home):
    member()
    for _ in range(3):
        sesame("login", NIR, input=lines("wrong password"))
    sesame("unlock", NIR, "--dob", DOB, "--channel", "sms")
    code = home.last_sms_code()
    sesame(
        "login",
        NIR,
        input=lines(code, "Un nouveau départ bien long", "Un nouveau départ bien long"),
    )
    events = home.query(
        "SELECT event, state_before, state_after, actor, detail FROM audit_events ORDER BY id"
    )
    names = [e[0] for e in events]
    assert names == [
        "account_created",
        "login_failed",
        "login_failed",
        "login_failed",
        "account_locked",
        "flow_started",
        "code_sent",
        "code_verified",
        "flow_completed",
        "password_changed",
        "account_unlocked",
    ]
    assert events[4][:3] == ("account_locked", "active", "locked")
    text = json.dumps(events)
    for secret in (code, PASSWORD, "wrong password", "Un nouveau départ bien long"):
        assert secret not in text


def test_outbox_delivery_is_idempotent_and_scrubs_the_secret(sesame, member, home):
    from db.outbox import deliver
    from db.settings import load_settings
    from db.store import Store

    member(email=None, mobile=MOBILE)
    sesame("forgot", NIR, "--dob", DOB)
    code = home.last_sms_code()
    store = Store(load_settings(home=str(home.path), db=home.db_url))
    row = home.query("SELECT id, status, body, redacted_body FROM outbox")[0]
    message_id = row[0]
    assert row[1:3] == ("sent", None)
    assert code not in row[3]
    # Simulate a crash after commit, before delivery: queued again, file gone.
    home.query("UPDATE outbox SET status = 'queued', body = :body", body=f"code\n{code}\n")
    (home.path / "outbox" / "sms" / "new" / f"{message_id}.json").unlink()
    assert sesame("outbox", "flush", "--json").json() == {"ok": True, "delivered": 1}
    assert deliver(store) == 0
    files = list((home.path / "outbox" / "sms" / "new").iterdir())
    assert [f.name for f in files] == [f"{message_id}.json"]
    # Another message under the same name is never taken for it, nor written over it
    # (the same message again is a no-op: tests/reliability/test_filesystem_trust.py).
    from datetime import UTC, datetime

    from db.outbox_files import MessageConflict, write_file

    class Row:
        id, channel, recipient, body = message_id, "sms", "+33600000000", "x"
        redacted_body = "x"
        created_at = datetime.now(UTC)

    delivered = files[0].read_text()
    with pytest.raises(MessageConflict):
        write_file(store, Row())
    assert files[0].read_text() == delivered


def test_unwritable_outbox_is_exit_11_and_the_message_stays_queued(sesame, member, home):
    member(email=None, mobile=MOBILE)
    (home.path / "outbox").write_text("not a directory")
    result = sesame("forgot", NIR, "--dob", DOB, "--json")
    assert result.exit_code == 11
    assert result.json()["error"]["code"] == "storage_unavailable"
    assert "sesame outbox flush" in result.json()["error"]["message"]
    assert home.query("SELECT status FROM outbox") == [("queued",)]
    (home.path / "outbox").unlink()
    assert sesame("outbox", "flush", "--json").json()["delivered"] == 1


def test_email_is_rfc5322_with_the_link_alone_on_its_line(sesame, member, home):
    from email import message_from_bytes, policy

    member(mobile=None)
    sesame("forgot", NIR, "--dob", DOB, lang="en")
    [mail] = home.mail_files()
    message = message_from_bytes(mail.read_bytes(), policy=policy.default)
    assert message["To"] == EMAIL
    # The member's language (French by default), not the operator's --lang en.
    assert message["Subject"] == "Espace personnel : changez votre mot de passe"
    assert message["Message-ID"] == f"<{mail.stem}@sesame.invalid>"
    body = message.get_body().get_content()
    [link_line] = [line for line in body.splitlines() if "token=" in line]
    assert link_line == home.last_link()
    assert link_line.startswith("https://espace-personnel.example/reinitialiser?token=")


def test_an_older_schema_is_exit_11_naming_the_upgrade_command(sesame, home):
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(home.url, poolclass=NullPool)
    config = Config()
    config.set_main_option(
        "script_location", str(Path(__import__("db").__file__).parent / "migrations")
    )
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.exec_driver_sql(
            "INSERT INTO accounts (nir, birth_date, state, failed_attempts, sms_capable,"
            " created_at) VALUES ('295109912611193', '1995-10-15', 'locked', 3, FALSE,"
            " '2026-01-01 00:00:00')"
        )
    engine.dispose()
    old = sesame("status", NIR)
    assert old.exit_code == 11
    assert old.stderr.splitlines()[-1].endswith("Mettez-la à jour : sesame db upgrade")
    assert sesame("db", "upgrade").exit_code == 0
    status = sesame("status", NIR, "--json").json()["account"]
    assert (status["state"], status["failed_attempts"]) == ("locked", 3)


def test_migration_0006_gives_existing_members_french(sesame, home):
    """Members created before the language existed were written to in French: they
    keep it, whatever the operator's language."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(home.url, poolclass=NullPool)
    config = Config()
    config.set_main_option(
        "script_location", str(Path(__import__("db").__file__).parent / "migrations")
    )
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0005")
        conn.exec_driver_sql(
            "INSERT INTO accounts (nir, birth_date, mobile, state, failed_attempts,"
            " sms_capable, created_at) VALUES ('295109912611193', '1995-10-15',"
            " '+33612344208', 'active', 0, TRUE, '2026-01-01 00:00:00')"
        )
    engine.dispose()
    assert sesame("db", "upgrade", lang="en").exit_code == 0
    assert home.query("SELECT language FROM accounts") == [("fr",)]
    sent = sesame("forgot", NIR, "--dob", DOB, "--channel", "sms", lang="en")
    assert sent.exit_code == 0, sent.stderr
    body = json.loads(home.sms_files()[-1].read_text())["body"]
    assert body.startswith("Espace personnel - votre mot de passe temporaire :\n")
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0005")
    engine.dispose()
    columns = [name for (name,) in home.query(_COLUMNS[home.is_sqlite])]
    assert "language" not in columns and "nir" in columns


_COLUMNS = {
    True: "SELECT name FROM pragma_table_info('accounts')",
    False: "SELECT column_name FROM information_schema.columns WHERE table_name = 'accounts'",
}


def test_a_queued_secret_never_reaches_a_replaced_channel(sesame, member, home):
    member(email=None)
    (home.path / "blocker").write_text("")
    blocked = sesame("--outbox", str(home.path / "blocker" / "out"), "forgot", NIR, "--dob", DOB)
    assert blocked.exit_code == 11  # committed, its SMS left queued
    edited = sesame("account", "edit", NIR, "--mobile", "06 11 22 33 44", "--reason", "new phone")
    assert edited.exit_code == 0
    assert sesame("outbox", "flush", "--json").json() == {"ok": True, "delivered": 0}
    assert home.sms_files() == []
    assert home.query("SELECT status, body, last_error FROM outbox") == [
        ("abandoned", None, "flow cancelled before delivery")
    ]
    events = home.query("SELECT event FROM audit_events WHERE event = 'message_abandoned'")
    assert events == [("message_abandoned",)]


def test_the_home_names_its_database_and_db_wins(tmp_path):
    """`[database] url` is where a home's callers find the database without `--db`
    (which `[access]` keeps for the support group); `--db` still wins."""
    from db.settings import load_settings
    from engine.errors import SesameError

    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    config = home / "sesame.toml"
    config.write_text('[database]\nurl = "postgresql+psycopg://sesame@db.example/sesame"\n')
    assert load_settings(home=str(home)).db_url == "postgresql+psycopg://sesame@db.example/sesame"
    other = tmp_path / "other.db"
    assert load_settings(home=str(home), db=str(other)).db_url == f"sqlite:///{other}"
    config.write_text("")
    assert load_settings(home=str(home)).db_url == f"sqlite:///{home / 'sesame.db'}"
    for text in (
        '[database]\nurl = "sesame.db"\n',
        "[database]\nurl = 3\n",
        '[database]\nhost = "x"\n',
        'database = "x"\n',
    ):
        config.write_text(text)
        with pytest.raises(SesameError) as refused:
            load_settings(home=str(home))
        assert refused.value.reason in ("config_type", "config_unknown_key"), text
        assert str(refused.value.params["key"]).startswith("database"), text


def test_migration_0008_adds_the_source_and_its_index_and_goes_back(sesame, home):
    """Events of an older schema keep a NULL source; the downgrade drops both."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, inspect
    from sqlalchemy.pool import NullPool

    engine = create_engine(home.url, poolclass=NullPool)
    config = Config()
    config.set_main_option(
        "script_location", str(Path(__import__("db").__file__).parent / "migrations")
    )

    def migrate(step, revision):
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            step(config, revision)

    def audit_shape():
        inspector = inspect(engine)
        columns = {c["name"] for c in inspector.get_columns("audit_events")}
        indexes = {i["name"] for i in inspector.get_indexes("audit_events")}
        return "source" in columns, "ix_audit_source_at" in indexes

    migrate(command.upgrade, "0005")
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO audit_events (at, actor, event, detail) "
            "VALUES ('2026-01-01 00:00:00', 'old', 'login_unknown', '{}')"
        )
    assert audit_shape() == (False, False)
    migrate(command.upgrade, "0008")
    assert audit_shape() == (True, True)
    migrate(command.upgrade, "head")  # what this sesame reads
    assert [(e["actor"], e["source"]) for e in sesame("audit", "--json").json()["events"]] == [
        ("old", None)
    ]
    migrate(command.downgrade, "0005")
    assert audit_shape() == (False, False)
    engine.dispose()
