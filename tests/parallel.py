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


Command = tuple[Sequence[str], str]  # (arguments, stdin)


def _worker(
    barrier: multiprocessing.synchronize.Barrier,
    results: multiprocessing.Queue[tuple[int, list[Outcome]]],
    index: int,
    global_args: Sequence[str],
    commands: Sequence[Command],
) -> None:
    from typer.testing import CliRunner

    from cli.main import app

    runner = CliRunner()
    barrier.wait()
    outcomes = []
    for args, stdin in commands:
        result = runner.invoke(app, [*global_args, *args], input=stdin)
        outcomes.append(Outcome(result.exit_code, result.stdout, result.stderr))
    results.put((index, outcomes))


def run_sequences(home: Home, sequences: Sequence[Sequence[Command]]) -> list[list[Outcome]]:
    """One process per sequence, all started together, each running its
    commands one after the other on the home's database."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(sequences))
    results: multiprocessing.Queue[tuple[int, list[Outcome]]] = context.Queue()
    processes = [
        context.Process(target=_worker, args=(barrier, results, i, home.global_args, commands))
        for i, commands in enumerate(sequences)
    ]
    for process in processes:
        process.start()
    collected = dict(results.get(timeout=300) for _ in processes)
    for process in processes:
        process.join(timeout=60)
    return [collected[i] for i in range(len(sequences))]


def run_together(home: Home, commands: Sequence[Command]) -> list[Outcome]:
    """Run every command at once, one process each; results in order."""
    return [outcomes[0] for outcomes in run_sequences(home, [[c] for c in commands])]
