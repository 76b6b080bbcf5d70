"""`sesame spec` prints the transition table, and docs/spec.md is that print."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.spec_commands import markdown
from engine.machine import TRANSITIONS

SPEC = Path(__file__).resolve().parents[2] / "docs" / "spec.md"


def test_docs_spec_is_the_output_of_sesame_spec():
    """Regenerate with `sesame spec > docs/spec.md` after changing the table."""
    assert SPEC.read_text(encoding="utf-8") == markdown()


@pytest.mark.sqlite_only  # the table needs no database
def test_sesame_spec_prints_every_row(sesame):
    shown = sesame("spec", lang="en")
    assert (shown.exit_code, shown.stdout, shown.stderr) == (0, markdown(), "")
    rows = [line for line in shown.stdout.splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) == len(TRANSITIONS)
    assert (
        "| locked | UnlockedBySupport | `unlocked_by_support` | account: active; "
        "flow: code_sent, superseded | `unlocked`, `channel_unavailable`, `send_limited` "
        "| Audit, SendEmail, SendSms |"
    ) in rows
    assert (
        "| locked | ResetSentBySupport | `reset_sent_by_support` | flow: code_sent, superseded "
        "| `reset_sent`, `channel_unavailable`, `send_limited` | Audit, SendEmail, SendSms |"
    ) in rows
