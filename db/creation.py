"""Accounts the machine created (`AccountCreated`): their rows and audit events,
written in the caller's transaction, a whole batch with one statement each."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from db.decisions import audit_row
from db.schema import accounts, audit_events
from engine.events import AccountCreated, Audit, Decision
from engine.machine import Context, step
from engine.model import Account

if TYPE_CHECKING:
    from sqlalchemy import Connection, Table

_ACCOUNT_COLUMNS = (
    "nir",
    "birth_date",
    "email",
    "mobile",
    "sms_capable",
    "password_hash",
    "state",
    "failed_attempts",
    "password_changed_at",
    "created_at",
    "language",
)


def decide(events: list[AccountCreated], ctx: Context) -> list[Decision]:
    """The machine's decision for each new account (pure, no database)."""
    return [step(None, event, ctx) for event in events]


def save_created(
    conn: Connection, decisions: list[Decision], now: datetime, actor: str
) -> dict[str, int]:
    """Insert the accounts and their audit events; return each new account's id by NIR.

    A creation's only effects are audit events (the rule sends no message).
    """
    if not decisions:
        return {}
    _insert_many(conn, accounts, _ACCOUNT_COLUMNS, [_row(d.account) for d in decisions])
    ids = _ids_by_nir(conn, [decision.account.nir for decision in decisions])
    audits = [
        audit_row(effect, ids[decision.account.nir], now, actor)
        for decision in decisions
        for effect in decision.effects
        if isinstance(effect, Audit)
    ]
    _insert_many(conn, audit_events, tuple(audits[0]), audits)
    return ids


def _insert_many(
    conn: Connection, table: Table, names: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """One INSERT for all the rows, each value bound through its column's type as
    SQLAlchemy would, but without its per-row work (half an import's write time)."""
    dialect = conn.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(names))
    order = compiled.positiontup if compiled.positional else None
    processors = {name: table.c[name].type.bind_processor(dialect) for name in names}
    bound = [
        {name: process(row[name]) if process else row[name] for name, process in processors.items()}
        for row in rows
    ]
    if order is None:
        conn.exec_driver_sql(compiled.string, bound)
    else:
        conn.exec_driver_sql(compiled.string, [tuple(row[name] for name in order) for row in bound])


def _ids_by_nir(conn: Connection, nirs: list[str]) -> dict[str, int]:
    """The ids the database gave the accounts just inserted."""
    ids: dict[str, int] = {}
    for start in range(0, len(nirs), 500):
        query = select(accounts.c.nir, accounts.c.id).where(
            accounts.c.nir.in_(nirs[start : start + 500])
        )
        ids.update((nir, account_id) for nir, account_id in conn.execute(query))
    return ids


def _row(account: Account) -> dict[str, Any]:
    """The account's columns, its state as plain text (drivers differ on enums)."""
    return {
        **{name: getattr(account, name) for name in _ACCOUNT_COLUMNS},
        "state": account.state.value,
    }
