"""Every help text comes from the catalogue, in French and in English.

A command's help is `help.<command path>` in engine/messages_help.py, an option's
or argument's `help.<command path>.<parameter name>` (or `help.*.<name>` when many
commands share it); see cli/help_texts.py. These tests walk the whole command
tree, so a new command or option with a plain `help="..."` (or a docstring) fails
here, naming the key to add.
"""

from __future__ import annotations

import re

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from cli import help_texts, registry
from cli.app import app
from cli.lazy import LazyGroup, build_command
from engine import messages, messages_help
from engine.languages import LANGS

HOW = "add it to engine/messages_help.py as (French, English)"


def _paths(table: registry.Table, path: tuple[str, ...] = ()):
    for name, entry in table.items():
        yield (*path, name), entry
        if isinstance(entry, registry.Group):
            yield from _paths(entry.commands, (*path, name))


PATHS = [((), None), *_paths(registry.COMMANDS)]
IDS = ["sesame " + " ".join(path) for path, _ in PATHS]


def _command(path: tuple[str, ...], lang: str):
    """The command at `path` as `--help` shows it in `lang`."""
    from typer._click.core import Context

    command = get_command(app)
    help_texts.translate(command, (), lang)
    for depth, name in enumerate(path):
        assert isinstance(command, LazyGroup)
        parent = Context(command, info_name=path[depth - 1] if depth else "sesame")
        parent.params["lang"] = lang
        command = command.get_command(parent, name)
        assert command is not None, path
    return command


def _parameters(command):
    from typer._click.core import Context

    help_option = command.get_help_option(Context(command))
    return [p for p in [*command.params, help_option] if p is not None]


def _shown(param) -> str:
    return "/".join(param.opts) if param.param_type_name == "option" else param.name.upper()


@pytest.mark.parametrize(("path", "entry"), PATHS, ids=IDS)
@pytest.mark.parametrize("lang", LANGS)
def test_every_command_option_and_argument_has_catalogue_help(path, entry, lang):
    command = _command(path, lang)
    where = "sesame " + " ".join(path)
    key = help_texts.command_key(path)
    assert messages_help.TEXTS.get(key), f"`{where}` has no help: {HOW}: {key!r}"
    assert command.help == help_texts.command_help(path, lang)
    for param in _parameters(command):
        own, shared = help_texts.parameter_keys(path, param.name)
        expected = help_texts.parameter_help(path, param.name, lang)
        assert expected, f"`{where} {_shown(param)}` has no help: {HOW}: {own!r} (or {shared!r})"
        assert param.help == expected, (where, param.name)


@pytest.mark.parametrize(("path", "entry"), PATHS, ids=IDS)
def test_french_and_english_help_differ(path, entry):
    french, english = _command(path, "fr"), _command(path, "en")
    where = "sesame " + " ".join(path)
    assert french.help != english.help, f"`{where}`: {help_texts.command_key(path)!r}"
    for fr, en in zip(_parameters(french), _parameters(english), strict=True):
        key = help_texts.parameter_keys(path, fr.name)
        assert fr.help != en.help, f"`{where} {_shown(fr)}`: the same text in both: {key}"


COMMANDS = [(path, entry) for path, entry in PATHS if isinstance(entry, registry.Command)]


@pytest.mark.parametrize(
    ("path", "entry"), COMMANDS, ids=["sesame " + " ".join(p) for p, _ in COMMANDS]
)
def test_the_code_gives_no_help_text_of_its_own(path, entry):
    """One source for each text: a docstring or a `help=` in a command module would
    be English only, or drift from the catalogue."""
    attribute = registry.typer_attribute(path[0] if len(path) > 1 else None)
    command = build_command(entry.module, attribute, path[-1])
    where = "sesame " + " ".join(path)
    key = help_texts.command_key(path)
    assert command.help is None, (
        f"`{where}` takes its help from its docstring: move the text to the catalogue "
        f"({HOW}: {key!r}) and remove the docstring"
    )
    for param in command.params:
        own = help_texts.parameter_keys(path, param.name)[0]
        assert getattr(param, "help", None) is None, (
            f"`{where} {_shown(param)}` has help= in the code: move the text to the "
            f"catalogue ({HOW}: {own!r}) and remove help="
        )


def test_the_root_gives_no_help_text_of_its_own():
    command = get_command(app)
    assert command.help is None
    assert [p.name for p in command.params if getattr(p, "help", None)] == []


def test_every_help_key_belongs_to_a_command_or_a_parameter():
    """No dead entry: a renamed option or command leaves none behind."""
    used = {"heading.commands"}
    for path, _ in PATHS:
        used.add(help_texts.command_key(path))
        for param in _parameters(_command(path, "en")):
            own, shared = help_texts.parameter_keys(path, param.name)
            used.add(own if own in messages_help.TEXTS else shared)
    assert set(messages_help.TEXTS) - used == set()


def test_help_texts_are_in_the_catalogue():
    for key, pair in messages_help.TEXTS.items():
        assert messages.has(key)
        assert [messages.text(key, lang) for lang in LANGS] == list(pair)


# --- as people see it -------------------------------------------------------------------


def _help(*args: str, env: dict[str, str | None] | None = None) -> str:
    base: dict[str, str | None] = {
        "SESAME_LANG": None,
        "LC_ALL": None,
        "LC_MESSAGES": None,
        "LANG": "C",
    }
    result = CliRunner().invoke(app, list(args), env={**base, **(env or {})})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.sqlite_only  # help opens no database
def test_account_show_help_in_french_and_english():
    french = _help("--lang", "fr", "account", "show", "--help")
    assert "Consulter un compte : état, derniers événements, messages." in french
    assert "  ID  NIR ou adresse email enregistrée.  [required]" in french
    assert "--json  Écrire exactement un document JSON sur la sortie standard." in french
    assert "--help  Afficher cette aide et quitter." in french
    english = _help("--lang", "en", "account", "show", "--help")
    assert "Inspect an account: status, last events, messages." in english
    assert "  ID  NIR or registered email.  [required]" in english
    assert "--json  Print exactly one JSON document on stdout." in english


@pytest.mark.sqlite_only  # help opens no database
@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--lang", "fr", "--help"), {}),
        (("--lang=fr", "--help"), {}),
        (("--help",), {"SESAME_LANG": "fr"}),
        (("--help",), {"LANG": "fr_FR.UTF-8"}),
        (("--lang", "fr", "--help"), {"SESAME_LANG": "en", "LANG": "en_US.UTF-8"}),
    ],
)
def test_root_help_follows_lang_then_sesame_lang_then_the_locale(args, env):
    shown = _help(*args, env=env)
    assert "Blocage des comptes et déblocage en libre-service" in shown
    assert "Commandes:\n" in shown
    assert "  account    Créer, consulter, modifier et débloquer des comptes." in shown
    assert "  --lang <str>          fr ou en (par défaut : selon la locale)." in shown


@pytest.mark.sqlite_only  # help opens no database
@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--help",), {}),  # no locale: English, as every other text
        (("--lang", "en", "--help"), {"LANG": "fr_FR.UTF-8"}),
        (("--help",), {"SESAME_LANG": "en", "LANG": "fr_FR.UTF-8"}),
    ],
)
def test_root_help_in_english(args, env):
    shown = _help(*args, env=env)
    assert "Account lockout and self-service recovery" in shown
    assert "Commands:\n" in shown
    assert "  account    Provision, inspect, change and unlock accounts." in shown


@pytest.mark.sqlite_only  # help opens no database
def test_group_and_command_help_follow_sesame_lang_and_the_locale():
    group = _help("account", "--help", env={"SESAME_LANG": "fr"})
    assert re.search(r"^  unlock +Débloquer un compte, ou plusieurs\.$", group, re.MULTILINE)
    command = _help("account", "unlock", "--help", env={"LANG": "fr_FR.UTF-8"})
    assert "Débloquer un compte, ou plusieurs." in command
    assert "Avec --all-locked : bloqués depuis 2h, 2026-11-20…" in command
    english = _help("--lang", "en", "account", "unlock", "--help", env={"SESAME_LANG": "fr"})
    assert "With --all-locked: locked since 2h, 2026-11-20…" in english
