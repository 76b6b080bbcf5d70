"""`account list --all`: every matching account, streamed (CSV, or one JSON
document written as it goes), and the audit of what a list hands out."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from cli.output import iso_utc

if TYPE_CHECKING:
    from db.account_view import AccountView
    from db.listing import AccountFilter
    from db.store import Store

T = TypeVar("T")


class Tally:
    """Rows counted as they are handed to the output: an export that a closed
    pipe interrupted is audited with what left."""

    def __init__(self) -> None:
        self.count = 0

    def each(self, rows: Iterable[T]) -> Iterator[T]:
        for row in rows:
            self.count += 1
            yield row


def stream_all(
    store: Store,
    filters: AccountFilter,
    given: dict[str, object],
    *,
    headers: list[str] | None,
    csv_row: Callable[[AccountView], list[object]],
    payload: Callable[[AccountView], dict[str, Any]],
) -> None:
    """`--all`: CSV (`headers` given) or JSON, then the audit, even when interrupted."""
    from db.listing import stream_accounts

    views = stream_accounts(store, filters)
    tally = Tally()
    try:
        if headers is not None:
            write_csv(headers, (csv_row(view) for view in tally.each(views)))
        else:
            write_json(payload(view) for view in tally.each(views))
        sys.stdout.flush()  # a closed pipe shows here, inside the command: see cli.app
    finally:
        views.close()
        audit_list(store, given, tally.count, "json" if headers is None else "csv")


def write_csv(headers: list[str], rows: Iterable[list[object]]) -> None:
    """The header, then each row as it comes."""
    from cli.csv_output import CsvWriter
    from cli.output import escape

    writer = CsvWriter(sys.stdout)
    writer.row(headers)
    for row in rows:
        writer.row(None if cell is None else escape(str(cell)) for cell in row)


def write_json(payloads: Iterable[dict[str, Any]]) -> None:
    """`{"ok": true, "accounts": [...], "total": N}`, one document written as it
    streams (the total, the rows written, comes last)."""
    write = sys.stdout.write
    write('{"ok": true, "accounts": [')
    count = 0
    for payload in payloads:
        write(("" if count == 0 else ", ") + json.dumps(payload, ensure_ascii=False))
        count += 1
    write(f'], "total": {count}}}\n')


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
