"""The command table: every command's name, one-line summary and module.

Start-up is most of a command's cost, so `sesame --help` and `--version` import
no command module and a command imports only its own: the groups read this
table, and a module is imported when one of its commands is invoked or asked
for its --help. A test checks each summary against the command's docstring.

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

    __slots__ = ("audience", "module", "summary")

    def __init__(self, module: str, summary: str, audience: str = SUPPORT) -> None:
        self.module = module
        self.summary = summary
        self.audience = audience


class Group:
    """A group of commands (`sesame account …`), itself only a table."""

    __slots__ = ("commands", "summary")

    def __init__(self, summary: str, commands: Table) -> None:
        self.summary = summary
        self.commands = commands


Table = Mapping[str, "Command | Group"]

_PROCEDURE = "cli.procedure_commands"
_POLICY = "cli.policy_commands"
_OUTBOX = "cli.outbox_commands"
_SCHEMA = "cli.schema_commands"

COMMANDS: Table = {
    "login": Command(
        _PROCEDURE, "Log in with your NIR (or email) and password (prompted).", audience=MEMBER
    ),
    "unlock": Command(
        _PROCEDURE,
        "Unlock your account: NIR (or email) and date of birth, then a channel.",
        audience=MEMBER,
    ),
    "forgot": Command(
        _PROCEDURE,
        "Forgotten password: the same procedure for an account that is not locked.",
        audience=MEMBER,
    ),
    "send-code": Command(
        _PROCEDURE,
        "Send (or send again) the temporary password or link on a channel.",
        audience=MEMBER,
    ),
    "reset": Command(
        _PROCEDURE,
        "Set a new password with the SMS temporary password (ID) or the email link (--token).",
        audience=MEMBER,
    ),
    # Support: an account's state, failures and flow answer no secret (and an
    # unknown identifier would say which accounts exist).
    "status": Command("cli.status_commands", "Show an account, or without ID the dashboard."),
    "account": Group(
        "Provision, inspect, change and unlock accounts.",
        {
            "add": Command(
                "cli.account.add",
                "Create an account (the password and its confirmation are prompted).",
            ),
            "list": Command("cli.account.listing", "List accounts, newest first."),
            "show": Command(
                "cli.account.show", "Inspect an account: status, last events, messages."
            ),
            "edit": Command("cli.account.edit", "Change the email or mobile."),
            "disable": Command("cli.account.disable", "Disable an account."),
            "enable": Command("cli.account.enable", "Enable a disabled account again."),
            "unlock": Command("cli.account.unlock", "Unlock one account, or many."),
            "import": Command("cli.account.importing", "Create accounts from a CSV file."),
            "export": Command("cli.account.export", "Write accounts in the import format."),
        },
    ),
    "audit": Command("cli.audit_commands", "Read the audit log."),
    "outbox": Group(
        "Messages sent to members (SMS and email).",
        {
            "list": Command(
                _OUTBOX, "The newest messages first (destinations masked, secrets never shown)."
            ),
            "show": Command(
                _OUTBOX, "One message, its secret always replaced (the redacted copy)."
            ),
            "flush": Command(
                _OUTBOX,
                "Write every message still queued to files (after a crash, or a full disk).",
            ),
            "retry": Command(
                _OUTBOX, "Queue a failed or abandoned message again, its attempts reset."
            ),
            "deliver": Command(
                _OUTBOX,
                "Send queued messages onward: email over SMTP, SMS through a gateway command.",
            ),
        },
    ),
    "db": Group(
        "Database schema (Alembic migrations) and copies between databases.",
        {
            "current": Command(
                _SCHEMA, "The schema revision of the database and the one this sesame expects."
            ),
            "upgrade": Command(
                _SCHEMA, "Apply the migrations up to the revision this sesame expects."
            ),
            "copy": Command(
                _SCHEMA,
                "Copy a whole installation to another database (SQLite ⇄ PostgreSQL), ids kept.",
            ),
        },
    ),
    "policy": Group(
        "Check the configuration against the references.",
        {
            "check": Command(
                _POLICY, "Compare the settings with OWASP ASVS 4.0.3 and NIST SP 800-63B."
            ),
            "simulate": Command(
                _POLICY, "Print the lock timeline the policy gives the failures read on stdin."
            ),
        },
    ),
    "spec": Command(
        "cli.spec_commands",
        "Print the transition table as Markdown (states, events, outcomes, effects).",
        audience=MEMBER,
    ),
    "demo": Command(
        "cli.demo",
        "Run the whole procedure on a throw-away home, step by step (exit 0 if all is right).",
        audience=MEMBER,
    ),
}


def typer_attribute(group: str | None) -> str:
    """The name of the Typer, in a command module, that holds a group's commands."""
    return f"{group}_app" if group else "commands"
