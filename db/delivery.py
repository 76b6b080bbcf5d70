"""Onward delivery of queued messages: email over SMTP, SMS through a gateway command.

Several workers may run at once without sending a message twice. A worker
claims a small batch in a short write transaction (`claimed_by`,
`claimed_until` = now + a lease; FOR UPDATE SKIP LOCKED on PostgreSQL, BEGIN
IMMEDIATE on SQLite), sends outside any transaction, and records each result
in another short transaction only while the claim is still its own. It
starts a send only when the send's timeout ends before the lease does, so a
live claim is never taken over mid-send. A crashed worker's claims expire
with the lease: a crash between a send and its record is the one case where
a message may go out twice.

A failure is retried with exponential backoff; after `max_delivery_attempts`
the message is abandoned. An abandoned message that carried a secret has its
body erased (an expired temporary password or link is not kept in plain
text), so it can no longer be retried: the member starts a new request.
A message whose recovery flow closed before it left (expired, cancelled by a
channel change, superseded, completed) is abandoned the same way, unsent: a
secret never goes out for a flow that no longer accepts it.

This module claims, sends and records; the senders (SMTP, SMS gateway) are in
`db.delivery_senders`, the scrubbing of a failure's text in `db.delivery_scrub`,
`outbox retry` in `db.delivery_retry`.
"""

from __future__ import annotations

import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select, update

from db.delivery_scrub import scrubbed
from db.delivery_senders import SEND_TIMEOUT_SECONDS, DeliveryFailed, Transports, senders
from db.outbox import abandon, flow_closed
from db.outbox_build import Unbuildable
from db.schema import flows, outbox
from db.store import Store
from engine.errors import SesameError
from engine.outbox_status import CLAIMABLE, MessageStatus, after_failure, body_after
from engine.outcomes import Code

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Row

LEASE_SECONDS = 60
# One message per claim: its flow is checked in the claiming transaction just
# before the send, so a channel change or a newer request made while a worker
# is busy still stops a secret that has not been sent yet.
BATCH_SIZE = 1


@dataclass
class PassCounts:
    sent: int = 0
    failed: int = 0
    abandoned: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.abandoned


def worker_id() -> str:
    """Unique among concurrent workers: host, process, and a random part."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"


# --- one pass, and the loop of --watch --------------------------------------------


def deliver_pass(store: Store, transports: Transports, worker: str | None = None) -> PassCounts:
    """Send everything claimable now, batch after batch, until nothing is left."""
    _require_queue_transport(store)
    worker = worker or worker_id()
    counts = PassCounts()
    channels = transports.channels()
    with senders(store, transports) as send:
        while batch := _claim(store, worker, channels, counts):
            _deliver_batch(store, worker, batch, send, counts)
    if counts.sent or counts.abandoned:
        store.erase_wal()
    return counts


def watch(
    store: Store,
    transports: Transports,
    report: Callable[[PassCounts], None],
    poll_seconds: float = 1.0,
) -> None:
    """Deliver pass after pass until interrupted; report the passes that did something."""
    _require_queue_transport(store)
    worker = worker_id()
    while True:
        counts = deliver_pass(store, transports, worker)
        if counts.total:
            report(counts)
        time.sleep(poll_seconds)


def _require_queue_transport(store: Store) -> None:
    if store.settings.policy.outbox.transport != "queue":
        raise SesameError(Code.TRANSPORT_IS_FILES)


@dataclass(frozen=True)
class _Batch:
    rows: list[Row[Any]]
    claimed_until: datetime


def _claimable(now: datetime) -> ColumnElement[bool]:
    return and_(
        outbox.c.status.in_(CLAIMABLE),
        or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
        or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now),
    )


def _claim(store: Store, worker: str, channels: list[str], counts: PassCounts) -> _Batch | None:
    """Claim a batch atomically; abandon at once the messages whose flow has closed."""
    now = store.now()
    until = now + timedelta(seconds=LEASE_SECONDS)
    candidates = (
        select(outbox.c.id)
        .where(_claimable(now), outbox.c.channel.in_(channels))
        .order_by(outbox.c.created_at, outbox.c.id)
        .limit(BATCH_SIZE)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite's BEGIN IMMEDIATE serialises
    )
    with store.write() as conn:
        ids = list(conn.execute(candidates).scalars())
        if not ids:
            return None
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(ids), _claimable(now))
            .values(claimed_by=worker, claimed_until=until)
        )
        claimed = conn.execute(
            select(outbox, flows.c.state.label("flow_state"), flows.c.expires_at.label("flow_end"))
            .outerjoin(flows, flows.c.id == outbox.c.flow_id)
            .where(outbox.c.id.in_(ids), outbox.c.claimed_by == worker)
            .order_by(outbox.c.created_at, outbox.c.id)
        ).all()
        live = []
        for row in claimed:
            closed = flow_closed(row.flow_id, row.flow_state, row.flow_end, now)
            if closed is None:
                live.append(row)
            elif abandon(store, conn, row, _mine(row, worker), "flow_closed", closed):
                counts.abandoned += 1
    return _Batch(live, until)


def _deliver_batch(
    store: Store,
    worker: str,
    batch: _Batch,
    send: Callable[[Row[Any]], None],
    counts: PassCounts,
) -> None:
    pending = list(batch.rows)
    try:
        while pending:
            deadline = store.now() + timedelta(seconds=SEND_TIMEOUT_SECONDS)
            if deadline >= batch.claimed_until:
                break
            row = pending.pop(0)
            try:
                send(row)
            except Unbuildable as exc:
                if _record_unbuildable(store, worker, row, f"message cannot be built: {exc}"):
                    counts.abandoned += 1
            except DeliveryFailed as exc:
                status = _record_failure(store, worker, row, scrubbed(str(exc), row))
                if status is MessageStatus.FAILED:
                    counts.failed += 1
                elif status is MessageStatus.ABANDONED:
                    counts.abandoned += 1
            else:
                if _record_success(store, worker, row):
                    counts.sent += 1
    finally:
        # Not started (lease too short, or interrupted): free them for any worker now.
        if pending:
            _release(store, worker, [row.id for row in pending])


# --- recording results ---------------------------------------------------------------


def _mine(row: Row[Any], worker: str) -> ColumnElement[bool]:
    return and_(outbox.c.id == row.id, outbox.c.claimed_by == worker)


def _record_success(store: Store, worker: str, row: Row[Any]) -> bool:
    with store.write() as conn:
        result = conn.execute(
            update(outbox)
            .where(_mine(row, worker))
            .values(
                status=MessageStatus.SENT,
                body=body_after(MessageStatus.SENT, row.body, row.redacted_body),
                delivered_at=store.now(),
                attempts=row.attempts + 1,
                next_attempt_at=None,
                last_error=None,
                claimed_by=None,
                claimed_until=None,
            )
        )
    return result.rowcount == 1


def _record_unbuildable(store: Store, worker: str, row: Row[Any], error: str) -> bool:
    """Abandon at once a message no retry can build; its secret is erased."""
    with store.write() as conn:
        return abandon(store, conn, row, _mine(row, worker), "unbuildable", error)


def _record_failure(store: Store, worker: str, row: Row[Any], error: str) -> MessageStatus | None:
    """The new status, or None when the claim was lost (another worker owns the row)."""
    attempts = row.attempts + 1
    status, next_attempt_at = after_failure(attempts, store.settings.policy.outbox, store.now())
    with store.write() as conn:
        if status is MessageStatus.ABANDONED:
            done = abandon(store, conn, row, _mine(row, worker), "max_attempts", error, attempts)
            return status if done else None
        result = conn.execute(
            update(outbox)
            .where(_mine(row, worker))
            .values(
                status=status,
                attempts=attempts,
                next_attempt_at=next_attempt_at,
                last_error=error,
                claimed_by=None,
                claimed_until=None,
            )
        )
    return status if result.rowcount == 1 else None


def _release(store: Store, worker: str, ids: list[str]) -> None:
    with store.write() as conn:
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(ids), outbox.c.claimed_by == worker)
            .values(claimed_by=None, claimed_until=None)
        )
