"""A support send refused by a send limit, said in support's terms: when the last
message went out, when a send is allowed again, and what did not happen."""

from __future__ import annotations

from datetime import datetime, timedelta

from engine.events import Outcome, SendLimit
from engine.policy import Policy
from engine.timestamps import iso_utc


def duration(seconds: int) -> str:
    """8 → "8 s", 134 → "2 min 14 s", 8040 → "2 h 14 min" (the same in both languages)."""
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def limit_params(limit: SendLimit, now: datetime, policy: Policy) -> dict[str, object]:
    """The catalogue message's placeholders; the time to retry in local time."""
    retry_at = now + timedelta(seconds=limit.retry_after)
    return {
        "ago": duration(max(0, int((now - limit.last_sent_at).total_seconds()))),
        "cooldown": duration(policy.resend_cooldown_seconds),
        "sends": limit.sends_today,
        "retry_at": retry_at.astimezone().strftime("%H:%M:%S"),
        "wait": duration(limit.retry_after),
    }


def limit_details(outcome: Outcome, now: datetime) -> dict[str, object]:
    """The JSON error's fields: which limit, when, and what was not done."""
    limit = outcome.limit
    assert limit is not None
    details: dict[str, object] = {
        "limit": limit.limit,
        "last_sent_at": iso_utc(limit.last_sent_at),
        "sends_today": limit.sends_today,
        "retry_at": iso_utc(now + timedelta(seconds=limit.retry_after)),
        "sent": False,
    }
    if outcome.reason is not None and outcome.reason.startswith("unlock."):
        details["unlocked"] = False
    return details
