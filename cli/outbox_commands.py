"""What was sent, to whom, its status; delivery of what is left queued, by file or onward."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.app import JsonOption, open_store, output
from cli.hardening import protect_secrets
from cli.lazy import command_group
from cli.output import Output, escape, iso_utc, local_time
from cli.parsing import parse_moment
from cli.prompts import read_secret
from engine import messages
from engine.errors import SesameError, invalid
from engine.outcomes import Code

if TYPE_CHECKING:
    from db.delivery import PassCounts
    from db.delivery_senders import SmtpConfig
    from db.outbox import Message

outbox_app = command_group()

STATUSES = ("queued", "sent", "failed", "abandoned")
CHANNELS = ("sms", "email")
PASSWORD_VARIABLE = "SESAME_SMTP_PASSWORD"
CSV_COLUMNS = (
    "id",
    "created_at",
    "nir",
    "channel",
    "to",
    "subject",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "delivered_at",
)


def _masked(message: Message) -> str:
    from engine.masks import mask_destination

    return mask_destination(message.channel, message.recipient)


def _shown_body(message: Message, lang: str) -> str:
    """The redacted body, its secret's place saying what became of it: hidden while
    queued or failed, removed after sending, erased when abandoned."""

    key = f"outbox.secret.{message.status}"
    if not messages.has(key):
        return message.redacted_body
    return message.redacted_body.replace(messages.REDACTED, messages.text(key, lang))


def _payload(message: Message, *, with_body: bool = False, lang: str = "fr") -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": message.id,
        "nir": message.account_nir,
        "channel": message.channel,
        "to": _masked(message),
        "subject": message.subject,
        "status": message.status,
        "created_at": iso_utc(message.created_at),
        "delivered_at": iso_utc(message.delivered_at),
        "attempts": message.attempts,
        "next_attempt_at": iso_utc(message.next_attempt_at),
        "last_error": message.last_error,
    }
    if with_body:
        payload["body"] = _shown_body(message, lang)
    return payload


def _choice(out: Output, value: str | None, choices: tuple[str, ...], name: str) -> str | None:
    if value is not None and value not in choices:
        from typer._click.exceptions import UsageError

        shown = ", ".join(choices)
        raise UsageError(out.text("usage.not_one_of", option=name, value=value, choices=shown))
    return value


@outbox_app.command("list")
def outbox_list(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(metavar="|".join(STATUSES))] = None,
    channel: Annotated[str | None, typer.Option(metavar="sms|email")] = None,
    to: Annotated[str | None, typer.Option("--to", metavar="ID")] = None,
    since: Annotated[
        str | None,
        typer.Option(metavar="DATE|DURATION"),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    csv_output: Annotated[bool, typer.Option("--csv")] = False,
    json_output: JsonOption = False,
) -> None:
    from db.outbox import MessageFilter, list_messages
    from engine.identity import parse_identifier

    out = output(ctx, json_output)
    if csv_output and json_output:
        raise invalid("delivery_csv_json")
    store = open_store(ctx)
    wanted = MessageFilter(
        status=_choice(out, status, STATUSES, "--status"),
        channel=_choice(out, channel, CHANNELS, "--channel"),
        to=parse_identifier(to) if to is not None else None,
        since=parse_moment(since, store.now()) if since is not None else None,
        limit=limit,
    )
    found = list_messages(store, wanted)
    if csv_output:
        typer.echo(escape(_csv([_payload(m) for m in found])), nl=False)
        return
    out.ok(
        {"messages": [_payload(m) for m in found]},
        _table(found, out, per_account=to is not None),
    )


def _table(found: list[Message], out: Output, *, per_account: bool = False) -> str:
    """One account's messages (`--to`): no nir column, short ids (docs/support.md)."""
    from cli.tables import fitted_table, short_ids

    if not found:
        return out.text("no_messages")
    names = ["id", "created", "channel", "nir", "to", "status", "attempts", "last_error"]
    ids = short_ids(m.id for m in found) if per_account else {}
    if per_account:
        names.remove("nir")
    table = [
        [
            ids.get(m.id, m.id),
            local_time(m.created_at, out.lang),
            m.channel,
            *([] if per_account else [m.account_nir or "-"]),
            _masked(m),
            m.status,
            m.attempts,
            _shortened(m.last_error or "-", 40),
        ]
        for m in found
    ]
    keep = () if per_account else (names.index("nir"),)
    return fitted_table(out.columns(*names), table, free=(len(names) - 1,), keep=keep)


def _shortened(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _csv(payloads: list[dict[str, Any]]) -> str:
    import io

    from cli.csv_output import CsvWriter

    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.row(CSV_COLUMNS)
    for payload in payloads:
        writer.row(payload[column] for column in CSV_COLUMNS)
    return buffer.getvalue()


@outbox_app.command("show")
def outbox_show(
    ctx: typer.Context,
    message_id: Annotated[str | None, typer.Argument(metavar="[MESSAGE_ID]")] = None,
    last: Annotated[bool, typer.Option("--last")] = False,
    to: Annotated[str | None, typer.Option("--to", metavar="ID")] = None,
    json_output: JsonOption = False,
) -> None:
    from db.outbox import show_message
    from engine.identity import parse_identifier

    out = output(ctx, json_output)
    if (message_id is None) == (not last):
        raise invalid("delivery_show")
    ident = parse_identifier(to) if to is not None else None
    message = show_message(open_store(ctx), message_id, ident)
    if message is None:
        raise SesameError(Code.MESSAGE_NOT_FOUND)
    payload = _payload(message, with_body=True, lang=out.lang)
    out.ok({"message": payload}, _text(message, out))


def _text(message: Message, out: Output) -> str:
    fields: list[tuple[str, object]] = [
        ("id", message.id),
        ("channel", message.channel),
        ("to", _masked(message)),
        ("status", message.status),
        ("created", local_time(message.created_at, out.lang)),
        ("attempts", message.attempts),
    ]
    if message.delivered_at:
        fields.append(("delivered", local_time(message.delivered_at, out.lang)))
    if message.next_attempt_at:
        fields.append(("next_attempt", local_time(message.next_attempt_at, out.lang)))
    if message.last_error:
        fields.append(("last_error", message.last_error))
    if message.subject:
        fields.append(("subject", message.subject))
    lines = [out.text(f"label.message.{name}", value=value) for name, value in fields]
    return "\n".join(lines) + "\n\n" + _shown_body(message, out.lang)


@outbox_app.command("flush")
def outbox_flush(ctx: typer.Context, json_output: JsonOption = False) -> None:
    from db.outbox import flush

    out = output(ctx, json_output)
    count = flush(open_store(ctx))
    out.ok({"delivered": count}, out.text("messages_flushed", count=count))


@outbox_app.command("retry")
def outbox_retry(
    ctx: typer.Context,
    message_id: Annotated[str | None, typer.Argument(metavar="[MESSAGE_ID]")] = None,
    failed: Annotated[bool, typer.Option("--failed")] = False,
    json_output: JsonOption = False,
) -> None:
    from db.delivery_retry import retry

    out = output(ctx, json_output)
    if (message_id is None) == (not failed):
        raise invalid("delivery_retry")
    result = retry(open_store(ctx), message_id)
    out.ok(
        {"requeued": result.requeued, "erased": result.erased},
        out.text("messages_requeued", requeued=result.requeued, erased=result.erased),
    )


@outbox_app.command("deliver")
def outbox_deliver(
    ctx: typer.Context,
    smtp: Annotated[str | None, typer.Option(metavar="HOST:PORT")] = None,
    starttls: Annotated[bool, typer.Option("--starttls")] = False,
    smtp_user: Annotated[
        str | None,
        typer.Option(),
    ] = None,
    sms_command: Annotated[
        str | None,
        typer.Option(metavar="CMD"),
    ] = None,
    watch: Annotated[bool, typer.Option("--watch")] = False,
    json_output: JsonOption = False,
) -> None:
    import shlex

    from db.delivery import deliver_pass
    from db.delivery import watch as deliver_forever
    from db.delivery_senders import Transports

    out = output(ctx, json_output)
    if smtp is None and sms_command is None:
        raise SesameError(
            Code.MISSING_INPUT, params={"what": "--smtp HOST:PORT | --sms-command CMD"}
        )
    try:
        command = tuple(shlex.split(sms_command)) if sms_command is not None else None
    except ValueError as exc:
        raise invalid("sms_command", detail=str(exc)) from None
    if command == ():
        raise invalid("sms_command", detail_key="empty")
    config = _smtp_config(smtp, starttls, smtp_user, out) if smtp is not None else None
    store = open_store(ctx)
    transports = Transports(smtp=config, sms_command=command)

    def report(counts: PassCounts) -> None:
        payload = {"sent": counts.sent, "failed": counts.failed, "abandoned": counts.abandoned}
        human = out.text("delivery_pass", **payload)
        # A watcher's lines are a log: each says when.
        out.ok(payload, f"{local_time(store.now(), out.lang)}  {human}" if watch else human)

    if not watch:
        report(deliver_pass(store, transports))
        return
    try:
        deliver_forever(store, transports, report)
    except KeyboardInterrupt:
        raise typer.Exit(0) from None


def _smtp_config(address: str, starttls: bool, user: str | None, out: Output) -> SmtpConfig:
    from db.delivery_senders import SmtpConfig

    host, _, port = address.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise invalid("smtp_address", value=address)
    password = None
    if user is not None:
        protect_secrets()
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            password = read_secret(out.text("prompt.smtp_password", user=user))
        if password is None:
            raise SesameError(Code.MISSING_INPUT, params={"what": PASSWORD_VARIABLE})
    return SmtpConfig(host.strip("[]"), int(port), starttls, user, password)
