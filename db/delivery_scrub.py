"""What a failed send said, made safe to store: every variant of the message's
secret words removed, the recipient masked, the length bounded."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from engine.masks import mask_destination

if TYPE_CHECKING:
    from sqlalchemy import Row

ERROR_LENGTH = 200
# What a failing send said, read up to this length before the secret is removed.
SCRUB_INPUT_LENGTH = 64 * 1024
# Words of a body with fewer letters and digits are not secrets (a code has 10, a token 43).
MIN_SECRET_LETTERS = 6
# Between two characters of an echoed secret: anything but a letter or digit, or a %XX escape.
_SEPARATORS = r"(?:[^0-9a-z]|%[0-9a-f]{2})*"


def scrubbed(error: str, row: Row[Any]) -> str:
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
