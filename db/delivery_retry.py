"""`outbox retry`: failed and abandoned messages queued again, unless their
secret was erased."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from db.decisions import record_audit
from db.schema import outbox
from db.store import Store
from engine.errors import SesameError
from engine.events import Audit
from engine.outbox_status import LIFECYCLE, RETRYABLE, MessageEvent, MessageStatus
from engine.outcomes import Code


@dataclass(frozen=True)
class Requeued:
    requeued: int
    erased: int


def retry(store: Store, message_id: str | None) -> Requeued:
    """Queue failed and abandoned messages again, attempts reset (one, or all when None).

    An abandoned message whose secret was erased cannot be sent again: one
    named message is refused; with all of them it is counted aside.
    """
    query = select(outbox).where(outbox.c.status.in_(RETRYABLE))
    if message_id is not None:
        query = select(outbox).where(outbox.c.id == message_id)
    requeued = erased = 0
    with store.write() as conn:
        for row in conn.execute(query.with_for_update()).all():
            if row.status not in RETRYABLE:
                raise SesameError(
                    Code.MESSAGE_NOT_RETRYABLE, params={"id": row.id, "status": row.status}
                )
            if row.body is None:
                if message_id is not None:
                    raise SesameError(Code.MESSAGE_SECRET_ERASED, params={"id": row.id})
                erased += 1
                continue
            conn.execute(
                update(outbox)
                .where(outbox.c.id == row.id, outbox.c.status == row.status)
                .values(
                    status=LIFECYCLE[(MessageStatus(row.status), MessageEvent.REQUEUED)],
                    attempts=0,
                    next_attempt_at=None,
                    last_error=None,
                    claimed_by=None,
                    claimed_until=None,
                )
            )
            detail = {"message": row.id, "channel": row.channel, "attempts": str(row.attempts)}
            event = Audit("message_requeued", row.status, MessageStatus.QUEUED, detail, row.flow_id)
            record_audit(conn, [event], row.account_id, store.now(), store.settings.actor)
            requeued += 1
        if message_id is not None and requeued == 0:
            raise SesameError(Code.MESSAGE_NOT_FOUND)
    return Requeued(requeued, erased)
