"""The languages sesame speaks: the operator's (`--lang`, what they read) and
each member's (stored on the account, what the member receives); and the one
rule that picks the operator's from the locale."""

from __future__ import annotations

from collections.abc import Mapping

from engine.errors import invalid

LANGS = ("fr", "en")
# A member's language when nothing says otherwise (`[policy] default_language`).
DEFAULT_LANGUAGE = "fr"


def normalise_language(value: str) -> str | None:
    """`fr` or `en` from any case (`EN`, `Fr`), or None for anything else."""
    lang = value.strip().lower()
    return lang if lang in LANGS else None


def parse_language(value: str) -> str:
    """A language as typed, or `invalid_input` (reason `lang`) naming it."""
    lang = normalise_language(value)
    if lang is None:
        raise invalid("lang", lang=value)
    return lang


def lang_from_locale(environ: Mapping[str, str]) -> str:
    """French when the locale says so (LC_ALL, then LC_MESSAGES, then LANG), else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def chosen_lang(given: str | None, environ: Mapping[str, str]) -> str:
    """`--lang` (or SESAME_LANG) in any case when it names a language of the
    catalogue, else the locale's."""
    return (normalise_language(given) if given else None) or lang_from_locale(environ)
