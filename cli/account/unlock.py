"""`sesame account unlock`: one account, or many (--all-locked, --from-file)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.account.common import ReasonOption, report, reset_payload
from cli.app import JsonOption, open_store, output
from cli.exits import exit_code
from cli.lazy import command_group
from cli.output import Output, escape
from cli.views import terminal_table
from engine.errors import SesameError, invalid
from engine.outcomes import Code
from engine.states import Channel

if TYPE_CHECKING:
    from db.support import BulkLine, BulkReport


account_app = command_group()


@account_app.command("unlock")
def account_unlock(
    ctx: typer.Context,
    reason: ReasonOption,
    ident: Annotated[str | None, typer.Argument(metavar="ID")] = None,
    send_reset: Annotated[
        Channel | None,
        typer.Option(
            "--send-reset",
            case_sensitive=False,
        ),
    ] = None,
    all_locked: Annotated[bool, typer.Option("--all-locked")] = False,
    locked_since: Annotated[
        str | None,
        typer.Option("--locked-since"),
    ] = None,
    locked_until: Annotated[str | None, typer.Option("--locked-until")] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from-file",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
    report_file: Annotated[Path | None, typer.Option("--report", dir_okay=False)] = None,
    json_output: JsonOption = False,
) -> None:
    out = output(ctx, json_output)
    chosen = [
        name
        for name, given in (("ID", ident), ("--all-locked", all_locked), ("--from-file", from_file))
        if given
    ]
    if not chosen:
        raise invalid("options_missing", options="ID, --all-locked, --from-file")
    if len(chosen) > 1:
        raise invalid("options_conflict", options=", ".join(chosen))
    for name, value in (("--locked-since", locked_since), ("--locked-until", locked_until)):
        if value is not None and not all_locked:
            raise invalid("options_conflict", options=f"{name}, {chosen[0]}")
    if ident is not None:
        for name, given in (("--dry-run", dry_run), ("--report", report_file)):
            if given:
                raise invalid("options_conflict", options=f"{name}, ID")
        _unlock_one(ctx, out, ident, reason, send_reset)
        return
    if send_reset is not None:
        raise invalid("options_conflict", options=f"--send-reset, {chosen[0]}")
    window = (locked_since, locked_until)
    _unlock_bulk(ctx, out, reason, window, from_file, dry_run, report_file)


def _unlock_one(
    ctx: typer.Context, out: Output, ident: str, reason: str, send_reset: Channel | None
) -> None:
    from db.support import unlock
    from engine.identity import parse_identifier

    result = unlock(open_store(ctx, messages=True), parse_identifier(ident), reason, send_reset)
    extra = {
        "reset": reset_payload(result),
        "identity_failures_cleared": result.identity_failures_cleared,
    }
    report(out, result, extra)


def _unlock_bulk(
    ctx: typer.Context,
    out: Output,
    reason: str,
    window: tuple[str | None, str | None],
    from_file: Path | None,
    dry_run: bool,
    report_file: Path | None,
) -> None:
    from cli.bulk_report import open_report, write_report
    from cli.parsing import parse_moment
    from db.support import AllLocked, FromFile, bulk_unlock

    store = open_store(ctx, messages=True)
    source: AllLocked | FromFile
    if from_file is not None:
        source = FromFile(from_file)
    else:
        since, until = (
            parse_moment(moment, store.now()) if moment is not None else None for moment in window
        )
        source = AllLocked(since, until)
    # Opened first: a name that cannot be used changes nothing.
    stream = open_report(report_file) if report_file is not None else None

    @contextmanager
    def progress(lines: Sequence[BulkLine]) -> Iterator[Any]:
        if not sys.stderr.isatty():
            yield lines
            return
        label = out.text("bulk.progress")
        with typer.progressbar(lines, label=label, file=sys.stderr) as bar:
            yield bar

    try:
        report = bulk_unlock(store, source, reason, dry_run=dry_run, progress=progress)
    except SesameError:  # refused before any change (an unreadable file…)
        if stream is not None and report_file is not None:
            stream.close()
            report_file.unlink(missing_ok=True)  # ours, just created, still empty
        raise
    if stream is not None:
        with stream:
            write_report(stream, report)
    summary = _summary(report, report_file)
    table = _summary_table(report, out) + _changed(report, report_file, out)
    if report.complete:
        out.ok({"summary": summary}, table)
        return
    counts = summary["counts"]
    error = SesameError(
        Code.BULK_INCOMPLETE,
        params={
            "failed": counts["failed"],
            "not_found": counts["not_found"],
            "total": len(report.items),
        },
    )
    if out.as_json:
        message = out.text("bulk_incomplete", **error.params)
        document = {
            "ok": False,
            "error": {"code": error.code, "message": message},
            "summary": summary,
        }
        typer.echo(json.dumps(document, ensure_ascii=False))
    else:
        typer.echo(escape(table))
        out.error(error)
    raise typer.Exit(exit_code(error.code))


def _summary(report: BulkReport, report_file: Path | None) -> dict[str, Any]:
    from db.support import BULK_OUTCOMES

    return {
        "dry_run": report.dry_run,
        "batch": report.batch.id if report.batch else None,
        "batch_source": report.batch.source if report.batch else None,
        "report": str(report_file) if report_file is not None else None,
        "counts": {outcome: report.count(outcome) for outcome in BULK_OUTCOMES},
        "items": [
            {
                "line": item.line,
                "input": item.text,
                "nir": item.nir,
                "result": item.outcome,
                "error": _error(item.error),
            }
            for item in report.items
        ],
    }


def _error(error: SesameError | None) -> dict[str, str | None] | None:
    return None if error is None else {"code": error.code, "reason": error.reason}


def _why(error: SesameError | None) -> str:
    if error is None:
        return "-"
    return error.code if error.reason is None else f"{error.code}: {error.reason}"


def _summary_table(report: BulkReport, out: Output) -> str:
    """One row per outcome with its lines (ranges), failures with their reason."""
    from db.support import BULK_OUTCOMES

    rows = []
    for outcome in BULK_OUTCOMES:
        items = [item for item in report.items if item.outcome == outcome]
        if outcome == "failed":
            where = ", ".join(f"{item.line or item.text} ({_why(item.error)})" for item in items)
        else:
            where = _ranges([item.line for item in items if item.line is not None])
        rows.append([out.text(f"bulk.{outcome}"), len(items), where or "-"])
    table = terminal_table(out.columns("result", "count", "lines"), rows)
    return f"{out.text('bulk.dry_run')}\n{table}" if report.dry_run else table


def _changed(report: BulkReport, report_file: Path | None, out: Output) -> str:
    """After the table: the batch, then every NIR unlocked (or where they were written)."""
    lines = []
    acted = any(item.outcome in ("unlocked", "not_locked") for item in report.items)
    if report.batch is not None and acted:  # a batch with events to list
        lines.append(out.text("bulk.batch", batch=report.batch.id))
    if report_file is not None:
        lines.append(out.text("bulk.report", path=str(report_file), count=len(report.items)))
    else:
        nirs = [item.nir for item in report.items if item.outcome == "unlocked" and item.nir]
        if nirs:
            key = "bulk.unlocked_nirs.dry_run" if report.dry_run else "bulk.unlocked_nirs"
            lines.append(out.text(key, count=len(nirs)))
            lines.extend(nirs)
    return "".join(f"\n{line}" for line in lines)


def _ranges(numbers: list[int]) -> str:
    """2, 3, 4, 7 → "2-4, 7"."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
