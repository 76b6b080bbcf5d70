"""The console's loop: prompt_toolkit on a terminal, plain lines from a pipe.

On a terminal: completion on Tab, the history file (`cli.shell.history`), the
current account masked in the prompt; Ctrl-C cancels the line being typed, Ctrl-D
(on an empty line) or `exit` leaves. prompt_toolkit gives the terminal back in its
normal mode before a line runs, so a command's hidden prompt (`cli.prompts`,
getpass on the terminal) works as it does outside the console.

From a pipe (`sesame shell < lines.txt`): one command a line, no prompt and no
history, and a command's prompts read the next lines, as `sesame …` reads stdin.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cli.shell.session import Session

if TYPE_CHECKING:
    from db.completion import Candidate


def run_lines(session: Session) -> int:
    """Commands from a pipe, one a line; the last command's status."""
    for line in sys.stdin:
        if not session.run_line(line.rstrip("\n")):
            break
    return session.status


def run_terminal(session: Session, home: Path, lookup: Callable[[str], list[Candidate]]) -> int:
    """The interactive console; the last command's status when it is left."""
    from prompt_toolkit import PromptSession

    from cli.shell.completer import SesameCompleter
    from cli.shell.history import open_history

    prompt: PromptSession[str] = PromptSession(
        history=open_history(home),
        completer=SesameCompleter(lookup),
        complete_while_typing=False,
    )
    session.say(session.text("shell.welcome"))
    while True:
        try:
            if not session.run_line(prompt.prompt(_prompt_text(session))):
                break
        except KeyboardInterrupt:  # the line typed, or a Ctrl-C just between two commands
            continue
        except EOFError:
            break
    return session.status


def _prompt_text(session: Session) -> str:
    from engine.masks import mask_identifier

    if session.current is None:
        return "sesame> "
    return f"sesame [{mask_identifier(session.current)}]> "
