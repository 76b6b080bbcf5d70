"""What `step()` exchanges: the snapshot it reads, the events (past-tense facts)
the shell observed, and the decision with its effects (imperatives)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from engine.languages import DEFAULT_LANGUAGE
from engine.model import Account, Flow
from engine.outcomes import Code
from engine.states import Channel, FlowKind


@dataclass(frozen=True)
class Snapshot:
    """What a rule may look at: the account row, the flow the event concerns
    (the open one, or the one a submitted secret points to) and the recent
    history that rate limits count (sends: rolling 24 h; identity failures: as
    far back as the back-off needs, `engine.backoff.Backoff.history`), with the
    last time support cleared the identity failures. Login failures and locks
    are loaded only when the policy counts them (`engine.lockout.history_since`):
    failures within `failure_window_seconds`, locks within `lock_reset_seconds`."""

    account: Account
    flow: Flow | None = None
    recent_sends: tuple[datetime, ...] = ()
    recent_identity_failures: tuple[datetime, ...] = ()
    identity_failures_cleared_at: datetime | None = None
    recent_refused_logins: tuple[datetime, ...] = ()
    recent_login_failures: tuple[datetime, ...] = ()
    recent_locks: tuple[datetime, ...] = ()


@dataclass(frozen=True)
class FreshSecrets:
    """Randomness drawn by the shell before the step: the engine never draws."""

    flow_id: str
    sms_code: str
    link_token: str


# --- events: facts the shell observed -------------------------------------


@dataclass(frozen=True)
class AccountCreated:
    """`account add`, or one valid row of `account import` (`imported_from`: the
    file's name and the row's line): identity and channels already checked, the
    password hashed by the shell (or imported as given), or none yet."""

    nir: str
    birth_date: date
    email: str | None
    mobile: str | None
    sms_capable: bool
    password_hash: str | None
    imported_from: tuple[str, int] | None = None
    language: str = DEFAULT_LANGUAGE


@dataclass(frozen=True)
class PasswordChecked:
    """A login: argon2 ran outside the transaction; `typed_digest` lets the
    rule compare the typed text with an open flow's temporary password. A
    rehash is not part of it: it happens only after a decided login."""

    matched: bool
    typed_digest: str


@dataclass(frozen=True)
class IdentityChecked:
    """`unlock`/`forgot`: NIR (or email) and date of birth were given."""

    kind: FlowKind
    birth_date_matches: bool
    channel: Channel | None
    fresh: FreshSecrets


@dataclass(frozen=True)
class ChannelChosen:
    """`send-code`: a (new) secret on the chosen channel."""

    channel: Channel
    fresh: FreshSecrets


@dataclass(frozen=True)
class CodeSubmitted:
    """A temporary password (SMS) or link token (email) was typed."""

    channel: Channel
    typed_digest: str


@dataclass(frozen=True)
class NewPasswordSubmitted:
    """Step 5: the verified secret again, with the new password's hash."""

    channel: Channel
    typed_digest: str
    new_hash: str


@dataclass(frozen=True)
class UnlockedBySupport:
    """Support lifted the lock; `send_reset` starts a flow to the member's own channel."""

    reason: str
    send_reset: Channel | None
    fresh: FreshSecrets


@dataclass(frozen=True)
class ResetSentBySupport:
    """Support sent a reset (`account send-reset`) without touching the lock: a
    locked account stays locked until the member completes the reset."""

    reason: str
    channel: Channel
    fresh: FreshSecrets


@dataclass(frozen=True)
class DisabledBySupport:
    reason: str


@dataclass(frozen=True)
class EnabledBySupport:
    reason: str


@dataclass(frozen=True)
class ChannelsChanged:
    """Support replaced the contact channels (already validated), or the
    language the member's messages are written in (None: unchanged)."""

    email: str | None
    mobile: str | None
    sms_capable: bool
    reason: str
    language: str | None = None


Event = (
    AccountCreated
    | PasswordChecked
    | IdentityChecked
    | ChannelChosen
    | CodeSubmitted
    | NewPasswordSubmitted
    | UnlockedBySupport
    | ResetSentBySupport
    | DisabledBySupport
    | EnabledBySupport
    | ChannelsChanged
)


# --- effects: what the shell must do in the same transaction ---------------


@dataclass(frozen=True)
class Audit:
    event: str
    state_before: str | None
    state_after: str | None
    detail: dict[str, Any] = field(default_factory=dict)
    flow_id: str | None = None


@dataclass(frozen=True)
class SendSms:
    to: str
    body: str
    redacted_body: str
    flow_id: str | None = None


@dataclass(frozen=True)
class SendEmail:
    to: str
    subject: str
    body: str
    redacted_body: str
    flow_id: str | None = None


Effect = Audit | SendSms | SendEmail


@dataclass(frozen=True)
class SendLimit:
    """Why a send is refused: the cooldown since the last send, or the daily limit."""

    limit: str  # "cooldown" or "daily_limit"
    retry_after: int
    last_sent_at: datetime
    sends_today: int


@dataclass(frozen=True)
class Outcome:
    """What the command reports. `ok=False` outcomes are refusals that still
    carry effects (a failed password is a transition, not an error)."""

    code: Code
    ok: bool
    retry_after: int | None = None
    auto_channel: bool = False
    # Support's unlock: how many identity failures it cleared (the back-off they caused ends).
    identity_failures_cleared: int = 0
    # A refusal's finer reason (its catalogue key is `<code>.<reason>`), and a
    # support action's send limit, said in support's terms.
    reason: str | None = None
    limit: SendLimit | None = None


@dataclass(frozen=True)
class Decision:
    account: Account
    flows: tuple[Flow, ...]
    effects: tuple[Effect, ...]
    outcome: Outcome

    @property
    def flow(self) -> Flow | None:
        """The flow the outcome is about: the last one the rule wrote."""
        return self.flows[-1] if self.flows else None
