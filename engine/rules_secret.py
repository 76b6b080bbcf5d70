"""Rules of step 5: the secret typed (code or link), then the new password, on
an open flow or a closed one."""

from __future__ import annotations

from dataclasses import replace

from engine.events import Audit, CodeSubmitted, Decision, Effect, NewPasswordSubmitted, Snapshot
from engine.model import AccountState, Channel, Flow, FlowState
from engine.outcomes import Code
from engine.passwords import digests_equal
from engine.rules import Context, decide, notification

A, F = AccountState, FlowState


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
    return decide(snap, Code.CODE_VERIFIED, True, audit, flows=(verified,))


def code_submitted_again(snap: Snapshot, ev: CodeSubmitted, ctx: Context) -> Decision:
    """A verified flow's secret typed again: verified still, nothing written."""
    flow = snap.flow
    assert flow is not None
    wrong = _wrong_secret(snap, flow, ev.channel, ev.typed_digest, ctx)
    return wrong or decide(snap, Code.CODE_VERIFIED, True)


def _wrong_secret(
    snap: Snapshot, flow: Flow, channel: Channel, typed_digest: str, ctx: Context
) -> Decision | None:
    """The refusal of a secret that is not the open flow's (None: it is)."""
    if flow.channel is not channel:
        return decide(snap, Code.CODE_INVALID, False)
    if not digests_equal(flow.secret_digest, typed_digest):
        return count_code_attempt(snap, flow, ctx)
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
        effects.append(notification(account, account.email, "email_password_changed", {}, ctx))
    return decide(snap, Code.PASSWORD_CHANGED, True, *effects, account=changed, flows=(completed,))


def count_code_attempt(snap: Snapshot, flow: Flow, ctx: Context) -> Decision:
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
        return decide(snap, Code.CODE_INVALID, False, audit, flows=(counted,))
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
    return decide(snap, Code.CODE_INVALID, False, audit, flows=(cancelled,))


# A closed flow (expired, cancelled, or a disabled account's): why it no longer
# works is said only to its own secret; any other secret is `code_invalid`, as
# for an identifier without a flow.


def expired_secret(
    snap: Snapshot, ev: CodeSubmitted | NewPasswordSubmitted, ctx: Context
) -> Decision:
    """An expired flow's own secret is `code_expired`."""
    if not _own_secret(snap, ev.typed_digest):
        return decide(snap, Code.CODE_INVALID, False)
    return decide(snap, Code.CODE_EXPIRED, False)


def cancelled_secret(
    snap: Snapshot, ev: CodeSubmitted | NewPasswordSubmitted, ctx: Context
) -> Decision:
    """A flow cancelled by too many wrong secrets says so to its own; one cancelled
    for another reason (superseded channels, a disabled account) is `code_invalid`."""
    flow = snap.flow
    assert flow is not None
    spent = flow.code_attempts >= ctx.policy.max_code_attempts
    if spent and _own_secret(snap, ev.typed_digest):
        return decide(snap, Code.TOO_MANY_ATTEMPTS, False)
    return decide(snap, Code.CODE_INVALID, False)


def disabled_secret(
    snap: Snapshot, ev: CodeSubmitted | NewPasswordSubmitted, ctx: Context
) -> Decision:
    """A disabled account's flow says `account_disabled` to its own secret."""
    if not _own_secret(snap, ev.typed_digest):
        return decide(snap, Code.CODE_INVALID, False)
    return decide(snap, Code.ACCOUNT_DISABLED, False)


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
    return decide(snap, Code.CODE_USED if used else Code.CODE_INVALID, False)
