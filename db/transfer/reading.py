"""Reading the CSV file: its header, then its rows in batches."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from db.transfer.rows import LOCK_COLUMNS, OPTIONAL_COLUMNS, REQUIRED_COLUMNS, RawRow
from engine.errors import invalid

BATCH_ROWS = 5000
# Every column an import knows; the lock details of an export are read past.
KNOWN_COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS, *LOCK_COLUMNS)


def open_file(path: Path, *, binary: bool = False) -> Any:
    """The file to import; a refusal that names it when it cannot be opened."""
    try:
        if binary:
            return path.open("rb")
        return path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise invalid("import_file", path=str(path), detail=exc.strerror or str(exc)) from None


def count_lines(path: Path) -> int:
    """Data lines, for the progress bar (a fast byte count, header excluded)."""
    count = 0
    with open_file(path, binary=True) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            count += chunk.count(b"\n")
    return max(count - 1, 0)


def header(handle: IO[str], path: Path) -> tuple[dict[str, int], str]:
    """The index of each known column, and the delimiter: `,` or, when the
    header uses it, `;` (spreadsheets set to French)."""
    try:
        header_line = handle.readline()
    except UnicodeDecodeError as exc:
        raise invalid("import_file", path=str(path), detail=str(exc)) from None
    delimiter = ";" if ";" in header_line and "," not in header_line else ","
    fields = next(csv.reader([header_line], delimiter=delimiter), [])
    names = [name.strip().lower() for name in fields]
    unknown = [name for name in names if name not in KNOWN_COLUMNS]
    if unknown:
        raise invalid("import_unknown_column", column=unknown[0])
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise invalid("import_columns", missing=",".join(missing))
    return {name: index for index, name in enumerate(names)}, delimiter


def raw_batches(handle: IO[str], path: Path, delimiter: str) -> Iterator[list[RawRow]]:
    """(line number, fields) of each non-blank row, BATCH_ROWS at a time, the
    fields as in the file (`rows.check_batch` restores a quoted formula-like
    cell, in a worker process)."""
    reader = csv.reader(handle, delimiter=delimiter)
    batch: list[RawRow] = []
    line = 2  # the header is line 1
    try:
        for fields in reader:
            if fields:
                batch.append((line, fields))
                if len(batch) == BATCH_ROWS:
                    yield batch
                    batch = []
            line = reader.line_num + 2
    except (csv.Error, UnicodeDecodeError) as exc:
        raise invalid("import_file", path=str(path), detail=f"line {line}: {exc}") from None
    if batch:
        yield batch
