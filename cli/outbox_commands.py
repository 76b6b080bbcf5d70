"""What was sent, to whom, its status; and delivery of what is left queued."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.app import JsonOption, app, open_store, output
from cli.output import Output, iso_utc, local_time
from engine.errors import SesameError
from engine.identity import mask_email, mask_phone

if TYPE_CHECKING:
    from db.outbox import Message

outbox_app = typer.Typer(help="Messages sent to members (SMS and email).", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")


def _masked(message: Message) -> str:
    if message.channel == "sms":
        return mask_phone(message.recipient)
    return mask_email(message.recipient)


def _payload(message: Message, *, with_body: bool = False) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": message.id,
        "nir": message.account_nir,
        "channel": message.channel,
        "to": _masked(message),
        "subject": message.subject,
        "status": message.status,
        "created_at": iso_utc(message.created_at),
        "delivered_at": iso_utc(message.delivered_at),
    }
    if with_body:
        payload["body"] = message.redacted_body
    return payload


@outbox_app.command("list")
def outbox_list(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=10000, help="How many, newest first.")] = 50,
    json_output: JsonOption = False,
) -> None:
    """The newest messages first (destinations masked, secrets never shown)."""
    from tabulate import tabulate

    from db.outbox import list_messages

    out = output(ctx, json_output)
    found = list_messages(open_store(ctx), limit)
    headers = ["id", "created", "channel", "nir", "to", "status"]
    table = [
        [m.id, local_time(m.created_at, out.lang), m.channel, m.account_nir, _masked(m), m.status]
        for m in found
    ]
    out.ok({"messages": [_payload(m) for m in found]}, tabulate(table, headers=headers))


@outbox_app.command("show")
def outbox_show(
    ctx: typer.Context,
    message_id: Annotated[str | None, typer.Argument(metavar="[MESSAGE_ID]")] = None,
    last: Annotated[bool, typer.Option("--last", help="The newest message.")] = False,
    json_output: JsonOption = False,
) -> None:
    """One message, its secret replaced once delivered."""
    from db.outbox import show_message

    out = output(ctx, json_output)
    if (message_id is None) == (not last):
        raise typer.BadParameter("give MESSAGE_ID or --last")
    message = show_message(open_store(ctx), message_id)
    if message is None:
        raise SesameError("message_not_found")
    out.ok({"message": _payload(message, with_body=True)}, _text(message, out))


def _text(message: Message, out: Output) -> str:
    lines = [
        f"Id: {message.id}",
        f"Channel: {message.channel}",
        f"To: {_masked(message)}",
        f"Status: {message.status}",
        f"Created: {local_time(message.created_at, out.lang)}",
    ]
    if message.subject:
        lines.append(f"Subject: {message.subject}")
    return "\n".join(lines) + "\n\n" + message.redacted_body


@outbox_app.command("flush")
def outbox_flush(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Deliver every message still queued (after a crash, or a full disk)."""
    from db.outbox import deliver

    out = output(ctx, json_output)
    count = deliver(open_store(ctx))
    out.ok({"delivered": count}, out.text("messages_flushed", count=count))
