"""The JSON documents of the member's steps, without Typer.

What `--json` prints and what the API (`web/api.py`) answers are built here,
from the same `Result`s of the same db/ calls, so that the two faces cannot
say a step differently. Nothing here decides: it only renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from engine.outcomes import Code
from engine.states import Channel
from engine.timestamps import iso_utc

if TYPE_CHECKING:
    from db.unit_of_work import Result
    from engine.errors import SesameError
    from engine.model import Account


def destination(account: Account, channel: Channel) -> str:
    """The account's address on `channel`, masked."""
    from engine.masks import mask_destination

    to = account.mobile if channel is Channel.SMS else account.email
    return mask_destination(channel, to or "")


def ok_document(payload: Mapping[str, Any]) -> dict[str, Any]:
    """An answer: `{"ok": true, ...}`."""
    return {"ok": True, **payload}


def error_document(exc: SesameError, lang: str, message: str | None = None) -> dict[str, Any]:
    """A refusal: `{"ok": false, "error": {"code", "message", "reason"?,
    "retry_after_seconds"?, ...details}}`, its message in `lang` (or the face's
    own wording of it: the web's names no command)."""
    from engine import messages

    if message is None:
        message = messages.error_message(exc.code, exc.reason, exc.params, lang)
    error: dict[str, Any] = {"code": exc.code, "message": message}
    if exc.reason:
        error["reason"] = exc.reason
    if exc.retry_after is not None:
        error["retry_after_seconds"] = exc.retry_after
    error.update(exc.details)
    return {"ok": False, "error": error}


def result_payload(result: Result) -> dict[str, Any]:
    """`login` and `reset`: the outcome, and the question it leaves when the step
    stopped before it (`next`: a temporary password accepted by the API's sign-in)."""
    from engine.next_step import next_step

    payload: dict[str, Any] = {"result": result.outcome.code}
    then = next_step(result.outcome)
    if then is not None:
        payload["next"] = then.value
    return payload


def sent_payload(result: Result) -> dict[str, Any]:
    """A temporary password or a link sent: the flow, where it went, until when,
    and which message carries it (`cli.sent`)."""
    from cli.sent import message_fields

    flow = result.flow
    assert flow is not None and flow.channel is not None
    return {
        "flow": flow.id,
        "state": flow.state.value,
        "channel": flow.channel.value,
        "destination": destination(result.account, flow.channel),
        "expires_at": iso_utc(flow.expires_at),
        **message_fields(result.message_of(flow)),
    }


def choice_payload(result: Result) -> dict[str, Any]:
    """An identity checked and several usable channels: the masked choices."""
    flow = result.flow
    assert flow is not None
    return {
        "flow": flow.id,
        "state": flow.state.value,
        "channels": [
            {"channel": c.value, "destination": destination(result.account, c)}
            for c in result.channels
        ],
        "expires_at": iso_utc(flow.expires_at),
    }


def recovery_payload(result: Result) -> dict[str, Any]:
    """`unlock` / `forgot`: sent on the one channel, or the channels to choose among."""
    if result.outcome.code == Code.CHOOSE_CHANNEL:
        return choice_payload(result)
    return sent_payload(result)
