"""`sesame account enable`."""

from __future__ import annotations

import typer

from cli.account.common import IdArgument, ReasonOption, report
from cli.app import JsonOption, open_store, output
from cli.lazy import command_group

account_app = command_group()


@account_app.command("enable")
def account_enable(
    ctx: typer.Context, ident: IdArgument, reason: ReasonOption, json_output: JsonOption = False
) -> None:
    from db.support import enable
    from engine.identity import parse_identifier

    out = output(ctx, json_output)
    report(out, enable(open_store(ctx), parse_identifier(ident), reason))
