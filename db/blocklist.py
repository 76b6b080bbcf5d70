"""Blocklists of common and breached passwords (NIST SP 800-63B §5.1.1.2).

Two lists are searched, after the engine's `blocklist_forms` (NFKC, case-folded
first, then as typed):

- the default: the 30,000 most common passwords of the `zxcvbn` package's
  frequency lists (`FREQUENCY_LISTS["passwords"]`), loaded on the first
  lookup only (a new password being set), from that one module without
  running the package's own `__init__` (which builds its matchers: 0.2 s);
- the operator's `[policy] password_blocklist`, a file in either format, told
  apart by its first line:
  - plain text, one password per line: read as a stream, line by line, each
    normalised like the password (never held whole in memory; O(lines));
  - Have I Been Pwned's downloadable SHA-1 file (`HASH:COUNT` lines, sorted by
    uppercase hash): a binary search on byte offsets, O(log lines) reads of
    PROBE bytes each (`os.pread`), never loaded.

The file is checked when the policy is read (`check_file`): readable, and for
the HIBP format well-formed and sorted at 64 evenly spaced points (checking
every line would read the whole file, tens of gigabytes for the full HIBP
list, on every command).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import IO

from engine.errors import invalid
from engine.passwords import blocklist_forms

KEY = "policy.password_blocklist"
PLAIN, HIBP = "plain", "hibp"
_HIBP_LINE = re.compile(rb"[0-9A-F]{40}:[0-9]+\r?\n?")
_HASH_LENGTH = 40
# Bytes read a step of the search: two lines of the longest count HIBP holds, and more.
PROBE = 256
SAMPLES = 64
# The package list's name, in docs and `policy check`.
DEFAULT_LIST = "zxcvbn frequency_lists passwords"


@cache
def default_passwords() -> frozenset[str]:
    """The zxcvbn package's 30,000 common passwords, case-folded."""
    import importlib.util

    package = importlib.util.find_spec("zxcvbn")
    assert package is not None and package.submodule_search_locations is not None
    location = Path(next(iter(package.submodule_search_locations))) / "frequency_lists.py"
    spec = importlib.util.spec_from_file_location("_sesame_zxcvbn_lists", location)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return frozenset(word.casefold() for word in module.FREQUENCY_LISTS["passwords"])


def is_blocked(password: str, path: str) -> bool:
    """True when `password` is on the default list or in the file at `path` ("" for none)."""
    forms = blocklist_forms(password)
    if forms[0] in default_passwords():
        return True
    return bool(path) and in_file(forms, Path(path))


def in_file(forms: tuple[str, ...], path: Path) -> bool:
    """Whether one of `forms` is in the blocklist file (its format read from line one)."""
    with path.open("rb", buffering=0) as raw:  # unbuffered: the search reads PROBE bytes
        fd = raw.fileno()
        if _is_hibp(os.pread(fd, PROBE, 0)):
            size = os.fstat(fd).st_size
            keys = [hashlib.sha1(form.encode()).hexdigest().upper().encode() for form in forms]
            return any(_hibp_contains(fd, size, key) for key in keys)
    with path.open("rb") as file:
        return _plain_contains(file, forms[0])


def _is_hibp(head: bytes) -> bool:
    """Whether the first line (in the first PROBE bytes) is a `HASH:COUNT` line."""
    return bool(_HIBP_LINE.fullmatch(head[: head.find(b"\n") + 1] or head))


def _fold(line: bytes) -> str:
    return unicodedata.normalize("NFKC", line.decode("utf-8", "replace")).casefold()


def _plain_contains(file: IO[bytes], folded: str) -> bool:
    """Line by line (a blank line blocks nothing)."""
    if not folded:
        return False
    file.seek(0)
    return any(_fold(line.rstrip(b"\r\n")) == folded for line in file)


def _hibp_contains(fd: int, size: int, key: bytes) -> bool:
    """Binary search on byte offsets, one `pread` of PROBE bytes a step.

    `lo` is always the start of a line; every line that may hold `key` starts
    in [lo, hi). A step reads from just before the middle, skips to the next
    line start and compares that line's hash.
    """
    lo, hi = 0, size
    while lo < hi:
        mid = (lo + hi) // 2
        if mid == lo:
            start, chunk = lo, os.pread(fd, PROBE, lo)
        else:
            before = os.pread(fd, PROBE, mid - 1)
            newline = before.find(b"\n")
            if newline < 0:
                return False  # no line end within PROBE bytes: not an HIBP line
            start, chunk = mid + newline, before[newline + 1 :]
        if start >= hi:
            # no line starts in [mid, hi): the line or two from lo hold it, if any
            return _scan(os.pread(fd, hi - lo + PROBE, lo), hi - lo, key)
        found = chunk[:_HASH_LENGTH]
        if found == key:
            return True
        if found < key:
            end = chunk.find(b"\n")
            lo = start + end + 1 if end >= 0 else size
        else:
            hi = start
    return False


def _scan(tail: bytes, span: int, key: bytes) -> bool:
    """Whether a line of `tail` that starts before `span` holds `key`."""
    offset = 0
    for line in tail.split(b"\n"):
        if offset >= span:
            break
        if line[:_HASH_LENGTH] == key:
            return True
        offset += len(line) + 1
    return False


def _line_start(file: IO[bytes], offset: int) -> int:
    """Seek to the first line that starts at or after `offset`; return where."""
    if offset == 0:
        file.seek(0)
        return 0
    file.seek(offset - 1)
    file.readline(PROBE)
    return file.tell()


def file_format(file: IO[bytes]) -> str:
    return HIBP if _is_hibp(os.pread(file.fileno(), PROBE, 0)) else PLAIN


def file_format_of(path: str) -> str:
    """The format of the (already checked) file at `path`."""
    with _opened(Path(path)) as (file, _):
        return file_format(file)


@contextmanager
def _opened(path: Path) -> Iterator[tuple[IO[bytes], int]]:
    # a small buffer: the sample reads a line at 64 places, not 64 × 8 KiB
    with path.open("rb", buffering=1024) as file:
        yield file, path.stat().st_size


def check_file(path: Path) -> str:
    """The file's format, or `invalid` (exit 2) naming the key and the problem."""
    try:
        if not path.is_file():
            raise invalid("config_blocklist_unreadable", key=KEY, path=str(path), detail="no file")
        with _opened(path) as (file, size):
            kind = file_format(file)
            if kind == HIBP:
                _check_sample(file, size, path)
            return kind
    except OSError as exc:
        detail = exc.strerror or type(exc).__name__
        raise invalid(
            "config_blocklist_unreadable", key=KEY, path=str(path), detail=detail
        ) from None


def _check_sample(file: IO[bytes], size: int, path: Path) -> None:
    """Well-formed, ascending lines at SAMPLES evenly spaced offsets."""
    previous = b""
    for offset in sorted({size * n // SAMPLES for n in range(SAMPLES)}):
        start = _line_start(file, offset)
        line = file.readline(PROBE)
        if not line:
            break
        if not _HIBP_LINE.fullmatch(line):
            raise invalid("config_blocklist_malformed", key=KEY, path=str(path), offset=start)
        if line[:_HASH_LENGTH] < previous:
            raise invalid("config_blocklist_unsorted", key=KEY, path=str(path), offset=start)
        previous = line[:_HASH_LENGTH]
