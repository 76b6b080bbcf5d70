"""PostgreSQL failures: unreachable, refused, driver missing, connection lost mid-command;
and the first commands on an empty database racing to create the schema.

Each is exit 11 with a clear message, and nothing is half-applied.
"""

from __future__ import annotations

import sys

import pytest
from helpers import NIR, PASSWORD, lines

from db.schema import HEAD_REVISION

ON_POSTGRES = pytest.mark.parametrize("database", ["postgresql"], indirect=True)


@ON_POSTGRES
def test_unreachable_server_is_exit_11(sesame, home):
    result = sesame(
        "--db",
        "postgresql+psycopg://postgres@127.0.0.1:1/sesame",
        "status",
        NIR,
        "--json",
        lang="en",
    )
    assert result.exit_code == 11
    error = result.json()["error"]
    assert error["code"] == "storage_unavailable"
    assert error["message"].startswith("Database unavailable: ")


@ON_POSTGRES
def test_refused_role_is_exit_11(sesame, home, pg_admin_url):
    from sqlalchemy.engine import make_url

    url = make_url(pg_admin_url).set(username="no_such_sesame_role").render_as_string(False)
    result = sesame("--db", url, "status", NIR, "--json", lang="en")
    assert result.exit_code == 11
    assert "no_such_sesame_role" in result.json()["error"]["message"]


@ON_POSTGRES
def test_missing_driver_names_the_extra(sesame, home, monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    result = sesame("status", NIR, "--json", lang="en")
    assert result.exit_code == 11
    error = result.json()["error"]
    assert error["code"] == "storage_unavailable"
    assert "pip install 'sesame[postgres]'" in error["message"]


@ON_POSTGRES
def test_connection_lost_mid_command_applies_nothing(sesame, member, home, monkeypatch):
    import db.decisions

    member()
    save = db.decisions.save

    def server_goes_away(conn, *args, **kwargs):
        save(conn, *args, **kwargs)
        conn.exec_driver_sql("SELECT pg_terminate_backend(pg_backend_pid())")

    monkeypatch.setattr(db.decisions, "save", server_goes_away)
    result = sesame("login", NIR, "--json", input=lines("wrong password"), lang="en")
    assert result.exit_code == 11
    assert result.json()["error"]["code"] == "storage_unavailable"
    monkeypatch.undo()
    assert home.query("SELECT failed_attempts FROM accounts") == [(0,)]
    assert home.query("SELECT COUNT(*) FROM audit_events WHERE event = 'login_failed'") == [(0,)]
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 0


@pytest.mark.parametrize("database", ["sqlite", "postgresql"], indirect=True)
def test_first_commands_on_an_empty_database_create_the_schema_once(home):
    from parallel import run_together

    outcomes = run_together(home, [(["status", NIR, "--json"], "")] * 4)
    assert [o.exit_code for o in outcomes] == [12] * 4, outcomes
    assert home.query("SELECT version_num FROM alembic_version") == [(HEAD_REVISION,)]
