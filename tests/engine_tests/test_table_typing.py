"""Rows are typed by event: mypy rejects a rule written for another event.

The snippet below is checked by mypy as the project checks engine/ (strict).
The right rows must pass and the wrong one must fail on its own line: if the
row builder lost its typing (a rule typed `Callable[..., Decision]` or `Any`),
the wrong row would pass and this test would fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from mypy import api

ROOT = Path(__file__).resolve().parents[2]
SNIPPET = """\
from engine.events import IdentityChecked, PasswordChecked
from engine.row import on
from engine.outcomes import Code
from engine.rules import refuse
from engine.rules_login import login_active
from engine.rules_recovery import identity_active

right = on(None, PasswordChecked, login_active, outcomes={Code.LOGGED_IN})
for_any_event = on(None, IdentityChecked, refuse(Code.NO_CHANNEL), outcomes={Code.NO_CHANNEL})
wrong = on(None, PasswordChecked, identity_active, outcomes={Code.LOGGED_IN})
"""
WRONG_LINE = 10


def test_a_rule_for_another_event_is_a_mypy_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    snippet = tmp_path / "rows.py"
    snippet.write_text(SNIPPET)
    monkeypatch.chdir(ROOT)  # mypy finds engine/ from the working directory
    report, errors, status = api.run(
        [
            str(snippet),
            "--strict",
            "--follow-imports=silent",
            "--no-error-summary",
            f"--cache-dir={tmp_path / 'cache'}",
        ]
    )
    assert errors == ""
    lines = report.splitlines()
    assert len(lines) == 1, report
    assert lines[0].startswith(f'{snippet}:{WRONG_LINE}: error: Argument 3 to "on"'), report
    assert "[arg-type]" in lines[0]
    assert status == 1
