"""Tables for people: fit the terminal's width, short ids, coloured states.

Only the text for people changes here; `--json` and `--csv` keep full ids and no colour
(docs/support.md, "Reading the tables")."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Sequence
from typing import Any

from cli.output import Shown, escape

# The width assumed when the terminal's is unknown (piped, redirected, no `COLUMNS`).
DEFAULT_WIDTH = 80
# A shortened id keeps at least this many characters, more where two would look alike.
SHORT_ID = 8
# Other columns wrap next, down to this width (or their header's), then to their header's.
MIN_WRAP = 10
# Free text wraps first, down to this width, before other columns give any room.
MIN_FREE = 20

_SEPARATOR = 2  # tabulate's "simple" format: two spaces between columns
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_STYLES = {"locked": "\x1b[31m", "disabled": "\x1b[2m"}
_RESET = "\x1b[0m"


def colour_wanted() -> bool:
    """Colours only on a terminal, never with `NO_COLOR` set to anything (no-color.org)."""
    return bool(sys.stdout.isatty()) and not os.environ.get("NO_COLOR")


def coloured_state(state: str, colour: bool) -> Shown:
    """`locked` red, `disabled` dim grey, any other state plain; all plain without colour."""
    style = _STYLES.get(state) if colour else None
    shown = escape(state)
    return Shown(f"{style}{shown}{_RESET}" if style else shown)


def coloured_change(before: str | None, after: str | None, colour: bool) -> Shown:
    """`before→after` of an audit event, each state coloured as `coloured_state` says."""
    return Shown(f"{coloured_state(before or '-', colour)}→{coloured_state(after or '-', colour)}")


def visible_width(text: str) -> int:
    """The widest line of `text` on screen, colours not counted."""
    return max((len(line) for line in _ANSI.sub("", text).splitlines()), default=0)


def terminal_width() -> int:
    """`COLUMNS` if set, else the width of the terminal stdout is, else 80 (piped or
    redirected)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        try:
            return os.get_terminal_size(sys.stdout.fileno()).columns or DEFAULT_WIDTH
        except (OSError, ValueError):
            return DEFAULT_WIDTH
    return DEFAULT_WIDTH


def short_ids(ids: Iterable[str | None]) -> dict[str, str]:
    """Each id → its first 8 characters, or as many more as make it unique among `ids`
    (the ones of the table shown)."""
    distinct = sorted({i for i in ids if i})
    length = SHORT_ID
    while len({i[:length] for i in distinct}) < len(distinct):
        length += 1
    return {i: i[:length] for i in distinct}


def fitted_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    free: Sequence[int] = (),
    keep: Sequence[int] = (),
    width: int | None = None,
) -> Shown:
    """A table no wider than `width` (default: the terminal's) when its headers fit: the
    free-text columns (`free`, by index) wrap first, then the widest others; nothing is
    cut. Columns in `keep` (a nir) never wrap. Cells are escaped here; coloured ones
    (`coloured_state`) are already."""
    import tabulate as library
    from tabulate import tabulate

    safe = [[_safe(cell) for cell in row] for row in rows]
    room = width if width is not None else terminal_width()
    padding = library.MIN_PADDING
    limits = _column_limits(list(headers), safe, free, keep, room, padding)
    if any(limits):
        # Too wide: the two spaces tabulate adds after each header go first.
        padding = 0
        limits = _column_limits(list(headers), safe, free, keep, room, padding)
    saved, library.MIN_PADDING = library.MIN_PADDING, padding
    try:
        table = tabulate(safe, headers=list(headers), maxcolwidths=limits, disable_numparse=True)
    finally:
        library.MIN_PADDING = saved
    return Shown(table)


def _safe(cell: Any) -> str:
    if cell is None:
        return ""
    text = str(cell)
    return text if isinstance(cell, Shown) else escape(text)


def _column_limits(
    headers: list[str],
    rows: list[list[str]],
    free: Sequence[int],
    keep: Sequence[int],
    room: int,
    padding: int,
) -> list[int | None]:
    """How wide each column may be (None: as wide as it is). Free text gives room first,
    down to 20; then the widest columns, down to 10; then any, down to its header, the
    first (the time) last."""
    widths = [
        max([visible_width(header) + padding, *(visible_width(row[i]) for row in rows)])
        for i, header in enumerate(headers)
    ]
    natural = list(widths)
    headed = [max(visible_width(header) + padding, 1) for header in headers]
    spaces = _SEPARATOR * (len(widths) - 1)
    excess = sum(widths) + spaces - room
    everyone = [i for i in range(len(widths)) if i not in keep]
    stages: list[tuple[list[int], list[int]]] = [
        (list(free), [max(h, MIN_FREE) for h in headed]),
        ([i for i in everyone if i not in free], [max(h, MIN_WRAP) for h in headed]),
        # The first column (the time) wraps below 10 only when nothing else can.
        ([i for i in everyone if i], headed),
        (everyone[:1], headed),
    ]
    if sum(headed[i] for i in everyone) + sum(widths[i] for i in keep) + spaces > room:
        # Even headers alone would not fit: squeezing every column to its header would
        # only make the table unreadable, and still too wide. Wrap the free text, and
        # the widest columns down to 10, no further.
        stages = stages[:2]
    for columns, floors in stages:
        while excess > 0:
            candidates = [i for i in columns if widths[i] > floors[i]]
            if not candidates:
                break
            # The widest; of equals, the rightmost (the leftmost is the time).
            widest = max(candidates, key=lambda i: (widths[i], i))
            widths[widest] -= 1
            excess -= 1
    return [w if w < n else None for w, n in zip(widths, natural, strict=True)]
