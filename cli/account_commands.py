"""Provisioning and inspection: account add/list/show, status (an account or the dashboard)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from cli.app import CsvOption, JsonOption, open_store, output
from cli.lazy import command_group
from cli.output import Output, iso_utc, local_time
from cli.prompts import read_secret
from cli.views import (
    EVENT_HEADERS,
    account_payload,
    account_text,
    csv_text,
    event_cells,
    event_payload,
    terminal_table,
)
from engine.errors import SesameError, invalid
from engine.outcomes import Code
from engine.states import AccountState, Channel

if TYPE_CHECKING:
    from db.account_view import AccountView
    from db.audit_log import AccountDetail

commands = command_group()
account_app = command_group()

# A bound on --offset: past it, the databases' 64-bit integers overflow.
MAX_OFFSET = 10**12


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
    from engine.identity import parse_birth_date, parse_email, parse_mobile, parse_nir

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
            raise SesameError(Code.MISSING_INPUT, params={"what": "password"})
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


@commands.command()
def status(
    ctx: typer.Context,
    ident: Annotated[
        str | None,
        typer.Argument(metavar="ID", help="NIR or registered email; none: the dashboard."),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Show an account, or without ID the dashboard.

    An account: its state, failures, lock, masked channels and open flow. The
    dashboard: accounts by state, recent locks, open flows, the outbox."""
    from db.account_view import account_status
    from engine.identity import parse_identifier

    out = output(ctx, json_output)
    if ident is None:
        _dashboard(ctx, out)
        return
    view = account_status(open_store(ctx), parse_identifier(ident))
    out.ok({"account": account_payload(view)}, lambda: account_text(view, out))


def _dashboard(ctx: typer.Context, out: Output) -> None:
    from tabulate import tabulate

    from db.listing import dashboard

    board = dashboard(open_store(ctx))
    oldest = None
    age = None
    if board.oldest_queued_at is not None:
        age = max(0, int((board.now - board.oldest_queued_at).total_seconds()))
        oldest = {"created_at": iso_utc(board.oldest_queued_at), "age_seconds": age}
    flows = [{"state": f.state, "channel": f.channel, "count": f.count} for f in board.open_flows]
    by_state = {**board.accounts, "total": sum(board.accounts.values())}
    payload = {
        "at": iso_utc(board.now),
        "accounts": by_state,
        "locks_last_24h": board.locks_last_24h,
        "open_flows": flows,
        "outbox": board.outbox,
        "oldest_queued": oldest,
    }
    flow_rows = [[f.state, f.channel or "-", f.count] for f in board.open_flows]
    parts = [
        out.text("dashboard.accounts"),
        tabulate(list(by_state.items()), tablefmt="plain"),
        "",
        out.text("dashboard.locks", count=board.locks_last_24h),
        "",
        out.text("dashboard.flows"),
        tabulate(flow_rows, headers=["state", "channel", "count"]) if flow_rows else "-",
        "",
        out.text("dashboard.outbox"),
        tabulate(list(board.outbox.items()), tablefmt="plain"),
        "",
    ]
    if age is None:
        parts.append(out.text("dashboard.no_queue"))
    else:
        created = local_time(board.oldest_queued_at, out.lang)
        parts.append(out.text("dashboard.oldest_queued", age=_age(age), created=created))
    out.ok({"dashboard": payload}, "\n".join(parts))


def _age(seconds: int) -> str:
    """A short age for people: 45s, 12m, 3h05m, 2d04h."""
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if days:
        return f"{days}d{hours % 24:02d}h"
    if hours:
        return f"{hours}h{minutes % 60:02d}m"
    return f"{minutes}m" if minutes else f"{seconds}s"


@account_app.command("list")
def account_list(
    ctx: typer.Context,
    state: Annotated[
        AccountState | None,
        typer.Option("--state", help="active, locked or disabled.", case_sensitive=False),
    ] = None,
    locked_since: Annotated[
        str | None,
        typer.Option("--locked-since", help="Locked since: 30m, 2h, 7d, 2026-11-20, ISO time."),
    ] = None,
    has_flow: Annotated[
        bool, typer.Option("--has-flow", help="Only accounts with an open recovery flow.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, max=10000, help="Page size.")] = 50,
    offset: Annotated[int, typer.Option(min=0, max=MAX_OFFSET, help="Accounts to skip.")] = 0,
    csv_output: CsvOption = False,
    json_output: JsonOption = False,
) -> None:
    """List accounts, newest first.

    Columns: NIR, state, failures, locked since, open flow, masked channels.
    """
    from cli.parsing import parse_moment
    from db.listing import AccountFilter, list_accounts

    out = output(ctx, json_output)
    _one_format(csv_output, json_output)
    store = open_store(ctx)
    since = parse_moment(locked_since, store.now()) if locked_since is not None else None
    if since is not None and state not in (None, AccountState.LOCKED):
        raise invalid("options_conflict", options="--locked-since, --state")
    page = list_accounts(store, AccountFilter(state, since, has_flow), limit, offset)
    if csv_output:
        typer.echo(csv_text(LIST_CSV_HEADERS, [_csv_row(view) for view in page.views]), nl=False)
        return
    table = terminal_table(
        ["nir", "state", "failures", "locked since", "flow", "channels"],
        [_list_row(view, out) for view in page.views],
    )
    total = out.text("list.total", shown=len(page.views), total=page.total)
    out.ok(
        {"accounts": [account_payload(view) for view in page.views], "total": page.total},
        f"{table}\n{total}",
    )


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
    from engine.identity import mask_destination

    account = view.account
    parts = []
    if account.mobile:
        parts.append(f"sms {mask_destination(Channel.SMS, account.mobile)}")
    if account.email:
        parts.append(f"email {mask_destination(Channel.EMAIL, account.email)}")
    return ", ".join(parts) or "-"


def _list_row(view: AccountView, out: Output) -> list[object]:
    account, flow = view.account, view.flow
    flow_text = "-"
    if flow is not None:
        flow_text = f"{flow.state.value} {flow.channel.value if flow.channel else ''}".strip()
    return [
        account.nir,
        account.state.value,
        account.failed_attempts,
        local_time(account.locked_at, out.lang),
        flow_text,
        _channels(view),
    ]


def _csv_row(view: AccountView) -> list[object]:
    from engine.identity import mask_destination

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


@account_app.command("show")
def account_show(
    ctx: typer.Context,
    ident: Annotated[str, typer.Argument(metavar="ID", help="NIR or registered email.")],
    json_output: JsonOption = False,
) -> None:
    """Inspect an account: status, last events, messages.

    Everything `status` shows, plus the last 10 audit events and the messages sent
    to the account (masked destinations, never a secret).
    """
    from db.audit_log import account_detail
    from engine.identity import mask_destination, parse_identifier

    out = output(ctx, json_output)
    identifier = parse_identifier(ident)
    detail = account_detail(open_store(ctx), identifier)
    messages = [
        {
            "id": m.id,
            "channel": m.channel,
            "to": mask_destination(m.channel, m.recipient),
            "status": m.status,
            "created_at": iso_utc(m.created_at),
        }
        for m in detail.messages
    ]
    payload = {
        "account": account_payload(detail.view),
        "events": [event_payload(event) for event in detail.events],
        "messages": messages,
    }
    out.ok(payload, lambda: _show_text(detail, messages, out))


def _show_text(detail: AccountDetail, messages: list[dict[str, str | None]], out: Output) -> str:
    none = out.text("show.none")
    events = terminal_table(EVENT_HEADERS, [event_cells(e, out.lang) for e in detail.events])
    message_rows = [
        [m["id"], local_time(sent.created_at, out.lang), m["channel"], m["to"], m["status"]]
        for m, sent in zip(messages, detail.messages, strict=True)
    ]
    sent_table = terminal_table(["id", "created", "channel", "to", "status"], message_rows)
    human = [
        account_text(detail.view, out),
        "",
        out.text("show.events"),
        events if detail.events else none,
        "",
        out.text("show.messages"),
        sent_table if message_rows else none,
    ]
    return "\n".join(human)
