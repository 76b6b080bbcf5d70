"""The command table (`cli.registry`) agrees with the commands it loads lazily."""

from __future__ import annotations

import pytest
from typer.main import get_command

from cli import registry
from cli.app import app
from cli.lazy import LazyGroup, command_name


def _entries(table: registry.Table, path: tuple[str, ...] = ()):
    for name, entry in table.items():
        yield (*path, name), entry
        if isinstance(entry, registry.Group):
            yield from _entries(entry.commands, (*path, name))


ENTRIES = list(_entries(registry.COMMANDS))


@pytest.mark.parametrize(("path", "entry"), ENTRIES, ids=[" ".join(p) for p, _ in ENTRIES])
def test_every_summary_is_the_first_line_of_its_commands_help(path, entry):
    command = get_command(app)
    for name in path:
        assert isinstance(command, LazyGroup)
        command = command.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None, path
    assert (command.help or "").strip().splitlines()[0] == entry.summary


def test_every_registered_command_is_in_the_table():
    """A command registered in a module but missing from the table could never run."""
    from importlib import import_module

    for module in {e.module for _, e in ENTRIES if isinstance(e, registry.Command)}:
        loaded = import_module(module)
        for attribute in ("commands", *(f"{g}_app" for g in registry.COMMANDS)):
            typer_app = getattr(loaded, attribute, None)
            if typer_app is None:
                continue
            group = None if attribute == "commands" else attribute.removesuffix("_app")
            table = registry.COMMANDS if group is None else registry.COMMANDS[group].commands
            for info in typer_app.registered_commands:
                name = command_name(info)
                assert name in table, (module, attribute, name)
                assert table[name].module == module
