"""The transition table: the whole product on one page.

`step()` looks up `(state, event type)` in TRANSITIONS. Account events are
keyed by the account's state; flow events by the concerned flow's state (None
when there is none), except on a disabled account, whose row refuses them.
An account's creation is keyed by None: there is no account yet (no snapshot).
A missing entry raises IllegalTransition and changes nothing. The rules live
in `engine.rules`.
"""

from __future__ import annotations

from dataclasses import replace

from engine.errors import IllegalTransition
from engine.events import (
    AccountCreated,
    ChannelChosen,
    ChannelsChanged,
    CodeSubmitted,
    Decision,
    DisabledBySupport,
    EnabledBySupport,
    Event,
    IdentityChecked,
    NewPasswordSubmitted,
    PasswordChecked,
    Snapshot,
    UnlockedBySupport,
)
from engine.model import AccountState, FlowState
from engine.rules import (
    Context,
    Rule,
    State,
    account_created,
    channel_chosen,
    channels_changed,
    closed_secret,
    code_submitted,
    disabled_by_support,
    enabled_by_support,
    expire,
    identity,
    login_active,
    login_disabled,
    login_locked,
    new_password,
    noop,
    refuse,
    unlocked_by_support,
    usable_channels,
    used_or_invalid,
)

__all__ = [
    "TRANSITIONS",
    "Context",
    "dispatch_state",
    "step",
    "usable_channels",
]

A, F = AccountState, FlowState
ACCOUNT_EVENTS = (
    AccountCreated,
    PasswordChecked,
    IdentityChecked,
    UnlockedBySupport,
    DisabledBySupport,
    EnabledBySupport,
    ChannelsChanged,
)


def step(snapshot: Snapshot | None, event: Event, ctx: Context) -> Decision:
    """Apply one event: expire what time has expired, then the table's rule.
    `snapshot` is None when there is no account yet."""
    if snapshot is None:
        return _first_event(event, ctx)
    snapshot, early = expire(snapshot, ctx.now)
    state = dispatch_state(snapshot, event)
    rule = TRANSITIONS.get((state, type(event)))
    if rule is None:
        raise IllegalTransition(f"no rule for {state} on {type(event).__name__}")
    decision = rule(snapshot, event, ctx)
    if not early.effects:
        return decision
    by_id = {f.id: f for f in (*early.flows, *decision.flows)}
    return replace(decision, flows=tuple(by_id.values()), effects=early.effects + decision.effects)


def _first_event(event: Event, ctx: Context) -> Decision:
    """No account yet (state None): only its creation has a row."""
    if not isinstance(event, AccountCreated) or (None, AccountCreated) not in TRANSITIONS:
        raise IllegalTransition(f"no rule for no account on {type(event).__name__}")
    return account_created(None, event, ctx)


def dispatch_state(snapshot: Snapshot, event: Event) -> State:
    """The state whose row of the table applies: the account's for account
    events, and for flow events too when the account is disabled (a disabled
    account's flow goes nowhere); otherwise the flow's (None: no flow)."""
    account_state = snapshot.account.state
    if isinstance(event, ACCOUNT_EVENTS) or account_state is A.DISABLED:
        return account_state
    return snapshot.flow.state if snapshot.flow else None


_SECRET_EVENTS = (CodeSubmitted, NewPasswordSubmitted)

TRANSITIONS: dict[tuple[State, type], Rule] = {
    # account machine: creation (`account add`, `account import`)
    (None, AccountCreated): account_created,
    # account machine: login
    (A.ACTIVE, PasswordChecked): login_active,
    (A.LOCKED, PasswordChecked): login_locked,
    (A.DISABLED, PasswordChecked): login_disabled,
    # account machine: steps 2-3 (unlock, forgot)
    (A.ACTIVE, IdentityChecked): identity,
    (A.LOCKED, IdentityChecked): identity,
    (A.DISABLED, IdentityChecked): identity,
    # account machine: support staff
    (A.ACTIVE, UnlockedBySupport): unlocked_by_support,
    (A.LOCKED, UnlockedBySupport): unlocked_by_support,
    (A.DISABLED, UnlockedBySupport): refuse("account_disabled"),
    (A.ACTIVE, DisabledBySupport): disabled_by_support,
    (A.LOCKED, DisabledBySupport): disabled_by_support,
    (A.DISABLED, DisabledBySupport): noop("already_disabled"),
    (A.ACTIVE, EnabledBySupport): noop("already_enabled"),
    (A.LOCKED, EnabledBySupport): noop("already_enabled"),
    (A.DISABLED, EnabledBySupport): enabled_by_support,
    **{(state, ChannelsChanged): channels_changed for state in A},
    # flow machine: step 3 as its own command, and the resend
    (F.CHOOSE_CHANNEL, ChannelChosen): channel_chosen,
    (F.CODE_SENT, ChannelChosen): channel_chosen,
    (F.VERIFIED, ChannelChosen): channel_chosen,
    (F.EXPIRED, ChannelChosen): refuse("flow_expired"),
    (F.COMPLETED, ChannelChosen): refuse("no_open_flow"),
    (F.CANCELLED, ChannelChosen): refuse("no_open_flow"),
    (F.SUPERSEDED, ChannelChosen): refuse("no_open_flow"),
    (None, ChannelChosen): refuse("no_open_flow"),
    # flow machine: step 4-5 (the secret, then the new password)
    (F.CODE_SENT, CodeSubmitted): code_submitted,
    (F.VERIFIED, CodeSubmitted): code_submitted,
    (F.CODE_SENT, NewPasswordSubmitted): new_password,
    (F.VERIFIED, NewPasswordSubmitted): new_password,
    **{(F.COMPLETED, e): used_or_invalid for e in _SECRET_EVENTS},
    # why a closed flow's secret fails is told only to that secret
    **{(s, e): closed_secret for s in (F.EXPIRED, F.CANCELLED) for e in _SECRET_EVENTS},
    **{
        (s, e): refuse("code_invalid")
        for s in (F.CHOOSE_CHANNEL, F.SUPERSEDED, None)
        for e in _SECRET_EVENTS
    },
    # a disabled account's flow goes nowhere (said only to its own secret)
    (A.DISABLED, ChannelChosen): refuse("account_disabled"),
    **{(A.DISABLED, e): closed_secret for e in _SECRET_EVENTS},
}
