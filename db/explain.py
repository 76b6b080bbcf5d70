"""`account explain`'s facts, read in one transaction: the account, its latest
failures and their counts, its last disablement, its open flow and messages.
`engine.explain` says what they mean.

Every query is bounded and indexed: one per failure event on
`ix_audit_account_event_at` (account, event, at) with a LIMIT, the counts on the
same index, the messages on `ix_outbox_account`. An account with 10,000 events
costs about what `account show` does (bench/explain_bench.py).

When audit events record a source (a `source` column in `db.schema`), each
failure carries it, with no change here; until then the source is None and
`Facts.sources_recorded` says so."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import String, and_, bindparam, func, literal, select, union_all

from db import rows
from db.schema import audit_events, outbox
from db.store import Store
from engine.counted import Counted
from engine.errors import SesameError
from engine.explain import (
    CANCELLED_AS_FAILURE,
    CANCELLED_EVENT,
    FAILURE_EVENTS,
    MESSAGES_LAST,
    TIMELINE_LAST,
    Explanation,
    Facts,
    Failure,
    Kind,
    Message,
    explain,
    failure_kind,
)
from engine.identity import Identifier
from engine.model import Account
from engine.outcomes import Code
from engine.policy import Policy
from engine.states import AccountState

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection, Table

# Whether audit events record a source (a `source` column): read when they do.
SOURCES_RECORDED = "source" in audit_events.c
# A cancelled flow is a failure only when too many wrong secrets cancelled it.
_CANCELLED_PATTERN = f'%"{CANCELLED_AS_FAILURE}"%'


def explanation(store: Store, ident: Identifier) -> Explanation:
    """Why the account `ident` is in its state (NOT_FOUND: exit 12)."""
    policy, now = store.settings.policy, store.now()
    with store.read() as conn:
        account = rows.find_account(conn, ident)
        if account is None:
            raise SesameError(Code.NOT_FOUND)
        disabled_at, reason = None, None
        if account.state is AccountState.DISABLED:
            disabled_at, reason = _last_disabled(conn, account.id)
        facts = Facts(
            account=account,
            flow=rows.open_flow(conn, account.id),
            failures=latest_failures(conn, account.id),
            counts=failure_counts(conn, account.id),
            disabled_at=disabled_at,
            disabled_reason=reason,
            messages=_latest_messages(conn, account.id),
            sources_recorded=SOURCES_RECORDED,
            **lock_facts(conn, account, policy, now),
        )
    return explain(facts, policy, now)


def lock_facts(conn: Connection, account: Account, policy: Policy, now: datetime) -> Any:
    """What ranks a lock and counts failures in a window (`Facts` fields): the
    rank the lock's event recorded, the locks of the `lock_reset_seconds`
    before the lock (or now), the newest wrong passwords of the window."""
    c = audit_events.c
    recorded = None
    if account.locked_at is not None:
        query = (
            select(c.detail)
            .where(
                c.account_id == account.id,
                c.event == Counted.ACCOUNT_LOCKED.value,
                c.at <= account.locked_at,
            )
            .order_by(c.at.desc(), c.id.desc())
            .limit(1)
        )
        detail = json.loads(conn.execute(query).scalar() or "{}")
        value = detail.get("lock_count")
        recorded = int(value) if isinstance(value, str) and value.isdigit() else None
    reset = timedelta(seconds=policy.lock_reset_seconds)
    since = min(now, account.locked_at or now) - reset
    locks = rows.recent_events(conn, account.id, Counted.ACCOUNT_LOCKED.value, since)
    window = policy.failure_window_seconds
    failures = (
        rows.recent_events(
            conn,
            account.id,
            Counted.LOGIN_FAILED.value,
            now - timedelta(seconds=window),
            newest=policy.max_failed_attempts,
        )
        if window > 0
        else ()
    )
    return {"lock_count": recorded, "recent_locks": locks, "window_failures": failures}


def _failure_condition(event: str, table: Table = audit_events) -> ColumnElement[bool]:
    c = table.c
    if event == CANCELLED_EVENT:
        return and_(c.event == event, c.detail.like(_CANCELLED_PATTERN))
    return c.event == event


def latest_query(table: Table) -> Any:
    """The latest TIMELINE_LAST events of each failure event, in one statement:
    a UNION ALL of one indexed, limited arm per event (an IN over the events
    would read every one of them), built once and compiled once. With the
    table's `source` column when it has one."""
    c = table.c
    columns = [c.id, c.at, c.event, c.detail, *([c.source] if "source" in c else [])]
    arms = [
        select(*columns)
        .where(c.account_id == bindparam("account_id"), _failure_condition(event, table))
        .order_by(c.at.desc(), c.id.desc())
        .limit(TIMELINE_LAST)
        .subquery()
        for event in (*FAILURE_EVENTS, CANCELLED_EVENT)
    ]
    return union_all(*(select(arm) for arm in arms))


def _counts_query() -> Any:
    """Every failure of an account by event: the plain events counted on the index
    alone, the cancelled flows (whose reason is in the detail) apart, so that
    only their rows are read."""
    c = audit_events.c
    account = c.account_id == bindparam("account_id")
    plain = (
        select(c.event, func.count().label("n"))
        .where(account, c.event.in_(list(FAILURE_EVENTS)))
        .group_by(c.event)
    )
    cancelled = select(
        literal(CANCELLED_EVENT, String).label("event"), func.count().label("n")
    ).where(account, _failure_condition(CANCELLED_EVENT))
    return union_all(select(plain.subquery()), select(cancelled.subquery()))


_LATEST = latest_query(audit_events)
_COUNTS = _counts_query()


def latest_failures(conn: Connection, account_id: int) -> tuple[Failure, ...]:
    """The latest TIMELINE_LAST failures, oldest first."""
    found: list[tuple[Any, int, Failure]] = []
    for row in conn.execute(_LATEST, {"account_id": account_id}):
        kind = failure_kind(row.event, json.loads(row.detail or "{}"))
        if kind is not None:
            source = row._mapping.get("source")
            found.append((row.at, row.id, Failure(row.at, kind, source)))
    found.sort(key=lambda item: (item[0], item[1]))
    return tuple(failure for _, _, failure in found[-TIMELINE_LAST:])


def failure_counts(conn: Connection, account_id: int) -> dict[Kind, int]:
    """Every failure of the account, by kind."""
    counts: dict[Kind, int] = {}
    for event, count in conn.execute(_COUNTS, {"account_id": account_id}):
        kind = FAILURE_EVENTS.get(event, Kind.TEMPORARY_PASSWORD)
        if count:
            counts[kind] = counts.get(kind, 0) + count
    return counts


def _last_disabled(conn: Connection, account_id: int) -> tuple[Any, str | None]:
    c = audit_events.c
    query = (
        select(c.at, c.detail)
        .where(c.account_id == account_id, c.event == "account_disabled")
        .order_by(c.at.desc(), c.id.desc())
        .limit(1)
    )
    row = conn.execute(query).first()
    if row is None:
        return None, None
    reason = json.loads(row.detail or "{}").get("reason")
    return row.at, reason if isinstance(reason, str) else None


def _latest_messages(conn: Connection, account_id: int) -> tuple[Message, ...]:
    o = outbox.c
    query = (
        select(o.id, o.channel, o.recipient, o.status, o.created_at)
        .where(o.account_id == account_id)
        .order_by(o.created_at.desc(), o.id.desc())
        .limit(MESSAGES_LAST)
    )
    found = [
        Message(r.id, r.channel, r.recipient, r.status, r.created_at) for r in conn.execute(query)
    ]
    return tuple(found[::-1])
