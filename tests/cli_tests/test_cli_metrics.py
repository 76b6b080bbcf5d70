"""`sesame metrics`: the Prometheus exposition of a known dataset, read back with
prometheus_client's own parser; the effective state; the windows; --textfile."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from helpers import NIR, PASSWORD, lines

NAMES = [
    "sesame_accounts",
    "sesame_locks",
    "sesame_unlocks",
    "sesame_open_flows",
    "sesame_outbox_messages",
    "sesame_messages_sent",
    "sesame_outbox_oldest_queued_age_seconds",
    "sesame_delivery_failures",
    "sesame_identity_check_failures",
    "sesame_rate_limit_refusals",
]


def store_for(home):
    from db.settings import load_settings
    from db.store import Store

    return Store(load_settings(home=str(home.path), db=home.db_url))


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    from prometheus_client.parser import text_string_to_metric_families

    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(found, name: str, **labels: str) -> float:
    return found[(name, tuple(sorted(labels.items())))]


def seed(home, now):
    """A known dataset, written straight into the tables."""
    from sqlalchemy import insert

    from db.schema import accounts, audit_events, flows, outbox, rate_limit_refusals

    def ago(**delta: float):
        return now - timedelta(**delta)

    def later(**delta: float):
        return now + timedelta(**delta)

    people = [
        ("active", None),
        ("active", None),
        ("active", None),
        ("locked", later(minutes=10)),  # still locked
        ("locked", ago(seconds=1)),  # its lock has ended: effectively active
        ("locked", None),  # locked until support lifts it
        ("disabled", None),
    ]
    events = [
        ("account_locked", ago(minutes=10), None),
        ("account_locked", ago(hours=2), None),
        ("account_locked", ago(hours=25), None),  # outside both windows
        ("account_disabled", ago(minutes=30), None),
        ("account_unlocked", ago(hours=3), None),  # by support
        ("account_enabled", ago(minutes=5), None),
        ("account_unlocked", ago(minutes=59), "f1"),  # by the member's recovery
        ("lock_expired", ago(hours=23), None),
        ("message_abandoned", ago(minutes=1), None),
        ("identity_failed", ago(minutes=61), None),
        ("identity_failed", ago(minutes=1), None),
        ("login_failed", ago(minutes=1), None),  # counted nowhere
    ]
    open_flows = [
        ("f1", "code_sent", "sms", later(minutes=10)),
        ("f2", "code_sent", "sms", ago(seconds=1)),  # expired: no longer open
        ("f3", "choose_channel", None, later(minutes=5)),
        ("f4", "completed", "email", later(minutes=5)),
        ("f5", "verified", "email", later(minutes=5)),
    ]
    messages = [  # status, channel, created, delivered
        ("queued", "sms", ago(seconds=90), None),
        ("queued", "email", ago(seconds=30), None),
        ("sent", "email", ago(hours=2), ago(minutes=50)),
        ("sent", "email", ago(hours=3), ago(hours=2)),
        ("sent", "sms", ago(days=3), ago(days=2)),  # outside both windows
        ("failed", "sms", ago(minutes=3), None),
        ("abandoned", "email", ago(minutes=4), None),
    ]
    minute = now.replace(second=0, microsecond=0)
    refusals = [(minute, 2), (minute - timedelta(minutes=59), 1), (minute - timedelta(hours=2), 7)]
    refusals.append((minute - timedelta(hours=25), 100))  # outside both windows
    store = store_for(home)
    with store.write() as conn:
        for at, count in refusals:
            conn.execute(insert(rate_limit_refusals).values(minute=at, count=count))
        for i, (state, until) in enumerate(people):
            conn.execute(
                insert(accounts).values(
                    nir=f"1{i:014d}",
                    birth_date=now.date(),
                    state=state,
                    failed_attempts=0,
                    locked_until=until,
                    locked_at=ago(hours=1) if state == "locked" else None,
                    created_at=ago(days=30),
                    sms_capable=False,
                )
            )
        for event, at, flow in events:
            conn.execute(
                insert(audit_events).values(
                    at=at, actor="test", event=event, flow_id=flow, detail="{}", account_id=1
                )
            )
        for flow_id, state, channel, expires in open_flows:
            conn.execute(
                insert(flows).values(
                    id=flow_id,
                    account_id=int(flow_id[1]),
                    kind="unlock",
                    state=state,
                    channel=channel,
                    expires_at=expires,
                    code_attempts=0,
                    created_at=ago(minutes=1),
                )
            )
        for i, (status, channel, created, delivered) in enumerate(messages):
            conn.execute(
                insert(outbox).values(
                    id=f"m{i}",
                    channel=channel,
                    recipient="x",
                    redacted_body="x",
                    status=status,
                    created_at=created,
                    delivered_at=delivered,
                    attempts=0,
                )
            )
    store.close()


EXPECTED = {
    ("sesame_accounts", (("state", "active"),)): 4.0,
    ("sesame_accounts", (("state", "locked"),)): 2.0,
    ("sesame_accounts", (("state", "disabled"),)): 1.0,
    ("sesame_locks", (("kind", "failures"), ("window", "1h"))): 1.0,
    ("sesame_locks", (("kind", "failures"), ("window", "24h"))): 2.0,
    ("sesame_locks", (("kind", "support"), ("window", "1h"))): 1.0,
    ("sesame_locks", (("kind", "support"), ("window", "24h"))): 1.0,
    ("sesame_unlocks", (("kind", "support"), ("window", "1h"))): 1.0,
    ("sesame_unlocks", (("kind", "support"), ("window", "24h"))): 2.0,
    ("sesame_unlocks", (("kind", "recovery"), ("window", "1h"))): 1.0,
    ("sesame_unlocks", (("kind", "recovery"), ("window", "24h"))): 1.0,
    ("sesame_unlocks", (("kind", "expiry"), ("window", "1h"))): 0.0,
    ("sesame_unlocks", (("kind", "expiry"), ("window", "24h"))): 1.0,
    ("sesame_open_flows", (("channel", "none"), ("state", "choose_channel"))): 1.0,
    ("sesame_open_flows", (("channel", "email"), ("state", "code_sent"))): 0.0,
    ("sesame_open_flows", (("channel", "sms"), ("state", "code_sent"))): 1.0,
    ("sesame_open_flows", (("channel", "email"), ("state", "verified"))): 1.0,
    ("sesame_open_flows", (("channel", "sms"), ("state", "verified"))): 0.0,
    ("sesame_outbox_messages", (("channel", "email"), ("status", "abandoned"))): 1.0,
    ("sesame_outbox_messages", (("channel", "sms"), ("status", "abandoned"))): 0.0,
    ("sesame_outbox_messages", (("channel", "email"), ("status", "failed"))): 0.0,
    ("sesame_outbox_messages", (("channel", "sms"), ("status", "failed"))): 1.0,
    ("sesame_outbox_messages", (("channel", "email"), ("status", "queued"))): 1.0,
    ("sesame_outbox_messages", (("channel", "sms"), ("status", "queued"))): 1.0,
    ("sesame_messages_sent", (("channel", "email"), ("window", "1h"))): 1.0,
    ("sesame_messages_sent", (("channel", "email"), ("window", "24h"))): 2.0,
    ("sesame_messages_sent", (("channel", "sms"), ("window", "1h"))): 0.0,
    ("sesame_messages_sent", (("channel", "sms"), ("window", "24h"))): 0.0,
    ("sesame_outbox_oldest_queued_age_seconds", ()): 90.0,
    ("sesame_delivery_failures", (("window", "1h"),)): 1.0,
    ("sesame_delivery_failures", (("window", "24h"),)): 1.0,
    ("sesame_identity_check_failures", (("window", "1h"),)): 1.0,
    ("sesame_identity_check_failures", (("window", "24h"),)): 2.0,
    ("sesame_rate_limit_refusals", (("window", "1h"),)): 3.0,
    ("sesame_rate_limit_refusals", (("window", "24h"),)): 10.0,
}


def test_the_exposition_of_a_known_dataset(sesame, home, clock):
    seed(home, clock.now)
    result = sesame("metrics")
    assert (result.exit_code, result.stderr) == (0, "")
    assert samples(result.stdout) == EXPECTED


def test_the_metric_names_and_their_help(sesame, home):
    from prometheus_client.parser import text_string_to_metric_families

    from db.metrics import METRIC_NAMES

    families = list(text_string_to_metric_families(sesame("metrics").stdout))
    assert [f.name for f in families] == NAMES == list(METRIC_NAMES)
    assert all(f.type == "gauge" and f.documentation for f in families)
    # every name is documented for operators
    operations = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    assert all(f"`{name}`" in operations for name in NAMES)


def test_the_windows_move_with_the_clock(sesame, home, clock):
    seed(home, clock.now)
    clock.advance(3600)  # an hour later
    found = samples(sesame("metrics").stdout)
    assert value(found, "sesame_locks", kind="failures", window="1h") == 0
    assert value(found, "sesame_locks", kind="failures", window="24h") == 2
    assert value(found, "sesame_unlocks", kind="support", window="1h") == 0
    # 23 h + 1 h ago: exactly a day, out of the window (a window is (now - length, now])
    assert value(found, "sesame_unlocks", kind="expiry", window="24h") == 0
    assert value(found, "sesame_identity_check_failures", window="24h") == 2
    assert value(found, "sesame_outbox_oldest_queued_age_seconds") == 3690
    assert value(found, "sesame_messages_sent", channel="email", window="1h") == 0
    # the lock that ended ten minutes after the seed: active now, without any write
    assert value(found, "sesame_accounts", state="locked") == 1
    assert value(found, "sesame_accounts", state="active") == 5
    # the flows expired meanwhile
    assert value(found, "sesame_open_flows", state="code_sent", channel="sms") == 0


def test_a_lock_that_ends_by_itself_counts_as_active(sesame, member, home, clock):
    """Locked by failures for 60 s: locked, then active when the minute has passed,
    though nothing has been written since (the row still says locked)."""
    home.configure(resend_cooldown_seconds=0, max_failed_attempts=2, lock_seconds=60)
    member()
    for _ in range(2):
        sesame("login", NIR, input=lines("wrong password"))
    found = samples(sesame("metrics").stdout)
    assert value(found, "sesame_accounts", state="locked") == 1
    assert value(found, "sesame_locks", kind="failures", window="1h") == 1
    clock.advance(61)
    found = samples(sesame("metrics").stdout)
    assert home.query("SELECT state FROM accounts") == [("locked",)]
    assert value(found, "sesame_accounts", state="locked") == 0
    assert value(found, "sesame_accounts", state="active") == 1
    assert value(found, "sesame_unlocks", kind="expiry", window="1h") == 0  # not yet written
    sesame("login", NIR, input=lines(PASSWORD))  # the next step writes lock_expired
    found = samples(sesame("metrics").stdout)
    assert value(found, "sesame_unlocks", kind="expiry", window="1h") == 1


def test_rate_limit_refusals_are_counted_without_an_audit_event(sesame, member, home, clock):
    """Past `max_refused_logins` refusals while locked, a login is `rate_limited`:
    no audit event, but the minute's count."""
    home.configure(resend_cooldown_seconds=0, max_refused_logins=1)
    member()
    for _ in range(4):  # three failures lock, the fourth attempt is refused
        sesame("login", NIR, input=lines("wrong password"))
    events = home.query("SELECT COUNT(*) FROM audit_events")
    limited = sesame("login", NIR, "--json", input=lines("wrong password"))
    assert limited.json()["error"]["code"] == "rate_limited"
    assert home.query("SELECT COUNT(*) FROM audit_events") == events
    found = samples(sesame("metrics").stdout)
    assert value(found, "sesame_rate_limit_refusals", window="1h") == 1
    clock.advance(3600 + 60)
    found = samples(sesame("metrics").stdout)
    assert value(found, "sesame_rate_limit_refusals", window="1h") == 0
    assert value(found, "sesame_rate_limit_refusals", window="24h") == 1
    assert home.query("SELECT count FROM rate_limit_refusals") == [(1,)]
    clock.advance(2 * 86400)  # the next refusal deletes the minutes older than two days
    for _ in range(3):  # one refusal allowed a day, then two rate-limited in one minute
        sesame("login", NIR, input=lines("wrong password"))
    assert home.query("SELECT count FROM rate_limit_refusals") == [(2,)]


@pytest.mark.sqlite_only
def test_textfile_is_replaced_whole(sesame, home, tmp_path):
    folder = tmp_path / "textfile"
    folder.mkdir(mode=0o755)
    target = folder / "sesame.prom"
    target.write_text("old\n")
    before = target.stat().st_ino
    os.umask(0o077)  # the mode is set, not left to the umask
    result = sesame("metrics", "--textfile", str(target))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert target.stat().st_ino != before  # a new file renamed over the old one
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert sorted(p.name for p in folder.iterdir()) == ["sesame.prom"]  # no temporary left
    assert samples(target.read_text()) == samples(sesame("metrics").stdout)


@pytest.mark.sqlite_only
def test_textfile_refuses_a_directory_others_can_write(sesame, home, tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    result = sesame("metrics", "--textfile", str(folder / "sesame.prom"), lang="en")
    assert result.exit_code == 11
    assert "writable" in result.stderr
    assert list(folder.iterdir()) == []


@pytest.mark.sqlite_only
def test_textfile_refuses_a_symlink_and_leaves_nothing(sesame, home, tmp_path):
    folder = tmp_path / "textfile"
    folder.mkdir(mode=0o755)
    (folder / "elsewhere").write_text("kept\n")
    (folder / "sesame.prom").symlink_to(folder / "elsewhere")
    result = sesame("metrics", "--textfile", str(folder / "sesame.prom"), lang="en")
    assert result.exit_code == 2
    assert result.stderr == f"Cannot write {folder / 'sesame.prom'}: not a regular file.\n"
    assert (folder / "elsewhere").read_text() == "kept\n"
    assert sorted(p.name for p in folder.iterdir()) == ["elsewhere", "sesame.prom"]


def test_textfile_refuses_a_nul_in_the_name(sesame, home):
    refused = sesame("metrics", "--textfile", "a\0b", lang="en")
    assert (refused.exit_code, refused.stderr) == (2, "Cannot write 'a\\x00b': a NUL character.\n")


@pytest.mark.sqlite_only
def test_a_failed_write_leaves_the_old_file(sesame, home, tmp_path, monkeypatch):
    folder = tmp_path / "textfile"
    folder.mkdir(mode=0o755)
    target = folder / "sesame.prom"
    target.write_text("old\n")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", full)
    result = sesame("metrics", "--textfile", str(target), lang="en")
    assert result.exit_code == 2
    assert result.stderr == f"Cannot write {target}: No space left on device.\n"
    assert target.read_text() == "old\n"
    assert sorted(p.name for p in folder.iterdir()) == ["sesame.prom"]


def test_exposition_is_what_the_web_server_serves(home, sesame, clock):
    from db.metrics import content_type, exposition

    seed(home, clock.now)
    store = store_for(home)
    try:
        assert samples(exposition(store).decode()) == EXPECTED
    finally:
        store.close()
    assert content_type().startswith("text/plain; version=")
