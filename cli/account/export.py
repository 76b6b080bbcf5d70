"""`sesame account export`: accounts in the import format (CSV or JSON lines)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.app import JsonOption, open_store, output
from cli.lazy import command_group
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
    from db.transfer.export import export_accounts
    from db.transfer.rows import columns

    output(ctx, json_output)  # remembers --json for a refusal
    if as_csv and json_output:
        raise invalid("export_format")
    exported = export_accounts(open_store(ctx), state, with_hashes=with_hashes)
    # The first row opens the database: a refusal still comes before any output.
    first = next(exported, None)
    rows = _chain(first, exported)
    names = columns(with_hashes)
    if json_output:
        _write_json(rows, names)
    else:
        _write_csv(rows, names)
    sys.stdout.flush()  # a closed pipe shows here, inside the command: see cli.app


def _chain(first: ExportedAccount | None, rest: Iterator[ExportedAccount]) -> Iterator[Any]:
    if first is not None:
        yield first
        yield from rest


def _record(account: ExportedAccount, names: list[str]) -> dict[str, str | None]:
    values = {
        "nir": account.nir,
        "birth_date": f"{account.birth_date:%d/%m/%Y}",
        "email": account.email,
        "mobile": account.mobile,
        "password_hash": account.password_hash,
        "language": account.language,
    }
    return {name: values[name] for name in names}


def _write_csv(rows: Iterator[ExportedAccount], names: list[str]) -> None:
    from cli.csv_output import CsvWriter

    writer = CsvWriter(sys.stdout)
    writer.row(names)
    for account in rows:
        writer.row(_record(account, names).values())


def _write_json(rows: Iterator[ExportedAccount], names: list[str]) -> None:
    """One JSON document, written as it streams."""
    write = sys.stdout.write
    write('{"ok": true, "accounts": [')
    for index, account in enumerate(rows):
        write(
            ("" if index == 0 else ", ") + json.dumps(_record(account, names), ensure_ascii=False)
        )
    write("]}\n")
