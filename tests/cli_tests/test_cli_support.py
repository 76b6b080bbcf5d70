"""Support tooling through the CLI (CliRunner): account list/show/edit/disable/enable/unlock,
bulk unlock, the audit log and the dashboard. Exact exit codes, JSON shapes and messages."""

from __future__ import annotations

import json
import os
import pwd
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from helpers import DOB, EMAIL, FAST_ARGON2, NIR, NIR_COMPACT, PASSWORD, lines

OTHER_NIR = "195107505612366"
OTHER_EMAIL = "paul.durand@free.fr"
THIRD_NIR = "295101305500196"
MOBILE_OTHER = "07 81 22 33 44"
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def lock(sesame, ident=NIR):
    codes = [sesame("login", ident, input=lines("mauvais")).exit_code for _ in range(3)]
    assert codes == [3, 3, 4]


def add_other(member, **kwargs):
    member(nir=OTHER_NIR, email=kwargs.get("email", OTHER_EMAIL), mobile=kwargs.get("mobile"))


def store_for(home):
    from db.settings import load_settings
    from db.store import Store

    return Store(load_settings(home=str(home.path), db=home.db_url, lang="en", actor="test"))


def events_of(sesame, *args):
    return sesame("audit", *args, "--json").json()["events"]


# --- when: durations and dates ------------------------------------------------------


def test_parse_moment_durations_dates_and_refusals():
    from cli.parsing import parse_moment
    from engine.errors import SesameError

    now = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert parse_moment("30m", now) == now - timedelta(minutes=30)
    assert parse_moment(" 2h", now) == now - timedelta(hours=2)
    assert parse_moment("7D", now) == now - timedelta(days=7)
    assert parse_moment("45s", now) == now - timedelta(seconds=45)
    assert parse_moment("1w", now) == now - timedelta(days=7)
    assert parse_moment("2026-11-20T08:30:00Z", now) == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    assert parse_moment("2026-11-20T08:30+01:00", now) == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    local_midnight = datetime(2026, 11, 20).astimezone().astimezone(UTC)
    assert parse_moment("2026-11-20", now) == local_midnight
    for bad in ("yesterday", "2h30", "-2h", "20/11/2026", ""):
        with pytest.raises(SesameError) as refused:
            parse_moment(bad, now)
        assert (refused.value.code, refused.value.reason) == ("invalid_input", "when")


def test_bad_duration_is_exit_2_in_both_languages(sesame):
    french = sesame("account", "list", "--locked-since", "hier")
    assert (french.exit_code, french.stderr) == (
        2,
        "Date ou durée invalide : « hier » (exemples : 30m, 2h, 7d, 2026-11-20, "
        "2026-11-20T08:30).\n",
    )
    english = sesame("audit", "--since", "yesterday", "--json", lang="en")
    assert english.exit_code == 2
    assert english.json()["error"] == {
        "code": "invalid_input",
        "reason": "when",
        "message": "Invalid date or duration: 'yesterday' (examples: 30m, 2h, 7d, "
        "2026-11-20, 2026-11-20T08:30).",
    }


# --- account list -------------------------------------------------------------------------


def test_list_newest_first_with_filters(sesame, member, clock):
    member()
    add_other(member)
    member(nir=THIRD_NIR, email="claire@laposte.net", mobile=None)
    lock(sesame)
    clock.advance(3 * 3600)
    lock(sesame, OTHER_NIR)
    assert sesame("account", "disable", THIRD_NIR, "--reason", "fraude").exit_code == 0

    everything = sesame("account", "list", "--json").json()
    assert [a["nir"] for a in everything["accounts"]] == [THIRD_NIR, OTHER_NIR, NIR_COMPACT]
    assert everything["total"] == 3

    def nirs(*args):
        document = sesame("account", "list", *args, "--json").json()
        return [a["nir"] for a in document["accounts"]], document["total"]

    assert nirs("--state", "locked") == ([OTHER_NIR, NIR_COMPACT], 2)
    assert nirs("--state", "disabled") == ([THIRD_NIR], 1)
    assert nirs("--state", "active") == ([], 0)
    assert nirs("--locked-since", "2h") == ([OTHER_NIR], 1)
    assert nirs("--locked-since", "4h", "--state", "locked") == ([OTHER_NIR, NIR_COMPACT], 2)
    assert nirs("--limit", "1", "--offset", "1") == ([OTHER_NIR], 3)
    assert nirs("--has-flow") == ([], 0)
    sent = sesame("unlock", NIR, "--dob", DOB, "--channel", "sms")
    assert sent.exit_code == 0
    assert nirs("--has-flow") == ([NIR_COMPACT], 1)
    assert nirs("--has-flow", "--state", "locked") == ([NIR_COMPACT], 1)
    assert nirs("--has-flow", "--state", "disabled") == ([], 0)


def test_list_json_shape_and_row(sesame, member):
    member()
    lock(sesame)
    sesame("unlock", NIR, "--dob", DOB, "--channel", "sms")
    [account] = sesame("account", "list", "--json").json()["accounts"]
    flow = account.pop("flow")
    assert set(flow) == {"id", "kind", "state", "channel", "expires_at"}
    assert (flow["kind"], flow["state"], flow["channel"]) == ("unlock", "code_sent", "sms")
    assert ISO_UTC.match(account.pop("locked_at"))
    assert ISO_UTC.match(account.pop("password_changed_at"))
    assert account == {
        "nir": NIR_COMPACT,
        "state": "locked",
        "failed_attempts": 3,
        "locked_until": None,
        "last_login_at": None,
        "language": "fr",
        "channels": [
            {"channel": "sms", "destination": "*** ** 42 08", "sms_possible": True},
            {"channel": "email", "destination": "*****@orange.fr"},
        ],
    }


def test_list_table_and_csv(sesame, member, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")  # one line a row (80 columns: test_cli_tables.py)
    member()
    add_other(member)
    lock(sesame)
    table = sesame("account", "list", lang="en")
    assert table.exit_code == 0
    header, _, first, second, total = table.stdout.splitlines()
    assert header.split() == ["nir", "state", "failures", "locked", "since", "flow", "channels"]
    assert first.split()[:4] == [OTHER_NIR, "active", "0", "-"]
    assert first.endswith("email *****@free.fr")
    assert second.split()[:3] == [NIR_COMPACT, "locked", "3"]
    assert second.endswith("sms *** ** 42 08, email *****@orange.fr")
    assert total == "2 of 2 account(s) shown."
    assert sesame("account", "list").stdout.endswith("\n2 compte(s) affiché(s) sur 2.\n")
    csv_text = sesame("account", "list", "--csv", "--state", "locked").stdout
    head, row = csv_text.splitlines()
    assert head == (
        "nir,state,failed_attempts,locked_at,locked_until,sms,email,flow,flow_state,flow_channel"
    )
    cells = row.split(",")
    assert cells[:3] == [NIR_COMPACT, "locked", "3"] and ISO_UTC.match(cells[3])
    assert cells[4:] == ["", "*** ** 42 08", "*****@orange.fr", "", "", ""]


def test_list_refuses_contradictions(sesame, member):
    both = sesame("account", "list", "--csv", "--json")
    assert both.exit_code == 2
    assert both.json()["error"]["message"] == (
        "Ces options ne peuvent pas être combinées : --csv, --json."
    )
    contradiction = sesame("account", "list", "--state", "active", "--locked-since", "1d")
    assert (contradiction.exit_code, contradiction.stderr) == (
        2,
        "Ces options ne peuvent pas être combinées : --locked-since, --state.\n",
    )
    assert sesame("account", "list", "--state", "frozen").exit_code == 2
    assert sesame("account", "list", "--limit", "0").exit_code == 2


def test_ended_time_limited_lock_lists_as_active(sesame, member, home, clock):
    home.configure(lock_seconds=600, resend_cooldown_seconds=0)
    member()
    lock(sesame)
    assert sesame("account", "list", "--state", "locked", "--json").json()["total"] == 1
    clock.advance(601)
    assert sesame("account", "list", "--state", "locked", "--json").json()["total"] == 0
    active = sesame("account", "list", "--state", "active", "--json").json()
    assert (active["total"], active["accounts"][0]["state"]) == (1, "active")
    assert sesame("status", "--json").json()["dashboard"]["accounts"]["locked"] == 0


FILTERS = [
    {"state": state, "locked_since": since, "has_flow": has_flow}
    for state in (None, "active", "locked", "disabled")
    for since in (None, True)
    for has_flow in (False, True)
    if (state, since, has_flow) != (None, None, False)
    and not (since and state in ("active", "disabled"))
]


@pytest.mark.parametrize(
    "case", FILTERS, ids=lambda c: "-".join(f"{k}={v}" for k, v in c.items() if v)
)
def test_list_filters_search_indexes_never_scan_accounts(home, case):
    """EXPLAIN (QUERY PLAN on SQLite) on the very statements `list_accounts` sends; on
    PostgreSQL with sequential scans disabled, so that only a missing index yields one."""
    from sqlalchemy import event

    from db.listing import AccountFilter, list_accounts
    from engine.model import AccountState

    store = store_for(home)
    sent: list[tuple[str, tuple[object, ...]]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", capture)
    filters = AccountFilter(
        state=AccountState(case["state"]) if case["state"] else None,
        locked_since=store.now() - timedelta(hours=1) if case["locked_since"] else None,
        has_flow=case["has_flow"],
    )
    list_accounts(store, filters, limit=50, offset=0)
    event.remove(store.engine, "before_cursor_execute", capture)
    assert len(sent) >= 2  # the page and the count (no open flows to look up)
    with store.engine.connect() as conn:
        if not home.is_sqlite:
            conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in sent:
            if home.is_sqlite:
                plan = [
                    row[-1]
                    for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                ]
                assert not [step for step in plan if step.startswith("SCAN")], (statement, plan)
                assert any("USING" in step and "INDEX" in step for step in plan), plan
                if "count(" in statement.lower() and not (case["locked_since"] or case["has_flow"]):
                    # The total by state reads an index alone, not 10,000 rows.
                    assert all("COVERING INDEX" in step for step in plan), plan
            else:
                plan = [row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
                assert not [step for step in plan if "Seq Scan" in step], (statement, plan)
                assert any("Index" in step and "Scan" in step for step in plan), plan


# --- account show -------------------------------------------------------------------------


def test_show_adds_events_and_messages_without_secrets(sesame, member, home, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # no wrapping (80 columns: test_cli_tables.py)
    member()
    lock(sesame)
    sent = sesame(
        "--actor",
        "agent.smith",
        "account",
        "unlock",
        NIR,
        "--reason",
        "appel",
        "--send-reset",
        "sms",
    )
    assert sent.exit_code == 0
    code = home.last_sms_code()
    shown = sesame("account", "show", NIR, "--json")
    assert shown.exit_code == 0 and code not in shown.stdout
    document = shown.json()
    assert set(document) == {"ok", "account", "events", "messages"}
    assert document["account"] == sesame("status", NIR, "--json").json()["account"]
    events = document["events"]
    assert len(events) == 8  # created, 3 failures, locked, unlocked, flow started, code sent
    assert [e["event"] for e in events][-4:] == [
        "account_locked",
        "account_unlocked",
        "flow_started",
        "code_sent",
    ]
    unlocked = events[-3]
    assert set(unlocked) == {
        "id",
        "at",
        "actor",
        "os_user",
        "sudo_user",
        "db_role",
        "source",
        "nir",
        "flow",
        "event",
        "state_before",
        "state_after",
        "detail",
        "batch",
        "batch_source",
    }
    assert (unlocked["actor"], unlocked["state_before"], unlocked["state_after"]) == (
        "agent.smith",
        "locked",
        "active",
    )
    assert unlocked["detail"] == {"by": "support", "reason": "appel"}
    lock_mail, sms = document["messages"]
    assert (lock_mail["channel"], lock_mail["to"], lock_mail["status"]) == (
        "email",
        "*****@orange.fr",
        "sent",
    )
    assert set(sms) == {"id", "channel", "to", "status", "created_at"}
    assert (sms["channel"], sms["to"]) == ("sms", "*** ** 42 08")
    human = sesame("account", "show", NIR, lang="en").stdout
    assert "Latest events\nat " in human and "\nMessages sent\nid " in human
    assert "locked→active" in human and "reason=appel" in human and code not in human


def test_show_keeps_the_last_ten_events_oldest_first(sesame, member):
    member()
    for _ in range(2):
        lock(sesame)
        sesame("account", "unlock", NIR, "--reason", "rappel")
    events = sesame("account", "show", NIR, "--json").json()["events"]
    everything = events_of(sesame, NIR)
    assert len(everything) == 11
    assert events == everything[-10:]
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)


def test_show_unknown_account(sesame):
    result = sesame("account", "show", NIR, "--json", lang="en")
    assert result.exit_code == 12
    assert result.json()["error"] == {"code": "not_found", "message": "No such account."}
    assert sesame("account", "show", "nobody@example.org").stderr == "Compte introuvable.\n"


# --- account edit ------------------------------------------------------------------------


def test_edit_email_cancels_the_flow_and_tells_the_old_address(sesame, member, home):
    member()
    lock(sesame)
    assert sesame("unlock", NIR, "--dob", DOB, "--channel", "email").exit_code == 0
    link = home.last_link()
    mails_before = len(home.mail_files())
    edited = sesame("account", "edit", NIR, "--email", "Marie@LaPoste.net", "--reason", "appel")
    assert edited.exit_code == 0
    assert edited.stdout.startswith(f"Moyens de contact du compte {NIR_COMPACT} modifiés.\n")
    account = sesame("status", NIR, "--json").json()["account"]
    assert account["flow"] is None
    assert account["channels"][1] == {"channel": "email", "destination": "*****@laposte.net"}
    assert len(home.mail_files()) == mails_before + 1
    notice = home.mail_files()[-1].read_bytes().decode()
    assert f"To: {EMAIL}" in notice and "modifié par le support" in notice
    # The old link was for the old address: it is worthless now.
    reset = sesame("reset", "--token", "-", "--json", input=lines(link))
    assert (reset.exit_code, reset.json()["error"]["code"]) == (6, "code_invalid")
    changed, cancelled = [e for e in events_of(sesame, NIR)][-2:]
    assert (changed["event"], changed["detail"]) == (
        "channels_changed",
        {"email": "changed", "reason": "appel"},
    )
    assert (cancelled["event"], cancelled["detail"]) == (
        "flow_cancelled",
        {"reason": "channels_changed"},
    )
    # The new address identifies the member.
    assert sesame("status", "marie@laposte.net").exit_code == 0


def test_edit_mobile_removal_and_unchanged(sesame, member):
    member()
    removed = sesame("account", "edit", NIR, "--no-mobile", "--reason", "perdu", "--json")
    assert (removed.exit_code, removed.json()["result"]) == (0, "channels_changed")
    assert [c["channel"] for c in removed.json()["account"]["channels"]] == ["email"]
    added = sesame("account", "edit", NIR, "--mobile", MOBILE_OTHER, "--reason", "nouveau")
    assert added.exit_code == 0
    channels = sesame("status", NIR, "--json").json()["account"]["channels"]
    assert channels[0] == {"channel": "sms", "destination": "*** ** 33 44", "sms_possible": True}
    same = sesame("account", "edit", NIR, "--email", EMAIL, "--reason", "x", lang="en")
    assert same.exit_code == 0
    assert same.stdout.startswith(f"Nothing changed for account {NIR_COMPACT}.\n")


def full_width(text: str) -> str:
    """The same address with full-width letters (U+FF41-U+FF5A), "@" and "." kept."""
    return "".join(chr(ord(char) + 0xFEE0) if char.isalpha() else char for char in text)


def test_a_full_width_email_is_the_same_account(sesame, member, tmp_path):
    wide = full_width(EMAIL)
    assert wide != EMAIL
    member()
    again = sesame(
        "account",
        "add",
        "--nir",
        OTHER_NIR,
        "--dob",
        DOB,
        "--email",
        wide,
        "--json",
        input=lines(PASSWORD, PASSWORD),
    )
    assert (again.exit_code, again.json()["error"]["code"]) == (5, "account_exists")
    add_other(member)
    taken = sesame("account", "edit", OTHER_NIR, "--email", wide, "--reason", "x", "--json")
    assert (taken.exit_code, taken.json()["error"]["code"]) == (5, "account_exists")
    source = tmp_path / "accounts.csv"
    source.write_text(
        f"nir,birth_date,email,mobile\n{THIRD_NIR},10/10/1995,{wide},\n", encoding="utf-8"
    )
    imported = sesame("account", "import", str(source), "--json")
    assert (imported.exit_code, imported.json()["imported"]) == (2, 0)
    [refused] = imported.json()["refused"]
    assert refused["code"] == "account_exists"
    assert sesame("account", "show", wide, "--json").json()["account"]["nir"] == NIR_COMPACT
    assert sesame("login", wide, input=lines(PASSWORD)).exit_code == 0
    lock(sesame, wide)
    assert sesame("status", NIR, "--json").json()["account"]["state"] == "locked"
    unlocked = sesame("unlock", wide, "--dob", DOB, "--channel", "email", "--json")
    assert (unlocked.exit_code, unlocked.json()["state"]) == (0, "code_sent")


def test_edit_refusals(sesame, member):
    member()
    add_other(member)
    taken = sesame("account", "edit", NIR, "--email", OTHER_EMAIL, "--reason", "x", "--json")
    assert (taken.exit_code, taken.json()["error"]["code"]) == (5, "account_exists")
    both = sesame("account", "edit", NIR, "--email", "a@b.fr", "--no-email", "--reason", "x")
    assert (both.exit_code, both.stderr) == (
        2,
        "Ces options ne peuvent pas être combinées : --email, --no-email.\n",
    )
    mobiles = sesame(
        "account", "edit", NIR, "--mobile", MOBILE_OTHER, "--no-mobile", "--reason", "x"
    )
    assert mobiles.exit_code == 2
    nothing = sesame("account", "edit", NIR, "--reason", "x", lang="en")
    assert (nothing.exit_code, nothing.stderr) == (
        2,
        "Give one of these options: --email, --no-email, --mobile, --no-mobile, --language.\n",
    )
    bad_email = sesame("account", "edit", NIR, "--email", "marie@", "--reason", "x", "--json")
    assert (bad_email.exit_code, bad_email.json()["error"]["reason"]) == (2, "email_invalid")
    bad_mobile = sesame("account", "edit", NIR, "--mobile", "06 12", "--reason", "x", "--json")
    assert (bad_mobile.exit_code, bad_mobile.json()["error"]["reason"]) == (2, "phone_invalid")
    no_reason = sesame("account", "edit", NIR, "--no-mobile")
    assert no_reason.exit_code == 2
    blank = sesame("account", "edit", NIR, "--no-mobile", "--reason", "  ")
    assert (blank.exit_code, blank.stderr) == (
        2,
        "Indiquez un motif (--reason) : il est enregistré dans le journal d'audit.\n",
    )
    unknown = sesame("account", "edit", THIRD_NIR, "--no-mobile", "--reason", "x")
    assert unknown.exit_code == 12
    assert sesame("status", NIR, "--json").json()["account"]["channels"][0]["channel"] == "sms"


# --- disable / enable -------------------------------------------------------------------


def test_disable_refuses_the_member_and_enable_restores(sesame, member):
    member()
    lock(sesame)
    assert sesame("unlock", NIR, "--dob", DOB, "--channel", "sms").exit_code == 0
    disabled = sesame(
        "--actor", "agent.smith", "account", "disable", NIR, "--reason", "fraude", "--json"
    )
    assert disabled.exit_code == 0
    assert (disabled.json()["result"], disabled.json()["account"]["state"]) == (
        "disabled",
        "disabled",
    )
    assert disabled.json()["account"]["flow"] is None
    message = "Votre compte est désactivé. Contactez le support.\n"
    for args, stdin in (
        (("login", NIR), lines(PASSWORD)),
        (("unlock", NIR, "--dob", DOB), None),
        (("forgot", NIR, "--dob", DOB), None),
    ):
        refused = sesame(*args, input=stdin)
        assert (refused.exit_code, refused.stderr) == (5, message)
    support_unlock = sesame("account", "unlock", NIR, "--reason", "x", "--json")
    assert (support_unlock.exit_code, support_unlock.json()["error"]["code"]) == (
        5,
        "account_disabled",
    )
    again = sesame("account", "disable", NIR, "--reason", "fraude", lang="en")
    assert (again.exit_code, again.stdout.splitlines()[0]) == (
        0,
        f"Account {NIR_COMPACT} was already disabled.",
    )
    # The member's refused attempts are audited too (login_refused); the agent's trail:
    trail = [
        (e["event"], e["actor"], e["detail"])
        for e in events_of(sesame, NIR)
        if e["actor"] == "agent.smith"
    ][-2:]
    assert trail == [
        ("account_disabled", "agent.smith", {"reason": "fraude"}),
        ("flow_cancelled", "agent.smith", {"reason": "account_disabled"}),
    ]
    enabled = sesame("account", "enable", NIR, "--reason", "levée", "--json")
    assert (enabled.exit_code, enabled.json()["result"]) == (0, "enabled")
    assert enabled.json()["account"]["state"] == "active"
    assert enabled.json()["account"]["failed_attempts"] == 0
    repeat = sesame("account", "enable", NIR, "--reason", "levée")
    assert (repeat.exit_code, repeat.stdout.splitlines()[0]) == (
        0,
        f"Le compte {NIR_COMPACT} n'était pas désactivé.",
    )
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 0


def test_disable_and_enable_need_an_account_and_a_reason(sesame):
    assert sesame("account", "disable", NIR, "--reason", "x").exit_code == 12
    assert sesame("account", "enable", NIR).exit_code == 2


# --- account unlock (one account) ------------------------------------------------------


def test_support_unlock_without_reset(sesame, member):
    member()
    lock(sesame)
    unlocked = sesame("--actor", "agent.smith", "account", "unlock", NIR, "--reason", "appel")
    assert unlocked.exit_code == 0
    assert unlocked.stdout.startswith(f"Compte {NIR_COMPACT} débloqué.\nNIR ")
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code == 0
    repeat = sesame("account", "unlock", NIR, "--reason", "appel", "--json", lang="en")
    assert repeat.exit_code == 0
    document = repeat.json()
    assert (document["result"], document["reset"]) == ("not_locked", None)
    assert document["identity_failures_cleared"] == 0
    english = sesame("account", "unlock", NIR, "--reason", "appel", lang="en")
    assert english.stdout.startswith(f"Account {NIR_COMPACT} was not locked.\n")
    [event] = events_of(sesame, NIR, "--event", "account_unlocked")
    assert (event["actor"], event["detail"]) == (
        "agent.smith",
        {"by": "support", "reason": "appel"},
    )


def test_support_unlock_clears_the_identity_back_off_of_an_active_account(sesame, member):
    member()
    for _ in range(5):
        assert sesame("forgot", NIR, "--dob", "16/10/1995").exit_code == 3
    closed = sesame("forgot", NIR, "--dob", DOB, "--json")
    assert closed.exit_code == 8
    assert closed.json()["error"]["retry_after_seconds"] == 900
    cleared = sesame("account", "unlock", NIR, "--reason", "appel, identité vérifiée")
    assert cleared.exit_code == 0
    assert cleared.stdout.startswith(
        f"Le compte {NIR_COMPACT} n'était pas bloqué.\n"
        "5 échec(s) de vérification d'identité effacé(s) : le membre peut de nouveau "
        "débloquer son compte (sesame unlock) sans attendre.\nNIR "
    )
    [event] = events_of(sesame, NIR, "--event", "identity_failures_cleared")
    assert event["detail"] == {
        "by": "support",
        "identity_failures": "5",
        "reason": "appel, identité vérifiée",
    }
    assert (event["state_before"], event["state_after"]) == ("active", "active")
    assert sesame("forgot", NIR, "--dob", DOB, "--channel", "email").exit_code == 0
    # Failures after the clear count from zero: four more do not close the check.
    for _ in range(4):
        assert sesame("forgot", NIR, "--dob", "16/10/1995").exit_code == 3
    assert sesame("forgot", NIR, "--dob", DOB, "--channel", "email").exit_code == 0
    again = sesame("account", "unlock", NIR, "--reason", "rappel", "--json", lang="en")
    assert (again.json()["result"], again.json()["identity_failures_cleared"]) == (
        "not_locked",
        4,
    )
    nothing = sesame("account", "unlock", NIR, "--reason", "rappel", "--json")
    assert nothing.json()["identity_failures_cleared"] == 0


def test_support_unlock_sends_the_reset_to_the_members_own_phone(sesame, member, home):
    member()
    lock(sesame)
    sent = sesame("account", "unlock", NIR, "--reason", "appel", "--send-reset", "sms", "--json")
    assert sent.exit_code == 0
    document = sent.json()
    reset = document["reset"]
    assert set(reset) == {
        "flow",
        "channel",
        "destination",
        "expires_at",
        "message_id",
        "outbox_file",
    }
    assert (reset["channel"], reset["destination"]) == ("sms", "*** ** 42 08")
    assert document["account"]["flow"]["id"] == reset["flow"]
    [sms] = home.sms_files()
    message = json.loads(sms.read_text())
    assert message["to"] == "+33612344208"
    code = home.last_sms_code()
    assert code not in sent.stdout
    lock(sesame)
    human = sesame("account", "unlock", NIR, "--reason", "rappel", "--send-reset", "email")
    assert human.exit_code == 0
    second = human.stdout.splitlines()[1]
    assert second.startswith(
        "Lien de réinitialisation envoyé par email à *****@orange.fr (demande "
    )
    assert "token=" not in human.stdout
    # The member completes the reset exactly as after the self-service path.
    link = home.last_link()
    new = "Une toute nouvelle phrase"
    done = sesame("reset", "--token", "-", input=lines(link, new, new))
    assert done.exit_code == 0, done.stderr
    assert sesame("login", NIR, input=lines(new)).exit_code == 0
    # Nothing secret in the audit log.
    trail = sesame("audit", NIR, "--json").stdout
    assert code not in trail and link.split("token=")[1] not in trail


def test_support_unlock_refusals(sesame, member, home):
    member(mobile=None)
    lock(sesame)
    no_sms = sesame("account", "unlock", NIR, "--reason", "x", "--send-reset", "sms", "--json")
    assert (no_sms.exit_code, no_sms.json()["error"]["code"]) == (7, "channel_unavailable")
    assert sesame("status", NIR, "--json").json()["account"]["state"] == "locked"
    home.configure(resend_cooldown_seconds=60)
    first = sesame("account", "unlock", NIR, "--reason", "x", "--send-reset", "email")
    assert first.exit_code == 0
    lock(sesame)
    limited = sesame("account", "unlock", NIR, "--reason", "x", "--send-reset", "email", "--json")
    assert limited.exit_code == 8
    assert limited.json()["error"]["code"] == "send_limited"
    assert 0 < limited.json()["error"]["retry_after_seconds"] <= 60
    assert sesame("account", "unlock", THIRD_NIR, "--reason", "x").exit_code == 12
    assert sesame("account", "unlock", NIR, "--reason", "x", "--send-reset", "fax").exit_code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Indiquez une de ces options : ID, --all-locked, --from-file."),
        ((NIR, "--all-locked"), "Ces options ne peuvent pas être combinées : ID, --all-locked."),
        (
            ("--all-locked", "--send-reset", "sms"),
            "Ces options ne peuvent pas être combinées : --send-reset, --all-locked.",
        ),
        (
            (NIR, "--locked-since", "2h"),
            "Ces options ne peuvent pas être combinées : --locked-since, ID.",
        ),
        ((NIR, "--dry-run"), "Ces options ne peuvent pas être combinées : --dry-run, ID."),
    ],
)
def test_unlock_wants_exactly_one_target(sesame, args, message):
    result = sesame("account", "unlock", *args, "--reason", "x")
    assert (result.exit_code, result.stderr) == (2, message + "\n")


# --- bulk unlock ---------------------------------------------------------------------------


def test_all_locked_with_since_and_dry_run(sesame, member, clock):
    member()
    add_other(member)
    member(nir=THIRD_NIR, email="claire@laposte.net", mobile=None)
    lock(sesame)
    clock.advance(3 * 3600)
    lock(sesame, OTHER_NIR)
    dry = sesame("account", "unlock", "--all-locked", "--reason", "panne", "--dry-run", "--json")
    assert dry.exit_code == 0
    summary = dry.json()["summary"]
    assert summary["dry_run"] is True
    assert summary["counts"] == {"unlocked": 2, "not_locked": 0, "not_found": 0, "failed": 0}
    assert sesame("account", "list", "--state", "locked", "--json").json()["total"] == 2
    assert events_of(sesame, "--event", "account_unlocked") == []
    recent = sesame(
        "account", "unlock", "--all-locked", "--locked-since", "1h", "--reason", "panne", "--json"
    )
    assert recent.exit_code == 0
    assert recent.json()["summary"]["items"] == [
        {"line": None, "input": OTHER_NIR, "nir": OTHER_NIR, "result": "unlocked", "error": None}
    ]
    rest = sesame("account", "unlock", "--all-locked", "--reason", "panne", lang="en")
    assert rest.exit_code == 0
    assert rest.stdout.splitlines()[2].split() == ["unlocked", "1", "-"]
    assert sesame("account", "list", "--state", "locked", "--json").json()["total"] == 0
    assert len(events_of(sesame, "--event", "account_unlocked")) == 2


def test_from_file_csv_with_header_semicolons_and_blank_lines(sesame, member, tmp_path):
    member()
    add_other(member)
    lock(sesame)
    sesame("account", "disable", OTHER_NIR, "--reason", "x")
    listing = tmp_path / "appels.csv"
    listing.write_text(
        "\ufeffNom;NIR;Motif\n"
        f"Dupont;{NIR};appel\n"
        "\n"
        f"Durand;{OTHER_NIR};appel\n"
        f"Inconnu;{THIRD_NIR};appel\n"
        "Faux;2 95 10 99 126 111 94;appel\n"
        f"Encore;{EMAIL};doublon\n"
    )
    result = sesame("account", "unlock", "--from-file", str(listing), "--reason", "x", "--json")
    assert result.exit_code == 5
    document = result.json()
    assert document["ok"] is False
    assert document["error"] == {
        "code": "bulk_incomplete",
        "message": "Déblocage incomplet : 2 ligne(s) en échec et 1 introuvable(s) sur 5.",
    }
    assert [(i["line"], i["result"], i["error"]) for i in document["summary"]["items"]] == [
        (2, "unlocked", None),
        (4, "failed", {"code": "account_disabled", "reason": None}),
        (5, "not_found", None),
        (6, "failed", {"code": "invalid_input", "reason": "nir_key"}),
        (7, "not_locked", None),
    ]
    human = sesame("account", "unlock", "--from-file", str(listing), "--reason", "x", lang="en")
    assert human.exit_code == 5
    assert human.stdout.splitlines()[2:6] == [
        "unlocked    0        -",
        "not locked  2        2, 7",
        "not found   1        5",
        "failed      2        4 (account_disabled), 6 (invalid_input: nir_key)",
    ]
    assert human.stdout.splitlines()[6].startswith("Batch ")  # and no NIR: none unlocked
    assert human.stderr == "Bulk unlock incomplete: 2 line(s) failed and 1 not found out of 5.\n"


def test_from_file_refusals(sesame, tmp_path):
    missing = sesame(
        "account", "unlock", "--from-file", str(tmp_path / "absent.txt"), "--reason", "x", "--json"
    )
    assert (missing.exit_code, missing.json()["error"]["code"]) == (2, "invalid_input")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00")
    unreadable = sesame("account", "unlock", "--from-file", str(binary), "--reason", "x")
    assert (unreadable.exit_code, unreadable.stderr) == (
        2,
        f"Fichier illisible ({binary}) : not UTF-8\n",
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("\n\n")
    nothing = sesame("account", "unlock", "--from-file", str(empty), "--reason", "x", "--json")
    assert nothing.exit_code == 0
    assert nothing.json()["summary"]["counts"] == {
        "unlocked": 0,
        "not_locked": 0,
        "not_found": 0,
        "failed": 0,
    }


def nir_for(index: int) -> str:
    """A distinct valid NIR per index (born January 1980 in Paris)."""
    first = f"18001 75{1 + index // 999:03d}{1 + index % 999:03d}".replace(" ", "")
    return f"{first}{97 - int(first) % 97:02d}"


def test_bulk_unlock_of_thousands_from_a_file(sesame, home, tmp_path):
    """3,000 accounts inserted directly; 300 locked; a file of 3,000 lines with unknown
    NIRs, accounts not locked, a blank line and a header; the exact summary."""
    from sqlalchemy import insert

    from db.schema import accounts

    store = store_for(home)
    now = store.now()
    locked = set(range(0, 3000, 10))
    rows = [
        {
            "nir": nir_for(i),
            "birth_date": date(1980, 1, 1),
            "email": f"membre{i}@example.org",
            "mobile": None,
            "sms_capable": False,
            "password_hash": None,
            "state": "locked" if i in locked else "active",
            "failed_attempts": 3 if i in locked else 0,
            "locked_at": now - timedelta(hours=1) if i in locked else None,
            "created_at": now,
        }
        for i in range(3000)
    ]
    with store.write() as conn:
        conn.execute(insert(accounts), rows)
    # Line 1 is the header, line 2 blank; accounts 0..2899 on lines 3..2902,
    # then 100 unknown NIRs (lines 2903..3002) and one malformed line (3003).
    content = ["nir", ""]
    content += [nir_for(i) for i in range(2900)]
    content += [nir_for(i) for i in range(5000, 5100)]
    content += ["not a nir"]
    listing = tmp_path / "locked.txt"
    listing.write_text("\n".join(content) + "\n")
    result = sesame(
        "--actor",
        "agent.bulk",
        "account",
        "unlock",
        "--from-file",
        str(listing),
        "--reason",
        "incident",
        "--json",
        lang="en",
    )
    assert result.exit_code == 5
    document = result.json()
    summary = document["summary"]
    assert summary["counts"] == {
        "unlocked": 290,
        "not_locked": 2610,
        "not_found": 100,
        "failed": 1,
    }
    by_result: dict[str, list[int]] = {}
    for item in summary["items"]:
        by_result.setdefault(item["result"], []).append(item["line"])
    assert by_result["unlocked"] == [3 + i for i in range(2900) if i in locked]
    assert by_result["not_found"] == list(range(2903, 3003))
    assert by_result["failed"] == [3003]
    assert document["error"]["message"] == (
        "Bulk unlock incomplete: 1 line(s) failed and 100 not found out of 3001."
    )
    still_locked = sesame("account", "list", "--state", "locked", "--json").json()
    assert sorted(a["nir"] for a in still_locked["accounts"]) == sorted(
        nir_for(i) for i in locked if i >= 2900
    )
    unlocked_events = home.query(
        "SELECT count(*), count(DISTINCT account_id) FROM audit_events "
        "WHERE event = 'account_unlocked' AND actor = 'agent.bulk'",
    )
    assert unlocked_events == [(290, 290)]


# --- audit ---------------------------------------------------------------------------------


def test_audit_filters_and_page_order(sesame, member, clock):
    member()
    add_other(member)
    clock.advance(3600)
    lock(sesame)
    sesame("--actor", "agent.smith", "account", "unlock", NIR, "--reason", "appel")
    everything = events_of(sesame)
    assert [e["id"] for e in everything] == sorted(e["id"] for e in everything)
    assert len(everything) == 7
    newest_two = events_of(sesame, "--limit", "2")
    assert [e["event"] for e in newest_two] == ["account_locked", "account_unlocked"]
    assert [e["event"] for e in events_of(sesame, OTHER_NIR)] == ["account_created"]
    chosen = events_of(sesame, "--event", "account_locked", "--event", "account_created")
    assert [e["event"] for e in chosen] == ["account_created", "account_created", "account_locked"]
    by_agent = events_of(sesame, "--actor", "agent.smith")
    assert [(e["event"], e["nir"]) for e in by_agent] == [("account_unlocked", NIR_COMPACT)]
    assert len(events_of(sesame, "--since", "30m")) == 5
    assert len(events_of(sesame, "--until", "30m")) == 2
    assert events_of(sesame, "--since", "2h", "--until", "30m") == everything[:2]
    assert sesame("audit", THIRD_NIR).exit_code == 12


OS_USER = pwd.getpwuid(os.getuid()).pw_name


def db_role(home) -> str | None:
    """The PostgreSQL role the tests connect as; SQLite has none."""
    return None if home.is_sqlite else home.query("SELECT session_user")[0][0]


def test_audit_records_the_system_user_and_role_next_to_the_declared_actor(
    sesame, member, home, monkeypatch
):
    from db.operator import operator

    monkeypatch.setenv("SUDO_USER", "alice")  # believed only when the real uid is root
    operator.cache_clear()
    member()
    sesame("--actor", "someone.else", "account", "disable", NIR, "--reason", "x")
    operator.cache_clear()
    events = sesame("audit", "--json").json()["events"]
    sudo = "alice" if os.getuid() == 0 else None
    assert [(e["actor"], e["os_user"], e["sudo_user"], e["db_role"]) for e in events] == [
        (events[0]["actor"], OS_USER, sudo, db_role(home)),
        ("someone.else", OS_USER, sudo, db_role(home)),
    ]
    shown = sesame("account", "show", NIR, "--json").json()["events"]
    assert [e["os_user"] for e in shown] == [OS_USER, OS_USER]


def test_audit_human_csv_and_empty(sesame, member, home, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # one line a row (80 columns: test_cli_tables.py)
    empty = sesame("audit")
    assert (empty.exit_code, empty.stdout) == (0, "Aucun événement.\n")
    assert sesame("audit", lang="en").stdout == "No events.\n"
    member()
    table = sesame("audit", lang="en").stdout.splitlines()
    header = ["at", "actor", "system", "source", "nir", "event", "change", "flow", "detail"]
    assert table[0].split() == header
    french = sesame("audit").stdout.splitlines()[0].split()
    assert french == [
        *("date", "auteur", "système", "source", "nir"),
        *("événement", "changement", "demande", "détail"),
    ]
    system = [OS_USER, *(["db:" + db_role(home)] if db_role(home) else [])]
    assert table[2].split()[3 : 5 + len(system)] == [*system, "-", NIR_COMPACT]
    assert table[2].split()[-5:] == [
        NIR_COMPACT,
        "account_created",
        "-→active",
        "-",
        "password=set",
    ]
    csv_lines = sesame("audit", "--csv").stdout.splitlines()
    assert csv_lines[0] == (
        "id,at,actor,os_user,sudo_user,db_role,source,nir,flow,event,state_before,state_after,"
        "detail,batch,batch_source"
    )
    assert csv_lines[1].endswith(
        f",{OS_USER},,{db_role(home) or ''},,{NIR_COMPACT},,account_created,,active,"
        '"{""password"": ""set""}",,'
    )
    assert sesame("audit", "--csv", "--follow").exit_code == 2
    assert sesame("audit", "--csv", "--json").exit_code == 2


def _audit(conn, event, id=None):
    from sqlalchemy import insert

    from db.schema import audit_events

    values = {"at": datetime.now(UTC), "actor": "test", "event": event, "detail": "{}"}
    conn.execute(insert(audit_events).values(**values, **({"id": id} if id else {})))


def test_follow_prints_each_new_matching_event_once(sesame, member, home):
    from db.audit_log import AuditFilter, AuditFollower, audit_log

    member()
    store = store_for(home)
    filters = AuditFilter(events=("wanted",))
    follower = AuditFollower(store, filters, audit_log(store, filters, 10).last_id)
    assert follower.poll() == []
    with store.write() as conn:
        _audit(conn, "wanted")
        _audit(conn, "other")
        _audit(conn, "wanted")
    found = follower.poll()
    assert [e.event for e in found] == ["wanted", "wanted"]
    assert found[0].id < found[1].id
    assert follower.poll() == []
    assert follower.gaps == {}


def test_follow_forgets_a_gap_that_never_fills(home, sesame, member):
    """A rolled-back insert leaves an id unused for ever: awaited, then given up."""
    from db.audit_log import GAP_SECONDS, AuditFilter, AuditFollower, audit_log

    member()
    store = store_for(home)
    now = [1000.0]
    last = audit_log(store, AuditFilter(), 1).last_id
    follower = AuditFollower(store, AuditFilter(), last, clock=lambda: now[0])
    with store.write() as conn:
        _audit(conn, "after_a_gap", id=last + 2)
    assert [e.event for e in follower.poll()] == ["after_a_gap"]
    assert set(follower.gaps) == {last + 1}
    now[0] += GAP_SECONDS + 1
    assert follower.poll() == []
    assert follower.gaps == {}


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_follow_prints_events_committed_after_newer_ones(home, sesame, member):
    """PostgreSQL allocates ids at insert: a transaction that began first can commit
    last. Such events are printed when they commit, before the page or after."""
    from db.audit_log import AuditFilter, AuditFollower, audit_log

    member()
    store = store_for(home)
    with store.engine.connect() as early, store.engine.connect() as late:
        before_page = early.begin()
        _audit(early, "begun_before_the_page")  # its id is below the page's last id
        with store.write() as conn:
            _audit(conn, "in_the_page")
        page = audit_log(store, AuditFilter(), 10)
        assert page.events[-1].event == "in_the_page"
        follower = AuditFollower(store, AuditFilter(), page.last_id)
        after_page = late.begin()
        _audit(late, "begun_after_the_page")
        with store.write() as conn:
            _audit(conn, "committed_first")
        assert [e.event for e in follower.poll()] == ["committed_first"]
        after_page.commit()
        before_page.commit()
    assert [e.event for e in follower.poll()] == ["begun_before_the_page", "begun_after_the_page"]
    assert follower.poll() == []


# --- the dashboard -------------------------------------------------------------------------


def test_dashboard_counts(sesame, member, home, clock):
    (home.path / "sesame.toml").write_text(
        '[policy]\nresend_cooldown_seconds = 0\n[outbox]\ntransport = "queue"\n' + FAST_ARGON2
    )
    empty = sesame("status", "--json").json()
    assert empty == {
        "ok": True,
        "dashboard": {
            "at": empty["dashboard"]["at"],
            "accounts": {"active": 0, "locked": 0, "disabled": 0, "total": 0},
            "locks_last_24h": 0,
            "open_flows": [],
            "outbox": {"queued": 0, "sent": 0, "failed": 0, "abandoned": 0},
            "oldest_queued": None,
            "outbox_files": {"waiting": 0, "oldest": None},
        },
    }
    member()
    add_other(member)
    member(nir=THIRD_NIR, email="claire@laposte.net", mobile=None)
    lock(sesame)  # queues the lock notice
    first_queued = clock.now
    clock.advance(25 * 3600)
    lock(sesame, OTHER_NIR)
    sesame("unlock", OTHER_NIR, "--dob", DOB)  # email only: the link is queued
    sesame("account", "disable", THIRD_NIR, "--reason", "x")
    clock.advance(90)
    board = sesame("status", "--json").json()["dashboard"]
    assert board["at"] == clock.now.isoformat().replace("+00:00", "Z")
    assert board["accounts"] == {"active": 0, "locked": 2, "disabled": 1, "total": 3}
    assert board["locks_last_24h"] == 1
    assert board["open_flows"] == [{"state": "code_sent", "channel": "email", "count": 1}]
    assert board["outbox"] == {"queued": 3, "sent": 0, "failed": 0, "abandoned": 0}
    assert board["oldest_queued"] == {
        "created_at": first_queued.isoformat().replace("+00:00", "Z"),
        "age_seconds": 25 * 3600 + 90,
    }
    human = sesame("status", lang="en").stdout
    assert human.startswith(
        "Accounts by state\nactive    0\nlocked    2\ndisabled  1\ntotal     3\n"
    )
    assert "\nLocks in the last 24 h: 1\n" in human
    assert "\nOpen recovery flows\nstate      channel      count\n" in human
    assert "\nMessages by status\nqueued     3\nsent       0\n" in human
    assert "\nOldest queued message: 1d01h old (created " in human
    assert sesame("status").stdout.splitlines()[0] == "Comptes par état"


def test_status_with_an_id_is_unchanged(sesame, member):
    member()
    assert set(sesame("status", NIR, "--json").json()) == {"ok", "account"}


def test_access_group_unknown_to_the_system_is_exit_2_and_root_is_allowed(sesame, home):
    config = home.path / "sesame.toml"
    base = config.read_text()
    config.write_text(base + '[access]\nsupport_group = "no-such-group-here"\n')
    refused = sesame("audit", "--json", lang="en")
    assert refused.exit_code == 2
    assert refused.json()["error"]["message"] == (
        "Configuration: 'access.support_group' names a group the system does not know: "
        "no-such-group-here."
    )
    config.write_text(base + '[access]\nsupport_group = "nogroup"\n')
    assert sesame("audit").exit_code == (0 if os.getuid() == 0 else 13)
