"""`sesame account add`: create one account."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from cli.app import JsonOption, open_store, output
from cli.lazy import command_group
from cli.prompts import read_secret
from cli.views import account_payload, account_text
from engine.errors import SesameError
from engine.outcomes import Code

account_app = command_group()


@account_app.command("add")
def account_add(
    ctx: typer.Context,
    nir: Annotated[str, typer.Option("--nir")],
    dob: Annotated[str, typer.Option("--dob")],
    email: Annotated[str | None, typer.Option("--email")] = None,
    mobile: Annotated[str | None, typer.Option("--mobile")] = None,
    language: Annotated[str | None, typer.Option("--language")] = None,
    no_password: Annotated[
        bool,
        typer.Option("--no-password"),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    from db.accounts import add_account
    from engine.identity import parse_birth_date, parse_email, parse_mobile, parse_nir
    from engine.languages import parse_language

    out = output(ctx, json_output)
    parsed_nir = parse_nir(nir)
    birth_date = parse_birth_date(dob, date.today())
    parsed_email = parse_email(email) if email is not None else None
    phone = parse_mobile(mobile) if mobile is not None else None
    member_language = parse_language(language) if language is not None else None
    store = open_store(ctx)
    password = None
    if not no_password:
        new = read_secret(out.text("prompt.new_password"))
        confirmation = None if new is None else read_secret(out.text("prompt.confirm_password"))
        if new is None or confirmation is None:
            raise SesameError(Code.MISSING_INPUT, params={"what": "password"})
        password = (new, confirmation)
    view = add_account(
        store,
        nir=parsed_nir,
        birth_date=birth_date,
        email=parsed_email,
        phone=phone,
        password=password,
        language=member_language,
    )
    human = out.text("account_created", nir=view.account.nir) + "\n" + account_text(view, out)
    out.ok({"account": account_payload(view)}, human)
