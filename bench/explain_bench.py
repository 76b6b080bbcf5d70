"""`account explain` against `account show`, on an account with 10,000 audit
events in a database of N accounts (default 1,000,000) — ratios measured in one run.

    python bench/explain_bench.py [--runs 11] [--accounts 1000000] [--events 10000] [--keep DIR]

Builds the installation as bench/run.py does (bulk inserts, 1 % locked), then
gives the measured account (`NIR`, locked) `--events` audit events — wrong
passwords, refused logins, identity checks, wrong temporary passwords and
successes, one every 5 minutes from a few sources — and a second account
(`QUIET`) the three failures that locked it. Compares, A B A B:

- in process (`--runs` × 10), the read of `explain` (`db.explain.explanation`)
  against that of `show` (`db.audit_log.account_detail`): the queries' cost;
- as subprocesses of the installed `sesame`, `account explain ID` against
  `account show ID` (exit 4 is explain's answer for a locked account).

The queries are bounded (one LIMIT 20 per failure event on
`ix_audit_account_event_at`, a count on the same index): the busy account costs
explain about what it costs show, and about what the quiet one costs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run import NIR, SESAME, build

QUIET = "195107505612366"  # a second, valid NIR (the build's others are not parsable)
# One event in ten is a success: the rest are failures of the four kinds.
EVENTS = (
    "login_failed",
    "login_refused",
    "login_refused",
    "identity_failed",
    "code_rejected",
    "login_refused",
    "login_failed",
    "login_refused",
    "flow_cancelled",
    "login_succeeded",
)


def add_history(home: Path, events: int) -> None:
    """`events` audit events on NIR (then locked), three failures on QUIET (locked)."""
    from sqlalchemy import insert, select, update

    from db.schema import accounts, audit_events
    from db.settings import load_settings
    from db.store import Store

    store = Store(load_settings(home=str(home), lang="en", actor="bench"))
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(minutes=5 * events)
    with store.write() as conn:
        conn.execute(
            insert(accounts).values(
                nir=QUIET,
                birth_date=date(1951, 7, 15),
                sms_capable=False,
                state="active",
                failed_attempts=0,
                created_at=now,
            )
        )
        ids: dict[str, int] = {}
        for nir in (NIR, QUIET):
            ids[nir] = conn.execute(select(accounts.c.id).where(accounts.c.nir == nir)).scalar()
        rows = []
        for n in range(events):
            event = EVENTS[n % len(EVENTS)]
            detail = {"reason": "too_many_attempts"} if event == "flow_cancelled" else {}
            rows.append(
                {
                    "at": start + timedelta(minutes=5 * n),
                    "actor": "marie",
                    "account_id": ids[NIR],
                    "event": event,
                    "detail": json.dumps(detail),
                }
            )
        for n in range(3):
            rows.append(
                {
                    "at": now - timedelta(minutes=3 - n),
                    "actor": "paul",
                    "account_id": ids[QUIET],
                    "event": "login_failed",
                    "detail": "{}",
                }
            )
        conn.execute(insert(audit_events), rows)
        for nir in (NIR, QUIET):
            conn.execute(
                update(accounts)
                .where(accounts.c.nir == nir)
                .values(state="locked", failed_attempts=3, locked_at=now)
            )


def timed(command: list[str]) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESAME_")}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 4):  # 4: explain's answer for a locked account
        sys.exit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()}")
    return elapsed


def in_process(home: Path, runs: int) -> list[tuple[str, float, float]]:
    """Medians (seconds) of the reads alone, A B A B, 10 calls per sample."""
    from db.audit_log import account_detail
    from db.explain import explanation
    from db.settings import load_settings
    from db.store import Store
    from engine.identity import parse_identifier

    store = Store(load_settings(home=str(home), lang="en", actor="bench"))

    def sample(call: Callable[[], object]) -> float:
        started = time.perf_counter()
        for _ in range(10):
            call()
        return (time.perf_counter() - started) / 10

    results = []
    for nir in (NIR, QUIET):
        ident = parse_identifier(nir)
        explanation(store, ident)  # warm the connection and the page cache
        a, b = [], []
        for _ in range(runs):
            a.append(sample(lambda ident=ident: explanation(store, ident)))
            b.append(sample(lambda ident=ident: account_detail(store, ident)))
        results.append((nir, statistics.median(a), statistics.median(b)))
    store.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="Build the database here once and reuse it.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sesame-explain-bench-") as tmp:
        home = (options.keep or Path(tmp)) / f"explain-{options.accounts}-{options.events}"
        started = time.perf_counter()
        if not (home / "sesame.db").exists():
            build(home, options.accounts)
            add_history(home, options.events)
        print(
            f"{options.accounts:,} accounts, {options.events:,} events on {NIR}, "
            f"ready in {time.perf_counter() - started:.1f} s"
        )
        print(f"medians of {options.runs} samples, A and B alternated")
        print("| comparison | A | B | A/B |")
        print("|---|---|---|---|")
        for nir, explain_s, show_s in in_process(home, options.runs):
            what = f"read of explain vs show, {nir} (in process)"
            print(
                f"| {what} | {explain_s * 1000:.2f} ms | {show_s * 1000:.2f} ms "
                f"| {explain_s / show_s:.2f} |"
            )
        for nir in (NIR, QUIET):
            a, b = [], []
            for _ in range(options.runs):
                a.append(timed([SESAME, "--home", str(home), "account", "explain", nir]))
                b.append(timed([SESAME, "--home", str(home), "account", "show", nir]))
            ma, mb = statistics.median(a), statistics.median(b)
            what = f"`account explain` vs `account show`, {nir}"
            print(f"| {what} | {ma * 1000:.0f} ms | {mb * 1000:.0f} ms | {ma / mb:.2f} |")


if __name__ == "__main__":
    main()
