"""`account list --all`: every matching account, streamed (CSV, or one JSON
document written as it goes), and the audit of what a list hands out."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cli.output import iso_utc

if TYPE_CHECKING:
    from db.listing import AccountFilter
    from db.store import Store


def write_csv(headers: list[str], rows: Iterable[list[object]]) -> int:
    """The header, then each row as it comes; the number of rows."""
    from cli.csv_output import CsvWriter
    from cli.output import escape

    writer = CsvWriter(sys.stdout)
    writer.row(headers)
    count = 0
    for row in rows:
        writer.row(None if cell is None else escape(str(cell)) for cell in row)
        count += 1
    return count


def write_json(payloads: Iterable[dict[str, Any]]) -> int:
    """`{"ok": true, "accounts": [...], "total": N}`, one document written as it
    streams (the total, the rows written, comes last); the number of rows."""
    write = sys.stdout.write
    write('{"ok": true, "accounts": [')
    count = 0
    for payload in payloads:
        write(("" if count == 0 else ", ") + json.dumps(payload, ensure_ascii=False))
        count += 1
    write(f'], "total": {count}}}\n')
    return count


def list_filter(
    filters: AccountFilter, *, all_rows: bool, limit: int, offset: int
) -> dict[str, object]:
    """The filter as given, for the audit: options and moments, no personal data."""

    def moment(value: datetime | None) -> str | None:
        return iso_utc(value) if value is not None else None

    given: dict[str, object] = {
        "state": filters.state.value if filters.state else None,
        "locked_since": moment(filters.locked_since),
        "locked_until": moment(filters.locked_until),
        "has_flow": filters.has_flow,
        "source": filters.source,
    }
    if all_rows:
        given["all"] = True
    else:
        given.update(limit=limit, offset=offset)
    return given


def audit_list(store: Store, given: dict[str, object], count: int, fmt: str) -> None:
    from db.transfer.export import record_export

    record_export(store, "account list", fmt, given, count)
