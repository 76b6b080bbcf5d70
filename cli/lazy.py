"""Commands loaded on use: groups read `cli.registry`, and a command's module is
imported (and that one command built) only when it is invoked or asked for help.

Start-up is most of a command's cost; Typer reads every parameter of every
command it builds, and each command module imports what its commands need.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperGroup
from typer.main import get_command_from_info, get_command_name

from cli import registry

if TYPE_CHECKING:
    from typer._click.core import Command as ClickCommand
    from typer._click.core import Context as ClickContext
    from typer._click.formatting import HelpFormatter
    from typer.models import CommandInfo


class LazyCommands(Mapping[str, "ClickCommand"]):
    """A group's commands by name, each built from its module on first use."""

    def __init__(self, table: registry.Table, group: str | None) -> None:
        self.table = table
        self.group = group

    def __getitem__(self, name: str) -> ClickCommand:
        entry = self.table[name]
        if isinstance(entry, registry.Group):
            return LazyGroup(
                name=name,
                help=entry.summary,
                no_args_is_help=True,
                rich_markup_mode=None,
                table=entry.commands,
                group=name,
            )
        return _command(entry.module, registry.typer_attribute(self.group), name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.table)

    def __len__(self) -> int:
        return len(self.table)


class LazyGroup(TyperGroup):
    """A group whose commands come from `cli.registry`, each module imported only
    when one of its commands is used."""

    def __init__(
        self, *, table: registry.Table = registry.COMMANDS, group: str | None = None, **attrs: Any
    ) -> None:
        super().__init__(**attrs)
        # Read-only: the commands come from the table (no add_command).
        self.commands = LazyCommands(table, group)  # type: ignore[assignment]
        self.table = table

    def list_commands(self, ctx: ClickContext) -> list[str]:
        return list(self.table)

    def resolve_command(
        self, ctx: ClickContext, args: list[str]
    ) -> tuple[str | None, ClickCommand | None, list[str]]:
        """The one place where `[access]` is enforced: before a command's options
        are read or the database is opened, a caller outside `support_group` is
        refused a support command (`cli.registry`), and any command with a
        configuration, outbox or database of their choosing."""
        name, command, rest = super().resolve_command(ctx, args)
        entry = self.table.get(name) if name else None
        if isinstance(entry, registry.Command):
            from cli.app import authorize  # cli.app imports this module

            authorize(ctx, support=entry.audience != registry.MEMBER)
            if command is not None:
                localise_help(command, ctx)
        return name, command, rest

    def format_commands(self, ctx: ClickContext, formatter: HelpFormatter) -> None:
        """The summaries from the table: `--help` imports no command module."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, entry.summary) for name, entry in self.table.items()])


@cache
def _command(module: str, attribute: str, name: str) -> ClickCommand:
    """Import a command's module and build that one command (not its neighbours:
    Typer reads every parameter of every command it builds)."""
    __import__(module)  # not importlib.import_module: -X importtime sees this one
    commands: typer.Typer = getattr(sys.modules[module], attribute)
    for info in commands.registered_commands:
        if command_name(info) == name:
            return get_command_from_info(
                info,
                pretty_exceptions_short=commands.pretty_exceptions_short,
                rich_markup_mode=commands.rich_markup_mode,
            )
    raise LookupError(f"{module}.{attribute} registers no command {name!r}")


# An option's help given as a catalogue key (`help.…`) is written in the
# operator's language when the command is resolved; the key is kept here.
_HELP_PREFIX = "help."


def localise_help(command: ClickCommand, ctx: ClickContext) -> None:
    """Fill in the options' help from the catalogue, in the operator's language."""
    keys = [
        (param, getattr(param, "help_key", None) or getattr(param, "help", None))
        for param in command.params
    ]
    keyed = [(param, key) for param, key in keys if key and key.startswith(_HELP_PREFIX)]
    if not keyed:
        return
    from cli.app import operator_language
    from engine import messages

    lang = operator_language(ctx)
    for param, key in keyed:
        param.help_key = key  # type: ignore[attr-defined]
        param.help = messages.text(key, lang)  # type: ignore[attr-defined]  # an Option


def command_name(info: CommandInfo) -> str:
    """The name Typer gives a registered command."""
    callback_name = info.callback.__name__ if info.callback else ""
    return info.name or get_command_name(callback_name)


def command_group() -> typer.Typer:
    """A Typer on which a command module registers commands (see `cli.registry`)."""
    return typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)
