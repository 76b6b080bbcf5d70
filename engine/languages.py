"""The languages sesame speaks: the operator's (`--lang`, what they read) and
each member's (stored on the account, what the member receives)."""

from __future__ import annotations

from engine.errors import invalid

LANGUAGES = ("fr", "en")
# A member's language when nothing says otherwise (`[policy] default_language`).
DEFAULT_LANGUAGE = "fr"


def normalise_language(value: str) -> str | None:
    """`fr` or `en` from any case (`EN`, `Fr`), or None for anything else."""
    lang = value.strip().lower()
    return lang if lang in LANGUAGES else None


def parse_language(value: str) -> str:
    """A language as typed, or `invalid_input` (reason `lang`) naming it."""
    lang = normalise_language(value)
    if lang is None:
        raise invalid("lang", lang=value)
    return lang
