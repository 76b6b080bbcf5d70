"""`sesame policy simulate`: the lock timeline a policy gives a series of wrong passwords.

Each failure is a wrong password through the machine's own `step()` (the same
rows and rules as `login`), on an account with no channel (no message), with
the history the shell would load (failures, locks, refused logins) kept from
the earlier steps. Pure: the attempts and the policy in, the timeline out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from engine.counted import Counted
from engine.events import Audit, PasswordChecked, Snapshot
from engine.lockout import history_since, lock_rank
from engine.machine import Context, step
from engine.model import Account, AccountState
from engine.policy import Policy
from engine.rules import DAY

# The typed password of a simulated failure: no flow is open, so it matches nothing.
_WRONG = PasswordChecked(False, "0" * 64)


class Happened(StrEnum):
    """What one line of the timeline says."""

    FAILED = "failed"  # counted toward max_failed_attempts
    LOCKED = "locked"  # this failure locked the account
    REFUSED = "refused"  # refused while locked (not counted)
    RATE_LIMITED = "rate_limited"  # refused: too many refusals in 24 h
    UNLOCKED = "unlocked"  # a timed lock ended by itself


@dataclass(frozen=True)
class Attempt:
    at: datetime
    source: str | None = None


@dataclass(frozen=True)
class Line:
    at: datetime
    happened: Happened
    source: str | None = None
    failures: int = 0  # failures counting after this line
    lock_count: int | None = None  # the rank of the lock this line made
    locked_until: datetime | None = None  # its end (None: until unlocked)


@dataclass(frozen=True)
class Timeline:
    lines: tuple[Line, ...]
    state: AccountState  # at the last attempt
    locked_until: datetime | None
    failures: int
    locks: int  # locks made by the attempts


def simulate(attempts: Sequence[Attempt], policy: Policy) -> Timeline:
    """Every attempt in time order through the machine, with the lock ends between them."""
    if not attempts:
        return Timeline((), AccountState.ACTIVE, None, 0, 0)
    account = _account(min(a.at for a in attempts))
    failures: list[datetime] = []
    locks: list[datetime] = []
    refusals: list[datetime] = []
    lines: list[Line] = []
    for attempt in sorted(attempts, key=lambda a: a.at):
        now = attempt.at
        ended = account.locked_until
        if account.state is AccountState.LOCKED and ended and ended <= now:
            lines.append(Line(ended, Happened.UNLOCKED))
        snap = Snapshot(
            account,
            recent_refused_logins=_since(refusals, now - DAY),
            recent_login_failures=_since(failures, history_since(policy, now)[0]),
            recent_locks=_since(locks, history_since(policy, now)[1]),
        )
        decision = step(snap, _WRONG, Context(now, policy))
        names = [e.event for e in decision.effects if isinstance(e, Audit)]
        account = decision.account
        lines.append(_line(attempt, names, account, lock_rank(locks, now, policy)))
        failures += [now] if Counted.LOGIN_FAILED in names else []
        locks += [now] if Counted.ACCOUNT_LOCKED in names else []
        refusals += [now] if Counted.LOGIN_REFUSED in names else []
    return Timeline(
        tuple(lines),
        account.state,
        account.locked_until,
        account.failed_attempts,
        sum(1 for line in lines if line.happened is Happened.LOCKED),
    )


def _line(attempt: Attempt, names: list[str], account: Account, rank: int) -> Line:
    """What the step's audit events say happened (`rank`: of a lock it made)."""
    at, source = attempt.at, attempt.source
    if Counted.ACCOUNT_LOCKED in names:
        failures = account.failed_attempts
        return Line(at, Happened.LOCKED, source, failures, rank, account.locked_until)
    if Counted.LOGIN_FAILED in names:
        return Line(at, Happened.FAILED, source, account.failed_attempts)
    if Counted.LOGIN_REFUSED in names:
        return Line(at, Happened.REFUSED, source, account.failed_attempts)
    return Line(at, Happened.RATE_LIMITED, source, account.failed_attempts)


def _since(times: Iterable[datetime], since: datetime | None) -> tuple[datetime, ...]:
    if since is None:
        return ()
    return tuple(t for t in times if t > since)


def _account(created: datetime) -> Account:
    """An active account with no channel: a lock sends no message."""
    return Account(
        id=0,
        nir="",
        birth_date=date(2000, 1, 1),
        email=None,
        mobile=None,
        sms_capable=False,
        password_hash=None,
        state=AccountState.ACTIVE,
        failed_attempts=0,
        locked_at=None,
        locked_until=None,
        last_login_at=None,
        password_changed_at=None,
        created_at=created - timedelta(days=1),
    )
