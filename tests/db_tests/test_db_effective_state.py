"""The effective state in SQL (`account list --state`, `account export --state`)
selects exactly the accounts whose state `engine.effective` computes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select

from db.effective_state import effective_state_is, state_arms
from db.rows import account_from_row
from db.schema import accounts
from db.settings import load_settings
from db.store import Store
from engine.effective import effective_state
from engine.states import AccountState

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
LOCK_ENDS = {
    "no end": None,
    "ended": NOW - timedelta(minutes=1),
    "ends now": NOW,
    "later": NOW + timedelta(minutes=1),
}


def test_sql_and_engine_agree_on_every_state_and_lock_end(home):
    store = Store(load_settings(home=str(home.path), db=home.db_url))
    rows = [
        {
            "nir": f"1{index:014d}",
            "birth_date": date(1980, 1, 1),
            "sms_capable": False,
            "state": state.value,
            "failed_attempts": 0,
            "locked_until": locked_until,
            "created_at": NOW,
        }
        for index, (state, locked_until) in enumerate(
            (state, end) for state in AccountState for end in LOCK_ENDS.values()
        )
    ]
    with store.write() as conn:
        conn.execute(insert(accounts), rows)
    with store.read() as conn:
        every = [account_from_row(row) for row in conn.execute(select(accounts))]
        for state in AccountState:
            expected = {a.nir for a in every if effective_state(a, NOW) is state}
            as_one = set(
                conn.execute(select(accounts.c.nir).where(effective_state_is(state, NOW))).scalars()
            )
            as_arms = {
                nir
                for arm in state_arms(state, NOW)
                for nir in conn.execute(select(accounts.c.nir).where(*arm)).scalars()
            }
            assert (state, as_one) == (state, expected)
            assert (state, as_arms) == (state, expected)
    # Every state is met (the data covers each case).
    assert {effective_state(a, NOW) for a in every} == set(AccountState)
