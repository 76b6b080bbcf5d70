"""Where a failure came from (`--source`) and how failures count (window,
progressive locks), through the CLI, on SQLite and PostgreSQL; `policy check`'s
mode and `policy simulate`."""

from __future__ import annotations

import pytest
from helpers import DOB, NIR, NIR_COMPACT, PASSWORD, lines

OTHER_NIR = "195107505612366"
OTHER_EMAIL = "other@example.fr"


def fail(sesame, *source, ident=NIR):
    return sesame("login", ident, *source, input=lines("mauvais")).exit_code


def events_of(sesame, *args):
    return sesame("audit", *args, "--json").json()["events"]


# --- --source ------------------------------------------------------------------------


def test_source_is_written_on_every_event_of_the_members_commands(sesame, member, home):
    member()
    assert [fail(sesame, "--source", "10.1.2.3") for _ in range(3)] == [3, 3, 4]
    unlock = sesame("unlock", NIR, "--dob", DOB, "--source", "kiosk-12", "--json")
    flow = unlock.json()["flow"]
    sent = sesame("send-code", flow, "--channel", "sms", "--source", "kiosk-12", "--json")
    assert sent.exit_code == 0
    code = home.last_sms_code()
    reset = sesame(
        "reset",
        NIR,
        "--source",
        "kiosk-12",
        input=lines(code, "Nouveau-mot-2passe", "Nouveau-mot-2passe"),
    )
    assert reset.exit_code == 0, reset.stderr
    events = events_of(sesame)
    assert [(e["event"], e["source"]) for e in events] == [
        ("account_created", None),
        ("login_failed", "10.1.2.3"),
        ("login_failed", "10.1.2.3"),
        ("login_failed", "10.1.2.3"),
        ("account_locked", "10.1.2.3"),
        ("flow_started", "kiosk-12"),
        ("code_sent", "kiosk-12"),
        ("code_verified", "kiosk-12"),
        ("flow_completed", "kiosk-12"),
        ("password_changed", "kiosk-12"),
        ("account_unlocked", "kiosk-12"),
    ]


def test_source_from_the_environment_and_on_forgot(sesame, member, monkeypatch):
    member()
    monkeypatch.setenv("SESAME_SOURCE", "mail-client")
    assert fail(sesame) == 3
    assert sesame("forgot", NIR, "--dob", DOB, "--channel", "email").exit_code == 0
    monkeypatch.delenv("SESAME_SOURCE")
    assert fail(sesame) == 3
    events = events_of(sesame)
    assert [e["source"] for e in events if e["event"] == "login_failed"] == ["mail-client", None]
    assert {e["source"] for e in events if e["event"] in ("flow_started", "code_sent")} == {
        "mail-client"
    }


def test_an_unknown_identifier_keeps_its_source_too(sesame):
    assert fail(sesame, "--source", "scanner", ident="195107505612366") == 3
    [unknown] = events_of(sesame)
    assert (unknown["event"], unknown["nir"], unknown["source"]) == (
        "login_unknown",
        None,
        "scanner",
    )


@pytest.mark.parametrize(
    "bad", ["", "   ", "x" * 65, "tab\there", "new\nline", "bidi\u202eevil", "zero\u200bwidth"]
)
def test_source_is_checked_exit_2_in_both_languages(sesame, member, bad):
    member()
    result = sesame("login", NIR, "--source", bad, input=lines(PASSWORD))
    assert (result.exit_code, result.stderr) == (
        2,
        "--source : 64 caractères imprimables au plus, non vide.\n",
    )
    english = sesame("audit", "--source", bad, lang="en")
    assert (english.exit_code, english.stderr) == (
        2,
        "--source: at most 64 printable characters, not empty.\n",
    )
    # nothing was counted
    assert sesame("status", NIR, "--json").json()["account"]["failed_attempts"] == 0


def test_source_of_64_characters_is_accepted(sesame, member):
    member()
    source = "é" * 64
    assert fail(sesame, "--source", source) == 3
    assert [e["source"] for e in events_of(sesame, "--source", source)] == [source]


def test_audit_shows_and_filters_the_source(sesame, member, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # one line a row (80 columns: test_cli_tables.py)
    member()
    fail(sesame, "--source", "10.1.2.3")
    fail(sesame, "--source", "kiosk-12")
    only = events_of(sesame, "--source", "kiosk-12")
    assert [(e["event"], e["source"]) for e in only] == [("login_failed", "kiosk-12")]
    assert events_of(sesame, "--source", "nobody") == []
    table = sesame("audit", "--source", "kiosk-12", lang="en").stdout.splitlines()
    assert table[0].split() == [
        "at",
        "actor",
        "system",
        "source",
        "nir",
        "event",
        "change",
        "flow",
        "detail",
    ]
    assert table[2].split()[-6:] == [
        "kiosk-12",
        NIR_COMPACT,
        "login_failed",
        "active→active",
        "-",
        "failed_attempts=2",
    ]
    csv_lines = sesame("audit", "--csv", "--source", "10.1.2.3").stdout.splitlines()
    assert csv_lines[0] == (
        "id,at,actor,os_user,sudo_user,db_role,source,nir,flow,event,state_before,state_after,"
        "detail,batch,batch_source"
    )
    assert f",10.1.2.3,{NIR_COMPACT},,login_failed,active,active," in csv_lines[1]


# --- account list --source -------------------------------------------------------------


def test_account_list_by_source_since_the_last_success(sesame, member):
    member()
    member(nir=OTHER_NIR, email=OTHER_EMAIL, mobile=None)
    fail(sesame, "--source", "kiosk-12")
    fail(sesame, "--source", "kiosk-12", ident=OTHER_NIR)
    fail(sesame, "--source", "10.1.2.3", ident=OTHER_NIR)

    def listed(source):
        result = sesame("account", "list", "--source", source, "--json")
        return [a["nir"] for a in result.json()["accounts"]], result.json()["total"]

    assert listed("kiosk-12") == ([OTHER_NIR, NIR_COMPACT], 2)
    assert listed("10.1.2.3") == ([OTHER_NIR], 1)
    # a successful login closes the window (failure_window_seconds = 0)
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 0
    assert listed("kiosk-12") == ([OTHER_NIR], 1)
    assert listed("nobody") == ([], 0)
    text = sesame("account", "list", "--source", "10.1.2.3", lang="en").stdout
    assert text.splitlines()[2].split()[0] == OTHER_NIR


def test_account_list_by_source_within_the_failure_window(sesame, member, home, clock):
    home.configure(failure_window_seconds=600, resend_cooldown_seconds=0)
    member()
    fail(sesame, "--source", "kiosk-12")
    assert len(sesame("account", "list", "--source", "kiosk-12", "--json").json()["accounts"]) == 1
    clock.advance(601)
    assert sesame("account", "list", "--source", "kiosk-12", "--json").json()["accounts"] == []


# --- how failures count ------------------------------------------------------------------


def test_failures_outside_the_window_do_not_lock(sesame, member, home, clock):
    home.configure(failure_window_seconds=600, resend_cooldown_seconds=0)
    member()
    assert [fail(sesame), fail(sesame)] == [3, 3]
    clock.advance(601)
    # the two old ones left the window: this is the first that counts
    assert fail(sesame) == 3
    assert sesame("status", NIR, "--json").json()["account"]["failed_attempts"] == 1
    clock.advance(60)
    assert [fail(sesame), fail(sesame)] == [3, 4]


def test_without_a_window_old_failures_still_count(sesame, member, clock):
    member()
    assert [fail(sesame), fail(sesame)] == [3, 3]
    clock.advance(30 * 86400)
    assert fail(sesame) == 4


def test_progressive_locks_then_a_lock_without_end(sesame, member, home, clock):
    home.configure(lock_seconds=[60, 300], resend_cooldown_seconds=0)
    member()

    def locked_until():
        return sesame("status", NIR, "--json").json()["account"]["locked_until"]

    assert [fail(sesame) for _ in range(3)] == [3, 3, 4]
    assert locked_until() is not None
    clock.advance(61)  # the first lock ended by itself
    assert [fail(sesame) for _ in range(3)] == [3, 3, 4]
    clock.advance(301)  # the second too
    assert [fail(sesame) for _ in range(3)] == [3, 3, 4]
    assert locked_until() is None  # the list is exhausted: until unlocked
    clock.advance(30 * 86400)
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 4
    locks = [e["detail"] for e in events_of(sesame, "--event", "account_locked")]
    assert locks == [
        {"lock_count": "1", "lock_seconds": "60"},
        {"lock_count": "2", "lock_seconds": "300"},
        {"lock_count": "3", "lock_seconds": "0"},
    ]


def test_status_and_show_give_the_lock_count_when_locks_have_ranks(sesame, member, home, clock):
    home.configure(lock_seconds=[60, 300], resend_cooldown_seconds=0)
    member()

    def counts():
        return [
            sesame(*command, NIR, "--json").json()["account"]["lock_count"]
            for command in (("status",), ("account", "show"))
        ]

    assert counts() == [0, 0]
    assert [fail(sesame) for _ in range(3)] == [3, 3, 4]
    assert counts() == [1, 1]
    clock.advance(61)  # the lock ended by itself: it still counts toward the next one
    assert counts() == [1, 1]
    assert [fail(sesame) for _ in range(3)] == [3, 3, 4]
    assert counts() == [2, 2]
    status = sesame("status", NIR).stdout.splitlines()
    assert status[4].startswith("Bloqué jusqu'au         ")  # the rows stay aligned
    assert status[5] == "Nombre de blocages      2"
    show = sesame("account", "show", NIR, lang="en").stdout.splitlines()
    assert show[4].startswith("Locked until      2")
    assert show[5] == "Lock count        2"
    clock.advance(86400)  # past lock_reset_seconds, the lock of 300 s long over
    assert counts() == [0, 0]


def test_status_has_no_lock_count_line_when_locks_have_no_rank(sesame, member, home):
    home.configure(lock_seconds=900)
    member()
    assert [fail(sesame) for _ in range(3)] == [3, 3, 4]
    assert sesame("status", NIR, "--json").json()["account"]["lock_count"] is None
    text = sesame("status", NIR).stdout
    assert "Nombre de blocages" not in text and "Bloqué jusqu'au" in text


def test_locks_older_than_lock_reset_seconds_are_forgotten(sesame, member, home, clock):
    home.configure(lock_seconds=[60, 300], lock_reset_seconds=3600, resend_cooldown_seconds=0)
    member()
    assert [fail(sesame) for _ in range(3)] == [3, 3, 4]
    clock.advance(3601)
    assert [fail(sesame) for _ in range(3)] == [3, 3, 4]
    locks = [e["detail"]["lock_count"] for e in events_of(sesame, "--event", "account_locked")]
    assert locks == ["1", "1"]


def test_unknown_identifiers_lock_alike(sesame, home, clock):
    """A shadow reads the same history: the same answers as a real account."""
    home.configure(lock_seconds=[60, 300], failure_window_seconds=600, resend_cooldown_seconds=0)
    stranger = "195107505612366"
    assert [fail(sesame, ident=stranger) for _ in range(3)] == [3, 3, 4]
    clock.advance(61)
    assert [fail(sesame, ident=stranger) for _ in range(3)] == [3, 3, 4]
    clock.advance(61)  # the second lock lasts 300 s
    assert fail(sesame, ident=stranger) == 4


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        (
            "lock_seconds",
            [],
            "Configuration: 'policy.lock_seconds' must be a duration or a list of 1 to 20 "
            "durations.",
        ),
        (
            "lock_seconds",
            [60, 0],
            "Configuration: 'policy.lock_seconds' must be between 1 and 31622400.",
        ),
        (
            "failure_window_seconds",
            -1,
            "Configuration: 'policy.failure_window_seconds' must be between 0 and 31622400.",
        ),
        (
            "lock_reset_seconds",
            0,
            "Configuration: 'policy.lock_reset_seconds' must be between 1 and 31622400.",
        ),
        (
            "permanent_after",
            2,
            "Configuration: 'policy.permanent_after' must be between 0 and 1.",
        ),
    ],
)
def test_lockout_settings_are_refused_exit_2_naming_the_key(sesame, home, setting, value, message):
    home.configure(**{setting: value})
    result = sesame("policy", "check", lang="en")
    assert (result.exit_code, result.stderr) == (2, message + "\n")


# --- policy check and policy simulate ---------------------------------------------------


def test_policy_check_reports_a_progressive_mode_and_warns_of_its_end(sesame, home):
    home.configure(lock_seconds=[60, 300, 900], failure_window_seconds=900)
    document = sesame("policy", "check", "--json", lang="en").json()
    login = document["lockout"]["login"]
    assert {k: login[k] for k in ("mode", "lock_seconds", "permanent_after")} == {
        "mode": "progressive",
        "lock_seconds": [60, 300, 900],
        "permanent_after": 4,
    }
    assert login["mode_message"] == (
        "mode: progressive, the n-th lock within 86400 s lasts the n-th of [60, 300, 900] s, "
        "then until unlocked from lock 4 on; only the failures of the last 900 seconds count."
    )
    permanent = [a for a in document["accepted"] if a["check"] == "permanent_lock.accepted"]
    assert permanent[0]["value"] == "progressive, lock 4"
    assert "after 12 wrong passwords" in permanent[0]["message"]
    # a warning, never a finding that --strict fails on
    assert [f["check"] for f in document["findings"] if "lock" in f["setting"]] == []


def test_policy_check_timed_lock_has_no_warning(sesame, home):
    home.configure(lock_seconds=900)
    document = sesame("policy", "check", "--strict", "--json", lang="en").json()
    assert "permanent_lock.accepted" not in [a["check"] for a in document["accepted"]]
    assert document["lockout"]["login"]["mode_message"] == (
        "mode: each lock lasts 900 s; failures count until a successful login "
        "(failure_window_seconds = 0)."
    )


FAILURES = (
    "# a mail client retrying an old password\n"
    "2026-11-29T10:00:00Z kiosk-12\n"
    "+5 kiosk-12\n"
    "\n"
    "+5 kiosk-12\n"
    "+30 mail-client\n"
    "+60\n"
    "+1\n"
    "+1\n"
)


def test_policy_simulate_prints_the_timeline(sesame, home):
    home.configure(lock_seconds=[60, 300])
    result = sesame("policy", "simulate", input=FAILURES, lang="en")
    assert (result.exit_code, result.stdout) == (
        0,
        "mode: progressive, the n-th lock within 86400 s lasts the n-th of [60, 300] s, then "
        "until unlocked from lock 3 on; failures count until a successful login "
        "(failure_window_seconds = 0).\n"
        "2026-11-29T10:00:00Z  kiosk-12     failure 1/3\n"
        "2026-11-29T10:00:05Z  kiosk-12     failure 2/3\n"
        "2026-11-29T10:00:10Z  kiosk-12     locked (lock 1) until 2026-11-29T10:01:10Z\n"
        "2026-11-29T10:00:40Z  mail-client  refused: account locked\n"
        "2026-11-29T10:01:10Z  -            lock ended\n"
        "2026-11-29T10:01:40Z  -            failure 1/3\n"
        "2026-11-29T10:01:41Z  -            failure 2/3\n"
        "2026-11-29T10:01:42Z  -            locked (lock 2) until 2026-11-29T10:06:42Z\n"
        "At the last failure: locked until 2026-11-29T10:06:42Z, 2 lock(s).\n",
    )
    french = sesame("policy", "simulate", input=FAILURES).stdout.splitlines()
    assert french[3] == (
        "2026-11-29T10:00:10Z  kiosk-12     verrouillé (1e verrouillage) jusqu'à "
        "2026-11-29T10:01:10Z"
    )


def test_policy_simulate_json(sesame, home):
    document = sesame("policy", "simulate", "--json", input=FAILURES, lang="en").json()
    assert document["mode"] == {
        "mode": "permanent",
        "failure_window_seconds": 0,
        "lock_seconds": [],
        "lock_reset_seconds": 86400,
        "permanent_after": 1,
        "max_failed_attempts": 3,
    }
    assert document["timeline"][2] == {
        "at": "2026-11-29T10:00:10Z",
        "event": "locked",
        "source": "kiosk-12",
        "failures": 3,
        "lock_count": 1,
        "locked_until": None,
    }
    assert [line["event"] for line in document["timeline"]] == [
        "failed",
        "failed",
        "locked",
        "refused",
        "refused",
        "refused",
        "refused",
    ]
    assert (document["state"], document["locked_until"], document["locks"]) == ("locked", None, 1)


def test_policy_simulate_window_and_start(sesame, home):
    home.configure(failure_window_seconds=60)
    result = sesame(
        "policy",
        "simulate",
        "--start",
        "2026-11-29T08:00:00Z",
        input="+0\n+50\n+50\n+50\n",
        lang="en",
    )
    assert result.stdout.splitlines()[1:] == [
        "2026-11-29T08:00:00Z  -  failure 1/3",
        "2026-11-29T08:00:50Z  -  failure 2/3",
        "2026-11-29T08:01:40Z  -  failure 2/3",
        "2026-11-29T08:02:30Z  -  failure 2/3",
        "At the last failure: active, 2 failure(s) counted, 0 lock(s).",
    ]


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (
            "30m\n",
            "Line 1: '30m' is neither an ISO time nor +SECONDS (optionally followed by a source).",
        ),
        (
            "2026-11-29T10:00:00Z\n2026-13-01\n",
            "Line 2: '2026-13-01' is neither an ISO time nor +SECONDS (optionally followed by "
            "a source).",
        ),
        (
            "2026-11-29T10:00:00Z\n2026-11-29T09:00:00Z\n",
            "Line 2: the failures must be in time order.",
        ),
        ("+1 " + "x" * 65 + "\n", "--source: at most 64 printable characters, not empty."),
    ],
)
def test_policy_simulate_refuses_bad_lines_exit_2(sesame, home, stdin, message):
    result = sesame("policy", "simulate", input=stdin, lang="en")
    assert (result.exit_code, result.stderr) == (2, message + "\n")


def test_policy_simulate_empty(sesame, home):
    result = sesame("policy", "simulate", input="", lang="en")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "No failure on standard input."


@pytest.mark.parametrize("window", [0, 600])
@pytest.mark.parametrize("state", [None, "locked", "active"])
def test_list_by_source_searches_indexes_never_scans(home, sesame, member, window, state):
    """EXPLAIN on the very statements `list_accounts --source` sends (as for the other filters)."""
    from sqlalchemy import event

    from db.listing import AccountFilter, list_accounts
    from db.settings import load_settings
    from db.store import Store
    from engine.model import AccountState

    member()
    fail(sesame, "--source", "kiosk-12")
    store = Store(load_settings(home=str(home.path), db=home.db_url))
    sent: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    filters = AccountFilter(
        state=AccountState(state) if state else None,
        locked_since=None,
        source="kiosk-12",
        failure_window_seconds=window,
    )
    page = list_accounts(store, filters, limit=50, offset=0)
    event.remove(store.engine, "before_cursor_execute", capture)
    assert page.total == (0 if state == "locked" else 1)
    with store.engine.connect() as conn:
        if not home.is_sqlite:
            conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in sent:
            if "audit_events" not in statement:
                continue
            if home.is_sqlite:
                plan = [
                    row[-1]
                    for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                ]
                assert not [step for step in plan if step.startswith("SCAN")], (statement, plan)
                assert any("ix_audit_source_at" in step for step in plan), plan
            else:
                plan = [row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
                assert not [step for step in plan if "Seq Scan" in step], (statement, plan)
    store.close()
