"""The languages of the catalogue, and the one rule that picks one from the locale."""

from __future__ import annotations

from collections.abc import Mapping

LANGS = ("fr", "en")


def lang_from_locale(environ: Mapping[str, str]) -> str:
    """French when the locale says so (LC_ALL, then LC_MESSAGES, then LANG), else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def chosen_lang(given: str | None, environ: Mapping[str, str]) -> str:
    """`--lang` (or SESAME_LANG) when it names a language of the catalogue, else the locale's."""
    return given if given in LANGS else lang_from_locale(environ)
