"""The batch a bulk action's audit events belong to (migration 0007).

A bulk action (`account unlock --all-locked/--from-file`, `account import`)
runs inside `audit_batch(source)`: every audit row written meanwhile, by whichever
step, carries the batch id and the file the action read, as every row carries
the operator (`db.operator.audit_columns`). `audit --batch ID` lists them.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# audit_events.batch_source is String(1000).
_SOURCE_LENGTH = 1000


@dataclass(frozen=True)
class Batch:
    id: str
    source: str | None  # the file the action read, as it was named; None: no file


_current: ContextVar[Batch | None] = ContextVar("sesame_batch", default=None)


@contextmanager
def audit_batch(source: str | None) -> Iterator[Batch]:
    """A new batch for the audit rows written inside the block."""
    current = Batch(secrets.token_hex(8), source[:_SOURCE_LENGTH] if source else None)
    token = _current.set(current)
    try:
        yield current
    finally:
        _current.reset(token)


def batch_columns() -> dict[str, str | None]:
    """The batch's side of an audit row (both None outside a bulk action)."""
    current = _current.get()
    if current is None:
        return {"batch_id": None, "batch_source": None}
    return {"batch_id": current.id, "batch_source": current.source}
