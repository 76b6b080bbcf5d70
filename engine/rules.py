"""What the rules of the transition table share: their context, the expiry
that runs before every step, the refusal and no-op rules, and small helpers.

A rule is one function per (state, event) row, or per group of rows whose
declarations (`engine.machine`) are the same; they live by area of the machine
in `engine.rules_login`, `engine.rules_recovery`, `engine.rules_secret` and
`engine.rules_support`. Each takes the snapshot, the event and the context,
and returns a Decision: the new account, the flows it wrote, the effects
(audit events, messages) and the outcome. Refusals are outcomes, not
exceptions, so that their effects (a failure counted, a flow cancelled) are saved.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from engine.effective import effective_account, effective_state
from engine.events import Audit, Decision, Effect, Outcome, SendEmail, Snapshot
from engine.message_templates import NO_OVERRIDES, Templates
from engine.model import Account, AccountState, Flow, FlowState
from engine.outcomes import Code
from engine.policy import Policy

DAY = timedelta(days=1)
A, F = AccountState, FlowState


@dataclass(frozen=True)
class Context:
    """What every rule may need besides the snapshot: the clock and the settings.

    No language: what a member receives is written in the member's own
    (`Account.language`), never in the operator's (`--lang`)."""

    now: datetime
    policy: Policy
    # What the member receives: the operator's texts where the home has them.
    templates: Templates = NO_OVERRIDES


State = AccountState | FlowState | None


@dataclass(frozen=True)
class Changes:
    """Flows written and effects of a step that is not a whole decision (expiry,
    cancelling the open flow): the rule that uses them gives the outcome."""

    flows: tuple[Flow, ...] = ()
    effects: tuple[Effect, ...] = ()


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


def decide(
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
        return decide(snap, code, False)

    rule.__name__ = f"refuse_{code}"
    return rule


def noop(code: Code) -> Callable[[Snapshot, object, Context], Decision]:
    """A rule, for any event, that succeeds without changing anything (an
    idempotent repeat)."""

    def rule(snap: Snapshot, event: object, ctx: Context) -> Decision:
        return decide(snap, code, True)

    rule.__name__ = f"noop_{code}"
    return rule


# --- helpers -------------------------------------------------------------------


def notification(
    account: Account, to: str, key: str, params: dict[str, object], ctx: Context
) -> SendEmail:
    """An email to `to` about `account`, in the account's language (`key`: its
    template, `key.subject` its subject's)."""
    values = {"organization": ctx.policy.organization, **params}
    body = ctx.templates.render(key, account.language, values)
    return SendEmail(
        to=to,
        subject=ctx.templates.render(f"{key}.subject", account.language, values),
        body=body,
        redacted_body=body,
    )


def seconds_until(when: datetime, now: datetime) -> int:
    return max(1, math.ceil((when - now).total_seconds()))


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))
