"""`sesame account show`: an account, its last events and its messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import JsonOption, open_store, output
from cli.lazy import command_group
from cli.output import Output, Shown, escape, iso_utc, local_time
from cli.views import (
    account_text,
    event_payload,
    event_table,
    terminal_table,
    with_lock_count,
)

if TYPE_CHECKING:
    from db.audit_log import AccountDetail


account_app = command_group()


@account_app.command("show")
def account_show(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID")],
    json_output: JsonOption = False,
) -> None:
    from db.audit_log import account_detail
    from engine.identity import parse_identifier
    from engine.masks import mask_destination

    out = output(ctx, json_output)
    identifier = parse_identifier(ident)
    detail = account_detail(open_store(ctx), identifier)
    messages = [
        {
            "id": m.id,
            "channel": m.channel,
            "to": mask_destination(m.channel, m.recipient),
            "status": m.status,
            "created_at": iso_utc(m.created_at),
        }
        for m in detail.messages
    ]
    payload = {
        "account": with_lock_count(detail.view),
        "events": [event_payload(event) for event in detail.events],
        "messages": messages,
    }
    out.ok(payload, lambda: _show_text(detail, messages, out))


def _show_text(detail: AccountDetail, messages: list[dict[str, str | None]], out: Output) -> str:
    none = out.text("show.none")
    from cli.tables import short_ids

    events = event_table(detail.events, out, per_account=True)
    ids = short_ids(m["id"] for m in messages)
    message_rows = [
        [
            ids.get(m["id"] or "", m["id"]),
            local_time(sent.created_at, out.lang),
            m["channel"],
            m["to"],
            m["status"],
        ]
        for m, sent in zip(messages, detail.messages, strict=True)
    ]
    sent_table = terminal_table(
        out.columns("id", "created", "channel", "to", "status"), message_rows
    )
    human = [
        account_text(detail.view, out),
        "",
        out.text("show.events"),
        events if detail.events else none,
        "",
        out.text("show.messages"),
        sent_table if message_rows else none,
    ]
    return Shown("\n".join(escape(part) for part in human))
