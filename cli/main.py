"""Console entry point: the application; its commands load from `cli.registry`."""

from __future__ import annotations

import sys

from cli.app import app, silence_stdout

__all__ = ["app", "main"]


def main(args: list[str] | None = None) -> None:
    """The `sesame` executable (`args` None: the command line); `sesame shell` runs
    each of its lines through here too."""
    try:
        app(args=args, prog_name="sesame")
    except BrokenPipeError:  # outside a command (`sesame --help | head -1`)
        silence_stdout()
        sys.exit(0)


if __name__ == "__main__":
    main()
