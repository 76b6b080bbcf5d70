"""`--source` (`SESAME_SOURCE`): the client the calling front end names.

An IP, a host or a program name ("mail-client", "kiosk-12"): a claim written on
every audit event of the member's commands, shown and filtered on by support,
never read by a rule. Printable text, at most `MAX_LENGTH` characters.
"""

from __future__ import annotations

from engine.errors import invalid
from engine.unsafe_text import is_unsafe

MAX_LENGTH = 64  # audit_events.source is String(64)


def check_source(raw: str) -> str:
    """The source as given (outer spaces removed), or an `invalid_input` refusal."""
    text = raw.strip()
    if (
        not text
        or len(text) > MAX_LENGTH
        or not text.isprintable()
        or any(is_unsafe(char) for char in text)
    ):
        raise invalid("source", max=MAX_LENGTH)
    return text
