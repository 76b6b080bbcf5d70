"""Times are stored and emitted in UTC ISO-8601 (docs/json.md)."""

from __future__ import annotations

from datetime import datetime


def iso_utc(moment: datetime) -> str:
    """`2026-11-26T07:12:00Z`: seconds precision, Z for UTC."""
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
