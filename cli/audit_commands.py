"""`sesame audit`: read the audit log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import CsvOption, JsonOption, open_store, output
from cli.lazy import command_group
from cli.output import Output, escape
from cli.views import EVENT_COLUMNS, csv_text, event_cells, event_payload, event_table
from engine.audit_events import AUDIT_EVENTS
from engine.errors import invalid

if TYPE_CHECKING:
    from db.audit_log import AuditEvent


commands = command_group()


@commands.command()
def audit(
    ctx: typer.Context,
    ident: Annotated[str | None, typer.Argument(metavar="ID")] = None,
    since: Annotated[str | None, typer.Option("--since")] = None,
    until: Annotated[str | None, typer.Option("--until")] = None,
    event: Annotated[list[str] | None, typer.Option("--event")] = None,
    actor: Annotated[str | None, typer.Option("--actor")] = None,
    source: Annotated[str | None, typer.Option("--source", metavar="TEXT")] = None,
    reason: Annotated[str | None, typer.Option("--reason")] = None,
    batch: Annotated[str | None, typer.Option("--batch")] = None,
    limit: Annotated[int | None, typer.Option(min=1, max=100000)] = None,
    follow: Annotated[bool, typer.Option("--follow")] = False,
    csv_output: CsvOption = False,
    json_output: JsonOption = False,
    format_: Annotated[str | None, typer.Option("--format", metavar="jsonl")] = None,
    after: Annotated[int | None, typer.Option("--after", metavar="EVENT_ID", min=0)] = None,
    output_file: Annotated[str | None, typer.Option("--output", metavar="FILE")] = None,
) -> None:
    from cli.parsing import parse_moment
    from db.audit_log import AuditFilter, audit_log, follow_audit
    from engine.identity import parse_identifier
    from engine.source import check_source

    out = output(ctx, json_output)
    jsonl = _jsonl(format_, csv_output, json_output, after, output_file)
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
        events=_known_events(event or ()),
        actor=actor,
        reason=reason,
        batch=batch,
        source=check_source(source) if source is not None else None,
    )
    if jsonl:
        from cli.audit_stream import stream

        if limit is not None and after is not None:
            raise invalid("options_conflict", options="--after, --limit")
        to = Path(output_file) if output_file is not None else None
        stream(store, filters, after=after or 0, newest=limit, follow=follow, output=to)
        return
    page = audit_log(store, filters, limit or DEFAULT_LIMIT)
    if csv_output:
        rows = [_csv_cells(e) for e in page.events]
        typer.echo(csv_text(AUDIT_CSV_HEADERS, rows), nl=False)
        return
    if not follow:

        def human() -> str:
            if not page.events:
                return out.text("audit.none")
            return event_table(page.events, out, per_account=ident is not None)

        out.ok({"events": [event_payload(e) for e in page.events]}, human)
        return
    _print_events(out, page.events, headers=True)
    try:
        for found in follow_audit(store, filters, page.last_id):
            _print_events(out, found, headers=False)
    except KeyboardInterrupt:
        return


DEFAULT_LIMIT = 50


def _jsonl(
    format_: str | None, as_csv: bool, as_json: bool, after: int | None, output: str | None
) -> bool:
    """Whether the JSON lines stream is asked for (`--after` and `--output` need it)."""
    if format_ is not None and format_ != "jsonl":
        raise invalid("audit_format", value=format_)
    if format_ is None:
        if after is not None or output is not None:
            raise invalid(
                "audit_stream_only", option="--after" if after is not None else "--output"
            )
        return False
    if as_csv or as_json:
        raise invalid(
            "options_conflict", options="--format, --csv" if as_csv else "--format, --json"
        )
    return True


def _known_events(names: Sequence[str]) -> tuple[str, ...]:
    """The names asked for, each one an event sesame writes (else exit 2, with the list)."""
    for name in names:
        if name not in AUDIT_EVENTS:
            raise invalid("event_unknown", value=name, names=", ".join(AUDIT_EVENTS))
    return tuple(names)


AUDIT_CSV_HEADERS = [
    "id",
    "at",
    "actor",
    "os_user",
    "sudo_user",
    "db_role",
    "source",
    "nir",
    "flow",
    "event",
    "state_before",
    "state_after",
    "detail",
    "batch",
    "batch_source",
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
    text = (
        tabulate(rows, headers=out.columns(*EVENT_COLUMNS))
        if headers
        else tabulate(rows, tablefmt="plain")
    )
    typer.echo(escape(text))
