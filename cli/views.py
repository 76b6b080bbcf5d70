"""Domain values → JSON payloads and human text (no business rule here)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cli.output import Output, iso_utc, local_time
from engine.states import Channel

if TYPE_CHECKING:
    from db.account_view import AccountView
    from db.audit_log import AuditEvent
    from engine.model import Flow


def flow_payload(flow: Flow) -> dict[str, Any]:
    """An open flow, with its id (what `send-code` needs): support sees it."""
    return {
        "id": flow.id,
        "kind": flow.kind.value,
        "state": flow.state.value,
        "channel": flow.channel.value if flow.channel else None,
        "expires_at": iso_utc(flow.expires_at),
    }


def account_payload(view: AccountView) -> dict[str, Any]:
    from engine.masks import mask_destination

    account = view.account
    channels: list[dict[str, Any]] = []
    if account.mobile:
        channels.append(
            {
                "channel": "sms",
                "destination": mask_destination(Channel.SMS, account.mobile),
                "sms_possible": account.sms_capable,
            }
        )
    if account.email:
        channels.append(
            {"channel": "email", "destination": mask_destination(Channel.EMAIL, account.email)}
        )
    return {
        "nir": account.nir,
        "state": account.state.value,
        "failed_attempts": account.failed_attempts,
        "locked_at": iso_utc(account.locked_at),
        "locked_until": iso_utc(account.locked_until),
        "last_login_at": iso_utc(account.last_login_at),
        "password_changed_at": iso_utc(account.password_changed_at),
        "language": account.language,
        "channels": channels,
        "flow": flow_payload(view.flow) if view.flow else None,
    }


def with_lock_count(view: AccountView) -> dict[str, Any]:
    """`status ID` and `account show ID`: the account and its lock count (None:
    locks have no rank)."""
    return {**account_payload(view), "lock_count": view.lock_count}


def account_text(view: AccountView, out: Output) -> str:
    from tabulate import tabulate

    from cli.output import Shown, escape
    from cli.tables import colour_wanted, coloured_state, terminal_width

    payload = account_payload(view)
    account = view.account
    channel_lines = []
    for channel in payload["channels"]:
        line = f"{channel['channel']}: {channel['destination']}"
        if channel["channel"] == "sms" and not channel["sms_possible"]:
            line = out.text("label.no_sms", line=line)
        channel_lines.append(line)
    flow = view.flow
    flow_text = "-"
    if flow:
        channel = flow.channel.value if flow.channel else "-"
        expires = local_time(flow.expires_at, out.lang)
        flow_text = f"{flow.id} {flow.kind.value} {flow.state.value} {channel} → {expires}"
    rows = [
        ("nir", account.nir),
        ("state", coloured_state(payload["state"], colour_wanted())),
        ("failed_attempts", payload["failed_attempts"]),
        ("locked_at", local_time(account.locked_at, out.lang)),
        ("locked_until", local_time(account.locked_until, out.lang)),
        ("last_login", local_time(account.last_login_at, out.lang)),
        ("password_changed", local_time(account.password_changed_at, out.lang)),
        ("channels", "\n".join(channel_lines) or "-"),
        ("language", account.language),
        ("open_flow", flow_text),
    ]
    if view.lock_count is not None:
        rows.insert(5, ("lock_count", view.lock_count))
    shown = [(escape(out.text(f"label.{key}")), _cell(value)) for key, value in rows]
    # The values wrap to fit the terminal (a flow id is never cut: it wraps at spaces).
    room = max(20, terminal_width() - max(len(label) for label, _ in shown) - 2)
    card = tabulate(shown, tablefmt="plain", disable_numparse=True, maxcolwidths=[None, room])
    return Shown(card)


def _cell(value: object) -> str:
    from cli.output import escape

    return escape(value if isinstance(value, str) else str(value))


def event_payload(event: AuditEvent) -> dict[str, Any]:
    """One audit event in `audit --json` and `account show --json`."""
    return {
        "id": event.id,
        "at": iso_utc(event.at),
        "actor": event.actor,
        "os_user": event.os_user,
        "sudo_user": event.sudo_user,
        "db_role": event.db_role,
        "source": event.source,
        "nir": event.nir,
        "flow": event.flow_id,
        "event": event.event,
        "state_before": event.state_before,
        "state_after": event.state_after,
        "detail": event.detail,
        "batch": event.batch_id,
        "batch_source": event.batch_source,
    }


def event_cells(
    event: AuditEvent,
    lang: str,
    *,
    colour: bool = False,
    flows: dict[str, str] | None = None,
    nir: bool = True,
) -> list[str]:
    """time, actor, system, source, nir, event, before→after, flow, detail: one table
    row for people (without the nir in a per-account view; flow ids as `flows` shortens
    them)."""
    from cli.tables import coloured_change

    detail = " ".join(f"{key}={value}" for key, value in sorted(event.detail.items()))
    if event.batch_id:
        batch = f"batch={event.batch_id}"
        if event.batch_source:
            batch += f" file={event.batch_source}"
        detail = f"{detail} {batch}".strip()
    flow = (flows or {}).get(event.flow_id or "", event.flow_id) or "-"
    return [
        local_time(event.at, lang),
        event.actor,
        system_cell(event),
        event.source or "-",
        *([event.nir or "-"] if nir else []),
        event.event,
        coloured_change(event.state_before, event.state_after, colour),
        flow,
        detail or "-",
    ]


EVENT_COLUMNS = ("at", "actor", "system", "source", "nir", "event", "change", "flow", "detail")
# The columns of one account's events (`audit ID`, `account show`): no nir, the same on
# every row.
ACCOUNT_EVENT_COLUMNS = tuple(name for name in EVENT_COLUMNS if name != "nir")


def event_table(events: list[AuditEvent], out: Output, *, per_account: bool) -> str:
    """Audit events as a table that fits the terminal: the detail wraps; one account's
    events drop the nir and shorten flow ids (docs/support.md, "Reading the tables")."""
    from cli.tables import colour_wanted, fitted_table, short_ids

    colour = colour_wanted()
    flows = short_ids(e.flow_id for e in events) if per_account else None
    names = ACCOUNT_EVENT_COLUMNS if per_account else EVENT_COLUMNS
    rows = [
        event_cells(e, out.lang, colour=colour, flows=flows, nir=not per_account) for e in events
    ]
    keep = () if per_account else (names.index("nir"),)
    free = (names.index("detail"), names.index("source"))  # free text: wraps first
    return fitted_table(out.columns(*names), rows, free=free, keep=keep)


def system_cell(event: AuditEvent) -> str:
    """Who the system says acted: `marie`, `root sudo:marie`, `marie db:sesame`."""
    parts = [event.os_user or "-"]
    if event.sudo_user:
        parts.append(f"sudo:{event.sudo_user}")
    if event.db_role:
        parts.append(f"db:{event.db_role}")
    return " ".join(parts)


def csv_text(headers: list[str], rows: list[list[Any]]) -> str:
    """`--csv`: a header row, then one row per item; stored text shown safely."""
    import io

    from cli.csv_output import CsvWriter
    from cli.output import escape

    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.row(headers)
    for row in rows:
        writer.row(None if cell is None else escape(str(cell)) for cell in row)
    return buffer.getvalue()


def terminal_table(
    headers: list[str],
    rows: list[list[Any]],
    *,
    free: tuple[int, ...] | None = None,
    keep: tuple[int, ...] = (),
) -> str:
    """A table that fits the terminal (80 columns when piped): the free-text columns
    (`free`, the last one by default) wrap first; `keep` ones (a nir) never."""
    from cli.tables import fitted_table

    wrap_first = (len(headers) - 1,) if free is None else free
    return fitted_table(headers, rows, free=wrap_first, keep=keep)
