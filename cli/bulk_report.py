"""`--report FILE` of a bulk action: a CSV of every line and what became of it.

The file is created, never overwritten and never reached through a symlink
(`O_EXCL | O_NOFOLLOW`), readable by its owner only: it lists NIRs. It is
opened before the action starts, so an unusable name changes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from engine.errors import invalid

if TYPE_CHECKING:
    from db.support import BulkReport

REPORT_HEADERS = ["batch", "line", "input", "nir", "result", "error"]


def open_report(path: Path) -> TextIO:
    """A new file at `path`, mode 0600; exit 2 (`invalid_input`, `report_file`) if it
    exists, is a symlink, or cannot be created."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        raise invalid("report_file", path=str(path), detail=exc.strerror or str(exc)) from None
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def write_report(stream: TextIO, report: BulkReport) -> None:
    from cli.csv_output import CsvWriter

    writer = CsvWriter(stream)
    writer.row(REPORT_HEADERS)
    batch = report.batch.id if report.batch else None
    for item in report.items:
        error = None
        if item.error is not None:
            error = (
                item.error.code
                if item.error.reason is None
                else (f"{item.error.code}: {item.error.reason}")
            )
        writer.row([batch, item.line, item.text, item.nir, item.outcome, error])
