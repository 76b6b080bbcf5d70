"""Console entry point: the application; its commands load from `cli.registry`."""

from __future__ import annotations

import sys

from cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    try:
        app(prog_name="sesame")
    except BrokenPipeError:
        sys.stderr.write("sesame: broken pipe\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
