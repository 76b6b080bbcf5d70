"""Secrets are typed, never passed in argv.

On a terminal, a hidden prompt (on the terminal, not stdout). Otherwise each
prompt reads the next stdin line, without getpass's echo warning and without
Click's re-ask loop: a script gets one answer per line, or None at the end.
A closed stdin (`<&-`) is the end of input; bytes that are not UTF-8 are
invalid input (exit 2), never an internal error.
"""

from __future__ import annotations

import sys

from cli.hardening import protect_secrets
from engine.errors import invalid


def stdin_is_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def read_secret(prompt: str) -> str | None:
    """The next secret, or None when input has ended."""
    protect_secrets()
    if stdin_is_terminal():
        import getpass

        try:
            return _utf8(getpass.getpass(prompt, stream=sys.stderr))
        except EOFError:
            return None
        except UnicodeDecodeError:
            raise invalid("stdin_encoding") from None
    line = _next_line()
    if line is None:
        return None
    return line.removesuffix("\n").removesuffix("\r")


def read_choice(prompt: str) -> str | None:
    """A visible answer on a terminal (the channel number)."""
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = _next_line()
    return line.strip() if line is not None else None


def _next_line() -> str | None:
    """One line of stdin; None at its end or when it is closed."""
    if sys.stdin is None:
        return None
    try:
        line = sys.stdin.readline()
    except UnicodeDecodeError:
        raise invalid("stdin_encoding") from None
    return _utf8(line) if line else None


def _utf8(text: str) -> str:
    """Bytes that were not UTF-8 reach Python as lone surrogates (the C locale's
    `surrogateescape`): refuse them here, not in the hash or the database."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise invalid("stdin_encoding") from None
    return text
