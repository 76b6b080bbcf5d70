"""`sesame account list`: accounts, newest first, filtered (table, CSV, JSON)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import CsvOption, JsonOption, open_store, output
from cli.lazy import command_group
from cli.output import Output, Shown, escape, iso_utc, local_time
from cli.views import account_payload, csv_text, terminal_table
from engine.errors import invalid
from engine.states import AccountState, Channel

if TYPE_CHECKING:
    from db.account_view import AccountView


account_app = command_group()


# A bound on --offset: past it, the databases' 64-bit integers overflow.
MAX_OFFSET = 10**12


@account_app.command("list")
def account_list(
    ctx: typer.Context,
    state: Annotated[
        AccountState | None,
        typer.Option("--state", case_sensitive=False),
    ] = None,
    locked_since: Annotated[
        str | None,
        typer.Option("--locked-since"),
    ] = None,
    locked_until: Annotated[str | None, typer.Option("--locked-until")] = None,
    has_flow: Annotated[bool, typer.Option("--has-flow")] = False,
    source: Annotated[str | None, typer.Option("--source", metavar="TEXT")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10000)] = 50,
    offset: Annotated[int, typer.Option(min=0, max=MAX_OFFSET)] = 0,
    all_rows: Annotated[bool, typer.Option("--all")] = False,
    csv_output: CsvOption = False,
    json_output: JsonOption = False,
) -> None:
    from cli.parsing import parse_moment
    from db.listing import AccountFilter, list_accounts

    out = output(ctx, json_output)
    _one_format(csv_output, json_output)
    if all_rows:
        _all_rows_alone(ctx, csv_output, json_output)
    store = open_store(ctx)
    since = parse_moment(locked_since, store.now()) if locked_since is not None else None
    until = parse_moment(locked_until, store.now()) if locked_until is not None else None
    for name, moment in (("--locked-since", since), ("--locked-until", until)):
        if moment is not None and state not in (None, AccountState.LOCKED):
            raise invalid("options_conflict", options=f"{name}, --state")
    from engine.source import check_source

    window = store.settings.policy.failure_window_seconds
    client = check_source(source) if source is not None else None
    filters = AccountFilter(
        state,
        since,
        has_flow,
        locked_until=until,
        source=client,
        failure_window_seconds=window,
    )
    from cli.account import list_stream

    given = list_stream.list_filter(filters, all_rows=all_rows, limit=limit, offset=offset)
    fmt = "csv" if csv_output else "json"
    if all_rows:
        list_stream.stream_all(
            store,
            filters,
            given,
            headers=LIST_CSV_HEADERS if csv_output else None,
            csv_row=_csv_row,
            payload=account_payload,
        )
        return
    page = list_accounts(store, filters, limit, offset)
    if csv_output:
        try:
            text = csv_text(LIST_CSV_HEADERS, [_csv_row(view) for view in page.views])
            typer.echo(text, nl=False)
        finally:  # a closed pipe too: the page left
            list_stream.audit_list(store, given, len(page.views), fmt)
        return
    from cli.tables import colour_wanted

    colour = colour_wanted()
    table = terminal_table(
        out.columns("nir", "state", "failures", "locked_since", "flow", "channels"),
        [_list_row(view, out, colour) for view in page.views],
        keep=(0,),
    )
    total = out.text("list.total", shown=len(page.views), total=page.total)
    out.ok(
        {"accounts": [account_payload(view) for view in page.views], "total": page.total},
        Shown(f"{table}\n{escape(total)}"),
    )
    if json_output:
        list_stream.audit_list(store, given, len(page.views), fmt)


LIST_CSV_HEADERS = [
    "nir",
    "state",
    "failed_attempts",
    "locked_at",
    "locked_until",
    "sms",
    "email",
    "flow",
    "flow_state",
    "flow_channel",
]


def _channels(view: AccountView) -> str:
    from engine.masks import mask_destination

    account = view.account
    parts = []
    if account.mobile:
        parts.append(f"sms {mask_destination(Channel.SMS, account.mobile)}")
    if account.email:
        parts.append(f"email {mask_destination(Channel.EMAIL, account.email)}")
    return ", ".join(parts) or "-"


def _list_row(view: AccountView, out: Output, colour: bool) -> list[object]:
    from cli.tables import coloured_state

    account, flow = view.account, view.flow
    flow_text = "-"
    if flow is not None:
        flow_text = f"{flow.state.value} {flow.channel.value if flow.channel else ''}".strip()
    return [
        account.nir,
        coloured_state(account.state.value, colour),
        account.failed_attempts,
        local_time(account.locked_at, out.lang),
        flow_text,
        _channels(view),
    ]


def _csv_row(view: AccountView) -> list[object]:
    from engine.masks import mask_destination

    account, flow = view.account, view.flow
    return [
        account.nir,
        account.state.value,
        account.failed_attempts,
        iso_utc(account.locked_at),
        iso_utc(account.locked_until),
        mask_destination(Channel.SMS, account.mobile) if account.mobile else None,
        mask_destination(Channel.EMAIL, account.email) if account.email else None,
        flow.id if flow else None,
        flow.state.value if flow else None,
        flow.channel.value if flow and flow.channel else None,
    ]


def _one_format(csv_output: bool, json_output: bool) -> None:
    if csv_output and json_output:
        raise invalid("options_conflict", options="--csv, --json")


def _all_rows_alone(ctx: typer.Context, csv_output: bool, json_output: bool) -> None:
    """--all streams every account to a script: CSV or JSON, no page."""
    from typer._click.core import ParameterSource

    for name in ("limit", "offset"):
        if ctx.get_parameter_source(name) is not ParameterSource.DEFAULT:
            raise invalid("options_conflict", options=f"--all, --{name}")
    if not (csv_output or json_output):
        raise invalid("list_all_format")
