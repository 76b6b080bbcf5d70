"""Accounts the machine created (`AccountCreated`): their rows and audit events,
written in the caller's transaction, a whole batch with one statement each."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert

from db.decisions import audit_row
from db.schema import accounts, audit_events
from engine.events import AccountCreated, Audit, Decision
from engine.machine import Context, step

if TYPE_CHECKING:
    from sqlalchemy import Connection

_COLUMNS = (
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
    values = [_row(decision) for decision in decisions]
    created = conn.execute(insert(accounts).returning(accounts.c.id, accounts.c.nir), values)
    ids = {nir: account_id for account_id, nir in created}
    audits = [
        audit_row(effect, ids[decision.account.nir], now, actor)
        for decision in decisions
        for effect in decision.effects
        if isinstance(effect, Audit)
    ]
    conn.execute(insert(audit_events), audits)
    return ids


def _row(decision: Decision) -> dict[str, Any]:
    account = decision.account
    return {name: getattr(account, name) for name in _COLUMNS}
