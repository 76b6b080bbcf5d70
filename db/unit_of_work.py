"""The unit of work: load → `engine.step` → save state, audit and outbox rows in
the caller's write transaction; after commit, deliver and report."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from db import decisions
from db.outbox import check_buildable, deliver
from db.store import Store
from engine.errors import SesameError
from engine.events import Decision, Event, FreshSecrets, Outcome, Snapshot
from engine.identity import Identifier
from engine.machine import Context, step
from engine.model import Account, Flow
from engine.passwords import TEMP_PASSWORD_ALPHABET, TEMP_PASSWORD_LENGTH

if TYPE_CHECKING:
    from sqlalchemy import Connection


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    account: Account
    flow: Flow | None


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


def apply_event(
    store: Store, conn: Connection, account: Account, flow: Flow | None, event: Event
) -> tuple[Decision, list[str]]:
    now = store.now()
    settings = store.settings
    before: Snapshot = decisions.snapshot(conn, account, flow, now, settings.policy)
    decision = step(before, event, Context(now, settings.policy, settings.lang))
    check_buildable(decision.effects, settings.policy.mail_from, now)
    return decision, decisions.save(conn, before, decision, now, settings.actor)


def finish(
    store: Store, decision: Decision, message_ids: list[str], ident: Identifier | None
) -> Result:
    """After commit: deliver the messages (files transport), then report or refuse."""
    if store.settings.policy.outbox.transport == "files":
        deliver(store, message_ids)
    outcome = decision.outcome
    if not outcome.ok:
        params: dict[str, object] = {
            "max_failed_attempts": store.settings.policy.max_failed_attempts,
            "retry_after": outcome.retry_after,
        }
        if ident is not None:
            params["ident"] = ident_text(ident)
        raise SesameError(outcome.code, params=params, retry_after=outcome.retry_after)
    return Result(outcome, decision.account, decision.flow)
