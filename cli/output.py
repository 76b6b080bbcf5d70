"""Rendering: one JSON document on stdout with --json, else text; errors to stderr."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import typer

from engine import timestamps
from engine.errors import SesameError
from engine.unsafe_text import is_unsafe

# Every character but tab, newline and printable ASCII: only these few pay
# for a look at their Unicode category.
_NOT_PLAIN = re.compile("[^\t\n\x20-\x7e]")


class Shown(str):
    """Text already made safe to show, cell by cell (cli/tables.py): `escape` leaves it
    as it is, so the colours it carries reach the terminal."""


def escape(text: str) -> str:
    """Show controls, invisible and bidi characters of stored or typed data as
    escapes (`ali\\u200bce` must not read `alice`)."""
    if isinstance(text, Shown):
        return text
    return _NOT_PLAIN.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    return char.encode("unicode_escape").decode("ascii") if is_unsafe(char) else char


def iso_utc(moment: datetime | None) -> str | None:
    return None if moment is None else timestamps.iso_utc(moment)


def local_time(moment: datetime | None, lang: str) -> str:
    """Times are shown to people in local time, written as the catalogue says
    (`format.datetime`)."""
    if moment is None:
        return "-"
    from engine import messages

    return moment.astimezone().strftime(messages.text("format.datetime", lang))


class Output:
    """Where a command's result or refusal goes, and in which language."""

    def __init__(self, lang: str, as_json: bool) -> None:
        self.lang = lang
        self.as_json = as_json

    def text(self, key: str, **params: object) -> str:
        from engine import messages  # the catalogue: only when there is text to show

        return messages.text(key, self.lang, params)

    def columns(self, *names: str) -> list[str]:
        """A table's headers, from the catalogue (`column.<name>`)."""
        return [self.text(f"column.{name}") for name in names]

    def ok(self, payload: Mapping[str, Any], human: str | Callable[[], str]) -> None:
        """The result: JSON, or the human text (a callable is only rendered when shown,
        so `--json` does not pay for tables)."""
        if self.as_json:
            from cli.documents import ok_document

            typer.echo(_json(ok_document(payload)))
        else:
            typer.echo(escape(human() if callable(human) else human))

    def note(self, human: str) -> None:
        """A step of the dialogue, not a result: stderr, and nothing with --json."""
        if not self.as_json:
            typer.echo(escape(human), err=True)

    def error(self, exc: SesameError) -> None:
        from cli.documents import error_document

        document = error_document(exc, self.lang)
        if self.as_json:
            typer.echo(_json(document))
        else:
            typer.echo(escape(document["error"]["message"]), err=True)

    def usage_error(self, message: str) -> None:
        if self.as_json:
            error = {"code": "invalid_input", "message": message}
            typer.echo(_json({"ok": False, "error": error}))
        else:
            typer.echo(message, err=True)


def _json(document: Mapping[str, Any]) -> str:
    import json  # only for --json

    return json.dumps(document, ensure_ascii=False)


def stderr_line(text: str) -> None:
    sys.stderr.write(escape(text) + "\n")
