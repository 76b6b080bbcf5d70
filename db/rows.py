"""Rows ↔ domain values, and the queries a snapshot is built from."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import String, select

from db.schema import accounts, audit_events, flows
from engine.identity import Identifier
from engine.model import (
    OPEN_FLOW_STATES,
    Account,
    AccountState,
    Channel,
    Flow,
    FlowKind,
    FlowState,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection, Row, Select


def account_from_row(row: Row[Any]) -> Account:
    return Account(
        id=row.id,
        nir=row.nir,
        birth_date=row.birth_date,
        email=row.email,
        mobile=row.mobile,
        sms_capable=bool(row.sms_capable),
        password_hash=row.password_hash,
        state=AccountState(row.state),
        failed_attempts=row.failed_attempts,
        locked_at=row.locked_at,
        locked_until=row.locked_until,
        last_login_at=row.last_login_at,
        password_changed_at=row.password_changed_at,
        created_at=row.created_at,
        language=row.language,
    )


def flow_from_row(row: Row[Any]) -> Flow:
    return Flow(
        id=row.id,
        account_id=row.account_id,
        kind=FlowKind(row.kind),
        state=FlowState(row.state),
        channel=Channel(row.channel) if row.channel else None,
        secret_digest=row.secret_digest,
        expires_at=row.expires_at,
        code_attempts=row.code_attempts,
        created_at=row.created_at,
    )


def _locked(query: Select[Any], for_update: bool) -> Select[Any]:
    return query.with_for_update() if for_update else query


def find_account(
    conn: Connection, ident: Identifier, *, for_update: bool = False
) -> Account | None:
    if ident.nir is not None:
        condition = accounts.c.nir == ident.nir.value
    else:
        condition = accounts.c.email == ident.email
    row = conn.execute(_locked(select(accounts).where(condition), for_update)).first()
    return account_from_row(row) if row else None


def get_account(conn: Connection, account_id: int, *, for_update: bool = False) -> Account:
    query = select(accounts).where(accounts.c.id == account_id)
    return account_from_row(conn.execute(_locked(query, for_update)).one())


def open_flow(conn: Connection, account_id: int, *, for_update: bool = False) -> Flow | None:
    query = (
        select(flows)
        .where(flows.c.account_id == account_id, flows.c.state.in_(OPEN_FLOW_STATES))
        .order_by(flows.c.created_at.desc())
        .limit(1)
    )
    row = conn.execute(_locked(query, for_update)).first()
    return flow_from_row(row) if row else None


# The longest id the flows table holds (a longer text finds nothing).
_FLOW_ID_LENGTH = cast(String, flows.c.id.type).length or 0


def flow_by_id(conn: Connection, flow_id: str, *, for_update: bool = False) -> Flow | None:
    """The flow of that id; None also for text no id can be (a NUL, which PostgreSQL
    would refuse as storage_unavailable where SQLite finds nothing)."""
    if len(flow_id) > _FLOW_ID_LENGTH or not flow_id.isprintable():
        return None
    query = select(flows).where(flows.c.id == flow_id)
    row = conn.execute(_locked(query, for_update)).first()
    return flow_from_row(row) if row else None


def flow_by_digest(
    conn: Connection, digest: str, account_id: int | None = None, *, for_update: bool = False
) -> Flow | None:
    query = select(flows).where(flows.c.secret_digest == digest)
    if account_id is not None:
        query = query.where(flows.c.account_id == account_id)
    row = conn.execute(
        _locked(query.order_by(flows.c.created_at.desc()).limit(1), for_update)
    ).first()
    return flow_from_row(row) if row else None


def recent_events(
    conn: Connection, account_id: int, event: str, since: datetime, newest: int | None = None
) -> tuple[datetime, ...]:
    """When `event` happened to the account since `since` (rate limits read the audit log);
    only the `newest` ones when given (the index reads them backwards)."""
    query = select(audit_events.c.at).where(
        audit_events.c.account_id == account_id,
        audit_events.c.event == event,
        audit_events.c.at > since,
    )
    if newest is not None:
        query = query.order_by(audit_events.c.at.desc()).limit(newest)
    return tuple(conn.execute(query).scalars())
