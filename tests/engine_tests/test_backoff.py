"""engine.backoff: the identity check's delays, table-driven, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.backoff import MAX_HISTORY, Backoff, current_series, retry_after
from engine.policy import Policy

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
DEFAULT = Backoff.of(Policy())  # 5 failures, then 15 min doubling up to 24 h


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


def minutes_ago(*minutes: float) -> tuple[datetime, ...]:
    return tuple(ago(minutes=m) for m in minutes)


def test_defaults():
    assert Backoff.of(Policy()) == Backoff(threshold=5, first_seconds=900, max_seconds=86400)


@pytest.mark.parametrize(
    ("backoff", "rank", "delay"),
    [
        (DEFAULT, 1, 0),
        (DEFAULT, 4, 0),
        (DEFAULT, 5, 900),
        (DEFAULT, 6, 1800),
        (DEFAULT, 7, 3600),
        (DEFAULT, 11, 57600),
        (DEFAULT, 12, 86400),  # 115200, capped
        (DEFAULT, 500, 86400),
        (Backoff(1, 60, 100), 1, 60),
        (Backoff(1, 60, 100), 2, 100),
        (Backoff(3, 1, 1), 10**6, 1),
        (Backoff(2, 7, 86400), 2 + 16, 86400),  # 7 × 2**16 > a day
        (Backoff(2, 7, 86400), 2 + 13, 57344),
    ],
)
def test_delay_of_each_rank(backoff, rank, delay):
    assert backoff.delay(rank) == delay


@pytest.mark.parametrize(
    ("backoff", "rank", "days"),
    [
        (DEFAULT, 12, 12),  # 900 × 2**7 ≥ 86400
        (Backoff(5, 86400, 86400), 5, 5),
        (Backoff(1, 1, 86400), 1 + 17, 18),
        (Backoff(10**6, 1, 86400), 10**6 + 17, MAX_HISTORY.days),
    ],
)
def test_history_reaches_back_to_the_capped_rank(backoff, rank, days):
    assert backoff.ranks_to_cap() == rank
    assert backoff.history() == timedelta(days=days)


@pytest.mark.parametrize(
    ("failures", "series"),
    [
        ((), ()),
        (minutes_ago(5), minutes_ago(5)),
        (minutes_ago(5, 1500, 60), minutes_ago(1500, 60, 5)),  # sorted
        (minutes_ago(3000, 5), minutes_ago(5)),  # 49 h apart: a new series
        (minutes_ago(2880, 1441, 5), minutes_ago(2880, 1441, 5)),  # each under a day apart
        (minutes_ago(1441), ()),  # a quiet day: over
        (minutes_ago(1440), minutes_ago(1440)),  # exactly a day: still going
        ((NOW + timedelta(seconds=1),), ()),  # a failure from the future is ignored
    ],
)
def test_current_series(failures, series):
    assert current_series(failures, NOW) == series


FIVE = minutes_ago(600, 400, 300, 200, 2)


@pytest.mark.parametrize(
    ("backoff", "failures", "wait"),
    [
        (DEFAULT, (), None),
        (DEFAULT, FIVE[:4], None),  # below the threshold
        (DEFAULT, FIVE, 780),  # the first delay, 2 min into it
        (DEFAULT, (*FIVE[:4], ago(minutes=15)), None),  # the first delay is over
        (DEFAULT, (*FIVE[:4], ago(minutes=14, seconds=59)), 1),
        (DEFAULT, (*FIVE[:4], *minutes_ago(40, 20)), 600),  # sixth: 30 min
        (DEFAULT, (*FIVE[:4], *minutes_ago(100, 80, 50)), 600),  # seventh: 60 min
        (Backoff(5, 900, 2700), (*FIVE[:4], *minutes_ago(100, 80, 40)), 300),  # capped at 45 min
        (DEFAULT, minutes_ago(3000, 2999, 2998, 2997, 1), None),  # a quiet day began a new series
        (Backoff(1, 86400, 86400), (ago(hours=24),), None),  # the longest delay, just over
        (Backoff(1, 86400, 86400), (ago(hours=23),), 3600),
    ],
)
def test_retry_after(backoff, failures, wait):
    assert retry_after(failures, NOW, backoff) == wait


def test_a_stranger_failing_as_each_delay_ends_meets_the_doubling_then_the_cap():
    failures: list[datetime] = []
    now = NOW
    delays = []
    for _ in range(14):
        while (wait := retry_after(failures, now, DEFAULT)) is not None:
            delays.append(wait)
            now += timedelta(seconds=wait)
        failures.append(now)
    assert delays == [900, 1800, 3600, 7200, 14400, 28800, 57600, 86400, 86400]
