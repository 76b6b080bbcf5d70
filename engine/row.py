"""A row of the transition table (`engine.machine`): what one (state, event)
may do, declared next to the rule that decides it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from engine.events import Decision, Effect, Snapshot
from engine.model import AccountState, FlowState
from engine.outcomes import Code
from engine.rules import Context, State

E = TypeVar("E")


@dataclass(frozen=True)
class Row(Generic[E]):
    """One transition: in `state`, on an `event`, `rule` decides; the decision
    moves records only into `to`, answers one of `outcomes` and emits only
    `effects`."""

    state: State
    event: type[E]
    rule: Callable[[Snapshot, E, Context], Decision]
    to: frozenset[AccountState | FlowState]
    outcomes: frozenset[Code]
    effects: frozenset[type[Effect]]


def on(
    state: State,
    event: type[E],
    rule: Callable[[Snapshot, E, Context], Decision],
    *,
    outcomes: Iterable[Code],
    to: Iterable[AccountState | FlowState] = (),
    effects: Iterable[type[Effect]] = (),
) -> Row[E]:
    """A row; typed so that a rule for another event is a mypy error."""
    return Row(state, event, rule, frozenset(to), frozenset(outcomes), frozenset(effects))


def table_of(*rows: Row[Any]) -> dict[tuple[State, type], Row[Any]]:
    """The rows by (state, event type); a key given twice is a programming error."""
    table: dict[tuple[State, type], Row[Any]] = {}
    for row in rows:
        key = (row.state, row.event)
        if key in table:
            raise ValueError(f"two rows for {row.state} on {row.event.__name__}")
        table[key] = row
    return table
