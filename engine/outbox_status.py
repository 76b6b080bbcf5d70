"""The life of a queued message: a small machine of its own.

    queued ──sent──▶ sent
      │  └─failed──▶ failed ──sent──▶ sent
      │               │  └──failed (again, with backoff)
      └─abandoned──▶ abandoned ◀──abandoned┘
    failed, abandoned ──requeued──▶ queued   (`outbox retry`)

A sent message's body (it held the secret) is erased; an abandoned one's too
when it carried a secret, so it cannot be retried. A notice without a secret
keeps its body, so `outbox retry` can send it later.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from engine.policy import OutboxParams


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    ABANDONED = "abandoned"


class MessageEvent(StrEnum):
    SENT = "sent"
    FAILED = "failed"
    ABANDONED = "abandoned"
    REQUEUED = "requeued"


S, E = MessageStatus, MessageEvent

LIFECYCLE: dict[tuple[MessageStatus, MessageEvent], MessageStatus] = {
    (S.QUEUED, E.SENT): S.SENT,
    (S.FAILED, E.SENT): S.SENT,
    (S.QUEUED, E.FAILED): S.FAILED,
    (S.FAILED, E.FAILED): S.FAILED,
    (S.QUEUED, E.ABANDONED): S.ABANDONED,
    (S.FAILED, E.ABANDONED): S.ABANDONED,
    (S.FAILED, E.REQUEUED): S.QUEUED,
    (S.ABANDONED, E.REQUEUED): S.QUEUED,
}


def sources(event: MessageEvent) -> tuple[MessageStatus, ...]:
    """The statuses a message may be in for `event` to apply to it."""
    return tuple(status for status, on in LIFECYCLE if on is event)


# A worker may try to send these; `outbox retry` queues these again.
CLAIMABLE = sources(E.SENT)
RETRYABLE = sources(E.REQUEUED)


def body_after(status: MessageStatus, body: str | None, redacted_body: str) -> str | None:
    """What stays of the body in `status`: a secret never outlives its message."""
    if status is S.SENT:
        return None
    if status is S.ABANDONED and body != redacted_body:
        return None
    return body


def after_failure(
    attempts: int, params: OutboxParams, now: datetime
) -> tuple[MessageStatus, datetime | None]:
    """Status and next attempt after the `attempts`-th failed attempt (backoff 1, 2, 4…×base)."""
    if attempts >= params.max_delivery_attempts:
        return S.ABANDONED, None
    return S.FAILED, now + timedelta(seconds=params.retry_base_seconds * 2 ** (attempts - 1))
