"""`engine.simulate`: failures replayed through the machine's own rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from engine.policy import Policy
from engine.simulate import Attempt, Happened, simulate

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
F, L, R, RL, U = (
    Happened.FAILED,
    Happened.LOCKED,
    Happened.REFUSED,
    Happened.RATE_LIMITED,
    Happened.UNLOCKED,
)


def at(*seconds: int) -> list[Attempt]:
    return [Attempt(T0 + timedelta(seconds=s), "src") for s in seconds]


@pytest.mark.parametrize(
    ("settings", "seconds", "expected", "state", "until"),
    [
        # the procedure: the third locks until unlocked, then every login is refused
        ({}, (0, 1, 2, 3), [F, F, L, R], "locked", None),
        # a window of 60 s: the first failure has left it when the third comes
        ({"failure_window_seconds": 60}, (0, 30, 61, 62), [F, F, F, L], "locked", None),
        # one duration: the lock ends, the count restarts
        ({"lock_seconds": 10}, (0, 1, 2, 20, 21, 22), [F, F, L, U, F, F, L], "locked", 32),
        # progressive: 10 s, then until unlocked
        ({"lock_seconds": (10,)}, (0, 1, 2, 20, 21, 22), [F, F, L, U, F, F, L], "locked", None),
        # refused logins past max_refused_logins in 24 h are rate limited
        ({"max_refused_logins": 1}, (0, 1, 2, 3, 4), [F, F, L, R, RL], "locked", None),
        ({}, (), [], "active", None),
    ],
)
def test_timeline(settings, seconds, expected, state, until):
    policy = replace(Policy(), **settings)
    timeline = simulate(at(*seconds), policy)
    assert [line.happened for line in timeline.lines] == expected
    assert timeline.state == state
    assert timeline.locked_until == (None if until is None else T0 + timedelta(seconds=until))


def test_lock_lines_carry_the_rank_and_the_end():
    policy = replace(Policy(), lock_seconds=(10, 20))
    timeline = simulate(at(0, 1, 2, 12, 13, 14, 40, 41, 42), policy)
    locks = [(line.lock_count, line.locked_until) for line in timeline.lines if line.happened is L]
    assert locks == [
        (1, T0 + timedelta(seconds=12)),
        (2, T0 + timedelta(seconds=34)),
        (3, None),
    ]
    assert timeline.locks == 3
    unlocked = [line.at for line in timeline.lines if line.happened is U]
    assert unlocked == [T0 + timedelta(seconds=12), T0 + timedelta(seconds=34)]
    assert {line.source for line in timeline.lines if line.happened is not U} == {"src"}
