"""Schema management for operators: `sesame db current`, `sesame db upgrade`,
`sesame db copy`."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.app import JsonOption, open_store, output
from cli.lazy import command_group
from cli.output import Output
from cli.progress import step_bars

db_app = command_group()


@db_app.command("current")
def db_current(ctx: typer.Context, json_output: JsonOption = False) -> None:
    from db.schema import HEAD_REVISION
    from db.store import current_revision_of

    out = output(ctx, json_output)
    revision = current_revision_of(open_store(ctx).settings.db_url)
    out.ok(
        {"revision": revision, "head": HEAD_REVISION},
        out.text("label.revision", revision=revision or "-")
        + "\n"
        + out.text("label.head", head=HEAD_REVISION),
    )


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context, json_output: JsonOption = False) -> None:
    from db.store import upgrade_url

    out = output(ctx, json_output)
    revision = upgrade_url(open_store(ctx).settings.db_url)
    out.ok({"revision": revision}, out.text("schema_upgraded", revision=revision))


@db_app.command("copy")
def db_copy(
    ctx: typer.Context,
    source: Annotated[
        str,
        typer.Option("--from"),
    ],
    target: Annotated[
        str,
        typer.Option("--to"),
    ],
    json_output: JsonOption = False,
) -> None:
    from db.copy import copy_database

    out = output(ctx, json_output)
    settings = open_store(ctx).settings

    def label(table: str) -> str:
        return out.text("copy.table", table=table)

    with step_bars(label, wanted=not out.as_json) as progress:
        copied = copy_database(settings, source, target, progress=progress)
    out.ok({"copied": copied}, lambda: _copied_table(out, copied))


def _copied_table(out: Output, copied: dict[str, int]) -> str:
    from tabulate import tabulate

    headers = out.columns("table", "rows")
    table = tabulate(list(copied.items()), headers=headers, colalign=("left", "right"))
    return table + "\n" + out.text("copy.done", rows=sum(copied.values()))
