"""Shadow accounts: an unknown identifier walks the same path as a real one.

A shadow is keyed by HMAC-SHA256(server key, normalised identifier), so the
database never holds the identifier. Its snapshot goes through the same
`engine.machine.step()` as a real account's, through the same
`db.unit_of_work.run_step`, so every rule (the failure count
and the lock, the identity limit, the limit on refused logins) applies alike
and answers alike; only the shadow's counters and the events its limits read
are saved, in the caller's write transaction.

The key: on SQLite, the file `shadow.key` of the home (0600, created once with
O_EXCL and O_NOFOLLOW, never beside the database in a copy of `sesame.db`); on
PostgreSQL, a row of the database, because every machine sharing it must use
the same key or an unknown identifier would get one counter per machine.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, text, update

from db.schema import shadow_accounts, shadow_events, shadow_key
from db.store import Store, storage_error
from engine.backoff import Backoff
from engine.counted import Counted
from engine.errors import SesameError
from engine.events import Audit, Decision, Snapshot
from engine.identity import Identifier
from engine.lockout import history_since
from engine.model import Account, AccountState
from engine.policy import Policy

if TYPE_CHECKING:
    from sqlalchemy import Connection

KEY_FILE = "shadow.key"
_KEY_BYTES = 32
# The advisory-lock namespace of shadow keys on PostgreSQL.
_LOCK_SPACE = 0x5AD0
# The id every shadow account has: no real account row has it.
SHADOW_ACCOUNT_ID = 0


def lock(store: Store, conn: Connection, ident: Identifier) -> ShadowSubject:
    """The identifier's shadow, locked like an account row (`db.unit_of_work`)."""
    key = shadow_id(_key(store, conn), ident)
    if conn.dialect.name == "postgresql":
        # FOR UPDATE locks no row the first time: two first attempts would both
        # insert. SQLite's BEGIN IMMEDIATE already serialises them.
        conn.execute(
            text("SELECT pg_advisory_xact_lock(:space, :key)"),
            {"space": _LOCK_SPACE, "key": int(key[:8], 16) - (1 << 31)},
        )
    row = conn.execute(
        select(shadow_accounts).where(shadow_accounts.c.key == key).with_for_update()
    ).first()
    return ShadowSubject(key, row, store.settings.policy)


@dataclass(frozen=True)
class ShadowSubject:
    """A shadow as the unit of work steps it: its snapshot, and its saved changes."""

    key: str
    row: Any
    policy: Policy

    def snapshot(self, conn: Connection, now: datetime, policy: Policy) -> Snapshot:
        """The same history as a real account's snapshot (db.decisions.snapshot)."""
        identity_since = now - Backoff.of(policy).history()
        failures_since, locks_since = history_since(policy, now)
        return Snapshot(
            account=_account(self.row, now),
            recent_identity_failures=self._recent(conn, Counted.IDENTITY_FAILED, identity_since),
            recent_refused_logins=self._recent(
                conn, Counted.LOGIN_REFUSED, now - timedelta(days=1)
            ),
            recent_login_failures=(
                self._recent(
                    conn, Counted.LOGIN_FAILED, failures_since, newest=policy.max_failed_attempts
                )
                if failures_since
                else ()
            ),
            recent_locks=(
                self._recent(conn, Counted.ACCOUNT_LOCKED, locks_since) if locks_since else ()
            ),
        )

    def save(
        self,
        conn: Connection,
        before: Snapshot,
        decision: Decision,
        now: datetime,
        actor: str,
        source: str | None = None,
    ) -> list[str]:
        """The same writes as a real account: its row when it changed, its events.

        A shadow has no password, no channel and no birth date: nothing
        succeeds and no message is ever queued.
        """
        assert not decision.outcome.ok, decision.outcome
        account = decision.account
        if account != before.account and _fresh(account):
            # Back to a fresh shadow's state: no row says the same.
            if self.row is not None:
                conn.execute(delete(shadow_accounts).where(shadow_accounts.c.key == self.key))
        elif account != before.account:
            values = {
                "state": account.state.value,
                "failed_attempts": account.failed_attempts,
                "locked_at": account.locked_at,
                "locked_until": account.locked_until,
            }
            if self.row is not None:
                conn.execute(
                    update(shadow_accounts)
                    .where(shadow_accounts.c.key == self.key)
                    .values(**values)
                )
            else:
                conn.execute(insert(shadow_accounts).values(key=self.key, created_at=now, **values))
        events = [
            {"key": self.key, "event": e.event, "at": now}
            for e in decision.effects
            if isinstance(e, Audit)
        ]
        if events:
            # Events older than any history a limit reads will never count again.
            read_since = now - max(
                Backoff.of(self.policy).history(),
                timedelta(days=1),
                timedelta(seconds=self.policy.failure_window_seconds),
                timedelta(seconds=self.policy.lock_reset_seconds),
            )
            conn.execute(
                delete(shadow_events).where(
                    shadow_events.c.key == self.key, shadow_events.c.at < read_since
                )
            )
            conn.execute(insert(shadow_events), events)
        return []

    def _recent(
        self, conn: Connection, event: Counted, since: datetime, newest: int | None = None
    ) -> tuple[datetime, ...]:
        """When the shadow's `event` happened since `since` (the `newest` ones when
        given): what its limit counts."""
        query = select(shadow_events.c.at).where(
            shadow_events.c.key == self.key,
            shadow_events.c.event == event,
            shadow_events.c.at > since,
        )
        if newest is not None:
            query = query.order_by(shadow_events.c.at.desc()).limit(newest)
        return tuple(conn.execute(query).scalars())


def shadow_id(key: bytes, ident: Identifier) -> str:
    """The shadow's key: an HMAC of the normalised identifier, never the identifier."""
    normalised = f"nir:{ident.nir.value}" if ident.nir else f"email:{ident.email}"
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()


def _account(row: Any, now: datetime) -> Account:
    """The account a stranger would see: no password, no channel, no match."""
    return Account(
        id=SHADOW_ACCOUNT_ID,
        nir="",
        birth_date=date.min,
        email=None,
        mobile=None,
        sms_capable=False,
        password_hash=None,
        state=AccountState(row.state) if row else AccountState.ACTIVE,
        failed_attempts=row.failed_attempts if row else 0,
        locked_at=row.locked_at if row else None,
        locked_until=row.locked_until if row else None,
        last_login_at=None,
        password_changed_at=None,
        created_at=row.created_at if row else now,
    )


def _fresh(account: Account) -> bool:
    """The state of a shadow without a row (see `_account`)."""
    fresh = _account(None, account.created_at)
    return replace(account, created_at=fresh.created_at) == fresh


def require_key(store: Store) -> None:
    """Check the key file before anyone knows whether the identifier exists, so
    that a broken key fails a real identifier exactly as an unknown one. A
    missing key is no answer: the first unknown identifier creates it."""
    if store.is_postgres:
        return
    path = store.settings.home / KEY_FILE
    try:
        _read_key(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _unusable(path, exc) from None


def derived_key(store: Store, purpose: str) -> bytes:
    """A key for another use than shadows (the member pages' CSRF tokens),
    derived from the server key: every process and machine of an installation
    agrees on it, and it says nothing of the shadow key."""
    with store.write() as conn:
        key = _key(store, conn)
    return hmac.new(key, b"sesame derived key\0" + purpose.encode(), hashlib.sha256).digest()


def _key(store: Store, conn: Connection) -> bytes:
    if store.is_postgres:
        return _database_key(conn)
    return _file_key(store.settings.home / KEY_FILE)


def _database_key(conn: Connection) -> bytes:
    """The key row, created by the first machine that needs it."""
    found = conn.execute(select(shadow_key.c.key).where(shadow_key.c.id == 1)).scalar()
    if found is None:
        conn.execute(
            text("INSERT INTO shadow_key (id, key) VALUES (1, :key) ON CONFLICT (id) DO NOTHING"),
            {"key": secrets.token_hex(_KEY_BYTES)},
        )
        found = conn.execute(select(shadow_key.c.key).where(shadow_key.c.id == 1)).scalar_one()
    return bytes.fromhex(found)


def _file_key(path: Path) -> bytes:
    """The home's key file, created once: written under a private temporary
    name, then linked into place, so no reader ever sees it half written."""
    try:
        with contextlib.suppress(FileNotFoundError):
            return _read_key(path)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{KEY_FILE}.{secrets.token_hex(8)}")
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
        fd = os.open(temporary, flags, 0o600)
        try:
            os.write(fd, secrets.token_hex(_KEY_BYTES).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process created it first: use theirs
        finally:
            os.unlink(temporary)
        return _read_key(path)
    except OSError as exc:
        raise _unusable(path, exc) from None


def _unusable(path: Path, exc: OSError) -> SesameError:
    return storage_error("shadow_key", path=str(path), detail=exc.strerror or "")


def _read_key(path: Path) -> bytes:
    """The key, refused if anyone else could read or replace it."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        info = os.fstat(fd)
        raw = os.read(fd, 4 * _KEY_BYTES)
    finally:
        os.close(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        raise storage_error("shadow_key", path=str(path), detail_key="not_owner_only")
    try:
        key = bytes.fromhex(raw.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        key = b""
    if len(key) != _KEY_BYTES:
        raise storage_error("shadow_key", path=str(path), detail_key="not_a_key")
    return key
