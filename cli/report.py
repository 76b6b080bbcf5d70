"""A refusal that carries its report (`account import`, `policy check --strict`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import typer

from cli.exits import exit_code
from cli.output import Output, escape
from engine.outcomes import Code


def refuse_with_report(
    out: Output, code: Code, message: str, payload: Mapping[str, Any], human: str
) -> None:
    """One JSON document, or the report on stdout and the refusal on stderr;
    then the exit status of `code`."""
    if out.as_json:
        error = {"code": code, "message": message}
        typer.echo(json.dumps({"ok": False, "error": error, **payload}, ensure_ascii=False))
    else:
        typer.echo(escape(human))
        typer.echo(escape(message), err=True)
    raise typer.Exit(exit_code(code))
