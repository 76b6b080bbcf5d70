"""Support's reading of one account's history: `account show` and `audit`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from db import rows
from db.account_view import AccountView, account_status
from db.schema import accounts, audit_events, outbox
from db.store import Store
from engine.errors import SesameError
from engine.identity import Identifier

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection, Row


# --- account show and the audit log ---------------------------------------------------


@dataclass(frozen=True)
class AuditEvent:
    id: int
    at: datetime
    actor: str
    nir: str | None
    flow_id: str | None
    event: str
    state_before: str | None
    state_after: str | None
    detail: dict[str, Any]


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
        nir=row.nir,
        flow_id=row.flow_id,
        event=row.event,
        state_before=row.state_before,
        state_after=row.state_after,
        detail=json.loads(row.detail or "{}"),
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


def _audit_conditions(conn: Connection, filters: AuditFilter) -> list[ColumnElement[bool]]:
    c = audit_events.c
    conditions: list[ColumnElement[bool]] = []
    if filters.ident is not None:
        account = rows.find_account(conn, filters.ident)
        if account is None:
            raise SesameError("not_found")
        conditions.append(c.account_id == account.id)
    if filters.since is not None:
        conditions.append(c.at >= filters.since)
    if filters.until is not None:
        conditions.append(c.at < filters.until)
    if filters.events:
        conditions.append(c.event.in_(filters.events))
    if filters.actor is not None:
        conditions.append(c.actor == filters.actor)
    return conditions


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


def follow_audit(
    store: Store, filters: AuditFilter, after_id: int, interval: float = 1.0
) -> Iterator[list[AuditEvent]]:
    """Forever: every `interval` seconds, the matching events written since the last
    look (each poll reads only the new ids, however selective the filters)."""
    last = after_id
    while True:
        time.sleep(interval)
        with store.read() as conn:
            newest = _last_event_id(conn)
            query = (
                _events_query()
                .where(
                    audit_events.c.id > last,
                    audit_events.c.id <= newest,
                    *_audit_conditions(conn, filters),
                )
                .order_by(audit_events.c.id)
            )
            found = [_event_from_row(row) for row in conn.execute(query)]
        last = newest
        if found:
            yield found


def _last_event_id(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.max(audit_events.c.id), 0))).scalar_one())
