"""Table metadata (SQLAlchemy Core). Changes go through an Alembic migration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.types import TypeDecorator

# The revision the code expects; checked without importing Alembic
# (tests/db_tests checks it equals the migration scripts' head).
HEAD_REVISION = "0012"
# Every revision this code knows, oldest first: older ones need `sesame db upgrade`.
KNOWN_REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
)
OPEN_FLOW_STATES_SQL = "state IN ('choose_channel', 'code_sent', 'verified')"


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nir", String(15), nullable=False, unique=True),
    Column("birth_date", Date, nullable=False),
    Column("email", String(320), unique=True),
    Column("mobile", String(20)),
    Column("sms_capable", Boolean, nullable=False, default=False),
    Column("password_hash", String(200)),
    Column("state", String(16), nullable=False),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_at", UtcDateTime),
    Column("locked_until", UtcDateTime),
    Column("last_login_at", UtcDateTime),
    Column("password_changed_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    # What the member's messages are written in (fr | en), whatever the operator reads.
    Column("language", String(2), nullable=False, server_default="fr"),
    Index("ix_accounts_state", "state"),
    Index("ix_accounts_state_locked_at", "state", "locked_at"),
    Index("ix_accounts_state_locked_until", "state", "locked_until"),
    # On PostgreSQL, migration 0012 also indexes `nir` and `email` in the "C"
    # collation, for the console's prefix completion (db/completion.py); left out
    # here like the partial index below (no query needs the declaration).
)

flows = Table(
    "flows",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("channel", String(8)),
    Column("secret_digest", String(64)),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("code_attempts", Integer, nullable=False, default=0),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_flows_account", "account_id", "created_at"),
    Index("ix_flows_secret_digest", "secret_digest"),
    Index("ix_flows_state", "state", "account_id"),
    # One open flow per account (docs/design.md), enforced by the database. The
    # migrations create it partial on both backends; `postgresql_where` is left
    # out here because naming it imports SQLAlchemy's PostgreSQL dialect (about
    # 50 ms) in every command, and no query reads it.
    Index(
        "uq_flows_one_open_per_account",
        "account_id",
        unique=True,
        sqlite_where=text(OPEN_FLOW_STATES_SQL),
    ),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    # Declared by the caller (--actor, SESAME_ACTOR): a claim, not an identity.
    Column("actor", String(200), nullable=False),
    # Said by the system (migration 0005): the real uid's user, SUDO_USER when set,
    # and on PostgreSQL the session role (the column's default there, `session_user`).
    Column("os_user", String(200)),
    Column("sudo_user", String(200)),
    Column("db_role", String(200)),
    Column("account_id", Integer, ForeignKey("accounts.id")),
    Column("flow_id", String(32)),
    Column("event", String(40), nullable=False),
    Column("state_before", String(16)),
    Column("state_after", String(16)),
    Column("detail", Text, nullable=False, default="{}"),
    # A bulk action's batch (migration 0007): its id, and the file it read, if any.
    Column("batch_id", String(32)),
    Column("batch_source", String(1000)),
    # The client the calling front end names (--source, migration 0008): a claim,
    # shown and filtered on, never used for a decision.
    Column("source", String(64)),
    Index("ix_audit_account_event_at", "account_id", "event", "at"),
    Index("ix_audit_at", "at"),
    Index("ix_audit_event_at", "event", "at"),
    Index("ix_audit_batch", "batch_id"),
    Index("ix_audit_source_at", "source", "at"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id")),
    Column("flow_id", String(32)),
    Column("channel", String(8), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("subject", Text),
    # The full text, secret included, only until delivery; then NULL.
    Column("body", Text),
    Column("redacted_body", Text, nullable=False),
    # queued → sent; a failed attempt → failed (retried with backoff) → abandoned.
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UtcDateTime),
    Column("last_error", Text),
    # A delivery worker's claim, so that parallel workers never send a message twice.
    Column("claimed_by", String(64)),
    Column("claimed_until", UtcDateTime),
    Index("ix_outbox_status", "status", "created_at"),
    Index("ix_outbox_status_next", "status", "next_attempt_at"),
    Index("ix_outbox_account", "account_id", "created_at"),
    Index("ix_outbox_status_channel_delivered", "status", "channel", "delivered_at"),
)

# Unknown identifiers walk the same path as real ones (docs/rules.md): each has
# a shadow account, keyed by an HMAC of the normalised identifier (never the
# identifier itself), with the counters a real account has.
shadow_accounts = Table(
    "shadow_accounts",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("state", String(16), nullable=False),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_at", UtcDateTime),
    Column("locked_until", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
)

# What the rate limits of a shadow read: the events its steps produced, as a
# real account's are read from the audit log.
shadow_events = Table(
    "shadow_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False),
    Column("event", String(40), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_shadow_events_key_event_at", "key", "event", "at"),
)

# The HMAC key of the shadows on PostgreSQL, where every machine must use the
# same one (on SQLite it is a file of the home: see db/shadow.py).
shadow_key = Table(
    "shadow_key",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("key", String(64), nullable=False),
)

# How many steps the rate limits refused, by minute (db/refusals.py, migration
# 0011): a refused step writes no audit event, so this is what `sesame metrics`
# counts them from.
rate_limit_refusals = Table(
    "rate_limit_refusals",
    metadata,
    Column("minute", UtcDateTime, primary_key=True),
    Column("count", Integer, nullable=False),
)

# The hashes an account's password had before its current one (docs/rules.md,
# "New passwords"): the argon2 PHC strings as they were stored, the newest
# `password_history - 1` kept (the current hash, on the account, is the N-th).
# They go with the account's row (ON DELETE CASCADE).
password_history = Table(
    "password_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("hash", String(200), nullable=False),
    Column("set_at", UtcDateTime, nullable=False),
    Index("ix_password_history_account", "account_id", "id"),
)

# The member pages' short-lived state between two requests (web/sessions.py): the
# key is the SHA-256 of the browser's random cookie, never the cookie itself; a
# flow's secret is held only as its digest (as `flows` holds it), never in clear.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("purpose", String(16), nullable=False),
    Column("flow_id", String(32), nullable=True),
    Column("ident", String(320), nullable=True),
    Column("digest", String(64), nullable=True),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_web_sessions_expires", "expires_at"),
)

# One row per sign-in or identity check from a client address (`[web]
# max_attempts_per_source`), counted within the window; older rows are purged.
source_attempts = Table(
    "source_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index("ix_source_attempts_source_at", "source", "at"),
)
