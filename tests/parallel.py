"""Run sesame commands in parallel real processes that start together.

Each worker is a fresh (spawned) process that imports the CLI first, then
waits at a barrier, so the commands really overlap instead of being staggered
by interpreter start-up. No threads: SQLite locking is per process. Not fork:
a forked child would inherit the test process's open SQLite connections, and
SQLite's POSIX locks do not survive that.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from dataclasses import dataclass

from helpers import Home


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


def _worker(
    barrier: multiprocessing.synchronize.Barrier,
    results: multiprocessing.Queue[tuple[int, Outcome]],
    index: int,
    global_args: Sequence[str],
    args: Sequence[str],
    stdin: str,
) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    runner = CliRunner()
    barrier.wait()
    result = runner.invoke(app, [*global_args, *args], input=stdin)
    results.put((index, Outcome(result.exit_code, result.stdout, result.stderr)))


def run_together(home: Home, commands: Sequence[tuple[Sequence[str], str]]) -> list[Outcome]:
    """Run every (args, stdin) at once, one process each, on the home's database."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(commands))
    results: multiprocessing.Queue[tuple[int, Outcome]] = context.Queue()
    processes = [
        context.Process(target=_worker, args=(barrier, results, i, home.global_args, args, stdin))
        for i, (args, stdin) in enumerate(commands)
    ]
    for process in processes:
        process.start()
    collected = dict(results.get(timeout=120) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    return [collected[i] for i in range(len(commands))]
