"""`account explain` in words: the sentence of a rule, a stale-client finding and
a next-step command, through the catalogue (French and English).

`when` formats a moment for people (the CLI passes local time in the
catalogue's `explain.time_format`): this module reads no clock and no zone."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from datetime import datetime, timedelta

from engine import messages
from engine.explain import DOB, REASON, NextStep, Rule, StaleClient, span_text

When = Callable[[datetime], str]


def sentence(rule: Rule, lang: str, when: When) -> str:
    """The one sentence that says which rule put the account in its state."""
    params: dict[str, object] = {
        "at": when(rule.at) if rule.at else "-",
        "failures": rule.failures,
        "within": span_text(rule.within_seconds) if rule.within_seconds is not None else "-",
        "max_failed_attempts": rule.max_failed_attempts,
        "lock_seconds": rule.lock_seconds,
        "unlocks_at": when(rule.unlocks_at) if rule.unlocks_at else "-",
        "reason": rule.reason or "-",
        "window": span_text(rule.window_seconds) if rule.window_seconds else "-",
        "window_seconds": rule.window_seconds,
        "rank": rank_text(rule.lock_count, lang) if rule.lock_count is not None else "-",
        "reset": span_text(rule.lock_reset_seconds) if rule.lock_reset_seconds else "-",
        "lock_length": span_text(rule.lock_seconds) if rule.lock_seconds else "-",
        "permanent_after": rule.permanent_after,
        "counts_until": (
            when(rule.at + timedelta(seconds=rule.lock_reset_seconds))
            if rule.at and rule.lock_reset_seconds
            else "-"
        ),
    }
    return messages.text(f"explain.rule.{rule.code}", lang, params)


def rank_text(rank: int, lang: str) -> str:
    """A lock's rank: 1er blocage, 3e blocage / lock 1, lock 3."""
    key = "explain.lock_rank.first" if rank == 1 else "explain.lock_rank"
    return messages.text(key, lang, {"rank": rank})


def stale_line(stale: StaleClient, lang: str, when: When) -> str:
    key = "explain.stale_all" if stale.all_sources else "explain.stale"
    params = {
        "source": stale.source,
        "interval": span_text(stale.interval_seconds),
        "failures": stale.failures,
        "first": when(stale.first),
        "last": when(stale.last),
    }
    return messages.text(key, lang, params)


def command_line(step: NextStep, lang: str) -> str | None:
    """The step's command as it is typed (placeholders in `lang`), or None when
    the step is not a command (contact support)."""
    if not step.args:
        return None
    filled = {
        DOB: messages.text("explain.placeholder.dob", lang),
        REASON: messages.text("explain.placeholder.reason", lang),
    }
    return " ".join(filled.get(arg) or shlex.quote(arg) for arg in step.args)


def action_label(step: NextStep, lang: str, when: When) -> str:
    until = when(step.until) if step.until else "-"
    return messages.text(f"explain.action.{step.who}.{step.action}", lang, {"until": until})
