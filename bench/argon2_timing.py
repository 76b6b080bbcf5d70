"""Benchmark the two argon2 claims of the reliability work.

    python bench/argon2_timing.py [--rounds 7] [--logins 12]

1. Parallel logins are not serialised behind each other's hashing: argon2
   runs before the short write transaction. One process doing 2×L logins is
   compared with two processes doing L logins each, at the same time.
   Ideal on two idle cores: ratio 2.0; serialised hashing would give 1.0.
2. Enumeration: `login` with an unknown identifier costs the same argon2 work
   as a wrong password for a known one (median time per call, and the ratio).

Runs alternate A B A B … (at least 7 rounds); medians and ratios of medians
are printed. Real default argon2 parameters; the database is a fresh SQLite
file in a temporary home. Logins go through `db.procedure.login`, in
process, so that interpreter start-up does not hide the hashing.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import statistics
import tempfile
import time
from pathlib import Path

NIR = "2 95 10 99 126 111 93"
UNKNOWN = "1 85 05 78 006 084 91"
PASSWORD = "Correct horse battery staple"


def _store(home: str):  # type: ignore[no-untyped-def]
    from db.settings import load_settings
    from db.store import Store

    return Store(load_settings(home=home, lang="en", actor="bench"))


def _setup(home: str) -> None:
    from datetime import date

    from db.accounts import add_account
    from engine.identity import parse_nir

    add_account(
        _store(home),
        nir=parse_nir(NIR),
        birth_date=date(1995, 10, 15),
        email=None,
        phone=None,
        password=(PASSWORD, PASSWORD),
    )


def _logins(home: str, count: int, ident: str, password: str) -> float:
    """Seconds for `count` logins in this process (after one warm-up call)."""
    from db import procedure
    from engine.errors import SesameError
    from engine.identity import parse_identifier

    store = _store(home)
    identifier = parse_identifier(ident)
    timings = []
    for _ in range(count + 1):
        started = time.perf_counter()
        with contextlib.suppress(SesameError):
            procedure.login(store, identifier, password)
        timings.append(time.perf_counter() - started)
    return sum(timings[1:])


def _worker(home: str, count: int, barrier, results) -> None:  # type: ignore[no-untyped-def]
    _logins(home, 0, NIR, PASSWORD)  # warm-up: imports, engine, schema check
    barrier.wait()
    started = time.perf_counter()
    _logins(home, count, NIR, PASSWORD)
    results.put(time.perf_counter() - started)


def _together(home: str, processes: int, count: int) -> float:
    """Wall time for `processes` processes doing `count` logins each, started together."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes + 1)
    results = context.Queue()
    workers = [
        context.Process(target=_worker, args=(home, count, barrier, results))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    for _ in workers:
        results.get(timeout=300)
    elapsed = time.perf_counter() - started
    for worker in workers:
        worker.join()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--logins", type=int, default=12, help="logins per process (L)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sesame-bench-") as home:
        _setup(home)
        one, two = [], []
        for _ in range(options.rounds):
            one.append(_together(home, 1, 2 * options.logins))
            two.append(_together(home, 2, options.logins))
        known, unknown = [], []
        for _ in range(options.rounds):
            known.append(_logins(home, options.logins, NIR, "wrong password") / options.logins)
            unknown.append(
                _logins(home, options.logins, UNKNOWN, "wrong password") / options.logins
            )
            _reset_failures(home)  # wrong passwords lock the account
    logins = 2 * options.logins
    print(f"{logins} logins (argon2 defaults), {options.rounds} rounds, medians:")
    print("| run | seconds | logins/s |")
    print("|---|---|---|")
    for label, values in (("1 process", one), ("2 processes", two)):
        median = statistics.median(values)
        print(f"| {label} | {median:.2f} | {logins / median:.1f} |")
    print(f"speed-up, 2 processes vs 1: {statistics.median(one) / statistics.median(two):.2f}×")
    print()
    print("| login with | ms per call (median) |")
    print("|---|---|")
    print(f"| a known NIR, wrong password | {statistics.median(known) * 1000:.1f} |")
    print(f"| an unknown NIR | {statistics.median(unknown) * 1000:.1f} |")
    print(f"ratio unknown/known: {statistics.median(unknown) / statistics.median(known):.2f}")


def _reset_failures(home: str) -> None:
    import sqlite3

    with sqlite3.connect(Path(home) / "sesame.db") as conn:
        conn.execute("UPDATE accounts SET state='active', failed_attempts=0, locked_at=NULL")


if __name__ == "__main__":
    main()
