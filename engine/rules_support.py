"""Rules of the staff's actions: creating an account (`account add` or import),
unlock, disable, enable and a change of contact channels."""

from __future__ import annotations

from dataclasses import replace

from engine import backoff
from engine.channels import usable_channels
from engine.counted import Counted
from engine.events import (
    AccountCreated,
    Audit,
    ChannelsChanged,
    Decision,
    DisabledBySupport,
    Effect,
    EnabledBySupport,
    Outcome,
    ResetSentBySupport,
    Snapshot,
    UnlockedBySupport,
)
from engine.model import Account, AccountState, FlowKind, FlowState
from engine.outcomes import Code
from engine.rules import Changes, Context, decide, notification
from engine.rules_recovery import identity_failures, send_limit_detail, start_flow

A, F = AccountState, FlowState
# A created account's id until the database assigns one, as it inserts the row.
NEW_ACCOUNT_ID = 0

# --- creation ----------------------------------------------------------------


def account_created(snap: Snapshot | None, ev: AccountCreated, ctx: Context) -> Decision:
    """No account → active: `account add` (a password set, or none yet) or an
    imported row (its hash as given, or none), with its audit event."""
    imported = ev.imported_from is not None
    account = Account(
        id=NEW_ACCOUNT_ID,
        nir=ev.nir,
        birth_date=ev.birth_date,
        email=ev.email,
        mobile=ev.mobile,
        sms_capable=ev.sms_capable,
        password_hash=ev.password_hash,
        state=A.ACTIVE,
        failed_attempts=0,
        locked_at=None,
        locked_until=None,
        last_login_at=None,
        password_changed_at=ctx.now if ev.password_hash and not imported else None,
        created_at=ctx.now,
        language=ev.language,
    )
    if ev.imported_from is None:
        detail = {"password": "set" if ev.password_hash else "none"}
        audit, code = Audit("account_created", None, A.ACTIVE, detail), Code.ACCOUNT_CREATED
    else:
        source, line = ev.imported_from
        password = "imported" if ev.password_hash else "none"
        detail = {"file": source, "line": str(line), "password": password}
        audit, code = Audit("account_imported", None, A.ACTIVE, detail), Code.ACCOUNT_IMPORTED
    return Decision(account, (), (audit,), Outcome(code, True))


# --- support staff ---------------------------------------------------------------


def unlocked_by_support(snap: Snapshot, ev: UnlockedBySupport, ctx: Context) -> Decision:
    """Lift the lock; optionally send a reset exactly as self-service would."""
    detail = {"reason": ev.reason, "by": "support"}
    lifted = Audit("account_unlocked", A.LOCKED, A.ACTIVE, detail)
    return _support_unlock(snap, ev, ctx, Code.UNLOCKED, (lifted,))


def unlock_not_locked(snap: Snapshot, ev: UnlockedBySupport, ctx: Context) -> Decision:
    """No lock to lift: clear the failures all the same. A reset asked with it is
    refused, changing nothing: `account send-reset` sends one without an unlock."""
    if ev.send_reset is not None:
        refused = Outcome(Code.ACCOUNT_NOT_LOCKED, False, reason="send_reset")
        return Decision(snap.account, (), (), refused)
    detail = {"reason": ev.reason, "by": "support"}
    cleared = Audit("failures_cleared", A.ACTIVE, A.ACTIVE, detail)
    effects = (cleared,) if snap.account.failed_attempts else ()
    return _support_unlock(snap, ev, ctx, Code.NOT_LOCKED, effects)


def _support_unlock(
    snap: Snapshot, ev: UnlockedBySupport, ctx: Context, code: Code, audits: tuple[Audit, ...]
) -> Decision:
    """Clear the lock, the failures and the identity back-off; then the reset, if asked."""
    account = snap.account
    if ev.send_reset is not None:
        if ev.send_reset not in usable_channels(account):
            return decide(snap, Code.CHANNEL_UNAVAILABLE, False)
        limited = _send_limited(snap, ctx, "unlock")
        if limited is not None:
            return limited
    unlocked = replace(
        account, state=A.ACTIVE, failed_attempts=0, locked_at=None, locked_until=None
    )
    detail = {"reason": ev.reason, "by": "support"}
    effects: list[Effect] = list(audits)
    series = backoff.current_series(identity_failures(snap), ctx.now)
    if series:
        # The identity back-off ends too: later checks count from this event.
        cleared = {**detail, "identity_failures": str(len(series))}
        effects.append(Audit(Counted.IDENTITY_FAILURES_CLEARED, A.ACTIVE, A.ACTIVE, cleared))
    outcome = Outcome(code, True, identity_failures_cleared=len(series))
    if ev.send_reset is None:
        return Decision(unlocked, (), tuple(effects), outcome)
    started = start_flow(
        replace(snap, account=unlocked), FlowKind.UNLOCK, ev.send_reset, ev.fresh, ctx
    )
    return Decision(unlocked, started.flows, (*effects, *started.effects), outcome)


def reset_sent_by_support(snap: Snapshot, ev: ResetSentBySupport, ctx: Context) -> Decision:
    """A reset on the member's own channel, the account's state untouched: a
    locked account stays locked until the member sets the new password."""
    account = snap.account
    if ev.channel not in usable_channels(account):
        return decide(snap, Code.CHANNEL_UNAVAILABLE, False)
    limited = _send_limited(snap, ctx, "send_reset")
    if limited is not None:
        return limited
    kind = FlowKind.UNLOCK if account.state is A.LOCKED else FlowKind.FORGOT
    started = start_flow(snap, kind, ev.channel, ev.fresh, ctx)
    detail = {"reason": ev.reason, "by": "support", "channel": ev.channel.value}
    asked = Audit("reset_sent_by_support", account.state, account.state, detail)
    outcome = Outcome(Code.RESET_SENT, True)
    return Decision(account, started.flows, (asked, *started.effects), outcome)


def _send_limited(snap: Snapshot, ctx: Context, action: str) -> Decision | None:
    """A support send refused by the cooldown or the daily limit, said as such
    (`send_limited`, not the member's `rate_limited`); nothing changes."""
    limit = send_limit_detail(snap, ctx)
    if limit is None:
        return None
    outcome = Outcome(
        Code.SEND_LIMITED,
        False,
        retry_after=limit.retry_after,
        reason=f"{action}.{limit.limit}",
        limit=limit,
    )
    return Decision(snap.account, (), (), outcome)


def disabled_by_support(snap: Snapshot, ev: DisabledBySupport, ctx: Context) -> Decision:
    """Disabled: login, unlock and forgot are refused, and the open flow is cancelled."""
    account = snap.account
    audit = Audit("account_disabled", account.state, A.DISABLED, {"reason": ev.reason})
    cancelled = _cancel_open_flow(snap, "account_disabled")
    return decide(
        snap,
        Code.DISABLED,
        True,
        audit,
        *cancelled.effects,
        account=replace(account, state=A.DISABLED),
        flows=cancelled.flows,
    )


def enabled_by_support(snap: Snapshot, ev: EnabledBySupport, ctx: Context) -> Decision:
    enabled = replace(
        snap.account, state=A.ACTIVE, failed_attempts=0, locked_at=None, locked_until=None
    )
    audit = Audit("account_enabled", A.DISABLED, A.ACTIVE, {"reason": ev.reason})
    return decide(snap, Code.ENABLED, True, audit, account=enabled)


def channels_changed(snap: Snapshot, ev: ChannelsChanged, ctx: Context) -> Decision:
    """New contact channels: no secret may go to the old ones, so the open flow ends.
    A new language alone changes what the member's next messages are written in."""
    account = snap.account
    changes: dict[str, str] = {}
    for name in ("email", "mobile"):
        change = _change(getattr(account, name), getattr(ev, name))
        if change:
            changes[name] = change
    language = ev.language or account.language
    moved = bool(changes)
    if language != account.language:
        changes["language"] = language
    if not changes:
        return decide(snap, Code.UNCHANGED, True)
    changed = replace(
        account, email=ev.email, mobile=ev.mobile, sms_capable=ev.sms_capable, language=language
    )
    audit = Audit(
        "channels_changed", account.state, account.state, {"reason": ev.reason, **changes}
    )
    if not moved:
        return decide(snap, Code.CHANNELS_CHANGED, True, audit, account=changed)
    cancelled = _cancel_open_flow(snap, "channels_changed")
    effects: list[Effect] = [audit, *cancelled.effects]
    if ctx.policy.notify_on_channel_change and account.email:
        notice = notification(changed, account.email, "email_channels_changed", {}, ctx)
        effects.append(notice)
    return decide(
        snap, Code.CHANNELS_CHANGED, True, *effects, account=changed, flows=cancelled.flows
    )


def _change(old: str | None, new: str | None) -> str | None:
    if old == new:
        return None
    if old is None:
        return "added"
    return "removed" if new is None else "changed"


def _cancel_open_flow(snap: Snapshot, reason: str) -> Changes:
    flow = snap.flow
    if flow is None or not flow.state.is_open:
        return Changes()
    cancelled = replace(flow, state=F.CANCELLED)
    audit = Audit("flow_cancelled", flow.state, F.CANCELLED, {"reason": reason}, flow.id)
    return Changes((cancelled,), (audit,))
