"""The transactional outbox: rows written with the state change, files after commit.

Delivery is idempotent: a file is named after its message id and appears
through `link()` of a fsynced temporary file, so a second delivery of the
same message is a no-op. Once delivered, the row's full body (the secret)
is erased; only the redacted text stays in the database. Onward delivery
(SMTP, an SMS gateway) is `db.delivery`; this module reads and lists rows.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, select, update

from db import rows
from db.decisions import record_audit
from db.schema import accounts, flows, outbox
from db.store import Store, storage_error
from db.trust import open_private_dir, require_trusted
from engine.errors import SesameError, invalid
from engine.events import Audit, SendEmail, SendSms
from engine.identity import Identifier
from engine.model import OPEN_FLOW_STATES
from engine.outbox_status import MessageStatus, body_after
from engine.outcomes import Code
from engine.timestamps import iso_utc

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, Connection, Row


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
        raise SesameError(Code.TRANSPORT_IS_QUEUE)
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
        .where(outbox.c.status == MessageStatus.QUEUED)
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
    live, dead = [], []
    for row in found:
        closed = flow_closed(row.flow_id, row.flow_state, row.flow_ends, now)
        if closed is None:
            live.append(row)
        else:
            dead.append((row, "flow_closed", closed))
    written, conflicts = [], []
    for row in live:
        try:
            write_file(store, row)
            written.append(row)
        except MessageConflict as conflict:
            conflicts.append((row, conflict.path))
        except Unbuildable as exc:
            dead.append((row, "unbuildable", f"message cannot be built: {exc}"))
    if found:
        with store.write() as conn:
            if written:
                conn.execute(
                    update(outbox)
                    .where(
                        outbox.c.id.in_([r.id for r in written]),
                        outbox.c.status == MessageStatus.QUEUED,
                    )
                    .values(status=MessageStatus.SENT, body=None, delivered_at=now)
                )
            for row, reason, error in dead:
                queued = and_(outbox.c.id == row.id, outbox.c.status == MessageStatus.QUEUED)
                abandon(store, conn, row, queued, reason, error)
            for row, path in conflicts:
                _record_conflict(store, conn, row, path, now)
        store.erase_wal()
    if conflicts:
        row, path = conflicts[0]
        raise storage_error("outbox_conflict", path=str(path), id=row.id)
    return len(written)


def flow_closed(
    flow_id: str | None, state: str | None, ends: datetime | None, now: datetime
) -> str | None:
    """Why a message's flow no longer accepts its secret, or None while it does."""
    if flow_id is None or (state in OPEN_FLOW_STATES and ends is not None and ends > now):
        return None
    closed = "expired" if state in OPEN_FLOW_STATES else state
    return f"flow {closed} before delivery"


def abandon(
    store: Store,
    conn: Connection,
    row: Row[Any],
    owned: ColumnElement[bool],
    reason: str,
    error: str,
    attempts: int | None = None,
) -> bool:
    """Give up on a message while `owned` still holds; audited. Its secret is
    erased, a notice without one kept for `outbox retry`."""
    done = MessageStatus.ABANDONED
    values: dict[str, Any] = {
        "status": done,
        "body": body_after(done, row.body, row.redacted_body),
        "next_attempt_at": None,
        "last_error": error,
        "claimed_by": None,
        "claimed_until": None,
    }
    if attempts is not None:
        values["attempts"] = attempts
    if conn.execute(update(outbox).where(owned).values(**values)).rowcount != 1:
        return False
    detail = {"message": row.id, "channel": row.channel, "reason": reason}
    event = Audit("message_abandoned", row.status, done, detail, row.flow_id)
    record_audit(conn, [event], row.account_id, store.now(), store.settings.actor)
    return True


def _record_conflict(
    store: Store, conn: Connection, row: Row[Any], path: Path, now: datetime
) -> None:
    """The message stays queued, its secret kept; the planted file is named, audited."""
    shown = str(path.relative_to(store.settings.outbox_dir))
    error = f"another file is already at {shown}: not delivered"
    conn.execute(
        update(outbox)
        .where(outbox.c.id == row.id, outbox.c.status == MessageStatus.QUEUED)
        .values(last_error=error)
    )
    detail = {"message": row.id, "channel": row.channel, "path": shown}
    queued = MessageStatus.QUEUED
    event = Audit("message_conflict", queued, queued, detail, row.flow_id)
    record_audit(conn, [event], row.account_id, now, store.settings.actor)


class MessageConflict(Exception):
    """Another file is at a message's name: the message was not written."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


def write_file(store: Store, row: Row[Any]) -> Path:
    """The message as a file in the outbox: SMS as JSON, email in a Maildir.

    Raises MessageConflict when a file other than this very message is
    already at its name.
    """
    root = store.settings.outbox_dir
    try:
        if row.channel == "sms":
            folder, name = "sms", f"{row.id}.json"
            data = sms_document(row)
        else:
            folder, name = "mail", f"{row.id}.eml"
            data = render_email(store, row)
        return _publish(root, folder, name, data)
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


def _publish(root: Path, folder: str, name: str, data: bytes) -> Path:
    """Write `data` as `<root>/<folder>/new/<name>`, through directory descriptors only."""
    with _maildir(root, folder) as (tmp, new, cur):
        final = root / folder / "new" / name
        if _already_there(new, cur, root / folder, name, data):
            return final
        temporary = f"{name}.{os.getpid()}.{secrets.token_hex(4)}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(temporary, flags, 0o600, dir_fd=tmp)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(temporary, name, src_dir_fd=tmp, dst_dir_fd=new, follow_symlinks=False)
            except FileExistsError:
                if not _already_there(new, cur, root / folder, name, data):
                    raise
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary, dir_fd=tmp)
        os.fsync(new)
    return final


@contextmanager
def _maildir(root: Path, folder: str) -> Iterator[tuple[int, int, int]]:
    """Descriptors of `tmp`, `new`, `cur` under `root/folder`: no symlink followed, all 0700."""
    root.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    require_trusted(root.parent, as_parent=True)
    opened: list[int] = []
    try:
        opened.append(open_private_dir(None, str(root), root))
        opened.append(open_private_dir(opened[0], folder, root / folder))
        for sub in ("tmp", "new", "cur"):
            opened.append(open_private_dir(opened[1], sub, root / folder / sub))
        yield opened[2], opened[3], opened[4]
    finally:
        for fd in opened:
            os.close(fd)


def _already_there(new: int, cur: int, folder: Path, name: str, data: bytes) -> bool:
    """True when this message was delivered already (in `new`, or moved to `cur` by a reader).

    Raises MessageConflict when the file at its name is anything but `data`:
    a file planted there would otherwise pass for the message.
    """
    stem = name.split(".")[0]
    found = [("new", name)] if _exists(name, new) else []
    found += [("cur", entry) for entry in os.listdir(cur) if entry.startswith(stem)]
    for sub, entry in found:
        if not _holds(entry, new if sub == "new" else cur, data):
            raise MessageConflict(folder / sub / entry)
    return bool(found)


def _exists(name: str, dir_fd: int) -> bool:
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def _holds(name: str, dir_fd: int, data: bytes) -> bool:
    """A regular file (not a symlink, a FIFO…) whose content is exactly `data`."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(name, flags, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return False
        raise
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        return handle.read(len(data) + 1) == data


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
        raise SesameError(Code.NOT_FOUND)
    return account.id
