"""Console entry point: the application with every command registered."""

from __future__ import annotations

import sys

from cli import (
    account_commands,
    demo,
    outbox_commands,
    procedure_commands,
    schema_commands,
    support_commands,
    transfer_commands,
)
from cli.app import app

__all__ = ["app", "main"]
_REGISTERED = (
    account_commands,
    demo,
    outbox_commands,
    procedure_commands,
    schema_commands,
    support_commands,
    transfer_commands,
)


def main() -> None:
    try:
        app(prog_name="sesame")
    except BrokenPipeError:
        sys.stderr.write("sesame: broken pipe\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
