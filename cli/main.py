"""Console entry point: the application; its commands load from `cli.registry`."""

from __future__ import annotations

import sys

from cli.app import app, silence_stdout

__all__ = ["app", "main"]


def main() -> None:
    try:
        app(prog_name="sesame")
    except BrokenPipeError:  # outside a command (`sesame --help | head -1`)
        silence_stdout()
        sys.exit(0)


if __name__ == "__main__":
    main()
