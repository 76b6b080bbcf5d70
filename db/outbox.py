"""The transactional outbox: rows written with the state change, files after commit.

Delivery is idempotent: a file is named after its message id and appears
through `link()` of a fsynced temporary file, so a second delivery of the
same message is a no-op. Once delivered, the row's full body (the secret)
is erased; only the redacted text stays in the database. Onward delivery
(SMTP, an SMS gateway) is `db.delivery`. This module queues, flushes, abandons,
reads and lists rows; the bytes of a message are built in `db.outbox_build`
and written as files by `db.outbox_files`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, select, update

from db import rows
from db.decisions import record_audit
from db.outbox_build import Unbuildable
from db.outbox_files import MessageConflict, write_file
from db.schema import accounts, flows, outbox
from db.store import Store, storage_error
from engine.errors import SesameError
from engine.events import Audit
from engine.identity import Identifier
from engine.model import OPEN_FLOW_STATES
from engine.outbox_status import MessageStatus, body_after
from engine.outcomes import Code

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection, Row


@dataclass(frozen=True)
class Message:
    id: str
    account_nir: str | None
    channel: str
    recipient: str
    subject: str | None
    redacted_body: str
    status: str
    created_at: datetime
    delivered_at: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class MessageFilter:
    """What `outbox list` narrows to."""

    status: str | None = None
    channel: str | None = None
    to: Identifier | None = None
    since: datetime | None = None
    limit: int = 50


def flush(store: Store) -> int:
    """Write what a crash left queued to files; refused when messages go onward instead."""
    if store.settings.policy.outbox.transport != "files":
        raise SesameError(Code.TRANSPORT_IS_QUEUE)
    return deliver(store)


def deliver(store: Store, message_ids: Iterable[str] | None = None) -> int:
    """Write queued messages (all of them when `message_ids` is None) to files; how many."""
    return len(deliver_files(store, message_ids))


def deliver_files(store: Store, message_ids: Iterable[str] | None = None) -> dict[str, Path]:
    """Write queued messages (all of them when `message_ids` is None) to files;
    the file of each message written, by message id.

    A message whose flow closed or expired meanwhile (a channel changed, a
    newer request, a disabled account) is abandoned unsent and its secret
    erased: a secret never goes to a channel the account no longer has.
    """
    query = (
        select(outbox, flows.c.state.label("flow_state"), flows.c.expires_at.label("flow_ends"))
        .outerjoin(flows, flows.c.id == outbox.c.flow_id)
        .where(outbox.c.status == MessageStatus.QUEUED)
        .order_by(outbox.c.created_at)
    )
    if message_ids is not None:
        wanted = list(message_ids)
        if not wanted:
            return {}
        query = query.where(outbox.c.id.in_(wanted))
    with store.read() as conn:
        found = conn.execute(query).all()
    now = store.now()
    live, dead = [], []
    for row in found:
        closed = flow_closed(row.flow_id, row.flow_state, row.flow_ends, now)
        if closed is None:
            live.append(row)
        else:
            dead.append((row, "flow_closed", closed))
    written, conflicts, paths = [], [], {}
    for row in live:
        try:
            paths[row.id] = write_file(store, row)
            written.append(row)
        except MessageConflict as conflict:
            conflicts.append((row, conflict.path))
        except Unbuildable as exc:
            dead.append((row, "unbuildable", f"message cannot be built: {exc}"))
    if found:
        with store.write() as conn:
            if written:
                conn.execute(
                    update(outbox)
                    .where(
                        outbox.c.id.in_([r.id for r in written]),
                        outbox.c.status == MessageStatus.QUEUED,
                    )
                    .values(status=MessageStatus.SENT, body=None, delivered_at=now)
                )
            for row, reason, error in dead:
                queued = and_(outbox.c.id == row.id, outbox.c.status == MessageStatus.QUEUED)
                abandon(store, conn, row, queued, reason, error)
            for row, path in conflicts:
                _record_conflict(store, conn, row, path, now)
        store.erase_wal()
    if conflicts:
        row, path = conflicts[0]
        raise storage_error("outbox_conflict", path=str(path), id=row.id)
    return paths


def flow_closed(
    flow_id: str | None, state: str | None, ends: datetime | None, now: datetime
) -> str | None:
    """Why a message's flow no longer accepts its secret, or None while it does."""
    if flow_id is None or (state in OPEN_FLOW_STATES and ends is not None and ends > now):
        return None
    closed = "expired" if state in OPEN_FLOW_STATES else state
    return f"flow {closed} before delivery"


def abandon(
    store: Store,
    conn: Connection,
    row: Row[Any],
    owned: ColumnElement[bool],
    reason: str,
    error: str,
    attempts: int | None = None,
) -> bool:
    """Give up on a message while `owned` still holds; audited. Its secret is
    erased, a notice without one kept for `outbox retry`."""
    done = MessageStatus.ABANDONED
    values: dict[str, Any] = {
        "status": done,
        "body": body_after(done, row.body, row.redacted_body),
        "next_attempt_at": None,
        "last_error": error,
        "claimed_by": None,
        "claimed_until": None,
    }
    if attempts is not None:
        values["attempts"] = attempts
    if conn.execute(update(outbox).where(owned).values(**values)).rowcount != 1:
        return False
    detail = {"message": row.id, "channel": row.channel, "reason": reason}
    event = Audit("message_abandoned", row.status, done, detail, row.flow_id)
    record_audit(
        conn, [event], row.account_id, store.now(), store.settings.actor, store.settings.source
    )
    return True


def _record_conflict(
    store: Store, conn: Connection, row: Row[Any], path: Path, now: datetime
) -> None:
    """The message stays queued, its secret kept; the planted file is named, audited."""
    shown = str(path.relative_to(store.settings.outbox_dir))
    error = f"another file is already at {shown}: not delivered"
    conn.execute(
        update(outbox)
        .where(outbox.c.id == row.id, outbox.c.status == MessageStatus.QUEUED)
        .values(last_error=error)
    )
    detail = {"message": row.id, "channel": row.channel, "path": shown}
    queued = MessageStatus.QUEUED
    event = Audit("message_conflict", queued, queued, detail, row.flow_id)
    record_audit(conn, [event], row.account_id, now, store.settings.actor, store.settings.source)


def _message(row: Row[Any]) -> Message:
    return Message(
        id=row.id,
        account_nir=row.nir,
        channel=row.channel,
        recipient=row.recipient,
        subject=row.subject,
        redacted_body=row.redacted_body,
        status=row.status,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
    )


def _joined() -> Any:
    return select(outbox, accounts.c.nir).outerjoin(accounts, accounts.c.id == outbox.c.account_id)


def list_messages(store: Store, wanted: MessageFilter | None = None) -> list[Message]:
    """The newest messages first, narrowed by `wanted`."""
    wanted = wanted or MessageFilter()
    query = _joined()
    if wanted.status is not None:
        query = query.where(outbox.c.status == wanted.status)
    if wanted.channel is not None:
        query = query.where(outbox.c.channel == wanted.channel)
    if wanted.since is not None:
        query = query.where(outbox.c.created_at >= wanted.since)
    query = query.order_by(outbox.c.created_at.desc(), outbox.c.id).limit(wanted.limit)
    with store.read() as conn:
        if wanted.to is not None:
            query = query.where(outbox.c.account_id == _account_id(conn, wanted.to))
        return [_message(row) for row in conn.execute(query)]


def show_message(
    store: Store, message_id: str | None, to: Identifier | None = None
) -> Message | None:
    """One message by id, or the newest (to the member `to`) when `message_id` is None.
    A shortened id as the tables show it (8 characters or more) finds the one message
    whose id begins so; two such messages find none."""
    query = _joined()
    if message_id is None:
        query = query.order_by(outbox.c.created_at.desc(), outbox.c.id).limit(1)
    elif len(message_id) >= SHORT_ID_MIN and message_id.isalnum():
        query = query.where(outbox.c.id.startswith(message_id, autoescape=True)).limit(2)
    else:
        query = query.where(outbox.c.id == message_id)
    with store.read() as conn:
        if to is not None:
            query = query.where(outbox.c.account_id == _account_id(conn, to))
        found = conn.execute(query).all()
    return _message(found[0]) if len(found) == 1 else None


# The shortest id prefix `outbox show` accepts (the tables show 8 characters or more).
SHORT_ID_MIN = 8


def _account_id(conn: Connection, ident: Identifier) -> int:
    account = rows.find_account(conn, ident)
    if account is None:
        raise SesameError(Code.NOT_FOUND)
    return account.id
