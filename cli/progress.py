"""Progress bars for long work: one bar per step (a table, a phase), on stderr,
and only on a terminal — piped or redirected, stderr stays quiet."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer


class StepBars:
    """Called as `(step, done, total)`: a new step closes the previous bar."""

    def __init__(self, label: Callable[[str], str]) -> None:
        self.label = label
        self.step: str | None = None
        self.bar: Any = None
        self.done = 0

    def __call__(self, step: str, done: int, total: int) -> None:
        if step != self.step:
            self.close()
            self.bar = typer.progressbar(length=total, label=self.label(step), file=sys.stderr)
            self.bar.__enter__()
            self.step, self.done = step, 0
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@contextmanager
def step_bars(label: Callable[[str], str], *, wanted: bool = True) -> Iterator[StepBars | None]:
    """Bars when `wanted` and stderr is a terminal; otherwise None."""
    if not wanted or not sys.stderr.isatty():
        yield None
        return
    bars = StepBars(label)
    try:
        yield bars
    finally:
        bars.close()
