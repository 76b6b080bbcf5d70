"""Connections, transactions and the schema check.

One command is one short transaction. On SQLite a write transaction starts
with BEGIN IMMEDIATE (SQLite ignores FOR UPDATE), a read-only one with a
plain BEGIN; on PostgreSQL writes lock the rows they read (FOR UPDATE).
Alembic is imported only when the schema must be created or upgraded.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from db.schema import HEAD_REVISION, KNOWN_REVISIONS
from db.settings import Settings
from engine.errors import SesameError
from engine.outcomes import Code

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

    from db.shared_engines import SharedEngines
    from engine.message_templates import Templates

BUSY_TIMEOUT_SECONDS = 10
# Any constant shared by every sesame: the key of the schema-upgrade advisory lock.
_SCHEMA_LOCK = 0x5E5A3E


def utc_now() -> datetime:
    return datetime.now(UTC)


def storage_error(reason: str, **params: object) -> SesameError:
    return SesameError(Code.STORAGE_UNAVAILABLE, reason=reason, params=params)


class Store:
    """The database of one installation, opened lazily and checked once."""

    def __init__(self, settings: Settings, engines: SharedEngines | None = None) -> None:
        self.settings = settings
        self._engine: Engine | None = None
        self._templates: Templates | None = None
        # A long-lived process's engines (`sesame shell`): lent, never disposed of here.
        self._engines = engines

    def now(self) -> datetime:
        """The clock, read through the module so tests can move it."""
        return utc_now()

    def message_templates(self) -> Templates:
        """The operator's message templates, read and checked once (`db.template_files`):
        a command that may send a message reads them first, before anything is written."""
        if self._templates is None:
            from db.template_files import load_templates

            self._templates = load_templates(self.settings.home)
        return self._templates

    @property
    def templates_read(self) -> Templates | None:
        """The templates if `message_templates` has read them, else None."""
        return self._templates

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            url = self.settings.db_url
            self._engine = open_engine(url) if self._engines is None else self._engines.get(url)
        return self._engine

    def with_source(self, source: str | None) -> Store:
        """The same database (its engine and pool shared) for one request of a
        face that names its client (`sesame serve`): the steps audit `source`."""
        from dataclasses import replace

        other = Store(replace(self.settings, source=source))
        other._engine = self.engine
        other._templates = self._templates
        return other

    def close(self) -> None:
        """Close the pooled connections now, not when the garbage collector
        gets to them: a long-lived process (the test suite, a console) would
        otherwise exhaust PostgreSQL's connection slots."""
        if self._engine is not None and self._engines is None:
            self._engine.dispose()
        self._engine = None

    @property
    def is_postgres(self) -> bool:
        return self.settings.db_url.startswith("postgresql")

    def erase_wal(self) -> None:
        """Checkpoint and truncate SQLite's WAL after erasing secrets.

        The WAL keeps old page images until it is reset; without this, a
        delivered temporary password would stay readable in `sesame.db-wal`.
        With another process reading at that moment the truncation is partial,
        and the next checkpoint finishes it.
        """
        if self.is_postgres:
            return
        with translate_errors():
            raw = self.engine.raw_connection()
            try:
                raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                raw.close()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: committed on success, rolled back on any error."""
        with translate_errors(), self.engine.connect() as conn:
            conn.execution_options(sesame_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only transaction: takes no write lock."""
        with translate_errors(), self.engine.connect() as conn, conn.begin():
            yield conn


@contextmanager
def translate_errors() -> Iterator[None]:
    """Database failures become `storage_unavailable` (exit 11)."""
    from sqlalchemy.exc import DatabaseError, IntegrityError, InterfaceError, OperationalError

    try:
        yield
    except IntegrityError:
        raise
    except (OperationalError, DatabaseError, InterfaceError) as exc:
        detail = str(getattr(exc, "orig", exc) or exc).splitlines()[0]
        if "not a database" in detail:
            raise storage_error("not_sesame", detail=detail) from None
        raise storage_error("database", detail=detail) from None


def open_engine(url: str) -> Engine:
    """An engine on `url` whose schema is checked (created on a new database)."""
    engine = _create_engine(url)
    try:
        with translate_errors():
            ensure_schema(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for another backend, memory or a `uri` URL."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.query.get("uri"):
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def prepare_sqlite_file(path: Path) -> None:
    """The checks and modes of opening a SQLite file (`_prepare_sqlite_file`)."""
    _prepare_sqlite_file(path)


def _create_engine(url: str) -> Engine:
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        parsed = make_url(url)
    except ArgumentError:
        raise storage_error("database", detail_key="invalid_url", url=url) from None
    except ValueError:  # SQLAlchemy reads the port with int(); never echo a password
        raise storage_error("database", detail_key="invalid_port") from None
    if parsed.get_backend_name() != "sqlite":
        try:
            return create_engine(parsed)
        except (NoSuchModuleError, ImportError) as exc:
            raise storage_error("driver_missing", detail=str(exc)) from None
    if parsed.database and parsed.database != ":memory:" and not parsed.query.get("uri"):
        _prepare_sqlite_file(Path(parsed.database))
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        # Overwrite freed pages, so a scrubbed secret does not linger in the file.
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()
        # Unicode case folding (SQLite's lower() folds ASCII only): `audit --reason`.
        dbapi_connection.create_function("sesame_casefold", 1, _casefold, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get("sesame_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _casefold(text: str | None) -> str | None:
    return None if text is None else text.casefold()


def _prepare_sqlite_file(path: Path) -> None:
    """Owner-only directory and file, whatever the umask or whoever created the file.

    An existing file is never opened here: closing any descriptor of a SQLite
    file drops every POSIX lock this process holds on it, which would let
    another process checkpoint the WAL under our feet. Its mode is fixed by
    path instead, and so are its WAL and shared-memory files (SQLite creates
    new ones with the main file's mode).

    Its directory is trusted like the home, so nobody else can plant or swap
    a file in it between the checks below and SQLite's own opening.
    """
    from db.trust import require_trusted

    require_trusted(path.parent)
    for companion in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        _owner_only(companion)
    if path.exists():
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        os.close(fd)
    except FileExistsError:
        return
    except OSError as exc:
        raise storage_error("database", detail=f"{path}: {exc.strerror}") from None


def _owner_only(path: Path) -> None:
    """Take group and other access away from a database file (0644 becomes 0600).

    Only from a regular file of ours: a symlink or another user's file is
    refused, never chmodded (chmod by path would act on a symlink's target).
    """
    try:
        status = os.lstat(path)
        if stat.S_ISLNK(status.st_mode):
            raise storage_error("file_symlink", path=str(path))
        if status.st_uid != os.geteuid():
            raise storage_error("path_owner", path=str(path), owner=status.st_uid)
        if not stat.S_ISREG(status.st_mode):
            raise storage_error("database", detail_key="not_a_regular_file", path=str(path))
        mode = stat.S_IMODE(status.st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise storage_error("database", detail=f"{path}: {exc.strerror}") from None


def current_revision(conn: Connection) -> str | None:
    from sqlalchemy import inspect, text

    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_schema(engine: Engine) -> None:
    """Create the schema of a new database; refuse an outdated or foreign one."""
    from sqlalchemy import inspect

    with engine.connect() as conn, conn.begin():
        revision = current_revision(conn)
        if revision == HEAD_REVISION:
            return
        if revision is None and inspect(conn).get_table_names():
            raise storage_error("not_sesame", detail_key="no_schema_revision")
    if revision is None:
        upgrade(engine)
    elif revision in KNOWN_REVISIONS:
        raise storage_error("schema_outdated", current=revision, head=HEAD_REVISION)
    else:
        raise storage_error("schema_newer", current=revision, head=HEAD_REVISION)


def upgrade(engine: Engine) -> str:
    """Run the Alembic migrations up to head in one write transaction."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.connect() as conn:
        conn.execution_options(sesame_write=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                # Two first commands on an empty database must not both create
                # the schema: the second waits here, then finds it at head.
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_SCHEMA_LOCK})")
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    return HEAD_REVISION


def current_revision_of(url: str) -> str | None:
    """The stored revision, without creating or checking anything."""
    engine = _create_engine(url)
    try:
        with translate_errors(), engine.connect() as conn, conn.begin():
            return current_revision(conn)
    finally:
        engine.dispose()


def upgrade_url(url: str) -> str:
    engine = _create_engine(url)
    try:
        with translate_errors():
            with engine.connect() as conn, conn.begin():
                revision = current_revision(conn)
            if revision is not None and revision not in KNOWN_REVISIONS:
                raise storage_error("schema_newer", current=revision, head=HEAD_REVISION)
            return upgrade(engine)
    finally:
        engine.dispose()
