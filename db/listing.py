"""Support's read-only views of many accounts: `account list` and the dashboard.

Single read-only transactions whose filters follow the indexes (migrations 0002
and 0003), so they stay fast on a million accounts; no machine is imported.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, func, or_, select, union_all

from db import rows
from db.account_view import AccountView
from db.effective_state import state_arms
from db.schema import accounts, audit_events, flows, outbox
from db.store import Store
from engine.effective import effective_account, live_flow
from engine.lockout import FAILURE_EVENTS
from engine.model import OPEN_FLOW_STATES, AccountState, Flow

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection


# --- account list --------------------------------------------------------------------


@dataclass(frozen=True)
class AccountFilter:
    state: AccountState | None = None
    locked_since: datetime | None = None
    has_flow: bool = False
    # an incident window's end: locked before this moment (exclusive)
    locked_until: datetime | None = None
    # accounts with a failure from this `--source` in the window: the last
    # `failure_window_seconds` when > 0, else since the last successful login
    source: str | None = None
    failure_window_seconds: int = 0


@dataclass(frozen=True)
class AccountPage:
    views: list[AccountView]
    total: int


def filter_arms(filters: AccountFilter, now: datetime) -> list[list[ColumnElement[bool]]]:
    """The filter as a union of disjoint conjunctions, each starting from an index
    (state, state+locked_at, or flows.state for the open flows)."""
    common: list[ColumnElement[bool]] = []
    if filters.locked_since is not None:
        common.append(accounts.c.locked_at >= filters.locked_since)
    if filters.locked_until is not None:
        common.append(accounts.c.locked_at < filters.locked_until)
    if filters.has_flow:
        open_flows = select(flows.c.account_id).where(
            flows.c.state.in_(OPEN_FLOW_STATES), flows.c.expires_at > now
        )
        common.append(accounts.c.id.in_(open_flows))
    if filters.source is not None:
        common += _failed_from(filters.source, filters.failure_window_seconds, now)
    state = filters.state
    if state is None and (filters.locked_since or filters.locked_until) is not None:
        state = AccountState.LOCKED
    if state is None:
        return [common]
    return [[*arm, *common] for arm in state_arms(state, now)]


def _failed_from(source: str, window: int, now: datetime) -> list[ColumnElement[bool]]:
    """A failure from `source` in the window (index ix_audit_source_at): the last
    `window` seconds, or (0) since the account's last successful login."""
    e = audit_events.c
    failed = [e.source == source, e.event.in_(FAILURE_EVENTS)]
    if window > 0:
        failed.append(e.at > now - timedelta(seconds=window))
        return [accounts.c.id.in_(select(e.account_id).where(*failed))]
    since_success = or_(accounts.c.last_login_at.is_(None), e.at > accounts.c.last_login_at)
    return [
        accounts.c.id.in_(select(e.account_id).where(*failed)),
        exists(select(e.id).where(e.account_id == accounts.c.id, *failed, since_success)),
    ]


def _newest_first(arms: list[list[ColumnElement[bool]]]) -> Any:
    """Accounts matching any arm, newest first: each arm walks its index in id order
    and SQLite merges them (MERGE UNION ALL), so a page never sorts the table."""
    if len(arms) == 1:
        return select(accounts).where(*arms[0]).order_by(accounts.c.id.desc())
    union = union_all(*(select(accounts).where(*arm) for arm in arms))
    return union.order_by(union.selected_columns.id.desc())


def list_accounts(store: Store, filters: AccountFilter, limit: int, offset: int) -> AccountPage:
    """One page, newest account first, and the number of matching accounts."""
    now = store.now()
    arms = filter_arms(filters, now)
    page = _newest_first(arms).limit(limit).offset(offset)
    with store.read() as conn:
        found = [rows.account_from_row(row) for row in conn.execute(page)]
        total = sum(
            conn.execute(select(func.count()).select_from(accounts).where(*arm)).scalar_one()
            for arm in arms
        )
        open_by_account = _open_flows(conn, [account.id for account in found])
    views = [
        AccountView(effective_account(a, now), live_flow(open_by_account.get(a.id), now))
        for a in found
    ]
    return AccountPage(views, total)


# `account list --all`: the accounts read this many at a time, newest first.
STREAM_CHUNK = 1000


def stream_accounts(store: Store, filters: AccountFilter) -> Generator[AccountView]:
    """Every matching account, newest first, STREAM_CHUNK at a time in one read
    transaction: each chunk continues below the last id read (keyset, on the
    same indexes as a page), so memory stays flat however many accounts match."""
    now = store.now()
    arms = filter_arms(filters, now)
    last_id: int | None = None
    with store.read() as conn:
        while True:
            below = [] if last_id is None else [accounts.c.id < last_id]
            chunk = _newest_first([[*arm, *below] for arm in arms]).limit(STREAM_CHUNK)
            found = [rows.account_from_row(row) for row in conn.execute(chunk)]
            if not found:
                return
            open_by_account = _open_flows(conn, [account.id for account in found])
            for a in found:
                yield AccountView(
                    effective_account(a, now), live_flow(open_by_account.get(a.id), now)
                )
            if len(found) < STREAM_CHUNK:
                return
            last_id = found[-1].id


def _open_flows(conn: Connection, account_ids: list[int]) -> dict[int, Flow]:
    if not account_ids:
        return {}
    query = select(flows).where(
        flows.c.account_id.in_(account_ids), flows.c.state.in_(OPEN_FLOW_STATES)
    )
    return {row.account_id: rows.flow_from_row(row) for row in conn.execute(query)}


# --- the dashboard -------------------------------------------------------------------

OUTBOX_STATUSES = ("queued", "sent", "failed", "abandoned")


@dataclass(frozen=True)
class FlowCount:
    state: str
    channel: str | None
    count: int


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    accounts: dict[str, int]
    locks_last_24h: int
    open_flows: list[FlowCount]
    outbox: dict[str, int]
    oldest_queued_at: datetime | None


def dashboard(store: Store) -> Dashboard:
    """Counts for the support team's morning look; every query reads an index."""
    now = store.now()
    a, f, o = accounts.c, flows.c, outbox.c
    with store.read() as conn:
        by_state: dict[str, int] = {
            state: count
            for state, count in conn.execute(select(a.state, func.count()).group_by(a.state))
        }
        lock_ended = conn.execute(
            select(func.count()).where(a.state == "locked", a.locked_until <= now)
        ).scalar_one()
        locks = conn.execute(
            select(func.count()).where(
                audit_events.c.event == "account_locked",
                audit_events.c.at > now - timedelta(days=1),
            )
        ).scalar_one()
        flow_counts = [
            FlowCount(state, channel, count)
            for state, channel, count in conn.execute(
                select(f.state, f.channel, func.count())
                .where(f.state.in_(OPEN_FLOW_STATES), f.expires_at > now)
                .group_by(f.state, f.channel)
                .order_by(f.state, f.channel)
            )
        ]
        by_status: dict[str, int] = {
            status: count
            for status, count in conn.execute(select(o.status, func.count()).group_by(o.status))
        }
        oldest = conn.execute(
            select(o.created_at).where(o.status == "queued").order_by(o.created_at).limit(1)
        ).scalar()
    counts = {state.value: int(by_state.get(state.value, 0)) for state in AccountState}
    counts["locked"] -= lock_ended
    counts["active"] += lock_ended
    statuses = {status: 0 for status in OUTBOX_STATUSES}
    statuses.update({status: int(count) for status, count in by_status.items()})
    return Dashboard(
        now=now,
        accounts=counts,
        locks_last_24h=int(locks),
        open_flows=flow_counts,
        outbox=statuses,
        oldest_queued_at=oldest,
    )
