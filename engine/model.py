"""Domain records: an account and a recovery flow, as the database holds them.

Read-only commands (`status`, `account list`) need only these; what the machine
consumes and decides lives in `engine.events`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# The states live in engine.states (cheap to import); re-exported here.
from engine.languages import DEFAULT_LANGUAGE
from engine.states import OPEN_FLOW_STATES as OPEN_FLOW_STATES
from engine.states import AccountState as AccountState
from engine.states import Channel as Channel
from engine.states import FlowKind as FlowKind
from engine.states import FlowState as FlowState


@dataclass(frozen=True)
class Account:
    id: int
    nir: str
    birth_date: date
    email: str | None
    mobile: str | None
    sms_capable: bool
    password_hash: str | None
    state: AccountState
    failed_attempts: int
    locked_at: datetime | None
    locked_until: datetime | None
    last_login_at: datetime | None
    password_changed_at: datetime | None
    created_at: datetime
    # What every message to the member is written in, whatever the operator reads.
    language: str = DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Flow:
    id: str
    account_id: int
    kind: FlowKind
    state: FlowState
    channel: Channel | None
    secret_digest: str | None
    expires_at: datetime
    code_attempts: int
    created_at: datetime
