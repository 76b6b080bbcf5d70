"""The member's procedure, one call per command, each step through `run_step`.

Where a command continues (a temporary password accepted, a secret verified:
the new password; an identity checked without a channel: the channel), the
outcome says so (`engine.next_step`) and the same call asks the face for the
answer through the callback it was given.

Slow work (argon2) runs before the short write transaction, which re-reads
the rows it changes. A refusal is raised only after its effects (a failure
counted, a flow cancelled) are committed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update

from db import decisions, rows, shadow, source_limits
from db.new_password import checked_hash
from db.password_history import previous_hashes
from db.schema import accounts
from db.store import Store
from db.unit_of_work import (
    AccountId,
    FlowNamed,
    Named,
    Result,
    SecretOf,
    Shadowed,
    Stale,
    fresh_secrets,
    lock_rows,
    new_salt,
    run_step,
)
from engine.errors import SesameError
from engine.events import (
    Audit,
    ChannelChosen,
    CodeSubmitted,
    Event,
    IdentityChecked,
    NewPasswordSubmitted,
    Outcome,
    PasswordChecked,
)
from engine.identity import Identifier
from engine.model import Account, AccountState, Channel, FlowKind
from engine.next_step import Next, next_step
from engine.outcomes import Code
from engine.passwords import (
    hash_password,
    needs_rehash,
    secret_digest,
    verify_password,
)

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
# The new password typed twice, asked once the outcome says it comes next.
AskNewPassword = Callable[[Outcome], tuple[str, str]]
# The channel chosen among `Result.channels`, asked after `choose_channel`.
AskChannel = Callable[[Result], Channel]


def login(
    store: Store,
    ident: Identifier,
    password: str,
    ask_new_password: AskNewPassword | None,
    *,
    limit_source: bool = False,
) -> Result:
    """`login`, whole: with a temporary password accepted, the new password too;
    without `ask_new_password`, the result says the new password comes next
    (`temporary_password_accepted`: the API's sign-in, then its new-password step)."""
    if limit_source:  # the member pages: [web] max_attempts_per_source
        source_limits.admit(store)
    result = _login(store, ident, password)
    if ask_new_password is not None and next_step(result.outcome) is Next.NEW_PASSWORD:
        return _new_password(store, BySms(ident), password, result, ask_new_password)
    return result


def _login(store: Store, ident: Identifier, password: str) -> Result:
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
        unknown = Shadowed(event, Audit("login_unknown", None, None))
        return run_step(store, Named(ident, unknown), event)
    for _ in range(_MAX_VERIFY_ROUNDS):
        checked_hash = account.password_hash
        event = PasswordChecked(
            verify_password(checked_hash, password, params), secret_digest(password)
        )
        try:
            where = AccountId(account.id, ident)
            result = run_step(store, where, _unless_moved(checked_hash, event))
        except Stale:
            account = _reread(store, account.id)
            continue
        if result.outcome.code == "logged_in" and checked_hash:
            _rehash(store, account.id, checked_hash, password)
        return result
    raise SesameError(Code.STORAGE_UNAVAILABLE, reason="database", params={"detail": "busy"})


def _unless_moved(checked_hash: str | None, event: PasswordChecked) -> Callable[[Account], Event]:
    """The login's event, unless the hash argon2 checked was replaced meanwhile."""

    def on(account: Account) -> Event:
        if account.password_hash != checked_hash:
            raise Stale
        return event

    return on


def _reread(store: Store, account_id: int) -> Account:
    with store.read() as conn:
        return rows.get_account(conn, account_id)


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
            decisions.record_audit(
                conn, [audit], account_id, store.now(), store.settings.actor, store.settings.source
            )


def start_recovery(
    store: Store,
    ident: Identifier,
    birth_date: date,
    kind: FlowKind,
    channel: Channel | None,
    ask_channel: AskChannel | None = None,
    *,
    limit_source: bool = False,
) -> Result:
    """Steps 2-4 (`unlock`, `forgot`); with `ask_channel`, the channel is chosen
    and the secret sent in the same call, else the result lists the channels."""
    if limit_source:
        source_limits.admit(store)
    fresh = fresh_secrets()
    shadow.require_key(store)
    unknown = Shadowed(IdentityChecked(kind, False, channel, fresh))
    result = run_step(
        store,
        Named(ident, unknown),
        lambda account: IdentityChecked(kind, account.birth_date == birth_date, channel, fresh),
    )
    if ask_channel is not None and next_step(result.outcome) is Next.CHANNEL:
        assert result.flow is not None
        return send_code(store, result.flow.id, ask_channel(result))
    return result


def send_code(store: Store, flow_id: str, channel: Channel) -> Result:
    """Step 3 as its own command, and the resend."""
    return run_step(store, FlowNamed(flow_id), ChannelChosen(channel, fresh_secrets()))


def reset(store: Store, target: Target, secret: str, ask_new_password: AskNewPassword) -> Result:
    """Step 5, whole: the secret verified, then the new password typed twice."""
    digest = secret_digest(secret)
    result = run_step(store, _secret_of(target, digest), CodeSubmitted(_channel(target), digest))
    return _new_password(store, target, secret, result, ask_new_password)


def _new_password(
    store: Store, target: Target, secret: str, verified: Result, ask: AskNewPassword
) -> Result:
    new_password, confirmation = ask(verified.outcome)
    return complete_reset(store, target, secret, new_password, confirmation)


def complete_reset(
    store: Store, target: Target, secret: str, new_password: str, confirmation: str
) -> Result:
    """Step 5, second half: the new password, typed twice."""
    return complete_reset_digest(store, target, secret_digest(secret), new_password, confirmation)


def complete_reset_digest(
    store: Store, target: Target, digest: str, new_password: str, confirmation: str
) -> Result:
    """`complete_reset` by the digest of a secret verified in an earlier request
    (the member pages hold the digest between two requests, never the secret)."""
    policy = store.settings.policy
    where = _secret_of(target, digest)
    with store.read() as conn:
        account, _ = lock_rows(conn, where, for_update=False)
        assert account is not None
        previous = previous_hashes(conn, account, policy.password_history)
    new_hash = checked_hash(
        store,
        new_password,
        confirmation,
        nir=account.nir,
        birth_date=account.birth_date,
        email=account.email,
        previous_hashes=previous,
    )
    event = NewPasswordSubmitted(_channel(target), digest, new_hash)
    return run_step(store, where, event)


def _secret_of(target: Target, digest: str) -> SecretOf:
    return SecretOf(digest, target.ident if isinstance(target, BySms) else None)


def _channel(target: Target) -> Channel:
    return Channel.SMS if isinstance(target, BySms) else Channel.EMAIL
