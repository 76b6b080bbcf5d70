"""Secrets are typed, never passed in argv.

On a terminal, a hidden prompt (on the terminal, not stdout). Otherwise each
prompt reads the next stdin line, without getpass's echo warning and without
Click's re-ask loop: a script gets one answer per line, or None at the end.
"""

from __future__ import annotations

import sys


def read_secret(prompt: str) -> str | None:
    """The next secret, or None when input has ended."""
    if sys.stdin.isatty():
        import getpass

        try:
            return getpass.getpass(prompt, stream=sys.stderr)
        except EOFError:
            return None
    line = sys.stdin.readline()
    if not line:
        return None
    return line.removesuffix("\n").removesuffix("\r")


def read_choice(prompt: str) -> str | None:
    """A visible answer on a terminal (the channel number)."""
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    return line.strip() if line else None
