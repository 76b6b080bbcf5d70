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

from cli import help_texts, registry

if TYPE_CHECKING:
    from typer._click.core import Command as ClickCommand
    from typer._click.core import Context as ClickContext
    from typer._click.formatting import HelpFormatter
    from typer.models import CommandInfo


class LazyCommands(Mapping[str, "ClickCommand"]):
    """A group's commands by name, each built from its module on first use (in the
    language of the environment: a group's `get_command` passes its context's)."""

    def __init__(self, group: LazyGroup) -> None:
        self.group = group

    def __getitem__(self, name: str) -> ClickCommand:
        command = self.group.get_command(None, name)
        if command is None:
            raise KeyError(name)
        return command

    def __iter__(self) -> Iterator[str]:
        return iter(self.group.table)

    def __len__(self) -> int:
        return len(self.group.table)


class LazyGroup(TyperGroup):
    """A group whose commands come from `cli.registry`, each module imported only
    when one of its commands is used; `path` is the group's own (`("account",)`)."""

    def __init__(
        self,
        *,
        table: registry.Table = registry.COMMANDS,
        path: help_texts.Path = (),
        **attrs: Any,
    ) -> None:
        super().__init__(**attrs)
        self.table = table
        self.path = path
        # Read-only: the commands come from the table (no add_command).
        self.commands = LazyCommands(self)  # type: ignore[assignment]

    def list_commands(self, ctx: ClickContext) -> list[str]:
        return list(self.table)

    def get_command(self, ctx: ClickContext | None, name: str) -> ClickCommand | None:
        """Command `name`, its help in the language of `ctx` (`cli.help_texts`)."""
        entry = self.table.get(name)
        if entry is None:
            return None
        path = (*self.path, name)
        lang = help_texts.language(ctx)
        if isinstance(entry, registry.Group):
            group = LazyGroup(
                name=name,
                no_args_is_help=True,
                rich_markup_mode=None,
                table=entry.commands,
                path=path,
            )
            help_texts.translate(group, path, lang)
            return group
        attribute = registry.typer_attribute(self.path[-1] if self.path else None)
        support = entry.audience != registry.MEMBER
        return _command(entry.module, attribute, path, lang, support)

    def format_commands(self, ctx: ClickContext, formatter: HelpFormatter) -> None:
        """The summaries from the table: `--help` imports no command module."""
        lang = help_texts.language(ctx)
        with formatter.section(help_texts.lookup("heading.commands", lang) or "Commands"):
            rows = [(name, help_texts.summary((*self.path, name), lang)) for name in self.table]
            formatter.write_dl(rows)


@cache
def _command(
    module: str, attribute: str, path: help_texts.Path, lang: str, support: bool
) -> ClickCommand:
    """A command, its help in `lang` (built once per language), authorized when run."""
    command = build_command(module, attribute, path[-1])
    help_texts.translate(command, path, lang)
    _authorized_when_invoked(command, support=support)
    return command


def _authorized_when_invoked(command: ClickCommand, *, support: bool) -> None:
    """The one place where `[access]` is enforced: before a command runs (its
    options parsed, nothing read or opened yet), a caller outside `support_group`
    is refused a support command (`cli.registry`), and any command with a
    configuration, outbox or database of their choosing. `--help` answers before:
    a command's help shows no data, and needs no configuration read."""
    invoke = command.invoke

    def authorized(ctx: ClickContext) -> Any:
        from cli.app import authorize  # cli.app imports this module

        authorize(ctx, support=support)
        return invoke(ctx)

    command.invoke = authorized  # type: ignore[method-assign]


def build_command(module: str, attribute: str, name: str) -> ClickCommand:
    """Import a command's module and build that one command (not its neighbours:
    Typer reads every parameter of every command it builds), as the code gives it."""
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


def command_name(info: CommandInfo) -> str:
    """The name Typer gives a registered command."""
    callback_name = info.callback.__name__ if info.callback else ""
    return info.name or get_command_name(callback_name)


def command_group() -> typer.Typer:
    """A Typer on which a command module registers commands (see `cli.registry`)."""
    return typer.Typer(rich_markup_mode=None, pretty_exceptions_enable=False, add_completion=False)
