"""A queued message as bytes: the SMS JSON document and the RFC 5322 email,
built the same way when a decision is checked and when the message leaves."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from db.store import Store
from engine.errors import invalid
from engine.events import SendEmail, SendSms
from engine.timestamps import iso_utc

if TYPE_CHECKING:
    from sqlalchemy import Row


class Unbuildable(Exception):
    """The email package or the encoder refuses the message: no retry can send it.

    The text names the failure, never the message's content (it is stored).
    """


# Any message id has this form; a message is checked before its row (and id) exists.
_CHECK_ID = "0" * 16
# The header of a file outbox's email that carries its link alone, for scripts.
LINK_HEADER = "X-Sesame-Link"


def secret_line(body: str, redacted_body: str) -> str | None:
    """The line of `body` that carries the secret (the temporary password, the link):
    the one line the redacted copy replaces; None for a message without a secret.

    Read from the full body, never stored apart: it is erased with the body.
    """
    lines, redacted = body.splitlines(), redacted_body.splitlines()
    if len(lines) != len(redacted):
        return None
    differing = [line for line, hidden in zip(lines, redacted, strict=True) if line != hidden]
    return differing[0].strip() if len(differing) == 1 else None


def check_buildable(effects: Iterable[object], mail_from: str, now: datetime) -> None:
    """Build every message of a decision, as delivery will, before anything is queued.

    A message that cannot be built refuses the command in its transaction, so
    nothing is changed (no lock without its notice, no flow without its secret
    sent) and no unsendable secret is left queued in the database.
    """
    for effect in effects:
        try:
            if isinstance(effect, SendEmail):
                link = secret_line(effect.body, effect.redacted_body)
                email_bytes(mail_from, _CHECK_ID, effect.to, effect.subject, effect.body, now, link)
            elif isinstance(effect, SendSms):
                sms_bytes(_CHECK_ID, effect.to, effect.body, effect.redacted_body, now)
        except Unbuildable as exc:
            raise invalid("message_unbuildable", detail=str(exc)) from None


def sms_document(row: Row[Any]) -> bytes:
    """The SMS as the JSON document a file or a gateway command receives."""
    return sms_bytes(row.id, row.recipient, row.body, row.redacted_body, row.created_at)


def sms_bytes(
    message_id: str, to: str, body: str, redacted_body: str, created_at: datetime
) -> bytes:
    """The JSON document; a temporary password is also given alone, as `code`."""
    document = {"id": message_id, "to": to, "body": body}
    code = secret_line(body, redacted_body)
    if code is not None:
        document["code"] = code
    document["created_at"] = iso_utc(created_at)
    with _building():
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def render_email(store: Store, row: Row[Any], *, link_header: bool = False) -> bytes:
    """The email of a queued row, From the configured sender. With `link_header`
    (a file of the outbox), its link is also given alone, in `X-Sesame-Link`."""
    mail_from = store.settings.policy.mail_from
    link = secret_line(row.body, row.redacted_body) if link_header else None
    return email_bytes(
        mail_from, row.id, row.recipient, row.subject or "", row.body, row.created_at, link
    )


def email_bytes(
    mail_from: str,
    message_id: str,
    to: str,
    subject: str,
    body: str,
    created_at: datetime,
    link: str | None = None,
) -> bytes:
    """RFC 5322 bytes: the one builder of queue-time checks and of delivery."""
    from email import policy
    from email.message import EmailMessage
    from email.utils import format_datetime

    with _building():
        # The link header is never folded (a script reads it as one line).
        message = (
            EmailMessage(policy.default.clone(max_line_length=998)) if link else EmailMessage()
        )
        message["From"] = mail_from
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = format_datetime(created_at)
        message["Message-ID"] = f"<{message_id}@sesame.invalid>"
        if link is not None:
            message[LINK_HEADER] = link
        # 8bit keeps the link on one readable line (quoted-printable would fold it).
        message.set_content(body, cte="8bit")
        return message.as_bytes()


@contextlib.contextmanager
def _building() -> Iterator[None]:
    """The email package's and the encoder's refusals become `Unbuildable`."""
    from email.errors import MessageError

    try:
        yield
    except (ValueError, TypeError, MessageError) as exc:
        raise Unbuildable(f"{type(exc).__name__}: {str(exc)[:120]}") from None
