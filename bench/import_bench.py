"""Benchmark: `sesame account import` of N generated rows through the installed executable.

    python bench/import_bench.py [N] [--sesame PATH] [--runs R]

Generates N valid rows (NIRs with their computed keys, a mix of mobiles,
landlines, emails and empty channels), then times, each in a fresh
temporary home: `account import --dry-run`, the real `account import`
(check the whole file, then write) and `account import --on-error skip`
(one pass, checking and writing batch by batch).
Prints rows/s and the peak RSS of the child process.

Then the floor: one plain Python process (`--floor FILE DB`) doing the same
library work alone — csv reading, python-stdnum's NIR check, phonenumbers'
parse and validity, email-validator without DNS, one SQLite `executemany` —
and the real import, run alternately R times (the machine is shared and
noisy); it prints the medians and import/floor as a throughput ratio.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from stdnum.fr import nir as stdnum_nir

# Departments 01-95 without 20 (Corsica's numbering changed in 1976).
DEPARTMENTS = [f"{d:02d}" for d in range(1, 96) if d != 20]


def nir_and_birth_date(i: int) -> tuple[str, str]:
    """The i-th NIR (unique for i < 85 million) and a birth date it agrees with."""
    sex = "12"[i % 2]
    year = 1930 + i % 90
    month = 1 + i % 12
    day = 1 + i % 28
    department = DEPARTMENTS[(i // 998_001) % len(DEPARTMENTS)]
    commune = 1 + (i // 999) % 999
    serial = 1 + i % 999
    body = f"{sex}{year % 100:02d}{month:02d}{department}{commune:03d}{serial:03d}"
    return body + stdnum_nir.calc_check_digits(body), f"{day:02d}/{month:02d}/{year}"


def row(i: int) -> list[str]:
    nir, birth_date = nir_and_birth_date(i)
    kind = i % 10
    email = "" if kind == 9 else f"member{i}@example.fr"
    if kind < 6:
        mobile = f"06 {i % 100:02d} {i // 100 % 100:02d} {i // 10_000 % 100:02d} {i % 97:02d}"
    elif kind < 8:
        mobile = f"+33 7 {i % 100:02d} {i // 100 % 100:02d} {i // 10_000 % 100:02d} 10"
    elif kind == 8:
        mobile = f"01 45 {i % 100:02d} {i // 100 % 100:02d} 00"
    else:
        mobile = "06 12 34 56 78"
    return [nir, birth_date, email, mobile]


def generate(path: Path, count: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["nir", "birth_date", "email", "mobile"])
        for i in range(count):
            writer.writerow(row(i))


def timed(sesame: str, home: Path, args: list[str]) -> tuple[float, int, str]:
    """One run of `sesame ARGS` in `home`: see `timed_command`."""
    seconds, peak, _, stdout = timed_command([sesame, *args], home)
    return seconds, peak, stdout


def timed_command(command: list[str], home: Path) -> tuple[float, int, float, str]:
    """Seconds, the child's peak RSS (KiB), its CPU seconds (user and system,
    its worker processes included) and its stdout, for one run.

    `os.wait4` gives the rusage of this child alone (RUSAGE_CHILDREN would
    keep the largest child so far); a process's rusage counts the children it
    waited for.
    """
    env = {**os.environ, "SESAME_HOME": str(home), "SESAME_LANG": "en"}
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        stdout.seek(0)
        stderr.seek(0)
        if child.returncode != 0:
            sys.exit(f"{' '.join(command)} exited {child.returncode}: {stderr.read()}")
        cpu = usage.ru_utime + usage.ru_stime
        return seconds, usage.ru_maxrss, cpu, stdout.read().strip()


def floor(source: Path, database: Path) -> None:
    """The same library work as an import, in one process, nothing else."""
    from email_validator import validate_email
    from phonenumbers import is_valid_number
    from phonenumbers import parse as parse_phone
    from stdnum.fr import nir as stdnum_nir

    values = []
    with source.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for nir, birth_date, email, mobile in reader:
            stdnum_nir.validate(nir)
            phone = parse_phone(mobile, "FR") if mobile else None
            valid_phone = phone is not None and is_valid_number(phone)
            address = (
                validate_email(email, check_deliverability=False).normalized if email else None
            )
            values.append((nir, birth_date, address, mobile, valid_phone))
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE accounts (nir, birth_date, email, mobile, sms_capable)")
        db.executemany("INSERT INTO accounts VALUES (?, ?, ?, ?, ?)", values)


def floor_command(source: Path, database: Path) -> list[str]:
    return [sys.executable, __file__, "--floor", str(source), str(database)]


def against_floor(options: argparse.Namespace, tmp: str, source: Path) -> None:
    """Import and floor alternately, `--runs` times each; medians and their ratio."""
    imports: list[float] = []
    floors: list[float] = []
    import_cpu: list[float] = []
    floor_cpu: list[float] = []
    for run in range(options.runs):
        home = Path(tmp) / f"versus-{run}"
        home.mkdir()
        seconds, _, cpu, _ = timed_command([options.sesame, "account", "import", str(source)], home)
        imports.append(seconds)
        import_cpu.append(cpu)
        seconds, _, cpu, _ = timed_command(floor_command(source, home / "floor.db"), home)
        floors.append(seconds)
        floor_cpu.append(cpu)
        shutil.rmtree(home)
    rows = options.rows
    imported, floored = statistics.median(imports), statistics.median(floors)
    ratios = sorted(floor / imported for imported, floor in zip(imports, floors, strict=True))
    print(
        f"import   {imported:6.1f} s  {rows / imported:8.0f} rows/s  (median of {options.runs})\n"
        f"floor    {floored:6.1f} s  {rows / floored:8.0f} rows/s  (median of {options.runs})\n"
        f"import/floor throughput: {floored / imported:.2f}  "
        f"(runs: import {', '.join(f'{s:.1f}' for s in imports)}; "
        f"floor {', '.join(f'{s:.1f}' for s in floors)}; "
        f"pair by pair {', '.join(f'{r:.2f}' for r in ratios)})\n"
        f"CPU seconds, workers included: import {statistics.median(import_cpu):.1f}, "
        f"floor {statistics.median(floor_cpu):.1f} (medians)",
        flush=True,
    )


def installed_sesame() -> str:
    """The `sesame` beside this Python (its virtualenv), else the one on PATH."""
    beside = Path(sys.executable).with_name("sesame")
    return str(beside) if beside.exists() else shutil.which("sesame") or "sesame"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=100_000)
    parser.add_argument("--sesame", default=installed_sesame())
    parser.add_argument("--runs", type=int, default=5, help="import vs floor pairs")
    parser.add_argument("--only-floor", action="store_true", help="only import vs floor")
    parser.add_argument(
        "--floor", nargs=2, type=Path, metavar=("FILE", "DB"), help=argparse.SUPPRESS
    )
    options = parser.parse_args()
    if options.floor:
        floor(*options.floor)
        return
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "accounts.csv"
        start = time.perf_counter()
        generate(source, options.rows)
        print(f"generated {options.rows} rows in {time.perf_counter() - start:.1f} s", flush=True)
        runs = (
            ("dry run", ["--dry-run"]),
            ("import", []),
            ("skip", ["--on-error", "skip"]),
        )
        for label, extra in () if options.only_floor else runs:
            home = Path(tmp) / label.replace(" ", "-")
            home.mkdir()
            seconds, peak_kib, report = timed(
                options.sesame, home, ["account", "import", str(source), *extra]
            )
            rate = options.rows / seconds
            print(
                f"{label:8} {seconds:6.1f} s  {rate:8.0f} rows/s  "
                f"peak RSS {peak_kib / 1024:.0f} MiB  ({report})",
                flush=True,
            )
        if options.runs:
            against_floor(options, tmp, source)


if __name__ == "__main__":
    main()
