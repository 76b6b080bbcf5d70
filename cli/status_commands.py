"""`sesame status`: one account, or without ID the dashboard."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.app import JsonOption, open_store, output
from cli.lazy import command_group
from cli.output import Output, iso_utc, local_time
from cli.views import account_text, with_lock_count

commands = command_group()


@commands.command()
def status(
    ctx: typer.Context,
    ident: Annotated[
        str | None,
        typer.Argument(metavar="ID"),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    from db.account_view import account_status
    from engine.identity import parse_identifier

    out = output(ctx, json_output)
    if ident is None:
        _dashboard(ctx, out)
        return
    view = account_status(open_store(ctx), parse_identifier(ident))
    out.ok({"account": with_lock_count(view)}, lambda: account_text(view, out))


def _dashboard(ctx: typer.Context, out: Output) -> None:
    from tabulate import tabulate

    from db.listing import dashboard
    from db.outbox_files import waiting_files

    store = open_store(ctx)
    board = dashboard(store)
    waiting = waiting_files(store.settings.outbox_dir)
    oldest_file = None
    file_age = None
    if waiting.oldest is not None:
        file_age = max(0, int((board.now - waiting.oldest).total_seconds()))
        oldest_file = {"modified_at": iso_utc(waiting.oldest), "age_seconds": file_age}
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
        "outbox_files": {"waiting": waiting.count, "oldest": oldest_file},
    }
    flow_rows = [[f.state, f.channel or "-", f.count] for f in board.open_flows]
    parts = [
        out.text("dashboard.accounts"),
        tabulate(_by_state_rows(by_state, out), tablefmt="plain"),
        "",
        out.text("dashboard.locks", count=board.locks_last_24h),
        "",
        out.text("dashboard.flows"),
        tabulate(flow_rows, headers=out.columns("state", "channel", "count")) if flow_rows else "-",
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
    folder = store.settings.outbox_dir
    if file_age is None:
        parts.append(out.text("dashboard.no_waiting_files", folder=folder))
    else:
        modified = local_time(waiting.oldest, out.lang)
        parts.append(
            out.text(
                "dashboard.waiting_files",
                count=waiting.count,
                folder=folder,
                age=_age(file_age),
                modified=modified,
            )
        )
    out.ok({"dashboard": payload}, "\n".join(parts))


def _age(seconds: int) -> str:
    """A short age for people: 45s, 12m, 3h05m, 2d04h."""
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if days:
        return f"{days}d{hours % 24:02d}h"
    if hours:
        return f"{hours}h{minutes % 60:02d}m"
    return f"{minutes}m" if minutes else f"{seconds}s"


def _by_state_rows(by_state: dict[str, int], out: Output) -> list[tuple[str, int]]:
    """The states are codes (as `--state` takes them); the total is a word."""
    return [(out.text("label.total") if s == "total" else s, n) for s, n in by_state.items()]
