"""`sesame account import`: create accounts from a CSV file."""

from __future__ import annotations

import enum
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import JsonOption, open_store, output
from cli.lazy import command_group
from cli.output import Output
from cli.progress import step_bars
from cli.report import refuse_with_report
from engine import messages
from engine.outcomes import Code

if TYPE_CHECKING:
    from db.transfer.importing import ImportReport, Progress


account_app = command_group()


class OnError(enum.StrEnum):
    STOP = "stop"
    SKIP = "skip"


@account_app.command("import")
def account_import(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE.csv",
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
    on_error: Annotated[
        OnError,
        typer.Option(
            "--on-error",
        ),
    ] = OnError.STOP,
    json_output: JsonOption = False,
) -> None:
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
    from cli.account.warnings import import_warnings

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
    warnings = import_warnings(report.no_sms)
    payload = {
        "dry_run": report.dry_run,
        "on_error": OnError.STOP if report.stop_on_error else OnError.SKIP,
        "rows": report.rows,
        "valid": report.valid,
        "imported": report.imported,
        "refused": refused,
        "warnings": warnings,
        "batch": report.batch.id if report.batch else None,
    }
    if report.dry_run:
        human = out.text("import.dry_run", valid=report.valid, rows=report.rows)
    else:
        human = out.text("import.done", imported=report.imported, rows=report.rows)
    if warnings:
        lines = _ranges([warning["line"] for warning in warnings])
        out.note(out.text("import.no_sms", count=len(warnings), lines=lines))
        human += "\n" + out.text("import.no_sms.count", count=len(warnings))
    if report.batch is not None and report.imported:
        human += "\n" + out.text("bulk.batch", batch=report.batch.id)
    if not refused and not report.interrupted:
        out.ok(payload, human)
        return
    if refused:
        from tabulate import tabulate

        headers = out.columns("line", "reason")
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


def _ranges(numbers: list[int], shown: int = 20) -> str:
    """2, 3, 4, 7 → "2-4, 7"; past `shown` spans, "…"."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    text = [str(a) if a == b else f"{a}-{b}" for a, b in spans[:shown]]
    return ", ".join(text) + (", …" if len(spans) > shown else "")


def _progress_bar(out: Output) -> AbstractContextManager[Progress | None]:
    """One bar per phase of the import (check, import), on a terminal only."""
    return step_bars(lambda phase: out.text(f"import.phase.{phase}"))
