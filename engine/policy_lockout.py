"""What a stranger who knows a NIR, but not the date of birth, can do to its member
with a policy: the lock-out part of `sesame policy check` (pure)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.backoff import SERIES_GAP, Backoff
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


def lockout(policy: Policy) -> Lockout:
    """The stranger's worst case with these settings (see `Lockout`)."""
    backoff = Backoff.of(policy)
    day = int(SERIES_GAP.total_seconds())
    return Lockout(
        login_failures=policy.max_failed_attempts,
        login_locked_seconds=policy.lock_seconds or None,
        recovery_failures=policy.max_identity_failures,
        first_delay_seconds=backoff.first_seconds,
        max_delay_seconds=backoff.max_seconds,
        failures_first_day=failures_in_first_day(backoff),
        failures_per_day=math.ceil(day / backoff.max_seconds),
    )


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
