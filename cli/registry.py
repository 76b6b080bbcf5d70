"""The command table: every command's name, module and audience.

Start-up is most of a command's cost, so `sesame --help` and `--version` import
no command module and a command imports only its own: the groups read this
table, and a module is imported when one of its commands is invoked or asked
for its --help. The summaries a group lists, like every help text, come from the
catalogue (`help.<command path>`, see `cli.help_texts`), in the reader's language.

Each command has an audience: `MEMBER` (the member's own procedure, open to
anyone who can run sesame) or `SUPPORT` (support and operations: any account,
the log, the outbox, the schema, the policy), which `[access] support_group`
restricts; `cli.lazy` enforces it when a command is resolved.

In a module, top-level commands are registered on a Typer named `commands`,
and the commands of group X on one named `X_app` (see `command_module`).
"""

from __future__ import annotations

from collections.abc import Mapping

# Plain classes, not dataclasses: this module is imported by every command,
# and generating a dataclass costs about a millisecond at start-up.


MEMBER = "member"
SUPPORT = "support"


class Command:
    """A command defined in `module`, for `audience` (MEMBER or SUPPORT)."""

    __slots__ = ("audience", "module")

    def __init__(self, module: str, *, audience: str = SUPPORT) -> None:
        self.module = module
        self.audience = audience


class Group:
    """A group of commands (`sesame account …`), itself only a table."""

    __slots__ = ("commands",)

    def __init__(self, commands: Table) -> None:
        self.commands = commands


Table = Mapping[str, "Command | Group"]

_PROCEDURE = "cli.procedure_commands"
_POLICY = "cli.policy_commands"
_OUTBOX = "cli.outbox_commands"
_SCHEMA = "cli.schema_commands"
_TEMPLATES = "cli.templates_commands"

COMMANDS: Table = {
    "login": Command(_PROCEDURE, audience=MEMBER),
    "unlock": Command(_PROCEDURE, audience=MEMBER),
    "forgot": Command(_PROCEDURE, audience=MEMBER),
    "send-code": Command(_PROCEDURE, audience=MEMBER),
    "reset": Command(_PROCEDURE, audience=MEMBER),
    # Support: an account's state, failures and flow answer no secret (and an
    # unknown identifier would say which accounts exist).
    "status": Command("cli.status_commands"),
    "account": Group(
        {
            "add": Command("cli.account.add"),
            "list": Command("cli.account.listing"),
            "show": Command("cli.account.show"),
            "explain": Command("cli.account.explain"),
            "edit": Command("cli.account.edit"),
            "disable": Command("cli.account.disable"),
            "enable": Command("cli.account.enable"),
            "unlock": Command("cli.account.unlock"),
            "send-reset": Command("cli.account.send_reset"),
            "import": Command("cli.account.importing"),
            "export": Command("cli.account.export"),
        },
    ),
    "audit": Command("cli.audit_commands"),
    "metrics": Command("cli.metrics_commands"),
    "outbox": Group(
        {
            "list": Command(_OUTBOX),
            "show": Command(_OUTBOX),
            "flush": Command(_OUTBOX),
            "retry": Command(_OUTBOX),
            "deliver": Command(_OUTBOX),
        },
    ),
    "db": Group(
        {
            "current": Command(_SCHEMA),
            "upgrade": Command(_SCHEMA),
            "copy": Command(_SCHEMA),
        },
    ),
    "policy": Group(
        {"check": Command(_POLICY), "simulate": Command(_POLICY)},
    ),
    "templates": Group(
        {
            "list": Command(_TEMPLATES),
            "show": Command(_TEMPLATES),
            "check": Command(_TEMPLATES),
        },
    ),
    "spec": Command("cli.spec_commands", audience=MEMBER),
    "demo": Command("cli.demo", audience=MEMBER),
    # Operators run the member pages: the server reads every account and writes the outbox.
    "serve": Command("cli.serve"),
    "shell": Command("cli.shell.command"),
}


def typer_attribute(group: str | None) -> str:
    """The name of the Typer, in a command module, that holds a group's commands."""
    return f"{group}_app" if group else "commands"
