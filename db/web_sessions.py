"""The member pages' short-lived server-side state (`web_sessions`).

A step of the procedure that spans two requests (the channel chosen after the
identity check, the new password after the temporary password or the emailed
link) keeps here what the second request needs: the flow, the identifier
typed, and the digest of the secret already verified (the value `flows`
holds), never the secret. The row's key is the SHA-256 of the browser's
random cookie, never the cookie. Rows die at `expires_at`; every save purges
the expired ones, so several workers or machines on one database share them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select

from db.schema import web_sessions
from db.store import Store


@dataclass(frozen=True)
class WebState:
    purpose: str  # "channel" (a flow waits for its channel) | "password" (a new password)
    flow_id: str | None = None
    ident: str | None = None  # the identifier typed (the SMS path's target)
    digest: str | None = None  # the digest of the secret already verified


def session_key(cookie: str) -> str:
    return hashlib.sha256(b"sesame-session\0" + cookie.encode()).hexdigest()


def save(
    store: Store, cookie: str, state: WebState, ttl_seconds: int, *, replaces: str | None = None
) -> None:
    """The session's state, replacing its own and that of the cookie it `replaces`
    (the browser's previous one); purge every expired row."""
    now = store.now()
    key = session_key(cookie)
    c = web_sessions.c
    old = [key] if replaces is None else [key, session_key(replaces)]
    with store.write() as conn:
        conn.execute(delete(web_sessions).where(c.id.in_(old) | (c.expires_at <= now)))
        conn.execute(
            insert(web_sessions).values(
                id=key,
                purpose=state.purpose,
                flow_id=state.flow_id,
                ident=state.ident,
                digest=state.digest,
                expires_at=now + timedelta(seconds=ttl_seconds),
            )
        )


def load(store: Store, cookie: str, purpose: str) -> WebState | None:
    """The session's state for `purpose`, unless it expired."""
    c = web_sessions.c
    with store.read() as conn:
        row = conn.execute(
            select(c.purpose, c.flow_id, c.ident, c.digest, c.expires_at).where(
                c.id == session_key(cookie)
            )
        ).first()
    if row is None or row.purpose != purpose or _expired(row.expires_at, store.now()):
        return None
    return WebState(row.purpose, row.flow_id, row.ident, row.digest)


def drop(store: Store, cookie: str) -> None:
    with store.write() as conn:
        conn.execute(delete(web_sessions).where(web_sessions.c.id == session_key(cookie)))


def _expired(expires_at: datetime, now: datetime) -> bool:
    return expires_at <= now
