"""The machine's side of the rows: the snapshot a step reads, and the decision it
returns written in the caller's transaction (account, flows, audit rows, queued
messages)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, update

from db.batch import batch_columns
from db.operator import audit_columns
from db.password_history import remember
from db.rows import recent_events
from db.schema import accounts, audit_events, flows, outbox
from engine.backoff import Backoff
from engine.counted import Counted
from engine.events import Audit, Decision, SendEmail, SendSms, Snapshot
from engine.lockout import history_since
from engine.model import Account, Channel, Flow
from engine.outbox_status import MessageStatus
from engine.policy import Policy

if TYPE_CHECKING:
    from sqlalchemy import Connection


def new_id() -> str:
    """Identifiers for flows and messages: random, short enough to read out."""
    return secrets.token_hex(8)


def snapshot(
    conn: Connection, account: Account, flow: Flow | None, now: datetime, policy: Policy
) -> Snapshot:
    """The account, its flow, and the history its limits count (index ix_audit_account_event_at)."""
    since = now - timedelta(days=1)
    identity_since = now - Backoff.of(policy).history()
    clears = recent_events(conn, account.id, Counted.IDENTITY_FAILURES_CLEARED, identity_since)
    failures_since, locks_since = history_since(policy, now)
    return Snapshot(
        account=account,
        flow=flow,
        recent_sends=recent_events(conn, account.id, Counted.CODE_SENT, since),
        recent_identity_failures=recent_events(
            conn, account.id, Counted.IDENTITY_FAILED, identity_since
        ),
        identity_failures_cleared_at=max(clears, default=None),
        recent_refused_logins=recent_events(conn, account.id, Counted.LOGIN_REFUSED, since),
        recent_login_failures=(
            # the newest max_failed_attempts: more never changes a decision (engine.lockout)
            recent_events(
                conn,
                account.id,
                Counted.LOGIN_FAILED,
                failures_since,
                newest=policy.max_failed_attempts,
            )
            if failures_since
            else ()
        ),
        recent_locks=(
            recent_events(conn, account.id, Counted.ACCOUNT_LOCKED, locks_since)
            if locks_since
            else ()
        ),
    )


def save(
    conn: Connection,
    before: Snapshot,
    decision: Decision,
    now: datetime,
    actor: str,
    password_history: int = 0,
    source: str | None = None,
) -> list[str]:
    """Write the decision in the caller's transaction; return the queued message ids.

    A replaced password hash joins the account's last `password_history`.
    """
    account = decision.account
    old = before.account
    if old.password_hash is not None and account.password_hash != old.password_hash:
        set_at = old.password_changed_at or old.created_at
        remember(conn, account.id, old.password_hash, set_at, password_history)
    if account != before.account:
        values = {
            name: getattr(account, name)
            for name in (
                "email",
                "mobile",
                "sms_capable",
                "password_hash",
                "failed_attempts",
                "locked_at",
                "locked_until",
                "last_login_at",
                "password_changed_at",
                "language",
            )
        }
        conn.execute(
            update(accounts)
            .where(accounts.c.id == account.id)
            .values(state=account.state, **values)
        )
    for flow in decision.flows:
        save_flow(conn, flow)
    return write_effects(conn, account.id, decision, now, actor, source)


def save_flow(conn: Connection, flow: Flow) -> None:
    values = {
        "state": flow.state.value,
        "channel": flow.channel.value if flow.channel else None,
        "secret_digest": flow.secret_digest,
        "expires_at": flow.expires_at,
        "code_attempts": flow.code_attempts,
    }
    updated = conn.execute(update(flows).where(flows.c.id == flow.id).values(**values))
    if updated.rowcount == 0:
        conn.execute(
            insert(flows).values(
                id=flow.id,
                account_id=flow.account_id,
                kind=flow.kind.value,
                created_at=flow.created_at,
                **values,
            )
        )


def write_effects(
    conn: Connection,
    account_id: int,
    decision: Decision,
    now: datetime,
    actor: str,
    source: str | None = None,
) -> list[str]:
    message_ids = [
        queue_message(conn, effect, account_id, now)
        for effect in decision.effects
        if isinstance(effect, SendSms | SendEmail)
    ]
    audits = [effect for effect in decision.effects if isinstance(effect, Audit)]
    record_audit(conn, audits, account_id, now, actor, source)
    return message_ids


def record_audit(
    conn: Connection,
    events: Sequence[Audit],
    account_id: int | None,
    now: datetime,
    actor: str,
    source: str | None = None,
) -> None:
    """The one writer of audit rows, in the caller's transaction."""
    if events:
        rows = [audit_row(event, account_id, now, actor, source) for event in events]
        conn.execute(insert(audit_events), rows)


def audit_row(
    effect: Audit, account_id: int | None, now: datetime, actor: str, source: str | None = None
) -> dict[str, Any]:
    """Every audit event: the declared actor next to the system's operator, and the
    client the front end named (`--source`; never read by a rule)."""
    return {
        "at": now,
        "actor": actor,
        **audit_columns(),
        **batch_columns(),
        "account_id": account_id,
        "flow_id": effect.flow_id,
        "event": effect.event,
        "state_before": effect.state_before,
        "state_after": effect.state_after,
        "detail": json.dumps(effect.detail, sort_keys=True),
        "source": source,
    }


def queue_message(
    conn: Connection, message: SendSms | SendEmail, account_id: int, now: datetime
) -> str:
    message_id = new_id()
    conn.execute(
        insert(outbox).values(
            id=message_id,
            account_id=account_id,
            flow_id=message.flow_id,
            channel=Channel.SMS if isinstance(message, SendSms) else Channel.EMAIL,
            recipient=message.to,
            subject=message.subject if isinstance(message, SendEmail) else None,
            body=message.body,
            redacted_body=message.redacted_body,
            status=MessageStatus.QUEUED,
            created_at=now,
        )
    )
    return message_id
