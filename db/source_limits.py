"""The per-source limit of the member pages: sign-ins and identity checks from
one client address (`[web] max_attempts_per_source` within `source_window_seconds`).

A parameter of the same db call as the step (docs/design.md, "Two faces, one
core"): `procedure.login` and `procedure.start_recovery` count here first when
the face asks them to (`limit_source=True`). Each attempt is one row of
`source_attempts`, counted on its index `(source, at)`; every count first
deletes the rows older than the window, whatever their source, so the table
holds at most the window's attempts. Counting
and inserting happen in one write transaction: BEGIN IMMEDIATE on SQLite, a
transaction-scoped advisory lock on the source on PostgreSQL, so that parallel
workers cannot both take the last place.
"""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta

from sqlalchemy import delete, func, insert, select

from db.schema import source_attempts
from db.store import Store
from engine.errors import SesameError
from engine.outcomes import Code


def admit(store: Store) -> None:
    """Count one attempt from the store's source; `rate_limited` beyond the limit."""
    source, web = store.settings.source, store.settings.policy.web
    if source is None or web.max_attempts_per_source == 0:
        return
    now = store.now()
    since = now - timedelta(seconds=web.source_window_seconds)
    c = source_attempts.c
    with store.write() as conn:
        if store.is_postgres:
            key = int.from_bytes(hashlib.sha256(source.encode()).digest()[:8], "big", signed=True)
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (key,))
        conn.execute(delete(source_attempts).where(c.at <= since))
        times = conn.execute(
            select(func.count(), func.min(c.at)).where(c.source == source, c.at > since)
        ).one()
        if times[0] < web.max_attempts_per_source:
            conn.execute(insert(source_attempts).values(source=source, at=now))
            return
    oldest = times[1]
    # The oldest attempt leaves the window at oldest + window, i.e. (oldest - since) from now.
    wait = max(1, math.ceil((oldest - since).total_seconds())) if oldest else 1
    raise SesameError(
        Code.RATE_LIMITED, reason="source", params={"retry_after": wait}, retry_after=wait
    )
