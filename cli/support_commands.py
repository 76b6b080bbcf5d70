"""Support actions and their trail: account edit/disable/enable/unlock (one or in bulk),
and the audit log."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.app import CsvOption, JsonOption, open_store, output
from cli.exits import exit_code
from cli.lazy import command_group
from cli.output import Output, escape, iso_utc, local_time
from cli.views import (
    EVENT_HEADERS,
    account_payload,
    account_text,
    csv_text,
    destination,
    event_cells,
    event_payload,
    terminal_table,
)
from engine.errors import SesameError, invalid
from engine.outcomes import Code
from engine.states import Channel

if TYPE_CHECKING:
    from db.audit_log import AuditEvent
    from db.support import BulkLine, BulkReport, SupportResult

commands = command_group()
account_app = command_group()

IdArgument = Annotated[str, typer.Argument(metavar="ID", help="NIR or registered email.")]
ReasonOption = Annotated[
    str, typer.Option("--reason", help="Why (recorded in the audit log with the actor).")
]


def _report(out: Output, result: SupportResult, extra: dict[str, Any] | None = None) -> None:
    """The outcome line, then the account as it now is."""
    nir = result.view.account.nir
    payload = {"result": result.code, "account": account_payload(result.view), **(extra or {})}
    lines = [out.text(f"support.{result.code}", nir=nir)]
    if result.identity_failures_cleared:
        count = result.identity_failures_cleared
        lines.append(out.text("support.identity_failures_cleared", count=count))
    reset = result.reset
    if reset is not None and reset.channel is not None:
        lines.append(
            out.text(
                f"support.reset_sent.{reset.channel.value}",
                destination=destination(result.view.account, reset.channel),
                flow=reset.id,
                expires=local_time(reset.expires_at, out.lang),
                nir=nir,
            )
        )
    out.ok(payload, "\n".join(lines) + "\n" + account_text(result.view, out))


@account_app.command("edit")
def account_edit(
    ctx: typer.Context,
    ident: IdArgument,
    reason: ReasonOption,
    email: Annotated[str | None, typer.Option("--email", help="New email address.")] = None,
    no_email: Annotated[bool, typer.Option("--no-email", help="Remove the email.")] = False,
    mobile: Annotated[str | None, typer.Option("--mobile", help="New mobile number.")] = None,
    no_mobile: Annotated[bool, typer.Option("--no-mobile", help="Remove the mobile.")] = False,
    json_output: JsonOption = False,
) -> None:
    """Change the email or mobile.

    Validated like `account add`. Any open recovery flow is cancelled, and the old
    email address is told (when notify_on_channel_change is on).
    """
    from db.support import ChannelEdit, edit_channels
    from engine.identity import parse_email, parse_identifier, parse_mobile

    out = output(ctx, json_output)
    if email is not None and no_email:
        raise invalid("options_conflict", options="--email, --no-email")
    if mobile is not None and no_mobile:
        raise invalid("options_conflict", options="--mobile, --no-mobile")
    if email is None and mobile is None and not (no_email or no_mobile):
        raise invalid("options_missing", options="--email, --no-email, --mobile, --no-mobile")
    identifier = parse_identifier(ident)
    edit = ChannelEdit(
        change_email=email is not None or no_email,
        email=parse_email(email) if email is not None else None,
        change_mobile=mobile is not None or no_mobile,
        phone=parse_mobile(mobile) if mobile is not None else None,
    )
    _report(out, edit_channels(open_store(ctx), identifier, edit, reason))


@account_app.command("disable")
def account_disable(
    ctx: typer.Context, ident: IdArgument, reason: ReasonOption, json_output: JsonOption = False
) -> None:
    """Disable an account.

    Login, unlock and forgot are then refused (exit 5); an open flow is cancelled.
    """
    from db.support import disable
    from engine.identity import parse_identifier

    out = output(ctx, json_output)
    _report(out, disable(open_store(ctx), parse_identifier(ident), reason))


@account_app.command("enable")
def account_enable(
    ctx: typer.Context, ident: IdArgument, reason: ReasonOption, json_output: JsonOption = False
) -> None:
    """Enable a disabled account again.

    It becomes active, with no failures counted.
    """
    from db.support import enable
    from engine.identity import parse_identifier

    out = output(ctx, json_output)
    _report(out, enable(open_store(ctx), parse_identifier(ident), reason))


@account_app.command("unlock")
def account_unlock(
    ctx: typer.Context,
    reason: ReasonOption,
    ident: Annotated[
        str | None, typer.Argument(metavar="ID", help="NIR or registered email.")
    ] = None,
    send_reset: Annotated[
        Channel | None,
        typer.Option(
            "--send-reset",
            help="Also send the temporary password (sms) or link (email) to the member.",
            case_sensitive=False,
        ),
    ] = None,
    all_locked: Annotated[bool, typer.Option("--all-locked", help="Every locked account.")] = False,
    locked_since: Annotated[
        str | None,
        typer.Option("--locked-since", help="With --all-locked: locked since 2h, 2026-11-20…"),
    ] = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from-file",
            help="One NIR or email per line, or a CSV with a nir or id column.",
            exists=True,
            dir_okay=False,
            readable=True,
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Bulk: report what would happen, change nothing.")
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Unlock one account, or many.

    Clears the lock and the failures of ID, or in bulk of --all-locked or
    --from-file. Support never sees the member's password: --send-reset sends the
    temporary password or link to the member's own channel.
    """
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
    if locked_since is not None and not all_locked:
        raise invalid("options_conflict", options=f"--locked-since, {chosen[0]}")
    if ident is not None:
        if dry_run:
            raise invalid("options_conflict", options="--dry-run, ID")
        _unlock_one(ctx, out, ident, reason, send_reset)
        return
    if send_reset is not None:
        raise invalid("options_conflict", options=f"--send-reset, {chosen[0]}")
    _unlock_bulk(ctx, out, reason, locked_since, from_file, dry_run)


def _unlock_one(
    ctx: typer.Context, out: Output, ident: str, reason: str, send_reset: Channel | None
) -> None:
    from db.support import unlock
    from engine.identity import parse_identifier

    result = unlock(open_store(ctx), parse_identifier(ident), reason, send_reset)
    reset = None
    if result.reset is not None and result.reset.channel is not None:
        reset = {
            "flow": result.reset.id,
            "channel": result.reset.channel.value,
            "destination": destination(result.view.account, result.reset.channel),
            "expires_at": iso_utc(result.reset.expires_at),
        }
    _report(
        out, result, {"reset": reset, "identity_failures_cleared": result.identity_failures_cleared}
    )


def _unlock_bulk(
    ctx: typer.Context,
    out: Output,
    reason: str,
    locked_since: str | None,
    from_file: Path | None,
    dry_run: bool,
) -> None:
    from cli.parsing import parse_moment
    from db.support import AllLocked, FromFile, bulk_unlock

    store = open_store(ctx)
    source: AllLocked | FromFile
    if from_file is not None:
        source = FromFile(from_file)
    else:
        since = parse_moment(locked_since, store.now()) if locked_since is not None else None
        source = AllLocked(since)

    @contextmanager
    def progress(lines: Sequence[BulkLine]) -> Iterator[Any]:
        if not sys.stderr.isatty():
            yield lines
            return
        label = out.text("bulk.progress")
        with typer.progressbar(lines, label=label, file=sys.stderr) as bar:
            yield bar

    report = bulk_unlock(store, source, reason, dry_run=dry_run, progress=progress)
    summary = _summary(report)
    table = _summary_table(report, out)
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


def _summary(report: BulkReport) -> dict[str, Any]:
    from db.support import BULK_OUTCOMES

    return {
        "dry_run": report.dry_run,
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
    table = terminal_table(["result", "count", "lines"], rows)
    return f"{out.text('bulk.dry_run')}\n{table}" if report.dry_run else table


def _ranges(numbers: list[int]) -> str:
    """2, 3, 4, 7 → "2-4, 7"."""
    spans: list[list[int]] = []
    for number in numbers:
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


# --- the audit log -----------------------------------------------------------------


@commands.command()
def audit(
    ctx: typer.Context,
    ident: Annotated[
        str | None, typer.Argument(metavar="ID", help="Only this account (NIR or email).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From: 30m, 2h, 7d, 2026-11-20, ISO time.")
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Before: same forms.")] = None,
    event: Annotated[
        list[str] | None, typer.Option("--event", help="Only this event (repeatable).")
    ] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100000, help="The newest N events.")] = 50,
    follow: Annotated[
        bool, typer.Option("--follow", help="Keep printing new events until Ctrl-C.")
    ] = False,
    csv_output: CsvOption = False,
    json_output: JsonOption = False,
) -> None:
    """Read the audit log.

    The newest events, shown oldest first; --follow keeps printing new ones until
    Ctrl-C (with --json: one JSON object per line).
    """
    from cli.parsing import parse_moment
    from db.audit_log import AuditFilter, audit_log, follow_audit
    from engine.identity import parse_identifier

    out = output(ctx, json_output)
    if csv_output and (json_output or follow):
        raise invalid(
            "options_conflict", options="--csv, --json" if json_output else "--csv, --follow"
        )
    store = open_store(ctx)
    now = store.now()
    filters = AuditFilter(
        ident=parse_identifier(ident) if ident is not None else None,
        since=parse_moment(since, now) if since is not None else None,
        until=parse_moment(until, now) if until is not None else None,
        events=tuple(event or ()),
        actor=actor,
    )
    page = audit_log(store, filters, limit)
    if csv_output:
        rows = [_csv_cells(e) for e in page.events]
        typer.echo(csv_text(AUDIT_CSV_HEADERS, rows), nl=False)
        return
    if not follow:

        def human() -> str:
            if not page.events:
                return out.text("audit.none")
            return terminal_table(EVENT_HEADERS, [event_cells(e, out.lang) for e in page.events])

        out.ok({"events": [event_payload(e) for e in page.events]}, human)
        return
    _print_events(out, page.events, headers=True)
    try:
        for batch in follow_audit(store, filters, page.last_id):
            _print_events(out, batch, headers=False)
    except KeyboardInterrupt:
        return


AUDIT_CSV_HEADERS = [
    "id",
    "at",
    "actor",
    "os_user",
    "sudo_user",
    "db_role",
    "nir",
    "flow",
    "event",
    "state_before",
    "state_after",
    "detail",
]


def _csv_cells(event: AuditEvent) -> list[object]:
    payload = event_payload(event)
    payload["detail"] = json.dumps(event.detail, ensure_ascii=False, sort_keys=True)
    return [payload[name] for name in AUDIT_CSV_HEADERS]


def _print_events(out: Output, events: list[AuditEvent], *, headers: bool) -> None:
    """--follow: JSON Lines with --json, else table rows as they come."""
    from tabulate import tabulate

    if out.as_json:
        for event in events:
            typer.echo(json.dumps(event_payload(event), ensure_ascii=False))
        return
    if not events:
        return
    rows = [event_cells(e, out.lang) for e in events]
    text = tabulate(rows, headers=EVENT_HEADERS) if headers else tabulate(rows, tablefmt="plain")
    typer.echo(escape(text))
