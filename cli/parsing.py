"""Moments typed by people: `--since`, `--until`, `--locked-since`.

Parsing input is the CLI's job; a naive date is read in the local time zone,
which the pure engine must not consult.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from engine.errors import invalid

_DURATION = re.compile(r"\A([0-9]{1,6})\s*([smhdw])\Z")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_moment(raw: str, now: datetime) -> datetime:
    """A moment from `--since`/`--until`/`--locked-since`, in UTC.

    A duration counts back from `now`; a date (`2026-11-20`) or an ISO
    datetime without an offset is local time, as people say it.
    """
    text = raw.strip()
    duration = _DURATION.match(text.lower())
    if duration:
        return now - timedelta(seconds=int(duration[1]) * _UNIT_SECONDS[duration[2]])
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.astimezone()
        # A moment at the edge of the calendar may not exist in UTC (year 0 or 10000).
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise invalid("when", value=raw) from None
