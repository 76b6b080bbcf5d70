"""`--help` in the reader's language: every help text comes from the catalogue.

A command's help is the catalogue entry `help.<path>` (`help.account.show`; the
root is `help.sesame`), and the summary its group lists is that entry's first
paragraph. An option's or argument's help is `help.<path>.<parameter>`, by the
parameter's Python name (`help.account.import.dry_run`), or `help.*.<parameter>`
for one shared by many commands (`--json`, `--help`). The texts are in
engine/messages_help.py; command functions have no docstring and their options
no `help=` (one source for each text). `tests/cli_tests/test_cli_help.py` checks
every command, option and argument.

Click renders help while it parses, before the root's callback: `sesame --lang en
--help` prints the root's help before `--lang` is processed. So the language is
read from the arguments as given (`--lang`), then SESAME_LANG, then the locale,
by the rule `Globals.language()` applies (engine.languages).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from engine import messages_help
from engine.languages import LANGS, chosen_lang

if TYPE_CHECKING:
    from typer._click.core import Command as ClickCommand
    from typer._click.core import Context as ClickContext

Path = tuple[str, ...]
ROOT = "sesame"
SHARED = "*"


def language(ctx: ClickContext | None) -> str:
    """The language to show help in (see the module's docstring)."""
    given: str | None = None
    if ctx is not None:
        root = ctx.find_root()
        given = root.params.get("lang") or _lang_argument(root.meta.get("sesame_args", []))
    return chosen_lang(given or os.environ.get("SESAME_LANG"), os.environ)


def _lang_argument(args: list[str]) -> str | None:
    """The value of `--lang X` or `--lang=X` among the root's arguments, if any."""
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.removeprefix("--lang=")
    return None


def command_key(path: Path) -> str:
    return ".".join(("help", *(path or (ROOT,))))


def parameter_keys(path: Path, name: str) -> tuple[str, str]:
    """The command's own key for a parameter, then the shared one."""
    return f"{command_key(path)}.{name}", f"help.{SHARED}.{name}"


def lookup(key: str, lang: str) -> str | None:
    pair = messages_help.TEXTS.get(key)
    return None if pair is None else pair[LANGS.index(lang)]


def command_help(path: Path, lang: str) -> str | None:
    return lookup(command_key(path), lang)


def summary(path: Path, lang: str) -> str:
    """The first paragraph of a command's help, on one line (what its group lists)."""
    return " ".join((command_help(path, lang) or "").split("\n\n")[0].split())


def parameter_help(path: Path, name: str, lang: str) -> str | None:
    own, shared = parameter_keys(path, name)
    found = lookup(own, lang)
    return found if found is not None else lookup(shared, lang)


def translate(command: ClickCommand, path: Path, lang: str) -> None:
    """Give `command` and each of its parameters (`--help` included) its catalogue help.
    A text missing from the catalogue keeps what the code gave (the help test fails)."""
    from typer._click.core import Context

    command.help = command_help(path, lang) or command.help
    help_option = command.get_help_option(Context(command))
    for param in [*command.params, *([help_option] if help_option else [])]:
        if param.name is None or not hasattr(param, "help"):
            continue
        param.help = parameter_help(path, param.name, lang) or param.help
