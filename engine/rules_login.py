"""Rules of `login`: the password checked in each account state (and an open SMS
flow's temporary password typed in its place)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from engine.counted import Counted
from engine.events import Audit, Decision, Effect, Outcome, PasswordChecked, Snapshot
from engine.lockout import counted_failures, counts_locks, lock_duration, lock_rank
from engine.model import AccountState, Channel, Flow, FlowState
from engine.outcomes import Code
from engine.passwords import digests_equal
from engine.rules import DAY, Context, decide, notification, seconds_until
from engine.rules_secret import count_code_attempt

A, F = AccountState, FlowState


def login_active(snap: Snapshot, ev: PasswordChecked, ctx: Context) -> Decision:
    account = snap.account
    if ev.matched:
        logged_in = replace(account, failed_attempts=0, last_login_at=ctx.now)
        audit = Audit("login_succeeded", A.ACTIVE, A.ACTIVE)
        return decide(snap, Code.LOGGED_IN, True, audit, account=logged_in)
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
    if not ev.matched and _counted(snap, ctx) < ctx.policy.max_failed_attempts:
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
    failures = _counted(snap, ctx) + 1
    failed = Audit(Counted.LOGIN_FAILED, state, state, {"failed_attempts": str(failures)})
    counted = replace(account, failed_attempts=failures)
    if failures < policy.max_failed_attempts:
        return decide(snap, Code.AUTH_FAILED, False, failed, account=counted)
    if state is A.DISABLED:
        return decide(snap, Code.ACCOUNT_LOCKED, False, failed, account=counted)
    rank = lock_rank(snap.recent_locks, ctx.now, policy)
    seconds = lock_duration(rank, policy)
    locked_until = ctx.now + timedelta(seconds=seconds) if seconds else None
    locked = replace(counted, state=A.LOCKED, locked_at=ctx.now, locked_until=locked_until)
    # The rank and duration, when the policy makes them vary (what `account explain` reads).
    detail = {"lock_count": str(rank), "lock_seconds": str(seconds or 0)}
    lock_audit = Audit(
        Counted.ACCOUNT_LOCKED, A.ACTIVE, A.LOCKED, detail if counts_locks(policy) else {}
    )
    effects: list[Effect] = [failed, lock_audit]
    if policy.notify_on_lock and account.email:
        params: dict[str, object] = {"max_failed_attempts": policy.max_failed_attempts}
        effects.append(notification(account, account.email, "email_locked", params, ctx))
    return decide(snap, Code.ACCOUNT_LOCKED, False, *effects, account=locked)


def _counted(snap: Snapshot, ctx: Context) -> int:
    """The failures that count before this one (`engine.lockout.counted_failures`)."""
    account = snap.account
    return counted_failures(
        account.failed_attempts, snap.recent_login_failures, ctx.now, ctx.policy
    )


def _refused_while_locked(snap: Snapshot, ctx: Context) -> Decision:
    """`account_locked`, bounded like every other attempt: past
    `max_refused_logins` refusals in a rolling 24 h, `rate_limited`."""
    state, now = snap.account.state, ctx.now
    refusals = sorted(t for t in snap.recent_refused_logins if t > now - DAY)
    if len(refusals) >= ctx.policy.max_refused_logins:
        retry_after = seconds_until(refusals[0] + DAY, now)
        return decide(snap, Code.RATE_LIMITED, False, retry_after=retry_after)
    return decide(snap, Code.ACCOUNT_LOCKED, False, Audit(Counted.LOGIN_REFUSED, state, state))


def _also_a_code_attempt(refused: Decision, snap: Snapshot, flow: Flow, ctx: Context) -> Decision:
    """A refused login that also counts as a wrong temporary password."""
    counted = count_code_attempt(snap, flow, ctx)
    return replace(refused, flows=counted.flows, effects=refused.effects + counted.effects)


def _temporary_password_accepted(snap: Snapshot, ctx: Context) -> Decision:
    flow = snap.flow
    assert flow is not None
    verified = replace(flow, state=F.VERIFIED)
    audit = Audit("code_verified", flow.state, F.VERIFIED, {"via": "login"}, flow_id=flow.id)
    return decide(snap, Code.TEMPORARY_PASSWORD_ACCEPTED, True, audit, flows=(verified,))


def _open_sms_flow(snap: Snapshot) -> Flow | None:
    flow = snap.flow
    if flow and flow.state in (F.CODE_SENT, F.VERIFIED) and flow.channel is Channel.SMS:
        return flow
    return None
