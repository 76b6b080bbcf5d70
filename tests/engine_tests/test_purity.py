"""engine/ is pure (docs/design.md): no I/O module, no clock, no randomness.

ruff's banned-api says the same for imports; this test also catches the
clock read through `datetime.now()` / `date.today()`, which ruff does not.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import engine

ENGINE_DIR = Path(engine.__file__).parent
BANNED_MODULES = frozenset(
    {"os", "pathlib", "time", "secrets", "random", "subprocess", "sqlalchemy", "typer", "socket"}
)
CLOCK_READS = frozenset({"now", "utcnow", "today"})
CLOCK_OWNERS = frozenset({"datetime", "date"})


def impurities(source: str) -> list[str]:
    """Each banned import or clock read in `source`, as "line: what"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        if isinstance(node, ast.Import | ast.ImportFrom):
            found += [
                f"{node.lineno}: import {name}"
                for name in names
                if name.split(".")[0] in BANNED_MODULES
            ]
        # A reference is enough (`today = date.today` reads the clock later).
        if isinstance(node, ast.Attribute) and node.attr in CLOCK_READS:
            owner = node.value
            owner_name = (
                owner.id
                if isinstance(owner, ast.Name)
                else owner.attr
                if isinstance(owner, ast.Attribute)
                else None
            )
            if owner_name in CLOCK_OWNERS:
                found.append(f"{node.lineno}: {owner_name}.{node.attr}")
    return found


ENGINE_FILES = sorted(ENGINE_DIR.glob("*.py"))


def test_engine_files_are_found() -> None:
    names = {path.name for path in ENGINE_FILES}
    assert {"machine.py", "model.py", "passwords.py", "policy.py", "messages.py"} <= names


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda path: path.name)
def test_engine_module_is_pure(path: Path) -> None:
    assert impurities(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import os", ["1: import os"]),
        ("import os.path as p", ["1: import os.path"]),
        ("from pathlib import Path", ["1: import pathlib"]),
        ("import json, time", ["1: import time"]),
        ("from secrets import token_hex", ["1: import secrets"]),
        ("import random", ["1: import random"]),
        ("import subprocess", ["1: import subprocess"]),
        ("from sqlalchemy.engine import Connection", ["1: import sqlalchemy.engine"]),
        ("import typer", ["1: import typer"]),
        ("import socket", ["1: import socket"]),
        ("def f():\n    import os\n", ["2: import os"]),
        ("from datetime import datetime\nx = datetime.now(UTC)", ["2: datetime.now"]),
        ("import datetime\nx = datetime.datetime.now()", ["2: datetime.now"]),
        ("x = date.today()", ["1: date.today"]),
        ("x = datetime.utcnow()", ["1: datetime.utcnow"]),
        ("today = date.today\nx = today()", ["1: date.today"]),
        ("from datetime import datetime, timedelta\nfrom . import os", []),
        ("import ospath\nfrom timeit import timeit\nx = ctx.now", []),
        ("x = datetime.fromisoformat(s)", []),
    ],
)
def test_the_checker_itself(source: str, expected: list[str]) -> None:
    assert impurities(source) == expected
