"""`sesame account disable`."""

from __future__ import annotations

import typer

from cli.account.common import IdArgument, ReasonOption, report
from cli.app import JsonOption, open_store, output
from cli.lazy import command_group

account_app = command_group()


@account_app.command("disable")
def account_disable(
    ctx: typer.Context, ident: IdArgument, reason: ReasonOption, json_output: JsonOption = False
) -> None:
    from db.support import disable
    from engine.identity import parse_identifier

    out = output(ctx, json_output)
    report(out, disable(open_store(ctx), parse_identifier(ident), reason))
