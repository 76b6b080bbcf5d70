"""Duplicates within the imported file: the first valid row with a NIR (or an
email) wins, and each repeat is refused with the line it repeats."""

from __future__ import annotations

from collections.abc import Iterator

from db.transfer.rows import Checked, NewAccount, Refusal


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
        keys = [key for item in batch if isinstance(item, NewAccount) for key in _keys(item)]
        seen = dict(self._known(keys))
        result: list[Checked] = []
        new: list[tuple[str, int]] = []
        for item in batch:
            if isinstance(item, NewAccount):
                item = self._first_or_refused(item, seen, new)
            result.append(item)
        self._db.executemany("INSERT INTO first VALUES (?, ?)", new)
        return result

    @staticmethod
    def _first_or_refused(
        item: NewAccount, seen: dict[str, int], new: list[tuple[str, int]]
    ) -> Checked:
        nir_key, *email_key = _keys(item)
        if nir_key in seen:
            return Refusal(item.line, "import_duplicate_nir", None, {"first_line": seen[nir_key]})
        if email_key and email_key[0] in seen:
            first_line = seen[email_key[0]]
            return Refusal(item.line, "import_duplicate_email", None, {"first_line": first_line})
        for key in (nir_key, *email_key):
            seen[key] = item.line
            new.append((key, item.line))
        return item

    def _known(self, keys: list[str]) -> Iterator[tuple[str, int]]:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            query = f"SELECT key, line FROM first WHERE key IN ({marks})"
            yield from self._db.execute(query, chunk)


def _keys(item: NewAccount) -> list[str]:
    """A row's unique keys: its NIR, and its email when it has one."""
    return [f"nir:{item.nir}", *([f"email:{item.email}"] if item.email else [])]
