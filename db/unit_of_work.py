"""The unit of work: every write of the procedure is one call to `run_step`.

One short write transaction locks the rows (the account, then its flow: the
one order every writer keeps, so two steps never deadlock), loads the
snapshot, runs `engine.machine.step`, saves the state, audit and outbox rows
and commits; after commit it delivers the messages, then refuses or reports.
A dry run takes the same path and rolls back instead of committing. An
unknown identifier steps its shadow (`db.shadow`) the same way.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from db import decisions, rows, send_limits, shadow
from db.outbox import deliver_files
from db.outbox_build import check_buildable
from db.refusals import count_refusal
from db.store import Store
from engine.errors import SesameError
from engine.events import (
    Audit,
    Decision,
    Event,
    FreshSecrets,
    Outcome,
    SendEmail,
    SendSms,
    Snapshot,
)
from engine.identity import Identifier
from engine.machine import Context, step, usable_channels
from engine.message_templates import NO_OVERRIDES
from engine.model import Account, Channel, Flow
from engine.outcomes import Code
from engine.passwords import TEMP_PASSWORD_ALPHABET, TEMP_PASSWORD_LENGTH
from engine.policy import Policy

if TYPE_CHECKING:
    from sqlalchemy import Connection


@dataclass(frozen=True)
class QueuedMessage:
    """A message a step queued: its id, channel and flow, and the outbox file it
    was written to (the files transport; None while it waits for `outbox deliver`)."""

    id: str
    channel: Channel
    flow_id: str | None
    path: Path | None = None


@dataclass(frozen=True)
class Result:
    """What a step produced: the outcome, the account and flows as now saved."""

    outcome: Outcome
    account: Account
    flow: Flow | None
    # The account's open flow after the step (support shows it without re-reading).
    open_flow: Flow | None = None
    # The channels the member may choose among (asked after `choose_channel`).
    channels: tuple[Channel, ...] = ()
    # The messages the step queued, in the order of its effects.
    messages: tuple[QueuedMessage, ...] = ()

    def message_of(self, flow: Flow | None) -> QueuedMessage | None:
        """The last message the step queued for `flow` (its secret), if any."""
        if flow is None:
            return None
        return next((m for m in reversed(self.messages) if m.flow_id == flow.id), None)


# --- which rows a step concerns --------------------------------------------------


@dataclass(frozen=True)
class Shadowed:
    """What an unknown identifier's shadow steps instead, and the audit event
    of the attempt (with no account) written beside it."""

    event: Event
    audit: Audit | None = None


@dataclass(frozen=True)
class Named:
    """The account an identifier names and its open flow; an unknown identifier
    steps its shadow (`unknown`), or is refused as `not_found` without one."""

    ident: Identifier
    unknown: Shadowed | None = None


@dataclass(frozen=True)
class AccountId:
    """An account found before the slow work (a login after argon2), and its
    open flow; `ident` is how the member named it (for the refusal's text)."""

    account_id: int
    ident: Identifier


@dataclass(frozen=True)
class FlowNamed:
    """The flow `send-code` names by its id, and that flow's account."""

    flow_id: str


@dataclass(frozen=True)
class SecretOf:
    """The flow a typed secret concerns: after an SMS, the named account's open
    flow (else the one the digest points to); after an email, the flow the
    link's digest alone points to."""

    digest: str
    ident: Identifier | None = None


Target = Named | AccountId | FlowNamed | SecretOf
EventFor = Event | Callable[[Account], Event]


class Stale(Exception):
    """The rows moved since the slow work before the step: run that work again."""


class _Subject(Protocol):
    """The rows one step reads and writes: a real account, or a shadow."""

    def snapshot(self, conn: Connection, now: datetime, policy: Policy) -> Snapshot: ...

    def save(
        self,
        conn: Connection,
        before: Snapshot,
        decision: Decision,
        now: datetime,
        actor: str,
        source: str | None = None,
    ) -> list[str]: ...


@dataclass(frozen=True)
class _Known:
    account: Account
    flow: Flow | None
    password_history: int = 0

    def snapshot(self, conn: Connection, now: datetime, policy: Policy) -> Snapshot:
        return decisions.snapshot(conn, self.account, self.flow, now, policy)

    def save(
        self,
        conn: Connection,
        before: Snapshot,
        decision: Decision,
        now: datetime,
        actor: str,
        source: str | None = None,
    ) -> list[str]:
        return decisions.save(conn, before, decision, now, actor, self.password_history, source)


class _RolledBack(Exception):
    """Carries a dry run's result out of its transaction, which it rolls back."""

    def __init__(self, result: Result) -> None:
        super().__init__()
        self.result = result


def run_step(
    store: Store,
    target: Target,
    event: EventFor,
    *,
    dry_run: bool = False,
    refuse: bool = True,
) -> Result:
    """One step in one transaction: lock, load, `step`, save, commit, deliver.

    `event` may be built from the locked account. A refusal is raised after
    its effects are committed, unless `refuse` is False (bulk actions report
    it per line). A dry run saves nothing and delivers nothing.
    """
    try:
        with store.write() as conn:
            result = _step(store, conn, target, event)
            if dry_run:
                raise _RolledBack(result)
    except _RolledBack as rolled_back:
        return rolled_back.result
    if store.settings.policy.outbox.transport == "files":
        written = deliver_files(store, [m.id for m in result.messages])
        messages = tuple(replace(m, path=written.get(m.id)) for m in result.messages)
        result = replace(result, messages=messages)
    if refuse and not result.outcome.ok:
        raise refusal(store, result.outcome, target)
    return result


def _step(store: Store, conn: Connection, target: Target, event: EventFor) -> Result:
    """Lock, load, step and save in the caller's transaction."""
    settings = store.settings
    account, flow = lock_rows(conn, target)
    subject: _Subject
    attempt: tuple[Audit, ...] = ()
    if account is None:
        assert isinstance(target, Named) and target.unknown is not None
        subject, stepped = shadow.lock(store, conn, target.ident), target.unknown.event
        attempt = (target.unknown.audit,) if target.unknown.audit else ()
    else:
        subject = _Known(account, flow, settings.policy.password_history)
        stepped = event(account) if callable(event) else event
    now = store.now()
    before = subject.snapshot(conn, now, settings.policy)
    decision = _decide(store, before, stepped, now)
    check_buildable(decision.effects, settings.policy.mail_from, now)
    message_ids = subject.save(conn, before, decision, now, settings.actor, settings.source)
    decisions.record_audit(conn, attempt, None, now, settings.actor, settings.source)
    if decision.outcome.code is Code.RATE_LIMITED:
        count_refusal(conn, now)
    sends = [e for e in decision.effects if isinstance(e, SendSms | SendEmail)]
    queued = tuple(
        QueuedMessage(
            message_id,
            Channel.SMS if isinstance(effect, SendSms) else Channel.EMAIL,
            effect.flow_id,
        )
        for message_id, effect in zip(message_ids, sends, strict=False)
    )
    return replace(_result(before, decision), messages=queued)


def _decide(store: Store, before: Snapshot, event: Event, now: datetime) -> Decision:
    """The step, its messages in the operator's templates. A command that may send
    read them at its start (`cli.app.open_store`); any other reads them only if
    its step does send, and then in its transaction: a refused one rolls it back."""
    templates, policy = store.templates_read, store.settings.policy
    decision = step(before, event, Context(now, policy, templates or NO_OVERRIDES))
    if templates is None and any(isinstance(e, SendSms | SendEmail) for e in decision.effects):
        decision = step(before, event, Context(now, policy, store.message_templates()))
    return decision


def _result(before: Snapshot, decision: Decision) -> Result:
    """The step's result, with the open flow as saved and the usable channels."""
    flows = {flow.id: flow for flow in (before.flow, *decision.flows) if flow is not None}
    open_flow = next((flow for flow in reversed(flows.values()) if flow.state.is_open), None)
    return Result(
        decision.outcome,
        decision.account,
        decision.flow,
        open_flow,
        usable_channels(decision.account),
    )


def lock_rows(
    conn: Connection, target: Target, *, for_update: bool = True
) -> tuple[Account | None, Flow | None]:
    """The account of the step, then its flow: locked in that order, always.

    A flow looked up only to find its account is read without a lock. The
    account is None for an unknown identifier that has a shadow.
    """
    match target:
        case Named(ident=ident, unknown=unknown):
            account = rows.find_account(conn, ident, for_update=for_update)
            if account is None:
                if unknown is None:
                    raise SesameError(Code.NOT_FOUND)
                return None, None
            return account, rows.open_flow(conn, account.id, for_update=for_update)
        case AccountId(account_id=account_id):
            account = rows.get_account(conn, account_id, for_update=for_update)
            return account, rows.open_flow(conn, account.id, for_update=for_update)
        case FlowNamed(flow_id=flow_id):
            return _flow_first(conn, rows.flow_by_id(conn, flow_id), Code.NO_OPEN_FLOW, for_update)
        case SecretOf(digest=digest, ident=None):
            return _flow_first(
                conn, rows.flow_by_digest(conn, digest), Code.CODE_INVALID, for_update
            )
        case SecretOf(digest=digest, ident=Identifier() as ident):
            account = rows.find_account(conn, ident, for_update=for_update)
            if account is None:
                raise SesameError(Code.CODE_INVALID)
            flow = rows.open_flow(conn, account.id, for_update=for_update)
            if flow is None:
                flow = rows.flow_by_digest(conn, digest, account.id, for_update=for_update)
            return account, flow
    raise AssertionError(target)


def _flow_first(
    conn: Connection, found: Flow | None, missing: Code, for_update: bool
) -> tuple[Account, Flow | None]:
    """A flow named without its account: the account is locked first all the same."""
    if found is None:
        raise SesameError(missing)
    account = rows.get_account(conn, found.account_id, for_update=for_update)
    return account, rows.flow_by_id(conn, found.id, for_update=for_update)


def refusal(store: Store, outcome: Outcome, target: Target) -> SesameError:
    """The error a refused step raises, with what its message needs."""
    params: dict[str, object] = {
        "max_failed_attempts": store.settings.policy.max_failed_attempts,
        "retry_after": outcome.retry_after,
    }
    ident = None if isinstance(target, FlowNamed) else target.ident
    if ident is not None:
        params["ident"] = ident_text(ident)
    details: dict[str, object] = {}
    if outcome.limit is not None:
        now, policy = store.now(), store.settings.policy
        params.update(send_limits.limit_params(outcome.limit, now, policy))
        details = send_limits.limit_details(outcome, now)
    return SesameError(
        outcome.code,
        reason=outcome.reason,
        params=params,
        retry_after=outcome.retry_after,
        details=details,
    )


# --- randomness drawn before a step ----------------------------------------------


def fresh_secrets() -> FreshSecrets:
    return FreshSecrets(
        flow_id=decisions.new_id(),
        sms_code="".join(
            secrets.choice(TEMP_PASSWORD_ALPHABET) for _ in range(TEMP_PASSWORD_LENGTH)
        ),
        link_token=secrets.token_urlsafe(32),
    )


def new_salt() -> bytes:
    return secrets.token_bytes(16)


def ident_text(ident: Identifier) -> str:
    return ident.nir.value if ident.nir else str(ident.email)
