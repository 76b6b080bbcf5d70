"""The file outbox: each message published once under its id (SMS as JSON,
email in a Maildir) through `link()` of a fsynced temporary file, never over
another file."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.outbox_build import render_email, sms_document
from db.store import Store, storage_error
from db.trust import open_private_dir, require_trusted

if TYPE_CHECKING:
    from sqlalchemy import Row


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
            data = render_email(store, row, link_header=True)
        return _publish(root, folder, name, data)
    except OSError as exc:
        raise storage_error(
            "outbox", detail=f"{exc.filename or root}: {exc.strerror or exc}"
        ) from None


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


@dataclass(frozen=True)
class Waiting:
    """The message files no consumer has taken yet (still in `outbox/*/new`)."""

    count: int
    oldest: datetime | None


def waiting_files(root: Path) -> Waiting:
    """Count the regular files in `root/sms/new` and `root/mail/new` (a Maildir reader
    moves what it read to `cur/`), and when the oldest was written."""
    count, oldest = 0, None
    for folder in ("sms", "mail"):
        try:
            entries = list(os.scandir(root / folder / "new"))
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError as exc:
            raise storage_error("outbox", detail=f"{exc.filename}: {exc.strerror}") from None
        for entry in entries:
            try:
                if not entry.is_file(follow_symlinks=False):
                    continue
                modified = entry.stat(follow_symlinks=False).st_mtime
            except FileNotFoundError:  # taken meanwhile
                continue
            count += 1
            oldest = modified if oldest is None else min(oldest, modified)
    when = None if oldest is None else datetime.fromtimestamp(oldest, UTC).replace(microsecond=0)
    return Waiting(count, when)
