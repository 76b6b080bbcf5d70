"""Benchmark the two argon2 claims of the reliability work.

    python bench/argon2_timing.py [--rounds 7] [--logins 12]

1. Parallel logins are not serialised behind each other's hashing: argon2
   runs before the short write transaction. One process doing 2×L logins is
   compared with two processes doing L logins each, at the same time.
   Ideal on two idle cores: ratio 2.0; serialised hashing would give 1.0.
2. Enumeration: `login` with an unknown identifier costs the same argon2 work
   as a wrong password for a known one (median time per call, and the ratio).
3. A locked account whose stored hash has other parameters than configured
   (t=3 configured, t=2 stored): the right password costs what a wrong one
   does (no rehash before the decision).
4. `unlock` with a wrong date of birth: an unknown identifier costs what a
   real one does (its shadow account, one short write transaction each).

    python bench/argon2_timing.py --only locked,unlock   # some parts only

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


def _logins(home: str, count: int, ident: str, password: str, store=None) -> float:  # type: ignore[no-untyped-def]
    """Seconds for `count` logins in this process (after one warm-up call)."""
    from db import procedure
    from engine.errors import SesameError
    from engine.identity import parse_identifier

    store = store or _store(home)
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


def _stronger_store(home: str):  # type: ignore[no-untyped-def]
    """A store configured with t=3: every stored (t=2) hash needs a rehash.
    Refused logins are not limited here, so every call does the same work."""
    from dataclasses import replace

    from engine.policy import Argon2Params

    store = _store(home)
    policy = store.settings.policy
    unlimited = {"max_refused_logins": 10**9} if hasattr(policy, "max_refused_logins") else {}
    policy = replace(policy, argon2=Argon2Params(time_cost=3), **unlimited)
    store.settings = replace(store.settings, policy=policy)
    return store


def _unlocks(home: str, count: int, ident: str) -> float:
    """Seconds per `unlock` with a wrong date of birth (after one warm-up call)."""
    from datetime import date

    from db import procedure
    from engine.errors import SesameError
    from engine.identity import parse_identifier
    from engine.model import FlowKind

    store = _store(home)
    identifier = parse_identifier(ident)
    timings = []
    for _ in range(count + 1):
        started = time.perf_counter()
        with contextlib.suppress(SesameError):
            procedure.start_recovery(store, identifier, date(1990, 1, 1), FlowKind.UNLOCK, None)
        timings.append(time.perf_counter() - started)
        _forget_identity_failures(home)  # stay below the identity limit
    return sum(timings[1:]) / count


def _locked_costs(home: str, rounds: int, logins: int) -> None:
    _lock(home)
    store = _stronger_store(home)
    right, wrong = [], []
    for _ in range(rounds):
        right.append(_logins(home, logins, NIR, PASSWORD, store) / logins)
        wrong.append(_logins(home, logins, NIR, "wrong password", store) / logins)
    print("Locked account, stored hash t=2, configured t=3:")
    print("| password | ms per call (median) |")
    print("|---|---|")
    print(f"| right | {statistics.median(right) * 1000:.1f} |")
    print(f"| wrong | {statistics.median(wrong) * 1000:.1f} |")
    print(f"ratio right/wrong: {statistics.median(right) / statistics.median(wrong):.2f}")
    _reset_failures(home)


def _unlock_costs(home: str, rounds: int, count: int) -> None:
    real, unknown = [], []
    for _ in range(rounds):
        real.append(_unlocks(home, count, NIR))
        unknown.append(_unlocks(home, count, UNKNOWN))
    print("unlock, wrong date of birth:")
    print("| identifier | ms per call (median) |")
    print("|---|---|")
    print(f"| a real NIR | {statistics.median(real) * 1000:.2f} |")
    print(f"| an unknown NIR | {statistics.median(unknown) * 1000:.2f} |")
    print(f"ratio unknown/real: {statistics.median(unknown) / statistics.median(real):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--logins", type=int, default=12, help="logins per process (L)")
    parser.add_argument(
        "--only", default="parallel,unknown,locked,unlock", help="comma-separated parts"
    )
    options = parser.parse_args()
    parts = set(options.only.split(","))
    with tempfile.TemporaryDirectory(prefix="sesame-bench-") as home:
        _setup(home)
        if "locked" in parts:
            _locked_costs(home, options.rounds, options.logins)
        if "unlock" in parts:
            _unlock_costs(home, options.rounds, 4 * options.logins)
        if parts & {"parallel", "unknown"}:
            _parallel_and_unknown(home, options.rounds, options.logins)


def _parallel_and_unknown(home: str, rounds: int, count: int) -> None:
    one, two = [], []
    for _ in range(rounds):
        one.append(_together(home, 1, 2 * count))
        two.append(_together(home, 2, count))
    known, unknown = [], []
    for _ in range(rounds):
        known.append(_logins(home, count, NIR, "wrong password") / count)
        unknown.append(_logins(home, count, UNKNOWN, "wrong password") / count)
        _reset_failures(home)  # wrong passwords lock the account (and the shadow)
    logins = 2 * count
    print(f"{logins} logins (argon2 defaults), {rounds} rounds, medians:")
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


def _sql(home: str, statement: str) -> None:
    import sqlite3

    with sqlite3.connect(Path(home) / "sesame.db") as conn:
        conn.execute(statement)


def _reset_failures(home: str) -> None:
    _sql(home, "UPDATE accounts SET state='active', failed_attempts=0, locked_at=NULL")
    with contextlib.suppress(Exception):  # before migration 0004 there are no shadows
        _sql(home, "DELETE FROM shadow_accounts")


def _lock(home: str) -> None:
    _sql(home, "UPDATE accounts SET state='locked', failed_attempts=3, locked_at=CURRENT_TIMESTAMP")


def _forget_identity_failures(home: str) -> None:
    _sql(home, "DELETE FROM audit_events WHERE event = 'identity_failed'")
    with contextlib.suppress(Exception):  # before migration 0004 there are no shadows
        _sql(home, "DELETE FROM shadow_events")


if __name__ == "__main__":
    main()
