"""The unit of work: one step in one transaction, the counted events, the outbox lifecycle."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from db import decisions, procedure, rows, support
from db.settings import load_settings
from db.store import Store
from db.unit_of_work import Named, run_step
from engine.counted import Counted
from engine.errors import SesameError
from engine.events import DisabledBySupport, Outcome, Snapshot
from engine.identity import parse_identifier
from engine.next_step import Next, next_step
from engine.outbox_status import (
    CLAIMABLE,
    LIFECYCLE,
    RETRYABLE,
    MessageEvent,
    MessageStatus,
    body_after,
)
from tests.helpers import DOB, NIR, PASSWORD, lines

WRONG_DOB = "16/10/1995"


def _store(home: Any) -> Store:
    return Store(load_settings(home=str(home.path), db=home.db_url, lang="en"))


def _snapshot(home: Any) -> Snapshot:
    """What the limits of the member's next step would count."""
    store = _store(home)
    with store.read() as conn:
        account = rows.find_account(conn, parse_identifier(NIR))
        assert account is not None
        flow = rows.open_flow(conn, account.id)
        return decisions.snapshot(conn, account, flow, store.now(), store.settings.policy)


def _sent(sesame: Callable[..., Any]) -> None:
    assert sesame("forgot", NIR, "--dob", DOB, "--channel", "sms").exit_code == 0


def _wrong_birth_date(sesame: Callable[..., Any]) -> None:
    assert sesame("unlock", NIR, "--dob", WRONG_DOB).exit_code != 0


def _cleared(sesame: Callable[..., Any]) -> None:
    _wrong_birth_date(sesame)
    assert sesame("account", "unlock", NIR, "--reason", "called us").exit_code == 0


def _refused(sesame: Callable[..., Any]) -> None:
    for _ in range(3):
        sesame("login", NIR, input=lines("wrong password"))
    assert sesame("login", NIR, input=lines("wrong password")).exit_code != 0


def _wrong_password(sesame: Callable[..., Any]) -> None:
    assert sesame("login", NIR, input=lines("wrong password")).exit_code == 3


def _locked(sesame: Callable[..., Any]) -> None:
    codes = [sesame("login", NIR, input=lines("wrong password")).exit_code for _ in range(3)]
    assert codes == [3, 3, 4]


# Each counted event: the member's or support's commands that write it, and
# what the limit's counter then reads.
SCENARIOS: dict[Counted, tuple[Callable[..., None], Callable[[Snapshot], int]]] = {
    Counted.CODE_SENT: (_sent, lambda s: len(s.recent_sends)),
    Counted.IDENTITY_FAILED: (_wrong_birth_date, lambda s: len(s.recent_identity_failures)),
    Counted.IDENTITY_FAILURES_CLEARED: (
        _cleared,
        lambda s: int(s.identity_failures_cleared_at is not None),
    ),
    Counted.LOGIN_REFUSED: (_refused, lambda s: len(s.recent_refused_logins)),
    Counted.LOGIN_FAILED: (_wrong_password, lambda s: len(s.recent_login_failures)),
    Counted.ACCOUNT_LOCKED: (_locked, lambda s: len(s.recent_locks)),
}
# Login failures and locks are read only when the policy counts them (engine.lockout).
COUNTING_POLICY = {"failure_window_seconds": 3600, "lock_seconds": [600, 1200]}


def test_every_counted_event_has_a_scenario():
    assert set(SCENARIOS) == set(Counted)


@pytest.mark.parametrize("counted", list(Counted))
def test_what_a_rule_writes_is_what_its_limit_counts(sesame, member, home, counted):
    """A counted event renamed on one side only (writer or counter) fails here."""
    home.configure(resend_cooldown_seconds=0, **COUNTING_POLICY)
    member()
    act, count = SCENARIOS[counted]
    assert count(_snapshot(home)) == 0
    act(sesame)
    assert home.query("SELECT COUNT(*) FROM audit_events WHERE event = :e", e=counted.value) == [
        (1,)
    ]
    assert count(_snapshot(home)) == 1


def test_a_dry_run_takes_the_same_path_and_writes_nothing(sesame, member, home):
    member()
    store = _store(home)
    before = home.query("SELECT COUNT(*) FROM audit_events")
    event = DisabledBySupport("dry")
    tried = run_step(store, Named(parse_identifier(NIR)), event, dry_run=True)
    assert (tried.outcome.code, tried.account.state.value) == ("disabled", "disabled")
    assert home.query("SELECT COUNT(*) FROM audit_events") == before
    assert home.query("SELECT state FROM accounts") == [("active",)]
    done = run_step(store, Named(parse_identifier(NIR)), event)
    assert done.account.state.value == "disabled"
    assert home.query("SELECT state FROM accounts") == [("disabled",)]


def test_an_unknown_identifier_without_a_shadow_is_not_found(home):
    with pytest.raises(SesameError) as refused:
        run_step(_store(home), Named(parse_identifier(NIR)), DisabledBySupport("x"))
    assert refused.value.code == "not_found"


def test_support_reports_the_account_the_step_saved(sesame, member, home, monkeypatch):
    """No second read after the write: the view is the step's own result."""
    member()
    store = _store(home)

    def no_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("read again after the write")

    monkeypatch.setattr(store, "read", no_read)
    result = support.unlock(store, parse_identifier(NIR), "called us", send_reset=None)
    assert result.view.account.state.value == "active"
    forgot = support.disable(store, parse_identifier(NIR), "left")
    assert (forgot.code, forgot.view.account.state.value) == ("disabled", "disabled")


def test_login_with_a_temporary_password_asks_for_the_new_one_in_the_same_call(
    sesame, member, home
):
    member(email=None)
    _sent(sesame)
    temporary = home.last_sms_code()
    store = _store(home)
    asked: list[str] = []

    def ask(outcome: Outcome) -> tuple[str, str]:
        asked.append(outcome.code)
        return "A brand new passphrase", "A brand new passphrase"

    result = procedure.login(store, parse_identifier(NIR), temporary, ask)
    assert asked == ["temporary_password_accepted"]
    assert result.outcome.code == "password_changed"
    assert sesame("login", NIR, input=lines("A brand new passphrase")).exit_code == 0
    assert sesame("login", NIR, input=lines(PASSWORD)).exit_code != 0


def test_next_step_follows_the_outcome():
    assert next_step(Outcome("temporary_password_accepted", True)) is Next.NEW_PASSWORD
    assert next_step(Outcome("code_verified", True)) is Next.NEW_PASSWORD
    assert next_step(Outcome("choose_channel", True)) is Next.CHANNEL
    assert next_step(Outcome("code_sent", True)) is None
    assert next_step(Outcome("choose_channel", False)) is None


def test_the_outbox_lifecycle():
    S, E = MessageStatus, MessageEvent
    assert CLAIMABLE == (S.QUEUED, S.FAILED)
    assert RETRYABLE == (S.FAILED, S.ABANDONED)
    assert (S.SENT, E.REQUEUED) not in LIFECYCLE  # a sent secret is never sent again
    assert {status for status, _ in LIFECYCLE} == {S.QUEUED, S.FAILED, S.ABANDONED}
    assert body_after(S.SENT, "code 123", "code ***") is None
    assert body_after(S.ABANDONED, "code 123", "code ***") is None
    assert body_after(S.ABANDONED, "a notice", "a notice") == "a notice"
    assert body_after(S.FAILED, "code 123", "code ***") == "code 123"


def test_after_failure_backs_off_then_abandons():
    from engine.outbox_status import after_failure
    from engine.policy import OutboxParams

    now = datetime(2030, 1, 1, tzinfo=UTC)
    params = OutboxParams(max_delivery_attempts=3, retry_base_seconds=10)
    assert after_failure(1, params, now) == (MessageStatus.FAILED, now + timedelta(seconds=10))
    assert after_failure(2, params, now) == (MessageStatus.FAILED, now + timedelta(seconds=20))
    assert after_failure(3, params, now) == (MessageStatus.ABANDONED, None)


def test_the_snapshot_reads_only_the_newest_failures_a_rule_can_use(sesame, member, home, clock):
    """With a window, the newest max_failed_attempts failures, whatever the history."""
    home.configure(
        resend_cooldown_seconds=0,
        failure_window_seconds=86400,
        lock_seconds=1,
        max_failed_attempts=3,
    )
    member()
    failed = []
    for _ in range(3):
        for _ in range(3):  # each third failure locks for 1 s
            failed.append(clock.now)
            sesame("login", NIR, input=lines("wrong password"))
            clock.advance(1)
        clock.advance(2)
    assert home.query("SELECT COUNT(*) FROM audit_events WHERE event = 'login_failed'") == [(9,)]
    assert sorted(_snapshot(home).recent_login_failures) == failed[-3:]
