"""Writing checked rows: duplicates against the database refused, then each
row an `AccountCreated` event of the machine, a batch in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import or_, select

from db.creation import Created, decide, prepare, save_prepared
from db.schema import accounts
from db.store import Store
from db.transfer.rows import NewAccount, Refusal
from engine.events import AccountCreated
from engine.machine import Context

if TYPE_CHECKING:
    from sqlalchemy import Connection


def lock_accounts(conn: Connection) -> None:
    """Hold off other writers of `accounts` until this batch commits.

    SQLite's BEGIN IMMEDIATE already does; on PostgreSQL a row created by
    another command between the duplicate check and the insert would end the
    import with an IntegrityError instead of a refused row.
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE accounts IN SHARE ROW EXCLUSIVE MODE")


def split_existing(
    conn: Connection, rows: list[NewAccount]
) -> tuple[list[NewAccount], list[Refusal]]:
    """The rows no account has yet, and a refusal for each of the others."""
    if not rows:
        return [], []
    nirs = [row.nir for row in rows]
    emails = [row.email for row in rows if row.email]
    query = select(accounts.c.nir, accounts.c.email).where(
        or_(accounts.c.nir.in_(nirs), accounts.c.email.in_(emails))
    )
    taken_nirs: set[str] = set()
    taken_emails: set[str] = set()
    for nir, email in conn.execute(query):
        taken_nirs.add(nir)
        if email:
            taken_emails.add(email)
    fresh: list[NewAccount] = []
    taken: list[Refusal] = []
    for row in rows:
        if row.nir in taken_nirs or (row.email and row.email in taken_emails):
            taken.append(Refusal(row.line, "account_exists"))
        else:
            fresh.append(row)
    return fresh, taken


def insert_accounts(store: Store, conn: Connection, rows: list[NewAccount], source: str) -> None:
    """The accounts and one `account_imported` audit event each, in the caller's
    transaction: the machine decides every row, then one insert per table."""
    save_prepared(conn, decide_rows(creation_context(store), source, rows))


def creation_context(store: Store) -> CreationContext:
    """What deciding new accounts needs from the store (plain values, for workers)."""
    settings = store.settings
    return CreationContext(Context(store.now(), settings.policy), settings.actor)


@dataclass(frozen=True)
class CreationContext:
    machine: Context
    actor: str


def decide_rows(context: CreationContext, source: str, rows: list[NewAccount]) -> Created:
    """Each checked row an `AccountCreated` event of the machine; the rows of its
    decisions, ready to insert."""
    decisions = decide(creation_events(context, source, rows), context.machine)
    return prepare(decisions, context.machine.now, context.actor)


def creation_events(
    context: CreationContext, source: str, rows: list[NewAccount]
) -> list[AccountCreated]:
    """Each checked row of the file `source` as the machine's `AccountCreated`."""
    return [
        AccountCreated(
            nir=row.nir,
            birth_date=row.birth_date,
            email=row.email,
            mobile=row.mobile,
            sms_capable=row.sms_capable,
            password_hash=row.password_hash,
            imported_from=(source, row.line),
            language=row.language or context.machine.policy.default_language,
        )
        for row in rows
    ]
