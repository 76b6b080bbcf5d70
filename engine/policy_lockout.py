"""What a stranger who knows a NIR, but not the date of birth, can do to its member
with a policy: the lock-out part of `sesame policy check` (pure)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.backoff import SERIES_GAP, Backoff
from engine.lockout import counts_locks, durations, lock_duration, mode, permanent_rank
from engine.policy import Policy


@dataclass(frozen=True)
class Lockout:
    """The worst a stranger who knows a NIR, but not the date of birth, can do to its member.

    Login: `login_failures` wrong passwords lock it, for `login_locked_seconds`
    (None: until a recovery or a support unlock; a time-limited lock the
    stranger renews). Recovery: `recovery_failures` wrong dates of birth close
    the identity check for `first_delay_seconds`; failing again as each delay
    ends doubles it up to `max_delay_seconds`, and keeps recovery closed without
    a break for `failures_first_day` failures in the first 24 h, then
    `failures_per_day` a day. Support's `account unlock` lifts both.
    """

    login_failures: int
    login_locked_seconds: int | None
    recovery_failures: int
    first_delay_seconds: int
    max_delay_seconds: int
    failures_first_day: int
    failures_per_day: int
    # How the login counts and locks (engine.lockout): the mode, the window, the
    # durations by rank, the rank of the first lock without end, the reset period.
    mode: str = "permanent"
    failure_window_seconds: int = 0
    lock_durations: tuple[int, ...] = ()
    permanent_rank: int | None = 1
    lock_reset_seconds: int = 86400


def failed_attempts_per_hour(max_failed_attempts: int, lock_seconds: int) -> int:
    """Wrong passwords one account admits per hour, at most.

    A lock without end (`lock_seconds = 0`) lasts until a recovery or a
    support unlock: `max_failed_attempts` in all. A time-limited lock lets
    `max_failed_attempts` through every `lock_seconds`, hence
    max_failed_attempts × 3600 / lock_seconds per hour (never fewer than one
    round), rounded up.
    """
    if lock_seconds == 0:
        return max_failed_attempts
    return math.ceil(max_failed_attempts * max(1.0, 3600 / lock_seconds))


def lockout(policy: Policy) -> Lockout:
    """The stranger's worst case with these settings (see `Lockout`)."""
    backoff = Backoff.of(policy)
    day = int(SERIES_GAP.total_seconds())
    return Lockout(
        login_failures=policy.max_failed_attempts,
        login_locked_seconds=lock_duration(1, policy),
        recovery_failures=policy.max_identity_failures,
        first_delay_seconds=backoff.first_seconds,
        max_delay_seconds=backoff.max_seconds,
        failures_first_day=failures_in_first_day(backoff),
        failures_per_day=math.ceil(day / backoff.max_seconds),
        mode=mode(policy).value,
        failure_window_seconds=policy.failure_window_seconds,
        lock_durations=durations(policy),
        permanent_rank=permanent_rank(policy),
        lock_reset_seconds=policy.lock_reset_seconds,
    )


def login_failures_per_hour(policy: Policy) -> int:
    """Wrong passwords one account admits per hour, at most, failing again as each lock ends.

    A lock whose duration does not depend on the ones before: `failed_attempts_per_hour`.
    Otherwise each lock's duration by its rank within `lock_reset_seconds`, until
    an hour has passed or a lock lasts until unlocked.
    """
    first = lock_duration(1, policy)
    if not counts_locks(policy):
        return failed_attempts_per_hour(policy.max_failed_attempts, first or 0)
    elapsed, total = 0, 0
    locks: list[int] = []
    while elapsed < 3600:
        total += policy.max_failed_attempts
        rank = 1 + sum(1 for at in locks if at > elapsed - policy.lock_reset_seconds)
        seconds = lock_duration(rank, policy)
        if seconds is None:
            break
        locks.append(elapsed)
        elapsed += seconds
    return total


def failures_in_first_day(backoff: Backoff) -> int:
    """Wrong dates of birth a stranger makes in 24 h failing again as each delay ends.

    Every failure of a series is its next rank: the first `threshold` at once,
    each further one when the delay of the one before is over.
    """
    day = int(SERIES_GAP.total_seconds())
    elapsed, rank = 0, 0
    while elapsed < day:
        rank += 1
        elapsed += backoff.delay(rank)
    return rank
