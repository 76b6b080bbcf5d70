"""The transactional outbox: rows written with the state change, files after commit.

Delivery is idempotent: a file is named after its message id and appears
through `link()` of a fsynced temporary file, so a second delivery of the
same message is a no-op. Once delivered, the row's full body (the secret)
is erased; only the redacted text stays in the database. Onward delivery
(SMTP, an SMS gateway) is `db.delivery`; this module reads and lists rows.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update

from db import decisions, rows
from db.schema import accounts, audit_events, flows, outbox
from db.store import Store, storage_error
from engine.errors import SesameError, invalid
from engine.events import Audit, SendEmail, SendSms
from engine.identity import Identifier
from engine.model import OPEN_FLOW_STATES
from engine.timestamps import iso_utc

if TYPE_CHECKING:
    from sqlalchemy import Connection, Row


@dataclass(frozen=True)
class Message:
    id: str
    account_nir: str | None
    channel: str
    recipient: str
    subject: str | None
    redacted_body: str
    status: str
    created_at: datetime
    delivered_at: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class MessageFilter:
    """What `outbox list` narrows to."""

    status: str | None = None
    channel: str | None = None
    to: Identifier | None = None
    since: datetime | None = None
    limit: int = 50


def flush(store: Store) -> int:
    """Write what a crash left queued to files; refused when messages go onward instead."""
    if store.settings.policy.outbox.transport != "files":
        raise SesameError("transport_is_queue")
    return deliver(store)


def deliver(store: Store, message_ids: Iterable[str] | None = None) -> int:
    """Write queued messages (all of them when `message_ids` is None) to files.

    A message whose flow closed or expired meanwhile (a channel changed, a
    newer request, a disabled account) is abandoned unsent and its secret
    erased: a secret never goes to a channel the account no longer has.
    """
    query = (
        select(outbox, flows.c.state.label("flow_state"), flows.c.expires_at.label("flow_ends"))
        .outerjoin(flows, flows.c.id == outbox.c.flow_id)
        .where(outbox.c.status == "queued")
        .order_by(outbox.c.created_at)
    )
    if message_ids is not None:
        wanted = list(message_ids)
        if not wanted:
            return 0
        query = query.where(outbox.c.id.in_(wanted))
    with store.read() as conn:
        found = conn.execute(query).all()
    now = store.now()
    live = [r for r in found if r.flow_id is None or _flow_open(r.flow_state, r.flow_ends, now)]
    dead = [(r, "flow_closed", "flow closed before delivery") for r in found if r not in live]
    written = []
    for row in live:
        try:
            write_file(store, row)
        except Unbuildable as exc:
            dead.append((row, "unbuildable", f"message cannot be built: {exc}"))
        else:
            written.append(row)
    if found:
        with store.write() as conn:
            if written:
                conn.execute(
                    update(outbox)
                    .where(outbox.c.id.in_([r.id for r in written]), outbox.c.status == "queued")
                    .values(status="sent", body=None, delivered_at=now)
                )
            for row, reason, error in dead:
                _abandon_unsent(store, conn, row, now, reason, error)
        store.erase_wal()
    return len(written)


def _flow_open(state: str | None, ends: datetime | None, now: datetime) -> bool:
    return state in OPEN_FLOW_STATES and ends is not None and ends > now


def _abandon_unsent(
    store: Store, conn: Connection, row: Row[Any], now: datetime, reason: str, error: str
) -> None:
    """Give up on a message; its secret is erased, a notice kept for `outbox retry`."""
    body = None if row.body != row.redacted_body else row.body
    done = conn.execute(
        update(outbox)
        .where(outbox.c.id == row.id, outbox.c.status == "queued")
        .values(status="abandoned", body=body, last_error=error)
    )
    if done.rowcount == 1:
        detail = {"message": row.id, "channel": row.channel, "reason": reason}
        event = Audit("message_abandoned", "queued", "abandoned", detail, row.flow_id)
        conn.execute(
            insert(audit_events),
            [decisions.audit_row(event, row.account_id, now, store.settings.actor)],
        )


def write_file(store: Store, row: Row[Any]) -> Path:
    """The message as a file in the outbox: SMS as JSON, email in a Maildir."""
    root = store.settings.outbox_dir
    if row.channel == "sms":
        folder, name = root / "sms", f"{row.id}.json"
        data = sms_document(row)
    else:
        folder, name = root / "mail", f"{row.id}.eml"
        data = render_email(store, row)
    try:
        return _publish(folder, name, data)
    except OSError as exc:
        raise storage_error(
            "outbox", detail=f"{exc.filename or root}: {exc.strerror or exc}"
        ) from None


class Unbuildable(Exception):
    """The email package or the encoder refuses the message: no retry can send it.

    The text names the failure, never the message's content (it is stored).
    """


# Any message id has this form; a message is checked before its row (and id) exists.
_CHECK_ID = "0" * 16


def check_buildable(effects: Iterable[object], mail_from: str, now: datetime) -> None:
    """Build every message of a decision, as delivery will, before anything is queued.

    A message that cannot be built refuses the command in its transaction, so
    nothing is changed (no lock without its notice, no flow without its secret
    sent) and no unsendable secret is left queued in the database.
    """
    for effect in effects:
        try:
            if isinstance(effect, SendEmail):
                email_bytes(mail_from, _CHECK_ID, effect.to, effect.subject, effect.body, now)
            elif isinstance(effect, SendSms):
                sms_bytes(_CHECK_ID, effect.to, effect.body, now)
        except Unbuildable as exc:
            raise invalid("message_unbuildable", detail=str(exc)) from None


def sms_document(row: Row[Any]) -> bytes:
    """The SMS as the JSON document a file or a gateway command receives."""
    return sms_bytes(row.id, row.recipient, row.body, row.created_at)


def sms_bytes(message_id: str, to: str, body: str, created_at: datetime) -> bytes:
    document = {"id": message_id, "to": to, "body": body, "created_at": iso_utc(created_at)}
    with _building():
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode()


def render_email(store: Store, row: Row[Any]) -> bytes:
    """The email of a queued row, From the configured sender."""
    mail_from = store.settings.policy.mail_from
    return email_bytes(
        mail_from, row.id, row.recipient, row.subject or "", row.body, row.created_at
    )


def email_bytes(
    mail_from: str, message_id: str, to: str, subject: str, body: str, created_at: datetime
) -> bytes:
    """RFC 5322 bytes: the one builder of queue-time checks and of delivery."""
    from email.message import EmailMessage
    from email.utils import format_datetime

    with _building():
        message = EmailMessage()
        message["From"] = mail_from
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = format_datetime(created_at)
        message["Message-ID"] = f"<{message_id}@sesame.invalid>"
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


def _publish(folder: Path, name: str, data: bytes) -> Path:
    for directory in (folder.parent, folder, *(folder / sub for sub in ("tmp", "new", "cur"))):
        _private_dir(directory)
    final = folder / "new" / name
    if final.exists() or any((folder / "cur").glob(f"{Path(name).stem}*")):
        return final
    temporary = folder / "tmp" / f"{name}.{os.getpid()}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_dir(final.parent)
    return final


def _private_dir(path: Path) -> None:
    """Owner-only, whatever the umask (mkdir's mode is filtered by it)."""
    if not path.is_dir():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        path.chmod(0o700)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _message(row: Row[Any]) -> Message:
    return Message(
        id=row.id,
        account_nir=row.nir,
        channel=row.channel,
        recipient=row.recipient,
        subject=row.subject,
        redacted_body=row.redacted_body,
        status=row.status,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
    )


def _joined() -> Any:
    return select(outbox, accounts.c.nir).outerjoin(accounts, accounts.c.id == outbox.c.account_id)


def list_messages(store: Store, wanted: MessageFilter | None = None) -> list[Message]:
    """The newest messages first, narrowed by `wanted`."""
    wanted = wanted or MessageFilter()
    query = _joined()
    if wanted.status is not None:
        query = query.where(outbox.c.status == wanted.status)
    if wanted.channel is not None:
        query = query.where(outbox.c.channel == wanted.channel)
    if wanted.since is not None:
        query = query.where(outbox.c.created_at >= wanted.since)
    query = query.order_by(outbox.c.created_at.desc(), outbox.c.id).limit(wanted.limit)
    with store.read() as conn:
        if wanted.to is not None:
            query = query.where(outbox.c.account_id == _account_id(conn, wanted.to))
        return [_message(row) for row in conn.execute(query)]


def show_message(
    store: Store, message_id: str | None, to: Identifier | None = None
) -> Message | None:
    """One message by id, or the newest (to the member `to`) when `message_id` is None."""
    query = _joined()
    if message_id is None:
        query = query.order_by(outbox.c.created_at.desc(), outbox.c.id).limit(1)
    else:
        query = query.where(outbox.c.id == message_id)
    with store.read() as conn:
        if to is not None:
            query = query.where(outbox.c.account_id == _account_id(conn, to))
        row = conn.execute(query).first()
    return _message(row) if row else None


def _account_id(conn: Connection, ident: Identifier) -> int:
    account = rows.find_account(conn, ident)
    if account is None:
        raise SesameError("not_found")
    return account.id
