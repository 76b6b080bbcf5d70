"""Engines kept from one command to the next in a long-lived process (`sesame shell`).

A one-shot command creates its engine, checks the schema and disposes of the
engine when it ends. The console runs many commands in one process: it keeps one
engine (and its pooled connections) per database URL, so that a command after the
first pays neither the connection set-up nor the engine's creation.

What could change between two commands is checked each time an engine is lent
again, and costs a `stat` and one small query: a SQLite file must still be the
same file (same device and inode: not removed, not replaced by a restored copy)
and still pass the checks of opening it (`db.store`); the schema must still be
the head this code knows (another process may have upgraded it). Otherwise the
engine is disposed of and a new one made, as a first command would. The settings
themselves are not kept: each command reads sesame.toml again, as a one-shot
command does, so a changed configuration (even a different `[database] url`)
applies from the next command. After a command that ends in a storage error the
console calls `forget`, so a restarted server costs one failed command at most.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from db.store import ensure_schema, open_engine, prepare_sqlite_file, sqlite_file, translate_errors

if TYPE_CHECKING:
    from sqlalchemy import Engine

FileIdentity = tuple[int, int] | None


class SharedEngines:
    """One checked engine per database URL, lent to each command's `Store`."""

    def __init__(self) -> None:
        self._kept: dict[str, tuple[Engine, FileIdentity]] = {}

    def get(self, url: str) -> Engine:
        kept = self._kept.pop(url, None)
        if kept is not None:
            engine, identity = kept
            try:
                still = _still_valid(url, engine, identity)
            except BaseException:
                engine.dispose()
                raise
            if still:
                self._kept[url] = kept
                return engine
            engine.dispose()
        engine = open_engine(url)
        self._kept[url] = (engine, _identity(url))
        return engine

    def forget(self) -> None:
        """Dispose of every engine: the next command opens its database anew."""
        for engine, _ in self._kept.values():
            engine.dispose()
        self._kept.clear()


def _identity(url: str) -> FileIdentity:
    path = sqlite_file(url)
    if path is None:
        return None
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _still_valid(url: str, engine: Engine, identity: FileIdentity) -> bool:
    """Whether `engine` may serve another command (see the module's docstring);
    raises what opening the database would (an untrusted file, an outdated schema)."""
    path = sqlite_file(url)
    if path is not None:
        prepare_sqlite_file(path)
        if _identity(url) != identity or identity is None:
            return False
    with translate_errors():
        ensure_schema(engine)
    return True
