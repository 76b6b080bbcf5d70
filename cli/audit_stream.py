"""`sesame audit --format jsonl`: the audit log as a stream of JSON lines, for a
SIEM or `jq` (schema in docs/audit-stream.md).

Each line is one event, schema 1; the lines come in id order. `--after ID`
starts after an event already read, `--follow` keeps polling until SIGINT or
SIGTERM (exit 0), and `--output FILE` appends to a file (created 0600, never
through a symlink), synced to the disk after each batch of lines.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import stat
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, BinaryIO

from engine.errors import invalid
from engine.timestamps import iso_utc

if TYPE_CHECKING:
    from db.audit_log import AuditEvent, AuditFilter
    from db.store import Store

SCHEMA = 1
OUTPUT_MODE = 0o600


def stream_record(event: AuditEvent) -> dict[str, Any]:
    """One event as schema 1 says: every key always present, null when empty."""
    reason = event.detail.get("reason")
    return {
        "schema": SCHEMA,
        "id": event.id,
        "time": iso_utc(event.at),
        "event": event.event,
        "actor": event.actor,
        "os_user": event.os_user,
        "sudo_user": event.sudo_user,
        "db_role": event.db_role,
        "account": event.nir,
        "flow": event.flow_id,
        "source": event.source,
        "state_before": event.state_before,
        "state_after": event.state_after,
        "reason": reason if isinstance(reason, str) else None,
        "detail": event.detail,
        "batch": event.batch_id,
        "batch_source": event.batch_source,
    }


def stream_line(event: AuditEvent) -> bytes:
    """One line, ASCII only (a control or bidi character is escaped, never shown)."""
    return json.dumps(stream_record(event), ensure_ascii=True).encode("ascii") + b"\n"


class Sink:
    """Where the lines go: stdout, or a file appended to and synced after each batch."""

    def __init__(self, stream: BinaryIO, path: Path | None = None) -> None:
        self.stream = stream
        self.path = path  # a file: synced, and a failed write is exit 2 naming it

    def write(self, events: list[AuditEvent]) -> None:
        if not events:
            return
        data = b"".join(stream_line(e) for e in events)
        if self.path is None:
            self.stream.write(data)
            self.stream.flush()
            return
        try:
            self.stream.write(data)
            self.stream.flush()
            os.fsync(self.stream.fileno())
        except OSError as exc:
            detail = exc.strerror or str(exc)
            raise invalid("audit_output", path=str(self.path), detail=detail) from None


@contextmanager
def open_sink(path: Path | None) -> Iterator[Sink]:
    if path is None:
        yield Sink(sys.stdout.buffer)
        return
    if "\0" in str(path):
        raise invalid("audit_output", path=repr(str(path)), detail="a NUL character")
    # O_NONBLOCK: a FIFO without a reader is refused at once, not waited for.
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, OUTPUT_MODE)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise invalid("audit_output_symlink", path=str(path)) from None
        raise invalid("audit_output", path=str(path), detail=exc.strerror or str(exc)) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise invalid("audit_output", path=str(path), detail="not a regular file")
    os.set_blocking(fd, True)
    with os.fdopen(fd, "ab") as stream:
        yield Sink(stream, path)


class Stop:
    """SIGINT and SIGTERM ask `--follow` to end between two looks (exit 0): a
    batch of lines is never cut in the middle."""

    def __init__(self) -> None:
        self.asked = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.asked = True


@contextmanager
def stop_on_signals(follow: bool) -> Iterator[Stop]:
    """With `follow`, SIGINT and SIGTERM end the stream cleanly; without, a one-shot
    read interrupted ends as any command does (not exit 0: its output is cut)."""
    stop = Stop()
    if not follow or threading.current_thread() is not threading.main_thread():
        yield stop
        return
    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def stream(
    store: Store,
    filters: AuditFilter,
    *,
    after: int,
    newest: int | None,
    follow: bool,
    output: Path | None,
    interval: float = 1.0,
) -> None:
    """Every matching event after `after` (the whole log from 0), or only the
    `newest` ones; then, with `follow`, the new ones as they are committed."""
    from db.audit_log import audit_after, audit_log, follow_audit, last_event_id

    with open_sink(output) as sink, stop_on_signals(follow) as stop:
        if newest is not None:
            page = audit_log(store, filters, newest)
            sink.write(page.events)
            until = page.last_id
        else:
            until = last_event_id(store)
            for found in audit_after(store, filters, after, until):
                sink.write(found)
                if stop.asked:
                    return
        if not follow or stop.asked:
            return
        for found in follow_audit(store, filters, max(after, until), interval):
            sink.write(found)
            if stop.asked:
                return
