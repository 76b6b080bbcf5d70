"""The worker pool that checks rows: phone and email parsing is CPU work, so
batches are checked in other processes while this one reads and writes."""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterator
from typing import TypeVar

# Worker processes for checking rows; the parent reads the file and writes.
MAX_WORKERS = 4

_In = TypeVar("_In")
_Out = TypeVar("_Out")


def map_in_order(check: Callable[[_In], _Out], batches: Iterator[_In]) -> Iterator[_Out]:
    """`check` over the batches, results in order; in worker processes when
    there is more than one batch, with a bounded number of batches in flight
    so that the file is never held in memory."""
    first = next(batches, None)
    if first is None:
        return
    second = next(batches, None)
    workers = min(_usable_cpus(), MAX_WORKERS)
    if second is None or workers < 2:
        yield check(first)
        if second is not None:
            yield check(second)
            yield from map(check, batches)
        return
    from concurrent.futures import Future, ProcessPoolExecutor
    from itertools import chain

    with ProcessPoolExecutor(workers, initializer=_leave_interrupts_to_the_parent) as pool:
        pending: deque[Future[_Out]] = deque()
        for batch in chain((first, second), batches):
            pending.append(pool.submit(check, batch))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _leave_interrupts_to_the_parent() -> None:
    """A worker ignores Ctrl-C (sent to the whole process group): the parent
    decides when the import stops, between two batches."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _usable_cpus() -> int:
    """The CPUs this process may run on (a container may allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
