"""The identity check's back-off: how long a wrong date of birth closes recovery.

A flat "N failures per 24 h" limit let a stranger who knows a NIR close the
member's recovery for a whole day with N wrong dates of birth. Instead, from
the `max_identity_failures`-th failure of a series on, each failure closes the
identity check for a delay: the first delay, doubling at each further failure
(which can only come once the previous delay is over), never more than the cap.

A series is a run of failures less than 24 h apart; a quiet day ends it (the
cap is at most 24 h, so a stranger who fails again as each delay ends keeps
the series, and the member the longest delay, going). Support clearing the
failures ends it too: the caller passes only the failures after the last clear.

Pure: timestamps and settings in, seconds out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.policy import Policy

SERIES_GAP = timedelta(days=1)
# The snapshot never needs more history than this, whatever the settings.
MAX_HISTORY = timedelta(days=366)


@dataclass(frozen=True)
class Backoff:
    """The three settings of the back-off (`[policy]` keys of the same meaning)."""

    threshold: int  # max_identity_failures: failures of a series before the first delay
    first_seconds: int  # identity_backoff_seconds
    max_seconds: int  # identity_backoff_max_seconds

    @classmethod
    def of(cls, policy: Policy) -> Backoff:
        return cls(
            policy.max_identity_failures,
            policy.identity_backoff_seconds,
            policy.identity_backoff_max_seconds,
        )

    def delay(self, rank: int) -> int:
        """Seconds the `rank`-th failure of a series closes the check (0 below the threshold)."""
        if rank < self.threshold:
            return 0
        doublings = rank - self.threshold
        if doublings >= self.max_seconds.bit_length():
            return self.max_seconds  # 2**doublings alone exceeds the cap
        return min(self.max_seconds, self.first_seconds << doublings)

    def ranks_to_cap(self) -> int:
        """The rank of the first failure whose delay is the cap: more history changes nothing."""
        doublings = max(0, math.ceil(math.log2(self.max_seconds / self.first_seconds)))
        return self.threshold + doublings

    def history(self) -> timedelta:
        """How far back the failures must be read to rank the latest one fully.

        A series whose latest failure still matters (less than a day old) reaches
        its capped rank within `ranks_to_cap` failures, each less than a day apart.
        """
        return min(MAX_HISTORY, SERIES_GAP * self.ranks_to_cap())


def current_series(failures: Iterable[datetime], now: datetime) -> tuple[datetime, ...]:
    """The failures of the series still going at `now` (empty after a quiet day)."""
    series: list[datetime] = []
    for when in sorted(t for t in failures if t <= now):
        if series and when - series[-1] > SERIES_GAP:
            series = []
        series.append(when)
    if series and now - series[-1] > SERIES_GAP:
        return ()
    return tuple(series)


def retry_after(failures: Iterable[datetime], now: datetime, backoff: Backoff) -> int | None:
    """Seconds until the identity check opens again, or None when it is open."""
    series = current_series(failures, now)
    if not series:
        return None
    reopens = series[-1] + timedelta(seconds=backoff.delay(len(series)))
    if reopens <= now:
        return None
    return max(1, math.ceil((reopens - now).total_seconds()))
