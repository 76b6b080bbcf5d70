"""Accounts the machine created (`AccountCreated`): their rows and audit events,
written in the caller's transaction, a whole batch with one statement each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select

from db.batch import batch_columns
from db.decisions import audit_row
from db.schema import accounts, audit_events
from engine.events import AccountCreated, Audit, Decision
from engine.machine import Context, step
from engine.model import Account

if TYPE_CHECKING:
    from sqlalchemy import Connection, Dialect, Table

ACCOUNT_COLUMNS = (
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


@dataclass(frozen=True)
class Created:
    """New accounts as the rows to insert; each audit row waits for its account's id
    (plain values: an import prepares them in its worker processes)."""

    accounts: list[dict[str, Any]]
    audits: list[tuple[str, dict[str, Any]]]  # (NIR, audit row without account_id)


def prepare(decisions: list[Decision], now: datetime, actor: str) -> Created:
    """The rows of the accounts the machine created, and of their audit events.

    A creation's only effects are audit events (the rule sends no message).
    """
    return Created(
        accounts=[_row(decision.account) for decision in decisions],
        audits=[
            (decision.account.nir, audit_row(effect, None, now, actor))
            for decision in decisions
            for effect in decision.effects
            if isinstance(effect, Audit)
        ],
    )


def save_created(
    conn: Connection, decisions: list[Decision], now: datetime, actor: str
) -> dict[str, int]:
    """Insert the accounts and their audit events; return each new account's id by NIR."""
    return save_prepared(conn, prepare(decisions, now, actor))


def save_prepared(conn: Connection, created: Created) -> dict[str, int]:
    """Insert prepared accounts and audit events; return each new account's id by NIR."""
    if not created.accounts:
        return {}
    before = conn.execute(select(func.coalesce(func.max(accounts.c.id), 0))).scalar_one()
    _insert_many(conn, accounts, ACCOUNT_COLUMNS, created.accounts)
    ids = _ids_after(conn, before)
    # The batch is this process's (an import prepares the rows in its workers).
    batch = batch_columns()
    audits = [{**row, "account_id": ids[nir], **batch} for nir, row in created.audits]
    _insert_many(conn, audit_events, tuple(audits[0]), audits)
    return ids


def _insert_many(
    conn: Connection, table: Table, names: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """One INSERT for all the rows, each value bound through its column's type as
    SQLAlchemy would, but without its per-row work (see `bound_values`)."""
    dialect = conn.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(names))
    if compiled.positional:
        order = tuple(compiled.positiontup or ())
        conn.exec_driver_sql(compiled.string, bound_values(dialect, table, order, rows))
    else:
        _bind_in_place(dialect, table, names, rows)
        conn.exec_driver_sql(compiled.string, rows)


def bound_values(
    dialect: Dialect, table: Table, names: tuple[str, ...], rows: list[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    """The rows' values in the order of `names`, each bound through its column's
    type as SQLAlchemy would, but without its per-row work (half an import's
    write time): the few columns whose type converts a value are converted in
    place, then each row's values are taken by `itemgetter` (no Python loop per
    value). The rows are the caller's to give away."""
    _bind_in_place(dialect, table, names, rows)
    return list(map(itemgetter(*names), rows))


def bound_rows(
    dialect: Dialect, table: Table, rows: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Rows of values in the order of the table's columns, each bound through
    its column's type, column by column, once per distinct value."""
    if not rows:
        return rows
    columns = list(zip(*rows, strict=True))
    for index, column in enumerate(table.columns):
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            done: dict[Any, Any] = {}
            columns[index] = tuple(
                done[value] if value in done else done.setdefault(value, process(value))
                for value in columns[index]
            )
    return list(zip(*columns, strict=True))


def _bind_in_place(
    dialect: Dialect, table: Table, names: tuple[str, ...], rows: list[dict[str, Any]]
) -> None:
    """Each value through its column's bind processor, once per distinct value
    (the rows of a batch share their timestamps, and many their dates)."""
    for name in names:
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            done: dict[Any, Any] = {}
            for row in rows:
                value = row[name]
                try:
                    row[name] = done[value]
                except KeyError:
                    row[name] = done[value] = process(value)


def _ids_after(conn: Connection, before: int) -> dict[str, int]:
    """The ids the database gave the accounts just inserted, by NIR: every id
    after the largest one before the insert (ids only grow; a row another
    transaction added meanwhile is harmless, its NIR is not asked for)."""
    query = select(accounts.c.nir, accounts.c.id).where(accounts.c.id > before)
    return {nir: account_id for nir, account_id in conn.execute(query)}


def _row(account: Account) -> dict[str, Any]:
    """The account's columns, its state as plain text (drivers differ on enums)."""
    return {
        **{name: getattr(account, name) for name in ACCOUNT_COLUMNS},
        "state": account.state.value,
    }
