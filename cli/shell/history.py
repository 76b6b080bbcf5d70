"""The console's history: a file in sesame's home, owner-only, that never keeps a
line which may have held a secret.

sesame never takes a secret on its command line (every secret is prompted, hidden,
and a hidden answer never reaches the history), but a person may paste one where it
does not belong: at the console's prompt, thinking it was the password prompt, or
after a member's command by habit (`login NIR password`). So a line is kept only
when it is a support command or one of the console's own words; never a member's
command (`login`, `reset`, … whose next answer is a secret), never a line whose
first word is unknown (a pasted password is one), never a line that does not
parse, and never a line that starts with a space (as bash's `ignorespace`).

The file is trusted as sesame's other files are (docs/design.md §9): opened without
following a symlink, refused when another user owns it or it is not a regular file,
made 0600 when it is not, created 0600.
"""

from __future__ import annotations

import os
import shlex
import stat
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from prompt_toolkit.history import History

from cli.shell import resolve
from db.store import storage_error

FILE_NAME = "shell_history"
_FLAGS = os.O_CLOEXEC | os.O_NOFOLLOW


def worth_keeping(line: str) -> bool:
    """Whether `line` may be written to the history (see the module's docstring)."""
    if not line.strip() or line[:1].isspace():
        return False
    try:
        words = resolve.without_program(shlex.split(line))
    except ValueError:
        return False
    if not words:
        return False
    if words[0] in resolve.BUILTINS:
        return words[0] != "use" or _is_identifier(words[1:])
    found = resolve.resolve(words)
    if not found.path:
        return False
    return not resolve.is_member_command(found.path)


def _is_identifier(args: list[str]) -> bool:
    from engine.errors import SesameError
    from engine.identity import parse_identifier

    if args in ([], ["-"]):
        return True
    try:
        parse_identifier(" ".join(args))
    except SesameError:
        return False
    return True


def open_history(home: Path) -> GuardedFileHistory:
    """The history of the console in `home`, created (0600) and checked now, so that
    a refusal stops the console before its first prompt."""
    path = home / FILE_NAME
    GuardedFileHistory(path).store_nothing()
    return GuardedFileHistory(path)


class GuardedFileHistory(History):
    """prompt_toolkit's file history format, written owner-only, lines filtered."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def append_string(self, string: str) -> None:
        if worth_keeping(string):  # not even kept in memory for the arrow keys
            super().append_string(string)

    def load_history_strings(self) -> Iterable[str]:
        try:
            fd = os.open(self.path, os.O_RDONLY | _FLAGS)
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise _refused(self.path, exc) from None
        with os.fdopen(fd, "rb") as file:
            _check(fd, self.path)
            raw = file.read()
        return list(reversed(_entries(raw.decode("utf-8", errors="replace"))))

    def store_nothing(self) -> None:
        """Create and check the file, writing nothing."""
        self._write(b"")

    def store_string(self, string: str) -> None:
        lines = [f"\n# {datetime.now()}\n", *(f"+{line}\n" for line in string.split("\n"))]
        self._write("".join(lines).encode("utf-8"))

    def _write(self, data: bytes) -> None:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | _FLAGS, 0o600)
        except OSError as exc:
            raise _refused(self.path, exc) from None
        with os.fdopen(fd, "ab") as file:
            _check(fd, self.path)
            file.write(data)


def _entries(text: str) -> list[str]:
    """The entries of a history file, oldest first (prompt_toolkit's format)."""
    entries: list[str] = []
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith("+"):
            lines.append(line[1:])
        elif lines:
            entries.append("\n".join(lines))
            lines = []
    if lines:
        entries.append("\n".join(lines))
    return entries


def _check(fd: int, path: Path) -> None:
    """Ours, a regular file, owner-only (0644 becomes 0600)."""
    status = os.fstat(fd)
    if status.st_uid != os.geteuid():
        raise storage_error("path_owner", path=str(path), owner=status.st_uid)
    if not stat.S_ISREG(status.st_mode):
        raise storage_error("database", detail_key="not_a_regular_file", path=str(path))
    if stat.S_IMODE(status.st_mode) & 0o077:
        os.fchmod(fd, 0o600)


def _refused(path: Path, exc: OSError) -> Exception:
    import errno

    if exc.errno == errno.ELOOP:
        return storage_error("file_symlink", path=str(path))
    return storage_error("database", detail=f"{path}: {exc.strerror}")
