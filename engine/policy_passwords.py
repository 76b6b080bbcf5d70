"""The new-password part of `sesame policy check`: length, history and blocklists (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.passwords import context_words
from engine.policy import Policy
from engine.policy_findings import ASVS, HIGH, MEDIUM, NIST, Finding, Judged

MIN_PASSWORD_LENGTH = 8  # NIST §5.1.1.2
RECOMMENDED_PASSWORD_LENGTH = 12  # ASVS V2.1.1
MIN_PASSWORD_HISTORY = 4  # PCI DSS 4.0 8.3.7: none of the last four


@dataclass(frozen=True)
class PasswordRules:
    """What a new password may not be, besides its length and the member's own data:
    one of the account's last `history`, on the default list or the operator's file
    (`blocklist_file`, None: none), or contain one of `context_words`."""

    history: int
    context_words: tuple[str, ...]
    blocklist_file: str | None


def password_rules(policy: Policy) -> PasswordRules:
    return PasswordRules(
        history=policy.password_history,
        context_words=context_words(policy.organization),
        blocklist_file=policy.password_blocklist or None,
    )


def password_history_checks(policy: Policy) -> list[Judged]:
    return [
        (
            policy.password_history < MIN_PASSWORD_HISTORY,
            Finding(
                "password_history",
                "password_history",
                policy.password_history,
                f">= {MIN_PASSWORD_HISTORY}",
                "PCI DSS 4.0 8.3.7",
                MEDIUM,
            ),
        )
    ]


def password_length_checks(policy: Policy) -> list[Judged]:
    length = policy.password_min_length
    judged: list[Judged] = [
        (
            length < MIN_PASSWORD_LENGTH,
            Finding(
                "password_min_length",
                "password_min_length",
                length,
                f">= {MIN_PASSWORD_LENGTH} ({RECOMMENDED_PASSWORD_LENGTH} recommended)",
                f"{NIST} §5.1.1.2; {ASVS} V2.1.1",
                HIGH,
            ),
        )
    ]
    if length >= MIN_PASSWORD_LENGTH:  # below the minimum, the one finding says it all
        judged.append(
            (
                length < RECOMMENDED_PASSWORD_LENGTH,
                Finding(
                    "password_recommended_length",
                    "password_min_length",
                    length,
                    f">= {RECOMMENDED_PASSWORD_LENGTH}",
                    f"{ASVS} V2.1.1",
                    MEDIUM,
                ),
            )
        )
    return judged
