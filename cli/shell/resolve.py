"""A line's words against the command table (`cli.registry`) and the Click
commands the `sesame` executable builds from it (`cli.lazy`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from cli import registry

if TYPE_CHECKING:
    from typer._click.core import Command
    from typer.core import TyperArgument

# The console's own words, beside the table's commands.
BUILTINS = ("use", "help", "exit")
# The commands for which a missing ID means "many accounts" when one of these is given.
MANY_ACCOUNTS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("account", "unlock"): ("all_locked", "from_file"),
}


@dataclass(frozen=True)
class Resolved:
    """The command path a line names, its table entry and the words after it."""

    path: tuple[str, ...]
    entry: registry.Command | registry.Group | None
    rest: list[str]


def without_program(words: list[str]) -> list[str]:
    """A line may begin with `sesame`, as copied from the documentation."""
    return words[1:] if words[:1] == ["sesame"] else words


def resolve(words: list[str]) -> Resolved:
    table: registry.Table = registry.COMMANDS
    path: tuple[str, ...] = ()
    entry: registry.Command | registry.Group | None = None
    for index, word in enumerate(words):
        found = table.get(word)
        if found is None:
            return Resolved(path, entry, words[index:])
        path, entry = (*path, word), found
        if isinstance(found, registry.Command):
            return Resolved(path, found, words[index + 1 :])
        table = found.commands
    return Resolved(path, entry, [])


@cache
def root() -> Command:
    """The root group, as `cli.main` runs it."""
    import typer.main

    from cli.app import app

    return typer.main.get_command(app)


def command(path: tuple[str, ...]) -> Command | None:
    """The Click command (or group) at `path`, built as the executable builds it."""
    from cli.lazy import LazyGroup

    found: Command | None = root()
    for name in path:
        if not isinstance(found, LazyGroup):
            return None
        found = found.get_command(None, name)
    return found


def id_argument(found: Command) -> TyperArgument | None:
    """The command's `ID` argument, if it takes one."""
    from typer.core import TyperArgument

    for param in found.params:
        if isinstance(param, TyperArgument) and param.metavar == "ID":
            return param
    return None


def is_member_command(path: tuple[str, ...]) -> bool:
    table: registry.Table = registry.COMMANDS
    entry: registry.Command | registry.Group | None = None
    for name in path:
        entry = table.get(name)
        if isinstance(entry, registry.Group):
            table = entry.commands
    return isinstance(entry, registry.Command) and entry.audience == registry.MEMBER
