"""A command imports only what it needs (start-up is most of a command's cost).

Not a timing test: `python -X importtime` lists every module a real run
imported, and the test fails when a heavy one appears where it has no use.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers import DOB, NIR, PASSWORD, lines

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
)
COMMAND_MODULES = {
    "cli.procedure_commands",
    "cli.account_commands",
    "cli.support_commands",
    "cli.transfer_commands",
    "cli.outbox_commands",
    "cli.schema_commands",
    "cli.demo",
}


def _imported(home, *args: str, stdin: str = "") -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESAME_")}
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
    return modules


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


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["--help"], ()),
        (["--version"], ()),
        (["login", "--help"], ()),
        (["status", NIR, "--json"], ()),
        (["status", NIR], ("tabulate",)),
        (["account", "list", "--state", "locked", "--limit", "50"], ("tabulate",)),
        (["login", NIR], ("argon2",)),
        (["unlock", NIR, "--dob", DOB, "--json"], ()),
    ],
)
def test_commands_import_only_what_they_need(installed, args, allowed):
    modules = _imported(installed, *args, stdin=lines("wrong password"))
    assert "cli.main" in modules  # the measurement itself worked
    unwanted = {m for m in modules for heavy in HEAVY if m == heavy and heavy not in allowed}
    assert unwanted == set()
    if args[0].startswith("--") or "--help" in args:
        assert not any(m == "sqlalchemy" or m.startswith("sqlalchemy.") for m in modules)
        # Registering the commands needs only the engine's states, not its machinery.
        assert modules & {"engine.model", "engine.rules", "engine.identity", "db.store"} == set()
    # The root's help and version load no command module; a command loads its own.
    own = {
        "status": "cli.account_commands",
        "account": "cli.account_commands",
        "login": "cli.procedure_commands",
    }
    expected = {own[args[0]]} if args[0] in own else set()
    if args[0] == "unlock":
        expected = {"cli.procedure_commands"}
    assert modules & COMMAND_MODULES == expected
    if args[0] in ("status", "account") and "--help" not in args:
        # Read-only views need the records, not the machine that changes them.
        assert (
            modules & {"engine.machine", "engine.rules", "engine.events", "db.unit_of_work"}
            == set()
        )
