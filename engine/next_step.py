"""What a successful outcome leaves the member to do next, in the same command.

A command continues after three answers: a temporary password accepted at
login and a secret verified by `reset` both ask for the new password; an
identity checked without a channel asks which channel. Every face (the
command line, the member pages) asks the same question for the same outcome.
"""

from __future__ import annotations

from enum import StrEnum

from engine.events import Outcome
from engine.outcomes import Code


class Next(StrEnum):
    """The question the member answers to carry the step on."""

    NEW_PASSWORD = "new_password"
    CHANNEL = "channel"


_AFTER: dict[Code, Next] = {
    Code.TEMPORARY_PASSWORD_ACCEPTED: Next.NEW_PASSWORD,
    Code.CODE_VERIFIED: Next.NEW_PASSWORD,
    Code.CHOOSE_CHANNEL: Next.CHANNEL,
}


def next_step(outcome: Outcome) -> Next | None:
    """The question after `outcome`, or None when the command's work is done."""
    return _AFTER.get(outcome.code) if outcome.ok else None
