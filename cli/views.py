"""Domain values → JSON payloads and human text (no business rule here)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cli.output import Output, iso_utc, local_time
from engine.identity import mask_email, mask_phone
from engine.model import Account, Channel, Flow

if TYPE_CHECKING:
    from db.accounts import AccountView


def destination(account: Account, channel: Channel) -> str:
    if channel is Channel.SMS:
        return mask_phone(account.mobile or "")
    return mask_email(account.email or "")


def flow_payload(flow: Flow) -> dict[str, Any]:
    return {
        "id": flow.id,
        "kind": flow.kind.value,
        "state": flow.state.value,
        "channel": flow.channel.value if flow.channel else None,
        "expires_at": iso_utc(flow.expires_at),
    }


def account_payload(view: AccountView) -> dict[str, Any]:
    account = view.account
    channels: list[dict[str, Any]] = []
    if account.mobile:
        channels.append(
            {
                "channel": "sms",
                "destination": mask_phone(account.mobile),
                "sms_possible": account.sms_capable,
            }
        )
    if account.email:
        channels.append({"channel": "email", "destination": mask_email(account.email)})
    return {
        "nir": account.nir,
        "state": account.state.value,
        "failed_attempts": account.failed_attempts,
        "locked_at": iso_utc(account.locked_at),
        "locked_until": iso_utc(account.locked_until),
        "last_login_at": iso_utc(account.last_login_at),
        "password_changed_at": iso_utc(account.password_changed_at),
        "channels": channels,
        "flow": flow_payload(view.flow) if view.flow else None,
    }


def account_text(view: AccountView, out: Output) -> str:
    from tabulate import tabulate

    payload = account_payload(view)
    fr = out.lang == "fr"
    account = view.account
    channel_lines = []
    for channel in payload["channels"]:
        line = f"{channel['channel']}: {channel['destination']}"
        if channel["channel"] == "sms" and not channel["sms_possible"]:
            line += " (SMS impossible)" if fr else " (no SMS possible)"
        channel_lines.append(line)
    flow = view.flow
    flow_text = "-"
    if flow:
        channel = flow.channel.value if flow.channel else "-"
        expires = local_time(flow.expires_at, out.lang)
        flow_text = f"{flow.id} {flow.kind.value} {flow.state.value} {channel} → {expires}"
    rows = [
        ("NIR", account.nir),
        ("État" if fr else "State", payload["state"]),
        ("Échecs" if fr else "Failed attempts", payload["failed_attempts"]),
        ("Bloqué le" if fr else "Locked at", local_time(account.locked_at, out.lang)),
        ("Bloqué jusqu'au" if fr else "Locked until", local_time(account.locked_until, out.lang)),
        ("Dernière connexion" if fr else "Last login", local_time(account.last_login_at, out.lang)),
        (
            "Mot de passe changé le" if fr else "Password changed",
            local_time(account.password_changed_at, out.lang),
        ),
        ("Canaux" if fr else "Channels", "\n".join(channel_lines) or "-"),
        ("Demande en cours" if fr else "Open flow", flow_text),
    ]
    return tabulate(rows, tablefmt="plain")
