"""engine.policy_check: each setting against its reference, table-driven, no I/O."""

from __future__ import annotations

from dataclasses import replace

import pytest

from engine.backoff import Backoff, retry_after
from engine.policy import Argon2Params, Policy
from engine.policy_check import (
    Lockout,
    PasswordRules,
    SecretShape,
    check_policy,
    failed_attempts_per_hour,
    failures_in_first_day,
    lockout,
)

DEFAULT = Policy()


def checks(policy: Policy, shape: SecretShape | None = None) -> list[str]:
    return [finding.check for finding in check_policy(policy, shape).findings]


def test_the_defaults_meet_every_reference():
    assert checks(DEFAULT) == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"sms_code_ttl_seconds": 600}, []),
        ({"sms_code_ttl_seconds": 601}, ["sms_code_ttl"]),
        ({"email_link_ttl_seconds": 3600}, []),
        ({"email_link_ttl_seconds": 3601}, ["email_link_ttl"]),
        ({"max_failed_attempts": 100}, []),
        ({"max_failed_attempts": 101}, ["failed_attempts"]),
        ({"max_failed_attempts": 3, "lock_seconds": 108}, []),  # 100 per hour
        ({"max_failed_attempts": 3, "lock_seconds": 107}, ["failed_attempts"]),
        ({"max_failed_attempts": 50, "lock_seconds": 3600}, []),
        ({"max_code_attempts": 10, "max_codes_per_day": 10}, []),
        ({"max_code_attempts": 11, "max_codes_per_day": 10}, ["code_attempts"]),
        ({"max_identity_failures": 10}, []),
        ({"max_identity_failures": 11}, ["identity_failures"]),
        ({"password_min_length": 12}, []),
        ({"password_min_length": 11}, ["password_recommended_length"]),
        ({"password_min_length": 8}, ["password_recommended_length"]),
        ({"password_min_length": 7}, ["password_min_length"]),
        ({"password_history": 4}, []),
        ({"password_history": 24}, []),
        ({"password_history": 3}, ["password_history"]),
        ({"password_history": 0}, ["password_history"]),
        (
            {"password_history": 0, "password_min_length": 11},
            ["password_recommended_length", "password_history"],
        ),
        ({"max_codes_per_day": 11}, ["codes_per_day"]),
        ({"max_codes_per_day": 21}, ["code_attempts", "codes_per_day"]),
        ({"max_codes_per_day": 11, "max_code_attempts": 1}, ["codes_per_day"]),
        ({"resend_cooldown_seconds": 30}, []),
        ({"resend_cooldown_seconds": 29}, ["resend_cooldown"]),
        ({"notify_on_password_change": False}, ["notify_on_password_change"]),
        ({"notify_on_channel_change": False}, ["notify_on_channel_change"]),
        ({"notify_on_lock": False}, ["notify_on_lock"]),
        ({"argon2": Argon2Params(time_cost=2, memory_cost=19456)}, []),
        ({"argon2": Argon2Params(time_cost=2, memory_cost=19455)}, ["argon2_memory"]),
        ({"argon2": Argon2Params(time_cost=1, memory_cost=65536)}, ["argon2_time"]),
        (
            {"argon2": Argon2Params(time_cost=1, memory_cost=8)},
            ["argon2_memory", "argon2_time"],
        ),
    ],
)
def test_each_setting_against_its_threshold(changes, expected):
    assert checks(replace(DEFAULT, **changes)) == expected


@pytest.mark.parametrize(
    ("token_bytes", "bits", "flagged"),
    [(32, 256, False), (3, 24, False), (2, 16, True)],
)
def test_link_token_bits(token_bytes, bits, flagged):
    shape = SecretShape(link_token_bytes=token_bytes)
    assert shape.link_token_bits == bits
    assert checks(DEFAULT, shape) == (["link_token_entropy"] if flagged else [])


@pytest.mark.parametrize(
    ("alphabet", "length", "bits", "flagged"),
    [
        (57, 10, 58.3, False),  # sesame's temporary password
        (10, 6, 19.9, True),  # six digits: just under 20 bits
        (10, 7, 23.3, False),
        (2, 19, 19.0, True),
        (2, 20, 20.0, False),
    ],
)
def test_temporary_password_bits(alphabet, length, bits, flagged):
    shape = SecretShape(temp_password_alphabet=alphabet, temp_password_length=length)
    assert shape.temp_password_bits == bits
    assert checks(DEFAULT, shape) == (["temporary_password_entropy"] if flagged else [])


def test_finding_carries_value_expected_reference_and_severity():
    [finding] = check_policy(replace(DEFAULT, max_failed_attempts=5, lock_seconds=60)).findings
    assert (finding.setting, finding.value, finding.expected, finding.severity) == (
        "max_failed_attempts, lock_seconds",
        300,
        "<= 100 per hour",
        "high",
    )
    assert finding.reference == "OWASP ASVS 4.0.3 V2.2.1; NIST SP 800-63B §5.2.2"


@pytest.mark.parametrize(
    ("max_failed", "lock_seconds", "per_hour"),
    [
        (3, 0, 3),  # locked until recovery or support
        (200, 0, 200),
        (3, 3600, 3),
        (3, 86400, 3),  # never fewer than one round
        (3, 900, 12),
        (5, 60, 300),
        (3, 107, 101),  # rounded up
    ],
)
def test_failed_attempts_per_hour(max_failed, lock_seconds, per_hour):
    assert failed_attempts_per_hour(max_failed, lock_seconds) == per_hour


def test_accepted_deviations_are_reported_apart_with_their_protections():
    report = check_policy(DEFAULT)
    assert [(a.check, a.severity) for a in report.accepted] == [
        ("sms_channel.accepted", "info"),
        ("identity_gate.accepted", "info"),
        ("permanent_lock.accepted", "info"),
        ("email_link_ttl.accepted", "info"),
    ]
    sms = report.accepted[0]
    assert sms.params == {"ttl": 600, "attempts": 5, "per_day": 5, "cooldown": 60}
    assert sms.value == "10 chars, 58.3 bits"
    assert report.accepted[1].params == {"failures": 5}


@pytest.mark.parametrize(
    ("ttl", "accepted", "finding"),
    [(600, False, False), (601, True, False), (3600, True, False), (3601, False, True)],
)
def test_email_link_lifetime_is_accepted_up_to_an_hour(ttl, accepted, finding):
    report = check_policy(replace(DEFAULT, email_link_ttl_seconds=ttl))
    assert ("email_link_ttl.accepted" in [a.check for a in report.accepted]) is accepted
    assert ("email_link_ttl" in [f.check for f in report.findings]) is finding


def test_the_lockout_a_stranger_can_cause_with_the_defaults():
    assert check_policy(DEFAULT).lockout == Lockout(
        login_failures=3,
        login_locked_seconds=None,  # until a recovery or a support unlock
        recovery_failures=5,
        first_delay_seconds=900,
        max_delay_seconds=86400,
        failures_first_day=11,  # 5 at once, then after 15, 30, 60, 120, 240, 480 min
        failures_per_day=1,
    )


@pytest.mark.parametrize(
    ("changes", "login_locked", "first_day", "per_day"),
    [
        ({"lock_seconds": 900}, 900, 11, 1),
        ({"identity_backoff_max_seconds": 14400}, None, 14, 6),  # every 4 h once capped
        ({"identity_backoff_max_seconds": 28800}, None, 12, 3),
        ({"identity_backoff_max_seconds": 25000}, None, 12, 4),  # 86400 / 25000, rounded up
        ({"identity_backoff_seconds": 86400}, None, 5, 1),  # the old flat day
        ({"max_identity_failures": 1, "identity_backoff_seconds": 3600}, None, 5, 1),
        ({"identity_backoff_seconds": 1, "identity_backoff_max_seconds": 1}, None, 86404, 86400),
    ],
)
def test_the_lockout_follows_the_settings(changes, login_locked, first_day, per_day):
    report = lockout(replace(DEFAULT, **changes))
    assert (report.login_locked_seconds, report.failures_first_day, report.failures_per_day) == (
        login_locked,
        first_day,
        per_day,
    )


@pytest.mark.parametrize(
    "backoff",
    [Backoff(5, 900, 86400), Backoff(5, 900, 14400), Backoff(1, 3600, 86400), Backoff(3, 60, 600)],
)
def test_the_first_day_count_is_what_the_rule_lets_through(backoff):
    """Replay the stranger against the rule itself: the report cannot drift from it."""
    from datetime import UTC, datetime, timedelta

    start = now = datetime(2026, 11, 26, tzinfo=UTC)
    failures: list[datetime] = []
    while now < start + timedelta(days=1):
        failures.append(now)
        now += timedelta(seconds=retry_after(failures, now, backoff) or 0)
    assert failures_in_first_day(backoff) == len(failures)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, PasswordRules(4, ("sesame", "espacepersonnel"), None)),
        (
            {"password_history": 0, "organization": "Ameli", "password_blocklist": "/srv/p.txt"},
            PasswordRules(0, ("sesame", "ameli"), "/srv/p.txt"),
        ),
    ],
)
def test_the_password_rules_are_reported(changes, expected):
    assert check_policy(replace(DEFAULT, **changes)).passwords == expected


def test_every_check_is_either_a_finding_or_passed():
    every = [
        "sms_code_ttl",
        "email_link_ttl",
        "temporary_password_entropy",
        "link_token_entropy",
        "failed_attempts",
        "code_attempts",
        "identity_failures",
        "argon2_memory",
        "argon2_time",
        "password_min_length",
        "password_recommended_length",
        "password_history",
        "codes_per_day",
        "resend_cooldown",
        "notify_on_password_change",
        "notify_on_channel_change",
        "notify_on_lock",
    ]
    assert [f.check for f in check_policy(DEFAULT).passed] == every
    weak = replace(DEFAULT, sms_code_ttl_seconds=900, notify_on_lock=False)
    report = check_policy(weak)
    assert [f.check for f in report.findings] == ["sms_code_ttl", "notify_on_lock"]
    assert [f.check for f in report.passed] == [
        c for c in every if c not in ("sms_code_ttl", "notify_on_lock")
    ]
    # Below the minimum length, the recommended length is not a second finding.
    short = check_policy(replace(DEFAULT, password_min_length=6))
    assert "password_recommended_length" not in [f.check for f in (*short.findings, *short.passed)]


@pytest.mark.parametrize(
    ("changes", "warned", "value", "failures"),
    [
        ({}, True, "permanent, lock 1", 3),
        ({"lock_seconds": 600}, False, None, None),
        ({"lock_seconds": 600, "permanent_after": 4}, True, "timed, lock 4", 12),
        ({"lock_seconds": (60, 300, 900)}, True, "progressive, lock 4", 12),
        ({"lock_seconds": (60, 300), "max_failed_attempts": 5}, True, "progressive, lock 3", 15),
    ],
)
def test_a_lock_without_end_is_warned_not_failed(changes, warned, value, failures):
    """A warning among the accepted deviations (NIST §5.2.2), never a finding."""
    report = check_policy(replace(DEFAULT, **changes))
    found = [a for a in report.accepted if a.check == "permanent_lock.accepted"]
    assert bool(found) is warned
    assert "permanent_lock" not in [f.check for f in report.findings]
    if found:
        assert found[0].value == value
        assert found[0].reference == "NIST SP 800-63B §5.2.2"
        assert found[0].params["failures"] == failures


@pytest.mark.parametrize(
    ("changes", "mode", "permanent", "first"),
    [
        ({}, "permanent", 1, None),
        ({"lock_seconds": 900}, "timed", None, 900),
        ({"lock_seconds": (60, 300, 900)}, "progressive", 4, 60),
        ({"lock_seconds": (60, 300, 900), "permanent_after": 2}, "progressive", 2, 60),
    ],
)
def test_the_lockout_reports_the_mode(changes, mode, permanent, first):
    report = lockout(replace(DEFAULT, failure_window_seconds=600, **changes))
    assert (report.mode, report.permanent_rank, report.login_locked_seconds) == (
        mode,
        permanent,
        first,
    )
    assert report.failure_window_seconds == 600
    assert report.lock_durations == tuple(
        changes.get("lock_seconds", ())
        if isinstance(changes.get("lock_seconds"), tuple)
        else ((changes["lock_seconds"],) if changes.get("lock_seconds") else ())
    )


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"lock_seconds": 900},
        {"lock_seconds": (60, 300, 900)},
        {"lock_seconds": (120, 120, 120, 120), "lock_reset_seconds": 300},
        {"lock_seconds": (30,) * 20, "max_failed_attempts": 5},
        {"lock_seconds": 100, "permanent_after": 5},
    ],
)
def test_login_failures_per_hour_is_what_the_rules_let_through(changes):
    """Replay the stranger against the machine: fail as soon as each lock ends.

    (One duration that does not divide the hour keeps the rounded formula of
    `failed_attempts_per_hour`, whose thresholds are tested above.)"""
    from datetime import UTC, datetime, timedelta

    from engine.policy_check import login_failures_per_hour
    from engine.simulate import Attempt, simulate

    policy = replace(DEFAULT, **changes)
    start = datetime(2026, 11, 26, tzinfo=UTC)
    attempts: list[Attempt] = []
    now = start
    while now < start + timedelta(hours=1):
        attempts.append(Attempt(now))
        timeline = simulate(attempts, policy)
        if timeline.state == "locked":
            if timeline.locked_until is None:
                break
            now = timeline.locked_until
    failed = sum(
        1 for line in simulate(attempts, policy).lines if line.happened in ("failed", "locked")
    )
    assert login_failures_per_hour(policy) == failed
