"""The command table (`cli.registry`) agrees with the commands it loads lazily."""

from __future__ import annotations

import pytest

from cli import registry
from cli.lazy import command_name


def _entries(table: registry.Table, path: tuple[str, ...] = ()):
    for name, entry in table.items():
        yield (*path, name), entry
        if isinstance(entry, registry.Group):
            yield from _entries(entry.commands, (*path, name))


ENTRIES = list(_entries(registry.COMMANDS))


def test_every_registered_command_is_in_the_table():
    """A command registered in a module but missing from the table (or on a Typer
    the loader does not look at) could never run."""
    from importlib import import_module

    import typer

    for module in {e.module for _, e in ENTRIES if isinstance(e, registry.Command)}:
        loaded = import_module(module)
        for attribute, typer_app in vars(loaded).items():
            if not isinstance(typer_app, typer.Typer):
                continue
            group = None if attribute == "commands" else attribute.removesuffix("_app")
            assert registry.typer_attribute(group) == attribute, (module, attribute)
            assert group is None or isinstance(registry.COMMANDS.get(group), registry.Group)
            table = registry.COMMANDS if group is None else registry.COMMANDS[group].commands
            for info in typer_app.registered_commands:
                name = command_name(info)
                assert name in table, (module, attribute, name)
                assert table[name].module == module


# The member's own procedure (and the demo, on its own throw-away home); everything
# else acts on any account or on the installation, and `[access]` restricts it.
MEMBER_COMMANDS = {"login", "unlock", "forgot", "send-code", "reset", "spec", "demo"}


def test_every_command_is_classified_member_or_support():
    audiences = {
        " ".join(path): entry.audience
        for path, entry in ENTRIES
        if isinstance(entry, registry.Command)
    }
    assert set(audiences.values()) == {registry.MEMBER, registry.SUPPORT}
    assert {name for name, audience in audiences.items() if audience == registry.MEMBER} == (
        MEMBER_COMMANDS
    )


# --- what the lazy groups took over from Typer's own -----------------------------------


@pytest.mark.sqlite_only  # help and usage open no database
def test_root_help_lists_the_table_in_order(sesame):
    shown = sesame("--help", lang="en").stdout
    section = shown.split("Commands:")[1].splitlines()
    listed = [line.split()[0] for line in section if line[:2] == "  " and line[2:3] != " "]
    assert listed == list(registry.COMMANDS)
    assert "  status     Show an account, or without ID the dashboard." in shown


@pytest.mark.sqlite_only  # help and usage open no database
def test_groups_without_a_command_show_their_help_with_exit_2(sesame):
    shown = sesame("account", lang="en")
    assert shown.exit_code == 2
    assert "Provision, inspect, change and unlock accounts." in shown.stdout + shown.stderr
    assert "  import      Create accounts from a CSV file." in shown.stdout + shown.stderr
    assert (
        "  send-reset  Send the member a reset without unlocking the account."
        in shown.stdout + shown.stderr
    )


@pytest.mark.sqlite_only  # help and usage open no database
def test_unknown_commands_suggest_the_nearest_at_every_level(sesame):
    root = sesame("acount", lang="en")
    assert root.exit_code == 2
    assert "No such command 'acount'. Did you mean 'account'?" in root.stderr
    group = sesame("account", "lst", "--json", lang="en")
    assert group.exit_code == 2
    assert group.json()["error"]["code"] == "invalid_input"
    assert "Did you mean 'list'?" in group.json()["error"]["message"]
    option = sesame("account", "list", "--bogus", "--json", lang="en")
    assert option.exit_code == 2
    assert option.json()["ok"] is False
