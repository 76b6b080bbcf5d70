"""`account list --all` (every account, streamed, CSV or JSON) and the audit of
what `account list --csv/--json` hands out."""

from __future__ import annotations

import json
import tracemalloc
from datetime import UTC, date, datetime, timedelta

from helpers import NIR, NIR_COMPACT, Home, lines

OTHER_NIR = "195107505612366"
BULK = 20_000


def store_for(home: Home):
    from db.settings import load_settings
    from db.store import Store

    return Store(load_settings(home=str(home.path), db=home.db_url))


def insert_accounts(home: Home, count: int) -> None:
    """`count` plain accounts in one statement (no hashing, no audit): the
    volume a fraud export meets, in well under a second."""
    from sqlalchemy import create_engine, insert
    from sqlalchemy.pool import NullPool

    from db.schema import accounts

    created = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        {"nir": f"1{i:014d}", "birth_date": date(1980, 1, 1), "state": "active",
         "sms_capable": False, "failed_attempts": 0, "created_at": created,
         "mobile": "+33612345678" if i % 2 else None}
        for i in range(count)
    ]  # fmt: skip
    engine = create_engine(home.url, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(insert(accounts), rows)
    finally:
        engine.dispose()


def lock(sesame, ident: str = NIR) -> None:
    codes = [sesame("login", ident, input=lines("mauvais")).exit_code for _ in range(3)]
    assert codes == [3, 3, 4]


def test_all_streams_the_same_rows_as_the_pages_across_chunks(sesame, member, monkeypatch):
    member()
    member(nir=OTHER_NIR, email="paul.durand@free.fr", mobile=None)
    lock(sesame)
    monkeypatch.setattr("db.listing.STREAM_CHUNK", 1)  # every account its own chunk
    for args in ((), ("--state", "locked"), ("--state", "active")):
        paged = sesame("account", "list", *args, "--limit", "10000", "--json")
        streamed = sesame("account", "list", *args, "--all", "--json")
        assert (streamed.exit_code, streamed.json()) == (0, paged.json())
        paged_csv = sesame("account", "list", *args, "--limit", "10000", "--csv")
        streamed_csv = sesame("account", "list", *args, "--all", "--csv")
        assert (streamed_csv.exit_code, streamed_csv.stdout) == (0, paged_csv.stdout)
    assert [a["nir"] for a in sesame("account", "list", "--all", "--json").json()["accounts"]] == [
        OTHER_NIR,
        NIR_COMPACT,
    ]


def test_all_of_an_empty_home_is_one_json_document(sesame):
    empty = sesame("account", "list", "--all", "--json")
    assert (empty.exit_code, empty.stdout) == (0, '{"ok": true, "accounts": [], "total": 0}\n')
    assert sesame("account", "list", "--all", "--csv").stdout.splitlines() == [
        "nir,state,failed_attempts,locked_at,locked_until,sms,email,flow,flow_state,flow_channel"
    ]


def test_all_is_for_csv_or_json_and_takes_no_page(sesame):
    text = sesame("account", "list", "--all", lang="en")
    assert (text.exit_code, text.stdout, text.stderr) == (
        2,
        "",
        "--all streams every account to a script: add --csv or --json (without --all, the "
        "list shows a page of --limit accounts).\n",
    )
    for option, value in (("--limit", "10"), ("--offset", "0")):
        both = sesame("account", "list", "--all", option, value, "--json", lang="en")
        assert (both.exit_code, both.json()["error"]["message"]) == (
            2,
            f"These options cannot be combined: --all, {option}.",
        )


def test_all_has_no_cap_and_flat_memory(sesame, member, home):
    from db.listing import AccountFilter, stream_accounts

    member()
    insert_accounts(home, BULK)
    csv_out = sesame("account", "list", "--all", "--csv")
    assert csv_out.exit_code == 0
    csv_lines = csv_out.stdout.splitlines()
    assert len(csv_lines) == 1 + BULK + 1  # the header, the bulk, the member
    assert csv_lines[1].startswith(f"1{BULK - 1:014d},active,0,")
    assert csv_lines[-1].startswith(f"{NIR_COMPACT},active,0,")
    [event] = home.query(
        "SELECT detail FROM audit_events WHERE event = 'accounts_exported' ORDER BY id"
    )
    assert json.loads(event[0])["rows"] == BULK + 1
    # Memory: the accounts of one chunk at a time, not of the whole result.
    store = store_for(home)
    tracemalloc.start()
    try:
        count = sum(1 for _ in stream_accounts(store, AccountFilter()))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == BULK + 1
    assert peak < 4 * 1024 * 1024, peak


def test_lists_for_scripts_are_audited_the_screen_is_not(sesame, member, home, clock):
    member()
    lock(sesame)
    sesame("account", "list")  # a page on the screen: not an export
    sesame("--actor", "fraude", "account", "list", "--state", "locked", "--csv")
    sesame("account", "list", "--locked-since", "1h", "--limit", "5", "--offset", "1", "--json")
    sesame("account", "list", "--all", "--json", "--source", "app-mobile")
    audited = home.query(
        "SELECT actor, account_id, detail FROM audit_events "
        "WHERE event = 'accounts_exported' ORDER BY id"
    )
    since = (clock.now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    plain = {"state": None, "locked_since": None, "locked_until": None, "has_flow": False,
             "source": None}  # fmt: skip
    assert [(actor, account, json.loads(detail)) for actor, account, detail in audited[:1]] == [
        ("fraude", None, {"command": "account list", "format": "csv", "rows": 1,
                          "filter": {**plain, "state": "locked", "limit": 50, "offset": 0}}),
    ]  # fmt: skip
    details = [json.loads(detail) for _, _, detail in audited[1:]]
    assert details[0] == {
        "command": "account list",
        "format": "json",
        "rows": 0,
        "filter": {**plain, "locked_since": since, "limit": 5, "offset": 1},
    }
    assert details[1] == {
        "command": "account list",
        "format": "json",
        "rows": 0,
        "filter": {**plain, "source": "app-mobile", "all": True},
    }
    assert NIR_COMPACT not in str(audited)
