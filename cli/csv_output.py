"""The one CSV writer of every `--csv` and of `account export`."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from engine.spreadsheet import neutralise_cell


class CsvWriter:
    """Rows to a CSV stream; a cell a spreadsheet would run as a formula gets a
    leading quote (`engine.spreadsheet`), the JSON outputs keep the raw value."""

    def __init__(self, stream: TextIO) -> None:
        self._writer = csv.writer(stream, lineterminator="\n")

    def row(self, cells: Iterable[object]) -> None:
        self._writer.writerow([neutralise_cell("" if c is None else str(c)) for c in cells])
