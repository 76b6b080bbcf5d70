"""`sesame metrics` on N accounts (default 1,000,000) with a month of audit log and
outbox, on SQLite and on PostgreSQL.

    python bench/metrics_bench.py [--accounts 1000000] [--runs 7] [--pg URL] [--keep DIR]

Bulk inserts (not the CLI): N accounts (1 % locked — a third of those locks
ended, a third running, a third until unlocked — and 0.1 % disabled);
`--events` audit events (default 1,500,000: 50,000 a day for 30 days, a mix of
the names the metrics count and the ones they skip); `--messages` outbox rows
(default 500,000, mostly sent, a few hundred queued, failed or abandoned);
`--flows` flows (default 100,000, 1 % open). Then, alternated, the median of
`--runs`: the installed `sesame metrics` as a subprocess (what cron runs),
`sesame status` (the dashboard's counts, for
comparison), `sesame --version` (the start-up alone), and in process `db.metrics.exposition`
(the queries and the formatting: what `/metrics` costs a scrape), then each
query on its own. The
subprocesses' CPU time is given next to their wall time (on PostgreSQL the
server's share of the work is not in it).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from run import SESAME

EVENT_MIX = (
    ("login_failed", 30),
    ("login_succeeded", 30),
    ("flow_started", 8),
    ("code_sent", 8),
    ("code_verified", 6),
    ("flow_completed", 5),
    ("password_changed", 5),
    ("account_locked", 3),
    ("login_refused", 2),
    ("identity_failed", 1),
    ("account_unlocked", 1),
    ("lock_expired", 1),
)


def build(home: Path, url: str | None, n: int, events: int, messages: int, nflows: int) -> None:
    from sqlalchemy import insert

    from db.schema import accounts, audit_events, flows, outbox
    from db.settings import load_settings
    from db.store import Store

    store = Store(load_settings(home=str(home), db=url, lang="en", actor="bench"))
    now = datetime.now(UTC)

    def chunks(rows: Any, table: Any) -> None:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == 50_000:
                with store.write() as conn:
                    conn.execute(insert(table), batch)
                batch = []
        if batch:
            with store.write() as conn:
                conn.execute(insert(table), batch)

    def account(i: int) -> dict[str, Any]:
        locked, disabled = i % 100 == 0, i % 1000 == 7
        until = None
        if locked and i % 300 == 0:
            until = now - timedelta(hours=1)
        elif locked and i % 300 == 100:
            until = now + timedelta(hours=1)
        return {
            "nir": f"1{i:014d}",
            "birth_date": date(1980, 1, 1),
            "sms_capable": i % 2 == 0,
            "state": "locked" if locked else "disabled" if disabled else "active",
            "failed_attempts": 3 if locked else 0,
            "locked_at": now - timedelta(hours=2) if locked else None,
            "locked_until": until,
            "created_at": now - timedelta(days=400),
        }

    chunks((account(i) for i in range(1, n + 1)), accounts)
    mix = [name for name, weight in EVENT_MIX for _ in range(weight)]
    step = timedelta(days=30) / events

    def event(i: int) -> dict[str, Any]:
        name = mix[i % len(mix)]
        return {
            "at": now - step * (events - i),
            "actor": "member",
            "account_id": 1 + (i * 7919) % n,
            "event": name,
            "flow_id": f"f{i}" if name == "account_unlocked" and i % 2 else None,
            "detail": "{}",
        }

    chunks((event(i) for i in range(events)), audit_events)

    def message(i: int) -> dict[str, Any]:
        status = "sent"
        if i % 1000 == 1:
            status = "queued"
        elif i % 1000 == 2:
            status = "failed"
        elif i % 1000 == 3:
            status = "abandoned"
        created = now - timedelta(seconds=30 * (messages - i))
        return {
            "id": f"m{i:012d}",
            "account_id": 1 + (i * 104729) % n,
            "channel": "sms" if i % 3 else "email",
            "recipient": "x",
            "redacted_body": "x",
            "status": status,
            "created_at": created,
            "delivered_at": created + timedelta(seconds=5) if status == "sent" else None,
            "attempts": 1,
        }

    chunks((message(i) for i in range(messages)), outbox)
    states = ("completed", "expired", "cancelled", "superseded")

    def flow(i: int) -> dict[str, Any]:
        opened = i % 100 == 0
        return {
            "id": f"f{i:012d}",
            "account_id": 1 + i % n,
            "kind": "unlock",
            "state": "code_sent" if opened else states[i % 4],
            "channel": "sms" if i % 2 else "email",
            "expires_at": now + timedelta(minutes=10) if opened else now - timedelta(days=1),
            "code_attempts": 0,
            "created_at": now - timedelta(days=1),
        }

    chunks((flow(i) for i in range(nflows)), flows)
    store.close()


def measure(home: Path, url: str | None, runs: int) -> dict[str, float]:
    from db.metrics import exposition
    from db.settings import load_settings
    from db.store import Store

    env = {k: v for k, v in os.environ.items() if not k.startswith("SESAME_")}
    env["SESAME_HOME"] = str(home)
    if url:
        env["SESAME_DB"] = url
    store = Store(load_settings(home=str(home), db=url, lang="en", actor="bench"))
    exposition(store)  # warm: the page cache, the engine
    times: dict[str, list[float]] = {"metrics": [], "status": [], "version": [], "exposition": []}
    cpu: dict[str, list[float]] = {"metrics": [], "status": [], "version": []}
    commands = (
        ("metrics", [SESAME, "metrics"]),
        ("status", [SESAME, "status"]),
        ("version", [SESAME, "--version"]),
    )
    for _ in range(runs):
        for name, argv in commands:
            used = _children_cpu()
            start = time.perf_counter()
            subprocess.run(argv, env=env, check=True, capture_output=True)
            times[name].append(time.perf_counter() - start)
            cpu[name].append(_children_cpu() - used)
        start = time.perf_counter()
        exposition(store)
        times["exposition"].append(time.perf_counter() - start)
    store.close()
    found = {name: statistics.median(values) * 1000 for name, values in times.items()}
    found.update({f"{name}_cpu": statistics.median(values) * 1000 for name, values in cpu.items()})
    return found


def breakdown(home: Path, url: str | None, runs: int) -> dict[str, float]:
    """Each query of `db.metrics.read_counts`, timed in one read transaction (ms)."""
    import db.metrics as m
    from db.refusals import refusals_since
    from db.settings import load_settings
    from db.store import Store

    store = Store(load_settings(home=str(home), db=url, lang="en", actor="bench"))
    now = store.now()
    parts: dict[str, Any] = {
        "accounts by effective state": lambda c: m._accounts(c, now),
        "audit windows": lambda c: m._windowed(c, now),
        "rate-limit refusals": lambda c: [refusals_since(c, now - w) for w in m.WINDOWS.values()],
        "open flows": lambda c: m._flows(c, now),
        "messages not sent": m._outbox,
        "messages sent, by channel": lambda c: m._sent(c, now),
    }
    times: dict[str, list[float]] = {name: [] for name in parts}
    for _ in range(runs):
        with store.read() as conn:
            for name, part in parts.items():
                start = time.perf_counter()
                part(conn)
                times[name].append((time.perf_counter() - start) * 1000)
    store.close()
    return {name: statistics.median(values) for name, values in times.items()}


def _children_cpu() -> float:
    """The CPU seconds (user + system) of the finished child processes: unlike the
    wall time, hardly changed by the other load of a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=1_500_000)
    parser.add_argument("--messages", type=int, default=500_000)
    parser.add_argument("--flows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pg", help="a PostgreSQL URL of an empty database (else SQLite)")
    parser.add_argument("--keep", help="build (or reuse) the home in this directory")
    args = parser.parse_args()
    home = Path(args.keep or tempfile.mkdtemp(prefix="sesame-metrics-"))
    home.mkdir(exist_ok=True)
    if not (home / "built").exists():
        start = time.perf_counter()
        build(home, args.pg, args.accounts, args.events, args.messages, args.flows)
        (home / "built").write_text("")
        print(f"built in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    backend = "postgresql" if args.pg else "sqlite"
    found = measure(home, args.pg, args.runs)
    print(
        f"{backend}: {args.accounts:,} accounts, {args.events:,} events, "
        f"{args.messages:,} messages, {args.flows:,} flows; medians of {args.runs}: "
        f"wall (CPU): sesame metrics {found['metrics']:.0f} ({found['metrics_cpu']:.0f}) ms, "
        f"sesame status {found['status']:.0f} ({found['status_cpu']:.0f}) ms, "
        f"sesame --version {found['version']:.0f} ({found['version_cpu']:.0f}) ms; "
        f"exposition() in process {found['exposition']:.1f} ms wall"
    )
    for name, ms in breakdown(home, args.pg, args.runs).items():
        print(f"  {name}: {ms:.1f} ms")


if __name__ == "__main__":
    main()
