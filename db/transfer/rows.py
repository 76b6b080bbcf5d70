"""One row of an import, checked like `account add`: a new account, or a refusal.

Runs in the worker processes (`db.transfer.pool`): plain values in and out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from db.schema import accounts
from engine.errors import SesameError, invalid
from engine.identity import (
    check_birth_date_matches_nir,
    parse_birth_date,
    parse_email,
    parse_mobile,
    parse_nir,
)
from engine.languages import parse_language
from engine.policy import ARGON2_MAXIMUM
from engine.spreadsheet import restore_cell

REQUIRED_COLUMNS = ("nir", "birth_date", "email", "mobile")
HASH_COLUMN = "password_hash"
# Optional: a file without it (an export before it existed) takes the default.
LANGUAGE_COLUMN = "language"
OPTIONAL_COLUMNS = (HASH_COLUMN, LANGUAGE_COLUMN)
# What `account export --state locked` adds for the fraud team: a report's columns,
# which an import of that file reads past (the account starts afresh, unlocked).
LOCK_COLUMNS = ("locked_at", "failed_attempts", "last_failure_at")

_ISO_DATE = re.compile(r"\A\s*([0-9]{4})-([0-9]{2})-([0-9]{2})\s*\Z")
# The PHC string's salt and hash: standard base64 without padding.
_PHC_B64 = re.compile(r"\A[A-Za-z0-9+/]+\Z")
_MIN_SALT_BYTES = 8
_MIN_HASH_BYTES = 16

RawRow = tuple[int, list[str]]


@dataclass(frozen=True)
class NewAccount:
    """A checked row, ready to insert."""

    line: int
    nir: str
    birth_date: date
    email: str | None
    mobile: str | None
    sms_capable: bool
    password_hash: str | None
    # None: the row did not say, `[policy] default_language` applies.
    language: str | None = None


@dataclass(frozen=True)
class Refusal:
    """A refused row: its line in the file and the refusal's code, reason and
    parameters (plain values, so that worker processes can return them)."""

    line: int
    code: str
    reason: str | None = None
    params: dict[str, object] = field(default_factory=dict)

    @classmethod
    def of(cls, line: int, error: SesameError) -> Refusal:
        return cls(line, error.code, error.reason, dict(error.params))


Checked = NewAccount | Refusal


def columns(with_hashes: bool, lock_details: bool = False) -> list[str]:
    """The CSV columns export writes (and import reads): the language after the
    import's columns, so that the columns of an older export keep their places;
    the lock details (which import ignores) last."""
    hashes = [HASH_COLUMN] if with_hashes else []
    details = list(LOCK_COLUMNS) if lock_details else []
    return [*REQUIRED_COLUMNS, *hashes, LANGUAGE_COLUMN, *details]


def check_batch(columns: dict[str, int], today: date, batch: list[RawRow]) -> list[Checked]:
    """Check raw rows (in a worker process for large files), each field as it was
    before `account export` quoted a formula-like cell."""
    return [
        _check_fields(list(map(restore_cell, fields)), columns, line, today)
        for line, fields in batch
    ]


def _check_fields(fields: list[str], columns: dict[str, int], line: int, today: date) -> Checked:
    if len(fields) != len(columns):
        error = invalid("import_row_fields", count=len(fields), expected=len(columns))
        return Refusal.of(line, error)
    values = {name: fields[index] for name, index in columns.items()}
    try:
        return check_row(values, line, today)
    except SesameError as exc:
        return Refusal.of(line, exc)


def check_row(values: dict[str, str], line: int, today: date) -> NewAccount:
    """One row, checked like `account add`; the birth date may also be ISO (aaaa-mm-jj)."""
    nir = parse_nir(values["nir"])
    birth_date = parse_birth_date(_french_date(values["birth_date"]), today)
    check_birth_date_matches_nir(nir, birth_date)
    email = parse_email(values["email"]) if values["email"].strip() else None
    phone = parse_mobile(values["mobile"]) if values["mobile"].strip() else None
    raw_hash = values.get(HASH_COLUMN, "").strip()
    raw_language = values.get(LANGUAGE_COLUMN, "").strip()
    return NewAccount(
        line=line,
        nir=nir.value,
        birth_date=birth_date,
        email=email,
        mobile=phone.e164 if phone else None,
        sms_capable=bool(phone and phone.sms_capable),
        password_hash=check_password_hash(raw_hash) if raw_hash else None,
        language=parse_language(raw_language) if raw_language else None,
    )


def _french_date(raw: str) -> str:
    """`aaaa-mm-jj` (what databases export) as the procedure's `jj/mm/aaaa`."""
    match = _ISO_DATE.match(raw)
    return f"{match[3]}/{match[2]}/{match[1]}" if match else raw


def check_password_hash(raw: str) -> str:
    """An argon2id (or argon2i) PHC string that login can verify, as given.

    Other parameters than configured are accepted: login rehashes with the
    configured ones at the next successful sign-in. argon2d is refused: its
    memory access depends on the password, which RFC 9106 advises against
    for password hashing. An imported hash costs its own parameters at the
    next login: what sesame.toml itself would refuse (`ARGON2_MAXIMUM`) is
    refused, so that a stray value cannot make one login allocate gigabytes.
    """
    from argon2 import Type, extract_parameters
    from argon2.exceptions import InvalidHashError

    parts = raw.split("$")
    try:
        params = extract_parameters(raw)
    except InvalidHashError:
        raise invalid("hash_format") from None
    if (
        len(parts) != 6
        or params.version != 19
        or not all(_PHC_B64.match(part) for part in parts[4:])
        or params.salt_len < _MIN_SALT_BYTES
        or params.hash_len < _MIN_HASH_BYTES
        or len(raw) > accounts.c.password_hash.type.length  # type: ignore[attr-defined]
    ):
        raise invalid("hash_format")
    if params.type not in (Type.ID, Type.I):
        raise invalid("hash_type")
    if any(getattr(params, key) > limit for key, limit in ARGON2_MAXIMUM.items()):
        raise invalid("hash_cost")
    return raw
