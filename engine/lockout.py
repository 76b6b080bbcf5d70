"""How wrong passwords count and how long a lock lasts (`[policy]`, docs/rules.md).

The procedure's default: failures count consecutively until a success, and the
third one locks the credentials until a recovery or a support unlock. Two
opt-in settings change that, both read from the history the shell loads into
the snapshot (`Snapshot.recent_login_failures`, `Snapshot.recent_locks`):

- `failure_window_seconds` > 0: only the failures of the last N seconds count
  (still reset by a success, an unlock or an ended lock).
- `lock_seconds` as a list: the n-th lock within `lock_reset_seconds` lasts
  the n-th duration; from the `permanent_after`-th lock on (by default, once
  the list is exhausted), a lock lasts until unlocked. An ended lock keeps its
  place in the count for `lock_reset_seconds`; only time takes it out.

Pure: timestamps and settings in, counts and durations out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.policy import Policy


# What `account list --source` calls a failure from a source: a wrong password,
# a login refused while locked, a wrong date of birth, a wrong temporary password.
FAILURE_EVENTS = ("login_failed", "login_refused", "identity_failed", "code_rejected")


class LockMode(StrEnum):
    """What `policy check` reports: which kind of lock these settings give."""

    PERMANENT = "permanent"  # every lock until unlocked (the procedure)
    TIMED = "timed"  # every lock for lock_seconds (then, with permanent_after, until unlocked)
    PROGRESSIVE = "progressive"  # the n-th lock for the n-th duration


def durations(policy: Policy) -> tuple[int, ...]:
    """The durations of the timed locks, by rank (empty: every lock is permanent)."""
    value = policy.lock_seconds
    if isinstance(value, tuple):
        return value
    return (value,) if value else ()


def mode(policy: Policy) -> LockMode:
    if isinstance(policy.lock_seconds, tuple):
        return LockMode.PROGRESSIVE
    return LockMode.TIMED if policy.lock_seconds else LockMode.PERMANENT


def permanent_rank(policy: Policy) -> int | None:
    """The rank of the first lock that lasts until unlocked (None: no lock does).

    `permanent_after = 0` means: after the list (a list), never (one duration),
    at once (`lock_seconds = 0`).
    """
    if policy.permanent_after:
        return policy.permanent_after
    match mode(policy):
        case LockMode.PERMANENT:
            return 1
        case LockMode.PROGRESSIVE:
            return len(durations(policy)) + 1
        case _:
            return None


def lock_duration(rank: int, policy: Policy) -> int | None:
    """Seconds the `rank`-th lock (1-based) lasts; None: until unlocked."""
    permanent = permanent_rank(policy)
    if permanent is not None and rank >= permanent:
        return None
    steps = durations(policy)
    return steps[min(rank, len(steps)) - 1]


def counts_locks(policy: Policy) -> bool:
    """Whether a lock's duration depends on the locks before it (the history to load)."""
    return permanent_rank(policy) not in (1, None)


def lock_rank(recent_locks: Iterable[datetime], now: datetime, policy: Policy) -> int:
    """The rank of a lock at `now`: 1 + the locks of the last `lock_reset_seconds`."""
    since = now - timedelta(seconds=policy.lock_reset_seconds)
    return 1 + sum(1 for when in recent_locks if since < when <= now)


def counted_failures(
    failed_attempts: int, recent_failures: Iterable[datetime], now: datetime, policy: Policy
) -> int:
    """The failures that count toward `max_failed_attempts` before a new one.

    `failed_attempts` are the failures since the last reset (a success, an
    unlock, an ended lock), the newest of the failures in the history. With a
    window, only those of the last `failure_window_seconds` count: the newest
    `failed_attempts` failures of the window, at most. The shell loads only the
    newest `max_failed_attempts` failures of the window: a rule only ever asks
    whether the count reaches `max_failed_attempts`, so more would change nothing.
    """
    if policy.failure_window_seconds <= 0:
        return failed_attempts
    since = now - timedelta(seconds=policy.failure_window_seconds)
    in_window = sum(1 for when in recent_failures if since < when <= now)
    return min(failed_attempts, in_window)


def history_since(policy: Policy, now: datetime) -> tuple[datetime | None, datetime | None]:
    """How far back the shell loads login failures and locks (None: not needed)."""
    failures = (
        now - timedelta(seconds=policy.failure_window_seconds)
        if policy.failure_window_seconds > 0
        else None
    )
    locks = now - timedelta(seconds=policy.lock_reset_seconds) if counts_locks(policy) else None
    return failures, locks
