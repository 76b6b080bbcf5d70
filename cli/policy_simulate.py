"""`sesame policy simulate`: read failure times on stdin, print the lock timeline.

One failure a line: an ISO time (without an offset: local time, as `--since`)
or `+SECONDS` after the line before (the first one: after `--start`),
optionally followed by a source. Blank lines and `#` comments are skipped.
The timeline comes from `engine.simulate`, which runs the machine's own rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from cli.output import Output, iso_utc
from engine.errors import invalid
from engine.policy import Policy
from engine.simulate import Attempt, Happened, Line, Timeline

MAX_FAILURES = 10000
_RELATIVE = re.compile(r"\A\+([0-9]{1,9})\Z")


def parse_attempts(lines: Iterable[str], start: datetime) -> list[Attempt]:
    """The failures of stdin, in time order; exit 2 naming the line otherwise."""
    from cli.parsing import parse_moment
    from engine.errors import SesameError
    from engine.source import check_source

    attempts: list[Attempt] = []
    previous = start
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        if len(attempts) == MAX_FAILURES:
            raise invalid("simulate_too_many", max=MAX_FAILURES)
        when, _, rest = text.partition(" ")
        relative = _RELATIVE.match(when)
        if relative is None and not _looks_like_a_date(when):
            raise invalid("simulate_line", line=number, value=when)
        try:
            at = (
                previous + timedelta(seconds=int(relative[1]))
                if relative
                else parse_moment(when, start)
            )
        except (SesameError, OverflowError):
            raise invalid("simulate_line", line=number, value=when) from None
        if at < previous and attempts:
            raise invalid("simulate_order", line=number)
        attempts.append(Attempt(at, check_source(rest) if rest.strip() else None))
        previous = at
    return attempts


def _looks_like_a_date(when: str) -> bool:
    """An ISO date or time, not one of `--since`'s durations (`30m` means nothing here)."""
    return bool(re.match(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}", when))


def timeline_payload(timeline: Timeline, mode: dict[str, Any]) -> dict[str, Any]:
    return {
        "mode": mode,
        "timeline": [
            {
                "at": iso_utc(line.at),
                "event": line.happened.value,
                "source": line.source,
                "failures": line.failures,
                "lock_count": line.lock_count,
                "locked_until": iso_utc(line.locked_until),
            }
            for line in timeline.lines
        ],
        "state": timeline.state.value,
        "locked_until": iso_utc(timeline.locked_until),
        "failures": timeline.failures,
        "locks": timeline.locks,
    }


def timeline_text(timeline: Timeline, policy: Policy, mode_text: str, out: Output) -> str:
    from tabulate import tabulate

    if not timeline.lines:
        return "\n".join((mode_text, out.text("simulate.empty")))
    rows = [
        [iso_utc(line.at), line.source or "-", _line_text(line, policy, out)]
        for line in timeline.lines
    ]
    return "\n".join(
        (
            mode_text,
            tabulate(rows, tablefmt="plain", disable_numparse=True),
            _summary(timeline, out),
        )
    )


def _line_text(line: Line, policy: Policy, out: Output) -> str:
    match line.happened:
        case Happened.FAILED:
            return out.text(
                "simulate.failed", failures=line.failures, max=policy.max_failed_attempts
            )
        case Happened.LOCKED if line.locked_until is None:
            return out.text("simulate.locked_for_good", rank=line.lock_count)
        case Happened.LOCKED:
            return out.text(
                "simulate.locked", rank=line.lock_count, until=iso_utc(line.locked_until)
            )
        case _:
            return out.text(f"simulate.{line.happened.value}")


def _summary(timeline: Timeline, out: Output) -> str:
    if timeline.state != "locked":
        return out.text("simulate.summary_active", failures=timeline.failures, locks=timeline.locks)
    if timeline.locked_until is None:
        return out.text("simulate.summary_locked_for_good", locks=timeline.locks)
    until = iso_utc(timeline.locked_until)
    return out.text("simulate.summary_locked", until=until, locks=timeline.locks)
