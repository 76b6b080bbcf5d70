"""The README's promise about the test summary: every collected test is counted
as passed, failed, skipped (with its reason) or deselected, and the summary says
which of the deselected are the PostgreSQL copies of sqlite_only tests."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TWINS = re.compile(
    r"^(\d+) deselected: the PostgreSQL copy of each sqlite_only test "
    r"\(a property of SQLite files, run on SQLite only\)$",
    re.M,
)


def _pytest(*args: str) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests/cli_tests/test_cli_registry.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


def _counts(summary: str) -> dict[str, int]:
    last = summary.strip().splitlines()[-1]
    return {word: int(n) for n, word in re.findall(r"(\d+) (passed|skipped|deselected)", last)}


def test_the_summary_names_the_postgresql_copies_it_deselected():
    collected = _pytest("--collect-only")
    total = len([line for line in collected.splitlines() if "::" in line])
    ran = _pytest()
    [twins] = [int(n) for n in TWINS.findall(ran)]
    counts = _counts(ran)
    assert twins > 0 and counts["deselected"] == twins
    assert counts.get("passed", 0) + counts.get("skipped", 0) == total
    narrowed = _pytest("-k", "not sqlite")
    assert [int(n) for n in TWINS.findall(narrowed)] == [twins]
    assert _counts(narrowed)["deselected"] > twins  # -k's own are counted apart
