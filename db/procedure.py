"""The member's procedure, one function per command: load → step → save → deliver.

Slow work (argon2) runs before the short write transaction, which re-reads
the rows it changes. A refusal is raised only after its effects (a failure
counted, a flow cancelled) are committed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import insert, update

from db import decisions, rows, shadow
from db.schema import accounts, audit_events
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
from engine.model import Account, AccountState, Channel, Flow, FlowKind
from engine.outcomes import Code
from engine.passwords import (
    check_new_password,
    hash_password,
    needs_rehash,
    secret_digest,
    verify_password,
)

if TYPE_CHECKING:
    from sqlalchemy import Connection

A = AccountState
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
    """One argon2 verification, then the decision; a rehash only after a login.

    Whatever the account's state and the password, the work before the
    decision is the same: a locked or disabled account costs as much for the
    right password as for a wrong one, so timing does not tell which it was.
    """
    params = store.settings.policy.argon2
    shadow.require_key(store)
    with store.read() as conn:
        account = rows.find_account(conn, ident)
    if account is None:
        # The same work as a known identifier: one argon2 computation, then its
        # shadow account through the same machine in one short transaction.
        verify_password(None, password, params)
        event = PasswordChecked(False, secret_digest(password))
        with store.write() as conn:
            decision = shadow.step_unknown(store, conn, ident, event)
            unknown = Audit("login_unknown", None, None)
            conn.execute(
                insert(audit_events),
                [decisions.audit_row(unknown, None, store.now(), store.settings.actor)],
            )
        return finish(store, decision, [], ident)
    for _ in range(_MAX_VERIFY_ROUNDS):
        checked_hash = account.password_hash
        event = PasswordChecked(
            verify_password(checked_hash, password, params), secret_digest(password)
        )
        with store.write() as conn:
            account = rows.get_account(conn, account.id, for_update=True)
            if account.password_hash != checked_hash:
                continue
            flow = rows.open_flow(conn, account.id, for_update=True)
            decision, message_ids = apply_event(store, conn, account, flow, event)
        if decision.outcome.code == "logged_in" and checked_hash:
            _rehash(store, account.id, checked_hash, password)
        return finish(store, decision, message_ids, ident)
    raise SesameError(Code.STORAGE_UNAVAILABLE, reason="database", params={"detail": "busy"})


def _rehash(store: Store, account_id: int, checked_hash: str, password: str) -> None:
    """Re-hash with the configured parameters after a decided login.

    argon2 runs outside any transaction; the short one that stores the new
    hash changes nothing if the hash moved meanwhile (a parallel reset).
    """
    params = store.settings.policy.argon2
    if not needs_rehash(checked_hash, params):
        return
    rehashed = hash_password(password, new_salt(), params)
    with store.write() as conn:
        stored = conn.execute(
            update(accounts)
            .where(accounts.c.id == account_id, accounts.c.password_hash == checked_hash)
            .values(password_hash=rehashed)
        )
        if stored.rowcount:
            audit = Audit("password_rehashed", A.ACTIVE, A.ACTIVE)
            conn.execute(
                insert(audit_events),
                [decisions.audit_row(audit, account_id, store.now(), store.settings.actor)],
            )


def start_recovery(
    store: Store, ident: Identifier, birth_date: date, kind: FlowKind, channel: Channel | None
) -> Result:
    """Steps 2-4 (`unlock`, `forgot`)."""
    fresh = fresh_secrets()
    message_ids: list[str] = []
    shadow.require_key(store)
    with store.write() as conn:
        account = rows.find_account(conn, ident, for_update=True)
        if account is None:
            # An unknown identifier: its shadow, with the same limits and answers.
            event = IdentityChecked(kind, False, channel, fresh)
            decision = shadow.step_unknown(store, conn, ident, event)
        else:
            flow = rows.open_flow(conn, account.id, for_update=True)
            event = IdentityChecked(kind, account.birth_date == birth_date, channel, fresh)
            decision, message_ids = apply_event(store, conn, account, flow, event)
    return finish(store, decision, message_ids, ident)


def send_code(store: Store, flow_id: str, channel: Channel) -> Result:
    """Step 3 as its own command, and the resend."""
    with store.write() as conn:
        found = rows.flow_by_id(conn, flow_id)
        if found is None:
            raise SesameError(Code.NO_OPEN_FLOW)
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
            raise SesameError(Code.CODE_INVALID)
        flow = rows.open_flow(conn, account.id, for_update=for_update)
        if flow is None:
            flow = rows.flow_by_digest(conn, digest, account.id, for_update=for_update)
        return account, flow
    found = rows.flow_by_digest(conn, digest)
    if found is None:
        raise SesameError(Code.CODE_INVALID)
    account = rows.get_account(conn, found.account_id, for_update=for_update)
    return account, rows.flow_by_id(conn, found.id, for_update=for_update)


def _ident(target: Target) -> Identifier | None:
    return target.ident if isinstance(target, BySms) else None
