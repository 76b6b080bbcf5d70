"""The member's procedure: login, unlock, forgot, send-code, reset."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import JsonOption, open_store, output, use_source
from cli.documents import choice_payload, destination, result_payload, sent_payload
from cli.lazy import command_group
from cli.output import Output, local_time
from cli.prompts import read_choice, read_secret, stdin_is_terminal
from engine.errors import SesameError, invalid
from engine.outcomes import Code
from engine.states import Channel, FlowKind

if TYPE_CHECKING:
    from db.procedure import Target
    from db.unit_of_work import Result
    from engine.events import Outcome
    from engine.identity import Identifier

commands = command_group()

IdArgument = Annotated[str, typer.Argument(metavar="ID")]
DobOption = Annotated[str, typer.Option("--dob")]
SourceOption = Annotated[
    str | None, typer.Option("--source", envvar="SESAME_SOURCE", metavar="TEXT")
]
ChannelOption = Annotated[Channel | None, typer.Option("--channel", case_sensitive=False)]


def require_secret(out: Output, prompt_key: str, missing: Code = Code.MISSING_INPUT) -> str:
    """Read one secret; end of input is a refusal, never a re-ask."""
    value = read_secret(out.text(prompt_key))
    if value is None:
        raise SesameError(missing, params={"what": out.text(prompt_key).strip(" :")})
    return value


# What `login` says for each outcome it ends with.
_LOGIN_TEXTS = {"logged_in": ("logged_in",), "password_changed": ("password_changed", "logged_in")}


@commands.command()
def login(
    ctx: typer.Context,
    ident: IdArgument,
    source: SourceOption = None,
    json_output: JsonOption = False,
) -> None:
    from db import procedure
    from engine.identity import parse_identifier

    out = output(ctx, json_output)
    use_source(ctx, source)
    identifier = parse_identifier(ident)
    store = open_store(ctx, messages=True)
    password = require_secret(out, "prompt.password")
    result = procedure.login(store, identifier, password, _new_password_asker(out, identifier))
    texts = _LOGIN_TEXTS[result.outcome.code]
    out.ok(result_payload(result), "\n".join(out.text(key) for key in texts))


@commands.command()
def unlock(
    ctx: typer.Context,
    ident: IdArgument,
    dob: DobOption,
    channel: ChannelOption = None,
    source: SourceOption = None,
    json_output: JsonOption = False,
) -> None:
    use_source(ctx, source)
    _recover(ctx, ident, dob, FlowKind.UNLOCK, channel, json_output)


@commands.command()
def forgot(
    ctx: typer.Context,
    ident: IdArgument,
    dob: DobOption,
    channel: ChannelOption = None,
    source: SourceOption = None,
    json_output: JsonOption = False,
) -> None:
    use_source(ctx, source)
    _recover(ctx, ident, dob, FlowKind.FORGOT, channel, json_output)


def _recover(
    ctx: typer.Context,
    ident: str,
    dob: str,
    kind: FlowKind,
    channel: Channel | None,
    json_output: bool,
) -> None:
    from db import procedure
    from engine.identity import parse_birth_date, parse_identifier

    out = output(ctx, json_output)
    identifier = parse_identifier(ident)
    birth_date = parse_birth_date(dob, date.today())
    store = open_store(ctx, messages=True)
    ask = None if json_output or not stdin_is_terminal() else partial(_ask_channel, out)
    result = procedure.start_recovery(store, identifier, birth_date, kind, channel, ask)
    _RECOVERY_VIEWS[result.outcome.code](out, result, identifier)


def _report_choice(out: Output, result: Result, _identifier: Identifier | None) -> None:
    """The channels to choose among, and the command that sends on one."""
    assert result.flow is not None
    lines = [out.text("choose_channel")]
    for c in result.channels:
        where = out.text(f"choose_channel.{c.value}", destination=destination(result.account, c))
        lines.append(f"  {where}  (--channel {c.value})")
    # One command per line, each runnable as pasted (`sms|email` would be a pipe).
    lines.append(out.text("choose_channel.commands"))
    lines += [f"sesame send-code {result.flow.id} --channel {c.value}" for c in result.channels]
    out.ok(choice_payload(result), "\n".join(lines))


def _ask_channel(out: Output, result: Result) -> Channel:
    """On a terminal: the channel by its number in the list."""
    channels = result.channels
    lines = [out.text("choose_channel")]
    for number, channel in enumerate(channels, start=1):
        where = out.text(
            f"choose_channel.{channel.value}", destination=destination(result.account, channel)
        )
        lines.append(f"  {number}. {where}")
    out.note("\n".join(lines))
    answer = read_choice(out.text("choose_channel.prompt", count=len(channels)))
    if answer not in [str(n) for n in range(1, len(channels) + 1)]:
        raise invalid("choice")
    return channels[int(answer) - 1]


@commands.command("send-code")
def send_code(
    ctx: typer.Context,
    flow: Annotated[str, typer.Argument(metavar="FLOW")],
    channel: Annotated[Channel, typer.Option("--channel", case_sensitive=False)],
    source: SourceOption = None,
    json_output: JsonOption = False,
) -> None:
    from db import procedure

    out = output(ctx, json_output)
    use_source(ctx, source)
    store = open_store(ctx, messages=True)
    _report_sent(out, procedure.send_code(store, flow.strip(), channel), None)


def _report_sent(out: Output, result: Result, identifier: Identifier | None) -> None:
    flow = result.flow
    assert flow is not None and flow.channel is not None
    where = destination(result.account, flow.channel)
    message = result.message_of(flow)
    # Queued for onward delivery (transport = "queue"): not sent yet.
    sent = "code_queued" if message is not None and message.path is None else "code_sent"
    lines = []
    if result.outcome.auto_channel:
        lines.append(out.text(f"auto_channel.{flow.channel.value}"))
    ident = identifier.nir.value if identifier and identifier.nir else result.account.nir
    lines.append(
        out.text(
            f"{sent}.{flow.channel.value}",
            destination=where,
            expires=local_time(flow.expires_at, out.lang),
            ident=ident,
            flow=flow.id,
        )
    )
    out.ok(sent_payload(result), "\n".join(lines))


# What `unlock` and `forgot` show for each outcome they end with.
_RECOVERY_VIEWS = {"code_sent": _report_sent, "choose_channel": _report_choice}


@commands.command()
def reset(
    ctx: typer.Context,
    ident: Annotated[str | None, typer.Argument(metavar="[ID]")] = None,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            metavar="-",
        ),
    ] = None,
    source: SourceOption = None,
    json_output: JsonOption = False,
) -> None:
    from db import procedure
    from engine.identity import parse_identifier

    out = output(ctx, json_output)
    use_source(ctx, source)
    if (ident is None) == (token is None):
        from typer._click.exceptions import UsageError

        raise UsageError(out.text("usage.reset_id_or_token"))
    if token not in (None, "-"):
        raise invalid("token_argument")  # any local user can read argv while we wait
    target: Target
    identifier = None
    if token is not None:
        target = procedure.ByLink()
        from engine.identity import token_from_link

        secret = token_from_link(require_secret(out, "prompt.token"))
    else:
        assert ident is not None
        identifier = parse_identifier(ident)
        target = procedure.BySms(identifier)
    store = open_store(ctx, messages=True)
    if token is None:
        secret = require_secret(out, "prompt.temporary_password")
    result = procedure.reset(store, target, secret, _new_password_asker(out, identifier))
    out.ok(result_payload(result), out.text(result.outcome.code))


def _new_password_asker(
    out: Output, identifier: Identifier | None
) -> Callable[[Outcome], tuple[str, str]]:
    """Say what the outcome allows, then read the new password twice."""

    def ask(outcome: Outcome) -> tuple[str, str]:
        out.note(out.text(outcome.code))
        new = read_secret(out.text("prompt.new_password"))
        confirmation = None if new is None else read_secret(out.text("prompt.confirm_password"))
        if new is None or confirmation is None:
            params = {"ident": identifier.nir.value} if identifier and identifier.nir else {}
            raise SesameError(Code.PASSWORD_CHANGE_REQUIRED, params=params)
        return new, confirmation

    return ask
