"""Operators: `account import` and `account export`."""

from __future__ import annotations

import enum
import json
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.app import JsonOption, open_store, output
from cli.lazy import command_group
from cli.output import Output
from cli.progress import step_bars
from cli.report import refuse_with_report
from engine import messages
from engine.errors import invalid
from engine.outcomes import Code
from engine.states import AccountState

if TYPE_CHECKING:
    from db.transfer.export import ExportedAccount
    from db.transfer.importing import ImportReport, Progress

account_app = command_group()


class OnError(enum.StrEnum):
    STOP = "stop"
    SKIP = "skip"


# --- account import ----------------------------------------------------------


@account_app.command("import")
def account_import(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.csv",
            help="Header nir,birth_date,email,mobile[,password_hash]; UTF-8, ',' or ';'.",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and report; write nothing.")
    ] = False,
    on_error: Annotated[
        OnError,
        typer.Option(
            "--on-error",
            help="stop: import nothing if a row is refused; skip: import the valid rows.",
        ),
    ] = OnError.STOP,
    json_output: JsonOption = False,
) -> None:
    """Create accounts from a CSV file.

    Exit 2 when a row is refused with --on-error stop (nothing imported),
    5 when rows were skipped with --on-error skip.
    """
    from db.transfer.importing import import_accounts

    out = output(ctx, json_output)
    store = open_store(ctx)
    with _progress_bar(out) as progress:
        report = import_accounts(
            store,
            file,
            stop_on_error=on_error is OnError.STOP,
            dry_run=dry_run,
            progress=progress,
        )
    _render_import(out, report)


def _render_import(out: Output, report: ImportReport) -> None:
    refused = [
        {
            "line": refusal.line,
            "code": refusal.code,
            **({"reason": refusal.reason} if refusal.reason else {}),
            "message": messages.error_message(
                refusal.code, refusal.reason, refusal.params, out.lang
            ),
        }
        for refusal in report.refused
    ]
    payload = {
        "dry_run": report.dry_run,
        "on_error": OnError.STOP if report.stop_on_error else OnError.SKIP,
        "rows": report.rows,
        "valid": report.valid,
        "imported": report.imported,
        "refused": refused,
    }
    if report.dry_run:
        human = out.text("import.dry_run", valid=report.valid, rows=report.rows)
    else:
        human = out.text("import.done", imported=report.imported, rows=report.rows)
    if not refused and not report.interrupted:
        out.ok(payload, human)
        return
    if refused:
        from tabulate import tabulate

        headers = ("Ligne", "Motif") if out.lang == "fr" else ("Line", "Reason")
        table = tabulate([(row["line"], row["message"]) for row in refused], headers=headers)
        human += "\n" + out.text("import.refused_rows") + "\n" + table
    if report.interrupted:  # Ctrl-C: say what is committed, then exit 130
        message = out.text("import_interrupted", imported=report.imported)
        refuse_with_report(out, Code.IMPORT_INTERRUPTED, message, payload, human)
    code = Code.IMPORT_REFUSED if report.stop_on_error else Code.IMPORT_INCOMPLETE
    message = out.text(
        "import.dry_run_refused" if report.dry_run else code,
        refused=len(refused),
        imported=report.imported,
    )
    refuse_with_report(out, code, message, payload, human)


def _progress_bar(out: Output) -> AbstractContextManager[Progress | None]:
    """One bar per phase of the import (check, import), on a terminal only."""
    return step_bars(lambda phase: out.text(f"import.phase.{phase}"))


# --- account export ----------------------------------------------------------


@account_app.command("export")
def account_export(
    ctx: typer.Context,
    state: Annotated[
        AccountState | None,
        typer.Option("--state", help="Only accounts in this state.", case_sensitive=False),
    ] = None,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV on stdout (the default).")] = False,
    with_hashes: Annotated[
        bool,
        typer.Option("--with-hashes", help="Add the password_hash column (audited)."),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Write accounts in the import format.

    Columns nir,birth_date,email,mobile (and password_hash with --with-hashes).
    """
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
