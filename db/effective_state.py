"""The effective account state (`engine.effective.effective_state`) as SQL: the
state the member experiences, where a time-limited lock that has ended is
active. `account list` and `account export --state` filter with it; a test
checks it against the engine's rule on both backends."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, or_

from db.schema import accounts
from engine.states import AccountState

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement


def state_arms(state: AccountState, now: datetime) -> list[list[ColumnElement[bool]]]:
    """Accounts whose effective state is `state`, as disjoint index-friendly
    conjunctions: an OR would make SQLite sort every row of a page."""
    c = accounts.c
    if state is AccountState.LOCKED:
        return [[c.state == "locked", or_(c.locked_until.is_(None), c.locked_until > now)]]
    if state is AccountState.ACTIVE:
        return [[c.state == "active"], [c.state == "locked", c.locked_until <= now]]
    return [[c.state == state.value]]


def effective_state_is(state: AccountState, now: datetime) -> ColumnElement[bool]:
    """The same condition as one expression (for a query that reads every row anyway)."""
    return or_(*(and_(*arm) for arm in state_arms(state, now)))
