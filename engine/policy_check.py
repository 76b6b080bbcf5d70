"""`sesame policy check`: the effective policy against OWASP ASVS 4.0.3 and NIST SP 800-63B.

Pure: a Policy (and the shape of the secrets sesame draws) in, findings out.
A finding is a setting weaker than its reference; `--strict` fails on any.
The procedure also departs from the references on purpose in two places
(a temporary password by SMS; a knowledge-based NIR + date-of-birth gate):
those are reported apart, as accepted deviations, with what protects them,
so that a reviewer sees them without `--strict` failing on every install.

Thresholds that the references do not fix in numbers are sesame's own and
are marked "sesame:" in the reference text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from engine.backoff import SERIES_GAP, Backoff
from engine.lockout import counts_locks, durations, lock_duration, mode, permanent_rank
from engine.passwords import TEMP_PASSWORD_ALPHABET, TEMP_PASSWORD_LENGTH
from engine.policy import Policy

HIGH, MEDIUM, LOW, INFO = "high", "medium", "low", "info"

# The random link token is `secrets.token_urlsafe(LINK_TOKEN_BYTES)` (db.unit_of_work);
# tests/engine_tests/test_policy_check.py checks the two agree.
LINK_TOKEN_BYTES = 32

MIN_SECRET_BITS = 20  # ASVS V2.7.6, NIST §5.1.3.2
MAX_OOB_TTL_SECONDS = 600  # ASVS V2.7.2, NIST §5.1.3.2: ten minutes
MAX_LINK_TTL_SECONDS = 3600  # sesame: "a short period" (ASVS V2.3.1) read as one hour
MAX_FAILURES_PER_HOUR = 100  # ASVS V2.2.1, NIST §5.2.2
MAX_CODE_GUESSES_PER_DAY = 100  # §5.2.2's 100, counted per 24 h: stricter than per hour
MAX_IDENTITY_FAILURES = 10  # sesame, per 24 h
ARGON2_MIN_MEMORY_KIB = 19456  # OWASP Password Storage Cheat Sheet: m=19 MiB, t=2, p=1
ARGON2_MIN_TIME_COST = 2
MIN_PASSWORD_LENGTH = 8  # NIST §5.1.1.2
RECOMMENDED_PASSWORD_LENGTH = 12  # ASVS V2.1.1
MAX_CODES_PER_DAY = 10  # sesame
MIN_RESEND_COOLDOWN_SECONDS = 30  # sesame

ASVS = "OWASP ASVS 4.0.3"
NIST = "NIST SP 800-63B"


@dataclass(frozen=True)
class SecretShape:
    """How sesame draws its one-time secrets (constants of the code, not settings)."""

    temp_password_alphabet: int = len(TEMP_PASSWORD_ALPHABET)
    temp_password_length: int = TEMP_PASSWORD_LENGTH
    link_token_bytes: int = LINK_TOKEN_BYTES

    @property
    def temp_password_bits(self) -> float:
        return round(self.temp_password_length * math.log2(self.temp_password_alphabet), 1)

    @property
    def link_token_bits(self) -> int:
        return self.link_token_bytes * 8


@dataclass(frozen=True)
class Finding:
    """One setting against its reference; `check` names its catalogue text (`policy.<check>`)."""

    check: str
    setting: str
    value: int | float | bool | str
    expected: str
    reference: str
    severity: str
    params: Mapping[str, object] = field(default_factory=dict)


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


@dataclass(frozen=True)
class PolicyReport:
    findings: tuple[Finding, ...]
    accepted: tuple[Finding, ...]
    lockout: Lockout


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


def check_policy(policy: Policy, shape: SecretShape | None = None) -> PolicyReport:
    """Every finding, then the accepted deviations, in a stable order."""
    shape = shape or SecretShape()
    findings = [
        *_lifetimes(policy),
        *_entropy(shape),
        *_attempts(policy),
        *_argon2(policy),
        *_password_length(policy),
        *_send_limits(policy),
        *_notifications(policy),
    ]
    return PolicyReport(tuple(findings), _accepted(policy, shape), lockout(policy))


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


def _lifetimes(policy: Policy) -> list[Finding]:
    found = []
    if policy.sms_code_ttl_seconds > MAX_OOB_TTL_SECONDS:
        found.append(
            Finding(
                "sms_code_ttl",
                "sms_code_ttl_seconds",
                policy.sms_code_ttl_seconds,
                f"<= {MAX_OOB_TTL_SECONDS}",
                f"{ASVS} V2.7.2; {NIST} §5.1.3.2",
                HIGH,
            )
        )
    if policy.email_link_ttl_seconds > MAX_LINK_TTL_SECONDS:
        found.append(
            Finding(
                "email_link_ttl",
                "email_link_ttl_seconds",
                policy.email_link_ttl_seconds,
                f"<= {MAX_LINK_TTL_SECONDS}",
                f"{ASVS} V2.3.1 (sesame: a short period is at most one hour)",
                MEDIUM,
            )
        )
    return found


def _entropy(shape: SecretShape) -> list[Finding]:
    reference = f"{ASVS} V2.7.6; {NIST} §5.1.3.2"
    found = []
    if shape.temp_password_bits < MIN_SECRET_BITS:
        found.append(
            Finding(
                "temporary_password_entropy",
                "temporary_password",
                shape.temp_password_bits,
                f">= {MIN_SECRET_BITS} bits",
                reference,
                HIGH,
            )
        )
    if shape.link_token_bits < MIN_SECRET_BITS:
        found.append(
            Finding(
                "link_token_entropy",
                "link_token",
                shape.link_token_bits,
                f">= {MIN_SECRET_BITS} bits",
                reference,
                HIGH,
            )
        )
    return found


def _attempts(policy: Policy) -> list[Finding]:
    found = []
    per_hour = login_failures_per_hour(policy)
    if per_hour > MAX_FAILURES_PER_HOUR:
        found.append(
            Finding(
                "failed_attempts",
                "max_failed_attempts, lock_seconds",
                per_hour,
                f"<= {MAX_FAILURES_PER_HOUR} per hour",
                f"{ASVS} V2.2.1; {NIST} §5.2.2",
                HIGH,
            )
        )
    guesses = policy.max_code_attempts * policy.max_codes_per_day
    if guesses > MAX_CODE_GUESSES_PER_DAY:
        found.append(
            Finding(
                "code_attempts",
                "max_code_attempts, max_codes_per_day",
                guesses,
                f"<= {MAX_CODE_GUESSES_PER_DAY} per 24 h",
                f"{NIST} §5.1.3.2, §5.2.2; {ASVS} V2.2.1",
                MEDIUM,
            )
        )
    if policy.max_identity_failures > MAX_IDENTITY_FAILURES:
        found.append(
            Finding(
                "identity_failures",
                "max_identity_failures",
                policy.max_identity_failures,
                f"<= {MAX_IDENTITY_FAILURES} before the first delay",
                f"{ASVS} V2.2.1 (sesame: at most {MAX_IDENTITY_FAILURES} before the first delay)",
                LOW,
            )
        )
    return found


def _argon2(policy: Policy) -> list[Finding]:
    reference = f"{ASVS} V2.4.1; {NIST} §5.1.1.2; OWASP Password Storage Cheat Sheet"
    params = policy.argon2
    found = []
    if params.memory_cost < ARGON2_MIN_MEMORY_KIB:
        found.append(
            Finding(
                "argon2_memory",
                "argon2.memory_cost",
                params.memory_cost,
                f">= {ARGON2_MIN_MEMORY_KIB} (KiB)",
                reference,
                HIGH,
            )
        )
    if params.time_cost < ARGON2_MIN_TIME_COST:
        found.append(
            Finding(
                "argon2_time",
                "argon2.time_cost",
                params.time_cost,
                f">= {ARGON2_MIN_TIME_COST}",
                reference,
                HIGH,
            )
        )
    return found


def _password_length(policy: Policy) -> list[Finding]:
    length = policy.password_min_length
    if length < MIN_PASSWORD_LENGTH:
        return [
            Finding(
                "password_min_length",
                "password_min_length",
                length,
                f">= {MIN_PASSWORD_LENGTH} ({RECOMMENDED_PASSWORD_LENGTH} recommended)",
                f"{NIST} §5.1.1.2; {ASVS} V2.1.1",
                HIGH,
            )
        ]
    if length < RECOMMENDED_PASSWORD_LENGTH:
        return [
            Finding(
                "password_recommended_length",
                "password_min_length",
                length,
                f">= {RECOMMENDED_PASSWORD_LENGTH}",
                f"{ASVS} V2.1.1",
                MEDIUM,
            )
        ]
    return []


def _send_limits(policy: Policy) -> list[Finding]:
    found = []
    if policy.max_codes_per_day > MAX_CODES_PER_DAY:
        found.append(
            Finding(
                "codes_per_day",
                "max_codes_per_day",
                policy.max_codes_per_day,
                f"<= {MAX_CODES_PER_DAY}",
                f"{ASVS} V11.1.4 (sesame: at most {MAX_CODES_PER_DAY} per 24 h)",
                MEDIUM,
            )
        )
    if policy.resend_cooldown_seconds < MIN_RESEND_COOLDOWN_SECONDS:
        found.append(
            Finding(
                "resend_cooldown",
                "resend_cooldown_seconds",
                policy.resend_cooldown_seconds,
                f">= {MIN_RESEND_COOLDOWN_SECONDS}",
                f"{ASVS} V11.1.4 (sesame: at least {MIN_RESEND_COOLDOWN_SECONDS} s)",
                LOW,
            )
        )
    return found


def _notifications(policy: Policy) -> list[Finding]:
    wanted = (
        ("notify_on_password_change", f"{ASVS} V2.5.5, V2.2.3", MEDIUM),
        ("notify_on_channel_change", f"{ASVS} V2.2.3, V2.5.5", MEDIUM),
        ("notify_on_lock", f"{ASVS} V2.2.3 (sesame: a lock is a credential event)", LOW),
    )
    return [
        Finding(setting, setting, False, "true", reference, severity)
        for setting, reference, severity in wanted
        if not getattr(policy, setting)
    ]


def _accepted(policy: Policy, shape: SecretShape) -> tuple[Finding, ...]:
    accepted = [
        Finding(
            "sms_channel.accepted",
            "sms_temporary_password",
            f"{shape.temp_password_length} chars, {shape.temp_password_bits} bits",
            "push or TOTP offered first",
            f"{ASVS} V2.7.1, V2.5.1; {NIST} §5.1.3.3",
            INFO,
            {
                "ttl": policy.sms_code_ttl_seconds,
                "attempts": policy.max_code_attempts,
                "per_day": policy.max_codes_per_day,
                "cooldown": policy.resend_cooldown_seconds,
            },
        ),
        Finding(
            "identity_gate.accepted",
            "identity_gate",
            "nir + birth_date",
            "no knowledge-based verification",
            f"{ASVS} V2.5.2; {NIST} §5.1.1.2",
            INFO,
            {"failures": policy.max_identity_failures},
        ),
    ]
    permanent = permanent_rank(policy)
    if permanent is not None:
        # A warning, never a finding: the procedure wants the lock without end.
        accepted.append(
            Finding(
                "permanent_lock.accepted",
                "lock_seconds, permanent_after",
                f"{mode(policy).value}, lock {permanent}",
                f"<= {MAX_FAILURES_PER_HOUR} failures per hour, then a time-limited lock",
                f"{NIST} §5.2.2",
                INFO,
                {"failures": policy.max_failed_attempts * permanent, "locks": permanent},
            )
        )
    if MAX_OOB_TTL_SECONDS < policy.email_link_ttl_seconds <= MAX_LINK_TTL_SECONDS:
        accepted.append(
            Finding(
                "email_link_ttl.accepted",
                "email_link_ttl_seconds",
                policy.email_link_ttl_seconds,
                f"<= {MAX_OOB_TTL_SECONDS} for out-of-band codes",
                f"{ASVS} V2.7.2; {NIST} §5.1.3.1",
                INFO,
            )
        )
    return tuple(accepted)
