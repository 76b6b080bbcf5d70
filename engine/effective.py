"""What a member and support see at a given moment, without any transition: a
time-limited lock ends by itself and an expired flow is no longer open.

Read-only views (`status`, `account list`) need only this, not the machine."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from engine.model import Account, Flow
from engine.states import AccountState


def effective_state(account: Account, now: datetime) -> AccountState:
    """The state as the member experiences it: a time-limited lock ends by itself."""
    if (
        account.state is AccountState.LOCKED
        and account.locked_until
        and account.locked_until <= now
    ):
        return AccountState.ACTIVE
    return account.state


def effective_account(account: Account, now: datetime) -> Account:
    """The account with an ended time-limited lock lifted (failures forgotten too)."""
    if effective_state(account, now) is account.state:
        return account
    return replace(
        account, state=AccountState.ACTIVE, failed_attempts=0, locked_at=None, locked_until=None
    )


def live_flow(flow: Flow | None, now: datetime) -> Flow | None:
    """The flow if it is still open at `now`, else None (for read-only views)."""
    if flow and flow.state.is_open and flow.expires_at > now:
        return flow
    return None
