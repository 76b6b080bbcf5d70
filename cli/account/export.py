"""`sesame account export`: accounts in the import format (CSV or one JSON document),
with the lock details for `--state locked`; every export is audited."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.account.list_stream import Tally
from cli.app import JsonOption, open_store, output
from cli.lazy import command_group
from cli.output import iso_utc
from engine.errors import invalid
from engine.states import AccountState

if TYPE_CHECKING:
    from db.transfer.export import ExportedAccount


account_app = command_group()


@account_app.command("export")
def account_export(
    ctx: typer.Context,
    state: Annotated[
        AccountState | None,
        typer.Option("--state", case_sensitive=False),
    ] = None,
    as_csv: Annotated[bool, typer.Option("--csv")] = False,
    with_hashes: Annotated[
        bool,
        typer.Option("--with-hashes"),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    from db.transfer.export import export_accounts, record_export
    from db.transfer.rows import columns

    output(ctx, json_output)  # remembers --json for a refusal
    if as_csv and json_output:
        raise invalid("export_format")
    store = open_store(ctx)
    lock_details = state is AccountState.LOCKED
    exported = export_accounts(store, state, with_hashes=with_hashes, lock_details=lock_details)
    # The first row opens the database: a refusal still comes before any output.
    first = next(exported, None)
    tally = Tally()
    counted = tally.each(_chain(first, exported))
    names = columns(with_hashes, lock_details)
    try:
        if json_output:
            _write_json(counted, names)
        else:
            _write_csv(counted, names)
        sys.stdout.flush()  # a closed pipe shows here, inside the command: see cli.app
    finally:
        # Recorded once the rows are out (or the pipe closed): how many left.
        exported.close()
        filters = {"state": state.value if state else None, "with_hashes": with_hashes}
        fmt = "json" if json_output else "csv"
        record_export(store, "account export", fmt, filters, tally.count)


def _chain(first: ExportedAccount | None, rest: Iterator[ExportedAccount]) -> Iterator[Any]:
    if first is not None:
        yield first
        yield from rest


def _record(account: ExportedAccount, names: list[str]) -> dict[str, object]:
    values = {
        "nir": account.nir,
        "birth_date": f"{account.birth_date:%d/%m/%Y}",
        "email": account.email,
        "mobile": account.mobile,
        "password_hash": account.password_hash,
        "language": account.language,
        "locked_at": iso_utc(account.locked_at),
        "failed_attempts": account.failed_attempts,
        "last_failure_at": iso_utc(account.last_failure_at),
    }
    return {name: values[name] for name in names}


def _write_csv(rows: Iterable[ExportedAccount], names: list[str]) -> None:
    from cli.csv_output import CsvWriter

    writer = CsvWriter(sys.stdout)
    writer.row(names)
    for account in rows:
        writer.row(_record(account, names).values())


def _write_json(rows: Iterable[ExportedAccount], names: list[str]) -> None:
    """One JSON document, written as it streams."""
    write = sys.stdout.write
    write('{"ok": true, "accounts": [')
    for index, account in enumerate(rows):
        write(
            ("" if index == 0 else ", ") + json.dumps(_record(account, names), ensure_ascii=False)
        )
    write("]}\n")
