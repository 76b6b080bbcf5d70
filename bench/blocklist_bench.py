"""Benchmark the blocklist lookup of a Have I Been Pwned SHA-1 file.

    python bench/blocklist_bench.py [--lines 1000000] [--lookups 2000] [--rounds 7]

Writes a sorted `HASH:COUNT` file of `--lines` lines (41 MB for a million)
in a temporary directory, then compares, round by round (A B A B …):

A. `--lookups` lookups by `db.blocklist.in_file` (binary search with
   seek/readline), half of them present, half absent: µs per lookup;
B. reading the file once, whole, in 1 MiB blocks (the least a lookup that
   scans or loads the file would cost): ms.

Prints the medians and the ratio B / A (how many lookups cost one read), and
the peak RSS of each side measured in its own child process (the child's
`ru_maxrss` minus its RSS before the work), plus the bytes each lookup read
from the file (/proc/self/io).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path


def write_file(path: Path, lines: int, present: list[str]) -> None:
    step = (16**40) // (lines + 1)
    keys = [f"{n * step:040X}" for n in range(1, lines + 1 - len(present))]
    keys += [hashlib.sha1(p.encode()).hexdigest().upper() for p in present]
    keys.sort()
    with path.open("w") as out:
        out.writelines(f"{key}:{n % 997 + 1}\n" for n, key in enumerate(keys))


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1])


def _rchar() -> int:
    with open("/proc/self/io") as io:
        return int(next(line for line in io if line.startswith("rchar:")).split()[1])


def lookups(path: Path, words: list[str]) -> float:
    """Seconds for one `in_file` per word."""
    from db.blocklist import in_file

    start = time.perf_counter()
    for word in words:
        in_file((word,), path)
    return time.perf_counter() - start


def read_once(path: Path) -> float:
    """Seconds to read the file once, whole."""
    start = time.perf_counter()
    with path.open("rb") as file:
        while file.read(1 << 20):
            pass
    return time.perf_counter() - start


def _peak(kind: str, path: str, words: list[str], queue: multiprocessing.Queue[int]) -> None:
    """In a child: the RSS growth (KiB) of the work, from before it to its peak."""
    from db.blocklist import in_file

    before = _rss_kib()
    if kind == "lookup":
        for word in words:
            in_file((word,), Path(path))
    else:
        Path(path).read_bytes()  # what "loading the file" would hold
    queue.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)


def peak_kib(kind: str, path: Path, words: list[str]) -> int:
    queue: multiprocessing.Queue[int] = multiprocessing.Queue()
    child = multiprocessing.get_context("fork").Process(
        target=_peak, args=(kind, str(path), words, queue)
    )
    child.start()
    value = queue.get()
    child.join()
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(13)
    present = [f"breached-{n}" for n in range(args.lookups // 2)]
    absent = [f"never-seen-{n}" for n in range(args.lookups - len(present))]
    words = present + absent
    rng.shuffle(words)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "pwned-passwords-sha1-ordered-by-hash.txt"
        write_file(path, args.lines, present)
        from db.blocklist import check_file, in_file

        assert check_file(path) == "hibp"
        assert all(in_file((word,), path) for word in present[:50])
        assert not any(in_file((word,), path) for word in absent[:50])
        per_lookup, whole = [], []
        for _ in range(args.rounds):
            per_lookup.append(lookups(path, words) / len(words))
            whole.append(read_once(path))
        before = _rchar()
        in_file((words[0],), path)
        bytes_per_lookup = _rchar() - before
        lookup_us = statistics.median(per_lookup) * 1e6
        read_ms = statistics.median(whole) * 1e3
        size_mb = path.stat().st_size / 1e6
        print(f"file: {args.lines:,} lines, {size_mb:.1f} MB (page cache warm)")
        print(f"A lookup (binary search): {lookup_us:.1f} µs, {bytes_per_lookup:,} bytes read")
        print(f"B read the file once:     {read_ms:.1f} ms")
        print(f"ratio B / A:              {read_ms * 1e3 / lookup_us:,.0f}")
        print(f"peak RSS growth, {len(words)} lookups: {peak_kib('lookup', path, words):,} KiB")
        print(f"peak RSS growth, file loaded:       {peak_kib('load', path, words):,} KiB")


if __name__ == "__main__":
    main()
