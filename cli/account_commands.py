"""Support staff and provisioning: account add, status."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from cli.app import JsonOption, app, open_store, output
from cli.prompts import read_secret
from cli.views import account_payload, account_text
from engine.errors import SesameError
from engine.identity import (
    parse_birth_date,
    parse_email,
    parse_identifier,
    parse_mobile,
    parse_nir,
)

account_app = typer.Typer(help="Provision and inspect accounts.", no_args_is_help=True)
app.add_typer(account_app, name="account")


@account_app.command("add")
def account_add(
    ctx: typer.Context,
    nir: Annotated[str, typer.Option("--nir", help="Social-security number (15 characters).")],
    dob: Annotated[str, typer.Option("--dob", help="Date of birth, jj/mm/aaaa.")],
    email: Annotated[str | None, typer.Option("--email", help="Contact email address.")] = None,
    mobile: Annotated[str | None, typer.Option("--mobile", help="Mobile phone number.")] = None,
    no_password: Annotated[
        bool,
        typer.Option("--no-password", help="No password yet: set through `sesame forgot`."),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Create an account (the password and its confirmation are prompted)."""
    from db.accounts import add_account

    out = output(ctx, json_output)
    parsed_nir = parse_nir(nir)
    birth_date = parse_birth_date(dob, date.today())
    parsed_email = parse_email(email) if email is not None else None
    phone = parse_mobile(mobile) if mobile is not None else None
    store = open_store(ctx)
    password = None
    if not no_password:
        new = read_secret(out.text("prompt.new_password"))
        confirmation = None if new is None else read_secret(out.text("prompt.confirm_password"))
        if new is None or confirmation is None:
            raise SesameError("missing_input", params={"what": "password"})
        password = (new, confirmation)
    view = add_account(
        store,
        nir=parsed_nir,
        birth_date=birth_date,
        email=parsed_email,
        phone=phone,
        password=password,
    )
    human = out.text("account_created", nir=view.account.nir) + "\n" + account_text(view, out)
    out.ok({"account": account_payload(view)}, human)


@app.command()
def status(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID", help="NIR or registered email.")],
    json_output: JsonOption = False,
) -> None:
    """Show an account: state, failures, lock, masked channels, open flow."""
    from db.accounts import account_status

    out = output(ctx, json_output)
    identifier = parse_identifier(ident)
    view = account_status(open_store(ctx), identifier)
    out.ok({"account": account_payload(view)}, account_text(view, out))
