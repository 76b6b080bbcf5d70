"""Onward delivery of queued messages: email over SMTP, SMS through a gateway command.

Several workers may run at once without sending a message twice. A worker
claims a small batch in a short write transaction (`claimed_by`,
`claimed_until` = now + a lease; FOR UPDATE SKIP LOCKED on PostgreSQL, BEGIN
IMMEDIATE on SQLite), sends outside any transaction, and records each result
in another short transaction only while the claim is still its own. It
starts a send only when the send's timeout ends before the lease does, so a
live claim is never taken over mid-send. A crashed worker's claims expire
with the lease: a crash between a send and its record is the one case where
a message may go out twice.

A failure is retried with exponential backoff; after `max_delivery_attempts`
the message is abandoned. An abandoned message that carried a secret has its
body erased (an expired temporary password or link is not kept in plain
text), so it can no longer be retried: the member starts a new request.
A message whose recovery flow closed before it left (expired, cancelled by a
channel change, superseded, completed) is abandoned the same way, unsent: a
secret never goes out for a flow that no longer accepts it.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select, update

from db.decisions import record_audit
from db.outbox import Unbuildable, abandon, flow_closed, render_email, sms_document
from db.schema import flows, outbox
from db.store import Store
from engine.errors import SesameError
from engine.events import Audit
from engine.identity import mask_destination
from engine.outbox_status import (
    CLAIMABLE,
    LIFECYCLE,
    RETRYABLE,
    MessageEvent,
    MessageStatus,
    after_failure,
    body_after,
)
from engine.outcomes import Code

if TYPE_CHECKING:
    import smtplib

    from sqlalchemy import ColumnElement, Row

LEASE_SECONDS = 60
# One SMTP exchange or one gateway run; a send starts only if it ends within the lease.
SEND_TIMEOUT_SECONDS = 20
# One message per claim: its flow is checked in the claiming transaction just
# before the send, so a channel change or a newer request made while a worker
# is busy still stops a secret that has not been sent yet.
BATCH_SIZE = 1
ERROR_LENGTH = 200
# What a failing send said, read up to this length before the secret is removed.
SCRUB_INPUT_LENGTH = 64 * 1024
# Words of a body with fewer letters and digits are not secrets (a code has 10, a token 43).
MIN_SECRET_LETTERS = 6
# Between two characters of an echoed secret: anything but a letter or digit, or a %XX escape.
_SEPARATORS = r"(?:[^0-9a-z]|%[0-9a-f]{2})*"


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    starttls: bool = False
    user: str | None = None
    password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Transports:
    """Where each channel goes; a channel without a transport is left untouched."""

    smtp: SmtpConfig | None = None
    sms_command: tuple[str, ...] | None = None

    def channels(self) -> list[str]:
        return [
            channel
            for channel, configured in (("email", self.smtp), ("sms", self.sms_command))
            if configured
        ]


@dataclass
class PassCounts:
    sent: int = 0
    failed: int = 0
    abandoned: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.abandoned


@dataclass(frozen=True)
class Requeued:
    requeued: int
    erased: int


class DeliveryFailed(Exception):
    """One message not delivered; the text is stored, so it never holds the secret."""


def worker_id() -> str:
    """Unique among concurrent workers: host, process, and a random part."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"


# --- one pass, and the loop of --watch --------------------------------------------


def deliver_pass(store: Store, transports: Transports, worker: str | None = None) -> PassCounts:
    """Send everything claimable now, batch after batch, until nothing is left."""
    _require_queue_transport(store)
    worker = worker or worker_id()
    counts = PassCounts()
    channels = transports.channels()
    with _senders(store, transports) as send:
        while batch := _claim(store, worker, channels, counts):
            _deliver_batch(store, worker, batch, send, counts)
    if counts.sent or counts.abandoned:
        store.erase_wal()
    return counts


def watch(
    store: Store,
    transports: Transports,
    report: Callable[[PassCounts], None],
    poll_seconds: float = 1.0,
) -> None:
    """Deliver pass after pass until interrupted; report the passes that did something."""
    _require_queue_transport(store)
    worker = worker_id()
    while True:
        counts = deliver_pass(store, transports, worker)
        if counts.total:
            report(counts)
        time.sleep(poll_seconds)


def _require_queue_transport(store: Store) -> None:
    if store.settings.policy.outbox.transport != "queue":
        raise SesameError(Code.TRANSPORT_IS_FILES)


@dataclass(frozen=True)
class _Batch:
    rows: list[Row[Any]]
    claimed_until: datetime


def _claimable(now: datetime) -> ColumnElement[bool]:
    return and_(
        outbox.c.status.in_(CLAIMABLE),
        or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now),
        or_(outbox.c.claimed_until.is_(None), outbox.c.claimed_until < now),
    )


def _claim(store: Store, worker: str, channels: list[str], counts: PassCounts) -> _Batch | None:
    """Claim a batch atomically; abandon at once the messages whose flow has closed."""
    now = store.now()
    until = now + timedelta(seconds=LEASE_SECONDS)
    candidates = (
        select(outbox.c.id)
        .where(_claimable(now), outbox.c.channel.in_(channels))
        .order_by(outbox.c.created_at, outbox.c.id)
        .limit(BATCH_SIZE)
        .with_for_update(skip_locked=True)  # PostgreSQL; SQLite's BEGIN IMMEDIATE serialises
    )
    with store.write() as conn:
        ids = list(conn.execute(candidates).scalars())
        if not ids:
            return None
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(ids), _claimable(now))
            .values(claimed_by=worker, claimed_until=until)
        )
        claimed = conn.execute(
            select(outbox, flows.c.state.label("flow_state"), flows.c.expires_at.label("flow_end"))
            .outerjoin(flows, flows.c.id == outbox.c.flow_id)
            .where(outbox.c.id.in_(ids), outbox.c.claimed_by == worker)
            .order_by(outbox.c.created_at, outbox.c.id)
        ).all()
        live = []
        for row in claimed:
            closed = flow_closed(row.flow_id, row.flow_state, row.flow_end, now)
            if closed is None:
                live.append(row)
            elif abandon(store, conn, row, _mine(row, worker), "flow_closed", closed):
                counts.abandoned += 1
    return _Batch(live, until)


def _deliver_batch(
    store: Store,
    worker: str,
    batch: _Batch,
    send: Callable[[Row[Any]], None],
    counts: PassCounts,
) -> None:
    pending = list(batch.rows)
    try:
        while pending:
            deadline = store.now() + timedelta(seconds=SEND_TIMEOUT_SECONDS)
            if deadline >= batch.claimed_until:
                break
            row = pending.pop(0)
            try:
                send(row)
            except Unbuildable as exc:
                if _record_unbuildable(store, worker, row, f"message cannot be built: {exc}"):
                    counts.abandoned += 1
            except DeliveryFailed as exc:
                status = _record_failure(store, worker, row, _scrubbed(str(exc), row))
                if status is MessageStatus.FAILED:
                    counts.failed += 1
                elif status is MessageStatus.ABANDONED:
                    counts.abandoned += 1
            else:
                if _record_success(store, worker, row):
                    counts.sent += 1
    finally:
        # Not started (lease too short, or interrupted): free them for any worker now.
        if pending:
            _release(store, worker, [row.id for row in pending])


# --- recording results ---------------------------------------------------------------


def _mine(row: Row[Any], worker: str) -> ColumnElement[bool]:
    return and_(outbox.c.id == row.id, outbox.c.claimed_by == worker)


def _record_success(store: Store, worker: str, row: Row[Any]) -> bool:
    with store.write() as conn:
        result = conn.execute(
            update(outbox)
            .where(_mine(row, worker))
            .values(
                status=MessageStatus.SENT,
                body=body_after(MessageStatus.SENT, row.body, row.redacted_body),
                delivered_at=store.now(),
                attempts=row.attempts + 1,
                next_attempt_at=None,
                last_error=None,
                claimed_by=None,
                claimed_until=None,
            )
        )
    return result.rowcount == 1


def _record_unbuildable(store: Store, worker: str, row: Row[Any], error: str) -> bool:
    """Abandon at once a message no retry can build; its secret is erased."""
    with store.write() as conn:
        return abandon(store, conn, row, _mine(row, worker), "unbuildable", error)


def _record_failure(store: Store, worker: str, row: Row[Any], error: str) -> MessageStatus | None:
    """The new status, or None when the claim was lost (another worker owns the row)."""
    attempts = row.attempts + 1
    status, next_attempt_at = after_failure(attempts, store.settings.policy.outbox, store.now())
    with store.write() as conn:
        if status is MessageStatus.ABANDONED:
            done = abandon(store, conn, row, _mine(row, worker), "max_attempts", error, attempts)
            return status if done else None
        result = conn.execute(
            update(outbox)
            .where(_mine(row, worker))
            .values(
                status=status,
                attempts=attempts,
                next_attempt_at=next_attempt_at,
                last_error=error,
                claimed_by=None,
                claimed_until=None,
            )
        )
    return status if result.rowcount == 1 else None


def _release(store: Store, worker: str, ids: list[str]) -> None:
    with store.write() as conn:
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(ids), outbox.c.claimed_by == worker)
            .values(claimed_by=None, claimed_until=None)
        )


def _scrubbed(error: str, row: Row[Any]) -> str:
    """One short line, without the secret or the full destination (shown in lists).

    A gateway or server may echo the message back in any form: every case and
    separator variant of each secret word (the temporary password, the link
    and its token, URL-encoded or not) is removed, not only exact copies.
    """
    error = " ".join(unicodedata.normalize("NFKC", error[:SCRUB_INPUT_LENGTH]).split())
    redacted_words = set(_words(row.redacted_body))
    for word in sorted(set(_words(row.body or "")) - redacted_words, key=len, reverse=True):
        pattern = _any_variant(word)
        if pattern is not None:
            error = pattern.sub("***", error)
    error = error.replace(row.recipient, mask_destination(row.channel, row.recipient))
    return error[: ERROR_LENGTH - 1] + "…" if len(error) > ERROR_LENGTH else error


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[\s?&=]+", text) if word]


def _any_variant(word: str) -> re.Pattern[str] | None:
    """A pattern for `word` in any case, with any separators or %XX escapes between its
    letters and digits; None for a word too short to be a secret."""
    letters = [c for c in word if c.isascii() and c.isalnum()]
    if len(letters) < MIN_SECRET_LETTERS:
        return None
    return re.compile(_SEPARATORS.join(re.escape(c) for c in letters), re.IGNORECASE)


# --- retry ---------------------------------------------------------------------------


def retry(store: Store, message_id: str | None) -> Requeued:
    """Queue failed and abandoned messages again, attempts reset (one, or all when None).

    An abandoned message whose secret was erased cannot be sent again: one
    named message is refused; with all of them it is counted aside.
    """
    query = select(outbox).where(outbox.c.status.in_(RETRYABLE))
    if message_id is not None:
        query = select(outbox).where(outbox.c.id == message_id)
    requeued = erased = 0
    with store.write() as conn:
        for row in conn.execute(query.with_for_update()).all():
            if row.status not in RETRYABLE:
                raise SesameError(
                    Code.MESSAGE_NOT_RETRYABLE, params={"id": row.id, "status": row.status}
                )
            if row.body is None:
                if message_id is not None:
                    raise SesameError(Code.MESSAGE_SECRET_ERASED, params={"id": row.id})
                erased += 1
                continue
            conn.execute(
                update(outbox)
                .where(outbox.c.id == row.id, outbox.c.status == row.status)
                .values(
                    status=LIFECYCLE[(MessageStatus(row.status), MessageEvent.REQUEUED)],
                    attempts=0,
                    next_attempt_at=None,
                    last_error=None,
                    claimed_by=None,
                    claimed_until=None,
                )
            )
            detail = {"message": row.id, "channel": row.channel, "attempts": str(row.attempts)}
            event = Audit("message_requeued", row.status, MessageStatus.QUEUED, detail, row.flow_id)
            record_audit(conn, [event], row.account_id, store.now(), store.settings.actor)
            requeued += 1
        if message_id is not None and requeued == 0:
            raise SesameError(Code.MESSAGE_NOT_FOUND)
    return Requeued(requeued, erased)


# --- the senders ---------------------------------------------------------------------


@contextmanager
def _senders(store: Store, transports: Transports) -> Iterator[Callable[[Row[Any]], None]]:
    """One `send(row)` for every configured channel; the SMTP connection lives for the pass."""
    mailer = _Mailer(store, transports.smtp) if transports.smtp else None
    command = transports.sms_command

    def send(row: Row[Any]) -> None:
        if row.channel == "email":
            assert mailer is not None
            mailer.send(row)
        else:
            assert command is not None
            _run_gateway(command, sms_document(row))

    try:
        yield send
    finally:
        if mailer is not None:
            mailer.close()


class _Mailer:
    """An SMTP session opened on the first message and reused; reopened after an error.

    A failure to connect, start TLS or log in fails every message of the pass
    at once, without knocking on the server again for each of them.
    """

    def __init__(self, store: Store, config: SmtpConfig) -> None:
        from email.utils import parseaddr

        self._store = store
        self._config = config
        self._sender = parseaddr(store.settings.policy.mail_from)[1]
        self._smtp: smtplib.SMTP | None = None
        self._unreachable: str | None = None

    def send(self, row: Row[Any]) -> None:
        """Send one message; smtplib's errors are OSErrors, network failures too."""
        if self._unreachable is not None:
            raise DeliveryFailed(self._unreachable)
        data = render_email(self._store, row)
        if self._smtp is None:
            try:
                self._smtp = self._connect()
            except OSError as exc:
                self._unreachable = _smtp_error(exc)
                raise DeliveryFailed(self._unreachable) from None
        try:
            self._smtp.sendmail(self._sender, [row.recipient], data)
        except OSError as exc:
            self.close()
            raise DeliveryFailed(_smtp_error(exc)) from None

    def _connect(self) -> smtplib.SMTP:
        import smtplib
        import ssl

        config = self._config
        smtp = smtplib.SMTP(config.host, config.port, timeout=SEND_TIMEOUT_SECONDS)
        try:
            if config.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if config.user is not None:
                smtp.login(config.user, config.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except OSError:
                self._smtp.close()
            self._smtp = None


def _smtp_error(exc: OSError) -> str:
    import smtplib

    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()))
        return f"SMTP {code} {_decoded(reply)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"SMTP {exc.smtp_code} {_decoded(exc.smtp_error)}"
    if isinstance(exc, smtplib.SMTPException):  # an OSError too: test it first
        return f"SMTP {exc}"
    if isinstance(exc, TimeoutError):
        return f"SMTP timed out after {SEND_TIMEOUT_SECONDS} s"
    return f"SMTP connection failed: {exc.strerror or exc}"


def _decoded(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _run_gateway(command: tuple[str, ...], document: bytes) -> None:
    """Run the operator's gateway with the JSON document on stdin; success is exit 0."""
    import subprocess

    try:
        done = subprocess.run(
            command,
            input=document,
            capture_output=True,
            timeout=SEND_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise DeliveryFailed(f"SMS command timed out after {SEND_TIMEOUT_SECONDS} s") from None
    except OSError as exc:
        raise DeliveryFailed(f"SMS command could not run: {exc.strerror or exc}") from None
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip()
        detail = f": {said}" if said else ""
        raise DeliveryFailed(f"SMS command exited with status {done.returncode}{detail}")
