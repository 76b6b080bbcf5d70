"""How many steps the rate limits refused, minute by minute (`sesame metrics`).

A refused step writes no audit event: past its limit an attacker's attempts
must not grow the log. So each refusal adds one to the count of its minute,
a row per minute that had any (at most 2,880 rows: older than two days are
deleted as new ones come). The increment is the last write of the step's
transaction; concurrent refusals wait on the same row only for a commit, and
other steps never touch it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, delete, func, select, text

from db.schema import UtcDateTime, rate_limit_refusals

if TYPE_CHECKING:
    from sqlalchemy import Connection

KEPT = timedelta(days=2)

_COUNT = text(
    "INSERT INTO rate_limit_refusals (minute, count) VALUES (:minute, 1) "
    "ON CONFLICT (minute) DO UPDATE SET count = rate_limit_refusals.count + 1"
).bindparams(bindparam("minute", type_=UtcDateTime()))


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def count_refusal(conn: Connection, now: datetime) -> None:
    """One more refusal in `now`'s minute; the minutes older than `KEPT` go."""
    table = rate_limit_refusals
    conn.execute(delete(table).where(table.c.minute < minute_of(now - KEPT)))
    conn.execute(_COUNT, {"minute": minute_of(now)})


def refusals_since(conn: Connection, since: datetime) -> int:
    """The refusals of the minutes after `since`'s (to the minute)."""
    table = rate_limit_refusals
    query = select(func.coalesce(func.sum(table.c.count), 0)).where(
        table.c.minute > minute_of(since)
    )
    return int(conn.execute(query).scalar_one())
