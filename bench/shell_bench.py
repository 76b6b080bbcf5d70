"""`sesame shell` against a fresh `sesame` per command, and the console's identifier
completion on a large database.

    python bench/shell_bench.py [--accounts 1000000] [--commands 200] [--runs 7]
                                [--pg postgresql+psycopg://postgres@127.0.0.1/postgres]

Builds an installation with N accounts in one SQL statement (a recursive CTE on
SQLite, generate_series on PostgreSQL: no CLI, no Python loop), then:

1. per command: `status NIR` and `account show NIR` through one `sesame shell`
   process fed C lines on stdin, as (time of C lines - time of none) / C, against
   the median of a fresh `sesame …` process per command (both the installed
   executable, output discarded); medians of `--runs` rounds;
2. completion: what Tab calls (`cli.shell.command.Lookup`: the configuration read,
   the kept engine, the index range) for NIR prefixes of 1 to 8 characters and
   email prefixes, median and worst of each, after one warm-up look-up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

NIR = "295109912611193"
PASSWORD = "Correct horse battery staple"
SESAME = shutil.which("sesame", path=str(Path(sys.executable).parent)) or "sesame"
ARGON2 = "[argon2]\ntime_cost = 1\nmemory_cost = 8\nparallelism = 1\n"

_SQLITE_BULK = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO accounts (nir, birth_date, email, sms_capable, state, failed_attempts,
                      created_at, language)
SELECT printf('1%014d', i), '1980-01-01', printf('user%07d@example.org', i), 0,
       CASE WHEN i % 100 = 0 THEN 'locked' ELSE 'active' END, 0, :now, 'fr' FROM n
"""
_PG_BULK = """
INSERT INTO accounts (nir, birth_date, email, sms_capable, state, failed_attempts,
                      created_at, language)
SELECT '1' || lpad(i::text, 14, '0'), DATE '1980-01-01',
       'user' || lpad(i::text, 7, '0') || '@example.org', false,
       CASE WHEN i % 100 = 0 THEN 'locked' ELSE 'active' END, 0, now(), 'fr'
FROM generate_series(1, :count) AS i
"""


def env_for(home: Path, db: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESAME_")}
    env.update(SESAME_HOME=str(home), SESAME_LANG="en", SESAME_ACTOR="bench")
    if db:
        env["SESAME_DB"] = db
    return env


def build(home: Path, db: str | None, count: int) -> float:
    """The installation: the procedure's member (through the CLI), then `count`
    accounts in one statement; the seconds the statement took."""
    from sqlalchemy import create_engine, text

    home.mkdir(mode=0o700, exist_ok=True)
    (home / "sesame.toml").write_text(ARGON2)
    add = ["account", "add", "--nir", NIR, "--dob", "15/10/1995", "--email", "marie@example.org"]
    subprocess.run(
        [SESAME, *add],
        input=f"{PASSWORD}\n{PASSWORD}\n",
        env=env_for(home, db),
        check=True,
        capture_output=True,
        text=True,
    )
    url = db or f"sqlite:///{home / 'sesame.db'}"
    engine = create_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        bulk = _PG_BULK if url.startswith("postgresql") else _SQLITE_BULK
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        conn.execute(text(bulk), {"count": count, "now": now})
        if url.startswith("postgresql"):
            conn.execute(text("ANALYZE accounts"))
    engine.dispose()
    return time.perf_counter() - started


def run(command: list[str], env: dict[str, str], stdin: str = "") -> float:
    started = time.perf_counter()
    done = subprocess.run(command, input=stdin, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()[:300]}")
    return elapsed


def per_command(env: dict[str, str], line: str, commands: int, runs: int) -> tuple[float, float]:
    """Seconds per command: inside one console, and a fresh process each."""
    shell, fresh = [], []
    lines = f"{line}\n" * commands
    for _ in range(runs):
        full = run([SESAME, "shell"], env, lines)
        empty = run([SESAME, "shell"], env, "")
        shell.append((full - empty) / commands)
        fresh.append(run([SESAME, *line.split()], env))
    return statistics.median(shell), statistics.median(fresh)


def completion(home: Path, db: str | None) -> list[tuple[str, float, float, int]]:
    """(prefix kind, median ms, worst ms, candidates of its first prefix) of Tab's look-up."""
    from cli.shell.command import Locations, Lookup
    from cli.shell.session import Session

    session = Session(base=[], lang="en")
    lookup = Lookup(session, Locations(str(home), db, None, None))
    lookup("1")  # the first look-up opens the engine, as the first Tab does
    kinds = {
        "NIR, 1 character": ["1"],
        "NIR, 4 characters": ["1000", "1003", "1007", "2951"],
        "NIR, 8 characters": ["10000012", "10000567", "10000999", "29510991"],
        "NIR, 15 characters": ["100000000123456", NIR],
        "email, 2 characters": ["us", "ma", "zz"],  # zz: none
        "email, 8 characters": ["user0012", "user0999", "user1000"],
    }
    found = []
    for kind, prefixes in kinds.items():
        times, count = [], len(lookup(prefixes[0]))
        for _ in range(20):
            for prefix in prefixes:
                started = time.perf_counter()
                lookup(prefix)
                times.append((time.perf_counter() - started) * 1000)
        found.append((kind, statistics.median(times), max(times), count))
    session.engines.forget()
    return found


def bench(label: str, home: Path, db: str | None, args: argparse.Namespace) -> None:
    print(f"## {label}: {args.accounts:,} accounts")
    print(f"bulk insert: {build(home, db, args.accounts):.1f} s")
    env = env_for(home, db)
    print("\n| command | in `sesame shell` | fresh `sesame` | ratio |\n|---|---|---|---|")
    for line in (f"status {NIR}", f"account show {NIR}"):
        shell, fresh = per_command(env, line, args.commands, args.runs)
        print(
            f"| `{line}` | {shell * 1000:.1f} ms | {fresh * 1000:.1f} ms | {fresh / shell:.1f}x |"
        )
    print("\n| Tab on | median | worst | candidates (first prefix) |\n|---|---|---|---|")
    for kind, median, worst, count in completion(home, db):
        print(f"| {kind} | {median:.2f} ms | {worst:.2f} ms | {count} |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--pg", help="a PostgreSQL server's admin URL: bench it too")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bench("SQLite", Path(tmp) / "sqlite", None, args)
        if args.pg:
            bench_postgresql(Path(tmp) / "pg", args)


def bench_postgresql(home: Path, args: argparse.Namespace) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"sesame_shell_bench_{os.getpid()}"
    admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
        bench("PostgreSQL", home, url, args)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
