"""`account explain` in words: the sentence of a rule, a stale-client finding and
a next-step command, through the catalogue (French and English).

`when` formats a moment for people (the CLI passes local time in the
catalogue's `explain.time_format`): this module reads no clock and no zone."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from datetime import datetime

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
    }
    return messages.text(f"explain.rule.{rule.code}", lang, params)


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


def action_label(step: NextStep, lang: str) -> str:
    return messages.text(f"explain.action.{step.who}.{step.action}", lang)
