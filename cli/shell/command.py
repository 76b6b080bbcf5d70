"""`sesame shell`: the support console (cli/shell/)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

from cli.app import language
from cli.lazy import command_group

if TYPE_CHECKING:
    from typer._click.core import Context as ClickContext

    from cli.shell.session import Session
    from db.completion import Candidate
    from db.settings import Settings

commands = command_group()

# The global options a line of the console inherits when given on the command line
# (from the environment, each command reads them again itself).
_INHERITED = ("home", "db", "outbox", "config", "lang", "actor")


@commands.command()
def shell(ctx: typer.Context) -> None:
    from cli.prompts import read_choice, stdin_is_terminal
    from cli.shell.console import run_lines, run_terminal
    from cli.shell.session import Session

    root = ctx.find_root()
    session = Session(base=_inherited(root), lang=language(ctx))
    if not stdin_is_terminal():
        raise typer.Exit(run_lines(session))
    if root.params.get("actor") is None:  # asked once, then given to every line
        answer = read_choice(session.text("shell.ask_actor"))
        if answer is None:
            raise typer.Exit(0)
        if answer:
            session.base += ["--actor", answer]
    where = Locations(*(root.params.get(name) for name in ("home", "db", "outbox", "config")))
    lookup = Lookup(session, where)
    raise typer.Exit(run_terminal(session, where.settings().home, lookup))


def _inherited(root: ClickContext) -> list[str]:
    from typer._click.core import ParameterSource

    args: list[str] = []
    for name in _INHERITED:
        value = root.params.get(name)
        if value is not None and root.get_parameter_source(name) is ParameterSource.COMMANDLINE:
            args += [f"--{name}", str(value)]
    if root.params.get("debug"):
        args.append("--debug")
    return args


@dataclass(frozen=True)
class Locations:
    """The global options that say where the home, database and configuration are."""

    home: str | None
    db: str | None
    outbox: str | None
    config: str | None

    def settings(self) -> Settings:
        """Read again each time, as each command reads them."""
        from db.settings import load_settings

        return load_settings(home=self.home, db=self.db, outbox=self.outbox, config=self.config)


@dataclass(frozen=True)
class Lookup:
    """Accounts whose identifier begins with what was typed; none when the database
    cannot say (a completion never interrupts the line being typed)."""

    session: Session
    where: Locations

    def __call__(self, typed: str) -> list[Candidate]:
        from db.completion import identifier_candidates
        from db.store import Store
        from engine.errors import SesameError

        try:
            return identifier_candidates(Store(self.where.settings(), self.session.engines), typed)
        except SesameError:
            return []
