"""The console's lines (`cli.shell.session`), its history rule and file, and its
engines kept across commands; the terminal itself is tests/e2e/test_shell_tmux.py."""

from __future__ import annotations

import os
import stat

import pytest
from helpers import NIR, NIR_COMPACT

from cli.shell.history import GuardedFileHistory, open_history, worth_keeping
from cli.shell.session import Session
from engine.errors import SesameError


@pytest.fixture
def session(home, member, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    member()
    made = Session(base=[*home.global_args, "--lang", "en"], lang="en")
    yield made
    made.engines.forget()


def test_a_failing_command_shows_its_status_and_the_console_goes_on(session, capsys):
    assert session.run_line("status 1234") is True
    err = capsys.readouterr().err
    assert err == "Invalid social-security number: 15 characters expected, 4 given.\n[exit 2]\n"
    assert session.status == 2
    assert session.run_line("account show nosuch@example.org") is True
    assert capsys.readouterr().err == "No such account.\n[exit 12]\n"
    assert session.run_line(f"status {NIR_COMPACT} --json") is True
    assert session.status == 0
    assert capsys.readouterr().err == ""


def test_an_unexpected_error_is_one_line_and_the_console_goes_on(session, capsys, monkeypatch):
    def broken(args: list[str], prog_name: str) -> None:
        raise RuntimeError("with a secret in its message")

    monkeypatch.setattr("cli.main.app", broken)
    assert session.run_line("status") is True
    assert capsys.readouterr().err == "Internal error: RuntimeError\n[exit 1]\n"


def test_lines_are_split_as_a_shell_splits_them(session, capsys):
    session.run_line(f"sesame status '{NIR}' --json")  # quoted NIR with its spaces
    assert '"nir": "295109912611193"' in capsys.readouterr().out
    session.run_line("status 'open")
    assert capsys.readouterr().err == "Unreadable line: No closing quotation\n[exit 2]\n"


def test_use_sets_the_account_that_commands_without_id_take(session, capsys):
    session.run_line(f"use {NIR}")  # as printed on the card, spaces and all
    assert capsys.readouterr().err == "Current account: * ** ** ** *** *11 93\n"
    session.run_line("account show --json")
    assert '"nir": "295109912611193"' in capsys.readouterr().out
    session.run_line("status")  # the account, not the dashboard
    assert "295109912611193" in capsys.readouterr().out
    session.run_line("account show nosuch@example.org")  # an ID given wins
    assert capsys.readouterr().err.endswith("[exit 12]\n")
    session.run_line("use -")
    session.run_line("status --json")
    assert '"dashboard"' in capsys.readouterr().out


def test_the_current_account_never_turns_a_bulk_action_into_a_single_one(session):
    session.run_line(f"use {NIR_COMPACT}")
    line = ["account", "unlock", "--all-locked", "--reason", "r"]
    assert session._with_current(line) == line
    single = ["account", "unlock", "--reason", "r"]
    assert session._with_current(single) == [*single, NIR_COMPACT]
    assert session._with_current(["account", "list"]) == ["account", "list"]  # takes no ID


def test_use_refuses_what_is_not_an_identifier(session, capsys):
    session.run_line("use 1234")
    assert capsys.readouterr().err.endswith("[exit 2]\n")
    assert session.current is None


def test_exit_leaves_and_help_is_the_catalogue(session, capsys):
    session.run_line("help status")
    assert "Show an account, or without ID the dashboard." in capsys.readouterr().out
    session.run_line("help")
    captured = capsys.readouterr()
    assert "Commands" in captured.out
    assert captured.err.startswith("In the console: use ID")
    session.run_line("shell")
    assert capsys.readouterr().err == "Already in the console (Ctrl-D leaves it).\n[exit 2]\n"
    assert session.run_line("exit") is False


def test_one_engine_serves_every_command(session):
    from cli.app import Process

    session.run_line(f"status {NIR_COMPACT} --json")
    engines = dict(session.engines._kept)
    session.run_line("account list --json")
    assert session.engines._kept.keys() == engines.keys()
    assert [e for e, _ in session.engines._kept.values()] == [e for e, _ in engines.values()]
    assert Process.engines is None  # a command outside the console disposes of its own


@pytest.mark.sqlite_only  # a file replaced under the console
def test_a_replaced_database_file_is_opened_anew(session, home, capsys):
    import sqlite3

    db = home.path / "sesame.db"
    with sqlite3.connect(db) as source, sqlite3.connect(home.path / "copy.db") as copy:
        source.backup(copy)  # what a restore would bring back
    source.close()
    copy.close()
    session.run_line("status --json")
    (kept,) = session.engines._kept.values()
    os.replace(home.path / "copy.db", db)
    for suffix in ("-wal", "-shm"):
        (home.path / f"sesame.db{suffix}").unlink(missing_ok=True)
    session.run_line(f"status {NIR_COMPACT} --json")
    assert session.status == 0, capsys.readouterr().err
    (now,) = session.engines._kept.values()
    assert now[0] is not kept[0]
    assert now[1] != kept[1]


@pytest.mark.sqlite_only
def test_a_storage_error_forgets_the_engines(session, home, capsys):
    session.run_line("status --json")
    assert session.engines._kept
    (home.path / "garbage.db").write_bytes(b"not a database, not at all" * 100)
    session.run_line(f"--db {home.path / 'garbage.db'} status")
    assert session.status == 11
    assert not session.engines._kept


@pytest.mark.sqlite_only  # no database
@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (f"status {NIR_COMPACT}", True),
        ("account unlock --all-locked --reason r", True),
        (f"sesame account show {NIR_COMPACT}", True),
        ("help", True),
        (f"use {NIR_COMPACT}", True),
        ("use -", True),
        ("exit", True),
        (f"use {NIR}", True),
        ("use Tr0ub4dor&3", False),  # a password given to `use` by mistake
        (f"login {NIR_COMPACT} Tr0ub4dor&3", False),  # a member's command: none kept
        (f"reset {NIR_COMPACT}", False),
        ("Tr0ub4dor&3", False),  # a password pasted at the console's prompt
        (f" status {NIR_COMPACT}", False),  # a leading space: not kept (as bash)
        ("status 'open", False),
        ("", False),
    ],
)
def test_which_lines_the_history_keeps(line, kept):
    assert worth_keeping(line) is kept


@pytest.mark.sqlite_only
def test_the_history_file_is_created_owner_only_and_keeps_only_what_it_may(tmp_path):
    os.umask(0o022)
    history = open_history(tmp_path)
    path = tmp_path / "shell_history"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    history.append_string("status 295109912611193")
    history.append_string("Tr0ub4dor&3")
    assert "Tr0ub4dor" not in path.read_text()
    assert list(history.get_strings()) == ["status 295109912611193"]
    assert list(GuardedFileHistory(path).load_history_strings()) == ["status 295109912611193"]


@pytest.mark.sqlite_only
def test_the_history_file_is_trusted_as_sesame_files_are(tmp_path):
    path = tmp_path / "shell_history"
    path.write_text("")
    path.chmod(0o644)
    open_history(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # 0644 becomes 0600
    path.unlink()
    path.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(SesameError) as refused:
        open_history(tmp_path)
    assert refused.value.reason == "file_symlink"
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.sqlite_only
def test_lines_from_a_pipe_run_one_after_the_other(sesame, member):
    member()
    result = sesame(
        "shell", input=f"status 1234\nuse {NIR_COMPACT}\naccount show --json\n", lang="en"
    )
    assert result.exit_code == 0
    assert '"nir": "295109912611193"' in result.stdout
    assert "[exit 2]" in result.stderr


@pytest.mark.sqlite_only  # the database named in sesame.toml is a file of the home
def test_a_changed_configuration_applies_from_the_next_line(session, home, capsys):
    import json

    session.run_line("status --json")
    assert json.loads(capsys.readouterr().out)["dashboard"]["accounts"]["total"] == 1
    other = home.path / "other.db"
    config = home.path / "sesame.toml"
    config.write_text(config.read_text() + f'\n[database]\nurl = "sqlite:///{other}"\n')
    session.run_line("status --json")
    assert json.loads(capsys.readouterr().out)["dashboard"]["accounts"]["total"] == 0
    assert len(session.engines._kept) == 2  # one engine per database


def test_a_schema_changed_by_someone_else_is_seen_at_the_next_line(session, home, capsys):
    session.run_line(f"status {NIR_COMPACT} --json")
    home.query("UPDATE alembic_version SET version_num = '0008'")
    capsys.readouterr()
    session.run_line(f"status {NIR_COMPACT} --json")
    assert session.status == 11
    assert '"reason": "schema_outdated"' in capsys.readouterr().out
    assert not session.engines._kept
