"""What the staff's account actions share: the ID and --reason parameters and
the rendering of an action's result (the outcome line, then the account)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.documents import destination
from cli.output import Output, iso_utc, local_time
from cli.sent import message_fields
from cli.views import account_payload, account_text

if TYPE_CHECKING:
    from db.support import SupportResult


IdArgument = Annotated[str, typer.Argument(metavar="ID")]


ReasonOption = Annotated[str, typer.Option("--reason")]


def report(
    out: Output,
    result: SupportResult,
    extra: dict[str, Any] | None = None,
    notes: Sequence[str] = (),
) -> None:
    """The outcome line (and `notes`), then the account as it now is."""
    nir = result.view.account.nir
    payload = {"result": result.code, "account": account_payload(result.view), **(extra or {})}
    lines = [out.text(f"support.{result.code}", nir=nir)]
    if result.code == "reset_sent" and result.view.account.state == "locked":
        lines.append(out.text("support.reset_sent.still_locked"))
    if result.identity_failures_cleared:
        count = result.identity_failures_cleared
        lines.append(out.text("support.identity_failures_cleared", count=count))
    reset = result.reset
    if reset is not None and reset.channel is not None:
        message = result.reset_message
        sent = "reset_queued" if message is not None and message.path is None else "reset_sent"
        lines.append(
            out.text(
                f"support.{sent}.{reset.channel.value}",
                destination=destination(result.view.account, reset.channel),
                flow=reset.id,
                expires=local_time(reset.expires_at, out.lang),
                nir=nir,
            )
        )
    lines.extend(notes)
    out.ok(payload, "\n".join(lines) + "\n" + account_text(result.view, out))


def reset_payload(result: SupportResult) -> dict[str, Any] | None:
    """The reset a support action sent (`--send-reset`, `send-reset`): its flow, channel,
    masked destination, expiry, and the message (`message_id`, `outbox_file`)."""
    reset = result.reset
    if reset is None or reset.channel is None:
        return None
    return {
        "flow": reset.id,
        "channel": reset.channel.value,
        "destination": destination(result.view.account, reset.channel),
        "expires_at": iso_utc(reset.expires_at),
        **message_fields(result.reset_message),
    }
