"""Exact results under parallel use: real processes against one database
(SQLite file, and PostgreSQL with each process on its own connection)."""

from __future__ import annotations

import json

from helpers import DOB, NEW_PASSWORD, NIR, PASSWORD, lines
from parallel import run_sequences, run_together


def _events(home, event):
    [(count,)] = home.query("SELECT COUNT(*) FROM audit_events WHERE event = :e", e=event)
    return count


def test_parallel_wrong_passwords_lock_exactly_once(sesame, member, home):
    member()
    outcomes = run_together(home, [(["login", NIR], lines("wrong password"))] * 8)
    codes = sorted(o.exit_code for o in outcomes)
    assert codes == [3, 3, 4, 4, 4, 4, 4, 4]
    assert all("locked" not in o.stderr.lower() or "database" not in o.stderr for o in outcomes)
    assert _events(home, "login_failed") == 3
    assert _events(home, "account_locked") == 1
    assert _events(home, "login_refused") == 5
    assert len(home.mail_files()) == 1  # exactly one lock notification
    status = sesame("status", NIR, "--json").json()["account"]
    assert (status["state"], status["failed_attempts"]) == ("locked", 3)


def test_parallel_send_code_leaves_exactly_one_valid_secret(sesame, member, home):
    member()
    flow = sesame("forgot", NIR, "--dob", DOB, "--json").json()["flow"]
    outcomes = run_together(home, [(["send-code", flow, "--channel", "sms"], "")] * 2)
    assert [o.exit_code for o in outcomes] == [0, 0]
    codes = [json.loads(p.read_text())["body"].splitlines()[1] for p in home.sms_files()]
    assert len(codes) == 2
    verdicts = [sesame("reset", NIR, input=lines(code)).exit_code for code in codes]
    # The older one was replaced; the newer one is verified (exit 10: no new password given).
    assert sorted(verdicts) == [6, 10]


def test_parallel_uses_of_one_temporary_password_succeed_once(sesame, member, home):
    member()
    sesame("forgot", NIR, "--dob", DOB, "--channel", "sms")
    code = home.last_sms_code()
    stdin = lines(code, NEW_PASSWORD, NEW_PASSWORD)
    outcomes = run_together(home, [(["reset", NIR, "--json"], stdin)] * 4)
    assert sorted(o.exit_code for o in outcomes) == [0, 6, 6, 6]
    errors = [json.loads(o.stdout)["error"]["code"] for o in outcomes if o.exit_code]
    assert errors == ["code_used"] * 3
    assert _events(home, "password_changed") == 1


def test_parallel_uses_of_one_link_succeed_once(sesame, member, home):
    member()
    sesame("forgot", NIR, "--dob", DOB, "--channel", "email")
    link = home.last_link()
    stdin = lines(link, NEW_PASSWORD, NEW_PASSWORD)
    outcomes = run_together(home, [(["reset", "--token", "-"], stdin)] * 4)
    assert sorted(o.exit_code for o in outcomes) == [0, 6, 6, 6]
    assert _events(home, "flow_completed") == 1


def test_eight_processes_hammering_one_database(sesame, member, home):
    """A mixed load: nothing but documented refusals, and a consistent database."""
    others = ["1 85 05 78 006 084 91", "2 70 12 2A 004 123 77", "1 99 01 99 124 001 70"]
    member()
    for nir in others:
        created = sesame(
            "account",
            "add",
            "--nir",
            nir,
            "--dob",
            _dob(nir),
            "--mobile",
            "0612345678",
            input=lines(PASSWORD, PASSWORD),
        )
        assert created.exit_code == 0, created.stderr
    sequences = []
    for i in range(8):
        nir = [NIR, *others][i % 4]
        commands = [
            (["login", nir], lines("wrong password")),
            (["login", nir], lines(PASSWORD)),
            (["forgot", nir, "--dob", _dob(nir), "--channel", "sms"], ""),
            (["unlock", nir, "--dob", _dob(nir)], ""),
            (["reset", nir], lines("WRONGCODE2")),
            (["account", "unlock", nir, "--reason", "member on the phone"], ""),
        ]
        sequences.append(commands[i % 6 :] + commands[: i % 6])  # each starts elsewhere
    for outcomes in run_sequences(home, sequences):
        for outcome in outcomes:
            assert outcome.exit_code in {0, 3, 4, 5, 6, 7, 8, 10}, outcome
            assert "database is locked" not in outcome.stderr
    if home.is_sqlite:
        assert home.query("PRAGMA integrity_check") == [("ok",)]
    inconsistent = home.query(
        "SELECT COUNT(*) FROM accounts WHERE (state = 'locked') != (locked_at IS NOT NULL)"
    )
    assert inconsistent == [(0,)]
    open_flows = home.query(
        "SELECT account_id, COUNT(*) FROM flows WHERE state IN"
        " ('choose_channel', 'code_sent', 'verified') GROUP BY account_id HAVING COUNT(*) > 1"
    )
    assert open_flows == []


def _dob(nir: str) -> str:
    compact = nir.replace(" ", "")
    year, month = int(compact[1:3]), int(compact[3:5])
    return f"15/{month:02d}/{1900 + year}"
