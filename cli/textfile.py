"""`--textfile PATH`: a whole file replaced at once, as node_exporter's textfile
collector expects (it may read the file at any moment, and must never see half
of one).

The bytes go to a new temporary file in the same directory (created with
O_EXCL under a random name), are flushed to the disk, made 0644 and renamed
over PATH; the directory is then synced so the rename survives a crash. The
directory, and every one above it, must belong to the running user or root and
be writable by nobody else (db/trust.py): another user could otherwise swap it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from engine.errors import invalid

TEXTFILE_MODE = 0o644


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (mode 0644); exit 2 naming the path if it
    cannot be written, exit 11 if its directory is not trusted."""
    from db.trust import require_trusted

    if "\0" in str(path):
        raise invalid("textfile", path=repr(str(path)), detail="a NUL character")
    directory = path.parent
    require_trusted(directory, as_parent=True)
    if path.is_symlink() or path.is_dir():
        raise invalid("textfile", path=str(path), detail="not a regular file")
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise invalid("textfile", path=str(path), detail=exc.strerror or str(exc)) from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fchmod(stream.fileno(), TEXTFILE_MODE)
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise invalid("textfile", path=str(path), detail=exc.strerror or str(exc)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_directory(directory)


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
