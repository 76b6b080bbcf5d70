"""Duplicates within the imported file: the first valid row with a NIR (or an
email) wins, and each repeat is refused with the line it repeats."""

from __future__ import annotations

from collections.abc import Iterator

from db.transfer.rows import Checked, NewAccount, Refusal

# A valid row's line, NIR and email (or None).
Key = tuple[int, str, str | None]


class FirstLines:
    """The line where each NIR and email first appeared in the file, kept in a
    private temporary SQLite database (on disk, deleted when closed)."""

    def __init__(self) -> None:
        import sqlite3

        self._db = sqlite3.connect("")  # "": a temporary database, not ":memory:"
        self._db.execute("CREATE TABLE first (key TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID")

    def __enter__(self) -> FirstLines:
        return self

    def __exit__(self, *exc: object) -> None:
        self._db.close()

    def refuse_repeats(self, batch: list[Checked]) -> list[Checked]:
        """The batch with each repeated NIR (or email) refused; the first valid row
        with a key wins."""
        keys = [(item.line, item.nir, item.email) for item in batch if isinstance(item, NewAccount)]
        refused = {refusal.line: refusal for refusal in self.repeats(keys)}
        return [refused.get(item.line, item) for item in batch]

    def repeats(self, rows: list[Key]) -> list[Refusal]:
        """A refusal for each valid row (line, NIR, email), in the file's order,
        that repeats an earlier one's NIR or email; the others are remembered."""
        seen = dict(self._known([key for row in rows for key in _keys(row)]))
        refused: list[Refusal] = []
        new: list[tuple[str, int]] = []
        for row in rows:
            line = row[0]
            nir_key, *email_key = _keys(row)
            if nir_key in seen:
                refused.append(
                    Refusal(line, "import_duplicate_nir", None, {"first_line": seen[nir_key]})
                )
            elif email_key and email_key[0] in seen:
                first_line = seen[email_key[0]]
                refused.append(
                    Refusal(line, "import_duplicate_email", None, {"first_line": first_line})
                )
            else:
                for key in (nir_key, *email_key):
                    seen[key] = line
                    new.append((key, line))
        self._db.executemany("INSERT INTO first VALUES (?, ?)", new)
        return refused

    def _known(self, keys: list[str]) -> Iterator[tuple[str, int]]:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, line FROM first WHERE key IN ({marks})"
            yield from self._db.execute(query, chunk)


def _keys(row: Key) -> list[str]:
    """A row's unique keys: its NIR, and its email when it has one."""
    _, nir, email = row
    return [f"nir:{nir}", *([f"email:{email}"] if email else [])]
