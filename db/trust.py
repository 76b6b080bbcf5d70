"""Which files sesame trusts: OpenSSH's StrictModes, applied to its own files.

A path is trusted when it, and every directory above it up to `/`, belongs
to the running user or to root and cannot be written by anyone else. A
directory above it may be writable by others only if it has the sticky bit
(like `/tmp`): there, nobody but the owner of an entry may rename or remove
it, so the entry below cannot be swapped. The path itself gets no such
exception: anyone could create a `sesame.toml` in a sticky home.

The outbox goes further (`open_private_dir`): it is opened one directory at
a time through directory descriptors with `O_NOFOLLOW`, so a symlink
anywhere inside it is refused instead of followed, and each of its
directories must belong to the running user; one only others can read is
tightened to 0700.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from engine.errors import SesameError
from engine.outcomes import Code

DIRECTORY_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_WRITABLE_BY_OTHERS = stat.S_IWGRP | stat.S_IWOTH


def _refused(reason: str, **params: object) -> SesameError:
    return SesameError(Code.STORAGE_UNAVAILABLE, reason=reason, params=params)


def require_trusted(path: Path, *, as_parent: bool = False) -> Path:
    """Refuse `path` (when it exists) or a directory above it that another user could change.

    `as_parent` gives `path` itself the sticky-bit exception of the
    directories above it: for a directory in which sesame only opens an
    entry it checks on its own (the outbox).
    """
    real = path.resolve()
    _check(real, sticky_allowed=as_parent)
    for parent in real.parents:
        _check(parent, sticky_allowed=True)
    return real


def _check(path: Path, *, sticky_allowed: bool) -> None:
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return  # created later, by this user, owner-only
    except OSError as exc:
        raise _refused("path_unchecked", path=str(path), detail=exc.strerror or "") from None
    _check_status(path, status, sticky_allowed=sticky_allowed)


def _check_status(path: Path, status: os.stat_result, *, sticky_allowed: bool) -> None:
    if status.st_uid not in (os.geteuid(), 0):
        raise _refused("path_owner", path=str(path), owner=status.st_uid)
    mode = stat.S_IMODE(status.st_mode)
    sticky = sticky_allowed and stat.S_ISDIR(status.st_mode) and mode & stat.S_ISVTX
    if mode & _WRITABLE_BY_OTHERS and not sticky:
        raise _refused("path_writable", path=str(path), mode=f"{mode:04o}")


def read_trusted(path: Path) -> bytes:
    """The bytes of a configuration file, once it and its directories are trusted.

    Raises FileNotFoundError when there is no file, like `Path.read_bytes`.
    The path checked is the one opened, without following a symlink, and the
    file itself is checked again through its descriptor: swapping it after
    the check changes nothing that is read.
    """
    return _read_checked(require_trusted(path))


def read_trusted_in(directory: Path, name: str) -> bytes:
    """The bytes of the file `name` in `directory`, a real path `require_trusted`
    returned: only the file is checked (its directories were), as `read_trusted` does.

    Raises FileNotFoundError when there is no file.
    """
    return _read_checked(directory / name)


def _read_checked(real: Path) -> bytes:
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _refused("file_symlink", path=str(real)) from None
        raise _refused("path_unchecked", path=str(real), detail=exc.strerror or "") from None
    with os.fdopen(fd, "rb") as file:
        _check_status(real, os.fstat(fd), sticky_allowed=False)
        return file.read()


def open_private_dir(parent_fd: int | None, name: str, shown: Path) -> int:
    """A descriptor of the directory `name` (created 0700 if missing), never through a symlink.

    `parent_fd` None opens `name` as a path (its last component still not
    followed). `shown` is the path named in a refusal.
    """
    with contextlib.suppress(FileExistsError):
        os.mkdir(name, 0o700, dir_fd=parent_fd)
    try:
        fd = os.open(name, DIRECTORY_FLAGS, dir_fd=parent_fd)
    except OSError as exc:
        # O_NOFOLLOW on a symlink: ELOOP, or ENOTDIR when O_DIRECTORY is checked first.
        if exc.errno in (errno.ELOOP, errno.ENOTDIR) and _is_symlink(name, parent_fd):
            raise _refused("path_symlink", path=str(shown)) from None
        raise
    try:
        _tighten(fd, shown)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _is_symlink(name: str, parent_fd: int | None) -> bool:
    return stat.S_ISLNK(os.stat(name, dir_fd=parent_fd, follow_symlinks=False).st_mode)


def _tighten(fd: int, shown: Path) -> None:
    """Ours and owner-only: refuse a directory another user owns or can write; fix 0755."""
    status = os.fstat(fd)
    if status.st_uid != os.geteuid():
        raise _refused("path_owner", path=str(shown), owner=status.st_uid)
    mode = stat.S_IMODE(status.st_mode)
    if mode & _WRITABLE_BY_OTHERS:
        raise _refused("path_writable", path=str(shown), mode=f"{mode:04o}")
    if mode != 0o700:
        os.fchmod(fd, 0o700)
