"""Support's reading of one account's history: `account show` and `audit`."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, cast, func, or_, select, true

from db import rows
from db.account_view import AccountView, account_status
from db.schema import accounts, audit_events, outbox
from db.store import Store
from engine.errors import SesameError
from engine.identity import Identifier
from engine.outcomes import Code

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection, Row


# --- account show and the audit log ---------------------------------------------------


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: datetime
    actor: str  # declared (--actor, SESAME_ACTOR)
    os_user: str | None  # said by the system; None before migration 0005
    sudo_user: str | None
    db_role: str | None
    nir: str | None
    flow_id: str | None
    event: str
    state_before: str | None
    state_after: str | None
    detail: dict[str, Any]
    # a bulk action's batch and the file it read (None before migration 0007)
    batch_id: str | None = None
    batch_source: str | None = None
    source: str | None = None  # the client the front end named (--source); None before 0008


@dataclass(frozen=True)
class SentMessage:
    """An outbox row as support may see it: no body, no secret."""

    id: str
    channel: str
    recipient: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class AccountDetail:
    view: AccountView
    events: list[AuditEvent]
    messages: list[SentMessage]


SHOW_LAST = 10


def _event_from_row(row: Row[Any]) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        at=row.at,
        actor=row.actor,
        os_user=row.os_user,
        sudo_user=row.sudo_user,
        db_role=row.db_role,
        nir=row.nir,
        flow_id=row.flow_id,
        event=row.event,
        state_before=row.state_before,
        state_after=row.state_after,
        detail=json.loads(row.detail or "{}"),
        batch_id=row.batch_id,
        batch_source=row.batch_source,
        source=row.source,
    )


def _events_query() -> Any:
    return select(audit_events, accounts.c.nir).outerjoin(
        accounts, accounts.c.id == audit_events.c.account_id
    )


def account_detail(store: Store, ident: Identifier) -> AccountDetail:
    """`status`, plus the account's last audit events and messages, oldest first."""
    view = account_status(store, ident)
    account_id = view.account.id
    events = (
        _events_query()
        .where(audit_events.c.account_id == account_id)
        .order_by(audit_events.c.id.desc())
        .limit(SHOW_LAST)
    )
    messages = (
        select(
            outbox.c.id, outbox.c.channel, outbox.c.recipient, outbox.c.status, outbox.c.created_at
        )
        .where(outbox.c.account_id == account_id)
        .order_by(outbox.c.created_at.desc(), outbox.c.id.desc())
        .limit(SHOW_LAST)
    )
    with store.read() as conn:
        found_events = [_event_from_row(row) for row in conn.execute(events)]
        found_messages = [
            SentMessage(row.id, row.channel, row.recipient, row.status, row.created_at)
            for row in conn.execute(messages)
        ]
    return AccountDetail(view, found_events[::-1], found_messages[::-1])


@dataclass(frozen=True)
class AuditFilter:
    ident: Identifier | None = None
    since: datetime | None = None
    until: datetime | None = None
    events: tuple[str, ...] = ()
    actor: str | None = None
    # a substring of the detail's `reason`, in any case
    reason: str | None = None
    batch: str | None = None
    source: str | None = None


def _audit_conditions(conn: Connection, filters: AuditFilter) -> list[ColumnElement[bool]]:
    c = audit_events.c
    conditions: list[ColumnElement[bool]] = []
    if filters.ident is not None:
        account = rows.find_account(conn, filters.ident)
        if account is None:
            raise SesameError(Code.NOT_FOUND)
        conditions.append(c.account_id == account.id)
    if filters.since is not None:
        conditions.append(c.at >= filters.since)
    if filters.until is not None:
        conditions.append(c.at < filters.until)
    if filters.events:
        conditions.append(c.event.in_(filters.events))
    if filters.actor is not None:
        conditions.append(c.actor == filters.actor)
    if filters.batch is not None:
        conditions.append(c.batch_id == filters.batch)
    if filters.reason is not None:
        postgres = conn.dialect.name == "postgresql"
        wanted = filters.reason.lower() if postgres else filters.reason.casefold()
        conditions.append(_detail_reason(conn).contains(wanted, autoescape=True))
    if filters.source is not None:
        conditions.append(c.source == filters.source)
    return conditions


def _detail_reason(conn: Connection) -> ColumnElement[str]:
    """The detail's `reason`, case-folded (the detail is JSON text; non-ASCII escaped)."""
    detail = audit_events.c.detail
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import JSONB

        return func.lower(cast(detail, JSONB)["reason"].astext)
    return func.sesame_casefold(func.json_extract(detail, "$.reason"))


@dataclass(frozen=True)
class AuditPage:
    """The events, oldest first, and the newest event id of the whole log at that
    moment (where `--follow` goes on from)."""

    events: list[AuditEvent]
    last_id: int


def audit_log(store: Store, filters: AuditFilter, limit: int) -> AuditPage:
    """The newest `limit` matching events, returned oldest first."""
    with store.read() as conn:
        last_id = _last_event_id(conn)
        query = (
            _events_query()
            .where(audit_events.c.id <= last_id, *_audit_conditions(conn, filters))
            .order_by(audit_events.c.id.desc())
            .limit(limit)
        )
        found = [_event_from_row(row) for row in conn.execute(query)]
    return AuditPage(found[::-1], last_id)


def audit_after(
    store: Store, filters: AuditFilter, after_id: int, until_id: int, size: int = 1000
) -> Iterator[list[AuditEvent]]:
    """The matching events with `after_id` < id <= `until_id`, oldest first, read
    `size` at a time (a stream of the whole log holds one page in memory)."""
    c = audit_events.c
    while True:
        with store.read() as conn:
            query = (
                _events_query()
                .where(c.id > after_id, c.id <= until_id, *_audit_conditions(conn, filters))
                .order_by(c.id)
                .limit(size)
            )
            found = [_event_from_row(row) for row in conn.execute(query)]
        if found:
            yield found
        if len(found) < size:
            return
        after_id = found[-1].id


def last_event_id(store: Store) -> int:
    """The newest event id of the log (0 when it is empty)."""
    with store.read() as conn:
        return _last_event_id(conn)


def follow_audit(
    store: Store, filters: AuditFilter, after_id: int, interval: float = 1.0
) -> Iterator[list[AuditEvent]]:
    """Forever: every `interval` seconds, the matching events committed since the
    last look (an empty list when there are none, so a caller may stop between looks)."""
    follower = AuditFollower(store, filters, after_id)
    while True:
        time.sleep(interval)
        yield follower.poll()


# An id allocated but not yet committed is awaited this long, then given up (a
# rolled-back transaction leaves a gap for ever). A sesame write lasts well
# under a second; the busy timeout bounds a wait to 10 s.
GAP_SECONDS = 120.0
# At the start, gaps are looked for among the newest ids only: the transactions
# in flight at any moment hold a handful of them.
START_WINDOW = 1000


class AuditFollower:
    """The events committed since the last look, in the order they become visible.

    Ids are not visible in their order: PostgreSQL allocates an id when a row is
    inserted, and a transaction that started first may commit after a later one.
    So the follower remembers the ids it has not seen below the newest one (the
    gaps) and looks at them again until they appear or `GAP_SECONDS` pass. On
    SQLite, writes are serialised and there are no such gaps.
    """

    def __init__(
        self,
        store: Store,
        filters: AuditFilter,
        after_id: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.filters = filters
        self.last = after_id
        self.clock = clock
        self.gaps: dict[int, float] = {}  # id -> when it was first missed
        low = max(0, after_id - START_WINDOW)
        c = audit_events.c
        with store.read() as conn:
            present = set(conn.execute(select(c.id).where(c.id > low, c.id <= after_id)).scalars())
        self._note_gaps(range(low + 1, after_id + 1), present)

    def poll(self) -> list[AuditEvent]:
        """The matching events that became visible since the last call, by id."""
        c = audit_events.c
        looked_at = c.id > self.last
        if self.gaps:
            looked_at = or_(looked_at, c.id.in_(list(self.gaps)))
        with self.store.read() as conn:
            matches = and_(true(), *_audit_conditions(conn, self.filters)).label("matches")
            visible = conn.execute(select(c.id, matches).where(looked_at)).all()
            wanted = [row.id for row in visible if row.matches]
            query = _events_query().where(c.id.in_(wanted)).order_by(c.id)
            found = [_event_from_row(row) for row in conn.execute(query)] if wanted else []
        ids = {row.id for row in visible}
        newest = max(ids, default=self.last)
        self._note_gaps(range(self.last + 1, newest + 1), ids)
        for seen in ids:
            self.gaps.pop(seen, None)
        self.last = max(self.last, newest)
        too_old = self.clock() - GAP_SECONDS
        self.gaps = {gap: since for gap, since in self.gaps.items() if since > too_old}
        return found

    def _note_gaps(self, ids: range, present: set[int]) -> None:
        now = self.clock()
        for missing in ids:
            if missing not in present:
                self.gaps.setdefault(missing, now)


def _last_event_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(audit_events.c.id), 0))).scalar_one())
