"""Rules of `unlock` and `forgot`: the identity checked, a flow started, the
channel chosen and the secret sent (within the send limits)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from engine import backoff, messages
from engine.channels import usable_channels
from engine.counted import Counted
from engine.events import (
    Audit,
    ChannelChosen,
    Decision,
    Effect,
    FreshSecrets,
    IdentityChecked,
    Outcome,
    SendEmail,
    SendLimit,
    SendSms,
    Snapshot,
)
from engine.masks import mask_email, mask_phone
from engine.model import Account, AccountState, Channel, Flow, FlowKind, FlowState
from engine.outcomes import Code
from engine.passwords import secret_digest
from engine.rules import DAY, Context, decide, minutes, seconds_until

A, F = AccountState, FlowState


# --- unlock / forgot: identity, then channel -----------------------------------


def identity_active(snap: Snapshot, ev: IdentityChecked, ctx: Context) -> Decision:
    """`forgot` starts a flow; `unlock` is refused: there is no lock to lift."""
    refused = _identity_refused(snap, ev, ctx)
    if refused is not None:
        return refused
    if ev.kind is FlowKind.UNLOCK:
        return decide(snap, Code.ACCOUNT_NOT_LOCKED, False)
    return _start_recovery(snap, ev, ctx)


def identity_locked(snap: Snapshot, ev: IdentityChecked, ctx: Context) -> Decision:
    """`unlock` and `forgot` alike start a flow."""
    return _identity_refused(snap, ev, ctx) or _start_recovery(snap, ev, ctx)


def identity_disabled(snap: Snapshot, ev: IdentityChecked, ctx: Context) -> Decision:
    """Said only once the identity is proven, like any other refusal."""
    refused = _identity_refused(snap, ev, ctx)
    return refused or decide(snap, Code.ACCOUNT_DISABLED, False)


def _identity_refused(snap: Snapshot, ev: IdentityChecked, ctx: Context) -> Decision | None:
    """The back-off, then the date of birth: checked first in every state."""
    account = snap.account
    wait = backoff.retry_after(identity_failures(snap), ctx.now, backoff.Backoff.of(ctx.policy))
    if wait is not None:
        return decide(snap, Code.RATE_LIMITED, False, retry_after=wait)
    if not ev.birth_date_matches:
        audit = Audit(Counted.IDENTITY_FAILED, account.state, account.state, {"kind": ev.kind})
        return decide(snap, Code.IDENTITY_MISMATCH, False, audit)
    return None


def _start_recovery(snap: Snapshot, ev: IdentityChecked, ctx: Context) -> Decision:
    """A new flow on the account's channels, its secret sent when the channel is known."""
    account = snap.account
    channels = usable_channels(account)
    if not channels:
        return decide(snap, Code.NO_CHANNEL, False)
    if ev.channel is not None and ev.channel not in channels:
        return decide(snap, Code.CHANNEL_UNAVAILABLE, False)
    chosen = ev.channel or (channels[0] if len(channels) == 1 else None)
    if chosen is not None:
        retry_after = send_limit(snap, ctx)
        if retry_after is not None:
            return decide(snap, Code.RATE_LIMITED, False, retry_after=retry_after)
    started = start_flow(snap, ev.kind, chosen, ev.fresh, ctx)
    auto = ev.channel is None and started.outcome.code is Code.CODE_SENT
    return replace(started, outcome=replace(started.outcome, auto_channel=auto))


def identity_failures(snap: Snapshot) -> tuple[datetime, ...]:
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
        return decide(snap, Code.CHOOSE_CHANNEL, True, *effects, flows=tuple(flows))
    sent = _send(account, flow, chosen, fresh, ctx)
    return decide(snap, Code.CODE_SENT, True, *effects, *sent.effects, flows=(*flows, *sent.flows))


def channel_chosen(snap: Snapshot, ev: ChannelChosen, ctx: Context) -> Decision:
    flow = snap.flow
    assert flow is not None
    if ev.channel not in usable_channels(snap.account):
        return decide(snap, Code.CHANNEL_UNAVAILABLE, False)
    retry_after = send_limit(snap, ctx)
    if retry_after is not None:
        return decide(snap, Code.RATE_LIMITED, False, retry_after=retry_after)
    sent = _send(snap.account, flow, ev.channel, ev.fresh, ctx)
    return replace(sent, outcome=Outcome(Code.CODE_SENT, True))


def _send(
    account: Account, flow: Flow, channel: Channel, fresh: FreshSecrets, ctx: Context
) -> Decision:
    """A new secret on `channel`: it replaces any previous one of the flow."""
    policy, lang, templates = ctx.policy, account.language, ctx.templates
    params: dict[str, object] = {"organization": policy.organization}
    if channel is Channel.SMS:
        ttl, secret = policy.sms_code_ttl_seconds, fresh.sms_code
        assert account.mobile is not None
        params.update(minutes=minutes(ttl), destination=mask_phone(account.mobile))
        message: Effect = SendSms(
            to=account.mobile,
            body=templates.render("sms_temporary_password", lang, {**params, "code": secret}),
            redacted_body=templates.render(
                "sms_temporary_password", lang, {**params, "code": messages.REDACTED}
            ),
            flow_id=flow.id,
        )
    else:
        ttl, secret = policy.email_link_ttl_seconds, fresh.link_token
        assert account.email is not None
        separator = "&" if "?" in policy.reset_url else "?"
        link = f"{policy.reset_url}{separator}token="
        params.update(minutes=minutes(ttl), destination=mask_email(account.email))
        message = SendEmail(
            to=account.email,
            subject=templates.render("email_reset_link.subject", lang, params),
            body=templates.render("email_reset_link", lang, {**params, "link": link + secret}),
            redacted_body=templates.render(
                "email_reset_link", lang, {**params, "link": link + messages.REDACTED}
            ),
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


def send_limit(snap: Snapshot, ctx: Context) -> int | None:
    """Seconds to wait before the next send, or None when a send is allowed."""
    limit = send_limit_detail(snap, ctx)
    return None if limit is None else limit.retry_after


def send_limit_detail(snap: Snapshot, ctx: Context) -> SendLimit | None:
    """Which send limit refuses the next send (support says it in full), or None."""
    policy, now = ctx.policy, ctx.now
    sends = sorted(t for t in snap.recent_sends if t > now - DAY)
    cooldown = timedelta(seconds=policy.resend_cooldown_seconds)
    if sends and now - sends[-1] < cooldown:
        wait = seconds_until(sends[-1] + cooldown, now)
        return SendLimit("cooldown", wait, sends[-1], len(sends))
    if len(sends) >= policy.max_codes_per_day:
        return SendLimit("daily_limit", seconds_until(sends[0] + DAY, now), sends[-1], len(sends))
    return None
