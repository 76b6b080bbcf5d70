"""The member's procedure, one function per command: load → step → save → deliver.

Slow work (argon2) runs before the short write transaction, which re-reads
the rows it changes. A refusal is raised only after its effects (a failure
counted, a flow cancelled) are committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import insert

from db import decisions, rows
from db.schema import audit_events
from db.store import Store
from db.unit_of_work import Result, apply_event, finish, fresh_secrets, new_salt
from engine.errors import SesameError
from engine.events import (
    Audit,
    ChannelChosen,
    CodeSubmitted,
    IdentityChecked,
    NewPasswordSubmitted,
    PasswordChecked,
)
from engine.identity import Identifier
from engine.model import Account, Channel, Flow, FlowKind
from engine.passwords import (
    check_new_password,
    hash_password,
    needs_rehash,
    secret_digest,
    verify_password,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

# argon2 re-runs when the hash changed while it was verifying (a parallel reset).
_MAX_VERIFY_ROUNDS = 3


@dataclass(frozen=True)
class BySms:
    """Step 5 after an SMS: the account is named, the secret is typed."""

    ident: Identifier


@dataclass(frozen=True)
class ByLink:
    """Step 5 after an email: the link's token alone points to the flow."""


Target = BySms | ByLink


def login(store: Store, ident: Identifier, password: str) -> Result:
    params = store.settings.policy.argon2
    with store.read() as conn:
        account = rows.find_account(conn, ident)
    if account is None:
        # The same work as a known identifier: one argon2 computation and one
        # short write transaction, so that timing does not tell them apart.
        verify_password(None, password, params)
        with store.write() as conn:
            unknown = Audit("login_unknown", None, None)
            conn.execute(
                insert(audit_events),
                [decisions.audit_row(unknown, None, store.now(), store.settings.actor)],
            )
        raise SesameError("auth_failed")
    for _ in range(_MAX_VERIFY_ROUNDS):
        checked_hash = account.password_hash
        matched = verify_password(checked_hash, password, params)
        rehashed = None
        if matched and checked_hash and needs_rehash(checked_hash, params):
            rehashed = hash_password(password, new_salt(), params)
        event = PasswordChecked(matched, secret_digest(password), rehashed)
        with store.write() as conn:
            account = rows.get_account(conn, account.id, for_update=True)
            if account.password_hash != checked_hash:
                continue
            flow = rows.open_flow(conn, account.id, for_update=True)
            decision, message_ids = apply_event(store, conn, account, flow, event)
        return finish(store, decision, message_ids, ident)
    raise SesameError("storage_unavailable", reason="database", params={"detail": "busy"})


def start_recovery(
    store: Store, ident: Identifier, birth_date: date, kind: FlowKind, channel: Channel | None
) -> Result:
    """Steps 2-4 (`unlock`, `forgot`)."""
    with store.write() as conn:
        account = rows.find_account(conn, ident, for_update=True)
        if account is None:
            raise SesameError("identity_mismatch")
        flow = rows.open_flow(conn, account.id, for_update=True)
        event = IdentityChecked(kind, account.birth_date == birth_date, channel, fresh_secrets())
        decision, message_ids = apply_event(store, conn, account, flow, event)
    return finish(store, decision, message_ids, ident)


def send_code(store: Store, flow_id: str, channel: Channel) -> Result:
    """Step 3 as its own command, and the resend."""
    with store.write() as conn:
        found = rows.flow_by_id(conn, flow_id)
        if found is None:
            raise SesameError("no_open_flow")
        # Lock the account before the flow, in the same order as every other write.
        account = rows.get_account(conn, found.account_id, for_update=True)
        flow = rows.flow_by_id(conn, flow_id, for_update=True)
        decision, message_ids = apply_event(
            store, conn, account, flow, ChannelChosen(channel, fresh_secrets())
        )
    return finish(store, decision, message_ids, None)


def verify_secret(store: Store, target: Target, secret: str) -> Result:
    """Step 5, first half: the temporary password or the link's token."""
    digest = secret_digest(secret)
    channel = Channel.SMS if isinstance(target, BySms) else Channel.EMAIL
    with store.write() as conn:
        account, flow = _locate(conn, target, digest)
        decision, message_ids = apply_event(
            store, conn, account, flow, CodeSubmitted(channel, digest)
        )
    return finish(store, decision, message_ids, _ident(target))


def complete_reset(
    store: Store, target: Target, secret: str, new_password: str, confirmation: str
) -> Result:
    """Step 5, second half: the new password, typed twice."""
    digest = secret_digest(secret)
    policy = store.settings.policy
    with store.read() as conn:
        account, _ = _locate(conn, target, digest, for_update=False)
    check_new_password(
        new_password,
        confirmation,
        min_length=policy.password_min_length,
        nir=account.nir,
        birth_date=account.birth_date,
        email=account.email,
    )
    new_hash = hash_password(new_password, new_salt(), policy.argon2)
    channel = Channel.SMS if isinstance(target, BySms) else Channel.EMAIL
    with store.write() as conn:
        account, flow = _locate(conn, target, digest)
        event = NewPasswordSubmitted(channel, digest, new_hash)
        decision, message_ids = apply_event(store, conn, account, flow, event)
    return finish(store, decision, message_ids, _ident(target))


def _locate(
    conn: Connection, target: Target, digest: str, *, for_update: bool = True
) -> tuple[Account, Flow | None]:
    """The account and the flow a submitted secret concerns."""
    if isinstance(target, BySms):
        account = rows.find_account(conn, target.ident, for_update=for_update)
        if account is None:
            raise SesameError("code_invalid")
        flow = rows.open_flow(conn, account.id, for_update=for_update)
        if flow is None:
            flow = rows.flow_by_digest(conn, digest, account.id, for_update=for_update)
        return account, flow
    found = rows.flow_by_digest(conn, digest)
    if found is None:
        raise SesameError("code_invalid")
    account = rows.get_account(conn, found.account_id, for_update=for_update)
    return account, rows.flow_by_id(conn, found.id, for_update=for_update)


def _ident(target: Target) -> Identifier | None:
    return target.ident if isinstance(target, BySms) else None
