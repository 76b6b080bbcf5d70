"""`sesame account send-reset`: a reset to the member's own channel, no unlock."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.account.common import IdArgument, ReasonOption, report, reset_payload
from cli.app import JsonOption, open_store, output
from cli.lazy import command_group
from engine.states import Channel

account_app = command_group()


@account_app.command("send-reset")
def account_send_reset(
    ctx: typer.Context,
    ident: IdArgument,
    channel: Annotated[Channel, typer.Option("--channel", case_sensitive=False)],
    reason: ReasonOption,
    json_output: JsonOption = False,
) -> None:
    from db.support import send_reset
    from engine.identity import parse_identifier

    out = output(ctx, json_output)
    result = send_reset(open_store(ctx, messages=True), parse_identifier(ident), reason, channel)
    report(out, result, {"reset": reset_payload(result)})
