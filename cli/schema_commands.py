"""Schema management for operators: `sesame db current`, `sesame db upgrade`."""

from __future__ import annotations

import typer

from cli.app import JsonOption, app, open_store, output

db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("current")
def db_current(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """The schema revision of the database and the one this sesame expects."""
    from db.schema import HEAD_REVISION
    from db.store import current_revision_of

    out = output(ctx, json_output)
    revision = current_revision_of(open_store(ctx).settings.db_url)
    out.ok(
        {"revision": revision, "head": HEAD_REVISION},
        f"revision: {revision or '-'}\nhead: {HEAD_REVISION}",
    )


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Apply the migrations up to the revision this sesame expects."""
    from db.store import upgrade_url

    out = output(ctx, json_output)
    revision = upgrade_url(open_store(ctx).settings.db_url)
    out.ok({"revision": revision}, out.text("schema_upgraded", revision=revision))
