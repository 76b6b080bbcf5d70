"""Tab in the console: commands and subcommands from the command table, options and
their choices from the Click parameters of the command as the executable builds
it, and account identifiers (the start of a NIR or of an email address) from the
database (`db.completion`, an index range)."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from cli import registry
from cli.shell import resolve

if TYPE_CHECKING:
    from typer._click.core import Command
    from typer.core import TyperOption

    from db.completion import Candidate

Lookup = Callable[[str], list["Candidate"]]


class SesameCompleter(Completer):
    """`lookup` gives the accounts whose identifier begins with a typed prefix."""

    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup

    def get_completions(self, document: Document, event: CompleteEvent) -> Iterator[Completion]:
        words, word = split_for_completion(document.text_before_cursor)
        try:
            found = candidates(words, word, self.lookup)
        except Exception:  # a completion never interrupts the line being typed
            return
        for text, meta in found:
            yield Completion(text, start_position=-len(word), display_meta=meta)


def split_for_completion(text: str) -> tuple[list[str], str]:
    """The finished words, and the one being typed ('' after a space)."""
    try:
        words = shlex.split(text)
    except ValueError:  # an open quote: the word being typed starts with it
        words = text.split()
    if not text or text[-1].isspace():
        return resolve.without_program(words), ""
    return resolve.without_program(words[:-1]), words[-1] if words else ""


def candidates(words: list[str], word: str, lookup: Lookup) -> list[tuple[str, str]]:
    """What may follow `words` and begins with `word`: (text, meta) pairs."""
    if not words:
        return _starting(word, [*registry.COMMANDS, *resolve.BUILTINS])
    if words[0] == "use":
        return _identifiers(word, lookup) if len(words) == 1 else []
    if words[0] == "help":
        return _names(resolve.resolve(words[1:]), word)
    found = resolve.resolve(words)
    if isinstance(found.entry, registry.Group) and not found.rest:
        return _names(found, word)
    if not isinstance(found.entry, registry.Command):
        return []
    command = resolve.command(found.path)
    if command is None:
        return []
    return _parameters(command, found.rest, word, lookup)


def _names(found: resolve.Resolved, word: str) -> list[tuple[str, str]]:
    """The commands of the group `found` names (the root when it names none)."""
    if found.rest:
        return []
    if found.entry is None:
        return _starting(word, registry.COMMANDS)
    if isinstance(found.entry, registry.Group):
        return _starting(word, found.entry.commands)
    return []


def _parameters(
    command: Command, rest: list[str], word: str, lookup: Lookup
) -> list[tuple[str, str]]:
    options = _options(command)
    previous = options.get(rest[-1]) if rest else None
    if previous is not None and not previous.is_flag and not previous.count:
        return _values(previous, word, lookup)
    if word.startswith("-"):
        return _starting(word, [*options, "--help"])
    if word and resolve.id_argument(command) is not None:
        return _identifiers(word, lookup)
    return []


def _options(command: Command) -> dict[str, TyperOption]:
    from typer.core import TyperOption

    found: dict[str, TyperOption] = {}
    for param in command.params:
        if isinstance(param, TyperOption):
            for name in [*param.opts, *param.secondary_opts]:
                found[name] = param
    return found


def _values(option: TyperOption, word: str, lookup: Lookup) -> list[tuple[str, str]]:
    from typer._types import TyperChoice

    if isinstance(option.type, TyperChoice):
        return _starting(word, [str(choice) for choice in option.type.choices])
    if option.metavar == "ID" and word:
        return _identifiers(word, lookup)
    return []


def _identifiers(word: str, lookup: Lookup) -> list[tuple[str, str]]:
    return [(c.ident, c.state) for c in lookup(word)] if word else []


def _starting(word: str, names: Iterable[str]) -> list[tuple[str, str]]:
    return [(name, "") for name in names if name.startswith(word)]
