"""Every audit event name sesame writes, in one list: `audit --event` refuses a
name that is not here, and `audit --help` lists them. A test checks the list
against every `Audit("…")` of the code, so a new event cannot be forgotten."""

from __future__ import annotations

from engine.counted import Counted

AUDIT_EVENTS: tuple[str, ...] = tuple(
    sorted(
        {
            # the account machine
            "account_created",
            "account_imported",
            "account_locked",
            "lock_expired",
            "login_failed",
            "login_succeeded",
            "login_unknown",
            "password_changed",
            "password_rehashed",
            # the flow machine
            "flow_started",
            "flow_superseded",
            "flow_expired",
            "flow_cancelled",
            "flow_completed",
            "code_verified",
            "code_rejected",
            # support
            "account_unlocked",
            "failures_cleared",
            "reset_sent_by_support",
            "account_disabled",
            "account_enabled",
            "channels_changed",
            "accounts_exported",
            "accounts_exported_with_hashes",
            # the outbox
            "message_abandoned",
            "message_conflict",
            "message_requeued",
            # what the limits count
            *(str(name) for name in Counted),
        }
    )
)
