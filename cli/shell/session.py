"""One line of the console, run through the entry the `sesame` executable uses.

Each line is split as a POSIX shell would (`shlex`) and handed to `cli.main.main`
after the global options `sesame shell` was given, so a command parses, checks
access, runs and reports exactly as `sesame …` would; its exit (`SystemExit`) is
caught and shown as `[exit N]` when it is not 0, and the console goes on. The
console's own words are `use`, `help` and `exit` (`cli.shell.resolve.BUILTINS`).

The current account (`use ID`) fills the `ID` argument of a command that takes
one when the line gives none, except where a missing ID means "many accounts"
and such an option is given (`account unlock --all-locked`). With a current
account, `status` therefore shows that account; `use -` brings the dashboard back.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field

import typer

from cli.exits import exit_code
from cli.registry import Command
from cli.shell import resolve
from db.shared_engines import SharedEngines
from engine.errors import SesameError
from engine.identity import Identifier
from engine.outcomes import Code


@dataclass
class Session:
    """What the console keeps between lines."""

    base: list[str]  # the global options `sesame shell` was given, for every line
    lang: str
    engines: SharedEngines = field(default_factory=SharedEngines)
    current: Identifier | None = None
    status: int = 0  # the last command's exit status (the console's own, at the end)

    def text(self, key: str, **params: object) -> str:
        from engine import messages

        return messages.text(key, self.lang, params)

    def say(self, text: str) -> None:
        typer.echo(text, err=True)

    def run_line(self, line: str) -> bool:
        """Run one line; False when it asks to leave."""
        try:
            words = resolve.without_program(shlex.split(line))
        except ValueError as exc:
            self.say(self.text("shell.syntax", detail=str(exc)))
            self._finished(2)
            return True
        if not words:
            return True
        if words[0] == "exit":
            return False
        if words[0] == "use":
            self._finished(self._use(words[1:]))
        elif words[0] == "help":
            self._finished(self._help(words[1:]))
        elif words[0] == "shell" and "--help" not in words:
            self.say(self.text("shell.nested"))
            self._finished(2)
        else:
            self._finished(self.run_command(self._with_current(words)))
        return True

    def run_command(self, words: Sequence[str]) -> int:
        """A command, as `sesame WORDS…` would run it; its exit status."""
        from cli.app import Process
        from cli.main import main

        kept, Process.engines = Process.engines, self.engines
        try:
            main([*self.base, *words])
        except SystemExit as exc:
            return _status(exc.code)
        except KeyboardInterrupt:
            return 130
        except Exception as exc:  # outside the command's own handling: never the console's end
            self._error(SesameError(Code.INTERNAL_ERROR, params={"detail": type(exc).__name__}))
            return exit_code(Code.INTERNAL_ERROR)
        finally:
            Process.engines = kept  # the console's engines serve its own commands only
            sys.stdout.flush()  # before the status on stderr, when stdout is a pipe
        return 0

    def _finished(self, status: int) -> None:
        self.status = status
        if status == exit_code(Code.STORAGE_UNAVAILABLE):
            self.engines.forget()  # a moved file or a restarted server: open anew
        if status:
            self.say(self.text("shell.exit_status", code=status))

    def _error(self, error: SesameError) -> None:
        from cli.output import Output

        Output(self.lang, as_json=False).error(error)

    def _use(self, args: list[str]) -> int:
        from engine.identity import parse_identifier
        from engine.masks import mask_identifier

        if not args:
            shown = self.current and mask_identifier(self.current)
            self.say(
                self.text("shell.current", account=shown)
                if shown
                else self.text("shell.no_current")
            )
            return 0
        if args == ["-"]:
            self.current = None
            self.say(self.text("shell.cleared"))
            return 0
        try:
            self.current = parse_identifier(" ".join(args))  # a NIR as printed: 2 95 10 …
        except SesameError as exc:
            self._error(exc)
            return exit_code(exc.code)
        self.say(self.text("shell.current", account=mask_identifier(self.current)))
        return 0

    def _help(self, args: list[str]) -> int:
        """The catalogue's help of sesame or of a command, then the console's own words."""
        status = self.run_command([*args, "--help"])
        if not args:
            self.say(self.text("shell.builtins"))
        return status

    def _with_current(self, words: list[str]) -> list[str]:
        if self.current is None or "--help" in words:
            return words
        found = resolve.resolve(words)
        if not isinstance(found.entry, Command):
            return words
        command = resolve.command(found.path)
        argument = command and resolve.id_argument(command)
        if command is None or argument is None or argument.name is None:
            return words
        try:
            ctx = command.make_context(found.path[-1], list(found.rest), resilient_parsing=True)
        except Exception:  # the command itself will say what is wrong with the line
            return words
        if ctx.params.get(argument.name) is not None:
            return words
        if any(ctx.params.get(name) for name in resolve.MANY_ACCOUNTS.get(found.path, ())):
            return words
        return [*words, ident_text(self.current)]


def ident_text(ident: Identifier) -> str:
    """The identifier as a command's argument: the compact NIR, or the address."""
    return ident.nir.value if ident.nir is not None else ident.email or ""


def _status(code: object) -> int:
    """`SystemExit.code` as a shell shows it: None is 0, a message is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1
