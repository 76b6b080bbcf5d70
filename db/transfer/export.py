"""`account export`: every account in the import format, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from db.decisions import record_audit
from db.effective_state import effective_state_is
from db.schema import accounts
from db.store import Store
from engine.events import Audit
from engine.model import AccountState


@dataclass(frozen=True)
class ExportedAccount:
    nir: str
    birth_date: date
    email: str | None
    mobile: str | None
    password_hash: str | None
    language: str


def export_accounts(
    store: Store, state: AccountState | None, *, with_hashes: bool
) -> Iterator[ExportedAccount]:
    """Every account (in creation order), streamed; hashes only when asked.

    Handing out password hashes is recorded in the audit log before the
    first row leaves, so that an interrupted export is recorded too.
    """
    now = store.now()
    query = select(
        accounts.c.nir,
        accounts.c.birth_date,
        accounts.c.email,
        accounts.c.mobile,
        accounts.c.password_hash,
        accounts.c.language,
    ).order_by(accounts.c.id)
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
            )
