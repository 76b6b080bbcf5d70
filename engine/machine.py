"""The transition table: the whole product on one page.

`step()` looks up `(state, event type)` in TRANSITIONS. Account events are
keyed by the account's state; flow events by the concerned flow's state (None
when there is none), except on a disabled account, whose row refuses them.
An account's creation is keyed by None: there is no account yet (no snapshot).
A missing entry raises IllegalTransition and changes nothing.

Each row declares what it may do: its rule (in `engine.rules_*`), the states it
may move the account or a flow into (`to`: a record that keeps its state is
not listed), the outcome codes it may answer and the effect types it may emit.
A property test holds every decision to its row, and hand-written cases
produce every state, outcome and effect type each row declares (so a row
declares exactly what it does); `sesame spec` prints the table, and
docs/spec.md is that print.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from engine.channels import usable_channels
from engine.errors import IllegalTransition
from engine.events import (
    AccountCreated,
    Audit,
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
    ResetSentBySupport,
    SendEmail,
    SendSms,
    Snapshot,
    UnlockedBySupport,
)
from engine.model import AccountState, FlowState
from engine.outcomes import Code
from engine.row import Row, on, table_of
from engine.rules import Context, State, expire, noop, refuse
from engine.rules_login import login_active, login_disabled, login_locked
from engine.rules_recovery import (
    channel_chosen,
    identity_active,
    identity_disabled,
    identity_locked,
)
from engine.rules_secret import (
    cancelled_secret,
    code_submitted,
    code_submitted_again,
    disabled_secret,
    expired_secret,
    new_password,
    used_or_invalid,
)
from engine.rules_support import (
    account_created,
    channels_changed,
    disabled_by_support,
    enabled_by_support,
    reset_sent_by_support,
    unlock_not_locked,
    unlocked_by_support,
)

__all__ = [
    "TRANSITIONS",
    "Context",
    "Row",
    "dispatch_state",
    "row_for",
    "step",
    "usable_channels",
]

A, F, C = AccountState, FlowState, Code
ACCOUNT_EVENTS = (
    AccountCreated,
    PasswordChecked,
    IdentityChecked,
    UnlockedBySupport,
    ResetSentBySupport,
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
    decision = row_for(snapshot, event).rule(snapshot, event, ctx)
    if not early.effects:
        return decision
    by_id = {f.id: f for f in (*early.flows, *decision.flows)}
    return replace(decision, flows=tuple(by_id.values()), effects=early.effects + decision.effects)


def row_for(snapshot: Snapshot, event: Event) -> Row[Any]:
    """The row that decides `event` on `snapshot` (already expired)."""
    state = dispatch_state(snapshot, event)
    row = TRANSITIONS.get((state, type(event)))
    if row is None:
        raise IllegalTransition(f"no rule for {state} on {type(event).__name__}")
    return row


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


TRANSITIONS: dict[tuple[State, type], Row[Any]] = table_of(
    # --- account machine: creation (`account add`, `account import`) ---------------
    on(
        None,
        AccountCreated,
        account_created,
        to={A.ACTIVE},
        outcomes={C.ACCOUNT_CREATED, C.ACCOUNT_IMPORTED},
        effects={Audit},
    ),
    # --- account machine: login -------------------------------------------------
    on(
        A.ACTIVE,
        PasswordChecked,
        login_active,
        to={A.LOCKED, F.VERIFIED, F.CANCELLED},
        outcomes={C.LOGGED_IN, C.TEMPORARY_PASSWORD_ACCEPTED, C.AUTH_FAILED, C.ACCOUNT_LOCKED},
        effects={Audit, SendEmail},
    ),
    on(
        A.LOCKED,
        PasswordChecked,
        login_locked,
        to={F.VERIFIED, F.CANCELLED},
        outcomes={C.TEMPORARY_PASSWORD_ACCEPTED, C.ACCOUNT_LOCKED, C.RATE_LIMITED},
        effects={Audit},
    ),
    on(
        A.DISABLED,
        PasswordChecked,
        login_disabled,
        outcomes={C.AUTH_FAILED, C.ACCOUNT_LOCKED, C.ACCOUNT_DISABLED, C.RATE_LIMITED},
        effects={Audit},
    ),
    # --- account machine: steps 2-3 (unlock, forgot) -------------------------------
    on(
        A.ACTIVE,
        IdentityChecked,
        identity_active,
        to={F.CHOOSE_CHANNEL, F.CODE_SENT, F.SUPERSEDED},
        outcomes={
            C.RATE_LIMITED,
            C.IDENTITY_MISMATCH,
            C.ACCOUNT_NOT_LOCKED,
            C.NO_CHANNEL,
            C.CHANNEL_UNAVAILABLE,
            C.CHOOSE_CHANNEL,
            C.CODE_SENT,
        },
        effects={Audit, SendSms, SendEmail},
    ),
    on(
        A.LOCKED,
        IdentityChecked,
        identity_locked,
        to={F.CHOOSE_CHANNEL, F.CODE_SENT, F.SUPERSEDED},
        outcomes={
            C.RATE_LIMITED,
            C.IDENTITY_MISMATCH,
            C.NO_CHANNEL,
            C.CHANNEL_UNAVAILABLE,
            C.CHOOSE_CHANNEL,
            C.CODE_SENT,
        },
        effects={Audit, SendSms, SendEmail},
    ),
    on(
        A.DISABLED,
        IdentityChecked,
        identity_disabled,
        outcomes={C.RATE_LIMITED, C.IDENTITY_MISMATCH, C.ACCOUNT_DISABLED},
        effects={Audit},
    ),
    # --- account machine: support staff ----------------------------------------------
    on(
        A.ACTIVE,
        UnlockedBySupport,
        unlock_not_locked,
        outcomes={C.NOT_LOCKED, C.ACCOUNT_NOT_LOCKED},
        effects={Audit},
    ),
    on(
        A.LOCKED,
        UnlockedBySupport,
        unlocked_by_support,
        to={A.ACTIVE, F.CODE_SENT, F.SUPERSEDED},
        outcomes={C.UNLOCKED, C.CHANNEL_UNAVAILABLE, C.SEND_LIMITED},
        effects={Audit, SendSms, SendEmail},
    ),
    on(A.DISABLED, UnlockedBySupport, refuse(C.ACCOUNT_DISABLED), outcomes={C.ACCOUNT_DISABLED}),
    # `account send-reset`: the lock stays until the member sets the new password
    on(
        A.ACTIVE,
        ResetSentBySupport,
        reset_sent_by_support,
        to={F.CODE_SENT, F.SUPERSEDED},
        outcomes={C.RESET_SENT, C.CHANNEL_UNAVAILABLE, C.SEND_LIMITED},
        effects={Audit, SendSms, SendEmail},
    ),
    on(
        A.LOCKED,
        ResetSentBySupport,
        reset_sent_by_support,
        to={F.CODE_SENT, F.SUPERSEDED},
        outcomes={C.RESET_SENT, C.CHANNEL_UNAVAILABLE, C.SEND_LIMITED},
        effects={Audit, SendSms, SendEmail},
    ),
    on(A.DISABLED, ResetSentBySupport, refuse(C.ACCOUNT_DISABLED), outcomes={C.ACCOUNT_DISABLED}),
    on(
        A.ACTIVE,
        DisabledBySupport,
        disabled_by_support,
        to={A.DISABLED, F.CANCELLED},
        outcomes={C.DISABLED},
        effects={Audit},
    ),
    on(
        A.LOCKED,
        DisabledBySupport,
        disabled_by_support,
        to={A.DISABLED, F.CANCELLED},
        outcomes={C.DISABLED},
        effects={Audit},
    ),
    on(A.DISABLED, DisabledBySupport, noop(C.ALREADY_DISABLED), outcomes={C.ALREADY_DISABLED}),
    on(A.ACTIVE, EnabledBySupport, noop(C.ALREADY_ENABLED), outcomes={C.ALREADY_ENABLED}),
    on(A.LOCKED, EnabledBySupport, noop(C.ALREADY_ENABLED), outcomes={C.ALREADY_ENABLED}),
    on(
        A.DISABLED,
        EnabledBySupport,
        enabled_by_support,
        to={A.ACTIVE},
        outcomes={C.ENABLED},
        effects={Audit},
    ),
    on(
        A.ACTIVE,
        ChannelsChanged,
        channels_changed,
        to={F.CANCELLED},
        outcomes={C.CHANNELS_CHANGED, C.UNCHANGED},
        effects={Audit, SendEmail},
    ),
    on(
        A.LOCKED,
        ChannelsChanged,
        channels_changed,
        to={F.CANCELLED},
        outcomes={C.CHANNELS_CHANGED, C.UNCHANGED},
        effects={Audit, SendEmail},
    ),
    # a disabled account has no open flow to cancel
    on(
        A.DISABLED,
        ChannelsChanged,
        channels_changed,
        outcomes={C.CHANNELS_CHANGED, C.UNCHANGED},
        effects={Audit, SendEmail},
    ),
    # --- flow machine: step 3 as its own command, and the resend ---------------------
    on(
        F.CHOOSE_CHANNEL,
        ChannelChosen,
        channel_chosen,
        to={F.CODE_SENT},
        outcomes={C.CODE_SENT, C.CHANNEL_UNAVAILABLE, C.RATE_LIMITED},
        effects={Audit, SendSms, SendEmail},
    ),
    on(
        F.CODE_SENT,
        ChannelChosen,
        channel_chosen,
        outcomes={C.CODE_SENT, C.CHANNEL_UNAVAILABLE, C.RATE_LIMITED},
        effects={Audit, SendSms, SendEmail},
    ),
    on(
        F.VERIFIED,
        ChannelChosen,
        channel_chosen,
        to={F.CODE_SENT},
        outcomes={C.CODE_SENT, C.CHANNEL_UNAVAILABLE, C.RATE_LIMITED},
        effects={Audit, SendSms, SendEmail},
    ),
    on(F.EXPIRED, ChannelChosen, refuse(C.FLOW_EXPIRED), outcomes={C.FLOW_EXPIRED}),
    on(F.COMPLETED, ChannelChosen, refuse(C.NO_OPEN_FLOW), outcomes={C.NO_OPEN_FLOW}),
    on(F.CANCELLED, ChannelChosen, refuse(C.NO_OPEN_FLOW), outcomes={C.NO_OPEN_FLOW}),
    on(F.SUPERSEDED, ChannelChosen, refuse(C.NO_OPEN_FLOW), outcomes={C.NO_OPEN_FLOW}),
    on(None, ChannelChosen, refuse(C.NO_OPEN_FLOW), outcomes={C.NO_OPEN_FLOW}),
    # --- flow machine: steps 4-5 (the secret, then the new password) -----------------
    on(
        F.CODE_SENT,
        CodeSubmitted,
        code_submitted,
        to={F.VERIFIED, F.CANCELLED},
        outcomes={C.CODE_VERIFIED, C.CODE_INVALID},
        effects={Audit},
    ),
    on(
        F.VERIFIED,
        CodeSubmitted,
        code_submitted_again,
        to={F.CANCELLED},
        outcomes={C.CODE_VERIFIED, C.CODE_INVALID},
        effects={Audit},
    ),
    on(
        F.CODE_SENT,
        NewPasswordSubmitted,
        new_password,
        to={A.ACTIVE, F.COMPLETED, F.CANCELLED},
        outcomes={C.PASSWORD_CHANGED, C.CODE_INVALID},
        effects={Audit, SendEmail},
    ),
    on(
        F.VERIFIED,
        NewPasswordSubmitted,
        new_password,
        to={A.ACTIVE, F.COMPLETED, F.CANCELLED},
        outcomes={C.PASSWORD_CHANGED, C.CODE_INVALID},
        effects={Audit, SendEmail},
    ),
    # why a closed flow's secret fails is told only to that secret
    on(F.COMPLETED, CodeSubmitted, used_or_invalid, outcomes={C.CODE_USED, C.CODE_INVALID}),
    on(F.COMPLETED, NewPasswordSubmitted, used_or_invalid, outcomes={C.CODE_USED, C.CODE_INVALID}),
    on(F.EXPIRED, CodeSubmitted, expired_secret, outcomes={C.CODE_EXPIRED, C.CODE_INVALID}),
    on(F.EXPIRED, NewPasswordSubmitted, expired_secret, outcomes={C.CODE_EXPIRED, C.CODE_INVALID}),
    on(
        F.CANCELLED, CodeSubmitted, cancelled_secret, outcomes={C.TOO_MANY_ATTEMPTS, C.CODE_INVALID}
    ),
    on(
        F.CANCELLED,
        NewPasswordSubmitted,
        cancelled_secret,
        outcomes={C.TOO_MANY_ATTEMPTS, C.CODE_INVALID},
    ),
    on(F.CHOOSE_CHANNEL, CodeSubmitted, refuse(C.CODE_INVALID), outcomes={C.CODE_INVALID}),
    on(F.CHOOSE_CHANNEL, NewPasswordSubmitted, refuse(C.CODE_INVALID), outcomes={C.CODE_INVALID}),
    on(F.SUPERSEDED, CodeSubmitted, refuse(C.CODE_INVALID), outcomes={C.CODE_INVALID}),
    on(F.SUPERSEDED, NewPasswordSubmitted, refuse(C.CODE_INVALID), outcomes={C.CODE_INVALID}),
    on(None, CodeSubmitted, refuse(C.CODE_INVALID), outcomes={C.CODE_INVALID}),
    on(None, NewPasswordSubmitted, refuse(C.CODE_INVALID), outcomes={C.CODE_INVALID}),
    # --- a disabled account's flow goes nowhere (said only to its own secret) ---------
    on(A.DISABLED, ChannelChosen, refuse(C.ACCOUNT_DISABLED), outcomes={C.ACCOUNT_DISABLED}),
    on(A.DISABLED, CodeSubmitted, disabled_secret, outcomes={C.ACCOUNT_DISABLED, C.CODE_INVALID}),
    on(
        A.DISABLED,
        NewPasswordSubmitted,
        disabled_secret,
        outcomes={C.ACCOUNT_DISABLED, C.CODE_INVALID},
    ),
)
