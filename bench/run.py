"""Start-up and scale benchmarks for issue "Performance" — ratios measured in one run.

    python bench/run.py [--runs 21] [--accounts 1000000] [--keep DIR] [--only TEXT]

Builds two SQLite installations (1,000 and N accounts, 1 % of them locked),
fast, with bulk inserts (or reuses them from `--keep DIR`); then runs each
comparison pair by pair (A B A B …), prints the medians and the ratio of
medians next to its target. Commands run as subprocesses of the installed
`sesame`, as people and scripts run them; a run that fails stops the bench
(a failing command is fast, and its ratio would mean nothing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

NIR = "295109912611193"
PASSWORD = "Correct horse battery staple"
SESAME = shutil.which("sesame", path=str(Path(sys.executable).parent)) or "sesame"


def build(home: Path, count: int) -> None:
    """A migrated database with `count` accounts, 1 % locked, one with a real hash."""
    from sqlalchemy import insert

    from db.schema import accounts
    from db.settings import load_settings
    from db.store import Store
    from engine.passwords import hash_password
    from engine.policy import Argon2Params

    store = Store(load_settings(home=str(home), lang="en", actor="bench"))
    now = datetime.now(UTC)
    real_hash = hash_password(PASSWORD, os.urandom(16), Argon2Params())
    with store.write() as conn:
        conn.execute(
            insert(accounts).values(
                nir=NIR,
                birth_date=date(1995, 10, 15),
                sms_capable=False,
                state="active",
                failed_attempts=0,
                password_hash=real_hash,
                created_at=now,
            )
        )
    batch = []
    for i in range(1, count):
        locked = i % 100 == 0
        batch.append(
            {
                "nir": f"1{i:014d}",
                "birth_date": date(1980, 1, 1),
                "sms_capable": False,
                "state": "locked" if locked else "active",
                "failed_attempts": 3 if locked else 0,
                "locked_at": now if locked else None,
                "password_hash": None,
                "created_at": now,
            }
        )
        if len(batch) == 50_000:
            with store.write() as conn:
                conn.execute(insert(accounts), batch)
            batch = []
    if batch:
        with store.write() as conn:
            conn.execute(insert(accounts), batch)


FLOOR = """
import sys, typer, sqlalchemy
engine = sqlalchemy.create_engine("sqlite:///" + sys.argv[1])
with engine.connect() as conn:
    conn.execute(sqlalchemy.text("SELECT * FROM accounts WHERE nir = :n"), {"n": sys.argv[2]}).all()
if len(sys.argv) > 3:
    from argon2 import PasswordHasher
    query = sqlalchemy.text("SELECT password_hash FROM accounts WHERE nir = :n")
    with engine.connect() as conn:
        h = conn.execute(query, {"n": sys.argv[2]}).scalar()
    try:
        PasswordHasher().verify(h, "wrong password")
    except Exception:
        pass
"""


def _nothing() -> None:
    pass


def unlocked(database: Path) -> Callable[[], None]:
    """Make the measured account active again with no failure (outside the timing),
    so that every `login` run is the wrong-password path, never the locked one."""

    def reset() -> None:
        with sqlite3.connect(database) as conn:
            conn.execute(
                "UPDATE accounts SET state = 'active', failed_attempts = 0, locked_at = NULL"
                " WHERE nir = ?",
                (NIR,),
            )

    return reset


def timed(command: list[str], stdin: str = "") -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESAME_")}
    started = time.perf_counter()
    done = subprocess.run(command, input=stdin, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 3):  # 3: the wrong password that `login` is timed with
        sys.exit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()}")
    return elapsed


def pair(
    runs: int, a: list[str], b: list[str], stdin: str = "", before_a: Callable[[], None] = _nothing
) -> tuple[float, float]:
    times_a, times_b = [], []
    for _ in range(runs):
        before_a()
        times_a.append(timed(a, stdin))
        times_b.append(timed(b, stdin))
    return statistics.median(times_a), statistics.median(times_b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument(
        "--keep", type=Path, help="Build the databases here once and reuse them on later runs."
    )
    parser.add_argument("--only", help="Run only the comparisons whose title contains this.")
    options = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="sesame-bench-") as tmp:
        where = options.keep or Path(tmp)
        small, large = where / "small", where / f"large-{options.accounts}"
        started = time.perf_counter()
        for home, count in ((small, 1_000), (large, options.accounts)):
            if not (home / "sesame.db").exists():
                build(home, count)
        print(
            f"1,000 + {options.accounts:,} accounts ready in {time.perf_counter() - started:.1f} s"
        )
        rows = []

        def compare(
            what: str,
            a: list[str],
            b: list[str],
            target: str,
            stdin: str = "",
            before_a: Callable[[], None] = _nothing,
        ) -> None:
            if options.only and options.only not in what:
                return
            ma, mb = pair(options.runs, a, b, stdin, before_a)
            rows.append(
                (what, f"{ma * 1000:.0f} ms", f"{mb * 1000:.0f} ms", f"{ma / mb:.2f}", target)
            )

        home = ["--home", str(large)]
        floor = [python, "-c", FLOOR, str(large / "sesame.db"), NIR]
        compare(
            "`sesame --help` vs `import typer`",
            [SESAME, "--help"],
            [python, "-c", "import typer"],
            "≤ 1.3",
        )
        compare(
            "`sesame --version` vs `import typer`",
            [SESAME, "--version"],
            [python, "-c", "import typer"],
            "≤ 1.3",
        )
        compare(
            "`sesame status --help` vs `import typer`",
            [SESAME, "status", "--help"],
            [python, "-c", "import typer"],
            "≤ 1.3",
        )
        compare(
            f"`status ID` at {options.accounts:,} vs floor",
            [SESAME, *home, "status", NIR],
            floor,
            "≤ 1.25",
        )
        compare(
            f"`status ID` at {options.accounts:,} vs at 1,000",
            [SESAME, *home, "status", NIR],
            [SESAME, "--home", str(small), "status", NIR],
            "≤ 1.1",
        )
        compare(
            f"`login ID` (wrong) at {options.accounts:,} vs floor + argon2",
            [SESAME, *home, "login", NIR],
            [*floor, "argon2"],
            "≤ 1.25",
            stdin="wrong password\n",
            before_a=unlocked(large / "sesame.db"),
        )
        compare(
            "`account list --state locked --limit 50` vs floor",
            [SESAME, *home, "account", "list", "--state", "locked", "--limit", "50"],
            floor,
            "≤ 1.3",
        )
    print(f"medians of {options.runs} runs, A and B alternated")
    print("| comparison | A | B | A/B | target |")
    print("|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
