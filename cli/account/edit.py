"""`sesame account edit`: change an account's email or mobile."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.account.common import IdArgument, ReasonOption, report
from cli.app import JsonOption, open_store, output
from cli.lazy import command_group
from engine.errors import invalid

account_app = command_group()


@account_app.command("edit")
def account_edit(
    ctx: typer.Context,
    ident: IdArgument,
    reason: ReasonOption,
    email: Annotated[str | None, typer.Option("--email")] = None,
    no_email: Annotated[bool, typer.Option("--no-email")] = False,
    mobile: Annotated[str | None, typer.Option("--mobile")] = None,
    no_mobile: Annotated[bool, typer.Option("--no-mobile")] = False,
    language: Annotated[str | None, typer.Option("--language")] = None,
    json_output: JsonOption = False,
) -> None:
    from cli.account.warnings import edit_warnings
    from db.support import ChannelEdit, edit_channels
    from engine.identity import parse_email, parse_identifier, parse_mobile
    from engine.languages import parse_language
    from engine.masks import confirm_phone

    out = output(ctx, json_output)
    if email is not None and no_email:
        raise invalid("options_conflict", options="--email, --no-email")
    if mobile is not None and no_mobile:
        raise invalid("options_conflict", options="--mobile, --no-mobile")
    if email is None and mobile is None and language is None and not (no_email or no_mobile):
        options = "--email, --no-email, --mobile, --no-mobile, --language"
        raise invalid("options_missing", options=options)
    identifier = parse_identifier(ident)
    edit = ChannelEdit(
        change_email=email is not None or no_email,
        email=parse_email(email) if email is not None else None,
        change_mobile=mobile is not None or no_mobile,
        phone=parse_mobile(mobile) if mobile is not None else None,
        language=parse_language(language) if language is not None else None,
    )
    result = edit_channels(open_store(ctx, messages=True), identifier, edit, reason)
    phone = edit.phone
    warnings = edit_warnings(out, phone)
    for warning in warnings:
        out.note(warning["message"])
    confirm = confirm_phone(phone.e164) if phone else None
    notes = [out.text("support.new_mobile", mobile=confirm)] if confirm else []
    report(out, result, {"new_mobile": confirm, "warnings": warnings}, notes)
