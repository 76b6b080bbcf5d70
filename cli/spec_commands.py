"""`sesame spec`: the transition table as Markdown; docs/spec.md is its output."""

from __future__ import annotations

from typing import Any, get_args

import typer

from cli.lazy import command_group

commands = command_group()

INTRO = """\
# The transition table

Printed by `sesame spec` from `engine/machine.py`; a test keeps this file equal
to that output. Each row is one transition: in a state, on an event, its rule
decides, and the row declares exactly what the decision may do: a test holds
every decision to its row, and another wants every state, outcome and effect
a row declares produced by at least one of the hand-written cases.

`step()` first applies what time has done (a lock past its end becomes
`active`, an open flow past its expiry `expired`), then looks up the row:
account events by the account's state, flow events by the state of the flow
concerned (`(no flow)` when there is none), and on a disabled account flow
events by the account's state. A pair without a row is a programming error.

- **moves to**: the states a step may move the account or a flow into (a new
  flow's state included; a record that keeps its state is not listed).
- **outcomes**: the codes the step may answer; `cli/exits.py` gives each its
  exit status and the catalogue its French and English message.
- **effects**: what the step may ask the shell to do besides saving the
  records: `Audit` (an audit event), `SendSms`, `SendEmail` (a queued message).
"""

SECTIONS = (
    ("Account events (by the account's state)", "account"),
    ("Flow events (by the state of the flow concerned)", "flow"),
    ("Flow events on a disabled account", "disabled"),
)


@commands.command()
def spec() -> None:
    typer.echo(markdown(), nl=False)


def markdown() -> str:
    """The whole table, one section per kind of row."""
    from engine.events import Event
    from engine.machine import ACCOUNT_EVENTS, TRANSITIONS
    from engine.model import AccountState, FlowState

    # A fixed order (events as `Event` lists them, then states as declared), not
    # the dict's: the same table always prints the same page.
    events, states = get_args(Event), (*AccountState, *FlowState, None)
    rows = sorted(
        TRANSITIONS.values(), key=lambda r: (events.index(r.event), states.index(r.state))
    )

    def section(row: Any) -> str:
        if row.event in ACCOUNT_EVENTS:
            return "account"
        return "flow" if row.state is None or isinstance(row.state, FlowState) else "disabled"

    parts = [INTRO]
    for title, kind in SECTIONS:
        parts.append(f"\n## {title}\n\n")
        parts.append("| state | event | rule | moves to | outcomes | effects |\n")
        parts.append("|---|---|---|---|---|---|\n")
        for row in rows:
            if section(row) == kind:
                parts.append(_line(row))
    return "".join(parts)


def _line(row: Any) -> str:
    from engine.model import AccountState, FlowState
    from engine.outcomes import Code

    state = "(no flow)" if row.state is None else str(row.state)
    accounts = [s for s in AccountState if s in row.to]
    flows = [s for s in FlowState if s in row.to]
    moves = "; ".join(
        f"{machine}: {', '.join(states)}"
        for machine, states in (("account", accounts), ("flow", flows))
        if states
    )
    outcomes = ", ".join(f"`{c}`" for c in Code if c in row.outcomes)
    effects = ", ".join(sorted(e.__name__ for e in row.effects))
    cells = (state, row.event.__name__, f"`{row.rule.__name__}`", moves, outcomes, effects)
    return "| " + " | ".join(cell or "—" for cell in cells) + " |\n"
