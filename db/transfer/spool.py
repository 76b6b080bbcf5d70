"""The checked rows of a `--on-error stop` import, waiting in an anonymous
temporary file until the whole file is known to be valid."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from typing import IO

from db.transfer.reading import BATCH_ROWS
from db.transfer.rows import NewAccount


def spool(handle: IO[str], rows: list[NewAccount]) -> None:
    """Append checked rows to the spool."""
    writer = csv.writer(handle, lineterminator="\n")
    for row in rows:
        writer.writerow(
            (
                row.line,
                row.nir,
                row.birth_date.isoformat(),
                row.email or "",
                row.mobile or "",
                int(row.sms_capable),
                row.password_hash or "",
                row.language or "",
            )
        )


def unspool(handle: IO[str]) -> Iterator[list[NewAccount]]:
    """The spooled rows again, BATCH_ROWS at a time."""
    batch: list[NewAccount] = []
    for fields in csv.reader(handle):
        line, nir, birth_date, email, mobile, sms_capable, password_hash, language = fields
        batch.append(
            NewAccount(
                line=int(line),
                nir=nir,
                birth_date=date.fromisoformat(birth_date),
                email=email or None,
                mobile=mobile or None,
                sms_capable=sms_capable == "1",
                password_hash=password_hash or None,
                language=language or None,
            )
        )
        if len(batch) == BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch
