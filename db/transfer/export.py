"""`account export`: every account in the import format, streamed, and its audit."""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from db.decisions import record_audit
from db.effective_state import effective_state_is
from db.schema import accounts, audit_events
from db.store import Store
from engine.events import Audit
from engine.model import AccountState

# The failure whose time the fraud team reads (engine.lockout.FAILURE_EVENTS[0]).
LAST_FAILURE_EVENT = "login_failed"


@dataclass(frozen=True)
class ExportedAccount:
    nir: str
    birth_date: date
    email: str | None
    mobile: str | None
    password_hash: str | None
    language: str
    # with the lock details only (`--state locked`)
    locked_at: datetime | None = None
    failed_attempts: int | None = None
    last_failure_at: datetime | None = None


def _last_failure() -> Any:
    """The account's latest `login_failed`: one seek on ix_audit_account_event_at."""
    e = audit_events.c
    return (
        select(func.max(e.at))
        .where(e.account_id == accounts.c.id, e.event == LAST_FAILURE_EVENT)
        .scalar_subquery()
        .label("last_failure_at")
    )


def export_accounts(
    store: Store, state: AccountState | None, *, with_hashes: bool, lock_details: bool = False
) -> Generator[ExportedAccount]:
    """Every account (in creation order), streamed; hashes only when asked.

    Handing out password hashes is recorded in the audit log before the
    first row leaves, so that an interrupted export is recorded too.
    """
    now = store.now()
    c = accounts.c
    details = [c.locked_at, c.failed_attempts, _last_failure()] if lock_details else []
    query = select(
        c.nir, c.birth_date, c.email, c.mobile, c.password_hash, c.language, *details
    ).order_by(c.id)
    if state is not None:
        query = query.where(effective_state_is(state, now))
    if with_hashes:
        detail = {"state": state.value if state else "all"}
        event = Audit("accounts_exported_with_hashes", None, None, detail)
        with store.write() as conn:
            record_audit(conn, [event], None, now, store.settings.actor)
    with store.read() as conn:
        for row in conn.execution_options(yield_per=1000).execute(query):
            yield ExportedAccount(
                nir=row.nir,
                birth_date=row.birth_date,
                email=row.email,
                mobile=row.mobile,
                password_hash=row.password_hash if with_hashes else None,
                language=row.language,
                locked_at=row.locked_at if lock_details else None,
                failed_attempts=row.failed_attempts if lock_details else None,
                last_failure_at=row.last_failure_at if lock_details else None,
            )


def record_export(
    store: Store, command: str, fmt: str, filters: Mapping[str, object], count: int
) -> None:
    """One `accounts_exported` event: who (the actor and the system's user, as
    every audit row), the command and its format (csv, json), its filter as
    given and the rows written; no personal data."""
    detail = {"command": command, "format": fmt, "filter": dict(filters), "rows": count}
    event = Audit("accounts_exported", None, None, detail)
    with store.write() as conn:
        record_audit(conn, [event], None, store.now(), store.settings.actor)
