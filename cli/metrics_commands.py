"""`sesame metrics`: the counts an operator watches, in the Prometheus text format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.app import open_store
from cli.lazy import command_group

commands = command_group()


@commands.command()
def metrics(
    ctx: typer.Context,
    # A str, not a Path: typer would stat it first (and fail on a NUL character).
    textfile: Annotated[str | None, typer.Option("--textfile", metavar="PATH")] = None,
) -> None:
    from db.metrics import exposition

    data = exposition(open_store(ctx))
    if textfile is None:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    from cli.textfile import replace_file

    replace_file(Path(textfile), data)
