"""Blocklists (db/blocklist.py): the package's default list, a plain file, and the
Have I Been Pwned SHA-1 file searched by binary search without loading it."""

from __future__ import annotations

import hashlib
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db import blocklist
from db.blocklist import check_file, in_file, is_blocked
from engine.errors import SesameError
from engine.passwords import blocklist_forms

LINES = 1_000_000
BREACHED = "Tr0ub4dor&3-was-breached"


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest().upper()


def write_hibp(path: Path, passwords: list[str], filler: int = 0, crlf: bool = False) -> None:
    """A sorted `HASH:COUNT` file: the passwords' hashes among `filler` others."""
    step = (16**40) // (filler + 1)
    keys = sorted({sha1(p) for p in passwords} | {f"{n * step:040X}" for n in range(1, filler)})
    end = "\r\n" if crlf else "\n"
    with path.open("w", newline="") as out:
        out.writelines(f"{key}:{n % 97 + 1}{end}" for n, key in enumerate(keys))


@pytest.fixture(scope="module")
def million(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hibp") / "pwned-passwords-sha1-ordered-by-hash.txt"
    write_hibp(path, [BREACHED], filler=LINES)
    return path


# --- the default list -------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("qwerty123456", True),
        ("QWERTY123456", True),  # case-folded
        ("ｑｗｅｒｔｙ123456", True),  # NFKC: fullwidth letters
        ("azertyuiop", True),
        ("Un nouveau départ bien long", False),
        ("Correct horse battery", False),
    ],
)
def test_the_default_list_is_zxcvbn_passwords(password: str, expected: bool) -> None:
    assert is_blocked(password, "") is expected


def test_the_default_list_holds_the_packages_30000() -> None:
    assert len(blocklist.default_passwords()) == 30_000


# --- a plain file -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Mutuelle-Santé-2024", True),
        ("mutuelle-santé-2024", True),
        ("MUTUELLE-SANTÉ-2024", True),
        ("Mutuelle-Sante-2024", False),  # an accent is a letter
        ("Ameli-Password-9", True),  # the file's own line is case-folded too
        ("ameli-password-", False),
        ("", False),  # a blank line blocks nothing
    ],
)
def test_a_plain_file_is_normalised_and_case_folded(
    tmp_path: Path, password: str, expected: bool
) -> None:
    path = tmp_path / "ours.txt"
    path.write_text("mutuelle-santé-2024\r\n\nAMELI-PASSWORD-9\n", encoding="utf-8")
    assert check_file(path) == "plain"
    assert in_file(blocklist_forms(password), path) is expected


# --- the Have I Been Pwned file -----------------------------------------------------


@pytest.mark.parametrize("crlf", [False, True])
@pytest.mark.parametrize("filler", [0, 1, 2, 3, 1000])
def test_every_hash_of_a_hibp_file_is_found_and_no_other(
    tmp_path: Path, filler: int, crlf: bool
) -> None:
    path = tmp_path / "pwned.txt"
    present = [f"present-{n}" for n in range(40)]
    write_hibp(path, present, filler=filler, crlf=crlf)
    assert check_file(path) == "hibp"
    for password in present:
        assert in_file((password,), path), password
    for n in range(40):
        assert not in_file((f"absent-{n}",), path)


def test_the_first_and_last_lines_are_found(tmp_path: Path) -> None:
    path = tmp_path / "pwned.txt"
    write_hibp(path, ["x"], filler=50)
    lines = path.read_text().splitlines()
    for line in (lines[0], lines[-1]):
        key = line.split(":")[0].encode()
        with path.open("rb") as file:
            assert blocklist._hibp_contains(file.fileno(), path.stat().st_size, key)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        # HIBP hashes passwords as their owners typed them: found as typed...
        ("Tr0ub4dor&3-was-breached", True),
        # ...and by its normalised, case-folded form (stricter than HIBP)
        ("tr0ub4dor&3-was-breached", False),
        ("Ｔｒ0ub4dor&3-was-breached", True),  # NFKC gives the breached text
    ],
)
def test_hibp_forms_as_typed_and_normalised(tmp_path: Path, typed: str, expected: bool) -> None:
    path = tmp_path / "pwned.txt"
    write_hibp(path, [BREACHED], filler=100)
    assert in_file(blocklist_forms(typed), path) is expected


def test_a_folded_form_in_the_hibp_file_blocks_every_case(tmp_path: Path) -> None:
    path = tmp_path / "pwned.txt"
    write_hibp(path, ["breached-lowercase"], filler=100)
    assert in_file(blocklist_forms("BREACHED-Lowercase"), path)


def _bytes_read() -> int:
    with open("/proc/self/io") as io:
        return int(next(line for line in io if line.startswith("rchar:")).split()[1])


def test_attack_a_breached_password_is_refused_without_loading_the_file(million: Path) -> None:
    """The 1,000,000-line file (41 MB) is searched in well under a MiB of reads and memory."""
    size = million.stat().st_size
    assert size > 40_000_000
    tracemalloc.start()
    before = _bytes_read() if Path("/proc/self/io").exists() else None
    try:
        assert is_blocked(BREACHED, str(million))
        assert not is_blocked("Never-breached-passphrase-42", str(million))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 512 * 1024
    if before is not None:
        assert _bytes_read() - before < 1024 * 1024


def test_checking_a_million_line_file_reads_a_sample(million: Path) -> None:
    before = _bytes_read() if Path("/proc/self/io").exists() else None
    assert check_file(million) == "hibp"
    if before is not None:
        assert _bytes_read() - before < 1024 * 1024


# --- checked when the policy is read ----------------------------------------------------


def refusal(path: Path) -> SesameError:
    with pytest.raises(SesameError) as excinfo:
        check_file(path)
    assert excinfo.value.code == "invalid_input"
    assert excinfo.value.params["key"] == "policy.password_blocklist"
    return excinfo.value


def test_a_missing_file_or_a_directory_is_refused(tmp_path: Path) -> None:
    assert refusal(tmp_path / "missing.txt").reason == "config_blocklist_unreadable"
    assert refusal(tmp_path).reason == "config_blocklist_unreadable"


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("x\n")
    path.chmod(0)
    try:
        path.open("rb").close()
        pytest.skip("root reads every file")
    except PermissionError:
        pass
    error = refusal(path)
    assert (error.reason, error.params["detail"]) == (
        "config_blocklist_unreadable",
        "Permission denied",
    )


def test_an_unsorted_hibp_file_is_refused_with_the_offset(tmp_path: Path) -> None:
    path = tmp_path / "pwned.txt"
    write_hibp(path, [], filler=1000)
    lines = path.read_text().splitlines(keepends=True)
    # swap two blocks far apart, so that the sample sees them out of order
    shuffled = lines[500:] + lines[:500]
    path.write_text("".join(shuffled))
    error = refusal(path)
    assert error.reason == "config_blocklist_unsorted"
    assert isinstance(error.params["offset"], int)


def test_a_hibp_file_with_a_foreign_line_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pwned.txt"
    write_hibp(path, [], filler=200)
    text = path.read_text().splitlines(keepends=True)
    text[100:110] = ["not a hash line\n"] * 10
    path.write_text("".join(text))
    error = refusal(path)
    assert error.reason == "config_blocklist_malformed"


_KEYS = st.lists(st.binary(min_size=20, max_size=20), max_size=60, unique=True)


@settings(max_examples=200, deadline=None)
@given(
    keys=_KEYS,
    probes=st.lists(st.binary(min_size=20, max_size=20), max_size=10),
    counts=st.integers(min_value=1, max_value=10**12),
    crlf=st.booleans(),
)
def test_the_binary_search_finds_exactly_the_files_hashes(
    tmp_path_factory: pytest.TempPathFactory,
    keys: list[bytes],
    probes: list[bytes],
    counts: int,
    crlf: bool,
) -> None:
    """Any sorted file (any count widths, line ends): present keys found, others not."""
    path = tmp_path_factory.mktemp("prop") / "pwned.txt"
    lines = sorted(key.hex().upper() for key in keys)
    end = b"\r\n" if crlf else b"\n"
    path.write_bytes(
        b"".join(f"{h}:{counts % (n + 7)}".encode() + end for n, h in enumerate(lines))
    )
    size = path.stat().st_size
    with path.open("rb", buffering=0) as raw:
        for key in [*keys, *probes]:
            expected = key in keys
            found = blocklist._hibp_contains(raw.fileno(), size, key.hex().upper().encode())
            assert found is expected
