"""The rules of the transition table: one function per (state, event) row,
or per group of rows whose declarations (`engine.machine`) are the same.

Each takes the snapshot, the event and the context, and returns a Decision:
the new account, the flows it wrote, the effects (audit events, messages)
and the outcome. Refusals are outcomes, not exceptions, so that their effects
(a failure counted, a flow cancelled) are saved.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from engine import backoff, messages
from engine.counted import Counted
from engine.effective import effective_account, effective_state
from engine.events import (
    AccountCreated,
    Audit,
    ChannelChosen,
    ChannelsChanged,
    CodeSubmitted,
    Decision,
    DisabledBySupport,
    Effect,
    EnabledBySupport,
    FreshSecrets,
    IdentityChecked,
    NewPasswordSubmitted,
    Outcome,
    PasswordChecked,
    SendEmail,
    SendSms,
    Snapshot,
    UnlockedBySupport,
)
from engine.model import Account, AccountState, Channel, Flow, FlowKind, FlowState
from engine.outcomes import Code
from engine.passwords import digests_equal, secret_digest
from engine.policy import Policy

DAY = timedelta(days=1)
A, F = AccountState, FlowState
# A created account's id until the database assigns one, as it inserts the row.
NEW_ACCOUNT_ID = 0


@dataclass(frozen=True)
class Context:
    """What every rule may need besides the snapshot: the clock and the settings."""

    now: datetime
    policy: Policy
    lang: str


State = AccountState | FlowState | None


@dataclass(frozen=True)
class Changes:
    """Flows written and effects of a step that is not a whole decision (expiry,
    cancelling the open flow): the rule that uses them gives the outcome."""

    flows: tuple[Flow, ...] = ()
    effects: tuple[Effect, ...] = ()


def usable_channels(account: Account) -> tuple[Channel, ...]:
    """SMS only for a metropolitan-France mobile; email whenever one is known."""
    channels = []
    if account.mobile and account.sms_capable:
        channels.append(Channel.SMS)
    if account.email:
        channels.append(Channel.EMAIL)
    return tuple(channels)


def expire(snapshot: Snapshot, now: datetime) -> tuple[Snapshot, Changes]:
    """Time-based transitions that happen before any event is looked at."""
    account, flow = snapshot.account, snapshot.flow
    effects: list[Effect] = []
    flows: list[Flow] = []
    if effective_state(account, now) is not account.state:
        effects.append(Audit("lock_expired", A.LOCKED, A.ACTIVE))
        account = effective_account(account, now)
    if flow and flow.state.is_open and flow.expires_at <= now:
        effects.append(Audit("flow_expired", flow.state, F.EXPIRED, flow_id=flow.id))
        flow = replace(flow, state=F.EXPIRED)
        flows.append(flow)
    snapshot = replace(snapshot, account=account, flow=flow)
    return snapshot, Changes(tuple(flows), tuple(effects))


def _decide(
    snap: Snapshot,
    code: Code,
    ok: bool,
    *effects: Effect,
    account: Account | None = None,
    flows: tuple[Flow, ...] = (),
    retry_after: int | None = None,
    auto_channel: bool = False,
) -> Decision:
    return Decision(
        account or snap.account,
        flows,
        effects,
        Outcome(code, ok, retry_after=retry_after, auto_channel=auto_channel),
    )


def refuse(code: Code) -> Callable[[Snapshot, object, Context], Decision]:
    """A rule, for any event, that refuses without changing anything."""

    def rule(snap: Snapshot, event: object, ctx: Context) -> Decision:
        return _decide(snap, code, False)

    rule.__name__ = f"refuse_{code}"
    return rule


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


# --- login -------------------------------------------------------------------


def login_active(snap: Snapshot, ev: PasswordChecked, ctx: Context) -> Decision:
    account = snap.account
    if ev.matched:
        logged_in = replace(account, failed_attempts=0, last_login_at=ctx.now)
        audit = Audit("login_succeeded", A.ACTIVE, A.ACTIVE)
        return _decide(snap, Code.LOGGED_IN, True, audit, account=logged_in)
    flow = _open_sms_flow(snap)
    if flow and digests_equal(flow.secret_digest, ev.typed_digest):
        return _temporary_password_accepted(snap, ctx)
    failed = _login_failed(snap, ctx)
    if flow is None:
        return failed
    # A wrong password during an open SMS flow is also a guess at its temporary
    # password: it counts against the flow, as on a locked account.
    return _also_a_code_attempt(failed, snap, flow, ctx)


def login_locked(snap: Snapshot, ev: PasswordChecked, ctx: Context) -> Decision:
    flow = _open_sms_flow(snap)
    if flow and digests_equal(flow.secret_digest, ev.typed_digest):
        return _temporary_password_accepted(snap, ctx)
    refused = _refused_while_locked(snap, ctx)
    if flow is None:
        return refused
    # The old password counts too: if it did not, the flow's counter would
    # tell a stranger which password is right.
    return _also_a_code_attempt(refused, snap, flow, ctx)


def login_disabled(snap: Snapshot, ev: PasswordChecked, ctx: Context) -> Decision:
    """A disabled account says so only to its right password. To a wrong one it
    answers what an active, then locked, account would (same counter, same
    lock message, same limit), so that a stranger cannot tell it apart."""
    if not ev.matched and snap.account.failed_attempts < ctx.policy.max_failed_attempts:
        return _login_failed(snap, ctx)
    refused = _refused_while_locked(snap, ctx)
    if ev.matched and refused.outcome.code is Code.ACCOUNT_LOCKED:
        return replace(refused, outcome=Outcome(Code.ACCOUNT_DISABLED, False))
    return refused


def _login_failed(snap: Snapshot, ctx: Context) -> Decision:
    """One more wrong password; the last one allowed locks the credentials
    (a disabled account only answers as if it had locked)."""
    account, policy = snap.account, ctx.policy
    state = account.state
    failures = account.failed_attempts + 1
    failed = Audit("login_failed", state, state, {"failed_attempts": str(failures)})
    counted = replace(account, failed_attempts=failures)
    if failures < policy.max_failed_attempts:
        return _decide(snap, Code.AUTH_FAILED, False, failed, account=counted)
    if state is A.DISABLED:
        return _decide(snap, Code.ACCOUNT_LOCKED, False, failed, account=counted)
    locked_until = ctx.now + timedelta(seconds=policy.lock_seconds) if policy.lock_seconds else None
    locked = replace(counted, state=A.LOCKED, locked_at=ctx.now, locked_until=locked_until)
    effects: list[Effect] = [failed, Audit("account_locked", A.ACTIVE, A.LOCKED)]
    if policy.notify_on_lock and account.email:
        params: dict[str, object] = {"max_failed_attempts": policy.max_failed_attempts}
        effects.append(_notification(account.email, "email.locked", params, ctx))
    return _decide(snap, Code.ACCOUNT_LOCKED, False, *effects, account=locked)


def _refused_while_locked(snap: Snapshot, ctx: Context) -> Decision:
    """`account_locked`, bounded like every other attempt: past
    `max_refused_logins` refusals in a rolling 24 h, `rate_limited`."""
    state, now = snap.account.state, ctx.now
    refusals = sorted(t for t in snap.recent_refused_logins if t > now - DAY)
    if len(refusals) >= ctx.policy.max_refused_logins:
        retry_after = _seconds_until(refusals[0] + DAY, now)
        return _decide(snap, Code.RATE_LIMITED, False, retry_after=retry_after)
    return _decide(snap, Code.ACCOUNT_LOCKED, False, Audit(Counted.LOGIN_REFUSED, state, state))


def _also_a_code_attempt(refused: Decision, snap: Snapshot, flow: Flow, ctx: Context) -> Decision:
    """A refused login that also counts as a wrong temporary password."""
    counted = _count_code_attempt(snap, flow, ctx)
    return replace(refused, flows=counted.flows, effects=refused.effects + counted.effects)


def _temporary_password_accepted(snap: Snapshot, ctx: Context) -> Decision:
    flow = snap.flow
    assert flow is not None
    verified = replace(flow, state=F.VERIFIED)
    audit = Audit("code_verified", flow.state, F.VERIFIED, {"via": "login"}, flow_id=flow.id)
    return _decide(snap, Code.TEMPORARY_PASSWORD_ACCEPTED, True, audit, flows=(verified,))


def _open_sms_flow(snap: Snapshot) -> Flow | None:
    flow = snap.flow
    if flow and flow.state in (F.CODE_SENT, F.VERIFIED) and flow.channel is Channel.SMS:
        return flow
    return None


# --- unlock / forgot: identity, then channel -----------------------------------


def identity_active(snap: Snapshot, ev: IdentityChecked, ctx: Context) -> Decision:
    """`forgot` starts a flow; `unlock` is refused: there is no lock to lift."""
    refused = _identity_refused(snap, ev, ctx)
    if refused is not None:
        return refused
    if ev.kind is FlowKind.UNLOCK:
        return _decide(snap, Code.ACCOUNT_NOT_LOCKED, False)
    return _start_recovery(snap, ev, ctx)


def identity_locked(snap: Snapshot, ev: IdentityChecked, ctx: Context) -> Decision:
    """`unlock` and `forgot` alike start a flow."""
    return _identity_refused(snap, ev, ctx) or _start_recovery(snap, ev, ctx)


def identity_disabled(snap: Snapshot, ev: IdentityChecked, ctx: Context) -> Decision:
    """Said only once the identity is proven, like any other refusal."""
    refused = _identity_refused(snap, ev, ctx)
    return refused or _decide(snap, Code.ACCOUNT_DISABLED, False)


def _identity_refused(snap: Snapshot, ev: IdentityChecked, ctx: Context) -> Decision | None:
    """The back-off, then the date of birth: checked first in every state."""
    account = snap.account
    wait = backoff.retry_after(_identity_failures(snap), ctx.now, backoff.Backoff.of(ctx.policy))
    if wait is not None:
        return _decide(snap, Code.RATE_LIMITED, False, retry_after=wait)
    if not ev.birth_date_matches:
        audit = Audit(Counted.IDENTITY_FAILED, account.state, account.state, {"kind": ev.kind})
        return _decide(snap, Code.IDENTITY_MISMATCH, False, audit)
    return None


def _start_recovery(snap: Snapshot, ev: IdentityChecked, ctx: Context) -> Decision:
    """A new flow on the account's channels, its secret sent when the channel is known."""
    account = snap.account
    channels = usable_channels(account)
    if not channels:
        return _decide(snap, Code.NO_CHANNEL, False)
    if ev.channel is not None and ev.channel not in channels:
        return _decide(snap, Code.CHANNEL_UNAVAILABLE, False)
    chosen = ev.channel or (channels[0] if len(channels) == 1 else None)
    if chosen is not None:
        retry_after = _send_limit(snap, ctx)
        if retry_after is not None:
            return _decide(snap, Code.RATE_LIMITED, False, retry_after=retry_after)
    started = start_flow(snap, ev.kind, chosen, ev.fresh, ctx)
    auto = ev.channel is None and started.outcome.code is Code.CODE_SENT
    return replace(started, outcome=replace(started.outcome, auto_channel=auto))


def _identity_failures(snap: Snapshot) -> tuple[datetime, ...]:
    """The failures the back-off counts: those since support last cleared them."""
    cleared = snap.identity_failures_cleared_at
    failures = snap.recent_identity_failures
    return failures if cleared is None else tuple(t for t in failures if t > cleared)


def start_flow(
    snap: Snapshot, kind: FlowKind, chosen: Channel | None, fresh: FreshSecrets, ctx: Context
) -> Decision:
    """A new flow (superseding any open one), its secret sent when the channel is known."""
    account, now = snap.account, ctx.now
    effects: list[Effect] = []
    flows: list[Flow] = []
    if snap.flow and snap.flow.state.is_open:
        old = snap.flow
        flows.append(replace(old, state=F.SUPERSEDED))
        effects.append(Audit("flow_superseded", old.state, F.SUPERSEDED, flow_id=old.id))
    flow = Flow(
        id=fresh.flow_id,
        account_id=account.id,
        kind=kind,
        state=F.CHOOSE_CHANNEL,
        channel=None,
        secret_digest=None,
        expires_at=now + timedelta(seconds=ctx.policy.flow_ttl_seconds),
        code_attempts=0,
        created_at=now,
    )
    effects.append(Audit("flow_started", None, F.CHOOSE_CHANNEL, {"kind": kind}, flow_id=flow.id))
    if chosen is None:
        flows.append(flow)
        return _decide(snap, Code.CHOOSE_CHANNEL, True, *effects, flows=tuple(flows))
    sent = _send(account, flow, chosen, fresh, ctx)
    return _decide(snap, Code.CODE_SENT, True, *effects, *sent.effects, flows=(*flows, *sent.flows))


def channel_chosen(snap: Snapshot, ev: ChannelChosen, ctx: Context) -> Decision:
    flow = snap.flow
    assert flow is not None
    if ev.channel not in usable_channels(snap.account):
        return _decide(snap, Code.CHANNEL_UNAVAILABLE, False)
    retry_after = _send_limit(snap, ctx)
    if retry_after is not None:
        return _decide(snap, Code.RATE_LIMITED, False, retry_after=retry_after)
    sent = _send(snap.account, flow, ev.channel, ev.fresh, ctx)
    return replace(sent, outcome=Outcome(Code.CODE_SENT, True))


def _send(
    account: Account, flow: Flow, channel: Channel, fresh: FreshSecrets, ctx: Context
) -> Decision:
    """A new secret on `channel`: it replaces any previous one of the flow."""
    policy = ctx.policy
    if channel is Channel.SMS:
        ttl, secret = policy.sms_code_ttl_seconds, fresh.sms_code
        assert account.mobile is not None
        params = {"organization": policy.organization, "minutes": _minutes(ttl)}
        message: Effect = SendSms(
            to=account.mobile,
            body=messages.text("sms.temporary_password", ctx.lang, {**params, "code": secret}),
            redacted_body=messages.text(
                "sms.temporary_password",
                ctx.lang,
                {**params, "code": messages.REDACTED},
            ),
            flow_id=flow.id,
        )
    else:
        ttl, secret = policy.email_link_ttl_seconds, fresh.link_token
        assert account.email is not None
        separator = "&" if "?" in policy.reset_url else "?"
        params = {"organization": policy.organization, "minutes": _minutes(ttl)}
        body = messages.text(
            "email.reset.body",
            ctx.lang,
            {**params, "link": f"{policy.reset_url}{separator}token={secret}"},
        )
        redacted = messages.text(
            "email.reset.body",
            ctx.lang,
            {
                **params,
                "link": f"{policy.reset_url}{separator}token={messages.REDACTED}",
            },
        )
        message = SendEmail(
            to=account.email,
            subject=messages.text("email.reset.subject", ctx.lang, params),
            body=body,
            redacted_body=redacted,
            flow_id=flow.id,
        )
    sent = replace(
        flow,
        state=F.CODE_SENT,
        channel=channel,
        secret_digest=secret_digest(secret),
        expires_at=ctx.now + timedelta(seconds=ttl),
    )
    audit = Audit(Counted.CODE_SENT, flow.state, F.CODE_SENT, {"channel": channel}, flow_id=flow.id)
    return Decision(account, (sent,), (audit, message), Outcome(Code.CODE_SENT, True))


def _send_limit(snap: Snapshot, ctx: Context) -> int | None:
    """Seconds to wait before the next send, or None when a send is allowed."""
    policy, now = ctx.policy, ctx.now
    sends = sorted(t for t in snap.recent_sends if t > now - DAY)
    cooldown = timedelta(seconds=policy.resend_cooldown_seconds)
    if sends and now - sends[-1] < cooldown:
        return _seconds_until(sends[-1] + cooldown, now)
    if len(sends) >= policy.max_codes_per_day:
        return _seconds_until(sends[0] + DAY, now)
    return None


# --- step 5: the secret, then the new password ---------------------------------


def code_submitted(snap: Snapshot, ev: CodeSubmitted, ctx: Context) -> Decision:
    """The right secret verifies the flow; a wrong one counts against it."""
    flow = snap.flow
    assert flow is not None
    wrong = _wrong_secret(snap, flow, ev.channel, ev.typed_digest, ctx)
    if wrong is not None:
        return wrong
    verified = replace(flow, state=F.VERIFIED)
    audit = Audit("code_verified", flow.state, F.VERIFIED, {"via": ev.channel}, flow_id=flow.id)
    return _decide(snap, Code.CODE_VERIFIED, True, audit, flows=(verified,))


def code_submitted_again(snap: Snapshot, ev: CodeSubmitted, ctx: Context) -> Decision:
    """A verified flow's secret typed again: verified still, nothing written."""
    flow = snap.flow
    assert flow is not None
    wrong = _wrong_secret(snap, flow, ev.channel, ev.typed_digest, ctx)
    return wrong or _decide(snap, Code.CODE_VERIFIED, True)


def _wrong_secret(
    snap: Snapshot, flow: Flow, channel: Channel, typed_digest: str, ctx: Context
) -> Decision | None:
    """The refusal of a secret that is not the open flow's (None: it is)."""
    if flow.channel is not channel:
        return _decide(snap, Code.CODE_INVALID, False)
    if not digests_equal(flow.secret_digest, typed_digest):
        return _count_code_attempt(snap, flow, ctx)
    return None


def new_password(snap: Snapshot, ev: NewPasswordSubmitted, ctx: Context) -> Decision:
    flow, account, policy = snap.flow, snap.account, ctx.policy
    assert flow is not None
    wrong = _wrong_secret(snap, flow, ev.channel, ev.typed_digest, ctx)
    if wrong is not None:
        return wrong
    completed = replace(flow, state=F.COMPLETED)
    changed = replace(
        account,
        password_hash=ev.new_hash,
        state=A.ACTIVE,
        failed_attempts=0,
        locked_at=None,
        locked_until=None,
        password_changed_at=ctx.now,
        last_login_at=ctx.now,
    )
    effects: list[Effect] = [
        Audit(
            "flow_completed",
            flow.state,
            F.COMPLETED,
            {"kind": flow.kind},
            flow_id=flow.id,
        ),
        Audit("password_changed", account.state, A.ACTIVE, flow_id=flow.id),
    ]
    if account.state is A.LOCKED:
        effects.append(Audit("account_unlocked", A.LOCKED, A.ACTIVE, flow_id=flow.id))
    if policy.notify_on_password_change and account.email:
        effects.append(_notification(account.email, "email.password_changed", {}, ctx))
    return _decide(snap, Code.PASSWORD_CHANGED, True, *effects, account=changed, flows=(completed,))


def _count_code_attempt(snap: Snapshot, flow: Flow, ctx: Context) -> Decision:
    attempts = flow.code_attempts + 1
    if attempts < ctx.policy.max_code_attempts:
        counted = replace(flow, code_attempts=attempts)
        audit = Audit(
            "code_rejected",
            flow.state,
            flow.state,
            {"attempts": str(attempts)},
            flow.id,
        )
        return _decide(snap, Code.CODE_INVALID, False, audit, flows=(counted,))
    cancelled = replace(flow, state=F.CANCELLED, code_attempts=attempts)
    audit = Audit(
        "flow_cancelled",
        flow.state,
        F.CANCELLED,
        {"reason": "too_many_attempts"},
        flow.id,
    )
    # The same answer as any wrong code: `too_many_attempts` is told only to the
    # right code (see `closed_secret`), or it would show that a flow exists.
    return _decide(snap, Code.CODE_INVALID, False, audit, flows=(cancelled,))


# A closed flow (expired, cancelled, or a disabled account's): why it no longer
# works is said only to its own secret; any other secret is `code_invalid`, as
# for an identifier without a flow.


def expired_secret(
    snap: Snapshot, ev: CodeSubmitted | NewPasswordSubmitted, ctx: Context
) -> Decision:
    """An expired flow's own secret is `code_expired`."""
    if not _own_secret(snap, ev.typed_digest):
        return _decide(snap, Code.CODE_INVALID, False)
    return _decide(snap, Code.CODE_EXPIRED, False)


def cancelled_secret(
    snap: Snapshot, ev: CodeSubmitted | NewPasswordSubmitted, ctx: Context
) -> Decision:
    """A flow cancelled by too many wrong secrets says so to its own; one cancelled
    for another reason (superseded channels, a disabled account) is `code_invalid`."""
    flow = snap.flow
    assert flow is not None
    spent = flow.code_attempts >= ctx.policy.max_code_attempts
    if spent and _own_secret(snap, ev.typed_digest):
        return _decide(snap, Code.TOO_MANY_ATTEMPTS, False)
    return _decide(snap, Code.CODE_INVALID, False)


def disabled_secret(
    snap: Snapshot, ev: CodeSubmitted | NewPasswordSubmitted, ctx: Context
) -> Decision:
    """A disabled account's flow says `account_disabled` to its own secret."""
    if not _own_secret(snap, ev.typed_digest):
        return _decide(snap, Code.CODE_INVALID, False)
    return _decide(snap, Code.ACCOUNT_DISABLED, False)


def _own_secret(snap: Snapshot, typed_digest: str) -> bool:
    flow = snap.flow
    return flow is not None and digests_equal(flow.secret_digest, typed_digest)


def used_or_invalid(
    snap: Snapshot, ev: CodeSubmitted | NewPasswordSubmitted, ctx: Context
) -> Decision:
    """A completed flow: its own secret is `code_used`, anything else invalid."""
    flow = snap.flow
    assert flow is not None
    used = digests_equal(flow.secret_digest, ev.typed_digest)
    return _decide(snap, Code.CODE_USED if used else Code.CODE_INVALID, False)


# --- support staff ---------------------------------------------------------------


def unlocked_by_support(snap: Snapshot, ev: UnlockedBySupport, ctx: Context) -> Decision:
    """Lift the lock; optionally send a reset exactly as self-service would."""
    detail = {"reason": ev.reason, "by": "support"}
    lifted = Audit("account_unlocked", A.LOCKED, A.ACTIVE, detail)
    return _support_unlock(snap, ev, ctx, Code.UNLOCKED, (lifted,))


def unlock_not_locked(snap: Snapshot, ev: UnlockedBySupport, ctx: Context) -> Decision:
    """No lock to lift: clear the failures all the same (and send a reset if asked)."""
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
            return _decide(snap, Code.CHANNEL_UNAVAILABLE, False)
        retry_after = _send_limit(snap, ctx)
        if retry_after is not None:
            return _decide(snap, Code.RATE_LIMITED, False, retry_after=retry_after)
    unlocked = replace(
        account, state=A.ACTIVE, failed_attempts=0, locked_at=None, locked_until=None
    )
    detail = {"reason": ev.reason, "by": "support"}
    effects: list[Effect] = list(audits)
    series = backoff.current_series(_identity_failures(snap), ctx.now)
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


def disabled_by_support(snap: Snapshot, ev: DisabledBySupport, ctx: Context) -> Decision:
    """Disabled: login, unlock and forgot are refused, and the open flow is cancelled."""
    account = snap.account
    audit = Audit("account_disabled", account.state, A.DISABLED, {"reason": ev.reason})
    cancelled = _cancel_open_flow(snap, "account_disabled")
    return _decide(
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
    return _decide(snap, Code.ENABLED, True, audit, account=enabled)


def channels_changed(snap: Snapshot, ev: ChannelsChanged, ctx: Context) -> Decision:
    """New contact channels: no secret may go to the old ones, so the open flow ends."""
    account = snap.account
    changes: dict[str, str] = {}
    for name in ("email", "mobile"):
        change = _change(getattr(account, name), getattr(ev, name))
        if change:
            changes[name] = change
    if not changes:
        return _decide(snap, Code.UNCHANGED, True)
    changed = replace(account, email=ev.email, mobile=ev.mobile, sms_capable=ev.sms_capable)
    audit = Audit(
        "channels_changed", account.state, account.state, {"reason": ev.reason, **changes}
    )
    cancelled = _cancel_open_flow(snap, "channels_changed")
    effects: list[Effect] = [audit, *cancelled.effects]
    if ctx.policy.notify_on_channel_change and account.email:
        effects.append(_notification(account.email, "email.channels_changed", {}, ctx))
    return _decide(
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


def noop(code: Code) -> Callable[[Snapshot, object, Context], Decision]:
    """A rule, for any event, that succeeds without changing anything (an
    idempotent repeat)."""

    def rule(snap: Snapshot, event: object, ctx: Context) -> Decision:
        return _decide(snap, code, True)

    rule.__name__ = f"noop_{code}"
    return rule


# --- helpers -------------------------------------------------------------------


def _notification(to: str, key: str, params: dict[str, object], ctx: Context) -> SendEmail:
    values = {"organization": ctx.policy.organization, **params}
    body = messages.text(f"{key}.body", ctx.lang, values)
    return SendEmail(
        to=to,
        subject=messages.text(f"{key}.subject", ctx.lang, values),
        body=body,
        redacted_body=body,
    )


def _seconds_until(when: datetime, now: datetime) -> int:
    return max(1, math.ceil((when - now).total_seconds()))


def _minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))
