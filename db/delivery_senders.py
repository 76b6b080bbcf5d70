"""How a message leaves: email over one SMTP session per pass, SMS through the
operator's gateway command. Every failure is a DeliveryFailed whose text is
scrubbed before it is stored."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from db.outbox_build import render_email, sms_document
from db.store import Store

if TYPE_CHECKING:
    import smtplib

    from sqlalchemy import Row

# One SMTP exchange or one gateway run; a send starts only if it ends within the lease.
SEND_TIMEOUT_SECONDS = 20


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


class DeliveryFailed(Exception):
    """One message not delivered; the text is stored, so it never holds the secret."""


@contextmanager
def senders(store: Store, transports: Transports) -> Iterator[Callable[[Row[Any]], None]]:
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
