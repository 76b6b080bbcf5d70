"""How failures count and how long a lock lasts: `failure_window_seconds`,
progressive `lock_seconds`, `lock_reset_seconds`, `permanent_after`.

Each case is a whole login decision through `engine.machine.step`, with the
history the shell loads into the snapshot (login failures, earlier locks).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import pytest

from engine.events import Audit, Decision, Snapshot
from engine.lockout import (
    LockMode,
    counted_failures,
    counts_locks,
    history_since,
    lock_duration,
    lock_rank,
    mode,
    permanent_rank,
)
from engine.machine import Context, step
from engine.model import Account
from engine.policy import Policy
from tests.engine_tests.test_machine import (
    NOW,
    WRONG,
    A,
    account,
    ago,
    later,
    locked,
)

PROGRESSIVE = {"lock_seconds": (60, 300, 900), "lock_reset_seconds": 86400}


@dataclass(frozen=True)
class Case:
    id: str
    account: Account
    policy: dict[str, object] = field(default_factory=dict)
    failures: tuple[datetime, ...] = ()  # login_failed events the shell loaded
    locks: tuple[datetime, ...] = ()  # account_locked events the shell loaded
    # what the decision must be
    code: str = "auth_failed"
    becomes: Account | None = None
    audits: tuple[tuple[str, dict[str, str]], ...] = ()

    def decide(self) -> Decision:
        policy = replace(Policy(), **self.policy)  # type: ignore[arg-type]
        snap = Snapshot(self.account, recent_login_failures=self.failures, recent_locks=self.locks)
        return step(snap, WRONG, Context(NOW, policy))


def failed(count: int) -> tuple[str, dict[str, str]]:
    return ("login_failed", {"failed_attempts": str(count)})


LOCKED_PLAIN = ("account_locked", {})


def lock_audit(rank: int, seconds: int) -> tuple[str, dict[str, str]]:
    return ("account_locked", {"lock_count": str(rank), "lock_seconds": str(seconds)})


CASES = [
    # --- failure_window_seconds = 0: consecutive until a success (the procedure) ---
    Case(
        id="no-window-old-failures-still-count",
        account=account(failed_attempts=2),
        failures=(ago(days=30), ago(days=20)),
        code="account_locked",
        becomes=locked(locked_at=NOW),
        audits=(failed(3), LOCKED_PLAIN),
    ),
    # --- failure_window_seconds > 0 ---
    Case(
        id="window-both-earlier-failures-inside-locks",
        account=account(failed_attempts=2),
        policy={"failure_window_seconds": 900},
        failures=(ago(minutes=10), ago(minutes=5)),
        code="account_locked",
        becomes=locked(locked_at=NOW),
        audits=(failed(3), LOCKED_PLAIN),
    ),
    Case(
        id="window-one-earlier-failure-outside-does-not-lock",
        account=account(failed_attempts=2),
        policy={"failure_window_seconds": 900},
        failures=(ago(minutes=20), ago(minutes=5)),
        becomes=account(failed_attempts=2),
        audits=(failed(2),),
    ),
    Case(
        id="window-all-earlier-failures-outside-restart-at-one",
        account=account(failed_attempts=2),
        policy={"failure_window_seconds": 900},
        failures=(ago(hours=2), ago(hours=1)),
        becomes=account(failed_attempts=1),
        audits=(failed(1),),
    ),
    Case(
        id="window-failures-before-a-success-do-not-count",
        # failed_attempts=0: a success came after the two failures in the window
        account=account(failed_attempts=0),
        policy={"failure_window_seconds": 900},
        failures=(ago(minutes=10), ago(minutes=5)),
        becomes=account(failed_attempts=1),
        audits=(failed(1),),
    ),
    Case(
        id="window-edge-exactly-window-old-is-outside",
        account=account(failed_attempts=2),
        policy={"failure_window_seconds": 900},
        failures=(ago(seconds=900), ago(seconds=899)),
        becomes=account(failed_attempts=2),
        audits=(failed(2),),
    ),
    # --- one duration: every lock lasts it (today's lock_seconds = N) ---
    Case(
        id="timed-lock-ignores-earlier-locks",
        account=account(failed_attempts=2),
        policy={"lock_seconds": 600},
        locks=(ago(hours=1), ago(minutes=30)),
        code="account_locked",
        becomes=locked(locked_at=NOW, locked_until=later(seconds=600)),
        audits=(failed(3), LOCKED_PLAIN),
    ),
    Case(
        id="timed-lock-permanent-after-2",
        account=account(failed_attempts=2),
        policy={"lock_seconds": 600, "permanent_after": 2},
        locks=(ago(hours=1),),
        code="account_locked",
        becomes=locked(locked_at=NOW),
        audits=(failed(3), lock_audit(2, 0)),
    ),
    # --- progressive locking ---
    Case(
        id="progressive-first-lock",
        account=account(failed_attempts=2),
        policy=PROGRESSIVE,
        code="account_locked",
        becomes=locked(locked_at=NOW, locked_until=later(seconds=60)),
        audits=(failed(3), lock_audit(1, 60)),
    ),
    Case(
        id="progressive-second-lock-after-an-expired-one",
        account=account(failed_attempts=2),
        policy=PROGRESSIVE,
        locks=(ago(hours=1),),
        code="account_locked",
        becomes=locked(locked_at=NOW, locked_until=later(seconds=300)),
        audits=(failed(3), lock_audit(2, 300)),
    ),
    Case(
        id="progressive-third-lock",
        account=account(failed_attempts=2),
        policy=PROGRESSIVE,
        locks=(ago(hours=3), ago(hours=1)),
        code="account_locked",
        becomes=locked(locked_at=NOW, locked_until=later(seconds=900)),
        audits=(failed(3), lock_audit(3, 900)),
    ),
    Case(
        id="progressive-list-exhausted-permanent",
        account=account(failed_attempts=2),
        policy=PROGRESSIVE,
        locks=(ago(hours=5), ago(hours=3), ago(hours=1)),
        code="account_locked",
        becomes=locked(locked_at=NOW),
        audits=(failed(3), lock_audit(4, 0)),
    ),
    Case(
        id="progressive-locks-older-than-reset-are-forgotten",
        account=account(failed_attempts=2),
        policy={**PROGRESSIVE, "lock_reset_seconds": 3600},
        locks=(ago(hours=5), ago(hours=3), ago(minutes=30)),
        code="account_locked",
        becomes=locked(locked_at=NOW, locked_until=later(seconds=300)),
        audits=(failed(3), lock_audit(2, 300)),
    ),
    Case(
        id="progressive-permanent-after-2-cuts-the-list",
        account=account(failed_attempts=2),
        policy={**PROGRESSIVE, "permanent_after": 2},
        locks=(ago(hours=1),),
        code="account_locked",
        becomes=locked(locked_at=NOW),
        audits=(failed(3), lock_audit(2, 0)),
    ),
    Case(
        id="progressive-with-window",
        account=account(failed_attempts=2),
        policy={**PROGRESSIVE, "failure_window_seconds": 300},
        failures=(ago(minutes=4), ago(minutes=1)),
        locks=(ago(hours=2),),
        code="account_locked",
        becomes=locked(locked_at=NOW, locked_until=later(seconds=300)),
        audits=(failed(3), lock_audit(2, 300)),
    ),
    # --- a disabled account answers as an active one would, window included ---
    Case(
        id="disabled-window-outside-answers-auth-failed",
        account=account(state=A.DISABLED, failed_attempts=2),
        policy={"failure_window_seconds": 900},
        failures=(ago(hours=2), ago(minutes=5)),
        becomes=account(state=A.DISABLED, failed_attempts=2),
        audits=(failed(2),),
    ),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in CASES])
def test_login_failure_counting(case: Case) -> None:
    decision = case.decide()
    assert decision.outcome.code == case.code
    assert decision.account == (case.becomes or case.account)
    audits = tuple((e.event, e.detail) for e in decision.effects if isinstance(e, Audit))
    assert audits == case.audits


def test_an_ended_progressive_lock_is_lifted_then_the_count_restarts() -> None:
    """A timed lock ends by itself (its failures forgotten); the lock stays counted."""
    policy = replace(Policy(), lock_seconds=(60, 300))
    ended = locked(locked_at=ago(minutes=2), locked_until=ago(minutes=1))
    snap = Snapshot(ended, recent_locks=(ago(minutes=2),))
    decision = step(snap, WRONG, Context(NOW, policy))
    assert decision.outcome.code == "auth_failed"
    assert decision.account == account(failed_attempts=1)
    assert [e.event for e in decision.effects if isinstance(e, Audit)] == [
        "lock_expired",
        "login_failed",
    ]


@pytest.mark.parametrize(
    ("settings", "expected_mode", "permanent", "ranks"),
    [
        ({}, LockMode.PERMANENT, 1, [None, None, None]),
        ({"lock_seconds": 600}, LockMode.TIMED, None, [600, 600, 600]),
        ({"lock_seconds": 600, "permanent_after": 3}, LockMode.TIMED, 3, [600, 600, None]),
        ({"lock_seconds": (60, 300)}, LockMode.PROGRESSIVE, 3, [60, 300, None]),
        ({"lock_seconds": (60, 300), "permanent_after": 1}, LockMode.PROGRESSIVE, 1, [None] * 3),
    ],
)
def test_lock_durations_by_rank(
    settings: dict[str, object],
    expected_mode: LockMode,
    permanent: int | None,
    ranks: list[int | None],
) -> None:
    policy = replace(Policy(), **settings)  # type: ignore[arg-type]
    assert mode(policy) is expected_mode
    assert permanent_rank(policy) == permanent
    assert [lock_duration(rank, policy) for rank in (1, 2, 3)] == ranks


def test_history_is_loaded_only_when_the_policy_reads_it() -> None:
    assert history_since(Policy(), NOW) == (None, None)
    assert history_since(replace(Policy(), lock_seconds=600), NOW) == (None, None)
    assert not counts_locks(replace(Policy(), lock_seconds=(60,), permanent_after=1))
    windowed = replace(Policy(), failure_window_seconds=900, lock_seconds=(60,))
    assert history_since(windowed, NOW) == (ago(seconds=900), ago(days=1))


def test_counting_helpers() -> None:
    policy = replace(Policy(), failure_window_seconds=60, lock_reset_seconds=3600)
    assert counted_failures(5, (ago(seconds=30), ago(seconds=10)), NOW, policy) == 2
    assert counted_failures(1, (ago(seconds=30), ago(seconds=10)), NOW, policy) == 1
    assert counted_failures(4, (ago(seconds=30),), NOW, Policy()) == 4
    assert lock_rank((ago(hours=2), ago(minutes=59)), NOW, policy) == 2
