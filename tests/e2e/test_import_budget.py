"""A command imports only what it needs (start-up is most of a command's cost).

Not a timing test: `python -X importtime` lists every module a real run
imported, and the test fails when a heavy one appears where it has no use.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import DOB, NIR, PASSWORD, clean_environment, lines

HEAVY = (
    "alembic",
    "argon2",
    "phonenumbers",
    "email_validator",
    "tabulate",
    "sqlalchemy.orm",
    "sqlalchemy.dialects.postgresql",
    "pydantic",
    "rich",
    "tomllib",
    "prompt_toolkit",  # the console's terminal only (`sesame shell` on a terminal)
)
COMMAND_MODULES = {
    "cli.procedure_commands",
    "cli.status_commands",
    "cli.audit_commands",
    "cli.account.add",
    "cli.account.listing",
    "cli.account.show",
    "cli.account.explain",
    "cli.account.edit",
    "cli.account.disable",
    "cli.account.enable",
    "cli.account.unlock",
    "cli.account.importing",
    "cli.account.export",
    "cli.policy_commands",
    "cli.outbox_commands",
    "cli.schema_commands",
    "cli.demo",
    "cli.shell.command",
}


def _imported(home, *args: str, stdin: str = "") -> tuple[int, set[str]]:
    env = clean_environment()
    completed = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "cli", "--home", str(home), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    modules = set()
    for line in completed.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            modules.add(line.rsplit("|", 1)[1].strip())
    return completed.returncode, modules


@pytest.fixture
def installed(tmp_path):
    home = tmp_path / "home"
    add = ["account", "add", "--nir", NIR, "--dob", DOB]
    subprocess.run(
        [sys.executable, "-m", "cli", "--home", str(home), *add],
        input=lines(PASSWORD, PASSWORD),
        check=True,
        capture_output=True,
        text=True,
    )
    return home


OWN_MODULE = {
    "status": "cli.status_commands",
    "account list": "cli.account.listing",
    "account show": "cli.account.show",
    "account explain": "cli.account.explain",
    "audit": "cli.audit_commands",
    "login": "cli.procedure_commands",
    "unlock": "cli.procedure_commands",
    "shell": "cli.shell.command",
}
MACHINE = {"engine.machine", "engine.rules", "engine.events", "db.unit_of_work"}


@pytest.mark.parametrize(
    ("args", "allowed", "exit_code"),
    [
        (["--help"], (), 0),
        (["--version"], (), 0),
        (["login", "--help"], (), 0),
        (["shell", "--help"], (), 0),
        (["status", NIR, "--json"], (), 0),
        (["status", NIR], ("tabulate",), 0),
        (["account", "list", "--state", "locked", "--limit", "50"], ("tabulate",), 0),
        (["account", "show", NIR, "--json"], (), 0),
        (["account", "explain", NIR, "--json"], (), 0),
        (["audit", "--json"], (), 0),
        (["login", NIR], ("argon2",), 3),
        (["unlock", NIR, "--dob", DOB, "--json"], (), 5),  # not locked: the machine says so
    ],
)
def test_commands_import_only_what_they_need(installed, args, allowed, exit_code):
    code, modules = _imported(installed, *args, stdin=lines("wrong password"))
    assert code == exit_code  # the command did its work: a refusal imports less
    assert "cli.main" in modules  # the measurement itself worked
    unwanted = {m for m in modules for heavy in HEAVY if m == heavy and heavy not in allowed}
    assert unwanted == set()
    if args[0].startswith("--") or "--help" in args:
        assert not any(m == "sqlalchemy" or m.startswith("sqlalchemy.") for m in modules)
        # Help needs the command's parameters, not the engine's machinery.
        assert modules & {"engine.model", "engine.rules", "engine.identity", "db.store"} == set()
    # The root's help and version load no command module; a command loads its own.
    command = " ".join(args[:2]) if args[0] == "account" else args[0]
    expected = {OWN_MODULE[command]} if command in OWN_MODULE else set()
    assert modules & COMMAND_MODULES == expected
    if args[0] in ("status", "account", "audit") and "--help" not in args:
        # Read-only views need the records, not the machine that changes them.
        assert modules & MACHINE == set()
