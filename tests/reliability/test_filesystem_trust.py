"""Files are trusted the way OpenSSH's StrictModes trusts them.

A home, configuration or outbox directory that another user can write is
refused (exit 11, naming it); the outbox never follows a symlink; existing
outbox directories are tightened to 0700 and the database files to 0600; a
file already at a message's name counts as delivered only if it holds that
very message.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from helpers import DOB, NIR
from sqlalchemy import select

from db.outbox_build import sms_document
from db.schema import outbox
from db.settings import load_settings
from db.store import Store

NOBODY = 65534


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _refused(result, path: Path) -> None:
    assert result.exit_code == 11, (result.exit_code, result.stdout, result.stderr)
    error = result.json()["error"]
    assert error["code"] == "storage_unavailable"
    assert str(path) in error["message"]


def _outbox_statuses(home) -> list[str]:
    return [status for (status,) in home.query("SELECT status FROM outbox")]


# --- home and configuration --------------------------------------------------------


def test_a_sesame_toml_planted_in_a_world_writable_home_is_refused(sesame, member, home):
    member(mobile=None)
    home.path.chmod(0o777)
    planted = home.path / "sesame.toml"
    planted.write_text('[policy]\nreset_url = "https://evil.example/steal"\n')
    result = sesame("forgot", NIR, "--dob", DOB, "--json", lang="en")
    _refused(result, home.path)
    assert "writable" in result.json()["error"]["message"]
    assert not any("evil.example" in p.read_text() for p in home.mail_files())
    french = sesame("forgot", NIR, "--dob", DOB)
    assert french.exit_code == 11 and "modifiable" in french.stderr


def test_a_group_writable_configuration_is_refused(sesame, member, home, tmp_path):
    member()
    config = home.path / "sesame.toml"
    config.chmod(0o664)
    _refused(sesame("status", NIR, "--json", lang="en"), config)
    config.chmod(0o600)
    assert sesame("status", NIR).exit_code == 0
    elsewhere = tmp_path / "etc"
    elsewhere.mkdir()
    elsewhere.chmod(0o777)
    other = elsewhere / "sesame.toml"
    other.write_text(config.read_text())
    # A writable parent lets anyone replace the file: refused too.
    _refused(sesame("--config", str(other), "status", NIR, "--json", lang="en"), elsewhere)
    elsewhere.chmod(0o755)
    assert sesame("--config", str(other), "status", NIR).exit_code == 0


def test_a_configuration_owned_by_another_user_is_refused(sesame, member, home):
    member()
    config = home.path / "sesame.toml"
    os.chown(config, NOBODY, NOBODY)
    _refused(sesame("status", NIR, "--json", lang="en"), config)


@pytest.mark.parametrize("swap", ["foreign", "writable", "symlink"])
def test_a_configuration_swapped_after_its_check_is_refused(
    sesame, member, home, tmp_path, monkeypatch, swap
):
    """The attack: the file is replaced between the trust check and the read
    (here, right after the check returns); what is read must be what is checked."""
    import db.trust

    member()
    config = home.path / "sesame.toml"
    planted = tmp_path / "planted.toml"
    planted.write_text('[policy]\nreset_url = "https://evil.example/steal"\n')
    check = db.trust.require_trusted

    def check_then_swap(path: Path, **kwargs) -> Path:
        real = check(path, **kwargs)
        if path == config:
            if swap == "foreign":
                os.chown(config, NOBODY, NOBODY)
            elif swap == "writable":
                config.chmod(0o666)
            else:
                config.unlink()
                config.symlink_to(planted)
        return real

    monkeypatch.setattr(db.trust, "require_trusted", check_then_swap)
    _refused(sesame("status", NIR, "--json", lang="en"), config)


def test_a_sticky_world_writable_parent_is_accepted_but_not_a_plain_one(
    sesame, member, home, tmp_path
):
    member()
    tmp_path.chmod(0o1777)
    assert sesame("status", NIR).exit_code == 0
    tmp_path.chmod(0o777)
    _refused(sesame("status", NIR, "--json", lang="en"), tmp_path)
    tmp_path.chmod(0o700)


# --- the outbox --------------------------------------------------------------------


@pytest.mark.parametrize("linked", ["outbox", "outbox/sms", "outbox/sms/new", "outbox/sms/tmp"])
def test_a_symlink_in_the_outbox_is_never_followed(sesame, member, home, tmp_path, linked):
    member(email=None)
    for sub in ("tmp", "new", "cur"):
        (home.path / "outbox" / "sms" / sub).mkdir(parents=True, exist_ok=True)
    target = tmp_path / "attacker"
    target.mkdir()
    for sub in ("sms", "sms/tmp", "sms/new", "sms/cur", "tmp", "new", "cur"):
        (target / sub).mkdir(parents=True, exist_ok=True)
    link = home.path / linked
    os.rename(link, tmp_path / "moved-away")
    link.symlink_to(target, target_is_directory=True)
    result = sesame("forgot", NIR, "--dob", DOB, "--json", lang="en")
    _refused(result, link)
    assert [p for p in target.rglob("*") if p.is_file()] == []
    assert _outbox_statuses(home) == ["queued"]


def test_a_symlinked_mail_folder_is_never_followed(sesame, member, home, tmp_path):
    member(mobile=None)
    target = tmp_path / "attacker"
    target.mkdir()
    (home.path / "outbox" / "mail").mkdir(parents=True)
    (home.path / "outbox" / "mail" / "new").symlink_to(target, target_is_directory=True)
    _refused(sesame("forgot", NIR, "--dob", DOB, "--json", lang="en"), home.path / "outbox")
    assert list(target.iterdir()) == []
    assert _outbox_statuses(home) == ["queued"]


def test_existing_outbox_directories_are_tightened_to_0700(sesame, member, home):
    member(email=None)
    folders = [home.path / "outbox", home.path / "outbox" / "sms"]
    folders += [home.path / "outbox" / "sms" / sub for sub in ("tmp", "new", "cur")]
    for folder in folders:
        folder.mkdir(exist_ok=True)
        folder.chmod(0o755)
    assert sesame("forgot", NIR, "--dob", DOB).exit_code == 0
    assert {folder.name: _mode(folder) for folder in folders} == {
        folder.name: 0o700 for folder in folders
    }
    assert _outbox_statuses(home) == ["sent"]


@pytest.mark.parametrize("unsafe", ["group-writable", "foreign"])
def test_an_outbox_directory_another_user_can_write_is_refused(sesame, member, home, unsafe):
    member(email=None)
    folder = home.path / "outbox" / "sms" / "new"
    folder.mkdir(parents=True)
    if unsafe == "group-writable":
        folder.chmod(0o770)
    else:
        os.chown(folder, NOBODY, NOBODY)
    _refused(sesame("forgot", NIR, "--dob", DOB, "--json", lang="en"), folder)
    assert list(folder.iterdir()) == []
    assert _outbox_statuses(home) == ["queued"]


# --- database files ----------------------------------------------------------------


@pytest.mark.sqlite_only
def test_a_pre_created_world_readable_database_becomes_0600(sesame, member, home):
    database = home.path / "sesame.db"
    database.touch()
    database.chmod(0o644)
    member()
    assert _mode(database) == 0o600
    for suffix in ("-wal", "-shm"):
        companion = home.path / f"sesame.db{suffix}"
        if companion.exists():
            assert _mode(companion) == 0o600
    # Existing companions left readable by an earlier run are fixed too.
    for name in ("sesame.db", "sesame.db-wal", "sesame.db-shm"):
        (home.path / name).touch()
        (home.path / name).chmod(0o644)
    # Another process holds the database open, so the -wal and -shm outlive the
    # command (SQLite removes them when the last connection closes).
    import sqlite3

    holder = sqlite3.connect(database)
    try:
        holder.execute("SELECT count(*) FROM accounts").fetchone()
        assert sesame("status", NIR).exit_code == 0
        assert {name: _mode(home.path / name) for name in ("sesame.db", "sesame.db-wal")} == {
            "sesame.db": 0o600,
            "sesame.db-wal": 0o600,
        }
        if (home.path / "sesame.db-shm").exists():
            assert _mode(home.path / "sesame.db-shm") == 0o600
    finally:
        holder.close()


# --- a file already at a message's name --------------------------------------------


def _queued_sms(sesame, member, home, monkeypatch) -> str:
    """A forgot whose SMS could not be written: the message stays queued."""
    member(email=None)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr("db.outbox_files.os.fsync", full)
        assert sesame("forgot", NIR, "--dob", DOB).exit_code == 11
    [(message_id,)] = home.query("SELECT id FROM outbox WHERE status = 'queued'")
    return str(message_id)


@pytest.mark.parametrize("where", ["new", "cur"])
def test_a_file_planted_at_the_message_name_is_an_alert_not_a_delivery(
    sesame, member, home, monkeypatch, where
):
    message_id = _queued_sms(sesame, member, home, monkeypatch)
    folder = home.path / "outbox" / "sms" / where
    folder.mkdir(parents=True, exist_ok=True)
    planted = folder / (f"{message_id}.json" if where == "new" else f"{message_id}.json:2,S")
    fake = b'{"to": "+33600000000", "body": "Call 0899 now"}\n'
    planted.write_bytes(fake)
    result = sesame("outbox", "flush", "--json", lang="en")
    _refused(result, planted)
    assert planted.read_bytes() == fake
    [(status, body, last_error)] = home.query("SELECT status, body, last_error FROM outbox")
    assert status == "queued" and body is not None
    code = body.splitlines()[1]
    assert str(planted.name) in last_error and code not in last_error
    events = home.query("SELECT detail FROM audit_events WHERE event = 'message_conflict'")
    assert len(events) == 1 and code not in str(events)
    # Once the planted file is gone, the real message goes out.
    planted.unlink()
    assert sesame("outbox", "flush", "--json").json()["delivered"] == 1
    assert code in home.sms_files()[-1].read_text()


def test_a_symlink_planted_at_the_message_name_is_an_alert(sesame, member, home, monkeypatch):
    message_id = _queued_sms(sesame, member, home, monkeypatch)
    decoy = home.path.parent / "decoy.json"
    decoy.write_text("{}")
    planted = home.path / "outbox" / "sms" / "new" / f"{message_id}.json"
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.symlink_to(decoy)
    _refused(sesame("outbox", "flush", "--json", lang="en"), planted)
    assert decoy.read_text() == "{}"
    assert _outbox_statuses(home) == ["queued"]


def test_a_file_with_the_message_own_content_counts_as_delivered(sesame, member, home, monkeypatch):
    """A crash between the file and the commit: the next flush finds its own file."""
    message_id = _queued_sms(sesame, member, home, monkeypatch)
    store = Store(load_settings(home=str(home.path), db=home.db_url))
    with store.read() as conn:
        row = conn.execute(select(outbox)).one()
    own = home.path / "outbox" / "sms" / "new" / f"{message_id}.json"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_bytes(sms_document(row))
    assert sesame("outbox", "flush", "--json").json()["delivered"] == 1
    assert _outbox_statuses(home) == ["sent"]
    assert len(home.sms_files()) == 1


# --- the database's own directory and files -----------------------------------------


@pytest.mark.sqlite_only
def test_a_database_in_a_directory_others_can_write_is_refused(sesame, member, home, tmp_path):
    """The attack: anyone who can write the `--db` file's directory can swap the
    database or plant its -wal/-shm files; it is checked like the home."""
    member()
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    database = shared / "sesame.db"
    _refused(sesame("--db", f"sqlite:///{database}", "status", NIR, "--json", lang="en"), shared)
    assert not database.exists()


@pytest.mark.sqlite_only
@pytest.mark.parametrize(
    ("planted", "suffix"),
    # (the database path itself is resolved once, like `--db`: a symlink there
    # is the owner's choice, and its target is what gets checked)
    [("symlink", "-wal"), ("symlink", "-shm"), ("foreign", ""), ("foreign", "-wal")],
)
def test_a_planted_database_file_is_refused_and_never_chmodded(
    sesame, member, home, tmp_path, suffix, planted
):
    """The attack: a `sesame.db-wal` symlink to a file of someone else's makes
    `chmod` by path strip that file's bits (as root, any file)."""
    member()
    target = tmp_path / "victim"
    target.write_text("someone else's file")
    target.chmod(0o644)
    planted_file = home.path / f"sesame.db{suffix}"
    if planted == "symlink":
        planted_file.unlink(missing_ok=True)
        planted_file.symlink_to(target)
        os.chown(target, NOBODY, NOBODY)
    else:
        planted_file.touch()
        planted_file.chmod(0o644)
        os.chown(planted_file, NOBODY, NOBODY)
    _refused(sesame("status", NIR, "--json", lang="en"), planted_file)
    assert _mode(target) == 0o644
    if planted == "foreign":
        assert _mode(planted_file) == 0o644
